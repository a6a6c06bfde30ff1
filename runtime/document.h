// The document model: an immutable tree of values in one arena per document.
// Built by the loaders (yaml_loader.cpp, json_loader.cpp) straight from parser
// events; read by the VM (vm/interp.cpp), the built-in functions and the
// reporters. Rule literals (lists, maps, regexes, ranges) use the same Node
// type, allocated in the pack's literal arena, with empty paths and L:0,C:0.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <llvm/ADT/DenseMap.h>
#include <llvm/ADT/StringMap.h>

#include "runtime/error.h"
#include "runtime/line_table.h"

namespace guard {

class Regex;  // runtime/regex.h

enum class NodeKind : uint8_t {
  Null,
  Bool,
  Int,
  Float,
  String,
  List,
  Map,
  // Only from rule literals or functions, never from data:
  Regex,
  Char,
  RangeInt,
  RangeFloat,
  RangeChar,
};

// The kind's name as 3.1.1's messages write it ("Attempting EMPTY operation
// on type Regex ..."): Rust's names for the rule-only values.
const char* nodeKindName(NodeKind k);

using KeyId = uint32_t;
inline constexpr KeyId kNoKey = UINT32_MAX;

struct Node;

struct MapEntry {
  const char* key;     // key text (not NUL-terminated; use keyText())
  uint32_t keyLen;
  KeyId id;            // id in the owning Document's KeyTable; kNoKey for literals
  uint32_t line, col;  // 0-based position of the key
  Node* value;
  std::string_view keyText() const { return {key, keyLen}; }
};

// Where a data map's text names a key again. The map holds one entry per key
// (the last value, at the first occurrence's place, spec §14.6), but
// cfn-guard 3.1.1 keeps every occurrence of the key as well: a map-key
// filter visits each occurrence (selecting the entry's value once per
// occurrence) and the Rust debug text of the map lists each. The loaders
// record occurrences only for maps whose text repeats a key; the root map
// that merges --input-params with a data file always has them.
struct KeyOccurrence {
  uint32_t entry;      // index of the entry whose key this is
  uint32_t line, col;  // 0-based position of this occurrence of the key
  // The key stands at its entry's path (/k) rather than at the map's, as the
  // keys 3.1.1 adds to a map when it merges another into it. (Entries with
  // kNoKey ids, of json_parse maps and rule literals, stand there too.)
  bool atEntryPath;
};
struct KeyOccurrences {
  const KeyOccurrence* items;  // every key occurrence, in the text's order
  uint32_t size;
};

// Range bound flags (Node::flags for Range* kinds).
inline constexpr uint8_t kLowerInclusive = 1;
inline constexpr uint8_t kUpperInclusive = 2;

// 48 bytes: the fields are ordered so that the 32-bit ones share the first
// 16 bytes (a big template has tens of millions of nodes).
struct Node {
  NodeKind kind = NodeKind::Null;
  uint8_t flags = 0;
  uint32_t line = 0, col = 0;     // 0-based position of the value's first character
  uint32_t slot = 0;              // position in the parent list / parent map's entries
  const Node* parent = nullptr;   // nullptr for the root and for literals
  union {
    bool b;
    int64_t i;
    double f;
    uint32_t ch;                                      // Char: a Unicode code point
    struct { const char* data; uint32_t size; const Regex* re; } str;  // String, Regex
    struct { Node** items; uint32_t size; } list;
    // `repeats` shares str.re's place, which Node() clears: only the loaders set it.
    struct { MapEntry* entries; uint32_t size; const KeyOccurrences* repeats; } map;
    struct { int64_t lo, hi; } irange;
    struct { double lo, hi; } frange;
    struct { uint32_t lo, hi; } crange;
  };

  Node() : i(0) { str.re = nullptr; str.size = 0; }

  bool isScalar() const { return kind != NodeKind::List && kind != NodeKind::Map; }
  std::string_view text() const { return {str.data, str.size}; }
  uint32_t size() const {
    return kind == NodeKind::List ? list.size : kind == NodeKind::Map ? map.size : 0;
  }
};

static_assert(sizeof(Node) == 48, "Node's layout grew; see the field order");
static_assert(offsetof(Node, map.repeats) == offsetof(Node, str.re), "Node() must clear map.repeats");

// Calls f(entry, occurrence) for each key occurrence of map `m` in the
// text's order: once per entry at the entry's own key position, unless the
// map has KeyOccurrences. For the map-key filter and the debug text.
template <typename F>
void forEachKeyOccurrence(const Node* m, F&& f) {
  if (!m->map.repeats) {
    for (uint32_t i = 0; i < m->map.size; ++i) {
      const MapEntry& e = m->map.entries[i];
      f(e, KeyOccurrence{i, e.line, e.col, false});
    }
    return;
  }
  for (uint32_t k = 0; k < m->map.repeats->size; ++k) {
    const KeyOccurrence& o = m->map.repeats->items[k];
    f(m->map.entries[o.entry], o);
  }
}

// Bump allocation for one document's nodes, entries and strings, freed all at
// once with the document. Slabs start at 4 KB (most documents are small:
// json_parse strings, literal pools, test inputs) and double up to 64 KB;
// once 8 MB are reserved every new slab is a 2 MB-aligned mapping advised
// MADV_HUGEPAGE, so a big template costs one page fault per 2 MB instead of
// one per 4 KB (the faults were ~40% of loading a 100 MB template). Not
// thread-safe, like Document.
class Arena {
 public:
  Arena() = default;
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;
  ~Arena();

  void* allocate(size_t size, size_t align) {
    uintptr_t p = (cur_ + align - 1) & ~uintptr_t(align - 1);
    if (p + size > end_ || cur_ == 0) return allocateSlow(size, align);
    cur_ = p + size;
    return reinterpret_cast<void*>(p);
  }
  template <typename T>
  T* allocate(size_t n = 1) {
    return static_cast<T*>(allocate(sizeof(T) * n, alignof(T)));
  }
  // Bytes reserved in slabs (for benchmarks and tests).
  size_t bytesReserved() const { return reserved_; }

 private:
  struct Slab {
    void* base;
    size_t size;
    bool mapped;  // from mmap (huge-page slabs), else from malloc
  };
  void* allocateSlow(size_t size, size_t align);
  Slab newSlab(size_t size);

  std::vector<Slab> slabs_;
  uintptr_t cur_ = 0, end_ = 0;
  size_t nextSize_ = 4096;
  size_t reserved_ = 0;
};

// Asks for transparent huge pages on the 2 MB-aligned part of [p, p+n) when
// that is at least 4 MB; advice only (used for big texts and arena slabs).
void adviseHugePages(void* p, size_t n);

// Interned map keys: the VM resolves a pack's key names to ids once per document.
class KeyTable {
 public:
  KeyId intern(std::string_view s);
  KeyId find(std::string_view s) const;  // kNoKey if the document never uses it
  std::string_view name(KeyId id) const { return names_[id]; }
  size_t size() const { return names_.size(); }

 private:
  llvm::StringMap<KeyId> ids_;
  std::vector<std::string_view> names_;  // point into ids_' keys (stable)
};

// The values of one map, each tagged by the string under its exact key `key`
// (Document::typeTags): the VM's `.*[ Type == 'X' ... ]` filters use it to
// pass over the entries of other types without touching them.
struct TypeTags {
  static constexpr uint32_t kOther = UINT32_MAX;  // not a map with a string there
  llvm::StringMap<uint32_t> ids;  // string -> tag
  std::vector<uint32_t> tags;     // per entry of the map
  // The entries of each tag, and those tagged kOther, in map order: a
  // selection of one type visits its own resources, not all of the map's.
  std::vector<std::vector<uint32_t>> members;
  std::vector<uint32_t> others;
};

// One loaded data file (or a literal pool): owns its nodes, keys and text.
class Document {
 public:
  Document() = default;
  Document(const Document&) = delete;
  Document& operator=(const Document&) = delete;

  Arena& arena() { return arena_; }
  KeyTable& keys() { return keys_; }
  const KeyTable& keys() const { return keys_; }

  const Node* root() const { return root_; }
  void setRoot(Node* r) {
    root_ = r;
    resourceTypesKnown_ = false;
  }

  // The name the reports use (a canonical absolute path, STDIN, DATA_STDIN[n]).
  const std::string& name() const { return name_; }
  void setName(std::string n) { name_ = std::move(n); }
  // The original text, kept for the code excerpts of the console report.
  // The loaders set it before parsing (loader.cpp), so string nodes may point
  // into it instead of copying their bytes; it never changes afterwards.
  const std::string& text() const { return text_; }
  void setText(std::string t) {
    text_ = std::move(t);
    lines_.reset();
  }
  // text()'s lines, indexed on first use (like lookup's index, by one thread at a time).
  const LineTable& lines() const;

  // Allocation helpers used by loaders and functions.
  Node* newNode(NodeKind k);
  // Nodes made so far. No query rooted at one value can select more members
  // than this (each step selects distinct children), which lets the VM prove
  // that a skipped filter call could not have hit the result-set limit.
  size_t nodeCount() const { return nodes_; }
  const char* copyString(std::string_view s);
  Node** newItems(uint32_t n);
  MapEntry* newEntries(uint32_t n);

  // Exact key lookup in a map node of this document; nullptr when absent.
  // Big maps get a hash index on first use (documents are used by one thread).
  const Node* lookup(const Node* map, KeyId key) const;
  // Lookup by text (for literal maps and for keys not interned here).
  static const Node* lookupText(const Node* map, std::string_view key);
  // Lookup by text in a map of this document, through its interned ids (and
  // so the hash index of big maps); a map of literals is scanned by text.
  const Node* lookupKeyText(const Node* map, std::string_view key) const;
  // The tags of a map of this document by the strings under `key` (an id of
  // this document), built in one pass on first use and kept: every rules file
  // evaluated against the document shares them. Same threading as lookup.
  const TypeTags& typeTags(const Node* map, KeyId key) const;
  // typeTags of the root's `Resources` by `Type` (both exact keys), when the
  // root is a map of this document whose `Resources` is a non-empty map of
  // it; else null. Looked up once and kept: the VM asks it for every rules
  // file before running one (vm/interp.cpp fileSkipApplies). Same threading
  // as lookup.
  const TypeTags* resourceTypes() const;

 private:
  Arena arena_;
  KeyTable keys_;
  Node* root_ = nullptr;
  size_t nodes_ = 0;
  std::string name_;
  std::string text_;
  mutable llvm::DenseMap<const Node*, std::unique_ptr<llvm::DenseMap<KeyId, uint32_t>>> index_;
  mutable std::unique_ptr<LineTable> lines_;
  mutable llvm::DenseMap<std::pair<const Node*, KeyId>, std::unique_ptr<TypeTags>> typeTags_;
  mutable bool resourceTypesKnown_ = false;
  mutable const TypeTags* resourceTypes_ = nullptr;
};

// JSON-pointer-like path of a data node: "/Resources/A/Type", "/Tags/0"; "" for literals.
std::string pathOf(const Node* n);
// pathOf with the node's 0-based position, as 3.1.1 prints a value's place in
// reports and errors: "/Resources/A/Type[L:3,C:4]".
std::string pathLoc(const Node* n);
void appendPath(std::string& out, const Node* n);

}  // namespace guard
