// Entry points for loading data (spec/guard-language.md §14): picks the JSON
// fast path or the YAML loader by content and turns load failures into
// cfn-guard 3.1.1's texts (spec/cli-and-reports.md §5.3). Called by guardvm
// (data files, input parameters, payloads, test inputs) and json_parse.
//
// loadDocument's Error.message is the text cfn-guard shows inside
// "Error occurred Parser Error when parsing `...`":
//   * "Unable to parse a template from data file: <name> is empty"
//   * "Error encountered while parsing data file: <name>, data beginning with \n<100 bytes>\n ..."
//     (syntax errors, aliases, too deep nesting)
//   * "non string type detected for key in a map at L:<l>,C:<c>, cfn-guard only supports ..."
//   * "Bad Value encountered parsing incoming file Value = <v>, Loc = L:<l>,C:<c>"
// except where cfn-guard panics (exit 101): then the message is the panic's
// stderr text, starting with "thread 'main' panicked at " (the caller adds
// the "note: run with `RUST_BACKTRACE=1` ..." line). That happens when the
// 100-byte excerpt would split a UTF-8 character, and for a stream with no
// document at all (only comments). Error.line/column give the 1-based place
// of the problem where there is one.
#include "runtime/loader.h"

#include <cstdio>
#include <string>
#include <string_view>

namespace guard {

namespace detail {
// --- Shared between the loader files (defined in yaml_loader.cpp / json_loader.cpp).
Result<Node*> parseYaml(Document& doc, std::string_view text);
Result<Node*> parseYamlValue(Document& doc, std::string_view text);
Node* parseJson(Document& doc, std::string_view text, size_t capacity);
// ---
}  // namespace detail

namespace {

// simdjson's padding (SIMDJSON_PADDING); parseJson copies when it is missing.
constexpr size_t kJsonPadding = 64;

// Decodes the UTF-8 character at `i`; returns its length (1 for a bad byte).
size_t decodeUtf8(std::string_view s, size_t i, uint32_t* cp) {
  const uint8_t c = uint8_t(s[i]);
  size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
  if (i + len > s.size()) len = 1;
  uint32_t v = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
  for (size_t k = 1; k < len; ++k) v = (v << 6) | (uint8_t(s[i + k]) & 0x3F);
  *cp = v;
  return len;
}

bool isUnicodeSpace(uint32_t cp) {
  return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
         cp == 0x205F || cp == 0x3000;
}

// Rust's `str::trim().is_empty()`: only Unicode White_Space characters.
bool isBlank(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    uint32_t cp;
    size_t len = decodeUtf8(s, i, &cp);
    if (!isUnicodeSpace(cp)) return false;
    i += len;
  }
  return true;
}

bool looksLikeJson(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
  return i < s.size() && (s[i] == '{' || s[i] == '[');
}

Result<Node*> parseText(Document& doc, std::string_view text, size_t capacity) {
  if (looksLikeJson(text))
    if (Node* root = detail::parseJson(doc, text, capacity)) return root;
  // Not JSON, or JSON that YAML might read differently: YAML decides.
  return detail::parseYaml(doc, text);
}

bool isContinuation(uint8_t c) { return (c & 0xC0) == 0x80; }

// Rust's `{:?}` of a char: printable characters as they are, others as \u{..}.
// (An approximation of Rust's printable/grapheme-extend tables covering the
// characters likely to straddle byte 100 of a data file.)
std::string debugChar(uint32_t cp, std::string_view utf8) {
  bool escape = (cp >= 0x80 && cp <= 0x9F) || cp == 0xAD || (cp >= 0x300 && cp <= 0x36F) ||
                (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202E) ||
                (cp >= 0x2060 && cp <= 0x2064) || cp == 0xFEFF || (cp >= 0xE000 && cp <= 0xF8FF) ||
                (cp >= 0xFFF0 && cp <= 0xFFFF) || (cp >= 0xFE00 && cp <= 0xFE0F);
  if (!escape) return "'" + std::string(utf8) + "'";
  char buf[16];
  std::snprintf(buf, sizeof buf, "\\u{%x}", unsigned(cp));
  return "'" + std::string(buf) + "'";
}

// cfn-guard slices the text at byte 100 for its excerpt; inside a UTF-8
// character that slice panics. This is the panic's message.
std::string excerptPanic(std::string_view text) {
  size_t start = 100;
  while (start > 0 && isContinuation(uint8_t(text[start]))) --start;
  uint32_t cp;
  size_t len = decodeUtf8(text, start, &cp);
  // Rust shows at most the first 256 bytes (cut back to a character boundary).
  size_t shown = text.size() <= 256 ? text.size() : 256;
  while (shown < text.size() && shown > 0 && isContinuation(uint8_t(text[shown]))) --shown;
  return "thread 'main' panicked at guard/src/commands/validate.rs:730:25:\n"
         "byte index 100 is not a char boundary; it is inside " +
         debugChar(cp, text.substr(start, len)) + " (bytes " + std::to_string(start) + ".." +
         std::to_string(start + len) + ") of `" + std::string(text.substr(0, shown)) + "`" +
         (shown < text.size() ? "[...]" : "");
}

Error dataFileError(Error e, std::string_view text, const std::string& name) {
  e.file = name;
  switch (e.kind) {
    case ErrorKind::DataNonStringKey:
    case ErrorKind::DataBadValue: return e;  // cfn-guard passes these texts through
    case ErrorKind::DataNoDocument:
      e.message = "thread 'main' panicked at guard/src/rules/libyaml/event.rs:63:14:\nnot implemented";
      return e;
    case ErrorKind::DataTooDeep:
      // Our limit, which cfn-guard's text cannot name: say which and where.
      e.detail = e.message;
      break;
    default:  // DataSyntax
      break;
  }
  if (text.size() > 100 && isContinuation(uint8_t(text[100]))) {
    e.message = excerptPanic(text);
    return e;
  }
  e.message = "Error encountered while parsing data file: " + name + ", data beginning with \n" +
              std::string(text.substr(0, 100)) + "\n ...";
  return e;
}

}  // namespace

std::string newTextBuffer(size_t size) {
  std::string s;
  s.reserve(size + kJsonPadding);
  adviseHugePages(s.data(), s.capacity());
  return s;
}

Result<Unit> checkDataSize(uint64_t bytes, const std::string& name) {
  if (bytes <= kMaxDataFileBytes) return Unit{};
  return Error::at(ErrorKind::DataTooLarge, name, 0, 0,
                   "data file " + name + " is " + std::to_string(bytes) + " bytes; the largest accepted is " +
                       std::to_string(kMaxDataFileBytes) + " bytes (2 GiB)");
}

Result<std::unique_ptr<Document>> loadDocument(std::string text, std::string name) {
  if (auto size = checkDataSize(text.size(), name); !size) return size.takeError();
  if (isBlank(text))
    return Error::at(ErrorKind::DataEmpty, name, 0, 0,
                     "Unable to parse a template from data file: " + name + " is empty");
  auto doc = std::make_unique<Document>();
  // Room for simdjson's padding saves the JSON path a copy of the text.
  if (looksLikeJson(text) && text.capacity() < text.size() + kJsonPadding)
    text.reserve(text.size() + kJsonPadding);
  // The document owns the text from here on and never changes it, so the
  // loaders may point string nodes into it rather than copy them.
  doc->setText(std::move(text));
  const std::string& own = doc->text();
  Result<Node*> root = parseText(*doc, own, own.capacity());
  if (!root) return dataFileError(root.takeError(), own, name);
  doc->setRoot(root.value());
  doc->setName(std::move(name));
  return doc;
}

// Always through the YAML parser: json_parse's scalars follow serde_yaml's
// rules (0x1F and True resolve, 010 and inf do not), which the JSON fast
// path's typing does not know.
Result<Node*> parseInto(Document& doc, std::string_view text) {
  if (text.empty()) return Error::plain(ErrorKind::DataEmpty, "cannot parse an empty text");
  return detail::parseYamlValue(doc, text);
}

Result<Node*> parseDataInto(Document& doc, std::string_view text, const std::string& name) {
  if (text.empty()) return Error::plain(ErrorKind::DataEmpty, "cannot parse an empty text");
  Result<Node*> root = parseText(doc, text, text.size());
  if (!root) return dataFileError(root.takeError(), text, name);
  return root;
}

}  // namespace guard
