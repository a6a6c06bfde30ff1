// Common query prefixes within a block computed once (issue 17): the
// compiler (compiler/lower.cpp, planSharedPrefixes) computes a path that
// several clauses of one block walk from `this` into a register of its own,
// and each clause copies it (Q_COPY); the verifier proves the register is
// written before every copy; unresolved members made by the prefix carry each
// clause's own query part, so reports do not change; what could differ between
// the clauses (variables, filters, clauses under `or`) is not shared; a pack
// declaring the 2.1 instruction set may not use Q_COPY. Compiles Guard source
// with compiler/compile.h and checks through vm/disasm.h, vm/verify.h,
// vm/pack.h and vm/interp.h.
#include <gtest/gtest.h>

#include <string>

#include "compiler/compile.h"
#include "runtime/loader.h"
#include "vm/disasm.h"
#include "vm/interp.h"
#include "vm/pack.h"
#include "vm/verify.h"

namespace guard::vm {
namespace {

constexpr const char* kRules = R"(rule r {
  Resources.*.Properties.A exists
  Resources.*.Properties.B exists
  Resources.*.Properties.C == 'c'
}
)";

// B has no Properties: each clause's query stops at `Properties` there.
constexpr const char* kData = R"(Resources:
  A:
    Type: X
    Properties: {A: 1, C: d}
  B:
    Type: Y
)";

std::unique_ptr<Program> compile(const std::string& rules) {
  auto p = compileSources({SourceFile{"t.guard", "t.guard", rules}});
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
  return p.ok() ? std::move(p.value()) : nullptr;
}

const Function& body(const Program& p, const std::string& name) {
  for (const Function& f : p.functions)
    if (p.str(f.name) == name) return f;
  ADD_FAILURE() << "no function " << name;
  return p.functions[0];
}

size_t count(const Function& f, Op op) {
  size_t n = 0;
  for (const Instr& in : f.code) n += in.op == op;
  return n;
}

std::string verifyError(const Program& p) {
  auto v = verifyProgram(p);
  return v.ok() ? "" : v.error().message;
}

TEST(SharedPrefix, ComputedOnceAndCopiedByEachClause) {
  auto p = compile(kRules);
  ASSERT_TRUE(p);
  const Function& f = body(*p, "rule r");
  EXPECT_EQ(count(f, Op::Q_COPY), 3u);
  EXPECT_EQ(count(f, Op::Q_ALL_VALUES), 1u);  // Resources.*.Properties once
  EXPECT_EQ(count(f, Op::Q_KEY), 2u + 3u);    // .Resources .Properties, then .A .B .C
  const std::string listing = disassemble(*p);
  EXPECT_NE(listing.find("     5  Q_KEY             r0, .Properties\n"
                         "     6  Q_COPY            r1, r0, .Resources\n"
                         "     7  Q_KEY             r1, .A\n"),
            std::string::npos)
      << listing;
  EXPECT_NE(listing.find("    10  CLAUSE_BEGIN\n    11  Q_COPY            r1, r0, .Resources\n"), std::string::npos)
      << listing;
}

// The records of an unresolved `Properties` name each clause's own query, so
// the reports' remaining query reads `Properties.B` in the second clause.
TEST(SharedPrefix, UnresolvedMembersKeepTheirClausesQuery) {
  auto p = compile(kRules);
  ASSERT_TRUE(p);
  auto doc = loadDocument(kData, "d.yaml");
  ASSERT_TRUE(doc.ok());
  auto r = evaluateFile(*p, 0, *doc.value(), nullptr, EvalLimits{});
  ASSERT_TRUE(r.ok()) << r.error().message;
  std::vector<std::string> remaining;
  for (const Record& rec : r->rules[0].records)
    if (rec.from.isUnresolved() && rec.from.part < p->parts.size()) {
      const Part& part = p->parts[rec.from.part];
      remaining.push_back(p->remainingQuery(part.query, part.position));
    }
  EXPECT_EQ(remaining, (std::vector<std::string>{"Properties.A", "B", "Properties.B", "Properties.C"}));
}

TEST(SharedPrefix, TheVerifierProvesTheRegisterIsWrittenFirst) {
  auto p = compile(kRules);
  ASSERT_TRUE(p);
  ASSERT_EQ(verifyError(*p), "");
  Function& f = p->functions[1];
  ASSERT_EQ(p->str(f.name), "rule r");
  // The first clause no longer computes the prefix: its copy reads r0 unwritten.
  for (Instr& in : f.code)
    if (in.op == Op::Q_THIS || (in.a == 0 && (in.op == Op::Q_KEY || in.op == Op::Q_ALL_VALUES)))
      in = Instr{Op::ST_SET, 0, 0, 0};
  EXPECT_NE(verifyError(*p).find("(Q_COPY): reads r0, which is not written on every path before it"),
            std::string::npos)
      << verifyError(*p);
  auto loaded = readPack(writePack(*p), "bad.gpack");
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().message.find("reads r0"), std::string::npos) << loaded.error().message;
}

TEST(SharedPrefix, OnlyWhatCannotDifferBetweenTheClauses) {
  // Under `or` (a clause may not run), through a variable, a filter or a
  // capture, or only one step long: nothing shared.
  for (const char* rules : {
           "rule r { Resources.*.Properties.A exists or Resources.*.Properties.B exists\n"
           "         Resources.*.Properties.C exists }\n",
           "let x = Resources\nrule r { %x.*.Properties.A exists\n %x.*.Properties.B exists }\n",
           "rule r { Resources.*[ Type == 'X' ].Properties.A exists\n"
           "         Resources.*[ Type == 'X' ].Properties.B exists }\n",
           "rule r { Resources[k].Properties.A exists\n Resources[k].Properties.B exists }\n",
           "rule r { Properties.A exists\n Properties.B exists }\n",
       }) {
    auto p = compile(rules);
    ASSERT_TRUE(p);
    for (const Function& f : p->functions) EXPECT_EQ(count(f, Op::Q_COPY), 0u) << rules;
  }
  // In a block and a type block too.
  auto p = compile(
      "rule r { Resources.*[*] { Properties.X.A exists\n Properties.X.B exists } }\n"
      "rule t { AWS::S3::Bucket { Properties.X.A exists\n Properties.X.B exists } }\n");
  ASSERT_TRUE(p);
  size_t copies = 0;
  for (const Function& f : p->functions) copies += count(f, Op::Q_COPY);
  EXPECT_EQ(copies, 4u);
}

TEST(SharedPrefix, APackOfThe21InstructionSetMayNotUseIt) {
  auto p = compile(kRules);
  ASSERT_TRUE(p);
  std::string pack = writePack(*p);
  auto put = [&](size_t at, uint32_t v) {
    for (int i = 0; i < 4; ++i) pack[at + i] = char(v >> (8 * i));
  };
  put(28, instructionSetId21());
  uint32_t crc = crc32c(std::string_view(pack).substr(0, 24));
  put(24, crc32c(std::string_view(pack).substr(28), crc));
  auto loaded = readPack(pack, "old.gpack");
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().message.find("uses Q_COPY, which the instruction set of format 2.1 the pack declares does not have"),
            std::string::npos)
      << loaded.error().message;
}

}  // namespace
}  // namespace guard::vm
