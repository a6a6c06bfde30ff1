// The compiler states facts, the verifier proves them, the VM trusts them
// (issue 17): the fused `.*` + filter opcodes in listings, the trace marks
// (pack section 15) and facts (section 16) the compiler writes, the
// verifier refusing false facts and malformed marks, packs without either
// section, and packs of format 2.0. Compiles Guard source with
// compiler/compile.h and checks through vm/pack.h, vm/verify.h and
// vm/interp.h.
#include <gtest/gtest.h>

#include <string>

#include "compiler/compile.h"
#include "runtime/loader.h"
#include "tests/pack_bytes.h"
#include "vm/analysis.h"
#include "vm/disasm.h"
#include "vm/interp.h"
#include "vm/pack.h"
#include "vm/verify.h"

namespace guard::vm {
namespace {

// A type-guarded filter after `.*` (Q_VALUES_FILTER, with a type guard
// fact), a type select after `.*` (Q_VALUES_OF_TYPE), a `when` clause, a
// type block with conditions and a disjunction: every trace mark kind.
constexpr const char* kRules = R"(let buckets = Resources.*[ Type == 'AWS::S3::Bucket' ]
let types = ['AWS::S3::Bucket', 'AWS::SQS::Queue']
rule guarded {
  Resources.*[ Type in %types
               Properties exists ] {
    Properties.Name exists or Properties.Tags exists
  }
}
rule selected when %buckets !empty {
  %buckets.Properties.Name == 'logs'
}
rule typed {
  AWS::S3::Bucket when Resources exists {
    Properties exists
  }
}
rule conditional {
  when Resources exists {
    Resources.B exists
  }
}
)";

constexpr const char* kData = R"(Resources:
  B:
    Type: AWS::S3::Bucket
    Properties: {Name: logs}
  Q:
    Type: AWS::SQS::Queue
    Properties: {Tags: [a]}
  T:
    Type: AWS::SNS::Topic
)";

std::unique_ptr<Program> compile(const std::string& rules = kRules) {
  auto p = compileSources({SourceFile{"t.guard", "t.guard", rules}});
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
  return p.ok() ? std::move(p.value()) : nullptr;
}

// The statuses of file 0's rules, or the evaluation's error.
std::string run(const Program& p, bool trace = false) {
  auto doc = loadDocument(kData, "d.yaml");
  EXPECT_TRUE(doc.ok());
  EvalLimits limits;
  limits.trace = trace;
  auto r = evaluateFile(p, 0, *doc.value(), nullptr, limits);
  if (!r.ok()) return "error: " + r.error().message;
  std::string out;
  for (const RuleResult& rr : r->rules) out += p.str(p.rules[rr.rule].name) + "=" + statusName(rr.status) + " ";
  return out;
}

uint32_t functionNamed(const Program& p, const std::string& prefix) {
  for (uint32_t f = 0; f < p.functions.size(); ++f)
    if (p.str(p.functions[f].name).rfind(prefix, 0) == 0) return f;
  ADD_FAILURE() << "no function " << prefix;
  return 0;
}

// The guarded filter function: the one with a stated type guard.
uint32_t guardedFilter(const Program& p) {
  for (uint32_t f = 0; f < p.functions.size(); ++f)
    if (p.facts->typeGuards[f].kind != TypeGuardFact::kNone) return f;
  ADD_FAILURE() << "no type guard stated";
  return 0;
}

// ---- sections of a pack (header layout in docs/pack-format.md)

using namespace packbytes;

// ---------------------------------------------------------------- fused opcodes

TEST(FusedOpcodes, ListingShowsThem) {
  auto p = compile();
  ASSERT_TRUE(p);
  const std::string listing = disassemble(*p);
  EXPECT_NE(listing.find("Q_VALUES_OF_TYPE  r0, .*[Type == \"AWS::S3::Bucket\"]"), std::string::npos) << listing;
  EXPECT_NE(listing.find("Q_VALUES_FILTER   r0, .*[filter f"), std::string::npos) << listing;
  EXPECT_EQ(listing.find("Q_ALL_VALUES"), std::string::npos) << "a .* before a filter left unfused\n" << listing;
  EXPECT_EQ(run(*p), "guarded=PASS selected=PASS typed=PASS conditional=PASS ");
}

TEST(FusedOpcodes, OnlyAfterValues) {
  auto p = compile("rule r { Resources[*][ Type == 'X' ] empty\n Resources.* exists }\n");
  ASSERT_TRUE(p);
  const std::string listing = disassemble(*p);
  EXPECT_EQ(listing.find("Q_VALUES_"), std::string::npos) << listing;
  EXPECT_NE(listing.find("Q_ALL_VALUES"), std::string::npos) << listing;
}

TEST(FusedOpcodes, VerifierChecksTheFilterPart) {
  auto p = compile();
  ASSERT_TRUE(p);
  for (Function& f : p->functions)
    for (Instr& in : f.code)
      if (in.op == Op::Q_VALUES_OF_TYPE) in.op = Op::Q_VALUES_FILTER;  // a type select has no function
  p->facts.reset();
  auto v = verifyProgram(*p);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.error().message.find("filter part without a function"), std::string::npos) << v.error().message;
}

// ---------------------------------------------------------------- sections 15 and 16

TEST(PackSections, TraceAndFactsAreOptionalSections) {
  auto p = compile();
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->hasTrace);
  ASSERT_TRUE(p->facts);
  const std::string pack = writePack(*p);
  EXPECT_EQ(u16At(pack, 6), kPackMinor);
  EXPECT_EQ(kPackMinor, 2);
  EXPECT_EQ(sectionFlags(pack, uint16_t(SectionId::Trace)), 0);
  EXPECT_EQ(sectionFlags(pack, uint16_t(SectionId::Facts)), 0);
  auto loaded = readPack(pack, "t.gpack");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  const Program& q = **loaded;
  EXPECT_TRUE(q.hasTrace);
  ASSERT_TRUE(q.facts);
  EXPECT_EQ(q.facts->typeGuards, p->facts->typeGuards);
  EXPECT_EQ(q.facts->literalSets, p->facts->literalSets);
  for (size_t f = 0; f < p->functions.size(); ++f) {
    ASSERT_EQ(q.functions[f].trace.size(), p->functions[f].trace.size());
    for (size_t i = 0; i < p->functions[f].trace.size(); ++i) {
      EXPECT_EQ(q.functions[f].trace[i].at, p->functions[f].trace[i].at);
      EXPECT_EQ(q.functions[f].trace[i].open, p->functions[f].trace[i].open);
      EXPECT_EQ(q.functions[f].trace[i].close, p->functions[f].trace[i].close);
    }
  }
  EXPECT_EQ(writePack(q), pack);
  EXPECT_EQ(run(q, true), run(*p, true));
}

TEST(PackSections, CompilerStatesTheTypeGuard) {
  auto p = compile();
  ASSERT_TRUE(p);
  const TypeGuardFact& g = p->facts->typeGuards[guardedFilter(*p)];
  EXPECT_EQ(g.kind, TypeGuardFact::kPredicate);  // `Type in %types`
  EXPECT_TRUE(g.rhsVariable);
  EXPECT_EQ(p->str(g.typeKey), "Type");
  EXPECT_EQ(g.depth, 1u);
  const uint32_t types = functionNamed(*p, "let types");
  EXPECT_NE(p->facts->literalSets[types], kNone);
  EXPECT_EQ(p->facts->literalSets[functionNamed(*p, "let buckets")], kNone);
}

TEST(PackSections, WithoutFactsRunsTheSame) {
  auto p = compile();
  ASSERT_TRUE(p);
  const std::string with = run(*p);
  p->facts.reset();
  const std::string pack = writePack(*p);
  EXPECT_EQ(sectionFlags(pack, uint16_t(SectionId::Facts)), -1);
  auto loaded = readPack(pack, "t.gpack");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_FALSE((*loaded)->facts);
  EXPECT_EQ(run(**loaded), with);
  EXPECT_EQ(run(**loaded, true), run(*compile(), true));
}

TEST(PackSections, WithoutTraceRunsButTraceModeSaysWhy) {
  auto p = compile();
  ASSERT_TRUE(p);
  p->hasTrace = false;
  for (Function& f : p->functions) f.trace.clear();
  const std::string pack = writePack(*p);
  EXPECT_EQ(sectionFlags(pack, uint16_t(SectionId::Trace)), -1);
  auto loaded = readPack(pack, "t.gpack");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(run(**loaded), "guarded=PASS selected=PASS typed=PASS conditional=PASS ");
  EXPECT_EQ(run(**loaded, true),
            "error: the rule pack of t.guard has no trace information (its optional debug section 15, which "
            "--verbose, --print-json and test -v need): compile it again with this guardc");
}

// ---------------------------------------------------------------- false facts

std::string verifyError(const Program& p) {
  auto v = verifyProgram(p);
  return v.ok() ? "" : v.error().message;
}

// `p` with its facts replaced by `edit` of them.
template <class F> std::string withFacts(Program& p, F edit) {
  ProgramFacts facts = *p.facts;
  edit(facts);
  p.facts = std::make_shared<const ProgramFacts>(facts);
  return verifyError(p);
}

TEST(FalseFacts, TheCompilersFactsVerify) {
  auto p = compile();
  ASSERT_TRUE(p);
  EXPECT_EQ(verifyError(*p), "");
}

TEST(FalseFacts, WrongDepthOrLiteralBoundOrOperandIsRefused) {
  auto p = compile();
  ASSERT_TRUE(p);
  const uint32_t f = guardedFilter(*p);
  const std::string want = "false fact: function f" + std::to_string(f);
  EXPECT_EQ(withFacts(*p, [&](ProgramFacts& x) { x.typeGuards[f].depth += 1; }).rfind(want, 0), 0u);
  // The skipped code selects a literal of 4 nodes: a bound of 1 would let a
  // guard skip a call that the result-set limit must stop.
  auto p2 = compile("rule r { Resources.*[ Type == 'A'\n Tags == [1, 2, 3] ] empty }\n");
  ASSERT_TRUE(p2);
  const uint32_t f2 = guardedFilter(*p2);
  EXPECT_EQ(p2->facts->typeGuards[f2].literalNodes, 4u);
  EXPECT_EQ(withFacts(*p2, [&](ProgramFacts& x) { x.typeGuards[f2].literalNodes = 1; })
                .rfind("false fact: function f" + std::to_string(f2), 0),
            0u);
  auto p3 = compile();
  EXPECT_EQ(withFacts(*p3, [&](ProgramFacts& x) { x.typeGuards[f].kind = TypeGuardFact::kEqString; }).rfind(want, 0),
            0u);
  auto p4 = compile();
  EXPECT_EQ(withFacts(*p4, [&](ProgramFacts& x) { x.typeGuards[f].varSlot += 1; }).rfind(want, 0), 0u);
}

TEST(FalseFacts, AGuardForAFunctionThatCanRaiseIsRefused) {
  // The filter's second clause can raise (a regex may hit the backtracking limit).
  auto p = compile("rule r { Resources.*[ Type == 'A'\n Name == /x+/ ] empty }\n");
  ASSERT_TRUE(p);
  const uint32_t filter = functionNamed(*p, "filter@");
  EXPECT_EQ(p->facts->typeGuards[filter].kind, TypeGuardFact::kNone);
  const std::string e = withFacts(*p, [&](ProgramFacts& x) {
    TypeGuardFact& g = x.typeGuards[filter];
    g.kind = TypeGuardFact::kEqString;
    g.depth = 1;
    g.typeKey = p->intern("Type");
    const auto& c = p->functions[filter].code;
    g.literal = c[4].c;
    g.clause = c[5].c;
  });
  EXPECT_EQ(e.rfind("false fact: function f" + std::to_string(filter), 0), 0u) << e;
  EXPECT_NE(e.find("can raise"), std::string::npos) << e;
}

TEST(FalseFacts, AFalseLiteralValueIsRefused) {
  auto p = compile();
  ASSERT_TRUE(p);
  const uint32_t buckets = functionNamed(*p, "let buckets");
  const std::string e = withFacts(*p, [&](ProgramFacts& x) { x.literalSets[buckets] = 0; });
  EXPECT_NE(e.find("the stated literal value is not what its code returns"), std::string::npos) << e;
}

TEST(FalseFacts, APackStatingOneIsRefused) {
  auto p = compile();
  ASSERT_TRUE(p);
  const uint32_t f = guardedFilter(*p);
  ProgramFacts facts = *p->facts;
  facts.typeGuards[f].depth = 0;  // the call nests no frames: the depth limit would never stop it
  p->facts = std::make_shared<const ProgramFacts>(facts);
  auto loaded = readPack(writePack(*p), "false.gpack");
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error().message.rfind("invalid pack: false fact: function f" + std::to_string(f), 0), 0u)
      << loaded.error().message;
}

// ---------------------------------------------------------------- malformed trace marks

// The first mark of rule `guarded`'s body opening `bit`.
TraceMark* markWith(Program& p, uint8_t bit, uint32_t& func) {
  for (func = 0; func < p.functions.size(); ++func)
    for (TraceMark& m : p.functions[func].trace)
      if (m.open & bit) return &m;
  return nullptr;
}

TEST(MalformedTrace, MarksAtTheWrongInstructionOrOutOfRangeAreRefused) {
  uint32_t f;
  {
    auto p = compile();
    p->functions[0 + 1].trace.push_back(TraceMark{.at = 1000});
    EXPECT_NE(verifyError(*p).find("trace mark at instruction 1000"), std::string::npos) << verifyError(*p);
  }
  {
    auto p = compile();
    TraceMark* m = markWith(*p, TraceMark::kOpenClause, f);
    ASSERT_TRUE(m);
    m->info = uint32_t(p->clauses.size());
    EXPECT_NE(verifyError(*p).find("trace clause"), std::string::npos) << verifyError(*p);
  }
  {
    auto p = compile();
    TraceMark* m = markWith(*p, TraceMark::kOpenWhen, f);
    ASSERT_TRUE(m);
    m->at += 1;  // off its COND_BEGIN
    EXPECT_NE(verifyError(*p).find("trace mark"), std::string::npos) << verifyError(*p);
  }
  {
    auto p = compile();
    TraceMark* m = markWith(*p, TraceMark::kOpenType, f);
    ASSERT_TRUE(m);
    m->block = 0;  // a block that is no type block
    EXPECT_NE(verifyError(*p).find("a type block without a type name"), std::string::npos) << verifyError(*p);
  }
}

TEST(MalformedTrace, UnbalancedMarksAreRefused) {
  uint32_t f;
  {
    auto p = compile();
    TraceMark* m = markWith(*p, TraceMark::kOpenClause, f);
    ASSERT_TRUE(m);
    m->open &= ~TraceMark::kOpenClause;  // its CHECK closes a record never opened
    EXPECT_NE(verifyError(*p).find("closes a record that is not open"), std::string::npos) << verifyError(*p);
  }
  {
    auto p = compile();
    TraceMark* m = markWith(*p, TraceMark::kOpenWhen, f);
    ASSERT_TRUE(m);
    m->open = TraceMark::kOpenType;  // one record where the when's closes take two
    m->disj = 0;
    for (uint32_t b = 0; b < p->blocks.size(); ++b)
      if (p->blocks[b].typeName != kNone) m->block = b;
    const std::string e = verifyError(*p);
    EXPECT_NE(e.find("trace records"), std::string::npos) << e;
  }
  {
    auto p = compile();
    // A skipped `when` that closes nothing: the two paths meet with different records open.
    for (uint32_t g = 0; g < p->functions.size(); ++g)
      for (TraceMark& m : p->functions[g].trace)
        if ((m.close & TraceMark::kCloseWhen) && p->functions[g].code[m.at].op == Op::ST_SET) m.close = 0;
    const std::string e = verifyError(*p);
    EXPECT_NE(e.find("trace records: paths reach instruction"), std::string::npos) << e;
  }
}

TEST(MalformedTrace, APackWithMalformedMarksIsRefused) {
  auto p = compile();
  uint32_t f;
  TraceMark* m = markWith(*p, TraceMark::kOpenBlock, f);
  ASSERT_TRUE(m);
  m->open = TraceMark::kOpenWhen;  // at a CLAUSE_BEGIN
  auto loaded = readPack(writePack(*p), "bad.gpack");
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error().message.rfind("invalid pack: function f" + std::to_string(f), 0), 0u)
      << loaded.error().message;
}

// ---------------------------------------------------------------- format 2.0

// `pack` as format 2.0 wrote it: minor 0, the 2.0 instruction set, no trace
// marks or facts (the caller's program has none).
std::string as20(std::string pack) {
  putU16(pack, 6, 0);
  putU32(pack, 28, instructionSetId20());
  reseal(pack);
  return pack;
}

TEST(Format20, PacksOfTheOldFormatStillLoadAndRun) {
  // No `.*` before a filter: code 2.0 could have held.
  auto p = compile("rule r { Resources.B.Properties.Name == 'logs' }\n");
  ASSERT_TRUE(p);
  p->hasTrace = false;
  for (Function& f : p->functions) f.trace.clear();
  p->facts.reset();
  EXPECT_NE(instructionSetId20(), instructionSetId());
  auto loaded = readPack(as20(writePack(*p)), "old.gpack");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(run(**loaded), "r=PASS ");
}

TEST(Format20, UnfusedCodeRunsTheSameWithoutFacts) {
  auto p = compile();
  ASSERT_TRUE(p);
  const std::string want = run(*p);
  // Split every fused instruction back into Q_ALL_VALUES + the filter, as 2.0's lowering emitted.
  for (Function& f : p->functions) {
    std::vector<Instr> code;
    std::vector<uint32_t> map(f.code.size() + 1);
    for (size_t i = 0; i < f.code.size(); ++i) {
      map[i] = uint32_t(code.size());
      const Instr in = f.code[i];
      if (in.op == Op::Q_VALUES_FILTER || in.op == Op::Q_VALUES_OF_TYPE) {
        code.push_back(Instr{Op::Q_ALL_VALUES, in.a, 0, in.c});
        code.push_back(Instr{in.op == Op::Q_VALUES_FILTER ? Op::Q_FILTER : Op::Q_TYPE_SELECT, in.a,
                             uint16_t(FilterMode::AfterAllValues), in.c + 1});
      } else {
        code.push_back(in);
      }
    }
    map[f.code.size()] = uint32_t(code.size());
    for (Instr& in : code)
      if (opInfo(in.op).c == OperandKind::Target) in.c = map[in.c];
    f.code = std::move(code);
    f.lines.assign(f.code.size(), 0);
    f.depthFirst = depthFirstEnds(f);
    f.trace.clear();
  }
  p->hasTrace = false;
  p->facts.reset();
  ASSERT_EQ(verifyError(*p), "");
  auto loaded = readPack(as20(writePack(*p)), "old.gpack");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(run(**loaded), want);
}

TEST(Format20, AFusedOpcodeInAPackOfTheOldInstructionSetIsRefused) {
  auto p = compile();
  ASSERT_TRUE(p);
  auto loaded = readPack(as20(writePack(*p)), "old.gpack");
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().message.find("which the instruction set of format 2.0 the pack declares does not have"),
            std::string::npos)
      << loaded.error().message;
}

}  // namespace
}  // namespace guard::vm
