// Errors as values: every component returns Result<T> instead of throwing.
// Used by the compiler, the loaders, the pack reader and the VM; only the
// programs in tools/ print errors and choose exit codes.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace guard {

// Where an error points: a file and a 1-based line and column (0 = unknown).
struct Error {
  std::string message;
  std::string file;
  uint32_t line = 0;
  uint32_t column = 0;
  // What went wrong in our own words, where `message` must keep another
  // tool's wording (a data file's parse error keeps cfn-guard's text; this
  // says why and where: "nested deeper than 512 levels"). May be empty.
  std::string detail;

  static Error at(std::string file, uint32_t line, uint32_t column, std::string message) {
    return Error{std::move(message), std::move(file), line, column};
  }
  static Error plain(std::string message) { return Error{std::move(message), {}, 0, 0}; }
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
