// The Guard rules-language parser (spec/guard-language.md §3-§4). Called
// through parseRules() (parser.h) by the compiler driver and the tools; its
// output feeds sema.cpp and lower.cpp.
//
// How it works. cfn-guard 3.1.1 has no tokenizer: it is a nom (parser
// combinator) grammar reading characters, and much of its observable
// behaviour — which files are rejected, and where the error points — comes
// from the mechanics of that style. This file is a hand-written recursive
// descent parser that reproduces those mechanics on purpose:
//
//  * Every parse function returns one of three outcomes (St): Ok; Soft, a
//    recoverable failure after which the enclosing ordered choice tries its
//    next alternative (nom's Err::Error); or Hard, a failure after a commit
//    point that aborts the whole parse (nom's Err::Failure, made by `cut`).
//  * Ordered choices try alternatives in the reference order, and a Soft
//    failure of a sequence rewinds to where the sequence started.
//  * Keywords are matched as prefixes with no word-boundary check (§3.11), so
//    `nullable` reads as `null` followed by `able`, `thisKey` as `this`+`Key`.
//  * Error positions are those cfn-guard reports: the start of the fragment
//    a committed sub-parser could not parse (see the commit() call sites).
//
// Parse functions take `size_t& p`, the byte offset to start at; on Ok they
// advance it past what they consumed, on failure they leave it unchanged and
// describe the failure in err_.
//
// Backtracking re-parses a clause's query when a block clause `q { ... }`
// turns out to be a plain clause `q op rhs`; queries are memoised by offset so
// nested filters cannot make that exponential. Recursion is bounded by
// kMaxRuleNesting.
#include "compiler/parser.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <unordered_map>
#include <utility>
#include <vector>

#include "runtime/regex.h"

namespace guard {
namespace {

using ast::Block;
using ast::Clause;
using ast::ClauseKind;
using ast::CmpOp;
using ast::Conjunction;
using ast::Disjunction;
using ast::Expr;
using ast::ExprKind;
using ast::LetStmt;
using ast::Literal;
using ast::LitKind;
using ast::PartKind;
using ast::Query;
using ast::QueryPart;
using ast::Rule;
using ast::RulesFile;
using ast::SourceLoc;
using ast::Span;

bool isUnicodeAlnum(uint32_t cp);  // table at the end of the file

// Outcome of a parse function; see the file comment.
enum class St : uint8_t { Ok, Soft, Hard };

// Which clause forms a clause list (block body, filter, condition list,
// or-chain) accepts. The reference grammar uses different item parsers in
// different places, which is what makes named-rule references legal in a
// rule body but not in a query block (§4.3).
enum class Items : uint8_t {
  Clause,       // clause: query blocks, filters, nested when blocks, type blocks
  ClauseOrRef,  // clause | rule_ref: when blocks in a rule body or at file level
  Condition,    // access clause | param call | rule_ref: `when` conditions
  RuleItem,     // type block | when block | clause | rule_ref: rule bodies
  TypeBlock,    // type blocks only: file-level or-chains of type blocks
};

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool isSpaceOrTab(char c) { return c == ' ' || c == '\t'; }
bool isMultispace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

class Parser {
 public:
  Parser(std::string_view src, std::string fileName) : src_(src), file_(std::move(fileName)) {
    lineStarts_.push_back(0);
    for (size_t i = 0; i < src_.size(); ++i)
      if (src_[i] == '\n') lineStarts_.push_back(i + 1);
  }

  Result<RulesFile> parseFile();

 private:
  // ------------------------------------------------------------ outcomes
  // The labels 3.1.1's parser names for the failures it reports (its nom
  // `context`s): a range, a custom message, a filter or `when` without a
  // clause, a missing comparison operator (where a `<<` is instead: a
  // message tag too; see typeBlock).
  enum class Label : uint8_t { None, Range, Message, NoClauses, Operator, OperatorNotMessage };
  static Label labelOf(ErrorKind kind) {
    switch (kind) {
      case ErrorKind::RulesBadRange: return Label::Range;
      case ErrorKind::RulesUnterminatedMessage: return Label::Message;
      case ErrorKind::RulesEmptyCondition: return Label::NoClauses;
      default: return Label::None;
    }
  }

  // The latest failure: a byte offset, our message and its kind. Only the
  // one that ends the parse leaves the parser, as a typed Error (toError).
  // A failure inside comparisons' right-hand sides is reported at the
  // outermost one (pos, kind RulesMissingValue); 3.1.1 then names each of
  // them and the innermost failure's own label, at `origin` (parseContext).
  struct Failure {
    size_t pos = 0;
    std::string msg;
    ErrorKind kind = ErrorKind::RulesSyntax;
    uint32_t enclosingValues = 0;
    size_t origin = 0;
    Label label = Label::None;
    Label ifCommitted = Label::None;  // the label where 3.1.1 commits to this soft failure
  };

  St soft(size_t pos, std::string msg, ErrorKind kind = ErrorKind::RulesSyntax) {
    err_ = {pos, std::move(msg), kind, 0, pos, labelOf(kind)};
    return St::Soft;
  }
  St hard(size_t pos, std::string msg, ErrorKind kind = ErrorKind::RulesSyntax) {
    err_ = {pos, std::move(msg), kind, 0, pos, labelOf(kind)};
    return St::Hard;
  }
  // nom's `cut`: a Soft failure of a committed sub-parser becomes Hard,
  // keeping its position. A non-empty `msg` replaces the soft message (and
  // its kind).
  St commit(St s, std::string msg = {}, ErrorKind kind = ErrorKind::RulesSyntax) {
    if (s != St::Soft) return s;
    if (!msg.empty()) err_ = {err_.pos, std::move(msg), kind, 0, err_.pos, labelOf(kind)};
    return St::Hard;
  }
  Error toError(const Failure& f) const {
    SourceLoc l = loc(f.pos);
    Error e = Error::at(f.kind, file_, l.line, l.column, f.msg, f.pos);
    e.parseContext = parseContext(f);
    return e;
  }
  std::string parseContext(const Failure& f) const;

  // Bounds recursion: every nesting construct holds one of these.
  class DepthGuard {
   public:
    explicit DepthGuard(Parser& p) : p_(p) { ++p_.depth_; }
    ~DepthGuard() { --p_.depth_; }
    bool tooDeep() const { return p_.depth_ > kMaxRuleNesting; }

   private:
    Parser& p_;
  };
  St tooDeep(size_t pos) {
    return hard(pos,
                "rules nested too deeply (more than " + std::to_string(kMaxRuleNesting) +
                    " levels of blocks, filters, literals or calls)",
                ErrorKind::RulesNestingLimit);
  }

  // ------------------------------------------------------------ positions
  SourceLoc loc(size_t off) const {
    auto it = std::upper_bound(lineStarts_.begin(), lineStarts_.end(), off);
    size_t lineStart = *(it - 1);
    // Columns count characters: UTF-8 lead bytes between the line's start and
    // off; counted directly on a short stretch, else through the checkpoints.
    const uint32_t col = uint32_t(off - lineStart <= kCharStep ? leadBytes(lineStart, off)
                                                               : charsBefore(off) - charsBefore(lineStart)) + 1;
    return SourceLoc{static_cast<uint32_t>(off), static_cast<uint32_t>(it - lineStarts_.begin()),
                     col};
  }
  // Characters (UTF-8 lead bytes) in src_[0, off): from the checkpoint every
  // kCharStep bytes, so that a position costs the same on a 300,000-item
  // one-line list as on a short line (counting from the line's start made
  // such a file quadratic: 50 s).
  static constexpr size_t kCharStep = 256;
  size_t leadBytes(size_t from, size_t to) const {
    size_t n = 0;
    for (size_t i = from; i < to; ++i)
      if ((static_cast<unsigned char>(src_[i]) & 0xC0) != 0x80) ++n;
    return n;
  }
  size_t charsBefore(size_t off) const {
    if (charCheckpoints_.empty()) {  // built on the first long line only
      charCheckpoints_.reserve(src_.size() / kCharStep + 1);
      for (size_t at = 0, chars = 0; at <= src_.size(); at += kCharStep) {
        charCheckpoints_.push_back(chars);
        chars += leadBytes(at, std::min(at + kCharStep, src_.size()));
      }
    }
    const size_t block = off / kCharStep;
    return charCheckpoints_[block] + leadBytes(block * kCharStep, off);
  }
  Span span(size_t b, size_t e) const { return Span{loc(b), loc(e)}; }

  // ------------------------------------------------------------ characters
  bool at(size_t p, char c) const { return p < src_.size() && src_[p] == c; }
  bool startsWith(size_t p, std::string_view s) const {
    return p + s.size() <= src_.size() && src_.compare(p, s.size(), s) == 0;
  }
  // A keyword with its two accepted spellings, matched as a prefix.
  bool keyword(size_t& p, std::string_view lower, std::string_view upper) const {
    if (startsWith(p, lower)) {
      p += lower.size();
      return true;
    }
    if (!upper.empty() && startsWith(p, upper)) {
      p += upper.size();
      return true;
    }
    return false;
  }
  // Decodes the UTF-8 character at p (p < size). Invalid bytes count as
  // one character U+FFFD, so they never match an identifier.
  uint32_t decode(size_t p, size_t& len) const;

  size_t skipWs(size_t p) const;       // zero_or_more_ws_or_comment
  bool ws1(size_t& p) const;           // one_or_more_ws_or_comment
  size_t space0(size_t p) const;       // spaces and tabs
  size_t multispace0(size_t p) const;  // spaces, tabs, CR, LF; no comments
  size_t digits(size_t p) const;       // end of an ASCII digit run
  bool ident(size_t& p, std::string& out) const;
  bool notKw(size_t& p) const;   // `not`/`NOT` + spaces, or `!`
  bool orJoin(size_t& p) const;  // ws? (or | OR | |OR|) ws
  bool typeName(size_t& p, std::string& out) const;

  // ------------------------------------------------------------ literals
  St value(size_t& p, Literal& out);
  St stringLit(size_t& p, std::string& out);
  St floatLit(size_t& p, double& out);
  St intLit(size_t& p, int64_t& out) const;
  St regexLit(size_t& p, std::string& out);
  St rangeLit(size_t& p, Literal& out);
  St rangeBound(size_t& p, Literal& out);
  St listLit(size_t& p, Literal& out);
  St mapLit(size_t& p, Literal& out);
  St customMessage(size_t& p, std::string& out);

  // ------------------------------------------------------------ queries
  St query(size_t& p, Query& out);
  St queryUncached(size_t& p, Query& out);
  St dotPart(size_t& p, QueryPart& out);
  St bracketPart(size_t& p, QueryPart& out);
  St keysFilter(size_t open, size_t& p, QueryPart& out);
  St filterPart(size_t open, size_t& p, QueryPart& out);
  bool capture(size_t& p, std::string& out) const;

  // ------------------------------------------------------------ expressions
  St call(size_t& p, std::string& name, std::vector<Expr>& args);
  St functionCall(size_t& p, Expr& out);
  St letValue(size_t& p, Expr& out);
  St letStmt(size_t& p, LetStmt& out);

  // ------------------------------------------------------------ clauses
  St item(Items kind, size_t& p, Clause& out);
  St disjunction(Items kind, size_t& p, Disjunction& out);
  St cnf(Items kind, size_t& p, Conjunction& out, const char* emptyMsg, ErrorKind emptyKind = ErrorKind::RulesSyntax);
  St block(Items kind, size_t& p, Block& out);
  St whenConditions(size_t& p, Conjunction& out);
  St whenBlock(Items bodyKind, size_t& p, Clause& out);
  St clause(size_t& p, Clause& out);
  St blockClause(size_t& p, Clause& out);
  St accessClause(size_t& p, Clause& out);
  bool comparison(size_t& p, CmpOp& op, bool& negated) const;
  St rhs(size_t& p, size_t opPos, Clause& c, size_t& end);
  St paramCall(size_t& p, Clause& out);
  St ruleRef(size_t& p, Clause& out);
  St typeBlock(size_t& p, Clause& out);

  // ------------------------------------------------------------ file level
  St rule(size_t& p, Rule& out);
  St paramRule(size_t& p, Rule& out);
  St topItem(size_t& p, RulesFile& file);

  std::string_view src_;
  std::string file_;
  std::vector<size_t> lineStarts_;
  mutable std::vector<size_t> charCheckpoints_;  // charsBefore(k * kCharStep), built lazily
  Failure err_;
  int depth_ = 0;

  // Query memo, keyed by start offset (a query parses the same way wherever
  // it is tried from).
  struct QueryMemo {
    St st;
    size_t end;
    Query q;
    Failure err;
  };
  std::unordered_map<size_t, QueryMemo> queryMemo_;
};

// ================================================================ characters

uint32_t Parser::decode(size_t p, size_t& len) const {
  auto b = [&](size_t i) { return static_cast<unsigned char>(src_[i]); };
  unsigned char c = b(p);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (n == 0 || p + n > src_.size()) {
    len = 1;
    return 0xFFFD;
  }
  uint32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
  for (size_t i = 1; i < n; ++i) {
    if ((b(p + i) & 0xC0) != 0x80) {
      len = 1;
      return 0xFFFD;
    }
    cp = (cp << 6) | (b(p + i) & 0x3F);
  }
  len = n;
  return cp;
}

// ws? : whitespace (space, tab, CR, LF) and `#` comments. A comment runs to
// the next LF (not included).
size_t Parser::skipWs(size_t p) const {
  for (;;) {
    if (p < src_.size() && isMultispace(src_[p])) {
      ++p;
    } else if (at(p, '#')) {
      size_t nl = src_.find('\n', p);
      p = nl == std::string_view::npos ? src_.size() : nl;
    } else {
      return p;
    }
  }
}

bool Parser::ws1(size_t& p) const {
  size_t q = skipWs(p);
  if (q == p) return false;
  p = q;
  return true;
}

size_t Parser::space0(size_t p) const {
  while (p < src_.size() && isSpaceOrTab(src_[p])) ++p;
  return p;
}

size_t Parser::multispace0(size_t p) const {
  while (p < src_.size() && isMultispace(src_[p])) ++p;
  return p;
}

size_t Parser::digits(size_t p) const {
  while (p < src_.size() && isDigit(src_[p])) ++p;
  return p;
}

// ident = ascii_letter { unicode_letter_or_digit | '_' } (§3.2).
bool Parser::ident(size_t& p, std::string& out) const {
  if (p >= src_.size() || !isAsciiLetter(src_[p])) return false;
  size_t q = p + 1;
  while (q < src_.size()) {
    char c = src_[q];
    if (static_cast<unsigned char>(c) < 0x80) {
      if (!(isAsciiLetter(c) || isDigit(c) || c == '_')) break;
      ++q;
      continue;
    }
    size_t len;
    if (!isUnicodeAlnum(decode(q, len))) break;
    q += len;
  }
  out.assign(src_.substr(p, q - p));
  p = q;
  return true;
}

// not_kw: `not`/`NOT` need at least one space or tab after them; `!` must
// touch what follows.
bool Parser::notKw(size_t& p) const {
  if (startsWith(p, "not") || startsWith(p, "NOT")) {
    size_t q = space0(p + 3);
    if (q > p + 3) {
      p = q;
      return true;
    }
  }
  if (at(p, '!')) {
    ++p;
    return true;
  }
  return false;
}

bool Parser::orJoin(size_t& p) const {
  size_t q = skipWs(p);
  if (!keyword(q, "or", "OR") && !keyword(q, "|OR|", "")) return false;
  if (!ws1(q)) return false;
  p = q;
  return true;
}

// type_name = ident '::' ident '::' ident ['::MODULE'] | ident '::' ident.
// The `::MODULE` suffix is dropped from the name (§4.5).
bool Parser::typeName(size_t& p, std::string& out) const {
  std::string a, b, c;
  size_t q = p;
  if (ident(q, a) && startsWith(q, "::") && (q += 2, ident(q, b)) && startsWith(q, "::") &&
      (q += 2, ident(q, c))) {
    if (startsWith(q, "::MODULE")) q += 8;
    out = a + "::" + b + "::" + c;
    p = q;
    return true;
  }
  q = p;
  if (ident(q, a) && startsWith(q, "::") && (q += 2, ident(q, b))) {
    out = a + "::" + b;
    p = q;
    return true;
  }
  return false;
}

// ================================================================ literals

// value = ws? (null | string | float | int | bool | regex | range | list | map),
// in exactly that order (§4.6).
St Parser::value(size_t& p, Literal& out) {
  size_t q = skipWs(p);
  const size_t b = q;
  Literal lit;
  St s;
  if (keyword(q, "null", "NULL")) {
    lit.kind = LitKind::Null;
  } else if ((s = stringLit(q, lit.s)) != St::Soft) {
    if (s == St::Hard) return s;
    lit.kind = LitKind::String;
  } else if ((s = floatLit(q, lit.f)) != St::Soft) {
    if (s == St::Hard) return s;
    lit.kind = LitKind::Float;
  } else if (intLit(q, lit.i) == St::Ok) {
    lit.kind = LitKind::Int;
  } else if (keyword(q, "true", "True")) {
    lit.kind = LitKind::Bool;
    lit.b = true;
  } else if (keyword(q, "false", "False")) {
    lit.kind = LitKind::Bool;
    lit.b = false;
  } else if (regexLit(q, lit.s) == St::Ok) {
    lit.kind = LitKind::Regex;
  } else if ((s = rangeLit(q, lit)) != St::Soft || (s = listLit(q, lit)) != St::Soft ||
             (s = mapLit(q, lit)) != St::Soft) {
    if (s == St::Hard) return s;
  } else {
    return soft(b, "expected a value");
  }
  lit.span = span(b, q);
  out = std::move(lit);
  p = q;
  return St::Ok;
}

// A quoted string. The only escape is a backslash right before the
// delimiter, which yields the delimiter; every other backslash is literal
// (§3.4). Once the opening quote is read, a missing closing quote is Hard.
St Parser::stringLit(size_t& p, std::string& out) {
  if (!at(p, '\'') && !at(p, '"')) return soft(p, "expected a string");
  const char quote = src_[p];
  std::string text;
  size_t q = p + 1;
  for (;;) {
    size_t k = src_.find(quote, q);
    size_t runEnd = k == std::string_view::npos ? src_.size() : k;
    std::string_view run = src_.substr(q, runEnd - q);
    if (!run.empty() && run.back() == '\\') {
      if (k == std::string_view::npos)
        return hard(src_.size(), "unterminated string literal", ErrorKind::RulesUnterminatedString);
      text.append(run.substr(0, run.size() - 1));
      text.push_back(quote);
      q = k + 1;
      continue;
    }
    if (k == std::string_view::npos)
      return hard(src_.size(), "unterminated string literal", ErrorKind::RulesUnterminatedString);
    text.append(run);
    out = std::move(text);
    p = k + 1;
    return St::Ok;
  }
}

// A float needs a fraction or a *signed* exponent (§3.5): `1.5`, `2e+3`,
// `1.5e-3`. Once that shape is seen the text is read like nom's `double`,
// which also takes an unsigned exponent after a fraction (`1.5e3`). An `e`
// without digits (`1.5e`, `1.5e+`) is not a float at all: as in 3.1.1 the
// value is then read as the int before the '.', and what follows fails.
St Parser::floatLit(size_t& p, double& out) {
  size_t whole = digits(p);
  if (whole == p) return soft(p, "expected a number");
  size_t q = whole;
  bool fraction = false;
  if (at(q, '.') && q + 1 < src_.size() && isDigit(src_[q + 1])) {
    fraction = true;
    q = digits(q + 1);
  }
  bool exponent = (at(q, 'e') || at(q, 'E')) && (at(q + 1, '+') || at(q + 1, '-')) &&
                  q + 2 < src_.size() && isDigit(src_[q + 2]);
  if (!fraction && !exponent) return soft(p, "expected a float");

  q = whole;
  if (at(q, '.')) q = digits(q + 1);
  if (at(q, 'e') || at(q, 'E')) {
    size_t e = q + 1;
    if (at(e, '+') || at(e, '-')) ++e;
    size_t end = digits(e);
    if (end == e) return soft(p, "expected a float");
    q = end;
  }
  // strtod gives inf/0 on overflow/underflow, as Rust's f64 parsing does.
  std::string text(src_.substr(p, q - p));
  out = std::strtod(text.c_str(), nullptr);
  p = q;
  return St::Ok;
}

// int = ['-'] digit {digit}, fitting in 64 bits; the minus is applied after
// the digits are read, so i64::MIN cannot be written (as in the reference).
St Parser::intLit(size_t& p, int64_t& out) const {
  bool negative = at(p, '-');
  size_t b = negative ? p + 1 : p;
  size_t e = digits(b);
  if (e == b) return St::Soft;
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(src_.data() + b, src_.data() + e, v);
  if (ec != std::errc() || ptr != src_.data() + e) return St::Soft;  // overflow
  out = negative ? -v : v;
  p = e;
  return St::Ok;
}

// regex = '/' body '/' (§3.7). The body is read in runs of non-'/'
// characters; a run ending in a backslash continues with a '/'. Every run
// must be non-empty, which is why `//` and a trailing `\/` do not parse.
// A pattern that does not compile makes the literal not a regex.
St Parser::regexLit(size_t& p, std::string& out) {
  if (!at(p, '/')) return soft(p, "expected a regex");
  std::string pattern;
  size_t q = p + 1;
  for (;;) {
    size_t k = src_.find('/', q);
    size_t runEnd = k == std::string_view::npos ? src_.size() : k;
    if (runEnd == q) return soft(p, "empty regex");
    std::string_view run = src_.substr(q, runEnd - q);
    if (run.back() == '\\') {
      if (k == std::string_view::npos) return soft(p, "unterminated regex");
      pattern.append(run.substr(0, run.size() - 1));
      pattern.push_back('/');
      q = k + 1;
      continue;
    }
    pattern.append(run);
    // compileLazy: the same verdict and error as compile, without building
    // the engine (an RE2 compile is ~10x the check), which lower.cpp's
    // literal builds on first use only.
    auto compiled = Regex::compileLazy(pattern);
    if (!compiled.ok()) return soft(p, "invalid regex: " + compiled.error().message, ErrorKind::RulesBadRegex);
    if (k == std::string_view::npos) return soft(p, "unterminated regex");
    out = std::move(pattern);
    p = k + 1;
    return St::Ok;
  }
}

// range = 'r' ('['|'(') bound ',' bound (']'|')'), bounds padded by spaces
// or tabs only (§3.8). Bounds of different kinds are a Hard error.
St Parser::rangeLit(size_t& p, Literal& out) {
  if (!at(p, 'r') || !(at(p + 1, '[') || at(p + 1, '('))) return soft(p, "expected a range");
  const bool loInclusive = src_[p + 1] == '[';
  size_t q = p + 2;
  Literal lo, hi;
  St s = rangeBound(q, lo);
  if (s != St::Ok) return s;
  if (!at(q, ',')) return soft(q, "expected ',' in range");
  ++q;
  if ((s = rangeBound(q, hi)) != St::Ok) return s;
  if (!at(q, ']') && !at(q, ')')) return soft(q, "expected ']' or ')' to close the range");
  const bool hiInclusive = src_[q] == ']';
  ++q;
  if (lo.kind != hi.kind)
    return hard(q, "range bounds must both be integers, floats or characters", ErrorKind::RulesBadRange);
  Literal lit;
  lit.loInclusive = loInclusive;
  lit.hiInclusive = hiInclusive;
  switch (lo.kind) {
    case LitKind::Int:
      lit.kind = LitKind::RangeInt;
      lit.loInt = lo.i;
      lit.hiInt = hi.i;
      break;
    case LitKind::Float:
      lit.kind = LitKind::RangeFloat;
      lit.loFloat = lo.f;
      lit.hiFloat = hi.f;
      break;
    default:
      lit.kind = LitKind::RangeChar;
      lit.loChar = lo.ch;
      lit.hiChar = hi.ch;
      break;
  }
  out = std::move(lit);
  p = q;
  return St::Ok;
}

// bound = sp* (float | int | any single character) sp*
St Parser::rangeBound(size_t& p, Literal& out) {
  size_t q = space0(p);
  St s = floatLit(q, out.f);
  if (s == St::Hard) return s;
  if (s == St::Ok) {
    out.kind = LitKind::Float;
  } else if (intLit(q, out.i) == St::Ok) {
    out.kind = LitKind::Int;
  } else if (q < src_.size()) {
    size_t len;
    out.kind = LitKind::Char;
    out.ch = decode(q, len);
    q += len;
  } else {
    return soft(q, "expected a range bound");
  }
  p = space0(q);
  return St::Ok;
}

// list = ws? '[' [value {ws? ',' value}] ws? ']'. Elements are literals only;
// a trailing comma leaves the ',' unread and the list fails (§3.9).
St Parser::listLit(size_t& p, Literal& out) {
  size_t q = skipWs(p);
  if (!at(q, '[')) return soft(q, "expected a list");
  DepthGuard guard(*this);
  if (guard.tooDeep()) return tooDeep(q);
  const size_t b = q;
  Literal lit;
  lit.kind = LitKind::List;
  ++q;
  Literal elem;
  St s = value(q, elem);
  if (s == St::Hard) return s;
  if (s == St::Ok) {
    lit.items.push_back(std::move(elem));
    for (;;) {
      size_t r = skipWs(q);
      if (!at(r, ',')) break;
      ++r;
      s = value(r, elem);
      if (s == St::Hard) return s;
      if (s == St::Soft) break;
      lit.items.push_back(std::move(elem));
      q = r;
    }
  }
  q = skipWs(q);
  if (!at(q, ']')) return soft(q, "expected ']' to close the list");
  ++q;
  lit.span = span(b, q);
  out = std::move(lit);
  p = q;
  return St::Ok;
}

// map = '{' [entry {ws? ',' entry}] ws? '}'; entry = ws? key ws? ':' value;
// key = bare run of letters/digits/'-'/'_' or a string. Last duplicate wins.
St Parser::mapLit(size_t& p, Literal& out) {
  if (!at(p, '{')) return soft(p, "expected a map");
  DepthGuard guard(*this);
  if (guard.tooDeep()) return tooDeep(p);
  Literal lit;
  lit.kind = LitKind::Map;
  // Key -> its entry: a duplicate key replaces the value at the first key's
  // place, found in constant time (a 40,000-key literal took 7 s by search).
  std::unordered_map<std::string, size_t> entryOf;
  auto entry = [&](size_t& q) -> St {
    size_t r = skipWs(q);
    std::string key;
    size_t k = r;
    while (k < src_.size()) {
      char c = src_[k];
      if (static_cast<unsigned char>(c) < 0x80) {
        if (!(isAsciiLetter(c) || isDigit(c) || c == '-' || c == '_')) break;
        ++k;
        continue;
      }
      size_t len;
      if (!isUnicodeAlnum(decode(k, len))) break;
      k += len;
    }
    if (k > r) {
      key.assign(src_.substr(r, k - r));
      r = k;
    } else if (St s = stringLit(r, key); s != St::Ok) {
      return s;
    }
    r = skipWs(r);
    if (!at(r, ':')) return soft(r, "expected ':' in map literal");
    ++r;
    Literal v;
    if (St s = value(r, v); s != St::Ok) return s;
    auto [it, added] = entryOf.try_emplace(key, lit.entries.size());
    if (!added)
      lit.entries[it->second].second = std::move(v);
    else
      lit.entries.emplace_back(std::move(key), std::move(v));
    q = r;
    return St::Ok;
  };
  size_t q = p + 1;
  St s = entry(q);
  if (s == St::Hard) return s;
  if (s == St::Ok) {
    for (;;) {
      size_t r = skipWs(q);
      if (!at(r, ',')) break;
      ++r;
      s = entry(r);
      if (s == St::Hard) return s;
      if (s == St::Soft) break;
      q = r;
    }
  }
  q = skipWs(q);
  if (!at(q, '}')) return soft(q, "expected '}' to close the map");
  ++q;
  lit.span = span(p, q);
  out = std::move(lit);
  p = q;
  return St::Ok;
}

// custom_message = '<<' any* '>>', ending at the first '>>' (§3.10).
St Parser::customMessage(size_t& p, std::string& out) {
  if (!startsWith(p, "<<")) return soft(p, "expected a custom message");
  size_t k = src_.find(">>", p + 2);
  if (k == std::string_view::npos)
    return hard(p + 2, "unterminated custom message: no closing '>>'", ErrorKind::RulesUnterminatedMessage);
  out.assign(src_.substr(p + 2, k - p - 2));
  p = k + 2;
  return St::Ok;
}

// ================================================================ queries

St Parser::query(size_t& p, Query& out) {
  auto it = queryMemo_.find(p);
  if (it == queryMemo_.end()) {
    QueryMemo m;
    size_t q = p;
    m.st = queryUncached(q, m.q);
    m.end = q;
    m.err = err_;
    it = queryMemo_.emplace(p, std::move(m)).first;
  }
  const QueryMemo& m = it->second;
  if (m.st != St::Ok) {
    err_ = m.err;
    return m.st;
  }
  out = m.q;
  p = m.end;
  return St::Ok;
}

// query = [some ws] (this | %var | key) {part} (§4.4). `this` may be preceded
// by whitespace and is matched as a prefix; a variable followed by parts is
// left as written (the implicit [*] of §6.5 is the lowering's business).
St Parser::queryUncached(size_t& p, Query& out) {
  Query qy;
  size_t q = p;
  size_t begin = p;
  {
    size_t r = skipWs(q);
    size_t kw = r;
    if (keyword(r, "some", "SOME") && ws1(r)) {
      qy.some = true;
      begin = kw;
      q = r;
    }
  }
  QueryPart first;
  size_t partBegin = skipWs(q);
  size_t r = partBegin;
  if (keyword(r, "this", "THIS")) {  // `this` alone may follow whitespace
    first.kind = PartKind::This;
  } else {
    partBegin = r = q;
    if (at(r, '%') && (++r, ident(r, first.name))) {
      first.kind = PartKind::Variable;
    } else if (r = q; ident(r, first.name)) {
      first.kind = PartKind::Key;
    } else if (St s = stringLit(r, first.name); s == St::Ok) {
      first.kind = PartKind::Key;
      first.quoted = true;
    } else {
      return s == St::Hard ? s : soft(q, "expected a query");
    }
  }
  q = r;
  if (!qy.some) begin = partBegin;
  first.span = span(partBegin, q);
  qy.parts.push_back(std::move(first));
  for (;;) {
    QueryPart part;
    size_t r = q;
    St s = dotPart(r, part);
    if (s == St::Soft) s = bracketPart(r, part);
    if (s == St::Hard) return s;
    if (s == St::Soft) break;
    qy.parts.push_back(std::move(part));
    q = r;
  }
  qy.span = span(begin, q);
  out = std::move(qy);
  p = q;
  return St::Ok;
}

// ws? '.' (int | key | '%'var | '*'), no whitespace after the dot.
St Parser::dotPart(size_t& p, QueryPart& out) {
  size_t q = skipWs(p);
  if (!at(q, '.')) return soft(q, "expected '.'");
  const size_t b = q++;
  QueryPart part;
  std::string name;
  if (intLit(q, part.index) == St::Ok) {
    part.kind = PartKind::Index;
  } else if (ident(q, name)) {
    part.kind = PartKind::Key;
    part.name = std::move(name);
  } else if (St s = stringLit(q, name); s != St::Soft) {
    if (s == St::Hard) return s;
    part.kind = PartKind::Key;
    part.name = std::move(name);
    part.quoted = true;
  } else if (size_t r = q + 1; at(q, '%') && ident(r, name)) {
    part.kind = PartKind::Interpolate;
    part.name = std::move(name);
    q = r;
  } else if (at(q, '*')) {
    part.kind = PartKind::AllValues;
    ++q;
  } else {
    return soft(b, "expected a key, an index, '*' or a variable after '.'");
  }
  part.span = span(b, q);
  out = std::move(part);
  p = q;
  return St::Ok;
}

// `[ name |` : the optional key-capture prefix of a filter.
bool Parser::capture(size_t& p, std::string& out) const {
  size_t q = skipWs(p);
  std::string name;
  if (!ident(q, name)) return false;
  q = space0(q);
  if (!at(q, '|')) return false;
  out = std::move(name);
  p = q + 1;
  return true;
}

// ws? '[' ... ']': tried as [*] / [name], then [N], then ['key'] / [ name ],
// then [ keys op x ], then a filter [ clauses ] (§4.4).
St Parser::bracketPart(size_t& p, QueryPart& out) {
  const size_t open = skipWs(p);
  if (!at(open, '[')) return soft(open, "expected '['");
  DepthGuard guard(*this);  // filters and keys filters nest queries and clauses
  if (guard.tooDeep()) return tooDeep(open);
  const size_t in = open + 1;
  auto finish = [&](QueryPart& part, size_t closeAt) {
    part.span = span(open, closeAt + 1);
    out = std::move(part);
    p = closeAt + 1;
    return St::Ok;
  };

  {  // [*] and [name] (no whitespace before the name)
    QueryPart part;
    size_t q = skipWs(in);
    bool matched = false;
    if (at(q, '*')) {
      part.kind = PartKind::AllIndices;
      ++q;
      matched = true;
    } else if (q = in; ident(q, part.name)) {
      part.kind = PartKind::KeyCapture;
      matched = true;
    }
    if (matched && (q = skipWs(q), at(q, ']'))) return finish(part, q);
  }
  {  // [N]: committed once the number is read, so `[1 x]` is an error
    QueryPart part;
    size_t q = in;
    if (intLit(q, part.index) == St::Ok) {
      q = skipWs(q);
      if (!at(q, ']')) return hard(q, "expected ']' after the index");
      part.kind = PartKind::Index;
      return finish(part, q);
    }
  }
  {  // ['key'] (no whitespace before the string) and [ name ]
    QueryPart part;
    size_t q = in;
    St s = stringLit(q, part.name);
    if (s == St::Hard) return s;
    bool matched = false;
    if (s == St::Ok) {
      part.kind = PartKind::Key;
      part.quoted = true;
      matched = true;
    } else if (q = skipWs(in); ident(q, part.name)) {
      part.kind = PartKind::KeyCapture;
      part.spacedCapture = true;
      matched = true;
    }
    if (matched && (q = skipWs(q), at(q, ']'))) return finish(part, q);
  }
  if (St s = keysFilter(open, p, out); s != St::Soft) return s;
  return filterPart(open, p, out);
}

// [ [capture |] keys op x ] (§6.6). Committed once `keys` is read: a missing
// operator or right-hand side is an error. The closing bracket is not
// committed, so `[ keys == 'a' X exists ]` falls through to a filter.
St Parser::keysFilter(size_t open, size_t& p, QueryPart& out) {
  QueryPart part;
  size_t q = open + 1;
  if (size_t r = q; capture(r, part.name)) q = r;
  q = skipWs(q);
  if (!keyword(q, "keys", "KEYS")) return soft(q, "expected 'keys'");
  q = skipWs(q);
  if (startsWith(q, "==")) {
    part.keysOp = CmpOp::Eq;
    q += 2;
  } else if (startsWith(q, "!=")) {
    part.keysOp = CmpOp::Eq;
    part.keysNegated = true;
    q += 2;
  } else if (keyword(q, "in", "IN")) {
    part.keysOp = CmpOp::In;
  } else if (notKw(q)) {
    // As in 3.1.1, a negation is taken before its `in` is looked for, so
    // `keys not == x` fails after the `not`.
    if (!keyword(q, "in", "IN")) return hard(q, "expected 'in' after the negation in a 'keys' filter");
    part.keysOp = CmpOp::In;
    part.keysNegated = true;
  } else {
    return hard(q, "expected '==', '!=', 'in' or 'not in' after 'keys'");
  }
  q = skipWs(q);
  auto rhs = std::make_shared<Expr>();
  size_t r = q;
  St s = value(r, rhs->literal);
  if (s == St::Hard) return s;
  if (s == St::Ok) {
    rhs->kind = ExprKind::Literal;
    rhs->span = rhs->literal.span;
  } else {
    r = skipWs(q);
    s = query(r, rhs->query);
    if (s != St::Ok) return commit(s, "expected a value or a query after the 'keys' operator");
    rhs->kind = ExprKind::Query;
    rhs->span = rhs->query.span;
  }
  r = skipWs(r);
  if (!at(r, ']')) return soft(r, "expected ']'");
  part.kind = PartKind::KeysFilter;
  part.keysRhs = std::move(rhs);
  part.span = span(open, r + 1);
  out = std::move(part);
  p = r + 1;
  return St::Ok;
}

// [ [capture |] clauses ]: at least one clause, then a committed ']'.
St Parser::filterPart(size_t open, size_t& p, QueryPart& out) {
  QueryPart part;
  part.kind = PartKind::Filter;
  size_t q = open + 1;
  if (size_t r = q; capture(r, part.name)) q = r;
  auto conj = std::make_shared<Conjunction>();
  // cfn-guard reads a filter's clauses as it reads `when` conditions (the same label).
  if (St s = cnf(Items::Clause, q, *conj, "expected a clause in the filter", ErrorKind::RulesEmptyCondition);
      s != St::Ok)
    return s;
  q = skipWs(q);
  if (!at(q, ']')) return hard(q, "expected ']' to close the filter");
  part.filter = std::move(conj);
  part.span = span(open, q + 1);
  out = std::move(part);
  p = q + 1;
  return St::Ok;
}

// ================================================================ expressions

// name '(' arg {',' arg} ')' with no space before '('. Once the '(' is read
// the call is committed: `f()` and a malformed argument list are errors.
// Arguments may be surrounded by spaces and newlines (not comments).
St Parser::call(size_t& p, std::string& name, std::vector<Expr>& args) {
  size_t q = p;
  if (!ident(q, name)) return soft(q, "expected a name");
  if (!at(q, '(')) return soft(q, "expected '('");
  DepthGuard guard(*this);
  if (guard.tooDeep()) return tooDeep(q);
  ++q;
  args.clear();
  for (;;) {
    size_t r = multispace0(q);
    Expr arg;
    if (St s = letValue(r, arg); s != St::Ok) return commit(s, "expected an argument");
    args.push_back(std::move(arg));
    r = multispace0(r);
    if (at(r, ',')) {
      q = r + 1;
      continue;
    }
    q = r;
    break;
  }
  if (!at(q, ')')) return hard(q, "expected ',' or ')' in the argument list");
  p = q + 1;
  return St::Ok;
}

St Parser::functionCall(size_t& p, Expr& out) {
  size_t q = p;
  Expr e;
  e.kind = ExprKind::Call;
  if (St s = call(q, e.callee, e.args); s != St::Ok) return s;
  e.span = span(p, q);
  out = std::move(e);
  p = q;
  return St::Ok;
}

// let_value = ws? (value | function_call | query): function arguments.
St Parser::letValue(size_t& p, Expr& out) {
  size_t q = skipWs(p);
  Expr e;
  St s = value(q, e.literal);
  if (s == St::Ok) {
    e.kind = ExprKind::Literal;
    e.span = e.literal.span;
  } else if (s == St::Hard) {
    return s;
  } else if ((s = functionCall(q, e)) == St::Hard) {
    return s;
  } else if (s == St::Soft) {
    if ((s = query(q, e.query)) != St::Ok) return s;
    e.kind = ExprKind::Query;
    e.span = e.query.span;
  }
  out = std::move(e);
  p = q;
  return St::Ok;
}

// let_stmt = 'let' ws ident ws? ('=' | ':=') value-or-call-or-query (§4.2).
// Committed after the name. As in 3.1.1, a call that fails in any way falls
// back to reading a query, and a missing value makes the next word a query.
St Parser::letStmt(size_t& p, LetStmt& out) {
  size_t q = p;
  const size_t b = q;
  if (!startsWith(q, "let")) return soft(q, "expected 'let'");
  q += 3;
  if (!ws1(q)) return soft(q, "expected whitespace after 'let'");
  LetStmt let;
  if (!ident(q, let.name)) return soft(q, "expected a variable name");
  q = skipWs(q);
  if (at(q, '='))
    q += 1;
  else if (startsWith(q, ":="))
    q += 2;
  else
    return hard(q, "expected '=' or ':=' after 'let " + let.name + "'");

  Expr& e = let.value;
  size_t r = q;
  St s = value(r, e.literal);
  if (s == St::Hard) return s;
  if (s == St::Ok) {
    e.kind = ExprKind::Literal;
    e.span = e.literal.span;
  } else {
    r = skipWs(q);
    if (functionCall(r, e) != St::Ok) {
      r = skipWs(q);
      s = query(r, e.query);
      // 3.1.1 names no context for a `let` without a value (only a clause's
      // missing right-hand side gets one), so this is a plain syntax error.
      if (s != St::Ok) return commit(s, "expected a value, a function call or a query after '='");
      e.kind = ExprKind::Query;
      e.span = e.query.span;
    }
  }
  let.span = span(b, r);
  out = std::move(let);
  p = r;
  return St::Ok;
}

// ================================================================ clauses

St Parser::item(Items kind, size_t& p, Clause& out) {
  St s;
  switch (kind) {
    case Items::Clause:
      return clause(p, out);
    case Items::ClauseOrRef:
      if ((s = clause(p, out)) != St::Soft) return s;
      return ruleRef(p, out);
    case Items::Condition:
      if ((s = accessClause(p, out)) != St::Soft) return s;
      if ((s = paramCall(p, out)) != St::Soft) return s;
      return ruleRef(p, out);
    case Items::RuleItem: {
      size_t q = skipWs(p);
      if ((s = typeBlock(q, out)) != St::Soft) {
        if (s == St::Ok) p = q;
        return s;
      }
      if ((s = whenBlock(Items::ClauseOrRef, p, out)) != St::Soft) return s;
      q = skipWs(p);
      if ((s = clause(q, out)) == St::Soft) s = ruleRef(q, out);
      if (s == St::Ok) p = q;
      return s;
    }
    case Items::TypeBlock:
      return typeBlock(p, out);
  }
  return soft(p, "expected a clause");
}

// P_disj = ws? P { or_join ws? P }. An `or` not followed by a P is left
// unread (the chain ends before it).
St Parser::disjunction(Items kind, size_t& p, Disjunction& out) {
  size_t q = skipWs(p);
  Disjunction d;
  Clause c;
  if (St s = item(kind, q, c); s != St::Ok) return s;
  d.push_back(std::move(c));
  for (;;) {
    size_t r = q;
    if (!orJoin(r)) break;
    r = skipWs(r);
    Clause next;
    St s = item(kind, r, next);
    if (s == St::Hard) return s;
    if (s == St::Soft) break;
    d.push_back(std::move(next));
    q = r;
  }
  out = std::move(d);
  p = q;
  return St::Ok;
}

// cnf(P) = P_disj { P_disj }, at least one (Hard if none).
St Parser::cnf(Items kind, size_t& p, Conjunction& out, const char* emptyMsg, ErrorKind emptyKind) {
  size_t q = p;
  Conjunction c;
  for (;;) {
    Disjunction d;
    size_t r = q;
    St s = disjunction(kind, r, d);
    if (s == St::Hard) return s;
    if (s == St::Soft) break;
    c.items.push_back(std::move(d));
    q = r;
  }
  if (c.items.empty()) return hard(p, emptyMsg, emptyKind);
  out = std::move(c);
  p = q;
  return St::Ok;
}

// block(P) = ws? '{' (ws? let_stmt | P_disj)+ ws? '}'. An empty block is a
// Soft failure (the callers commit it); a missing '}' is Hard.
St Parser::block(Items kind, size_t& p, Block& out) {
  size_t q = skipWs(p);
  if (!at(q, '{')) return soft(q, "expected '{'");
  DepthGuard guard(*this);
  if (guard.tooDeep()) return tooDeep(q);
  const size_t b = q++;
  const size_t first = q;
  Block blk;
  for (;;) {
    size_t r = skipWs(q);
    LetStmt let;
    St s = letStmt(r, let);
    if (s == St::Hard) return s;
    if (s == St::Ok) {
      blk.lets.push_back(std::move(let));
      q = r;
      continue;
    }
    Disjunction d;
    r = q;
    s = disjunction(kind, r, d);
    if (s == St::Hard) return s;
    if (s == St::Soft) break;
    blk.body.items.push_back(std::move(d));
    q = r;
  }
  if (blk.lets.empty() && blk.body.items.empty())
    return soft(first, "empty block: expected at least one clause or 'let'");
  q = skipWs(q);
  if (!at(q, '}')) return hard(q, "expected '}' to close the block");
  ++q;
  blk.span = span(b, q);
  out = std::move(blk);
  p = q;
  return St::Ok;
}

// when_conds = ws? ('when'|'WHEN') ws cond_cnf, committed after the keyword
// (so a key starting with `when` cannot begin a clause, §3.11).
St Parser::whenConditions(size_t& p, Conjunction& out) {
  size_t q = skipWs(p);
  if (!keyword(q, "when", "WHEN")) return soft(q, "expected 'when'");
  if (!ws1(q)) return hard(q, "expected whitespace after 'when'");
  if (St s = cnf(Items::Condition, q, out, "expected a condition after 'when'", ErrorKind::RulesEmptyCondition);
      s != St::Ok)
    return s;
  p = q;
  return St::Ok;
}

// ws? when_conds block(bodyKind). Soft if the block is missing or empty.
St Parser::whenBlock(Items bodyKind, size_t& p, Clause& out) {
  size_t q = skipWs(p);
  const size_t b = q;
  Clause c;
  c.kind = ClauseKind::When;
  c.conditions = std::make_shared<Conjunction>();
  if (St s = whenConditions(q, *c.conditions); s != St::Ok) return s;
  c.body = std::make_shared<Block>();
  if (St s = block(bodyKind, q, *c.body); s != St::Ok) return s;
  c.span = span(b, q);
  out = std::move(c);
  p = q;
  return St::Ok;
}

// clause = when_block(clause) | block_clause | param_call | access_clause.
St Parser::clause(size_t& p, Clause& out) {
  St s;
  if ((s = whenBlock(Items::Clause, p, out)) != St::Soft) return s;
  if ((s = blockClause(p, out)) != St::Soft) return s;
  if ((s = paramCall(p, out)) != St::Soft) return s;
  return accessClause(p, out);
}

// block_clause = query [ws? not empty] block(clause).
St Parser::blockClause(size_t& p, Clause& out) {
  size_t q = p;
  Clause c;
  c.kind = ClauseKind::Block;
  if (St s = query(q, c.query); s != St::Ok) return s;
  if (size_t r = skipWs(q); notKw(r) && keyword(r, "empty", "EMPTY")) {
    c.notEmpty = true;
    q = r;
  }
  c.body = std::make_shared<Block>();
  if (St s = block(Items::Clause, q, *c.body); s != St::Ok) return s;
  c.span = span(c.query.span.begin.offset, q);
  out = std::move(c);
  p = q;
  return St::Ok;
}

// How rules spell the operators, from vm/operators.def: symbols (`==`, and
// `!=` for the negated `==`) and keywords (`exists`/`EXISTS`, negated with a
// `not` before them). Longest first, so that `>=` is not read as `>`.
struct OperatorSpelling {
  std::string_view text, upper;
  CmpOp op;
  bool negated;
};

// The symbols (`keywords` false) or the keywords of the operator table,
// longest first.
static std::vector<OperatorSpelling> operatorSpellings(bool keywords) {
  std::vector<OperatorSpelling> list;
  for (size_t i = 0; i < vm::kCmpOpCount; ++i) {
    const vm::CmpOpInfo& info = vm::kCmpOps[i];
    if ((info.keyword != nullptr) != keywords) continue;
    list.push_back({info.spelling, keywords ? info.keyword : "", CmpOp(i), false});
    if (info.negatedSymbol) list.push_back({info.negatedSymbol, "", CmpOp(i), true});
  }
  std::stable_sort(list.begin(), list.end(),
                   [](const auto& a, const auto& b) { return a.text.size() > b.text.size(); });
  return list;
}

static const std::vector<OperatorSpelling>& operatorSymbols() {
  static const std::vector<OperatorSpelling> symbols = operatorSpellings(false);
  return symbols;
}

static const std::vector<OperatorSpelling>& operatorKeywords() {
  static const std::vector<OperatorSpelling> keywords = operatorSpellings(true);
  return keywords;
}

// The comparison operators (§4.3 binary_op / unary_op). `<<` is never an
// operator: it starts a custom message.
bool Parser::comparison(size_t& p, CmpOp& op, bool& negated) const {
  if (startsWith(p, "<<")) return false;
  for (const OperatorSpelling& sym : operatorSymbols()) {
    if (startsWith(p, sym.text)) {
      p += sym.text.size();
      op = sym.op;
      negated = sym.negated;
      return true;
    }
  }
  size_t q = p;
  bool neg = notKw(q);
  for (const OperatorSpelling& w : operatorKeywords()) {
    if (keyword(q, w.text, w.upper)) {
      op = w.op;
      negated = neg;
      p = q;
      return true;
    }
  }
  return false;
}

// access_clause = ws? [not] query ws? operator_part (§4.3). For unary
// operators an optional custom message follows; binary operators commit to
// a right-hand side.
St Parser::accessClause(size_t& p, Clause& out) {
  size_t q = skipWs(p);
  const size_t b = q;
  Clause c;
  c.kind = ClauseKind::Access;
  c.negated = notKw(q);
  if (St s = query(q, c.query); s != St::Ok) return s;
  const size_t opPos = skipWs(q);
  q = opPos;
  if (!comparison(q, c.op, c.opNegated)) {
    soft(opPos, "expected a comparison operator");
    err_.ifCommitted = startsWith(opPos, "<<") ? Label::OperatorNotMessage : Label::Operator;
    return St::Soft;
  }
  size_t end = q;
  if (ast::isUnary(c.op)) {
    // The reference consumes the whitespace before a possible message
    // whether or not one follows.
    size_t m = skipWs(q);
    std::string msg;
    St s = customMessage(m, msg);
    if (s == St::Hard) return s;
    if (s == St::Ok) {
      c.message = std::move(msg);
      end = m;
    }
    q = m;
  } else if (St s = rhs(q, opPos, c, end); s != St::Ok) {
    return s;
  }
  c.span = span(b, end);
  out = std::move(c);
  p = q;
  return St::Ok;
}

// rhs = value | function_call | query, then ws? [custom_message]. Committed:
// any failure is reported at the start of the right-hand side.
St Parser::rhs(size_t& p, size_t opPos, Clause& c, size_t& end) {
  const size_t start = p;
  auto e = std::make_shared<Expr>();
  size_t q = p;
  St s = value(q, e->literal);
  if (s == St::Ok) {
    e->kind = ExprKind::Literal;
    e->span = e->literal.span;
  } else if (s == St::Soft) {
    q = skipWs(p);
    s = functionCall(q, *e);
    if (s == St::Soft) {
      q = skipWs(p);
      s = query(q, e->query);
      if (s == St::Ok) {
        e->kind = ExprKind::Query;
        e->span = e->query.span;
      }
    }
  }
  std::string msg;
  if (s == St::Ok) {
    end = q;
    q = skipWs(q);
    size_t m = q;
    s = customMessage(m, msg);
    if (s == St::Ok) {
      c.message = std::move(msg);
      end = q = m;
    } else if (s == St::Soft) {
      s = St::Ok;
    }
  }
  if (s != St::Ok) {
    if (s == St::Hard && err_.kind == ErrorKind::RulesNestingLimit) return s;  // our limit, said as it is
    std::string op(src_.substr(opPos, start - opPos));
    std::string text = "expected a value, a function call or a query after '" + op + "'";
    if (s == St::Hard) text += ": " + err_.msg;
    // 3.1.1 labels this alternative and keeps the label of a committed
    // failure inside it (a filter, a range, a message, another comparison's
    // value): the failure moves here, one more value enclosing its origin.
    // A soft failure's label is not kept.
    Failure inner = std::move(err_);
    hard(start, std::move(text), ErrorKind::RulesMissingValue);
    err_.enclosingValues = 1;
    if (s == St::Hard) {
      err_.enclosingValues += inner.enclosingValues;
      err_.origin = inner.origin;
      err_.label = inner.label;
    }
    return St::Hard;
  }
  c.rhs = std::move(e);
  p = q;
  return St::Ok;
}

// param_call = [not] name '(' args ')' [ws? custom_message] (§4.3).
St Parser::paramCall(size_t& p, Clause& out) {
  size_t q = p;
  Clause c;
  c.kind = ClauseKind::ParamCall;
  c.negated = notKw(q);
  if (St s = call(q, c.name, c.args); s != St::Ok) return s;
  size_t m = skipWs(q);
  std::string msg;
  St s = customMessage(m, msg);
  if (s == St::Hard) return s;
  if (s == St::Ok) {
    c.message = std::move(msg);
    q = m;
  }
  c.span = span(p, q);
  out = std::move(c);
  p = q;
  return St::Ok;
}

// rule_ref = [not] name, followed (after spaces/tabs) by a newline, a
// comment, '{', an `or`, the end of input, or a custom message (§4.3). That
// last alternative is committed, which is what turns most malformed clauses
// (`A =~ 1`, `S Exists`) into errors pointing just after the first word.
St Parser::ruleRef(size_t& p, Clause& out) {
  size_t q = p;
  Clause c;
  c.kind = ClauseKind::RuleRef;
  c.negated = notKw(q);
  if (!ident(q, c.name)) return soft(q, "expected a rule name");
  size_t end = q;
  size_t sp = space0(q);
  bool terminated =
      q == src_.size() || at(sp, '\n') || startsWith(sp, "\r\n") || at(sp, '#') || at(sp, '{');
  if (!terminated) {
    size_t r = q;
    terminated = orJoin(r);
  }
  if (!terminated) {
    std::string msg;
    St s = customMessage(sp, msg);
    if (s == St::Soft)
      return hard(sp, "expected a comparison operator after '" + c.name +
                          "' (a rule reference must end its line)");
    if (s == St::Hard) return s;
    c.message = std::move(msg);
    end = q = sp;
  }
  c.span = span(p, end);
  out = std::move(c);
  p = q;
  return St::Ok;
}

// type_block = type_name ws [when_conds] (block(clause) | ws? clause) (§4.5).
St Parser::typeBlock(size_t& p, Clause& out) {
  size_t q = p;
  Clause c;
  c.kind = ClauseKind::TypeBlock;
  if (!typeName(q, c.name)) return soft(q, "expected a type name");
  if (!ws1(q)) return hard(q, "expected whitespace after the type name '" + c.name + "'");
  auto conds = std::make_shared<Conjunction>();
  size_t r = q;
  St s = whenConditions(r, *conds);
  if (s == St::Hard) return s;
  const bool hasWhen = s == St::Ok;
  if (hasWhen) {
    c.conditions = std::move(conds);
    q = r;
  }
  c.body = std::make_shared<Block>();
  r = q;
  s = block(Items::Clause, r, *c.body);
  if (s == St::Hard) return s;
  if (s == St::Soft) {
    if (hasWhen) return commit(s);
    r = skipWs(q);
    Clause single;
    s = clause(r, single);
    if (s != St::Ok) {
      // 3.1.1 commits to the single clause, so the label it gives a missing
      // operator, which other alternatives replace everywhere else, is kept.
      const Label kept = s == St::Soft ? err_.ifCommitted : Label::None;
      s = commit(s, "expected '{' or a clause after the type name");
      if (kept != Label::None) err_.label = kept;
      return s;
    }
    c.body->span = single.span;
    c.body->body.items.push_back(Disjunction{std::move(single)});
  }
  c.span = span(p, r);
  out = std::move(c);
  p = r;
  return St::Ok;
}

// ================================================================ file level

// rule = 'rule' ws name [when_conds] block(rule_item), committed after
// `rule ` (so `rule {` is an error, while `ruleset exists` is a clause).
St Parser::rule(size_t& p, Rule& out) {
  size_t q = skipWs(p);
  const size_t b = q;
  if (!startsWith(q, "rule")) return soft(q, "expected 'rule'");
  q += 4;
  if (!ws1(q)) return soft(q, "expected whitespace after 'rule'");
  Rule r;
  if (!ident(q, r.name)) return hard(q, "expected a rule name after 'rule'");
  auto conds = std::make_shared<Conjunction>();
  size_t w = q;
  St s = whenConditions(w, *conds);
  if (s == St::Hard) return s;
  if (s == St::Ok) {
    r.when = std::move(conds);
    q = w;
  }
  if ((s = block(Items::RuleItem, q, r.body)) != St::Ok) return commit(s);
  r.span = span(b, q);
  out = std::move(r);
  p = q;
  return St::Ok;
}

// param_rule = 'rule' ws name '(' params ')' block(rule_item): no `when`,
// no space before '('. Parameters are separated by ',' with optional
// spaces/newlines around them.
St Parser::paramRule(size_t& p, Rule& out) {
  size_t q = skipWs(p);
  const size_t b = q;
  if (!startsWith(q, "rule")) return soft(q, "expected 'rule'");
  q += 4;
  if (!ws1(q)) return soft(q, "expected whitespace after 'rule'");
  Rule r;
  r.parameterized = true;
  if (!ident(q, r.name)) return hard(q, "expected a rule name after 'rule'");
  if (!at(q, '(')) return soft(q, "expected '('");
  ++q;
  for (;;) {
    size_t n = multispace0(q);
    std::string param;
    if (!ident(n, param)) return hard(n, "expected a parameter name");
    r.params.push_back(std::move(param));
    n = multispace0(n);
    if (at(n, ',')) {
      q = n + 1;
      continue;
    }
    q = n;
    break;
  }
  if (!at(q, ')')) return hard(q, "expected ',' or ')' in the parameter list");
  ++q;
  if (St s = block(Items::RuleItem, q, r.body); s != St::Ok) return commit(s);
  r.span = span(b, q);
  out = std::move(r);
  p = q;
  return St::Ok;
}

// top_item = let | param_rule | rule | type_block_disj | when_block_top |
// clause_disj (§4.1), in that order.
St Parser::topItem(size_t& p, RulesFile& file) {
  St s;
  {
    LetStmt let;
    if ((s = letStmt(p, let)) == St::Ok) file.lets.push_back(std::move(let));
    if (s != St::Soft) return s;
  }
  {
    Rule r;
    if ((s = paramRule(p, r)) == St::Soft) s = rule(p, r);
    if (s == St::Ok) file.rules.push_back(std::move(r));
    if (s != St::Soft) return s;
  }
  Disjunction d;
  if ((s = disjunction(Items::TypeBlock, p, d)) == St::Soft) {
    Clause when;
    if ((s = whenBlock(Items::ClauseOrRef, p, when)) == St::Ok)
      d.push_back(std::move(when));
    else if (s == St::Soft)
      s = disjunction(Items::Clause, p, d);
  }
  if (s == St::Ok) file.defaultRule.items.push_back(std::move(d));
  return s;
}

// rules_file = ws? [top_item {ws? top_item}] ws? EOF.
Result<RulesFile> Parser::parseFile() {
  RulesFile file;
  size_t slash = file_.find_last_of('/');
  file.name = slash == std::string::npos ? file_ : file_.substr(slash + 1);
  size_t p = skipWs(0);
  if (p == src_.size()) return file;  // only whitespace and comments
  file.empty = false;
  const size_t start = p;
  for (;;) {
    size_t q = skipWs(p);
    St s = topItem(q, file);
    if (s == St::Hard) return toError(err_);
    if (s == St::Soft) break;
    p = skipWs(q);
  }
  if (p == start) return toError({start, "expected a rule, a 'let' or a clause"});
  if (p != src_.size())
    return toError({p, "unexpected text: expected a rule, a 'let' or a clause"});
  return file;
}

// ================================================================ Unicode

// Code points >= U+0080 for which Rust's char::is_alphanumeric() holds
// (Unicode Alphabetic, or general category Nd/Nl/No), as inclusive ranges.
// Generated from ICU (Unicode 15.0). Used for identifier characters after
// the first (§3.2) and bare map-literal keys (§3.9).
// clang-format off
constexpr std::pair<uint32_t, uint32_t> kAlnumRanges[] = {
    {0xAA, 0xAA}, {0xB2, 0xB3}, {0xB5, 0xB5}, {0xB9, 0xBA},
    {0xBC, 0xBE}, {0xC0, 0xD6}, {0xD8, 0xF6}, {0xF8, 0x2C1},
    {0x2C6, 0x2D1}, {0x2E0, 0x2E4}, {0x2EC, 0x2EC}, {0x2EE, 0x2EE},
    {0x345, 0x345}, {0x370, 0x374}, {0x376, 0x377}, {0x37A, 0x37D},
    {0x37F, 0x37F}, {0x386, 0x386}, {0x388, 0x38A}, {0x38C, 0x38C},
    {0x38E, 0x3A1}, {0x3A3, 0x3F5}, {0x3F7, 0x481}, {0x48A, 0x52F},
    {0x531, 0x556}, {0x559, 0x559}, {0x560, 0x588}, {0x5B0, 0x5BD},
    {0x5BF, 0x5BF}, {0x5C1, 0x5C2}, {0x5C4, 0x5C5}, {0x5C7, 0x5C7},
    {0x5D0, 0x5EA}, {0x5EF, 0x5F2}, {0x610, 0x61A}, {0x620, 0x657},
    {0x659, 0x669}, {0x66E, 0x6D3}, {0x6D5, 0x6DC}, {0x6E1, 0x6E8},
    {0x6ED, 0x6FC}, {0x6FF, 0x6FF}, {0x710, 0x73F}, {0x74D, 0x7B1},
    {0x7C0, 0x7EA}, {0x7F4, 0x7F5}, {0x7FA, 0x7FA}, {0x800, 0x817},
    {0x81A, 0x82C}, {0x840, 0x858}, {0x860, 0x86A}, {0x870, 0x887},
    {0x889, 0x88E}, {0x8A0, 0x8C9}, {0x8D4, 0x8DF}, {0x8E3, 0x8E9},
    {0x8F0, 0x93B}, {0x93D, 0x94C}, {0x94E, 0x950}, {0x955, 0x963},
    {0x966, 0x96F}, {0x971, 0x983}, {0x985, 0x98C}, {0x98F, 0x990},
    {0x993, 0x9A8}, {0x9AA, 0x9B0}, {0x9B2, 0x9B2}, {0x9B6, 0x9B9},
    {0x9BD, 0x9C4}, {0x9C7, 0x9C8}, {0x9CB, 0x9CC}, {0x9CE, 0x9CE},
    {0x9D7, 0x9D7}, {0x9DC, 0x9DD}, {0x9DF, 0x9E3}, {0x9E6, 0x9F1},
    {0x9F4, 0x9F9}, {0x9FC, 0x9FC}, {0xA01, 0xA03}, {0xA05, 0xA0A},
    {0xA0F, 0xA10}, {0xA13, 0xA28}, {0xA2A, 0xA30}, {0xA32, 0xA33},
    {0xA35, 0xA36}, {0xA38, 0xA39}, {0xA3E, 0xA42}, {0xA47, 0xA48},
    {0xA4B, 0xA4C}, {0xA51, 0xA51}, {0xA59, 0xA5C}, {0xA5E, 0xA5E},
    {0xA66, 0xA75}, {0xA81, 0xA83}, {0xA85, 0xA8D}, {0xA8F, 0xA91},
    {0xA93, 0xAA8}, {0xAAA, 0xAB0}, {0xAB2, 0xAB3}, {0xAB5, 0xAB9},
    {0xABD, 0xAC5}, {0xAC7, 0xAC9}, {0xACB, 0xACC}, {0xAD0, 0xAD0},
    {0xAE0, 0xAE3}, {0xAE6, 0xAEF}, {0xAF9, 0xAFC}, {0xB01, 0xB03},
    {0xB05, 0xB0C}, {0xB0F, 0xB10}, {0xB13, 0xB28}, {0xB2A, 0xB30},
    {0xB32, 0xB33}, {0xB35, 0xB39}, {0xB3D, 0xB44}, {0xB47, 0xB48},
    {0xB4B, 0xB4C}, {0xB56, 0xB57}, {0xB5C, 0xB5D}, {0xB5F, 0xB63},
    {0xB66, 0xB6F}, {0xB71, 0xB77}, {0xB82, 0xB83}, {0xB85, 0xB8A},
    {0xB8E, 0xB90}, {0xB92, 0xB95}, {0xB99, 0xB9A}, {0xB9C, 0xB9C},
    {0xB9E, 0xB9F}, {0xBA3, 0xBA4}, {0xBA8, 0xBAA}, {0xBAE, 0xBB9},
    {0xBBE, 0xBC2}, {0xBC6, 0xBC8}, {0xBCA, 0xBCC}, {0xBD0, 0xBD0},
    {0xBD7, 0xBD7}, {0xBE6, 0xBF2}, {0xC00, 0xC0C}, {0xC0E, 0xC10},
    {0xC12, 0xC28}, {0xC2A, 0xC39}, {0xC3D, 0xC44}, {0xC46, 0xC48},
    {0xC4A, 0xC4C}, {0xC55, 0xC56}, {0xC58, 0xC5A}, {0xC5D, 0xC5D},
    {0xC60, 0xC63}, {0xC66, 0xC6F}, {0xC78, 0xC7E}, {0xC80, 0xC83},
    {0xC85, 0xC8C}, {0xC8E, 0xC90}, {0xC92, 0xCA8}, {0xCAA, 0xCB3},
    {0xCB5, 0xCB9}, {0xCBD, 0xCC4}, {0xCC6, 0xCC8}, {0xCCA, 0xCCC},
    {0xCD5, 0xCD6}, {0xCDD, 0xCDE}, {0xCE0, 0xCE3}, {0xCE6, 0xCEF},
    {0xCF1, 0xCF3}, {0xD00, 0xD0C}, {0xD0E, 0xD10}, {0xD12, 0xD3A},
    {0xD3D, 0xD44}, {0xD46, 0xD48}, {0xD4A, 0xD4C}, {0xD4E, 0xD4E},
    {0xD54, 0xD63}, {0xD66, 0xD78}, {0xD7A, 0xD7F}, {0xD81, 0xD83},
    {0xD85, 0xD96}, {0xD9A, 0xDB1}, {0xDB3, 0xDBB}, {0xDBD, 0xDBD},
    {0xDC0, 0xDC6}, {0xDCF, 0xDD4}, {0xDD6, 0xDD6}, {0xDD8, 0xDDF},
    {0xDE6, 0xDEF}, {0xDF2, 0xDF3}, {0xE01, 0xE3A}, {0xE40, 0xE46},
    {0xE4D, 0xE4D}, {0xE50, 0xE59}, {0xE81, 0xE82}, {0xE84, 0xE84},
    {0xE86, 0xE8A}, {0xE8C, 0xEA3}, {0xEA5, 0xEA5}, {0xEA7, 0xEB9},
    {0xEBB, 0xEBD}, {0xEC0, 0xEC4}, {0xEC6, 0xEC6}, {0xECD, 0xECD},
    {0xED0, 0xED9}, {0xEDC, 0xEDF}, {0xF00, 0xF00}, {0xF20, 0xF33},
    {0xF40, 0xF47}, {0xF49, 0xF6C}, {0xF71, 0xF83}, {0xF88, 0xF97},
    {0xF99, 0xFBC}, {0x1000, 0x1036}, {0x1038, 0x1038}, {0x103B, 0x1049},
    {0x1050, 0x109D}, {0x10A0, 0x10C5}, {0x10C7, 0x10C7}, {0x10CD, 0x10CD},
    {0x10D0, 0x10FA}, {0x10FC, 0x1248}, {0x124A, 0x124D}, {0x1250, 0x1256},
    {0x1258, 0x1258}, {0x125A, 0x125D}, {0x1260, 0x1288}, {0x128A, 0x128D},
    {0x1290, 0x12B0}, {0x12B2, 0x12B5}, {0x12B8, 0x12BE}, {0x12C0, 0x12C0},
    {0x12C2, 0x12C5}, {0x12C8, 0x12D6}, {0x12D8, 0x1310}, {0x1312, 0x1315},
    {0x1318, 0x135A}, {0x1369, 0x137C}, {0x1380, 0x138F}, {0x13A0, 0x13F5},
    {0x13F8, 0x13FD}, {0x1401, 0x166C}, {0x166F, 0x167F}, {0x1681, 0x169A},
    {0x16A0, 0x16EA}, {0x16EE, 0x16F8}, {0x1700, 0x1713}, {0x171F, 0x1733},
    {0x1740, 0x1753}, {0x1760, 0x176C}, {0x176E, 0x1770}, {0x1772, 0x1773},
    {0x1780, 0x17B3}, {0x17B6, 0x17C8}, {0x17D7, 0x17D7}, {0x17DC, 0x17DC},
    {0x17E0, 0x17E9}, {0x17F0, 0x17F9}, {0x1810, 0x1819}, {0x1820, 0x1878},
    {0x1880, 0x18AA}, {0x18B0, 0x18F5}, {0x1900, 0x191E}, {0x1920, 0x192B},
    {0x1930, 0x1938}, {0x1946, 0x196D}, {0x1970, 0x1974}, {0x1980, 0x19AB},
    {0x19B0, 0x19C9}, {0x19D0, 0x19DA}, {0x1A00, 0x1A1B}, {0x1A20, 0x1A5E},
    {0x1A61, 0x1A74}, {0x1A80, 0x1A89}, {0x1A90, 0x1A99}, {0x1AA7, 0x1AA7},
    {0x1ABF, 0x1AC0}, {0x1ACC, 0x1ACE}, {0x1B00, 0x1B33}, {0x1B35, 0x1B43},
    {0x1B45, 0x1B4C}, {0x1B50, 0x1B59}, {0x1B80, 0x1BA9}, {0x1BAC, 0x1BE5},
    {0x1BE7, 0x1BF1}, {0x1C00, 0x1C36}, {0x1C40, 0x1C49}, {0x1C4D, 0x1C7D},
    {0x1C80, 0x1C88}, {0x1C90, 0x1CBA}, {0x1CBD, 0x1CBF}, {0x1CE9, 0x1CEC},
    {0x1CEE, 0x1CF3}, {0x1CF5, 0x1CF6}, {0x1CFA, 0x1CFA}, {0x1D00, 0x1DBF},
    {0x1DE7, 0x1DF4}, {0x1E00, 0x1F15}, {0x1F18, 0x1F1D}, {0x1F20, 0x1F45},
    {0x1F48, 0x1F4D}, {0x1F50, 0x1F57}, {0x1F59, 0x1F59}, {0x1F5B, 0x1F5B},
    {0x1F5D, 0x1F5D}, {0x1F5F, 0x1F7D}, {0x1F80, 0x1FB4}, {0x1FB6, 0x1FBC},
    {0x1FBE, 0x1FBE}, {0x1FC2, 0x1FC4}, {0x1FC6, 0x1FCC}, {0x1FD0, 0x1FD3},
    {0x1FD6, 0x1FDB}, {0x1FE0, 0x1FEC}, {0x1FF2, 0x1FF4}, {0x1FF6, 0x1FFC},
    {0x2070, 0x2071}, {0x2074, 0x2079}, {0x207F, 0x2089}, {0x2090, 0x209C},
    {0x2102, 0x2102}, {0x2107, 0x2107}, {0x210A, 0x2113}, {0x2115, 0x2115},
    {0x2119, 0x211D}, {0x2124, 0x2124}, {0x2126, 0x2126}, {0x2128, 0x2128},
    {0x212A, 0x212D}, {0x212F, 0x2139}, {0x213C, 0x213F}, {0x2145, 0x2149},
    {0x214E, 0x214E}, {0x2150, 0x2189}, {0x2460, 0x249B}, {0x24B6, 0x24FF},
    {0x2776, 0x2793}, {0x2C00, 0x2CE4}, {0x2CEB, 0x2CEE}, {0x2CF2, 0x2CF3},
    {0x2CFD, 0x2CFD}, {0x2D00, 0x2D25}, {0x2D27, 0x2D27}, {0x2D2D, 0x2D2D},
    {0x2D30, 0x2D67}, {0x2D6F, 0x2D6F}, {0x2D80, 0x2D96}, {0x2DA0, 0x2DA6},
    {0x2DA8, 0x2DAE}, {0x2DB0, 0x2DB6}, {0x2DB8, 0x2DBE}, {0x2DC0, 0x2DC6},
    {0x2DC8, 0x2DCE}, {0x2DD0, 0x2DD6}, {0x2DD8, 0x2DDE}, {0x2DE0, 0x2DFF},
    {0x2E2F, 0x2E2F}, {0x3005, 0x3007}, {0x3021, 0x3029}, {0x3031, 0x3035},
    {0x3038, 0x303C}, {0x3041, 0x3096}, {0x309D, 0x309F}, {0x30A1, 0x30FA},
    {0x30FC, 0x30FF}, {0x3105, 0x312F}, {0x3131, 0x318E}, {0x3192, 0x3195},
    {0x31A0, 0x31BF}, {0x31F0, 0x31FF}, {0x3220, 0x3229}, {0x3248, 0x324F},
    {0x3251, 0x325F}, {0x3280, 0x3289}, {0x32B1, 0x32BF}, {0x3400, 0x4DBF},
    {0x4E00, 0xA48C}, {0xA4D0, 0xA4FD}, {0xA500, 0xA60C}, {0xA610, 0xA62B},
    {0xA640, 0xA66E}, {0xA674, 0xA67B}, {0xA67F, 0xA6EF}, {0xA717, 0xA71F},
    {0xA722, 0xA788}, {0xA78B, 0xA7CA}, {0xA7D0, 0xA7D1}, {0xA7D3, 0xA7D3},
    {0xA7D5, 0xA7D9}, {0xA7F2, 0xA805}, {0xA807, 0xA827}, {0xA830, 0xA835},
    {0xA840, 0xA873}, {0xA880, 0xA8C3}, {0xA8C5, 0xA8C5}, {0xA8D0, 0xA8D9},
    {0xA8F2, 0xA8F7}, {0xA8FB, 0xA8FB}, {0xA8FD, 0xA92A}, {0xA930, 0xA952},
    {0xA960, 0xA97C}, {0xA980, 0xA9B2}, {0xA9B4, 0xA9BF}, {0xA9CF, 0xA9D9},
    {0xA9E0, 0xA9FE}, {0xAA00, 0xAA36}, {0xAA40, 0xAA4D}, {0xAA50, 0xAA59},
    {0xAA60, 0xAA76}, {0xAA7A, 0xAABE}, {0xAAC0, 0xAAC0}, {0xAAC2, 0xAAC2},
    {0xAADB, 0xAADD}, {0xAAE0, 0xAAEF}, {0xAAF2, 0xAAF5}, {0xAB01, 0xAB06},
    {0xAB09, 0xAB0E}, {0xAB11, 0xAB16}, {0xAB20, 0xAB26}, {0xAB28, 0xAB2E},
    {0xAB30, 0xAB5A}, {0xAB5C, 0xAB69}, {0xAB70, 0xABEA}, {0xABF0, 0xABF9},
    {0xAC00, 0xD7A3}, {0xD7B0, 0xD7C6}, {0xD7CB, 0xD7FB}, {0xF900, 0xFA6D},
    {0xFA70, 0xFAD9}, {0xFB00, 0xFB06}, {0xFB13, 0xFB17}, {0xFB1D, 0xFB28},
    {0xFB2A, 0xFB36}, {0xFB38, 0xFB3C}, {0xFB3E, 0xFB3E}, {0xFB40, 0xFB41},
    {0xFB43, 0xFB44}, {0xFB46, 0xFBB1}, {0xFBD3, 0xFD3D}, {0xFD50, 0xFD8F},
    {0xFD92, 0xFDC7}, {0xFDF0, 0xFDFB}, {0xFE70, 0xFE74}, {0xFE76, 0xFEFC},
    {0xFF10, 0xFF19}, {0xFF21, 0xFF3A}, {0xFF41, 0xFF5A}, {0xFF66, 0xFFBE},
    {0xFFC2, 0xFFC7}, {0xFFCA, 0xFFCF}, {0xFFD2, 0xFFD7}, {0xFFDA, 0xFFDC},
    {0x10000, 0x1000B}, {0x1000D, 0x10026}, {0x10028, 0x1003A}, {0x1003C, 0x1003D},
    {0x1003F, 0x1004D}, {0x10050, 0x1005D}, {0x10080, 0x100FA}, {0x10107, 0x10133},
    {0x10140, 0x10178}, {0x1018A, 0x1018B}, {0x10280, 0x1029C}, {0x102A0, 0x102D0},
    {0x102E1, 0x102FB}, {0x10300, 0x10323}, {0x1032D, 0x1034A}, {0x10350, 0x1037A},
    {0x10380, 0x1039D}, {0x103A0, 0x103C3}, {0x103C8, 0x103CF}, {0x103D1, 0x103D5},
    {0x10400, 0x1049D}, {0x104A0, 0x104A9}, {0x104B0, 0x104D3}, {0x104D8, 0x104FB},
    {0x10500, 0x10527}, {0x10530, 0x10563}, {0x10570, 0x1057A}, {0x1057C, 0x1058A},
    {0x1058C, 0x10592}, {0x10594, 0x10595}, {0x10597, 0x105A1}, {0x105A3, 0x105B1},
    {0x105B3, 0x105B9}, {0x105BB, 0x105BC}, {0x10600, 0x10736}, {0x10740, 0x10755},
    {0x10760, 0x10767}, {0x10780, 0x10785}, {0x10787, 0x107B0}, {0x107B2, 0x107BA},
    {0x10800, 0x10805}, {0x10808, 0x10808}, {0x1080A, 0x10835}, {0x10837, 0x10838},
    {0x1083C, 0x1083C}, {0x1083F, 0x10855}, {0x10858, 0x10876}, {0x10879, 0x1089E},
    {0x108A7, 0x108AF}, {0x108E0, 0x108F2}, {0x108F4, 0x108F5}, {0x108FB, 0x1091B},
    {0x10920, 0x10939}, {0x10980, 0x109B7}, {0x109BC, 0x109CF}, {0x109D2, 0x10A03},
    {0x10A05, 0x10A06}, {0x10A0C, 0x10A13}, {0x10A15, 0x10A17}, {0x10A19, 0x10A35},
    {0x10A40, 0x10A48}, {0x10A60, 0x10A7E}, {0x10A80, 0x10A9F}, {0x10AC0, 0x10AC7},
    {0x10AC9, 0x10AE4}, {0x10AEB, 0x10AEF}, {0x10B00, 0x10B35}, {0x10B40, 0x10B55},
    {0x10B58, 0x10B72}, {0x10B78, 0x10B91}, {0x10BA9, 0x10BAF}, {0x10C00, 0x10C48},
    {0x10C80, 0x10CB2}, {0x10CC0, 0x10CF2}, {0x10CFA, 0x10D27}, {0x10D30, 0x10D39},
    {0x10E60, 0x10E7E}, {0x10E80, 0x10EA9}, {0x10EAB, 0x10EAC}, {0x10EB0, 0x10EB1},
    {0x10F00, 0x10F27}, {0x10F30, 0x10F45}, {0x10F51, 0x10F54}, {0x10F70, 0x10F81},
    {0x10FB0, 0x10FCB}, {0x10FE0, 0x10FF6}, {0x11000, 0x11045}, {0x11052, 0x1106F},
    {0x11071, 0x11075}, {0x11080, 0x110B8}, {0x110C2, 0x110C2}, {0x110D0, 0x110E8},
    {0x110F0, 0x110F9}, {0x11100, 0x11132}, {0x11136, 0x1113F}, {0x11144, 0x11147},
    {0x11150, 0x11172}, {0x11176, 0x11176}, {0x11180, 0x111BF}, {0x111C1, 0x111C4},
    {0x111CE, 0x111DA}, {0x111DC, 0x111DC}, {0x111E1, 0x111F4}, {0x11200, 0x11211},
    {0x11213, 0x11234}, {0x11237, 0x11237}, {0x1123E, 0x11241}, {0x11280, 0x11286},
    {0x11288, 0x11288}, {0x1128A, 0x1128D}, {0x1128F, 0x1129D}, {0x1129F, 0x112A8},
    {0x112B0, 0x112E8}, {0x112F0, 0x112F9}, {0x11300, 0x11303}, {0x11305, 0x1130C},
    {0x1130F, 0x11310}, {0x11313, 0x11328}, {0x1132A, 0x11330}, {0x11332, 0x11333},
    {0x11335, 0x11339}, {0x1133D, 0x11344}, {0x11347, 0x11348}, {0x1134B, 0x1134C},
    {0x11350, 0x11350}, {0x11357, 0x11357}, {0x1135D, 0x11363}, {0x11400, 0x11441},
    {0x11443, 0x11445}, {0x11447, 0x1144A}, {0x11450, 0x11459}, {0x1145F, 0x11461},
    {0x11480, 0x114C1}, {0x114C4, 0x114C5}, {0x114C7, 0x114C7}, {0x114D0, 0x114D9},
    {0x11580, 0x115B5}, {0x115B8, 0x115BE}, {0x115D8, 0x115DD}, {0x11600, 0x1163E},
    {0x11640, 0x11640}, {0x11644, 0x11644}, {0x11650, 0x11659}, {0x11680, 0x116B5},
    {0x116B8, 0x116B8}, {0x116C0, 0x116C9}, {0x11700, 0x1171A}, {0x1171D, 0x1172A},
    {0x11730, 0x1173B}, {0x11740, 0x11746}, {0x11800, 0x11838}, {0x118A0, 0x118F2},
    {0x118FF, 0x11906}, {0x11909, 0x11909}, {0x1190C, 0x11913}, {0x11915, 0x11916},
    {0x11918, 0x11935}, {0x11937, 0x11938}, {0x1193B, 0x1193C}, {0x1193F, 0x11942},
    {0x11950, 0x11959}, {0x119A0, 0x119A7}, {0x119AA, 0x119D7}, {0x119DA, 0x119DF},
    {0x119E1, 0x119E1}, {0x119E3, 0x119E4}, {0x11A00, 0x11A32}, {0x11A35, 0x11A3E},
    {0x11A50, 0x11A97}, {0x11A9D, 0x11A9D}, {0x11AB0, 0x11AF8}, {0x11C00, 0x11C08},
    {0x11C0A, 0x11C36}, {0x11C38, 0x11C3E}, {0x11C40, 0x11C40}, {0x11C50, 0x11C6C},
    {0x11C72, 0x11C8F}, {0x11C92, 0x11CA7}, {0x11CA9, 0x11CB6}, {0x11D00, 0x11D06},
    {0x11D08, 0x11D09}, {0x11D0B, 0x11D36}, {0x11D3A, 0x11D3A}, {0x11D3C, 0x11D3D},
    {0x11D3F, 0x11D41}, {0x11D43, 0x11D43}, {0x11D46, 0x11D47}, {0x11D50, 0x11D59},
    {0x11D60, 0x11D65}, {0x11D67, 0x11D68}, {0x11D6A, 0x11D8E}, {0x11D90, 0x11D91},
    {0x11D93, 0x11D96}, {0x11D98, 0x11D98}, {0x11DA0, 0x11DA9}, {0x11EE0, 0x11EF6},
    {0x11F00, 0x11F10}, {0x11F12, 0x11F3A}, {0x11F3E, 0x11F40}, {0x11F50, 0x11F59},
    {0x11FB0, 0x11FB0}, {0x11FC0, 0x11FD4}, {0x12000, 0x12399}, {0x12400, 0x1246E},
    {0x12480, 0x12543}, {0x12F90, 0x12FF0}, {0x13000, 0x1342F}, {0x13441, 0x13446},
    {0x14400, 0x14646}, {0x16800, 0x16A38}, {0x16A40, 0x16A5E}, {0x16A60, 0x16A69},
    {0x16A70, 0x16ABE}, {0x16AC0, 0x16AC9}, {0x16AD0, 0x16AED}, {0x16B00, 0x16B2F},
    {0x16B40, 0x16B43}, {0x16B50, 0x16B59}, {0x16B5B, 0x16B61}, {0x16B63, 0x16B77},
    {0x16B7D, 0x16B8F}, {0x16E40, 0x16E96}, {0x16F00, 0x16F4A}, {0x16F4F, 0x16F87},
    {0x16F8F, 0x16F9F}, {0x16FE0, 0x16FE1}, {0x16FE3, 0x16FE3}, {0x16FF0, 0x16FF1},
    {0x17000, 0x187F7}, {0x18800, 0x18CD5}, {0x18D00, 0x18D08}, {0x1AFF0, 0x1AFF3},
    {0x1AFF5, 0x1AFFB}, {0x1AFFD, 0x1AFFE}, {0x1B000, 0x1B122}, {0x1B132, 0x1B132},
    {0x1B150, 0x1B152}, {0x1B155, 0x1B155}, {0x1B164, 0x1B167}, {0x1B170, 0x1B2FB},
    {0x1BC00, 0x1BC6A}, {0x1BC70, 0x1BC7C}, {0x1BC80, 0x1BC88}, {0x1BC90, 0x1BC99},
    {0x1BC9E, 0x1BC9E}, {0x1D2C0, 0x1D2D3}, {0x1D2E0, 0x1D2F3}, {0x1D360, 0x1D378},
    {0x1D400, 0x1D454}, {0x1D456, 0x1D49C}, {0x1D49E, 0x1D49F}, {0x1D4A2, 0x1D4A2},
    {0x1D4A5, 0x1D4A6}, {0x1D4A9, 0x1D4AC}, {0x1D4AE, 0x1D4B9}, {0x1D4BB, 0x1D4BB},
    {0x1D4BD, 0x1D4C3}, {0x1D4C5, 0x1D505}, {0x1D507, 0x1D50A}, {0x1D50D, 0x1D514},
    {0x1D516, 0x1D51C}, {0x1D51E, 0x1D539}, {0x1D53B, 0x1D53E}, {0x1D540, 0x1D544},
    {0x1D546, 0x1D546}, {0x1D54A, 0x1D550}, {0x1D552, 0x1D6A5}, {0x1D6A8, 0x1D6C0},
    {0x1D6C2, 0x1D6DA}, {0x1D6DC, 0x1D6FA}, {0x1D6FC, 0x1D714}, {0x1D716, 0x1D734},
    {0x1D736, 0x1D74E}, {0x1D750, 0x1D76E}, {0x1D770, 0x1D788}, {0x1D78A, 0x1D7A8},
    {0x1D7AA, 0x1D7C2}, {0x1D7C4, 0x1D7CB}, {0x1D7CE, 0x1D7FF}, {0x1DF00, 0x1DF1E},
    {0x1DF25, 0x1DF2A}, {0x1E000, 0x1E006}, {0x1E008, 0x1E018}, {0x1E01B, 0x1E021},
    {0x1E023, 0x1E024}, {0x1E026, 0x1E02A}, {0x1E030, 0x1E06D}, {0x1E08F, 0x1E08F},
    {0x1E100, 0x1E12C}, {0x1E137, 0x1E13D}, {0x1E140, 0x1E149}, {0x1E14E, 0x1E14E},
    {0x1E290, 0x1E2AD}, {0x1E2C0, 0x1E2EB}, {0x1E2F0, 0x1E2F9}, {0x1E4D0, 0x1E4EB},
    {0x1E4F0, 0x1E4F9}, {0x1E7E0, 0x1E7E6}, {0x1E7E8, 0x1E7EB}, {0x1E7ED, 0x1E7EE},
    {0x1E7F0, 0x1E7FE}, {0x1E800, 0x1E8C4}, {0x1E8C7, 0x1E8CF}, {0x1E900, 0x1E943},
    {0x1E947, 0x1E947}, {0x1E94B, 0x1E94B}, {0x1E950, 0x1E959}, {0x1EC71, 0x1ECAB},
    {0x1ECAD, 0x1ECAF}, {0x1ECB1, 0x1ECB4}, {0x1ED01, 0x1ED2D}, {0x1ED2F, 0x1ED3D},
    {0x1EE00, 0x1EE03}, {0x1EE05, 0x1EE1F}, {0x1EE21, 0x1EE22}, {0x1EE24, 0x1EE24},
    {0x1EE27, 0x1EE27}, {0x1EE29, 0x1EE32}, {0x1EE34, 0x1EE37}, {0x1EE39, 0x1EE39},
    {0x1EE3B, 0x1EE3B}, {0x1EE42, 0x1EE42}, {0x1EE47, 0x1EE47}, {0x1EE49, 0x1EE49},
    {0x1EE4B, 0x1EE4B}, {0x1EE4D, 0x1EE4F}, {0x1EE51, 0x1EE52}, {0x1EE54, 0x1EE54},
    {0x1EE57, 0x1EE57}, {0x1EE59, 0x1EE59}, {0x1EE5B, 0x1EE5B}, {0x1EE5D, 0x1EE5D},
    {0x1EE5F, 0x1EE5F}, {0x1EE61, 0x1EE62}, {0x1EE64, 0x1EE64}, {0x1EE67, 0x1EE6A},
    {0x1EE6C, 0x1EE72}, {0x1EE74, 0x1EE77}, {0x1EE79, 0x1EE7C}, {0x1EE7E, 0x1EE7E},
    {0x1EE80, 0x1EE89}, {0x1EE8B, 0x1EE9B}, {0x1EEA1, 0x1EEA3}, {0x1EEA5, 0x1EEA9},
    {0x1EEAB, 0x1EEBB}, {0x1F100, 0x1F10C}, {0x1F130, 0x1F149}, {0x1F150, 0x1F169},
    {0x1F170, 0x1F189}, {0x1FBF0, 0x1FBF9}, {0x20000, 0x2A6DF}, {0x2A700, 0x2B739},
    {0x2B740, 0x2B81D}, {0x2B820, 0x2CEA1}, {0x2CEB0, 0x2EBE0}, {0x2F800, 0x2FA1D},
    {0x30000, 0x3134A}, {0x31350, 0x323AF},
};
// clang-format on

bool isUnicodeAlnum(uint32_t cp) {
  auto it = std::upper_bound(std::begin(kAlnumRanges), std::end(kAlnumRanges), cp,
                             [](uint32_t c, const auto& r) { return c < r.first; });
  return it != std::begin(kAlnumRanges) && cp <= (it - 1)->second;
}

// What 3.1.1 writes after "when handling" for this failure: the labels
// (nom `context`s) of the comparisons' right-hand sides around it and its
// own, outermost first, joined by '/'. Called by toError; the CLI prints it
// (tools/cli/common.cpp).
std::string Parser::parseContext(const Failure& f) const {
  std::string text;
  for (uint32_t i = 0; i < f.enclosingValues; ++i) {
    if (!text.empty()) text += '/';
    text += "expecting either a property access \"engine.core\" or value like \"string\" or [\"this\", \"that\"]";
  }
  std::string own;
  switch (f.label) {
    case Label::None: break;
    case Label::Range: own = "Could not parse range"; break;
    case Label::Message: own = "Unable to find a closing >> tag for message"; break;
    case Label::NoClauses: {
      SourceLoc l = loc(f.origin);
      own = "There were no clauses present " + file_ + "#" + std::to_string(l.line) + "@" + std::to_string(l.column);
      break;
    }
    case Label::Operator:
    case Label::OperatorNotMessage:
      own = "expecting comparison binary operators like >, <= or unary operators KEYS, EXISTS, EMPTY or NOT";
      if (f.label == Label::OperatorNotMessage) own += "/Custom message tag detected";
      break;
  }
  if (!own.empty()) text += (text.empty() ? "" : "/") + own;
  return text;
}

}  // namespace

Result<ast::RulesFile> parseRules(std::string_view source, std::string fileName) {
  return Parser(source, std::move(fileName)).parseFile();
}

}  // namespace guard
