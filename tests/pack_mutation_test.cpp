// Packs damaged past their checksum: every pack that readPack and the
// verifier accept must run safely (no crash, no sanitizer report, no hang),
// however it was damaged (issue 16). A compiled pack that uses the whole
// instruction set is mutated a fixed number of times with fixed seeds, by the
// two mutators of tests/pack_mutators.h, and every accepted result is run and
// rendered in every report format (tests/exercise_program.h). ctest runs this
// in the Release and the ASan builds; the fuzz targets pack_resealed_fuzz and
// pack_struct_fuzz run the same mutators open-endedly.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "compiler/compile.h"
#include "runtime/loader.h"
#include "tests/exercise_program.h"
#include "tests/pack_mutators.h"
#include "vm/verify.h"

namespace guard {
namespace {

// Every kind of query part, clause, block and rule, so that mutations meet
// every opcode.
const char* kRules = R"(
let buckets = Resources.*[ Type == 'AWS::S3::Bucket' ]
let names = Resources[ keys == /Bucket/ ]
let lit = ['a', 'b']
rule has_buckets when %buckets !empty {
  %buckets.Properties.BucketName exists
  %buckets.Properties.Tags[*] {
    Key in %lit or Value is_string
    some Value != 'x' <<tags>>
  }
  %names.Properties[ keys in ['BucketName'] ] !empty
}
rule tasks {
  AWS::ECS::TaskDefinition {
    Properties.ContainerDefinitions[*].User != /root/
    Properties.ContainerDefinitions[ Name == 'app' ].Memory >= 256
  }
}
rule param(v) {
  %v exists
  %v in r[1, 1000]
}
rule uses when %buckets !empty {
  has_buckets or nested
  param(Resources.Task.Properties.ContainerDefinitions[0].Memory)
  let k = Resources.Bucket.Properties.BucketName
  Resources[ name ].Type == 'AWS::S3::Bucket'
  Parameters.%k empty or Parameters.Env.Default == 'dev'
  let c = count(Resources.*)
  %c > 1
  Resources.*.Properties.Versioning.Status == 'Enabled' or not tasks
}
rule nested {
  Resources.Bucket.Properties {
    when Versioning exists {
      Versioning.Status in ['Enabled', 'Suspended']
      Tags !empty
    }
  }
  let up = to_upper(Resources.Bucket.Properties.BucketName)
  %up == 'LOGS'
  this.Resources.Task.Properties.ContainerDefinitions[0].Ratio < 2.5
}
)";

struct Fixture {
  std::string pack;
  std::unique_ptr<Document> doc;
};

const Fixture& fixture() {
  static const Fixture f = [] {
    Fixture x;
    auto program = compileSources({SourceFile{"rules.guard", "rules.guard", kRules}});
    if (!program.ok()) {
      ADD_FAILURE() << program.error().message;
      return x;
    }
    x.pack = vm::writePack(*program.value());
    auto doc = loadDocument(testkit::kFixtureTemplate, "data.yaml");
    if (doc.ok()) x.doc = std::move(doc.value());
    return x;
  }();
  return f;
}

// Runs a mutated pack if it is accepted; true when it was.
bool runIfAccepted(const std::string& bytes, const Document& doc) {
  auto loaded = vm::readPack(bytes, "mutant.gpack");
  if (!loaded.ok()) return false;
  EXPECT_TRUE(vm::verifyProgram(*loaded.value()).ok());
  testkit::exerciseProgram(*loaded.value(), doc);
  return true;
}

TEST(PackMutation, TheFixturePackRunsAsIs) {
  const Fixture& f = fixture();
  ASSERT_FALSE(f.pack.empty());
  ASSERT_TRUE(f.doc);
  EXPECT_TRUE(runIfAccepted(f.pack, *f.doc));
}

// 3,000 byte mutations with the checksum recomputed.
TEST(PackMutation, ResealedByteDamageRunsSafelyWhenAccepted) {
  const Fixture& f = fixture();
  ASSERT_TRUE(f.doc);
  packmut::Rng rng(20261206);
  int accepted = 0;
  for (int i = 0; i < 3000; ++i) accepted += runIfAccepted(packmut::resealedBytes(f.pack, rng), *f.doc);
  // Damage to names, messages and unused fields is accepted: the run must have
  // reached the interpreter with damaged packs, not only the reader.
  EXPECT_GT(accepted, 100) << "accepted " << accepted << " of 3000";
  RecordProperty("accepted", accepted);
}

// 3,000 structural mutations: decoded, changed, encoded again.
TEST(PackMutation, StructuralDamageRunsSafelyWhenAccepted) {
  const Fixture& f = fixture();
  ASSERT_TRUE(f.doc);
  packmut::Rng rng(4242);
  int accepted = 0;
  for (int i = 0; i < 3000; ++i) {
    auto program = vm::readPack(f.pack, "fixture.gpack");
    ASSERT_TRUE(program.ok());
    packmut::mutateProgram(*program.value(), rng, vm::kNumOps);
    accepted += runIfAccepted(vm::writePack(*program.value()), *f.doc);
  }
  EXPECT_GT(accepted, 100) << "accepted " << accepted << " of 3000";
  RecordProperty("accepted", accepted);
}

// The markers that open and close records must nest on every path
// (vm/verify.cpp checkMarkers); each of these broke the heap before.
TEST(PackMutation, UnbalancedMarkersAreRefused) {
  auto program = compileSources({SourceFile{"r.guard", "r.guard", "rule r { A exists or B exists }"}});
  ASSERT_TRUE(program.ok());
  const vm::Program& good = *program.value();
  auto withCode = [&](auto edit) {
    auto copy = vm::readPack(vm::writePack(good), "copy");
    EXPECT_TRUE(copy.ok());
    for (vm::Function& fn : copy.value()->functions)
      if (!fn.code.empty() && fn.kind == vm::FuncKind::Cnf) edit(fn);
    return vm::verifyProgram(*copy.value());
  };
  auto refusedWith = [&](auto edit, const std::string& why) {
    auto v = withCode(edit);
    ASSERT_FALSE(v.ok()) << "accepted; expected: " << why;
    EXPECT_NE(v.error().message.find(why), std::string::npos) << v.error().message;
  };
  auto replaceFirst = [](vm::Function& fn, vm::Op op, vm::Instr with) {
    for (vm::Instr& in : fn.code)
      if (in.op == op) {
        in = with;
        return;
      }
  };
  refusedWith([&](vm::Function& fn) { replaceFirst(fn, vm::Op::CLAUSE_BEGIN, {vm::Op::COND_BEGIN, 0, 0, 0}); },
              "closes a CLAUSE_BEGIN while a COND_BEGIN is open inside it");
  refusedWith([&](vm::Function& fn) { replaceFirst(fn, vm::Op::DISJ_BEGIN, {vm::Op::CLAUSE_BEGIN, 0, 0, 0}); },
              "closes a DISJ_BEGIN while a CLAUSE_BEGIN is open inside it");
  refusedWith([&](vm::Function& fn) { replaceFirst(fn, vm::Op::DISJ_END, {vm::Op::COND_END, 0, 0, 0}); },
              "closes a COND_BEGIN");
  refusedWith([&](vm::Function& fn) { replaceFirst(fn, vm::Op::DISJ_END, {vm::Op::ST_CONJ, 0, 0, 0}); },
              "returns with DISJ_BEGIN still open");
}

// Two paths that meet with different open markers.
TEST(PackMutation, PathsMustMeetWithTheSameMarkers) {
  auto program = compileSources({SourceFile{"r.guard", "r.guard", "rule r {\n  when A exists { B exists }\n}\n"}});
  ASSERT_TRUE(program.ok());
  auto copy = vm::readPack(vm::writePack(*program.value()), "copy");
  ASSERT_TRUE(copy.ok());
  bool edited = false;
  for (vm::Function& fn : copy.value()->functions) {
    // A conditional jump over an added CLAUSE_BEGIN: one path opens it, the other does not.
    for (size_t i = 0; i + 1 < fn.code.size() && !edited; ++i) {
      const vm::Op op = fn.code[i].op;
      if (op != vm::Op::JUMP_IF_PASS && op != vm::Op::JUMP_UNLESS_PASS) continue;
      fn.code.insert(fn.code.begin() + i + 1, vm::Instr{vm::Op::CLAUSE_BEGIN, 0, 0, 0});
      fn.lines.insert(fn.lines.begin() + i + 1, fn.lines[i]);
      for (vm::Instr& in : fn.code)
        if ((in.op == vm::Op::JUMP || in.op == vm::Op::JUMP_IF_PASS || in.op == vm::Op::JUMP_UNLESS_PASS) &&
            in.c > i)
          ++in.c;
      edited = true;
    }
  }
  ASSERT_TRUE(edited);
  auto v = vm::verifyProgram(*copy.value());
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.error().message.find("with different open markers"), std::string::npos) << v.error().message;
}

// The packs the pack fuzzers found (tests/fuzz/regressions/pack*/), run as
// the fuzzers run them, so that the Release and sanitizer ctest keep checking
// them, not only the fuzz smoke's replay. pack_struct's
// borrowed-slot-list-longer-than-function: a variable read through a frame
// whose (lent, longer) slot list had the index but whose function did not.
TEST(PackMutation, FuzzerReproducersRunClean) {
  ASSERT_TRUE(fixture().doc);
  const Document& doc = *fixture().doc;
  // A fuzzer runs each input after many others: the thread's lent slot lists
  // (the file frame's and each call depth's) are as long as the longest seen.
  // Lengthen them first, as those earlier inputs did.
  std::string many;
  for (int i = 0; i < 64; ++i) many += "let f" + std::to_string(i) + " = " + std::to_string(i) + "\n";
  many += "rule r {\n";
  for (int i = 0; i < 64; ++i) many += "  let b" + std::to_string(i) + " = " + std::to_string(i) + "\n";
  many += "  %f63 == 63\n  %b63 == 63\n}\n";
  auto lengthening = compileSources({SourceFile{"many.guard", "many.guard", many}});
  ASSERT_TRUE(lengthening.ok()) << lengthening.error().message;
  testkit::exerciseProgram(*lengthening.value(), doc);
  int packs = 0;
  for (const char* target : {"pack", "pack_resealed", "pack_struct"}) {
    const std::filesystem::path dir = std::filesystem::path(GUARD_SOURCE_DIR) / "tests/fuzz/regressions" / target;
    if (!std::filesystem::is_directory(dir)) continue;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      std::ifstream in(entry.path(), std::ios::binary);
      const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      auto program = vm::readPack(bytes, entry.path().filename().string());
      if (program.ok()) testkit::exerciseProgram(*program.value(), doc);
      ++packs;
    }
  }
  EXPECT_GE(packs, 2);
}

}  // namespace
}  // namespace guard
