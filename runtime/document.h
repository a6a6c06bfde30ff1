// The document model: an immutable tree of values in one arena per document.
// Built by the loaders (yaml_loader.cpp, json_loader.cpp) straight from parser
// events; read by the VM (vm/interp.cpp), the built-in functions and the
// reporters. Rule literals (lists, maps, regexes, ranges) use the same Node
// type, allocated in the pack's literal arena, with empty paths and L:0,C:0.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <llvm/ADT/DenseMap.h>
#include <llvm/ADT/StringMap.h>
#include <llvm/Support/Allocator.h>

#include "runtime/error.h"

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

// Range bound flags (Node::flags for Range* kinds).
inline constexpr uint8_t kLowerInclusive = 1;
inline constexpr uint8_t kUpperInclusive = 2;

struct Node {
  NodeKind kind = NodeKind::Null;
  uint8_t flags = 0;
  uint32_t line = 0, col = 0;     // 0-based position of the value's first character
  const Node* parent = nullptr;   // nullptr for the root and for literals
  uint32_t slot = 0;              // position in the parent list / parent map's entries
  union {
    bool b;
    int64_t i;
    double f;
    uint32_t ch;                                      // Char: a Unicode code point
    struct { const char* data; uint32_t size; const Regex* re; } str;  // String, Regex
    struct { Node** items; uint32_t size; } list;
    struct { MapEntry* entries; uint32_t size; } map;
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

// One loaded data file (or a literal pool): owns its nodes, keys and text.
class Document {
 public:
  Document() = default;
  Document(const Document&) = delete;
  Document& operator=(const Document&) = delete;

  llvm::BumpPtrAllocator& arena() { return arena_; }
  KeyTable& keys() { return keys_; }
  const KeyTable& keys() const { return keys_; }

  const Node* root() const { return root_; }
  void setRoot(Node* r) { root_ = r; }

  // The name the reports use (a canonical absolute path, STDIN, DATA_STDIN[n]).
  const std::string& name() const { return name_; }
  void setName(std::string n) { name_ = std::move(n); }
  // The original text, kept for the code excerpts of the console report.
  const std::string& text() const { return text_; }
  void setText(std::string t) { text_ = std::move(t); }

  // Allocation helpers used by loaders and functions.
  Node* newNode(NodeKind k);
  const char* copyString(std::string_view s);
  Node** newItems(uint32_t n);
  MapEntry* newEntries(uint32_t n);

  // Exact key lookup in a map node of this document; nullptr when absent.
  // Big maps get a hash index on first use (documents are used by one thread).
  const Node* lookup(const Node* map, KeyId key) const;
  // Lookup by text (for literal maps and for keys not interned here).
  static const Node* lookupText(const Node* map, std::string_view key);

 private:
  llvm::BumpPtrAllocator arena_;
  KeyTable keys_;
  Node* root_ = nullptr;
  std::string name_;
  std::string text_;
  mutable llvm::DenseMap<const Node*, std::unique_ptr<llvm::DenseMap<KeyId, uint32_t>>> index_;
};

// JSON-pointer-like path of a data node: "/Resources/A/Type", "/Tags/0"; "" for literals.
std::string pathOf(const Node* n);
void appendPath(std::string& out, const Node* n);

}  // namespace guard
