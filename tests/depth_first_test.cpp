// Where a query runs member by member (depth first) is stated by the compiler
// (issue 17, Function::depthFirst, pack section 17), proved by the verifier
// and read by the interpreter, which no longer scans the rest of a query at
// run time: the listing shows it, it round-trips through a pack, a false one
// is refused (in memory and in a pack), it changes the records' order (so it
// is required), and packs of format 2.0 and 2.1, which do not state it, get it
// computed when they are read and give the same records. Compiles Guard
// source with compiler/compile.h and checks through vm/pack.h, vm/verify.h,
// vm/analysis.h and vm/interp.h.
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

// A keys filter over two resources' Properties (it records the keys that do
// not match), then a filter over the scalars [*] reaches (it records its
// failing checks, differential case 19): two recording steps in one query,
// so cfn-guard's records interleave per resource.
constexpr const char* kRules = R"(rule r {
  Resources.*.Properties[ keys == /^T/ ][*][ this == 'a' ] == 'b'
}
rule plain {
  Resources.*.Properties.Tags[*] exists
}
)";

constexpr const char* kData = R"(Resources:
  A:
    Type: X
    Properties: {Tags: [a, c], Name: n}
  B:
    Type: Y
    Properties: {Tags: [d], Name: m}
)";

std::unique_ptr<Program> compile(const std::string& rules = kRules) {
  auto p = compileSources({SourceFile{"t.guard", "t.guard", rules}});
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
  return p.ok() ? std::move(p.value()) : nullptr;
}

// Every rule's status and records (kind, status, what, where in the data), in order.
std::string records(const Program& p) {
  auto doc = loadDocument(kData, "d.yaml");
  EXPECT_TRUE(doc.ok());
  auto r = evaluateFile(p, 0, *doc.value(), nullptr, EvalLimits{});
  if (!r.ok()) return "error: " + r.error().message;
  std::string out;
  for (const RuleResult& rr : r->rules) {
    out += p.str(p.rules[rr.rule].name) + "=" + statusName(rr.status) + "\n";
    for (const Record& rec : rr.records) {
      out += "  " + std::to_string(int(rec.kind)) + " " + statusName(rec.status) + " " + std::to_string(rec.info);
      if (rec.from.node) out += " @" + std::to_string(rec.from.node->line) + ":" + std::to_string(rec.from.node->col);
      out += "\n";
    }
  }
  return out;
}

std::string verifyError(const Program& p) {
  auto v = verifyProgram(p);
  return v.ok() ? "" : v.error().message;
}

// The function and instruction of the one stated split.
std::pair<uint32_t, uint32_t> theSplit(const Program& p) {
  for (uint32_t f = 0; f < p.functions.size(); ++f)
    for (uint32_t i = 0; i < p.functions[f].depthFirst.size(); ++i)
      if (p.functions[f].depthFirst[i]) return {f, i};
  ADD_FAILURE() << "no depth-first split stated";
  return {0, 0};
}

// ---- pack bytes (header layout in docs/pack-format.md)

using namespace packbytes;

// `pack` as format 2.`minor` wrote it: no section 18 (and, for 2.0, the 2.0
// instruction set; the caller's code uses none of 2.1's opcodes then).
std::string asOld(const std::string& pack, uint16_t minor) {
  std::string old = withoutSection(pack, uint16_t(SectionId::DepthFirst));
  putU16(old, 6, minor);
  putU32(old, 28, minor == 0 ? instructionSetId20() : instructionSetId21());
  reseal(old);
  return old;
}

// ---------------------------------------------------------------- stated

TEST(DepthFirst, TheCompilerStatesItAndTheListingShowsIt) {
  auto p = compile();
  ASSERT_TRUE(p);
  const auto [f, at] = theSplit(*p);
  const Function& fn = p->functions[f];
  EXPECT_EQ(fn.code[at].op, Op::Q_KEYS_FILTER);
  EXPECT_EQ(fn.depthFirst[at], at + 3);  // the keys filter, [*], the filter
  EXPECT_EQ(fn.depthFirst, depthFirstEnds(fn));
  EXPECT_NE(disassemble(*p).find("Q_KEYS_FILTER     r0, [keys == /^T/]            ; depth first to #" +
                                 std::to_string(at + 3)),
            std::string::npos)
      << disassemble(*p);
  // Only that one: the other query's steps do not record.
  size_t splits = 0;
  for (const Function& g : p->functions)
    for (uint32_t e : g.depthFirst) splits += e != 0;
  EXPECT_EQ(splits, 1u);
}

TEST(DepthFirst, ItDecidesTheOrderOfTheRecords) {
  auto p = compile();
  ASSERT_TRUE(p);
  const std::string depthFirst = records(*p);
  EXPECT_NE(depthFirst.find("r=FAIL"), std::string::npos) << depthFirst;
  // Not stated (a program the verifier would refuse, run anyway): the same
  // records, breadth first, in another order. So the statement is required.
  const auto [f, at] = theSplit(*p);
  p->functions[f].depthFirst[at] = 0;
  const std::string breadthFirst = records(*p);
  EXPECT_NE(breadthFirst, depthFirst);
  EXPECT_EQ(breadthFirst.size(), depthFirst.size());
}

TEST(DepthFirst, RoundTripsThroughARequiredSection) {
  auto p = compile();
  ASSERT_TRUE(p);
  const std::string pack = writePack(*p);
  EXPECT_EQ(u16At(pack, 6), 2);
  EXPECT_EQ(sectionFlags(pack, uint16_t(SectionId::DepthFirst)), int(kSectionRequired));
  auto loaded = readPack(pack, "t.gpack");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  for (size_t f = 0; f < p->functions.size(); ++f)
    EXPECT_EQ((*loaded)->functions[f].depthFirst, p->functions[f].depthFirst);
  EXPECT_EQ(writePack(**loaded), pack);
  EXPECT_EQ(records(**loaded), records(*p));
  // A 2.2 pack must state it.
  auto missing = readPack(withoutSection(pack, uint16_t(SectionId::DepthFirst)), "t.gpack");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("missing section 'depth-first'"), std::string::npos)
      << missing.error().message;
}

// ---------------------------------------------------------------- false statements

TEST(DepthFirst, AFalseOneIsRefused) {
  auto p = compile();
  ASSERT_TRUE(p);
  ASSERT_EQ(verifyError(*p), "");
  const auto [f, at] = theSplit(*p);
  std::vector<uint32_t>& df = p->functions[f].depthFirst;
  const uint32_t end = df[at];
  df[at] = 0;  // left out
  EXPECT_NE(verifyError(*p).find("false fact: the stated depth-first end 0"), std::string::npos) << verifyError(*p);
  df[at] = end - 1;  // the wrong end
  EXPECT_NE(verifyError(*p).find("instruction " + std::to_string(at) + " (Q_KEYS_FILTER): false fact"),
            std::string::npos)
      << verifyError(*p);
  df[at] = end;
  df[at + 1] = end;  // [*] starts none
  EXPECT_NE(verifyError(*p).find("false fact"), std::string::npos);
  df[at + 1] = 0;
  df.pop_back();  // not one per instruction
  EXPECT_NE(verifyError(*p).find("depth-first ends for"), std::string::npos);
  df.clear();  // none stated: as false as 0 at the split
  EXPECT_NE(verifyError(*p).find("false fact"), std::string::npos);
}

TEST(DepthFirst, APackStatingAFalseOneIsRefused) {
  auto p = compile();
  ASSERT_TRUE(p);
  const auto [f, at] = theSplit(*p);
  p->functions[f].depthFirst[at] += 1;
  auto loaded = readPack(writePack(*p), "bad.gpack");
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error().kind, ErrorKind::PackVerify);
  EXPECT_NE(loaded.error().message.find("invalid pack: "), std::string::npos) << loaded.error().message;
  EXPECT_NE(loaded.error().message.find("false fact: the stated depth-first end"), std::string::npos)
      << loaded.error().message;
  // A split at an instruction the function does not have is a decoding error.
  p->functions[f].depthFirst[at] -= 1;
  p->functions[f].depthFirst.push_back(7);
  auto outside = readPack(writePack(*p), "bad.gpack");
  ASSERT_FALSE(outside.ok());
  EXPECT_NE(outside.error().message.find("out of range or order"), std::string::npos) << outside.error().message;
}

// ---------------------------------------------------------------- older packs

TEST(DepthFirst, PacksOf20And21GetItComputedAndTheSameRecords) {
  auto p = compile();
  ASSERT_TRUE(p);
  const std::string want = records(*p);
  // No fused opcode in this program, so its code is also 2.0's.
  for (const Function& f : p->functions)
    for (const Instr& in : f.code) ASSERT_LT(unsigned(in.op), kNumOps20);
  p->hasTrace = false;
  for (Function& f : p->functions) f.trace.clear();
  p->facts.reset();
  const std::string pack = writePack(*p);
  for (uint16_t minor : {0, 1}) {
    auto loaded = readPack(asOld(pack, minor), "old.gpack");
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    for (size_t f = 0; f < p->functions.size(); ++f)
      EXPECT_EQ((*loaded)->functions[f].depthFirst, p->functions[f].depthFirst) << "2." << minor;
    EXPECT_EQ(records(**loaded), want) << "2." << minor;
  }
}

}  // namespace
}  // namespace guard::vm
