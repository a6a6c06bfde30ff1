// The regex engine wrapper: Guard regexes have the syntax of Rust's
// fancy-regex (spec/guard-language.md §13). Patterns that plain RE2 can run
// (after translating syntax differences) run on RE2 in linear time; patterns
// that need look-around, back-references, atomic groups or possessive
// quantifiers run on PCRE2 with a match limit. Used by the parser (to reject
// invalid regex literals), the comparisons (regex search) and the
// regex_replace built-in.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "runtime/error.h"

namespace guard {

class Regex {
 public:
  virtual ~Regex() = default;

  // Compiles `pattern` (the text between the slashes of a literal, after
  // escaped-slash handling). An invalid pattern is an error naming why.
  static Result<std::unique_ptr<Regex>> compile(std::string_view pattern);
  // The same answer as compile (the same patterns load, with the same
  // errors), but the engine of a pattern that loads is built on its first
  // use, once, safely from several threads: loading checks the pattern with
  // the translator and PCRE2's compiler only. For packs (vm/pack.cpp).
  static Result<std::unique_ptr<Regex>> compileLazy(std::string_view pattern);
  // How many engines lazy regexes share now (one per pattern and class
  // range while a regex holds it); none is kept once its last regex is gone.
  static size_t sharedEngines();

  // Unanchored search: true if the pattern matches anywhere in `text`.
  // Fails only when the backtracking engine exceeds its match limit.
  virtual Result<bool> search(std::string_view text) const = 0;

  // regex_replace semantics (spec §12.2): the concatenation of the expanded
  // `replacement` for each match; text between matches is dropped.
  // Replacement syntax: $1, ${1}, $name, ${name}, $$.
  virtual Result<std::string> replaceMatchesOnly(std::string_view text,
                                                 std::string_view replacement) const = 0;

  const std::string& pattern() const { return pattern_; }
  // True when this pattern runs on the backtracking engine (PCRE2).
  virtual bool backtracking() const = 0;

 protected:
  std::string pattern_;
};

}  // namespace guard
