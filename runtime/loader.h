// Loading data files (spec/guard-language.md §14): YAML through libyaml's
// event API, JSON through simdjson, both building Nodes straight into a
// Document's arena. Called by guardvm (data files, input parameters,
// payloads, unit-test inputs) and by the json_parse built-in.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "runtime/document.h"
#include "runtime/error.h"

namespace guard {

// Limits on hostile input.
inline constexpr uint32_t kMaxDocumentDepth = 512;
// Largest data text accepted (2 GiB). Source positions and arena offsets are
// 32-bit, and a policy gate has no business reading more; guardvm can check a
// file's size with checkDataSize before it reads it.
inline constexpr uint64_t kMaxDataFileBytes = uint64_t(2) << 30;

// An error naming `name` and the limit when `bytes` exceeds kMaxDataFileBytes.
Result<Unit> checkDataSize(uint64_t bytes, const std::string& name);

// An empty string with capacity for `size` bytes plus the JSON loader's
// padding (so JSON parses in place). Big buffers are advised for transparent
// huge pages: guardvm reads data files into these, and the page faults of a
// 100 MB text with 4 KB pages cost more than parsing it.
std::string newTextBuffer(size_t size);

// Loads the first document of `text` (YAML, or JSON which is also valid
// YAML) into a new Document named `name`, keeping `text` for code excerpts.
// Errors carry the 1-based line and column where there is one. A text larger
// than kMaxDataFileBytes is refused before it is parsed.
Result<std::unique_ptr<Document>> loadDocument(std::string text, std::string name);

// Parses `text` as YAML/JSON into nodes of an existing document (keys are
// interned into doc's table) with json_parse's reading (serde_yaml's
// scalars; aliases resolved, repeated keys refused). Used by json_parse. An
// empty text is an error.
Result<Node*> parseInto(Document& doc, std::string_view text);

// Parses `text` (named `name`) into nodes of an existing document with the
// data files' reading (spec §14: their scalar typing, repeated keys, aliases
// refused), as cfn-guard reads --input-params files. Errors as loadDocument's.
Result<Node*> parseDataInto(Document& doc, std::string_view text, const std::string& name);

}  // namespace guard
