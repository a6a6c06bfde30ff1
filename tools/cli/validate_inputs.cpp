// --payload parsing and --input-params merging for `guardvm validate`;
// see validate_inputs.h. Called by tools/cli/validate.cpp.
#include "tools/cli/validate_inputs.h"

#include <algorithm>
#include <string_view>
#include <unordered_set>
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

Error mergeTypeClash(const Node* left, const Node* right) {
  return Error::plain(
      ErrorKind::DataMergeConflict,
      std::string("Types or variable assignments are incompatible `Types are not compatible for merges ") +
          mergeType(left) + ", " + mergeType(right) + "`");
}

// parts[0] ⊕ parts[1] ⊕ ... at the top level, as a new node of `doc`
// (children are shared, so their paths stay those of the file they came
// from). 3.1.1 merges each part in turn into the first map itself, so the
// merged map is at the first map's place and keeps its keys as they are
// (every occurrence of a key its text repeats); each later part adds one key
// per entry, built under the map (at /k) at that part's position. The first
// clash in that order is the error. One pass: linear in the keys of all parts
// however many parameter files there are.
Result<Node*> mergeMaps(Document& doc, const std::vector<const Node*>& parts) {
  const Node* first = parts[0];
  std::unordered_set<std::string_view> seen;
  uint32_t n = first->map.size;
  for (uint32_t i = 0; i < first->map.size; ++i) seen.insert(first->map.entries[i].keyText());
  for (size_t p = 1; p < parts.size(); ++p) {
    if (parts[p]->kind != NodeKind::Map) return mergeTypeClash(first, parts[p]);
    for (uint32_t i = 0; i < parts[p]->map.size; ++i)
      if (seen.count(parts[p]->map.entries[i].keyText()))
        return Error::plain(ErrorKind::DataMergeConflict,
                            "Conflicting rule or variable assignments inside the same scope `Key " +
                                std::string(parts[p]->map.entries[i].keyText()) + ", already exists in map`");
    for (uint32_t i = 0; i < parts[p]->map.size; ++i) seen.insert(parts[p]->map.entries[i].keyText());
    n += parts[p]->map.size;
  }
  Node* m = doc.newNode(NodeKind::Map);
  m->line = first->line;
  m->col = first->col;
  m->map.entries = doc.newEntries(n);
  m->map.size = n;
  std::vector<KeyOccurrence> keys;
  forEachKeyOccurrence(first, [&](const MapEntry&, const KeyOccurrence& o) { keys.push_back(o); });
  uint32_t at = 0;
  for (const Node* part : parts)
    for (uint32_t i = 0; i < part->map.size; ++i, ++at) {
      MapEntry e = part->map.entries[i];
      e.id = doc.keys().intern(e.keyText());
      m->map.entries[at] = e;
      if (part != first) keys.push_back({at, part->line, part->col, true});
    }
  KeyOccurrence* items = doc.arena().allocate<KeyOccurrence>(keys.size());
  std::copy(keys.begin(), keys.end(), items);
  KeyOccurrences* all = doc.arena().allocate<KeyOccurrences>();
  *all = KeyOccurrences{items, uint32_t(keys.size())};
  m->map.repeats = all;
  return m;
}

// Lists concatenate; the merged list is at the last part's place.
Result<Node*> mergeLists(Document& doc, const std::vector<const Node*>& parts) {
  uint32_t n = 0;
  for (const Node* part : parts) {
    if (part->kind != NodeKind::List) return mergeTypeClash(parts[0], part);
    n += part->list.size;
  }
  Node* l = doc.newNode(NodeKind::List);
  l->line = parts.back()->line;
  l->col = parts.back()->col;
  l->list.items = doc.newItems(n);
  l->list.size = n;
  uint32_t at = 0;
  for (const Node* part : parts)
    for (uint32_t i = 0; i < part->list.size; ++i) l->list.items[at++] = part->list.items[i];
  return l;
}

// The documents of `parts` (two or more) merged as 3.1.1 merges
// --input-params (and them with a data file): maps by their top-level keys,
// lists end to end, any other pair of types an error.
Result<Node*> mergeAll(Document& doc, const std::vector<const Node*>& parts) {
  if (parts[0]->kind == NodeKind::Map) return mergeMaps(doc, parts);
  if (parts[0]->kind == NodeKind::List) return mergeLists(doc, parts);
  return mergeTypeClash(parts[0], parts[1]);
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
  std::vector<const Node*> parts;
  for (const ParamText& p : params) {
    auto node = parseDataInto(doc, p.text, p.name);
    if (!node.ok()) return dataLoadError(node.takeError(), p.name, p.text);
    parts.push_back(node.value());
  }
  if (parts.size() < 2) return Unit{};
  auto merged = mergeAll(doc, parts);
  if (!merged.ok()) return merged.takeError();
  return Unit{};
}

Result<Unit> mergeParamsInto(Document& doc, const std::vector<ParamText>& params) {
  if (params.empty()) return Unit{};
  std::vector<const Node*> parts;
  for (const ParamText& p : params) {
    auto node = parseDataInto(doc, p.text, p.name);
    if (!node.ok()) return node.error();
    parts.push_back(node.value());
  }
  parts.push_back(doc.root());
  auto merged = mergeAll(doc, parts);
  if (!merged.ok()) return merged.takeError();
  doc.setRoot(merged.value());
  return Unit{};
}

}  // namespace guard::cli
