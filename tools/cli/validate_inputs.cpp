// --payload parsing and --input-params merging for `guardvm validate`;
// see validate_inputs.h. Called by tools/cli/validate.cpp.
#include "tools/cli/validate_inputs.h"

#include <algorithm>
#include <vector>

#include "runtime/loader.h"
#include "tools/cli/sources.h"

namespace guard::cli {
namespace {

// 1-based line and column of byte offset `off`, as serde_json counts them.
std::string at(const std::string& text, size_t off) {
  size_t line = 1, col = 0;
  for (size_t i = 0; i < off && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 0;
    } else {
      ++col;
    }
  }
  return " at line " + std::to_string(line) + " column " + std::to_string(col);
}

// Byte offset of a 0-based (line, column) position of the loader.
size_t offsetOf(const std::string& text, uint32_t line, uint32_t col) {
  size_t off = 0;
  for (uint32_t l = 0; l < line && off < text.size(); ++l) {
    size_t nl = text.find('\n', off);
    if (nl == std::string::npos) return text.size();
    off = nl + 1;
  }
  return std::min(text.size(), off + col);
}

// Offset just past the JSON value starting at `off` (strings and scalars;
// containers end at their matching bracket).
size_t endOfValue(const std::string& text, size_t off) {
  if (off >= text.size()) return off;
  char c = text[off];
  if (c == '"') {
    for (size_t i = off + 1; i < text.size(); ++i) {
      if (text[i] == '\\') ++i;
      else if (text[i] == '"') return i + 1;
    }
    return text.size();
  }
  if (c == '[' || c == '{') {
    int depth = 0;
    for (size_t i = off; i < text.size(); ++i) {
      if (text[i] == '"') i = endOfValue(text, i) - 1;
      else if (text[i] == '[' || text[i] == '{') ++depth;
      else if ((text[i] == ']' || text[i] == '}') && --depth == 0) return i + 1;
    }
    return text.size();
  }
  size_t i = off;
  while (i < text.size() && std::string(",]} \t\r\n").find(text[i]) == std::string::npos) ++i;
  return i;
}

// serde's "invalid type" description of a value.
std::string unexpected(const Node* n) {
  switch (n->kind) {
    case NodeKind::String: return "string \"" + std::string(n->text()) + "\"";
    case NodeKind::Int: return "integer `" + std::to_string(n->i) + "`";
    case NodeKind::Float: return "floating point `" + std::to_string(n->f) + "`";
    case NodeKind::Bool: return std::string("boolean `") + (n->b ? "true" : "false") + "`";
    case NodeKind::Null: return "null";
    case NodeKind::List: return "sequence";
    case NodeKind::Map: return "map";
    default: return "value";
  }
}

Result<std::vector<std::string>> stringList(const std::string& text, const Node* n) {
  size_t end = endOfValue(text, offsetOf(text, n->line, n->col));
  if (n->kind != NodeKind::List)
    return Error::plain(ErrorKind::DataShape,
                        ("invalid type: " + unexpected(n) + ", expected a sequence") + at(text, end));
  std::vector<std::string> out;
  for (uint32_t i = 0; i < n->list.size; ++i) {
    const Node* item = n->list.items[i];
    if (item->kind != NodeKind::String) {
      size_t e = endOfValue(text, offsetOf(text, item->line, item->col));
      return Error::plain(ErrorKind::DataShape,
                          "invalid type: " + unexpected(item) + ", expected a string" + at(text, e));
    }
    out.emplace_back(item->text());
  }
  return out;
}

const char* mergeType(const Node* n) {
  switch (n->kind) {
    case NodeKind::Map: return "map";
    case NodeKind::List: return "array";  // 3.1.1 names a list so in this message alone
    case NodeKind::String: return "String";
    case NodeKind::Int: return "int";
    case NodeKind::Float: return "float";
    case NodeKind::Bool: return "bool";
    case NodeKind::Null: return "null";
    default: return "value";
  }
}

// The key occurrences of the map that merges `right` into `left` (entries
// of left, then of right), as 3.1.1 keeps them: the left map's keys as they
// are (every occurrence of a key its text repeats), then one key per entry of
// the right map, built under the map (at /k) at the right map's position.
const KeyOccurrences* mergedKeys(Document& doc, const Node* left, const Node* right) {
  std::vector<KeyOccurrence> keys;
  forEachKeyOccurrence(left, [&](const MapEntry&, const KeyOccurrence& o) { keys.push_back(o); });
  for (uint32_t i = 0; i < right->map.size; ++i) keys.push_back({left->map.size + i, right->line, right->col, true});
  KeyOccurrence* items = doc.arena().allocate<KeyOccurrence>(keys.size());
  std::copy(keys.begin(), keys.end(), items);
  KeyOccurrences* all = doc.arena().allocate<KeyOccurrences>();
  *all = KeyOccurrences{items, uint32_t(keys.size())};
  return all;
}

// left ⊕ right at the top level, as a new node of `doc` (children are shared,
// so their paths stay those of the file they came from).
Result<Node*> merge(Document& doc, const Node* left, const Node* right) {
  if (left->kind == NodeKind::Map && right->kind == NodeKind::Map) {
    for (uint32_t i = 0; i < right->map.size; ++i)
      if (Document::lookupText(left, right->map.entries[i].keyText()))
        return Error::plain(ErrorKind::DataMergeConflict,
                            "Conflicting rule or variable assignments inside the same scope `Key " +
                                std::string(right->map.entries[i].keyText()) + ", already exists in map`");
    // 3.1.1 merges into the left map itself: the merged map is at its place.
    Node* m = doc.newNode(NodeKind::Map);
    m->line = left->line;
    m->col = left->col;
    uint32_t n = left->map.size + right->map.size;
    m->map.entries = doc.newEntries(n);
    m->map.size = n;
    for (uint32_t i = 0; i < left->map.size; ++i) {
      MapEntry e = left->map.entries[i];
      e.id = doc.keys().intern(e.keyText());
      m->map.entries[i] = e;
    }
    for (uint32_t i = 0; i < right->map.size; ++i) m->map.entries[left->map.size + i] = right->map.entries[i];
    m->map.repeats = mergedKeys(doc, left, right);
    return m;
  }
  if (left->kind == NodeKind::List && right->kind == NodeKind::List) {
    Node* l = doc.newNode(NodeKind::List);
    l->line = right->line;
    l->col = right->col;
    uint32_t n = left->list.size + right->list.size;
    l->list.items = doc.newItems(n);
    l->list.size = n;
    for (uint32_t i = 0; i < left->list.size; ++i) l->list.items[i] = left->list.items[i];
    for (uint32_t i = 0; i < right->list.size; ++i) l->list.items[left->list.size + i] = right->list.items[i];
    return l;
  }
  return Error::plain(
      ErrorKind::DataMergeConflict,
      std::string("Types or variable assignments are incompatible `Types are not compatible for merges ") +
          mergeType(left) + ", " + mergeType(right) + "`");
}

}  // namespace

Result<Payload> parsePayload(const std::string& text) {
  auto doc = loadDocument(text, "payload");
  bool json = text.find_first_not_of(" \t\r\n") != std::string::npos &&
              text[text.find_first_not_of(" \t\r\n")] == '{';
  if (!doc.ok() || !json || !doc.value()->root())
    return Error::plain(ErrorKind::DataSyntax, "Parser Error when parsing `expected value" + at(text, 1) + "`");
  const Node* root = doc.value()->root();
  size_t end = endOfValue(text, offsetOf(text, root->line, root->col));
  if (root->kind != NodeKind::Map)
    return Error::plain(ErrorKind::DataShape, "Parser Error when parsing `invalid type: " + unexpected(root) +
                                                  ", expected struct Payload" + at(text, end) + "`");
  Payload p;
  bool haveRules = false, haveData = false;
  for (uint32_t i = 0; i < root->map.size; ++i) {
    const MapEntry& e = root->map.entries[i];
    bool rules = e.keyText() == "rules", data = e.keyText() == "data";
    if (!rules && !data) continue;
    auto list = stringList(text, e.value);
    if (!list.ok()) return Error::plain(list.error().kind, "Parser Error when parsing `" + list.error().message + "`");
    (rules ? p.rules : p.data) = std::move(list.value());
    (rules ? haveRules : haveData) = true;
  }
  for (auto [have, field] : {std::pair{haveRules, "rules"}, std::pair{haveData, "data"}})
    if (!have)
      return Error::plain(ErrorKind::DataShape, std::string("Parser Error when parsing `missing field `") + field +
                                                    "`" + at(text, end) + "`");
  return p;
}

Result<Unit> checkParams(const std::vector<ParamText>& params) {
  Document doc;
  const Node* acc = nullptr;
  for (const ParamText& p : params) {
    auto node = parseDataInto(doc, p.text, p.name);
    if (!node.ok()) return dataLoadError(node.takeError(), p.name, p.text);
    if (!acc) {
      acc = node.value();
      continue;
    }
    auto m = merge(doc, acc, node.value());
    if (!m.ok()) return m.error();
    acc = m.value();
  }
  return Unit{};
}

Result<Unit> mergeParamsInto(Document& doc, const std::vector<ParamText>& params) {
  if (params.empty()) return Unit{};
  const Node* acc = nullptr;
  for (const ParamText& p : params) {
    auto node = parseDataInto(doc, p.text, p.name);
    if (!node.ok()) return node.error();
    if (!acc) {
      acc = node.value();
      continue;
    }
    auto m = merge(doc, acc, node.value());
    if (!m.ok()) return m.error();
    acc = m.value();
  }
  auto m = merge(doc, acc, doc.root());
  if (!m.ok()) return m.error();
  doc.setRoot(m.value());
  return Unit{};
}

}  // namespace guard::cli
