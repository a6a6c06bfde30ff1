// The document model's out-of-line parts: key interning, allocation, lookups
// and paths. See document.h.
#include "runtime/document.h"

#include <sys/mman.h>

#include <cstdlib>
#include <cstring>

#include <llvm/Support/ErrorHandling.h>

namespace guard {

const char* nodeKindName(NodeKind k) {
  switch (k) {
    case NodeKind::Null: return "null";
    case NodeKind::Bool: return "bool";
    case NodeKind::Int: return "int";
    case NodeKind::Float: return "float";
    case NodeKind::String: return "string";
    case NodeKind::List: return "list";
    case NodeKind::Map: return "map";
    case NodeKind::Regex: return "Regex";
    case NodeKind::Char: return "char";
    case NodeKind::RangeInt: return "range(int, int)";
    case NodeKind::RangeFloat: return "range(float, float)";
    case NodeKind::RangeChar: return "range(char, char)";
  }
  return "?";
}

KeyId KeyTable::intern(std::string_view s) {
  auto [it, inserted] = ids_.try_emplace(llvm::StringRef(s.data(), s.size()), KeyId(names_.size()));
  if (inserted) names_.push_back(std::string_view(it->getKeyData(), it->getKeyLength()));
  return it->second;
}

KeyId KeyTable::find(std::string_view s) const {
  auto it = ids_.find(llvm::StringRef(s.data(), s.size()));
  return it == ids_.end() ? kNoKey : it->second;
}

// --- Arena

void adviseHugePages(void* p, size_t n) {
#ifdef MADV_HUGEPAGE
  constexpr uintptr_t kHuge = uintptr_t(2) << 20;
  const uintptr_t b = (reinterpret_cast<uintptr_t>(p) + kHuge - 1) & ~(kHuge - 1);
  const uintptr_t e = (reinterpret_cast<uintptr_t>(p) + n) & ~(kHuge - 1);
  if (e >= b + 2 * kHuge) madvise(reinterpret_cast<void*>(b), e - b, MADV_HUGEPAGE);
#endif
}

static constexpr size_t kHugeSlab = size_t(2) << 20;
// Small and medium documents stay on malloc'd slabs of up to 64 KB, which
// malloc recycles between documents; a huge page is zeroed whole on its first
// touch, a cost only a big document earns back. From 8 MB on: huge slabs.
static constexpr size_t kSmallSlabMax = size_t(64) << 10;
static constexpr size_t kHugeFrom = size_t(8) << 20;

Arena::~Arena() {
  for (const Slab& s : slabs_) {
    if (s.mapped) munmap(s.base, s.size);
    else std::free(s.base);
  }
}

// A slab of `size` bytes; sizes from 2 MB up are 2 MB-aligned mappings (the
// alignment lets the kernel back them with huge pages from the first fault).
Arena::Slab Arena::newSlab(size_t size) {
  if (size < kHugeSlab) {
    void* p = std::malloc(size);
    if (!p) llvm::report_bad_alloc_error("document arena: out of memory");
    return {p, size, false};
  }
  size = (size + kHugeSlab - 1) & ~(kHugeSlab - 1);
  void* raw = mmap(nullptr, size + kHugeSlab, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) llvm::report_bad_alloc_error("document arena: out of memory");
  const uintptr_t start = reinterpret_cast<uintptr_t>(raw);
  const uintptr_t aligned = (start + kHugeSlab - 1) & ~uintptr_t(kHugeSlab - 1);
  if (aligned > start) munmap(raw, aligned - start);
  if (const size_t tail = start + size + kHugeSlab - (aligned + size)) munmap(reinterpret_cast<void*>(aligned + size), tail);
  void* p = reinterpret_cast<void*>(aligned);
  madvise(p, size, MADV_HUGEPAGE);  // advice only: without THP, 4 KB pages as before
  return {p, size, true};
}

void* Arena::allocateSlow(size_t size, size_t align) {
  // A request bigger than a quarter of the next slab gets a slab of its own,
  // so the current slab keeps serving small requests.
  if (size + align > nextSize_ / 4) {
    Slab s = newSlab(size + align);
    slabs_.push_back(s);
    reserved_ += s.size;
    uintptr_t p = (reinterpret_cast<uintptr_t>(s.base) + align - 1) & ~uintptr_t(align - 1);
    return reinterpret_cast<void*>(p);
  }
  Slab s = newSlab(nextSize_);
  slabs_.push_back(s);
  reserved_ += s.size;
  if (nextSize_ < kSmallSlabMax) nextSize_ *= 2;
  else if (reserved_ >= kHugeFrom) nextSize_ = kHugeSlab;
  cur_ = reinterpret_cast<uintptr_t>(s.base);
  end_ = cur_ + s.size;
  uintptr_t p = (cur_ + align - 1) & ~uintptr_t(align - 1);
  cur_ = p + size;
  return reinterpret_cast<void*>(p);
}

// --- Document

Node* Document::newNode(NodeKind k) {
  Node* n = new (arena_.allocate<Node>()) Node();
  n->kind = k;
  ++nodes_;
  return n;
}

const char* Document::copyString(std::string_view s) {
  char* p = arena_.allocate<char>(s.size() + 1);
  if (!s.empty()) std::memcpy(p, s.data(), s.size());
  p[s.size()] = '\0';
  return p;
}

Node** Document::newItems(uint32_t n) { return n ? arena_.allocate<Node*>(n) : nullptr; }
MapEntry* Document::newEntries(uint32_t n) { return n ? arena_.allocate<MapEntry>(n) : nullptr; }

static constexpr uint32_t kIndexThreshold = 12;

const Node* Document::lookup(const Node* map, KeyId key) const {
  if (key == kNoKey || map->kind != NodeKind::Map) return nullptr;
  const uint32_t n = map->map.size;
  if (n < kIndexThreshold) {
    for (uint32_t i = 0; i < n; ++i)
      if (map->map.entries[i].id == key) return map->map.entries[i].value;
    return nullptr;
  }
  auto& slot = index_[map];
  if (!slot) {
    slot = std::make_unique<llvm::DenseMap<KeyId, uint32_t>>();
    slot->reserve(n);
    for (uint32_t i = 0; i < n; ++i) slot->try_emplace(map->map.entries[i].id, i);
  }
  auto it = slot->find(key);
  return it == slot->end() ? nullptr : map->map.entries[it->second].value;
}

const TypeTags& Document::typeTags(const Node* map, KeyId key) const {
  auto& slot = typeTags_[{map, key}];
  if (slot) return *slot;
  slot = std::make_unique<TypeTags>();
  TypeTags& t = *slot;
  const uint32_t n = map->kind == NodeKind::Map ? map->map.size : 0;
  t.tags.resize(n, TypeTags::kOther);
  for (uint32_t i = 0; i < n; ++i) {
    const Node* v = map->map.entries[i].value;
    const Node* s = v->kind == NodeKind::Map ? lookup(v, key) : nullptr;
    if (!s || s->kind != NodeKind::String) {
      t.others.push_back(i);
      continue;
    }
    const uint32_t tag = t.ids.try_emplace(s->text(), uint32_t(t.ids.size())).first->second;
    t.tags[i] = tag;
    if (tag == t.members.size()) t.members.emplace_back();
    t.members[tag].push_back(i);
  }
  return t;
}

const TypeTags* Document::resourceTypes() const {
  if (resourceTypesKnown_) return resourceTypes_;
  resourceTypesKnown_ = true;
  const Node* top = root_;
  if (!top || top->kind != NodeKind::Map || top->map.size == 0 || top->map.entries[0].id == kNoKey) return nullptr;
  const KeyId resourcesKey = keys_.find("Resources"), typeKey = keys_.find("Type");
  if (resourcesKey == kNoKey || typeKey == kNoKey) return nullptr;
  const Node* resources = lookup(top, resourcesKey);
  if (!resources || resources->kind != NodeKind::Map || resources->map.size == 0 ||
      resources->map.entries[0].id == kNoKey)
    return nullptr;
  resourceTypes_ = &typeTags(resources, typeKey);
  return resourceTypes_;
}

const LineTable& Document::lines() const {
  if (!lines_) lines_ = std::make_unique<LineTable>(text_);
  return *lines_;
}

const Node* Document::lookupKeyText(const Node* map, std::string_view key) const {
  if (map->kind != NodeKind::Map || map->map.size == 0) return nullptr;
  if (map->map.entries[0].id == kNoKey) return lookupText(map, key);
  return lookup(map, keys_.find(key));  // a key never interned is in no map
}

const Node* Document::lookupText(const Node* map, std::string_view key) {
  if (map->kind != NodeKind::Map) return nullptr;
  for (uint32_t i = 0; i < map->map.size; ++i)
    if (map->map.entries[i].keyText() == key) return map->map.entries[i].value;
  return nullptr;
}

void appendPath(std::string& out, const Node* n) {
  if (!n || !n->parent) return;
  appendPath(out, n->parent);
  out.push_back('/');
  const Node* p = n->parent;
  if (p->kind == NodeKind::Map) {
    out.append(p->map.entries[n->slot].keyText());
  } else {
    out.append(std::to_string(n->slot));
  }
}

std::string pathOf(const Node* n) {
  std::string s;
  appendPath(s, n);
  return s;
}

std::string pathLoc(const Node* n) {
  std::string s = pathOf(n);
  s += "[L:" + std::to_string(n->line) + ",C:" + std::to_string(n->col) + "]";
  return s;
}

}  // namespace guard
