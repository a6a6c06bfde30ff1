// The rule pack writer and reader (format in docs/pack-format.md, API in
// vm/pack.h). The two are kept side by side and, for every fixed-shape
// record, share one field list: `xxxFields(io, record)` is run with a Writer
// to encode and with a Reader to decode, so the two directions cannot drift
// apart. Only literal trees and the debug lines have hand-written mirror pairs.
//
// The Reader is a cursor in the style of llvm::DataExtractor: it keeps the
// first error and turns later reads into no-ops, so decoders read a whole
// record and check once. Every count is checked against the bytes left before
// anything is allocated for it. Called by guardc, guardvm and
// tests/pack_test.cpp.
#include "vm/pack.h"

#include "runtime/functions.h"

#include <array>
#include <bit>
#include <cstdio>
#include <cstring>

#include "runtime/regex.h"
#include "vm/analysis.h"
#include "vm/verify.h"

namespace guard::vm {

// ---------------------------------------------------------------- CRC-32C

namespace {

constexpr std::array<uint32_t, 256> makeCrcTable() {
  std::array<uint32_t, 256> t{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
    t[i] = c;
  }
  return t;
}
constexpr auto kCrcTable = makeCrcTable();

}  // namespace

namespace {

uint32_t crc32cTable(uint32_t c, std::string_view bytes) {
  for (unsigned char b : bytes) c = kCrcTable[(c ^ b) & 0xFF] ^ (c >> 8);
  return c;
}

#if defined(__x86_64__)
// SSE4.2's crc32 instruction computes the same CRC-32C eight bytes at a
// time: checksumming a 1.3 MB registry pack byte by byte was half of readPack.
__attribute__((target("sse4.2"))) uint32_t crc32cSse42(uint32_t c, std::string_view bytes) {
  const char* p = bytes.data();
  size_t n = bytes.size();
  uint64_t c64 = c;
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    c64 = __builtin_ia32_crc32di(c64, w);
  }
  return crc32cTable(uint32_t(c64), std::string_view(p, n));
}
#endif

}  // namespace

uint32_t crc32c(std::string_view bytes, uint32_t crc) {
#if defined(__x86_64__)
  static const bool hw = __builtin_cpu_supports("sse4.2");
  if (hw) return ~crc32cSse42(~crc, bytes);
#endif
  return ~crc32cTable(~crc, bytes);
}

namespace {

// The instruction-set fingerprint over the first `numOps` opcodes.
uint32_t fingerprint(unsigned numOps) {
    std::string table;
    for (unsigned i = 0; i < numOps; ++i) {
      const OpInfo& op = kOpInfo[i];
      table += op.name;
      table += {'\0', char(op.a), char(op.b), char(op.c)};
    }
    // Every other table a pack's numbers index: filter modes, part kinds,
    // operators, right-hand side, rule and function kinds, built-ins.
    auto names = [&](const auto& list) {
      for (const char* name : list) (table += name) += '\0';
      table += '\1';
    };
    names(kFilterModeNames);
    names(kPartKindNames);
    for (const CmpOpInfo& op : kCmpOps) (table += op.spelling) += '\0';
    table += '\1';
    names(kRhsKindNames);
    names(kRuleKindNames);
    names(kFuncKindNames);
    for (int b = 0; b < builtinCount(); ++b)
      (table += builtinName(b)) += char('0' + builtinArity(b));
    return crc32c(table);
}

}  // namespace

uint32_t instructionSetId() {
  static const uint32_t id = fingerprint(kNumOps);
  return id;
}

uint32_t instructionSetId20() {
  static const uint32_t id = fingerprint(kNumOps20);
  return id;
}

uint32_t instructionSetId21() {
  static const uint32_t id = fingerprint(kNumOps21);
  return id;
}

namespace {

// The checksum covers the whole pack except its own field (header bytes 24..27),
// so that a damaged minor version or producer field is caught too.
constexpr size_t kChecksumOffset = 24;

uint32_t packChecksum(std::string_view pack) {
  uint32_t crc = crc32c(pack.substr(0, kChecksumOffset));
  return crc32c(pack.substr(kChecksumOffset + 4), crc);
}

// ---------------------------------------------------------------- byte I/O

uint32_t loadU32(std::string_view s, size_t at) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | uint8_t(s[at + i]);
  return v;
}
uint16_t loadU16(std::string_view s, size_t at) {
  return uint16_t(uint8_t(s[at]) | (uint8_t(s[at + 1]) << 8));
}
void storeU32(std::string& s, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) s[at + i] = char((v >> (8 * i)) & 0xFF);
}

// Encodes little-endian fixed-width fields. Every method takes a const
// reference so that the shared field lists can run on a const Program.
class Writer {
 public:
  std::string out;

  void u8(const uint8_t& v) { out.push_back(char(v)); }
  void u16(const uint16_t& v) { u8(uint8_t(v)); u8(uint8_t(v >> 8)); }
  void u32(const uint32_t& v) { u16(uint16_t(v)); u16(uint16_t(v >> 16)); }
  void u64(const uint64_t& v) { u32(uint32_t(v)); u32(uint32_t(v >> 32)); }
  void i32(const int32_t& v) { u32(uint32_t(v)); }
  void i64(const int64_t& v) { u64(uint64_t(v)); }
  void f64(const double& v) { u64(std::bit_cast<uint64_t>(v)); }
  void flag(const bool& v) { u8(v ? 1 : 0); }
  template <class E> void enum8(const E& v) { u8(static_cast<uint8_t>(v)); }
  void bytes(std::string_view s) { u32(uint32_t(s.size())); out.append(s); }
  void u32s(const std::vector<uint32_t>& v) {
    u32(uint32_t(v.size()));
    for (uint32_t x : v) u32(x);
  }
  template <class T, class F> void list(const std::vector<T>& v, F each) {
    u32(uint32_t(v.size()));
    for (const T& x : v) each(*this, x);
  }
};

// The fewest bytes one T can take on disk: a default T has empty lists, each a 4-byte count.
template <class T, class F> size_t minEncodedSize(F each) {
  Writer w;
  T t{};
  each(w, t);
  return w.out.size();
}

// Decodes one section. The first error sticks; later reads return zeros.
class Reader {
 public:
  Reader(std::string_view data, size_t base, const char* section)
      : data_(data), base_(base), section_(section) {}

  bool ok() const { return error_.empty(); }
  // The first failure as an Error: its offset is the byte in the pack.
  Error error() const { return Error::at(ErrorKind::PackSection, {}, 0, 0, error_, errorAt_); }
  size_t remaining() const { return data_.size() - pos_; }
  bool atEnd() const { return pos_ == data_.size(); }

  void fail(const std::string& msg) { failAt(pos_, msg); }
  // Records the first error, at section offset `at`, and stops all further reads.
  void failAt(size_t at, const std::string& msg) {
    if (!ok()) return;
    error_ = "section '" + std::string(section_) + "' at byte " + std::to_string(base_ + at) +
             ": " + msg;
    errorAt_ = base_ + at;
    pos_ = data_.size();
  }

  void u8(uint8_t& v) { v = uint8_t(take(1)); }
  void u16(uint16_t& v) { v = uint16_t(take(2)); }
  void u32(uint32_t& v) { v = uint32_t(take(4)); }
  void u64(uint64_t& v) { v = take(8); }
  void i32(int32_t& v) { v = int32_t(uint32_t(take(4))); }
  void i64(int64_t& v) { v = int64_t(take(8)); }
  void f64(double& v) { v = std::bit_cast<double>(take(8)); }
  void flag(bool& v) {
    uint8_t b = uint8_t(take(1));
    if (b > 1) fail("boolean byte " + std::to_string(b) + " is neither 0 nor 1");
    v = b == 1;
  }
  // Enum values are range-checked by the verifier, which also sees compiler output.
  template <class E> void enum8(E& v) { v = static_cast<E>(uint8_t(take(1))); }
  void bytes(std::string& s) { s = text(); }
  std::string_view text() {
    const size_t start = pos_;
    uint32_t n = uint32_t(take(4));
    if (n > remaining()) {
      failAt(start, "a " + std::to_string(n) + "-byte string runs past the end of the section");
      return {};
    }
    std::string_view s = data_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  void u32s(std::vector<uint32_t>& v) {
    v.resize(count(4));
    for (uint32_t& x : v) u32(x);
  }
  template <class T, class F> void list(std::vector<T>& v, F each) {
    static const size_t minSize = minEncodedSize<T>(each);
    v.resize(count(minSize));
    for (size_t i = 0; i < v.size() && ok(); ++i) each(*this, v[i]);
  }

  // A count of items of at least `minBytes` each: never more than the bytes left
  // allow, so that no count makes the reader allocate more than the pack holds.
  uint32_t count(size_t minBytes) {
    const size_t start = pos_;
    uint32_t n = uint32_t(take(4));
    if (uint64_t(n) * minBytes > remaining()) {
      failAt(start, "count " + std::to_string(n) + " needs at least " +
                        std::to_string(uint64_t(n) * minBytes) + " bytes but only " +
                        std::to_string(remaining()) + " are left");
      return 0;
    }
    if (n > kMaxListEntries) {
      failAt(start, "count " + std::to_string(n) + " exceeds the limit of " +
                        std::to_string(kMaxListEntries) + " entries");
      return 0;
    }
    return n;
  }

 private:
  std::string_view data_;
  size_t base_;          // offset of data_ in the pack, for messages
  const char* section_;
  size_t pos_ = 0;
  std::string error_;
  size_t errorAt_ = 0;

  uint64_t take(size_t n) {
    if (!ok()) return 0;
    if (n > remaining()) {
      fail("truncated: " + std::to_string(n) + " bytes needed, " + std::to_string(remaining()) +
           " left");
      return 0;
    }
    uint64_t v = 0;
    for (size_t i = n; i-- > 0;) v = (v << 8) | uint8_t(data_[pos_ + i]);
    pos_ += n;
    return v;
  }
};

// ---------------------------------------------------------------- record fields
// Shared by writer (IO = Writer, const records) and reader (IO = Reader).

template <class IO, class S> void slotFields(IO& io, S& s) {
  io.u32(s.name);
  io.u32(s.init);
}

template <class IO, class I> void instrFields(IO& io, I& in) {
  io.enum8(in.op);
  io.u8(in.a);
  io.u16(in.b);
  io.u32(in.c);
}

template <class IO, class F> void functionFields(IO& io, F& f) {
  io.u32(f.name);
  io.enum8(f.kind);
  io.u32(f.file);
  io.u16(f.numRegs);
  io.u16(f.numStatus);
  io.list(f.slots, [](auto& sub, auto& s) { slotFields(sub, s); });
  io.list(f.code, [](auto& sub, auto& in) { instrFields(sub, in); });
}

template <class IO, class P> void partFields(IO& io, P& p) {
  io.enum8(p.kind);
  io.u32(p.query);
  io.u32(p.position);
  io.u32(p.key);
  io.u32s(p.keyAlternatives);
  io.i64(p.index);
  io.flag(p.pickIndex);
  io.u32(p.func);
  io.u32(p.literal);
  io.enum8(p.keysOp);
  io.flag(p.keysNegated);
  io.u32(p.captureSlot);
}

template <class IO, class C> void clauseFields(IO& io, C& c) {
  io.enum8(c.op);
  io.flag(c.opNegated);
  io.flag(c.clauseNegated);
  io.flag(c.some);
  io.flag(c.emptyOnSet);
  io.enum8(c.rhs);
  io.u32(c.context);
  io.u32(c.message);
  io.u32(c.file);
  io.u32(c.line);
  io.u32(c.column);
}

template <class IO, class B> void blockFields(IO& io, B& b) {
  io.u32(b.body);
  io.flag(b.some);
  io.flag(b.notEmpty);
  io.u32(b.context);
  io.u32(b.typeName);
  io.u32(b.file);
  io.u32(b.line);
  io.u32(b.column);
}

template <class IO, class R> void ruleRefFields(IO& io, R& r) {
  io.u32(r.name);
  io.flag(r.negated);
  io.u32(r.message);
  io.u32(r.file);
  io.u32(r.line);
  io.u32(r.column);
}

template <class IO, class C> void paramCallFields(IO& io, C& c) {
  io.u32(c.name);
  io.u16(c.numArgs);
  io.flag(c.negated);
  io.u32(c.message);
  io.u32(c.file);
  io.u32(c.line);
  io.u32(c.column);
}

template <class IO, class C> void callFields(IO& io, C& c) {
  io.i32(c.builtin);
  io.u32(c.name);
  io.u16(c.numArgs);
}

template <class IO, class R> void ruleFields(IO& io, R& r) {
  io.u32(r.name);
  io.u32(r.file);
  io.enum8(r.kind);
  io.u32(r.when);
  io.u32(r.body);
  io.u16(r.numParams);
  io.u32(r.line);
}

template <class IO, class M> void traceMarkFields(IO& io, M& m) {
  io.u32(m.at);
  io.u8(m.open);
  io.u8(m.close);
  io.u8(m.disj);
  io.u32(m.info);
  io.u32(m.block);
  io.u32(m.status);
}

// Section 16 lists only the functions a fact is stated for.
struct StatedGuard {
  uint32_t func = kNone;
  TypeGuardFact fact;
};
struct StatedLiteralSet {
  uint32_t func = kNone;
  uint32_t literal = kNone;
};
struct StatedFacts {
  std::vector<StatedGuard> guards;
  std::vector<StatedLiteralSet> literalSets;
};

template <class IO, class G> void statedGuardFields(IO& io, G& s) {
  io.u32(s.func);
  io.u8(s.fact.kind);
  io.u32(s.fact.depth);
  io.u64(s.fact.literalNodes);
  io.u32(s.fact.typeKey);
  io.flag(s.fact.rhsVariable);
  io.u32(s.fact.literal);
  io.u16(s.fact.varDepth);
  io.u32(s.fact.varSlot);
  io.u32(s.fact.clause);
}

template <class IO, class L> void statedLiteralSetFields(IO& io, L& s) {
  io.u32(s.func);
  io.u32(s.literal);
}

template <class IO, class S> void statedFactsFields(IO& io, S& s) {
  io.list(s.guards, [](auto& sub, auto& g) { statedGuardFields(sub, g); });
  io.list(s.literalSets, [](auto& sub, auto& l) { statedLiteralSetFields(sub, l); });
}

template <class IO, class F> void fileFields(IO& io, F& f) {
  io.u32(f.name);
  io.u32(f.scope);
  io.u32s(f.rules);
  io.flag(f.empty);
  io.u32(f.source);
}

// The table sections in one place: each is a counted list of records.
template <class IO, class P> void tableSection(IO& io, P& p, SectionId id) {
#define GUARD_LIST(member, fields) io.list(p.member, [](auto& sub, auto& x) { fields(sub, x); })
  switch (id) {
    case SectionId::Strings: io.list(p.strings, [](auto& sub, auto& s) { sub.bytes(s); }); break;
    case SectionId::Functions: GUARD_LIST(functions, functionFields); break;
    case SectionId::Parts: GUARD_LIST(parts, partFields); break;
    case SectionId::Queries: io.list(p.queries, [](auto& sub, auto& q) { sub.u32s(q.parts); }); break;
    case SectionId::Clauses: GUARD_LIST(clauses, clauseFields); break;
    case SectionId::Blocks: GUARD_LIST(blocks, blockFields); break;
    case SectionId::RuleRefs: GUARD_LIST(ruleRefs, ruleRefFields); break;
    case SectionId::ParamCalls: GUARD_LIST(paramCalls, paramCallFields); break;
    case SectionId::Calls: GUARD_LIST(calls, callFields); break;
    case SectionId::Rules: GUARD_LIST(rules, ruleFields); break;
    case SectionId::Files: GUARD_LIST(files, fileFields); break;
    case SectionId::Literals: case SectionId::Lines: case SectionId::Trace: case SectionId::Facts:
    case SectionId::FileFacts:
    case SectionId::DepthFirst:
      break;  // below
  }
#undef GUARD_LIST
}

const char* sectionName(SectionId id) {
  switch (id) {
    case SectionId::Strings: return "strings";
    case SectionId::Literals: return "literals";
    case SectionId::Functions: return "functions";
    case SectionId::Parts: return "parts";
    case SectionId::Queries: return "queries";
    case SectionId::Clauses: return "clauses";
    case SectionId::Blocks: return "blocks";
    case SectionId::RuleRefs: return "rule-refs";
    case SectionId::ParamCalls: return "param-calls";
    case SectionId::Calls: return "calls";
    case SectionId::Rules: return "rules";
    case SectionId::Files: return "files";
    case SectionId::Lines: return "lines";
    case SectionId::Trace: return "trace";
    case SectionId::Facts: return "facts";
    case SectionId::FileFacts: return "file-facts";
    case SectionId::DepthFirst: return "depth-first";
  }
  return "?";
}

constexpr uint16_t kFirstSection = uint16_t(SectionId::Strings);
constexpr uint16_t kLastSection = uint16_t(SectionId::DepthFirst);
// The first format minor version that requires section 18 (older packs get it
// computed from their code when they are read).
constexpr uint16_t kDepthFirstMinor = 2;
constexpr uint16_t kBundleSection = 14;  // vm/bundle.cpp's, not the program codec's

// Ids this codec reads and writes (14, a bundle's metadata, is not one).
bool isProgramSection(uint16_t id) {
  return id >= kFirstSection && id <= kLastSection && id != kBundleSection;
}
// Sections a pack may leave out: debug information and facts.
bool isOptionalSection(SectionId id) {
  return id == SectionId::Lines || id == SectionId::Trace || id == SectionId::Facts ||
         id == SectionId::FileFacts;
}

// ---------------------------------------------------------------- literal trees
// Each node: u8 kind, u8 flags, then its payload (docs/pack-format.md).

void writeNode(Writer& w, const Node* n) {
  w.enum8(n->kind);
  w.u8(n->flags);
  switch (n->kind) {
    case NodeKind::Null: break;
    case NodeKind::Bool: w.flag(n->b); break;
    case NodeKind::Int: w.i64(n->i); break;
    case NodeKind::Float: w.f64(n->f); break;
    case NodeKind::String: case NodeKind::Regex: w.bytes(n->text()); break;
    case NodeKind::Char: w.u32(n->ch); break;
    case NodeKind::RangeInt: w.i64(n->irange.lo); w.i64(n->irange.hi); break;
    case NodeKind::RangeFloat: w.f64(n->frange.lo); w.f64(n->frange.hi); break;
    case NodeKind::RangeChar: w.u32(n->crange.lo); w.u32(n->crange.hi); break;
    case NodeKind::List:
      w.u32(n->list.size);
      for (uint32_t i = 0; i < n->list.size; ++i) writeNode(w, n->list.items[i]);
      break;
    case NodeKind::Map:
      w.u32(n->map.size);
      for (uint32_t i = 0; i < n->map.size; ++i) {
        w.bytes(n->map.entries[i].keyText());
        writeNode(w, n->map.entries[i].value);
      }
      break;
  }
}

// Builds literal nodes in the program's literal pool, compiling regexes.
class LiteralReader {
 public:
  LiteralReader(Reader& r, Program& p) : r_(r), p_(p) {}

  // The literals section: a count, then one tree per literal.
  void all() {
    p_.literals.resize(r_.count(2));
    for (auto& lit : p_.literals)
      if (!(lit = node(1))) return;
  }

  Node* node(uint32_t depth) {
    if (depth > kMaxLiteralDepth) {
      r_.fail("literal nested deeper than " + std::to_string(kMaxLiteralDepth) + " levels");
      return nullptr;
    }
    if (++nodes_ > kMaxLiteralNodes) {
      r_.fail("more than " + std::to_string(kMaxLiteralNodes) + " literal nodes");
      return nullptr;
    }
    uint8_t kind = 0, flags = 0;
    r_.u8(kind);
    r_.u8(flags);
    if (!r_.ok()) return nullptr;
    if (kind > uint8_t(NodeKind::RangeChar)) {
      r_.fail("unknown literal kind " + std::to_string(kind));
      return nullptr;
    }
    Node* n = p_.literalPool->newNode(NodeKind(kind));
    n->flags = flags;
    payload(n, depth);
    return r_.ok() ? n : nullptr;
  }

 private:
  Reader& r_;
  Program& p_;
  uint32_t nodes_ = 0;

  void payload(Node* n, uint32_t depth) {
    switch (n->kind) {
      case NodeKind::Null: break;
      case NodeKind::Bool: r_.flag(n->b); break;
      case NodeKind::Int: r_.i64(n->i); break;
      case NodeKind::Float: r_.f64(n->f); break;
      case NodeKind::String: setText(n, r_.text()); break;
      case NodeKind::Regex: regex(n); break;
      case NodeKind::Char: r_.u32(n->ch); break;
      case NodeKind::RangeInt: r_.i64(n->irange.lo); r_.i64(n->irange.hi); break;
      case NodeKind::RangeFloat: r_.f64(n->frange.lo); r_.f64(n->frange.hi); break;
      case NodeKind::RangeChar: r_.u32(n->crange.lo); r_.u32(n->crange.hi); break;
      case NodeKind::List: list(n, depth); break;
      case NodeKind::Map: map(n, depth); break;
    }
  }

  void setText(Node* n, std::string_view s) {
    n->str.data = p_.literalPool->copyString(s);
    n->str.size = uint32_t(s.size());
  }

  // Regexes are stored as their pattern. Loading checks the syntax; the
  // engine is built on first use (Regex::compileLazy), since compiling all of
  // a big pack's patterns would dominate the start-up of a run.
  void regex(Node* n) {
    setText(n, r_.text());
    if (!r_.ok()) return;
    if (p_.regexes.size() >= kMaxRegexes)
      return r_.fail("more than " + std::to_string(kMaxRegexes) + " regex literals");
    auto re = Regex::compileLazy(n->text());
    if (!re.ok()) return r_.fail("regex /" + std::string(n->text()) + "/ does not compile: " +
                                 re.error().message);
    n->str.re = re->get();
    p_.regexes.push_back(std::move(re.value()));
  }

  void list(Node* n, uint32_t depth) {
    uint32_t size = r_.count(2);  // a node is at least its kind and flags bytes
    n->list.items = p_.literalPool->newItems(size);
    n->list.size = size;
    for (uint32_t i = 0; i < size; ++i) {
      Node* item = node(depth + 1);
      if (!item) return;
      item->slot = i;
      item->parent = n;  // element paths read /0, /1 as for literals compiled from source
      n->list.items[i] = item;
    }
  }

  void map(Node* n, uint32_t depth) {
    uint32_t size = r_.count(6);  // a 4-byte key length and a 2-byte node
    n->map.entries = p_.literalPool->newEntries(size);
    n->map.size = size;
    for (uint32_t i = 0; i < size; ++i) {
      std::string_view key = r_.text();
      Node* value = r_.ok() ? node(depth + 1) : nullptr;
      if (!value) return;
      value->slot = i;
      value->parent = n;
      n->map.entries[i] = MapEntry{p_.literalPool->copyString(key), uint32_t(key.size()), kNoKey,
                                   0, 0, value};
    }
  }
};

void writeLiterals(Writer& w, const Program& p) {
  w.u32(uint32_t(p.literals.size()));
  for (const Node* n : p.literals) writeNode(w, n);
}

// ---------------------------------------------------------------- debug lines

void writeLines(Writer& w, const Program& p) {
  w.list(p.functions, [](Writer& sub, const Function& f) { sub.u32s(f.lines); });
}

void readLines(Reader& r, Program& p) {
  uint32_t n = r.count(4);
  if (r.ok() && n != p.functions.size())
    return r.fail(std::to_string(n) + " line tables for " + std::to_string(p.functions.size()) +
                  " functions");
  for (uint32_t i = 0; i < n && r.ok(); ++i) r.u32s(p.functions[i].lines);
}

// ---------------------------------------------------------------- trace marks
// One list of marks per function, in function order.

void writeTrace(Writer& w, const Program& p) {
  w.list(p.functions, [](Writer& sub, const Function& f) {
    sub.list(f.trace, [](auto& io, auto& m) { traceMarkFields(io, m); });
  });
}

void readTrace(Reader& r, Program& p) {
  uint32_t n = r.count(4);
  if (r.ok() && n != p.functions.size())
    return r.fail(std::to_string(n) + " trace mark lists for " + std::to_string(p.functions.size()) +
                  " functions");
  for (uint32_t i = 0; i < n && r.ok(); ++i)
    r.list(p.functions[i].trace, [](auto& io, auto& m) { traceMarkFields(io, m); });
  if (r.ok()) p.hasTrace = true;
}

// ---------------------------------------------------------------- facts
// Stored sparse (the functions a fact is stated for), held dense per function.

void writeFacts(Writer& w, const Program& p) {
  StatedFacts stated;
  const ProgramFacts& facts = *p.facts;
  for (uint32_t f = 0; f < facts.typeGuards.size(); ++f)
    if (facts.typeGuards[f].kind != TypeGuardFact::kNone) stated.guards.push_back({f, facts.typeGuards[f]});
  for (uint32_t f = 0; f < facts.literalSets.size(); ++f)
    if (facts.literalSets[f] != kNone) stated.literalSets.push_back({f, facts.literalSets[f]});
  statedFactsFields(w, stated);
}

// Each function at most once, and in range; the verifier proves the rest.
void readFacts(Reader& r, Program& p) {
  StatedFacts stated;
  statedFactsFields(r, stated);
  if (!r.ok()) return;
  auto facts = std::make_shared<ProgramFacts>();
  const size_t n = p.functions.size();
  facts->typeGuards.resize(n);
  facts->literalSets.resize(n, kNone);
  for (const StatedGuard& g : stated.guards) {
    if (g.func >= n) return r.fail("a type guard for function " + std::to_string(g.func) + " of " + std::to_string(n));
    if (g.fact.kind == TypeGuardFact::kNone || g.fact.kind > TypeGuardFact::kPredicate)
      return r.fail("unknown type guard kind " + std::to_string(g.fact.kind));
    if (facts->typeGuards[g.func].kind != TypeGuardFact::kNone)
      return r.fail("two type guards for function " + std::to_string(g.func));
    facts->typeGuards[g.func] = g.fact;
  }
  for (const StatedLiteralSet& l : stated.literalSets) {
    if (l.func >= n) return r.fail("a literal value for function " + std::to_string(l.func) + " of " + std::to_string(n));
    if (l.literal == kNone) return r.fail("a literal value without a literal");
    if (facts->literalSets[l.func] != kNone) return r.fail("two literal values for function " + std::to_string(l.func));
    facts->literalSets[l.func] = l.literal;
  }
  p.facts = std::move(facts);
}

// Section 17: `list<file-skip>`, each `u32 file`, `list<bytes> types`, `u64
// literalNodes`, for the files a skip condition is stated for (vm/analysis.h
// FileSkipFact); the verifier proves each.
struct StatedFileSkip {
  uint32_t file = kNone;
  FileSkipFact fact;
};

template <class IO, class S> void statedFileSkipFields(IO& io, S& s) {
  io.u32(s.file);
  io.list(s.fact.types, [](auto& sub, auto& t) { sub.bytes(t); });
  io.u64(s.fact.literalNodes);
}

bool statesFileSkips(const Program& p) {
  if (!p.facts) return false;
  for (const FileSkipFact& f : p.facts->fileSkips)
    if (!f.types.empty()) return true;
  return false;
}

void writeFileFacts(Writer& w, const Program& p) {
  std::vector<StatedFileSkip> stated;
  const auto& skips = p.facts->fileSkips;
  for (uint32_t f = 0; f < skips.size(); ++f)
    if (!skips[f].types.empty()) stated.push_back({f, skips[f]});
  w.list(stated, [](auto& sub, auto& s) { statedFileSkipFields(sub, s); });
}

// Each file at most once, in range, with types; the verifier proves the rest.
// Read after section 16 (id order): the facts it made, or none, gain the
// files' conditions.
void readFileFacts(Reader& r, Program& p) {
  std::vector<StatedFileSkip> stated;
  r.list(stated, [](auto& sub, auto& s) { statedFileSkipFields(sub, s); });
  if (!r.ok()) return;
  auto facts = p.facts ? std::make_shared<ProgramFacts>(*p.facts) : std::make_shared<ProgramFacts>();
  const size_t n = p.files.size();
  if (!p.facts) {  // section 16 absent: no function facts
    facts->typeGuards.resize(p.functions.size());
    facts->literalSets.resize(p.functions.size(), kNone);
  }
  facts->fileSkips.assign(n, {});
  for (const StatedFileSkip& s : stated) {
    if (s.file >= n) return r.fail("a skip condition for rules file " + std::to_string(s.file) + " of " + std::to_string(n));
    if (s.fact.types.empty()) return r.fail("a skip condition without resource types");
    if (!facts->fileSkips[s.file].types.empty())
      return r.fail("two skip conditions for rules file " + std::to_string(s.file));
    facts->fileSkips[s.file] = s.fact;
  }
  p.facts = std::move(facts);
}

// ---------------------------------------------------------------- depth-first splits
// Section 18: one list per function, in function order, of (u32 at, u32 end)
// for the instructions whose Function::depthFirst is not 0; held dense.

struct DepthFirstSplit {
  uint32_t at = 0, end = 0;
};

template <class IO, class S> void depthFirstSplitFields(IO& io, S& s) {
  io.u32(s.at);
  io.u32(s.end);
}

void writeDepthFirst(Writer& w, const Program& p) {
  w.list(p.functions, [](Writer& sub, const Function& f) {
    std::vector<DepthFirstSplit> splits;
    for (uint32_t i = 0; i < f.depthFirst.size(); ++i)
      if (f.depthFirst[i]) splits.push_back({i, f.depthFirst[i]});
    sub.list(splits, [](auto& io, auto& s) { depthFirstSplitFields(io, s); });
  });
}

// Instructions in range and in order; the verifier proves the ends.
void readDepthFirst(Reader& r, Program& p) {
  uint32_t n = r.count(4);
  if (r.ok() && n != p.functions.size())
    return r.fail(std::to_string(n) + " depth-first lists for " + std::to_string(p.functions.size()) +
                  " functions");
  for (uint32_t fi = 0; fi < n && r.ok(); ++fi) {
    Function& f = p.functions[fi];
    std::vector<DepthFirstSplit> splits;
    r.list(splits, [](auto& io, auto& s) { depthFirstSplitFields(io, s); });
    f.depthFirst.assign(f.code.size(), 0);
    for (size_t i = 0; i < splits.size() && r.ok(); ++i) {
      if (splits[i].at >= f.code.size() || (i > 0 && splits[i].at <= splits[i - 1].at) || splits[i].end == 0)
        return r.fail("function " + std::to_string(fi) + ": depth-first split at instruction " +
                      std::to_string(splits[i].at) + " out of range or order");
      f.depthFirst[splits[i].at] = splits[i].end;
    }
  }
}

// ---------------------------------------------------------------- writer

std::string encodeSection(const Program& p, SectionId id) {
  Writer w;
  if (id == SectionId::Literals) writeLiterals(w, p);
  else if (id == SectionId::Lines) writeLines(w, p);
  else if (id == SectionId::Trace) writeTrace(w, p);
  else if (id == SectionId::Facts) writeFacts(w, p);
  else if (id == SectionId::FileFacts) writeFileFacts(w, p);
  else if (id == SectionId::DepthFirst) writeDepthFirst(w, p);
  else tableSection(w, p, id);
  return std::move(w.out);
}

// Whether writePack writes section `id` for this program.
bool writesSection(const Program& p, SectionId id, const PackOptions& options) {
  switch (id) {
    case SectionId::Lines: return !options.stripLines;
    case SectionId::Trace: return p.hasTrace;
    case SectionId::Facts: return p.facts != nullptr;
    case SectionId::FileFacts: return statesFileSkips(p);
    default: return isProgramSection(uint16_t(id));
  }
}

}  // namespace

std::string writePack(const Program& program, const PackOptions& options) {
  std::vector<std::pair<SectionId, std::string>> sections;
  for (uint16_t id = kFirstSection; id <= kLastSection; ++id) {
    if (!writesSection(program, SectionId(id), options)) continue;
    sections.emplace_back(SectionId(id), encodeSection(program, SectionId(id)));
  }
  Writer w;
  w.out.append(kPackMagic, 4);
  w.u16(kPackMajor);
  w.u16(kPackMinor);
  for (uint8_t v : kProducerVersion) w.u8(v);
  w.u8(0);
  w.u32(0);  // flags
  w.u32(0);  // total length, patched below
  w.u32(uint32_t(sections.size()));
  w.u32(0);  // checksum, patched below
  w.u32(instructionSetId());
  uint32_t offset = kPackHeaderSize + kSectionEntrySize * uint32_t(sections.size());
  for (const auto& [id, bytes] : sections) {
    w.u16(uint16_t(id));
    w.u16(isOptionalSection(id) ? 0 : kSectionRequired);
    w.u32(offset);
    w.u32(uint32_t(bytes.size()));
    offset += uint32_t(bytes.size());
  }
  for (const auto& s : sections) w.out += s.second;
  storeU32(w.out, 16, uint32_t(w.out.size()));
  storeU32(w.out, kChecksumOffset, packChecksum(w.out));
  return std::move(w.out);
}

// ---------------------------------------------------------------- reader

namespace {

struct SectionSpan {
  bool present = false;
  uint32_t offset = 0, length = 0;
};

class PackLoader {
 public:
  PackLoader(std::string_view bytes, const std::string& fileName) : bytes_(bytes), file_(fileName) {}

  Result<std::unique_ptr<Program>> load() {
    auto program = std::make_unique<Program>();
    Status0 s = checkHeader();
    if (s.ok()) s = readSectionTable();
    if (s.ok()) s = readSections(*program);
    if (!s.ok()) return inFile(s.takeError());
    auto verified = verifyProgram(*program);
    if (!verified.ok()) {
      Error e = verified.takeError();
      e.message = "invalid pack: " + e.message;
      return inFile(std::move(e));
    }
    return program;
  }

 private:
  std::string_view bytes_;
  const std::string& file_;
  std::array<SectionSpan, kLastSection + 1> sections_{};
  unsigned numOps_ = kNumOps;  // the opcodes of the instruction set the pack declares
  uint16_t minor_ = kPackMinor;  // the pack's format minor version

  Error inFile(Error e) const {
    e.file = file_;
    return e;
  }
  // A failure of the header or the section table, at byte `offset` of the pack.
  static Error bad(ErrorKind kind, size_t offset, std::string message) {
    return Error::at(kind, {}, 0, 0, std::move(message), offset);
  }

  std::string producer() const {
    return std::to_string(uint8_t(bytes_[8])) + "." + std::to_string(uint8_t(bytes_[9])) + "." +
           std::to_string(uint8_t(bytes_[10]));
  }

  // Magic, version, flags, length, checksum, instruction set: in that order, one message each.
  Status0 checkHeader() {
    const size_t size = bytes_.size();
    if (size < 4 || std::memcmp(bytes_.data(), kPackMagic, 4) != 0)
      return bad(ErrorKind::PackNotAPack, 0, "not a guardvm rule pack (it does not start with \"GPAK\")");
    if (size < kPackHeaderSize)
      return bad(ErrorKind::PackTruncated, size,
                 "truncated pack: " + std::to_string(size) + " bytes, shorter than the " +
                     std::to_string(kPackHeaderSize) + "-byte header");
    if (Status0 v = checkVersion(); !v.ok()) return v;
    if (uint32_t flags = loadU32(bytes_, 12); flags != 0)
      return bad(ErrorKind::PackFlags, 12,
                 "pack has unknown flags 0x" + hex(flags) + " (written by guardc " + producer() + ")");
    if (Status0 l = checkLength(); !l.ok()) return l;
    uint32_t stored = loadU32(bytes_, kChecksumOffset), computed = packChecksum(bytes_);
    if (stored != computed)
      return bad(ErrorKind::PackChecksum, kChecksumOffset,
                 "pack is damaged: checksum mismatch (stored 0x" + hex(stored) + ", computed 0x" + hex(computed) + ")");
    if (uint32_t set = loadU32(bytes_, 28); set == instructionSetId())
      numOps_ = kNumOps;
    else if (set == instructionSetId20())
      numOps_ = kNumOps20;  // a 2.0 pack: the opcodes before the fused ones
    else if (set == instructionSetId21())
      numOps_ = kNumOps21;  // a 2.1 pack: the opcodes before Q_COPY
    else
      return bad(ErrorKind::PackInstructionSet, 28,
                 "pack was compiled for another instruction set (0x" + hex(set) + ", this guardvm has 0x" +
                     hex(instructionSetId()) +
                     "): recompile it with this guardc (the pack was written by "
                     "guardc " +
                     producer() + ")");
    return okStatus();
  }

  Status0 checkVersion() {
    const uint16_t major = loadU16(bytes_, 4), minor = loadU16(bytes_, 6);
    minor_ = minor;
    const std::string v = std::to_string(major) + "." + std::to_string(minor);
    const std::string supported = "(" + std::to_string(kPackMajor) + ".x)";
    if (major > kPackMajor)
      return bad(ErrorKind::PackVersion, 4,
                 "pack format version " + v + " is newer than this guardvm supports " + supported +
                     "; it was written by guardc " + producer());
    if (major < kPackMajor)
      return bad(ErrorKind::PackVersion, 4,
                 "pack format version " + v + " is older than this guardvm supports " + supported);
    return okStatus();
  }

  Status0 checkLength() const {
    const uint64_t total = loadU32(bytes_, 16), size = bytes_.size();
    if (size > kMaxPackBytes)
      return bad(ErrorKind::PackTooLarge, kMaxPackBytes,
                 "pack of " + std::to_string(size) + " bytes exceeds the limit of " + std::to_string(kMaxPackBytes) +
                     " bytes");
    if (size < total)
      return bad(ErrorKind::PackTruncated, size,
                 "truncated pack: " + std::to_string(size) + " bytes, the header says " + std::to_string(total));
    if (size > total)
      return bad(ErrorKind::PackTrailingBytes, total,
                 "pack has " + std::to_string(size - total) + " unexpected bytes after its " + std::to_string(total) +
                     "-byte length");
    return okStatus();
  }

  static std::string hex(uint32_t v) {
    char buf[9];
    std::snprintf(buf, sizeof buf, "%08x", v);
    return buf;
  }

  Status0 readSectionTable() {
    const uint32_t n = loadU32(bytes_, 20);
    if (n > kMaxSections)
      return bad(ErrorKind::PackSectionTable, 20,
                 "pack declares " + std::to_string(n) + " sections (at most " + std::to_string(kMaxSections) + ")");
    const uint64_t tableEnd = kPackHeaderSize + uint64_t(kSectionEntrySize) * n;
    if (tableEnd > bytes_.size())
      return bad(ErrorKind::PackSectionTable, kPackHeaderSize, "section table runs past the end of the pack");
    for (uint32_t i = 0; i < n; ++i) {
      Status0 entry = readSectionEntry(kPackHeaderSize + kSectionEntrySize * i, tableEnd);
      if (!entry.ok()) {
        Error e = entry.takeError();
        e.message = "section table entry " + std::to_string(i) + ": " + e.message;
        return e;
      }
    }
    for (uint16_t id = kFirstSection; id <= kLastSection; ++id)
      if (isProgramSection(id) && !sections_[id].present && !isOptionalSection(SectionId(id)) &&
          !(id == uint16_t(SectionId::DepthFirst) && minor_ < kDepthFirstMinor))
        return bad(ErrorKind::PackSectionTable, kPackHeaderSize,
                   std::string("missing section '") + sectionName(SectionId(id)) + "'");
    return okStatus();
  }

  // The table entry at byte `at`; errors point at the entry.
  Status0 readSectionEntry(size_t at, uint64_t tableEnd) {
    const uint16_t id = loadU16(bytes_, at), flags = loadU16(bytes_, at + 2);
    const uint32_t offset = loadU32(bytes_, at + 4), length = loadU32(bytes_, at + 8);
    if (offset < tableEnd || uint64_t(offset) + length > bytes_.size())
      return bad(ErrorKind::PackSectionTable, at,
                 "section " + std::to_string(id) + " at " + std::to_string(offset) + ", " + std::to_string(length) +
                     " bytes, lies outside the pack's sections");
    if (!isProgramSection(id)) {
      // Unknown sections come from newer minor versions: optional ones are skipped.
      if (flags & kSectionRequired)
        return bad(ErrorKind::PackSectionTable, at,
                   "unknown required section " + std::to_string(id) + " (written by guardc " + producer() + ")");
      return okStatus();
    }
    if (sections_[id].present)
      return bad(ErrorKind::PackSectionTable, at, std::string("second '") + sectionName(SectionId(id)) + "' section");
    sections_[id] = {true, offset, length};
    return okStatus();
  }

  // Sections are decoded in id order: every later table may refer to earlier ones.
  Status0 readSections(Program& p) {
    for (uint16_t id = kFirstSection; id <= kLastSection; ++id) {
      const SectionSpan& s = sections_[id];
      if (!s.present) continue;
      Reader r(bytes_.substr(s.offset, s.length), s.offset, sectionName(SectionId(id)));
      decodeSection(r, p, SectionId(id));
      if (r.ok() && !r.atEnd()) r.fail(std::to_string(r.remaining()) + " bytes left over");
      if (!r.ok()) return r.error();
    }
    if (!sections_[uint16_t(SectionId::Lines)].present)  // stripped: every line unknown
      for (Function& f : p.functions) f.lines.assign(f.code.size(), 0);
    // A pack of 2.0 or 2.1 does not state where its queries run depth first:
    // the loader upgrades it by deriving that from its code, as the
    // interpreter of those versions did while running (the verifier then
    // checks it like a stated one).
    if (!sections_[uint16_t(SectionId::DepthFirst)].present)
      for (Function& f : p.functions) f.depthFirst = depthFirstEnds(f);
    return checkDeclaredOpcodes(p);
  }

  // A 2.0 or 2.1 pack's code uses only its format's opcodes (the verifier checks the rest).
  Status0 checkDeclaredOpcodes(const Program& p) const {
    if (numOps_ == kNumOps) return okStatus();
    const char* format = numOps_ == kNumOps20 ? "2.0" : "2.1";
    for (size_t f = 0; f < p.functions.size(); ++f)
      for (const Instr& in : p.functions[f].code)
        if (unsigned(in.op) >= numOps_ && unsigned(in.op) < kNumOps)
          return Error::plain(ErrorKind::PackInstructionSet,
                              "function f" + std::to_string(f) + " uses " + opInfo(in.op).name +
                                  ", which the instruction set of format " + format +
                                  " the pack declares does not have");
    return okStatus();
  }

  static void decodeSection(Reader& r, Program& p, SectionId id) {
    if (id == SectionId::Literals) return LiteralReader(r, p).all();
    if (id == SectionId::Lines) return readLines(r, p);
    if (id == SectionId::Trace) return readTrace(r, p);
    if (id == SectionId::Facts) return readFacts(r, p);
    if (id == SectionId::FileFacts) return readFileFacts(r, p);
    if (id == SectionId::DepthFirst) return readDepthFirst(r, p);
    tableSection(r, p, id);
  }
};

}  // namespace

Result<std::unique_ptr<Program>> readPack(std::string_view bytes, const std::string& fileName) {
  return PackLoader(bytes, fileName).load();
}

}  // namespace guard::vm
