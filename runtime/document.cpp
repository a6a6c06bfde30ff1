// The document model's out-of-line parts: key interning, allocation, lookups
// and paths. See document.h.
#include "runtime/document.h"

#include <cstring>

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
    case NodeKind::Regex: return "regex";
    case NodeKind::Char: return "char";
    case NodeKind::RangeInt: return "range(int)";
    case NodeKind::RangeFloat: return "range(float)";
    case NodeKind::RangeChar: return "range(char)";
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

Node* Document::newNode(NodeKind k) {
  Node* n = new (arena_.Allocate<Node>()) Node();
  n->kind = k;
  return n;
}

const char* Document::copyString(std::string_view s) {
  char* p = arena_.Allocate<char>(s.size() + 1);
  if (!s.empty()) std::memcpy(p, s.data(), s.size());
  p[s.size()] = '\0';
  return p;
}

Node** Document::newItems(uint32_t n) { return n ? arena_.Allocate<Node*>(n) : nullptr; }
MapEntry* Document::newEntries(uint32_t n) { return n ? arena_.Allocate<MapEntry>(n) : nullptr; }

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

}  // namespace guard
