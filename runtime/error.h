// Errors as values: every component returns Result<T> (or Status0) carrying a
// typed Error instead of throwing. Used by the compiler, the loaders, the pack
// reader and the VM; only the programs in tools/ and the C API (api/) print
// errors, and they choose cfn-guard's words, exit codes and C error codes by
// the Error's kind (runtime/error_kinds.def), never by its message's text.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace guard {

// What went wrong, one value per row of runtime/error_kinds.def.
enum class ErrorKind : uint8_t {
#define GUARD_ERROR_KIND(id, group, doc) id,
#include "runtime/error_kinds.def"
#undef GUARD_ERROR_KIND
};

// The layer a kind belongs to (the table's second column); the C API derives
// its error codes from it.
enum class ErrorGroup : uint8_t { Rules, Data, Pack, Io, Usage, Eval, Internal };

inline constexpr size_t kErrorKindCount = 0
#define GUARD_ERROR_KIND(id, group, doc) +1
#include "runtime/error_kinds.def"
#undef GUARD_ERROR_KIND
    ;

// The kind's identifier ("RulesSyntax"), for tests, logs and --debug output.
inline std::string_view errorKindName(ErrorKind kind) {
  switch (kind) {
#define GUARD_ERROR_KIND(id, group, doc) \
  case ErrorKind::id:                    \
    return #id;
#include "runtime/error_kinds.def"
#undef GUARD_ERROR_KIND
  }
  return {};
}

// The table's one-line description of the kind.
inline std::string_view errorKindDoc(ErrorKind kind) {
  switch (kind) {
#define GUARD_ERROR_KIND(id, group, doc) \
  case ErrorKind::id:                    \
    return doc;
#include "runtime/error_kinds.def"
#undef GUARD_ERROR_KIND
  }
  return {};
}

inline ErrorGroup errorKindGroup(ErrorKind kind) {
  switch (kind) {
#define GUARD_ERROR_KIND(id, group, doc) \
  case ErrorKind::id:                    \
    return ErrorGroup::group;
#include "runtime/error_kinds.def"
#undef GUARD_ERROR_KIND
  }
  return ErrorGroup::Internal;
}

// A byte offset nobody knows (an I/O error, a run-time error).
inline constexpr size_t kNoOffset = SIZE_MAX;

// What went wrong (kind) and where: a file, a byte offset into what was read
// (the rules text, the document, the pack; kNoOffset = unknown) and, where the
// layer computes them, a 1-based line and column (0 = unknown).
struct Error {
  std::string message;
  std::string file;
  uint32_t line = 0;
  uint32_t column = 0;
  // What went wrong in our own words, where `message` must keep another
  // tool's wording (a data file's parse error keeps cfn-guard's text; this
  // says why and where: "nested deeper than 512 levels"). May be empty.
  std::string detail;
  // A rules text that does not parse: what 3.1.1's parser names after "when
  // handling" (the labels of the alternatives that failed around the error,
  // outermost first), built by compiler/parser.cpp. Empty where it names none.
  std::string parseContext;
  ErrorKind kind = ErrorKind::Internal;
  size_t offset = kNoOffset;

  static Error at(ErrorKind kind, std::string file, uint32_t line, uint32_t column, std::string message,
                  size_t offset = kNoOffset) {
    Error e{std::move(message), std::move(file), line, column};
    e.kind = kind;
    e.offset = offset;
    return e;
  }
  static Error plain(ErrorKind kind, std::string message) {
    Error e{std::move(message)};
    e.kind = kind;
    return e;
  }
  bool hasOffset() const { return offset != kNoOffset; }
  ErrorGroup group() const { return errorKindGroup(kind); }
  // The same error with `prefix` before its message: a caller adding context
  // ("path: ") keeps the kind and the position.
  Error prefixed(std::string_view prefix) const {
    Error e = *this;
    e.message.insert(0, prefix);
    return e;
  }
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error error) : v_(std::move(error)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  T* operator->() { return &value(); }
  const Error& error() const { return std::get<1>(v_); }
  Error takeError() { return std::move(std::get<1>(v_)); }

 private:
  std::variant<T, Error> v_;
};

// For operations that produce nothing but can fail.
struct Unit {};
using Status0 = Result<Unit>;
inline Status0 okStatus() { return Unit{}; }

}  // namespace guard
