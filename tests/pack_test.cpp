// Tests of the rule pack layer: writePack/readPack round trips (vm/pack.cpp),
// the verifier's rejections (vm/verify.cpp), damaged and hostile packs, and
// the listing (vm/disasm.cpp). The programs are built by hand so that the
// tests do not depend on the compiler.
#include <gtest/gtest.h>

#include <cstring>
#include <functional>

#include "vm/disasm.h"
#include "vm/pack.h"
#include "vm/verify.h"

namespace guard::vm {
namespace {


// ---------------------------------------------------------------- building programs

class Builder {
 public:
  Program& p;
  explicit Builder(Program& prog) : p(prog) {}

  uint32_t s(const std::string& text) { return p.intern(text); }

  Node* node(NodeKind k) { return p.literalPool->newNode(k); }
  Node* str(std::string_view t, NodeKind k = NodeKind::String) {
    Node* n = node(k);
    n->str.data = p.literalPool->copyString(t);
    n->str.size = uint32_t(t.size());
    return n;
  }
  Node* regex(std::string_view pattern) {
    Node* n = str(pattern, NodeKind::Regex);
    auto re = Regex::compile(pattern);
    EXPECT_TRUE(re.ok());
    n->str.re = re->get();
    p.regexes.push_back(std::move(re.value()));
    return n;
  }
  Node* integer(int64_t v) {
    Node* n = node(NodeKind::Int);
    n->i = v;
    return n;
  }
  Node* list(std::vector<Node*> items) {
    Node* n = node(NodeKind::List);
    n->list.size = uint32_t(items.size());
    n->list.items = p.literalPool->newItems(n->list.size);
    for (size_t i = 0; i < items.size(); ++i) {
      n->list.items[i] = items[i];
      items[i]->parent = n;  // as the compiler builds literals: element paths /0, /1
      items[i]->slot = uint32_t(i);
    }
    return n;
  }
  Node* map(std::vector<std::pair<std::string, Node*>> entries) {
    Node* n = node(NodeKind::Map);
    n->map.size = uint32_t(entries.size());
    n->map.entries = p.literalPool->newEntries(n->map.size);
    for (size_t i = 0; i < entries.size(); ++i) {
      n->map.entries[i] = MapEntry{p.literalPool->copyString(entries[i].first),
                                   uint32_t(entries[i].first.size()), kNoKey, 0, 0, entries[i].second};
      entries[i].second->parent = n;
      entries[i].second->slot = uint32_t(i);
    }
    return n;
  }
  uint32_t literal(Node* n) {
    p.literals.push_back(n);
    return uint32_t(p.literals.size() - 1);
  }

  uint32_t function(const std::string& name, FuncKind kind, uint32_t file, uint16_t regs,
                    uint16_t status) {
    Function f;
    f.name = s(name);
    f.kind = kind;
    f.file = file;
    f.numRegs = regs;
    f.numStatus = status;
    p.functions.push_back(std::move(f));
    return uint32_t(p.functions.size() - 1);
  }
  void emit(uint32_t f, Op op, uint8_t a, uint16_t b, uint32_t c, uint32_t line) {
    p.functions[f].code.push_back(Instr{op, a, b, c});
    p.functions[f].lines.push_back(line);
  }
  uint32_t part(Part pt) {
    p.parts.push_back(std::move(pt));
    return uint32_t(p.parts.size() - 1);
  }
};

const char* kSource0 =
    "let x = Resources[0][*]\n"
    "Resources.*[ Type == 'AWS::S3::Bucket' ] == /ab+c/\n"
    "rule named when %x exists {\n"
    "  Resources.* { Properties exists }\n"
    "}\n";

// Indices of interesting things in the sample program, for the mutation tests.
struct Sample {
  std::unique_ptr<Program> p;
  uint32_t scope, ruleDefault, filter, letX, ruleNamed, blockBody, when, ruleOther, sub;
};

// A small program that uses every opcode kind of operand, every literal kind,
// every table and two rules files.
Sample makeSample() {
  Sample smp;
  smp.p = std::make_unique<Program>();
  Program& p = *smp.p;
  Builder b(p);

  // Files first, so that functions can name them.
  p.files.push_back(FileInfo{b.s("a.guard"), kNone, {}, false, b.s(kSource0)});
  p.files.push_back(FileInfo{b.s("b.guard"), kNone, {}, true, b.s("")});

  // Literals of every kind, including nested lists and maps.
  Node* nul = b.node(NodeKind::Null);
  Node* yes = b.node(NodeKind::Bool);
  yes->b = true;
  Node* flt = b.node(NodeKind::Float);
  flt->f = -2.5e-3;
  Node* ch = b.node(NodeKind::Char);
  ch->ch = 0x1F600;
  Node* ri = b.node(NodeKind::RangeInt);
  ri->irange = {-5, 200};
  ri->flags = kLowerInclusive;
  Node* rf = b.node(NodeKind::RangeFloat);
  rf->frange = {0.5, 1.5};
  rf->flags = kLowerInclusive | kUpperInclusive;
  Node* rc = b.node(NodeKind::RangeChar);
  rc->crange = {'a', 'e'};
  rc->flags = kUpperInclusive;
  const uint32_t litType = b.literal(b.str("AWS::S3::Bucket"));
  const uint32_t litRegex = b.literal(b.regex("ab+c"));
  for (Node* n : {nul, yes, b.integer(-42), flt, ch, ri, rf, rc}) b.literal(n);
  const uint32_t litNested = b.literal(b.list(
      {b.integer(1), b.list({b.integer(2), b.str("x\n\"y\"")}),
       b.map({{"a", b.integer(1)}, {"key with space", b.list({})}, {"", b.map({})}})}));
  Node* yes2 = b.node(NodeKind::Bool);
  yes2->b = true;
  Node* flt2 = b.node(NodeKind::Float);
  flt2->f = flt->f;
  b.literal(b.map({{"k", b.list({yes2, b.node(NodeKind::Null), b.regex("^x$")})},
                   {"m", b.map({{"z", flt2}})}}));

  // Queries and their parts.
  p.queries.push_back(QueryText{{b.s("Resources"), b.s("[0]"), b.s("[*]")}});
  p.queries.push_back(QueryText{{b.s("Resources"), b.s("*"), b.s("[ Type == \"AWS::S3::Bucket\" ]")}});
  p.queries.push_back(QueryText{{b.s("Properties"), b.s("[name]"), b.s("%x"), b.s("[ keys == /a/ ]")}});

  smp.scope = b.function("file a.guard", FuncKind::FileScope, 0, 0, 0);
  smp.ruleDefault = b.function("rule default", FuncKind::Cnf, 0, 3, 2);
  smp.filter = b.function("filter@2:12", FuncKind::Cnf, 0, 2, 1);
  smp.letX = b.function("let x", FuncKind::Set, 0, 3, 0);
  smp.ruleNamed = b.function("rule named", FuncKind::Cnf, 0, 4, 3);
  smp.blockBody = b.function("block@4:3", FuncKind::Cnf, 0, 3, 2);
  smp.when = b.function("when named", FuncKind::Cnf, 0, 1, 1);
  smp.ruleOther = b.function("rule other", FuncKind::Cnf, 1, 2, 2);
  smp.sub = b.function("keys rhs", FuncKind::Set, 0, 1, 0);
  p.files[0].scope = smp.scope;
  p.files[1].scope = b.function("file b.guard", FuncKind::FileScope, 1, 0, 0);
  p.functions[smp.scope].slots.push_back(Slot{b.s("x"), smp.letX});
  p.functions[smp.ruleNamed].slots.push_back(Slot{b.s("p0"), kNone});
  p.functions[smp.ruleNamed].slots.push_back(Slot{b.s("inner"), smp.sub});

  Part key;
  key.kind = PartKind::Key, key.query = 1, key.position = 0, key.key = b.s("Resources");
  key.keyAlternatives = {b.s("resources")};
  const uint32_t pResources = b.part(key);
  Part allValues;
  allValues.kind = PartKind::AllValues, allValues.query = 1, allValues.position = 1;
  const uint32_t pAll = b.part(allValues);
  Part filter;
  filter.kind = PartKind::Filter, filter.query = 1, filter.position = 2, filter.func = smp.filter;
  const uint32_t pFilter = b.part(filter);
  Part type;
  type.kind = PartKind::Filter, type.key = b.s("AWS::S3::Bucket"), type.func = smp.filter;
  const uint32_t pType = b.part(type);
  Part index;
  index.kind = PartKind::Index, index.query = 0, index.position = 1, index.index = -3;
  const uint32_t pIndex = b.part(index);
  Part allIdx;
  allIdx.kind = PartKind::AllIndices, allIdx.query = 0, allIdx.position = 2;
  const uint32_t pAllIdx = b.part(allIdx);
  Part capture;
  capture.kind = PartKind::KeyCapture, capture.query = 2, capture.position = 1;
  capture.captureSlot = 1;
  const uint32_t pCapture = b.part(capture);
  Part interp;
  interp.kind = PartKind::Interpolate, interp.query = 2, interp.position = 2, interp.func = smp.sub;
  const uint32_t pInterp = b.part(interp);
  Part keys;
  keys.kind = PartKind::KeysFilter, keys.query = 2, keys.position = 3, keys.func = smp.sub;
  keys.literal = litRegex, keys.keysOp = CmpOp::In, keys.keysNegated = true;
  const uint32_t pKeys = b.part(keys);
  Part typeKey;
  typeKey.kind = PartKind::Key, typeKey.key = b.s("Type");
  const uint32_t pTypeKey = b.part(typeKey);

  p.clauses.push_back(ClauseInfo{CmpOp::Eq, false, false, false, false, RhsKind::Literal,
                                 b.s("Resources.*[ Type == \"AWS::S3::Bucket\" ] == /ab+c/"),
                                 b.s("must match"), 0, 2, 1});
  p.clauses.push_back(ClauseInfo{CmpOp::Eq, true, true, true, true, RhsKind::Query,
                                 b.s("Type == \"AWS::S3::Bucket\""), kNone, 0, 2, 14});
  p.clauses.push_back(ClauseInfo{CmpOp::Exists, false, false, false, false, RhsKind::None,
                                 b.s("Properties exists"), kNone, 0, 4, 17});
  p.blocks.push_back(BlockInfo{smp.blockBody, true, true, b.s("Resources.*"), b.s("AWS::S3::Bucket"), 0, 4, 3});
  p.ruleRefs.push_back(RuleRefInfo{b.s("named"), true, b.s("named failed"), 0, 2, 1});
  p.paramCalls.push_back(ParamCallInfo{b.s("other"), 1, true, kNone, 0, 4, 3});
  p.calls.push_back(CallInfo{0, b.s("count"), 1});
  p.calls.push_back(CallInfo{-1, b.s("nosuch"), 0});

  // rule default: Resources.*[ Type == ... ] == /ab+c/ and not named
  const uint32_t f = smp.ruleDefault;
  b.emit(f, Op::Q_ROOT, 0, 0, 0, 2);
  b.emit(f, Op::Q_KEY, 0, 0, pResources, 2);
  b.emit(f, Op::Q_ALL_VALUES, 0, 0, pAll, 2);
  b.emit(f, Op::Q_FILTER, 0, uint16_t(FilterMode::AfterAllIndices), pFilter, 2);
  b.emit(f, Op::Q_TYPE_SELECT, 0, uint16_t(FilterMode::AfterAllIndices), pType, 2);
  b.emit(f, Op::Q_LIT, 1, 0, litRegex, 2);
  b.emit(f, Op::CLAUSE_BEGIN, 0, 0, 0, 2);
  b.emit(f, Op::CHECK_BINARY, 0, 0, 0, 2);
  b.emit(f, Op::JUMP_UNLESS_PASS, 0, 0, 11, 2);
  b.emit(f, Op::RULE_REF, 1, 0, 0, 2);
  b.emit(f, Op::ST_CONJ, 0, 1, 0, 2);
  b.emit(f, Op::RET_STATUS, 0, 0, 0, 2);

  // the filter: Type == 'AWS::S3::Bucket'
  b.emit(smp.filter, Op::Q_THIS, 0, 0, 0, 2);
  b.emit(smp.filter, Op::Q_KEY, 0, 0, pTypeKey, 2);
  b.emit(smp.filter, Op::Q_LIT, 1, 0, litType, 2);
  b.emit(smp.filter, Op::CLAUSE_BEGIN, 0, 0, 0, 2);
  b.emit(smp.filter, Op::CHECK_BINARY, 0, 0, 1, 2);
  b.emit(smp.filter, Op::RET_STATUS, 0, 0, 0, 2);

  // let x = Resources[0][*]
  b.emit(smp.letX, Op::Q_ROOT, 0, 0, 0, 1);
  b.emit(smp.letX, Op::Q_KEY, 0, 0, pResources, 1);
  b.emit(smp.letX, Op::Q_INDEX, 0, 0, pIndex, 1);
  b.emit(smp.letX, Op::Q_ALL_INDICES, 0, 0, pAllIdx, 1);
  b.emit(smp.letX, Op::Q_CALL, 1, 0, 0, 1);
  b.emit(smp.letX, Op::Q_RESOLVED, 0, 0, 0, 1);
  b.emit(smp.letX, Op::RET_SET, 0, 0, 0, 1);

  // the keys filter's right-hand side
  b.emit(smp.sub, Op::Q_EMPTY, 0, 0, 0, 3);
  b.emit(smp.sub, Op::RET_SET, 0, 0, 0, 3);

  // when %x exists
  b.emit(smp.when, Op::ST_SET, 0, 0, uint32_t(Status::Pass), 3);
  b.emit(smp.when, Op::RET_STATUS, 0, 0, 0, 3);

  // rule named { Resources.* { Properties exists } ... }
  const uint32_t n = smp.ruleNamed;
  b.emit(n, Op::Q_VAR, 0, 1, 0, 3);
  b.emit(n, Op::Q_VAR, 3, 0, 1, 3);
  b.emit(n, Op::Q_SUBQUERY, 1, 0, smp.sub, 3);
  b.emit(n, Op::Q_CAPTURE, 0, 0, pCapture, 3);
  b.emit(n, Op::Q_KEYS_FILTER, 0, 0, pKeys, 3);
  b.emit(n, Op::Q_INTERP, 0, 0, pInterp, 3);
  b.emit(n, Op::COND_BEGIN, 0, 0, 0, 3);
  b.emit(n, Op::CLAUSE_BEGIN, 0, 0, 0, 3);
  b.emit(n, Op::CHECK_UNARY, 0, 0, 2, 3);
  b.emit(n, Op::COND_END, 0, 0, 0, 3);
  b.emit(n, Op::DISJ_BEGIN, 0, 0, 0, 4);
  b.emit(n, Op::CLAUSE_BEGIN, 0, 0, 0, 4);
  b.emit(n, Op::BLOCK, 1, 0, 0, 4);
  b.emit(n, Op::TYPE_BLOCK, 2, 0, 0, 4);
  b.emit(n, Op::ST_DISJ, 1, 2, 0, 4);
  b.emit(n, Op::DISJ_END, 1, 0, 0, 4);
  b.emit(n, Op::JUMP_IF_PASS, 1, 0, 19, 4);
  b.emit(n, Op::PARAM_CALL, 2, 2, 0, 4);
  b.emit(n, Op::JUMP, 0, 0, 20, 4);
  b.emit(n, Op::RAISE, 0, 0, b.s("boom"), 4);
  b.emit(n, Op::RET_STATUS, 1, 0, 0, 5);

  // the block body: Properties exists
  b.emit(smp.blockBody, Op::Q_THIS, 0, 0, 0, 4);
  b.emit(smp.blockBody, Op::Q_KEY, 0, 0, pResources, 4);
  b.emit(smp.blockBody, Op::CLAUSE_BEGIN, 0, 0, 0, 4);
  b.emit(smp.blockBody, Op::CHECK_UNARY, 0, 0, 2, 4);
  b.emit(smp.blockBody, Op::CALL_CNF, 1, 0, smp.filter, 4);
  b.emit(smp.blockBody, Op::RET_STATUS, 0, 0, 0, 4);

  // rule other(p) in b.guard
  b.emit(smp.ruleOther, Op::ST_SET, 0, 0, uint32_t(Status::Skip), 0);
  b.emit(smp.ruleOther, Op::RET_STATUS, 0, 0, 0, 0);
  p.functions[smp.ruleOther].slots.push_back(Slot{b.s("p"), kNone});

  p.rules.push_back(RuleInfo{b.s("default"), 0, RuleKind::Default, kNone, smp.ruleDefault, 0, 0});
  p.rules.push_back(RuleInfo{b.s("named"), 0, RuleKind::Named, smp.when, smp.ruleNamed, 0, 3});
  p.rules.push_back(RuleInfo{b.s("other"), 1, RuleKind::Parameterized, kNone, smp.ruleOther, 1, 1});
  p.files[0].rules = {0, 1};
  p.files[1].rules = {2};
  (void)litNested;
  return smp;
}

// ---------------------------------------------------------------- comparing programs

// Also checks that `b` was loaded as a literal: no position, its container as parent.
bool sameNode(const Node* a, const Node* b, std::string& why, const std::string& at = "literal",
              const Node* bParent = nullptr, uint32_t bSlot = 0) {
  auto differ = [&](const std::string& what) {
    why = at + ": " + what;
    return false;
  };
  if (!a || !b) return a == b || differ("null node");
  if (a->kind != b->kind) return differ("kind");
  if (a->flags != b->flags) return differ("flags");
  if (b->line || b->col) return differ("position set on a literal");
  if (b->parent != bParent || b->slot != bSlot) return differ("parent or slot");
  switch (a->kind) {
    case NodeKind::Null: return true;
    case NodeKind::Bool: return a->b == b->b || differ("bool");
    case NodeKind::Int: return a->i == b->i || differ("int");
    case NodeKind::Float:
      return std::memcmp(&a->f, &b->f, sizeof(double)) == 0 || differ("float bits");
    case NodeKind::String: return a->text() == b->text() || differ("string");
    case NodeKind::Regex:
      if (a->text() != b->text()) return differ("regex text");
      return (b->str.re && b->str.re->pattern() == b->text()) || differ("regex not compiled");
    case NodeKind::Char: return a->ch == b->ch || differ("char");
    case NodeKind::RangeInt:
      return (a->irange.lo == b->irange.lo && a->irange.hi == b->irange.hi) || differ("range");
    case NodeKind::RangeFloat:
      return (a->frange.lo == b->frange.lo && a->frange.hi == b->frange.hi) || differ("range");
    case NodeKind::RangeChar:
      return (a->crange.lo == b->crange.lo && a->crange.hi == b->crange.hi) || differ("range");
    case NodeKind::List:
      if (a->list.size != b->list.size) return differ("list size");
      for (uint32_t i = 0; i < a->list.size; ++i)
        if (!sameNode(a->list.items[i], b->list.items[i], why, at + "[" + std::to_string(i) + "]", b, i))
          return false;
      return true;
    case NodeKind::Map:
      if (a->map.size != b->map.size) return differ("map size");
      for (uint32_t i = 0; i < a->map.size; ++i) {
        const MapEntry &x = a->map.entries[i], &y = b->map.entries[i];
        if (x.keyText() != y.keyText()) return differ("map key");
        if (y.id != kNoKey || y.line || y.col) return differ("map entry id or position");
        if (!sameNode(x.value, y.value, why, at + "." + std::string(x.keyText()), b, i)) return false;
      }
      return true;
  }
  return differ("unknown kind");
}

void expectSameInstrs(const std::vector<Instr>& a, const std::vector<Instr>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].op, b[i].op) << i;
    EXPECT_EQ(a[i].a, b[i].a) << i;
    EXPECT_EQ(a[i].b, b[i].b) << i;
    EXPECT_EQ(a[i].c, b[i].c) << i;
  }
}

void expectSamePrograms(const Program& a, const Program& b) {
  EXPECT_EQ(a.strings, b.strings);
  ASSERT_EQ(a.literals.size(), b.literals.size());
  for (size_t i = 0; i < a.literals.size(); ++i) {
    std::string why;
    EXPECT_TRUE(sameNode(a.literals[i], b.literals[i], why, "literal " + std::to_string(i))) << why;
  }
  ASSERT_EQ(a.functions.size(), b.functions.size());
  for (size_t i = 0; i < a.functions.size(); ++i) {
    const Function &x = a.functions[i], &y = b.functions[i];
    SCOPED_TRACE("function " + std::to_string(i));
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.kind, y.kind);
    EXPECT_EQ(x.file, y.file);
    EXPECT_EQ(x.numRegs, y.numRegs);
    EXPECT_EQ(x.numStatus, y.numStatus);
    ASSERT_EQ(x.slots.size(), y.slots.size());
    for (size_t s = 0; s < x.slots.size(); ++s) {
      EXPECT_EQ(x.slots[s].name, y.slots[s].name);
      EXPECT_EQ(x.slots[s].init, y.slots[s].init);
    }
    expectSameInstrs(x.code, y.code);
    EXPECT_EQ(x.lines, y.lines);
  }
  ASSERT_EQ(a.parts.size(), b.parts.size());
  for (size_t i = 0; i < a.parts.size(); ++i) {
    const Part &x = a.parts[i], &y = b.parts[i];
    SCOPED_TRACE("part " + std::to_string(i));
    EXPECT_EQ(x.kind, y.kind);
    EXPECT_EQ(x.query, y.query);
    EXPECT_EQ(x.position, y.position);
    EXPECT_EQ(x.key, y.key);
    EXPECT_EQ(x.keyAlternatives, y.keyAlternatives);
    EXPECT_EQ(x.index, y.index);
    EXPECT_EQ(x.func, y.func);
    EXPECT_EQ(x.literal, y.literal);
    EXPECT_EQ(x.keysOp, y.keysOp);
    EXPECT_EQ(x.keysNegated, y.keysNegated);
    EXPECT_EQ(x.captureSlot, y.captureSlot);
  }
  ASSERT_EQ(a.queries.size(), b.queries.size());
  for (size_t i = 0; i < a.queries.size(); ++i) EXPECT_EQ(a.queries[i].parts, b.queries[i].parts);
  ASSERT_EQ(a.clauses.size(), b.clauses.size());
  for (size_t i = 0; i < a.clauses.size(); ++i) {
    const ClauseInfo &x = a.clauses[i], &y = b.clauses[i];
    SCOPED_TRACE("clause " + std::to_string(i));
    EXPECT_EQ(x.op, y.op);
    EXPECT_EQ(x.opNegated, y.opNegated);
    EXPECT_EQ(x.clauseNegated, y.clauseNegated);
    EXPECT_EQ(x.some, y.some);
    EXPECT_EQ(x.emptyOnSet, y.emptyOnSet);
    EXPECT_EQ(x.rhs, y.rhs);
    EXPECT_EQ(x.context, y.context);
    EXPECT_EQ(x.message, y.message);
    EXPECT_EQ(x.file, y.file);
    EXPECT_EQ(x.line, y.line);
    EXPECT_EQ(x.column, y.column);
  }
  ASSERT_EQ(a.blocks.size(), b.blocks.size());
  for (size_t i = 0; i < a.blocks.size(); ++i) {
    const BlockInfo &x = a.blocks[i], &y = b.blocks[i];
    SCOPED_TRACE("block " + std::to_string(i));
    EXPECT_EQ(x.body, y.body);
    EXPECT_EQ(x.some, y.some);
    EXPECT_EQ(x.notEmpty, y.notEmpty);
    EXPECT_EQ(x.context, y.context);
    EXPECT_EQ(x.typeName, y.typeName);
    EXPECT_EQ(x.file, y.file);
    EXPECT_EQ(x.line, y.line);
    EXPECT_EQ(x.column, y.column);
  }
  ASSERT_EQ(a.ruleRefs.size(), b.ruleRefs.size());
  for (size_t i = 0; i < a.ruleRefs.size(); ++i) {
    const RuleRefInfo &x = a.ruleRefs[i], &y = b.ruleRefs[i];
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.negated, y.negated);
    EXPECT_EQ(x.message, y.message);
    EXPECT_EQ(x.file, y.file);
    EXPECT_EQ(x.line, y.line);
    EXPECT_EQ(x.column, y.column);
  }
  ASSERT_EQ(a.paramCalls.size(), b.paramCalls.size());
  for (size_t i = 0; i < a.paramCalls.size(); ++i) {
    const ParamCallInfo &x = a.paramCalls[i], &y = b.paramCalls[i];
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.numArgs, y.numArgs);
    EXPECT_EQ(x.negated, y.negated);
    EXPECT_EQ(x.message, y.message);
    EXPECT_EQ(x.file, y.file);
    EXPECT_EQ(x.line, y.line);
    EXPECT_EQ(x.column, y.column);
  }
  ASSERT_EQ(a.calls.size(), b.calls.size());
  for (size_t i = 0; i < a.calls.size(); ++i) {
    EXPECT_EQ(a.calls[i].builtin, b.calls[i].builtin);
    EXPECT_EQ(a.calls[i].name, b.calls[i].name);
    EXPECT_EQ(a.calls[i].numArgs, b.calls[i].numArgs);
  }
  ASSERT_EQ(a.rules.size(), b.rules.size());
  for (size_t i = 0; i < a.rules.size(); ++i) {
    const RuleInfo &x = a.rules[i], &y = b.rules[i];
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.file, y.file);
    EXPECT_EQ(x.kind, y.kind);
    EXPECT_EQ(x.when, y.when);
    EXPECT_EQ(x.body, y.body);
    EXPECT_EQ(x.numParams, y.numParams);
    EXPECT_EQ(x.line, y.line);
  }
  ASSERT_EQ(a.files.size(), b.files.size());
  for (size_t i = 0; i < a.files.size(); ++i) {
    const FileInfo &x = a.files[i], &y = b.files[i];
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.scope, y.scope);
    EXPECT_EQ(x.rules, y.rules);
    EXPECT_EQ(x.empty, y.empty);
    EXPECT_EQ(x.source, y.source);
  }
}

std::string errorOf(const Result<std::unique_ptr<Program>>& r) {
  return r.ok() ? std::string("<loaded>") : r.error().message;
}

// ---------------------------------------------------------------- pack surgery
// Written from docs/pack-format.md, so these helpers also check the document.

uint32_t getU32(const std::string& s, size_t at) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | uint8_t(s[at + i]);
  return v;
}
void putU32(std::string& s, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) s[at + i] = char(v >> (8 * i));
}
void putU16(std::string& s, size_t at, uint16_t v) {
  s[at] = char(v);
  s[at + 1] = char(v >> 8);
}
// Recomputes the checksum: CRC-32C of bytes 0..23 and 28..end.
void reseal(std::string& pack) {
  uint32_t crc = crc32c(std::string_view(pack).substr(0, 24));
  putU32(pack, 24, crc32c(std::string_view(pack).substr(28), crc));
}

struct SectionEntry {
  uint16_t id, flags;
  std::string bytes;
};

std::vector<SectionEntry> sectionsOf(const std::string& pack) {
  std::vector<SectionEntry> out;
  uint32_t n = getU32(pack, 20);
  for (uint32_t i = 0; i < n; ++i) {
    size_t at = 32 + 12 * i;
    uint16_t id = uint16_t(uint8_t(pack[at]) | uint8_t(pack[at + 1]) << 8);
    uint16_t flags = uint16_t(uint8_t(pack[at + 2]) | uint8_t(pack[at + 3]) << 8);
    out.push_back({id, flags, pack.substr(getU32(pack, at + 4), getU32(pack, at + 8))});
  }
  return out;
}

// Reassembles a pack from `sections`, keeping the header fields of `model`.
std::string assemble(const std::string& model, const std::vector<SectionEntry>& sections) {
  std::string pack = model.substr(0, 32);
  putU32(pack, 20, uint32_t(sections.size()));
  uint32_t offset = 32 + 12 * uint32_t(sections.size());
  for (const auto& s : sections) {
    std::string e(12, '\0');
    putU16(e, 0, s.id);
    putU16(e, 2, s.flags);
    putU32(e, 4, offset);
    putU32(e, 8, uint32_t(s.bytes.size()));
    pack += e;
    offset += uint32_t(s.bytes.size());
  }
  for (const auto& s : sections) pack += s.bytes;
  putU32(pack, 16, uint32_t(pack.size()));
  reseal(pack);
  return pack;
}

std::string& sectionBytes(std::vector<SectionEntry>& sections, SectionId id) {
  for (auto& s : sections)
    if (s.id == uint16_t(id)) return s.bytes;
  ADD_FAILURE() << "no section " << int(id);
  return sections[0].bytes;
}

// ---------------------------------------------------------------- round trips

TEST(PackTest, Crc32cCheckValue) {
  EXPECT_EQ(crc32c("123456789"), 0xE3069283u);
  EXPECT_EQ(crc32c(""), 0u);
  // Chaining at any split gives the whole text's value (the 8-byte hardware
  // path and the byte table meet at every alignment).
  std::string text;
  for (int i = 0; i < 100; ++i) text += char(i * 37 + 11);
  const uint32_t whole = crc32c(text);
  for (size_t cut = 0; cut <= text.size(); ++cut)
    EXPECT_EQ(crc32c(std::string_view(text).substr(cut), crc32c(std::string_view(text).substr(0, cut))), whole);
  EXPECT_EQ(crc32c("56789", crc32c("1234")), 0xE3069283u);
}

TEST(PackTest, SampleVerifies) {
  Sample s = makeSample();
  auto v = verifyProgram(*s.p);
  EXPECT_TRUE(v.ok()) << v.error().message;
}

TEST(PackTest, RoundTripKeepsEveryTable) {
  Sample s = makeSample();
  std::string pack = writePack(*s.p);
  auto loaded = readPack(pack, "sample.gpack");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  expectSamePrograms(*s.p, **loaded);
  EXPECT_EQ(writePack(**loaded), pack);  // writing is deterministic and lossless
}

TEST(PackTest, EmptyProgramRoundTrips) {
  Program p;
  auto loaded = readPack(writePack(p), "empty.gpack");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  expectSamePrograms(p, **loaded);
}

TEST(PackTest, HeaderLayout) {
  Sample s = makeSample();
  std::string pack = writePack(*s.p);
  EXPECT_EQ(pack.substr(0, 4), "GPAK");
  EXPECT_EQ(pack[4], 2);  // major 2, little-endian
  EXPECT_EQ(pack[5], 0);
  EXPECT_EQ(getU32(pack, 12), 0u);  // flags
  EXPECT_EQ(getU32(pack, 16), pack.size());
  EXPECT_EQ(getU32(pack, 20), 14u);  // sections: 1-13, and 17 (no trace marks or facts)
  auto sections = sectionsOf(pack);
  ASSERT_EQ(sections.size(), 14u);
  for (size_t i = 0; i < sections.size(); ++i) {
    EXPECT_EQ(sections[i].id, i < 13 ? i + 1 : uint16_t(SectionId::DepthFirst));
    EXPECT_EQ(sections[i].flags, sections[i].id == uint16_t(SectionId::Lines) ? 0 : kSectionRequired);
  }
  EXPECT_EQ(assemble(pack, sections), pack);
}

TEST(PackTest, StrippedLinesLoadAsZero) {
  Sample s = makeSample();
  std::string pack = writePack(*s.p, PackOptions{.stripLines = true});
  EXPECT_LT(pack.size(), writePack(*s.p).size());
  auto loaded = readPack(pack, "stripped.gpack");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  for (const Function& f : (*loaded)->functions)
    EXPECT_EQ(f.lines, std::vector<uint32_t>(f.code.size(), 0));
}

TEST(PackTest, LiteralDepthLimit) {
  for (uint32_t depth : {kMaxLiteralDepth, kMaxLiteralDepth + 1}) {
    Program p;
    Builder b(p);
    Node* n = b.integer(7);
    for (uint32_t i = 1; i < depth; ++i) n = b.list({n});
    b.literal(n);
    const bool fits = depth <= kMaxLiteralDepth;
    EXPECT_EQ(verifyProgram(p).ok(), fits) << depth;
    auto loaded = readPack(writePack(p), "deep.gpack");
    EXPECT_EQ(loaded.ok(), fits) << depth << ": " << errorOf(loaded);
    if (!fits) {
      EXPECT_NE(errorOf(loaded).find("nested deeper than 256"), std::string::npos);
    }
  }
}

// A pack whose one literal is the regex `pattern`, written past guardc's
// checks, then read back.
auto readPackWithRegex(std::string_view pattern) {
  Program p;
  Builder b(p);
  Node* n = b.regex("ok");
  n->str.data = p.literalPool->copyString(pattern);
  n->str.size = uint32_t(pattern.size());
  b.literal(n);
  return readPack(writePack(p), "re.gpack");
}

TEST(PackTest, RegexThatDoesNotCompileIsALoadError) {
  auto loaded = readPackWithRegex("(unclosed");
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(errorOf(loaded).find("regex /(unclosed/ does not compile"), std::string::npos)
      << errorOf(loaded);
  EXPECT_EQ(loaded.error().file, "re.gpack");
}

// Reading a pack builds regex engines on first use (Regex::compileLazy), but
// whether a pattern loads is decided at load, as before: one the translator
// accepts and no engine can hold (a crafted pack; guardc's parser compiles
// every literal) is still a load error, never a failure at evaluation.
TEST(PackTest, RegexBeyondTheEnginesLimitsIsALoadError) {
  // PCRE2 copies the group once per count: too large for it (a{70000} was
  // the example before counts past 65535 were written as blocks).
  auto loaded = readPackWithRegex("(?>a\\D){1500}");
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(errorOf(loaded).find("regex /(?>a\\D){1500}/ does not compile: invalid regular expression"),
            std::string::npos)
      << errorOf(loaded);
}

TEST(PackTest, RegexesFromAPackAnswerAsCompiledOnes) {
  Program p;
  Builder b(p);
  b.literal(b.regex("^arn:aws:\\w+$"));
  b.literal(b.regex("^(?!test-)"));
  auto loaded = readPack(writePack(p), "re.gpack");
  ASSERT_TRUE(loaded.ok()) << errorOf(loaded);
  const Regex* linear = (*loaded)->literals.at(0)->str.re;
  const Regex* lookahead = (*loaded)->literals.at(1)->str.re;
  EXPECT_TRUE(*linear->search("arn:aws:s3"));
  EXPECT_FALSE(*linear->search("arn:aws:"));
  EXPECT_FALSE(linear->backtracking());
  EXPECT_TRUE(*lookahead->search("prod-x"));
  EXPECT_FALSE(*lookahead->search("test-x"));
  EXPECT_TRUE(lookahead->backtracking());
  EXPECT_EQ(*linear->replaceMatchesOnly("arn:aws:s3", "<$0>"), "<arn:aws:s3>");
}

// ---------------------------------------------------------------- header errors

TEST(PackTest, NewerMajorVersionIsRefused) {
  Sample s = makeSample();
  std::string pack = writePack(*s.p);
  putU16(pack, 4, 3);
  putU16(pack, 6, 3);
  reseal(pack);
  auto loaded = readPack(pack, "new.gpack");
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(errorOf(loaded),
            "pack format version 3.3 is newer than this guardvm supports (2.x); it was written "
            "by guardc 0.1.0");
  putU16(pack, 4, 1);
  reseal(pack);
  EXPECT_EQ(errorOf(readPack(pack, "old.gpack")),
            "pack format version 1.3 is older than this guardvm supports (2.x)");
}

TEST(PackTest, NewerMinorVersionLoads) {
  Sample s = makeSample();
  std::string pack = writePack(*s.p);
  putU16(pack, 6, 7);
  reseal(pack);
  auto loaded = readPack(pack, "minor.gpack");
  EXPECT_TRUE(loaded.ok()) << errorOf(loaded);
}

TEST(PackTest, HeaderErrorsSayWhatIsWrong) {
  Sample s = makeSample();
  const std::string good = writePack(*s.p);
  EXPECT_EQ(errorOf(readPack("", "x")), "not a guardvm rule pack (it does not start with \"GPAK\")");
  EXPECT_EQ(errorOf(readPack("GPAX" + good.substr(4), "x")),
            "not a guardvm rule pack (it does not start with \"GPAK\")");
  EXPECT_EQ(errorOf(readPack(good.substr(0, 20), "x")),
            "truncated pack: 20 bytes, shorter than the 32-byte header");
  EXPECT_EQ(errorOf(readPack(good.substr(0, 100), "x")),
            "truncated pack: 100 bytes, the header says " + std::to_string(good.size()));
  EXPECT_EQ(errorOf(readPack(good + "xy", "x")),
            "pack has 2 unexpected bytes after its " + std::to_string(good.size()) + "-byte length");
  std::string damaged = good;
  damaged[good.size() / 2] ^= 0x10;
  EXPECT_EQ(errorOf(readPack(damaged, "x")).rfind("pack is damaged: checksum mismatch", 0), 0u);
  std::string flagged = good;
  putU32(flagged, 12, 4);
  reseal(flagged);
  EXPECT_EQ(errorOf(readPack(flagged, "x")).rfind("pack has unknown flags 0x00000004", 0), 0u);
}

TEST(PackTest, AnotherInstructionSetIsRefused) {
  Sample s = makeSample();
  std::string pack = writePack(*s.p);
  EXPECT_EQ(getU32(pack, 28), instructionSetId());
  putU32(pack, 28, instructionSetId() ^ 1);
  reseal(pack);
  char want[200];
  std::snprintf(want, sizeof want,
                "pack was compiled for another instruction set (0x%08x, this guardvm has 0x%08x): "
                "recompile it with this guardc (the pack was written by guardc 0.1.0)",
                instructionSetId() ^ 1, instructionSetId());
  EXPECT_EQ(errorOf(readPack(pack, "x")), want);
}

// ---------------------------------------------------------------- sections

TEST(PackTest, UnknownSectionsOptionalSkippedRequiredRefused) {
  Sample s = makeSample();
  const std::string good = writePack(*s.p);
  auto sections = sectionsOf(good);
  sections.push_back({99, 0, "future data"});
  auto loaded = readPack(assemble(good, sections), "x");
  EXPECT_TRUE(loaded.ok()) << errorOf(loaded);
  sections.back().flags = kSectionRequired;
  EXPECT_EQ(errorOf(readPack(assemble(good, sections), "x")),
            "section table entry 14: unknown required section 99 (written by guardc 0.1.0)");
}

TEST(PackTest, SectionTableErrors) {
  Sample s = makeSample();
  const std::string good = writePack(*s.p);
  auto sections = sectionsOf(good);
  auto missing = sections;
  missing.erase(missing.begin() + 3);  // parts
  EXPECT_EQ(errorOf(readPack(assemble(good, missing), "x")), "missing section 'parts'");
  auto twice = sections;
  twice.push_back(sections[0]);
  EXPECT_EQ(errorOf(readPack(assemble(good, twice), "x")),
            "section table entry 14: second 'strings' section");
  std::string outside = good;
  putU32(outside, 32 + 8, 1u << 30);  // the first section's length
  reseal(outside);
  EXPECT_NE(errorOf(readPack(outside, "x")).find("lies outside the pack's sections"), std::string::npos);
  std::string many = good;
  putU32(many, 20, 0xFFFFFFFF);
  reseal(many);
  EXPECT_EQ(errorOf(readPack(many, "x")), "pack declares 4294967295 sections (at most 64)");
}

TEST(PackTest, HostileCountsAreBoundedByTheBytesLeft) {
  Sample s = makeSample();
  const std::string good = writePack(*s.p);
  for (SectionId id : {SectionId::Strings, SectionId::Literals, SectionId::Functions,
                       SectionId::Parts, SectionId::Files, SectionId::Lines}) {
    auto sections = sectionsOf(good);
    putU32(sectionBytes(sections, id), 0, 0xFFFFFFF0);
    std::string msg = errorOf(readPack(assemble(good, sections), "x"));
    EXPECT_NE(msg.find("count 4294967280 needs at least"), std::string::npos) << msg;
  }
  auto sections = sectionsOf(good);
  sectionBytes(sections, SectionId::Queries) += "junk";
  EXPECT_NE(errorOf(readPack(assemble(good, sections), "x")).find("4 bytes left over"),
            std::string::npos);
}

TEST(PackTest, ListEntriesAreLimited) {
  Program p;
  p.queries.resize(1);
  const std::string good = writePack(p);
  auto sections = sectionsOf(good);
  std::string& queries = sectionBytes(sections, SectionId::Queries);
  const uint32_t n = kMaxListEntries + 1;
  queries.resize(8 + 4 * size_t(n));
  putU32(queries, 4, n);
  const std::string pack = assemble(good, sections);
  const uint32_t queriesAt = getU32(pack, 32 + 12 * 4 + 4);  // the fifth section's offset
  // The error points at the first query's count, after the section's own count.
  EXPECT_EQ(errorOf(readPack(pack, "x")), "section 'queries' at byte " + std::to_string(queriesAt + 4) +
                                              ": count 4194305 exceeds the limit of 4194304 entries");
}

TEST(PackTest, BadBooleanByteIsRefused) {
  Program p;
  p.files.push_back(FileInfo{p.intern("f"), kNone, {}, true, kNone});
  const std::string good = writePack(p);
  auto sections = sectionsOf(good);
  std::string& files = sectionBytes(sections, SectionId::Files);
  files[4 + 4 + 4 + 4] = 2;  // count, name, scope, empty rule list, then `empty`
  EXPECT_NE(errorOf(readPack(assemble(good, sections), "x")).find("neither 0 nor 1"),
            std::string::npos);
}

TEST(PackTest, VerifierRunsOnLoad) {
  Sample s = makeSample();
  s.p->functions[s.ruleDefault].code[0].a = 200;
  auto loaded = readPack(writePack(*s.p), "bad.gpack");
  EXPECT_EQ(errorOf(loaded),
            "invalid pack: function f1 'rule default', instruction 0 (Q_ROOT): operand A: register "
            "200 out of range (3)");
}

// ---------------------------------------------------------------- damaged packs

TEST(PackTest, EveryTruncationIsAnError) {
  Sample s = makeSample();
  const std::string good = writePack(*s.p);
  for (size_t n = 0; n < good.size(); ++n)
    EXPECT_FALSE(readPack(std::string_view(good).substr(0, n), "t").ok()) << n;
}

TEST(PackTest, EveryBitFlipIsAnError) {
  Sample s = makeSample();
  const std::string good = writePack(*s.p);
  for (size_t byte = 0; byte < good.size(); ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string bad = good;
      bad[byte] ^= char(1 << bit);
      EXPECT_FALSE(readPack(bad, "t").ok()) << byte << ":" << bit;
    }
  }
}

// With the checksum fixed up, damage reaches the decoder and the verifier: each load
// must end in an error or in a program that verifies, lists and writes again.
TEST(PackTest, ResealedDamageNeverCrashes) {
  Sample s = makeSample();
  const std::string good = writePack(*s.p);
  size_t loadedCount = 0;
  for (size_t byte = 32; byte < good.size(); ++byte) {
    // Off by one in a low byte, and all ones (a huge count or index in a high byte).
    for (bool allOnes : {false, true}) {
      std::string bad = good;
      if (allOnes) bad[byte] = char(0xFF);
      else bad[byte] ^= 1;
      if (bad == good) continue;
      reseal(bad);
      auto loaded = readPack(bad, "t");
      if (!loaded.ok()) continue;
      ++loadedCount;
      EXPECT_TRUE(verifyProgram(**loaded).ok());
      EXPECT_FALSE(disassemble(**loaded).empty());
      EXPECT_TRUE(readPack(writePack(**loaded), "again").ok());
    }
  }
  // Damage to text (names, messages, sources) is undetectable without the checksum.
  EXPECT_GT(loadedCount, 0u);
}

// Work must stay linear in the pack: a huge name referenced by many instructions,
// or a huge source shown at many line changes, is handled once, not per use.
TEST(PackTest, LargeStringsStayLinear) {
  Program p;
  Builder b(p);
  const std::string name(1 << 20, 'n');
  const std::string source = std::string(1 << 19, 'x') + "\n" + std::string(1 << 19, 'y') + "\n";
  p.files.push_back(FileInfo{b.s("big.guard"), kNone, {0, 1}, false, b.s(source)});
  p.files[0].scope = b.function("file big.guard", FuncKind::FileScope, 0, 0, 0);
  const uint32_t target = b.function(name, FuncKind::Cnf, 0, 0, 1);
  b.emit(target, Op::ST_SET, 0, 0, 1, 1);
  b.emit(target, Op::RET_STATUS, 0, 0, 0, 1);
  const uint32_t caller = b.function("caller", FuncKind::Cnf, 0, 0, 1);
  p.ruleRefs.push_back(RuleRefInfo{b.s(name), false, b.s(name), 0, 1, 1});
  for (uint32_t i = 0; i < 20000; ++i) b.emit(caller, Op::RULE_REF, 0, 0, 0, 1 + i % 2);
  b.emit(caller, Op::RET_STATUS, 0, 0, 0, 2);
  p.rules.push_back(RuleInfo{b.s(name), 0, RuleKind::Named, kNone, target, 0, 1});
  p.rules.push_back(RuleInfo{b.s("caller"), 0, RuleKind::Named, kNone, caller, 0, 2});
  auto loaded = readPack(writePack(p), "big.gpack");
  ASSERT_TRUE(loaded.ok()) << errorOf(loaded);
  const std::string listing = disassemble(**loaded);
  EXPECT_LT(listing.size(), 20000u * 1000);
  EXPECT_NE(listing.find("  ; 2: yyyy"), std::string::npos);
}

// ---------------------------------------------------------------- the verifier

// Applies `mutate` to a fresh sample and expects verifyProgram to fail with `expected` in its message.
void expectRejected(const std::function<void(Sample&)>& mutate, const std::string& expected) {
  Sample s = makeSample();
  mutate(s);
  auto v = verifyProgram(*s.p);
  ASSERT_FALSE(v.ok()) << "accepted; expected: " << expected;
  EXPECT_NE(v.error().message.find(expected), std::string::npos) << v.error().message;
}

Instr& instr(Sample& s, uint32_t f, Op op) {
  for (Instr& in : s.p->functions[f].code)
    if (in.op == op) return in;
  ADD_FAILURE() << "no " << opInfo(op).name;
  return s.p->functions[f].code[0];
}

TEST(VerifyTest, OperandNoneMustBeZero) {
  expectRejected([](Sample& s) { instr(s, s.ruleDefault, Op::Q_ROOT).c = 1; },
                 "instruction 0 (Q_ROOT): operand C must be 0");
}
TEST(VerifyTest, OperandReg) {
  expectRejected([](Sample& s) { instr(s, s.ruleDefault, Op::Q_LIT).a = 3; },
                 "operand A: register 3 out of range (3)");
}
TEST(VerifyTest, OperandStatus) {
  expectRejected([](Sample& s) { instr(s, s.ruleDefault, Op::RET_STATUS).a = 2; },
                 "instruction 11 (RET_STATUS): operand A: status register 2 out of range (2)");
}
TEST(VerifyTest, OperandDepth) {
  expectRejected([](Sample& s) { instr(s, s.ruleNamed, Op::Q_VAR).b = 11; },
                 "operand B: depth 11 out of range (11)");
}
TEST(VerifyTest, OperandSlot) {
  expectRejected([](Sample& s) { instr(s, s.ruleNamed, Op::Q_VAR).c = 2; },
                 "operand C: slot 2 out of range (2)");
  // Depth 0 in a cnf function: the function's own slots.
  expectRejected(
      [](Sample& s) { s.p->functions[s.ruleDefault].code[0] = Instr{Op::Q_VAR, 0, 0, 1}; },
      "function f1 'rule default', instruction 0 (Q_VAR): slot 1 beyond the function's 0 slots");
}
TEST(VerifyTest, OperandImm) {
  expectRejected([](Sample& s) { instr(s, s.when, Op::ST_SET).c = 3; }, "unknown status 3");
  expectRejected([](Sample& s) { instr(s, s.ruleDefault, Op::Q_FILTER).b = 4; },
                 "(Q_FILTER): unknown filter mode");
  expectRejected([](Sample& s) { instr(s, s.ruleDefault, Op::Q_TYPE_SELECT).b = 4; },
                 "(Q_TYPE_SELECT): unknown filter mode");
}
TEST(VerifyTest, OperandLiteral) {
  expectRejected([](Sample& s) { instr(s, s.ruleDefault, Op::Q_LIT).c = 99; },
                 "operand C: literal 99 out of range (12)");
}
TEST(VerifyTest, OperandPart) {
  expectRejected([](Sample& s) { instr(s, s.ruleDefault, Op::Q_KEY).c = 10; },
                 "operand C: part 10 out of range (10)");
}
TEST(VerifyTest, OperandCall) {
  expectRejected([](Sample& s) { instr(s, s.letX, Op::Q_CALL).c = 2; },
                 "operand C: call 2 out of range (2)");
}
TEST(VerifyTest, OperandFunc) {
  expectRejected([](Sample& s) { instr(s, s.blockBody, Op::CALL_CNF).c = 10; },
                 "operand C: function 10 out of range (10)");
}
TEST(VerifyTest, OperandClause) {
  expectRejected([](Sample& s) { instr(s, s.ruleDefault, Op::CHECK_BINARY).c = 3; },
                 "operand C: clause 3 out of range (3)");
}
TEST(VerifyTest, OperandBlock) {
  expectRejected([](Sample& s) { instr(s, s.ruleNamed, Op::BLOCK).c = 1; },
                 "operand C: block 1 out of range (1)");
}
TEST(VerifyTest, OperandRuleRef) {
  expectRejected([](Sample& s) { instr(s, s.ruleDefault, Op::RULE_REF).c = 1; },
                 "operand C: rule reference 1 out of range (1)");
}
TEST(VerifyTest, OperandParamCall) {
  expectRejected([](Sample& s) { instr(s, s.ruleNamed, Op::PARAM_CALL).c = 1; },
                 "operand C: parameterized call 1 out of range (1)");
}
TEST(VerifyTest, OperandTarget) {
  expectRejected([](Sample& s) { instr(s, s.ruleDefault, Op::JUMP_UNLESS_PASS).c = 12; },
                 "operand C: jump target 12 out of range (12)");
  expectRejected([](Sample& s) { instr(s, s.ruleDefault, Op::JUMP_UNLESS_PASS).c = 8; },
                 "jump target 8 is not after the jump");
  expectRejected([](Sample& s) { instr(s, s.ruleDefault, Op::JUMP_UNLESS_PASS).c = 2; },
                 "jump target 2 is not after the jump");
}
TEST(VerifyTest, OperandString) {
  expectRejected([](Sample& s) { instr(s, s.ruleNamed, Op::RAISE).c = 5000; },
                 "operand C: string 5000 out of range");
}
TEST(VerifyTest, UnknownOpcode) {
  expectRejected([](Sample& s) { s.p->functions[s.filter].code[1].op = Op(kNumOps); },
                 "function f2 'filter@2:12', instruction 1: unknown opcode " + std::to_string(kNumOps));
}
TEST(VerifyTest, MissingReturn) {
  expectRejected(
      [](Sample& s) {
        s.p->functions[s.filter].code.pop_back();
        s.p->functions[s.filter].lines.pop_back();
      },
      "function f2 'filter@2:12', instruction 4 (CHECK_BINARY): the last instruction does not "
      "return, jump or raise");
  expectRejected(
      [](Sample& s) {
        s.p->functions[s.filter].code.clear();
        s.p->functions[s.filter].lines.clear();
      },
      "function f2 'filter@2:12': no instructions");
}
TEST(VerifyTest, WrongFunctionKind) {
  expectRejected([](Sample& s) { instr(s, s.ruleNamed, Op::Q_SUBQUERY).c = s.filter; },
                 "function f2 is a cnf function, expected set");
  expectRejected([](Sample& s) { instr(s, s.blockBody, Op::CALL_CNF).c = s.letX; },
                 "function f3 is a set function, expected cnf");
  expectRejected([](Sample& s) { s.p->blocks[0].body = s.sub; }, "block 0: body f8 is a set function");
  expectRejected([](Sample& s) { s.p->rules[1].when = s.sub; }, "rule 1: when function f8 is a set");
  expectRejected([](Sample& s) { s.p->functions[s.scope].slots[0].init = s.filter; },
                 "slot initialiser f2 is a cnf function");
  expectRejected([](Sample& s) { s.p->parts[2].func = s.sub; }, "part 2: filter function f8 is a set");
  expectRejected([](Sample& s) { s.p->files[0].scope = s.ruleDefault; },
                 "file 0: scope f1 is a cnf function, expected file-scope");
}
TEST(VerifyTest, WrongPartKind) {
  expectRejected([](Sample& s) { instr(s, s.letX, Op::Q_INDEX).c = 0; },
                 "instruction 2 (Q_INDEX): part of the wrong kind for this opcode");
  expectRejected([](Sample& s) { s.p->parts[3].key = kNone; },
                 "(Q_TYPE_SELECT): part without a key");
}
TEST(VerifyTest, ReturnKindMatchesFunctionKind) {
  expectRejected(
      [](Sample& s) {
        s.p->functions[s.sub].code[1] = Instr{Op::RET_STATUS, 0, 0, 0};
        s.p->functions[s.sub].numStatus = 1;
      },
      "function f8 'keys rhs', instruction 1 (RET_STATUS): RET_STATUS outside a cnf function");
  expectRejected([](Sample& s) { s.p->functions[s.when].code[1] = Instr{Op::RET_SET, 0, 0, 0}; },
                 "RET_SET outside a set function");
}
TEST(VerifyTest, ArgumentRegisters) {
  expectRejected([](Sample& s) { instr(s, s.ruleDefault, Op::CHECK_BINARY).b = 2; },
                 "argument registers r2..r3 beyond 3 registers");
  expectRejected(
      [](Sample& s) {
        instr(s, s.letX, Op::Q_CALL).b = 2;
        s.p->calls[0].numArgs = 2;
      },
      "argument registers r2..r3 beyond 3 registers");
}
TEST(VerifyTest, Limits) {
  expectRejected([](Sample& s) { s.p->functions[s.filter].numRegs = kMaxRegisters + 1; },
                 "more than 4096 registers");
  expectRejected([](Sample& s) { s.p->functions[s.filter].lines.push_back(1); },
                 "7 line entries for 6 instructions");
}
TEST(VerifyTest, CallCycles) {
  expectRejected([](Sample& s) { instr(s, s.blockBody, Op::CALL_CNF).c = s.ruleNamed; },
                 "call cycle: function f4 'rule named' can start itself");
  // `not named` inside rule named itself.
  expectRejected(
      [](Sample& s) {
        auto& code = s.p->functions[s.ruleNamed].code;
        code[code.size() - 2] = Instr{Op::RULE_REF, 1, 0, 0};
      },
      "call cycle");
}
TEST(VerifyTest, FieldsTheInterpreterAndReportsNeed) {
  expectRejected([](Sample& s) { s.p->parts[8].func = s.p->parts[8].literal = kNone; },
                 "(Q_KEYS_FILTER): keys filter part without a right-hand side");
  expectRejected([](Sample& s) { s.p->blocks[0].typeName = kNone; },
                 "(TYPE_BLOCK): type block without a type name");
  expectRejected([](Sample& s) { s.p->clauses[1].context = kNone; }, "clause 1: missing context");
  expectRejected([](Sample& s) { s.p->blocks[0].context = kNone; }, "block 0: missing context");
  expectRejected([](Sample& s) { s.p->calls[1].name = kNone; }, "call 1: missing function name");
  expectRejected([](Sample& s) { s.p->files[1].scope = kNone; }, "file 1: missing scope");
  // An uninitialised slot is looked up by its name and errors print it
  // (found by the pack_resealed fuzzer: out-of-bounds string, session 10).
  expectRejected([](Sample& s) { s.p->functions[s.ruleNamed].slots[0].name = kNone; }, "missing slot name");
}

TEST(VerifyTest, CrossReferences) {
  expectRejected([](Sample& s) { s.p->clauses[0].context = 9999; }, "clause 0: context 9999 out of range");
  expectRejected([](Sample& s) { s.p->files[1].rules = {7}; }, "file 1: rule 7 out of range (3 entries)");
  expectRejected([](Sample& s) { s.p->parts[0].query = 9; }, "part 0: query 9 out of range");
  expectRejected([](Sample& s) { s.p->parts[0].position = 9; }, "part 0: position beyond");
  expectRejected([](Sample& s) { s.p->parts[0].func = s.filter; }, "part 0: a function on a part");
  expectRejected([](Sample& s) { s.p->ruleRefs[0].name = kNone; }, "rule reference 0: missing rule name");
  expectRejected([](Sample& s) { s.p->rules[2].numParams = 2; }, "rule 2: more parameters than body slots");
  expectRejected([](Sample& s) { s.p->functions[s.when].code.push_back(Instr{Op::RET_STATUS, 0, 0, 0}); },
                 "2 line entries for 3 instructions");
}
TEST(VerifyTest, Literals) {
  expectRejected([](Sample& s) { const_cast<Node*>(s.p->literals[1])->str.re = nullptr; },
                 "literal 1: regex not compiled");
  expectRejected([](Sample& s) { const_cast<Node*>(s.p->literals[6])->ch = 0x110000; },
                 "literal 6: char beyond U+10FFFF");
  expectRejected([](Sample& s) { const_cast<Node*>(s.p->literals[7])->flags = 4; },
                 "literal 7: unknown range flags");
  expectRejected([](Sample& s) { s.p->literals.push_back(nullptr); }, "literal 12: null node");
  expectRejected([](Sample& s) { const_cast<Node*>(s.p->literals[10])->parent = s.p->literals[11]; },
                 "literal 10: a literal's root has a parent");
  expectRejected(
      [](Sample& s) { const_cast<Node*>(s.p->literals[10])->list.items[1]->parent = s.p->literals[11]; },
      "literal 10: a nested value whose parent is not its container");
}

// ---------------------------------------------------------------- the listing

TEST(DisasmTest, ListingShowsMeaning) {
  Sample s = makeSample();
  const std::string listing = disassemble(*s.p);
  for (const char* want : {
           "file 0 \"a.guard\"  rules 2  scope f0\n",
           "rule 1 \"named\"  named  line 3  when f6  body f4\n",
           "function f1 \"rule default\"  cnf  regs 3  status 2  slots 0\n",
           "  slot s0 %x  init f3\n",
           "  ; 2: Resources.*[ Type == 'AWS::S3::Bucket' ] == /ab+c/\n",
           "     1  Q_KEY             r0, .Resources\n",
           "     3  Q_FILTER          r0, after-star, [filter f2]\n",
           "     4  Q_TYPE_SELECT     r0, after-star, [Type == \"AWS::S3::Bucket\"]\n",
           "     5  Q_LIT             r1, /ab+c/\n",
           "     8  JUMP_UNLESS_PASS  t0, #11\n",
           "     9  RULE_REF          t1, not named                 ; <<named failed>>\n",
           "     0  Q_VAR             r0, up1, s0                   ; %x\n",
           "     1  Q_VAR             r3, up0, s1                   ; %inner\n",
           "     2  Q_INDEX           r0, [-3]\n",
           "     4  Q_CALL            r1, r0, count/1\n",
           "     3  Q_CAPTURE         r0, [name]\n",
           "Q_KEYS_FILTER     r0, [keys not in f8]\n",
           "     5  Q_INTERP          r0, %x\n",
           "     4  CALL_CNF          t1, f2                        ; filter@2:12\n",
           "  slot s1 %inner  init f8\n",
           "file 1 \"b.guard\"  rules 1  scope f9  (empty)\n",
           "    12  BLOCK             t1, r0, b0                    ; body f5 over \"Resources.*\" type "
           "AWS::S3::Bucket, some, !empty\n",
           "    19  RAISE             \"boom\"\n",
           "     0  ST_SET            t0, SKIP\n",
       }) {
    EXPECT_NE(listing.find(want), std::string::npos) << "missing: " << want << "\n" << listing;
  }
  EXPECT_EQ(listing, disassemble(*s.p));  // deterministic
  auto loaded = readPack(writePack(*s.p), "x");
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(disassemble(**loaded), listing);
}

TEST(DisasmTest, LiteralsInCompactForm) {
  Sample s = makeSample();
  Builder b(*s.p);
  auto& code = s.p->functions[s.ruleDefault].code;
  std::string listing;
  const char* want[] = {"\"AWS::S3::Bucket\"", "/ab+c/", "null", "true", "-42", "-0.0025",
                        "'U+1F600'", "r[-5,200)", "r[0.5,1.5]", "r(a,e]",
                        "[1, [2, \"x\\n\\\"y\\\"\"], {\"a\": 1, \"key with space\": [], \"\": {}}]",
                        "{\"k\": [true, null, /^x$/], \"m\": {\"z\": -0.0025}}"};
  for (uint32_t i = 0; i < s.p->literals.size(); ++i) {
    code[5].c = i;
    listing = disassemble(*s.p);
    EXPECT_NE(listing.find(std::string("Q_LIT             r1, ") + want[i]), std::string::npos)
        << want[i] << "\n" << listing;
  }
}

TEST(DisasmTest, SurvivesAnUnverifiedProgram) {
  Sample s = makeSample();
  for (Instr& in : s.p->functions[s.ruleDefault].code) in.c = 0xFFFFFF;
  s.p->functions[s.ruleNamed].code[0].op = Op(200);
  s.p->rules[0].body = 77;
  EXPECT_FALSE(disassemble(*s.p).empty());
}

}  // namespace
}  // namespace guard::vm
