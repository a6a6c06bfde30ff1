// The per-pair pre-answer (issue 17 item 5): the compiler states, per rules
// file, the resource types without which every rule is SKIP (FileSkipFact,
// vm/analysis.h; pack section 17), the verifier proves it, and evaluateFile
// answers such a pair from the document's type tags without a machine
// (fileSkipApplies, vm/interp.cpp). The machine stays the checker: every
// test here evaluates each pair both ways (EvalLimits::preAnswer off and on)
// and requires the same statuses, records and reports (summary, console,
// JSON, YAML). PreAnswerRegistry.BothWaysAgree runs that over every registry
// rules file × every registry test input and generated templates when ctest's
// `pre_answer_registry` (tests/pre_answer_registry.sh) gives it the paths.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "compiler/compile.h"
#include "report/report.h"
#include "runtime/json_writer.h"
#include "runtime/loader.h"
#include "vm/analysis.h"
#include "vm/interp.h"
#include "vm/pack.h"
#include "vm/verify.h"

namespace guard::vm {
namespace {

namespace fs = std::filesystem;

std::unique_ptr<Program> compile(const std::string& rules) {
  auto p = compileSources({SourceFile{"t.guard", "t.guard", rules}});
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
  return p.ok() ? std::move(p.value()) : nullptr;
}

std::unique_ptr<Document> load(const std::string& text, const std::string& name = "d.yaml") {
  auto d = loadDocument(text, name);
  EXPECT_TRUE(d.ok()) << (d.ok() ? "" : d.error().message);
  return d.ok() ? std::move(d.value()) : nullptr;
}

std::vector<std::string> typesOf(const Program& p, uint32_t file = 0) {
  if (!p.facts || file >= p.facts->fileSkips.size()) return {};
  return p.facts->fileSkips[file].types;
}

// Everything a pair shows: statuses, records, and every report of it.
std::string rendered(const Program& p, const FileResult& r, const Document& d) {
  std::string out = "status " + std::string(statusName(r.status)) + "\n";
  for (const RuleResult& rr : r.rules)
    out += p.str(p.rules[rr.rule].name) + " " + statusName(rr.status) + " records " +
           std::to_string(rr.records.size()) + "\n";
  out += "scratch " + std::to_string(r.scratch != nullptr) + " sets " + std::to_string(r.sets.size()) + "\n";
  PairView view{p, r, d, d.text(), p.str(p.files[r.file].name), d.name()};
  ConsoleOptions all;
  all.summary = kShowPass | kShowFail | kShowSkip;
  writeSummaryTable(out, view, all);
  std::string panic;
  writeConsoleDetail(out, view, all, panic);
  out += panic;
  writeFileReportJson(out, view);
  writeFileReportYaml(out, view);
  return out;
}

struct BothWays {
  std::string slow, fast;  // rendered, or the error
  bool preAnswered = false;
};

BothWays bothWays(const Program& p, uint32_t file, const Document& d) {
  BothWays b;
  EvalLimits off;
  off.preAnswer = false;
  auto slow = evaluateFile(p, file, d, nullptr, off);
  b.slow = slow.ok() ? rendered(p, slow.value(), d) : "error: " + slow.error().message;
  b.preAnswered = fileSkipApplies(p, file, d, nullptr, EvalLimits{});
  auto fast = evaluateFile(p, file, d);
  b.fast = fast.ok() ? rendered(p, fast.value(), d) : "error: " + fast.error().message;
  return b;
}

constexpr const char* kBucketRules = R"(let buckets = Resources.*[ Type == 'AWS::S3::Bucket'
  Metadata.guard.SuppressedRules not exists or
  Metadata.guard.SuppressedRules.* != "B"
]
let queues = Resources.*[ Type == 'AWS::SQS::Queue' ]
rule buckets_named when %buckets !empty {
  %buckets.Properties.BucketName exists
}
rule queues_named when %queues !empty %buckets exists {
  %queues.Properties.QueueName exists
}
)";

TEST(FileSkipFact, StatedForRulesGuardedByTypeSelections) {
  auto p = compile(kBucketRules);
  ASSERT_TRUE(p);
  EXPECT_EQ(typesOf(*p), (std::vector<std::string>{"AWS::S3::Bucket", "AWS::SQS::Queue"}));
  auto q = compile(R"(let types = ['AWS::EC2::Instance', 'AWS::EC2::Volume']
let picked = Resources.*[ Type in %types
  Properties exists ]
let listed = Resources.*[ Type in ['AWS::A::B'] ]
rule a when %picked !empty { %picked.Properties.X exists }
rule b when %listed !empty { %listed.Properties.Y exists }
rule c(x) { %x exists }
)");
  ASSERT_TRUE(q);
  EXPECT_EQ(typesOf(*q), (std::vector<std::string>{"AWS::A::B", "AWS::EC2::Instance", "AWS::EC2::Volume"}));
}

TEST(FileSkipFact, NotStatedForShapesItCannotProve) {
  const char* cases[] = {
      // a rule without a `when`
      "let b = Resources.*[ Type == 'A' ]\nrule r { %b exists }\n",
      // `%b empty` passes on no bucket
      "let b = Resources.*[ Type == 'A' ]\nrule r when %b empty { %b exists }\n",
      // `not exists`-like: a negated clause
      "let b = Resources.*[ Type == 'A' ]\nrule r when not %b !empty { %b exists }\n",
      // no type selection
      "let b = Resources.*\nrule r when %b !empty { %b exists }\n",
      // `%b.Properties !empty` tests members, not the set
      "let b = Resources.*[ Type == 'A' ]\nrule r when %b.Properties !empty { %b exists }\n",
      // a second `when` clause that is not over a type selection
      "let b = Resources.*[ Type == 'A' ]\nlet m = Resources.Metadata\nrule r when %b !empty %m !empty { %b exists }\n",
      // a substring test, not membership
      "let b = Resources.*[ Type in 'AWS::S3::Bucket' ]\nrule r when %b !empty { %b exists }\n",
      // the filter's rest can raise (a regex)
      "let b = Resources.*[ Type == 'A'\n Name == /x+/ ]\nrule r when %b !empty { %b exists }\n",
      // a default rule besides
      "let b = Resources.*[ Type == 'A' ]\nrule r when %b !empty { %b exists }\nResources exists\n",
      // a disjunction in the `when`
      "let b = Resources.*[ Type == 'A' ]\nrule r when %b !empty or Resources exists { %b exists }\n",
      // only parameterized rules
      "rule r(x) { %x exists }\n",
  };
  for (const char* rules : cases) {
    auto p = compile(rules);
    ASSERT_TRUE(p) << rules;
    EXPECT_TRUE(typesOf(*p).empty()) << rules;
  }
}

// `p` with its facts replaced by `edit` of them; the verifier's answer.
template <class F> std::string withFacts(Program& p, F edit) {
  ProgramFacts facts = *p.facts;
  edit(facts);
  p.facts = std::make_shared<const ProgramFacts>(facts);
  auto v = verifyProgram(p);
  return v.ok() ? "" : v.error().message;
}

TEST(FileSkipFact, TheVerifierRefusesAFalseOne) {
  auto p = compile(kBucketRules);
  ASSERT_TRUE(p);
  EXPECT_EQ(withFacts(*p, [](ProgramFacts&) {}), "");
  // Leaving out the queue type would answer SKIP for a template of queues.
  std::string e = withFacts(*p, [](ProgramFacts& f) { f.fileSkips[0].types = {"AWS::S3::Bucket"}; });
  EXPECT_NE(e.find("false fact: rules file 0 't.guard': the stated skip condition does not hold"), std::string::npos)
      << e;
  auto q = compile("let b = Resources.*\nrule r when %b !empty { %b exists }\n");
  ASSERT_TRUE(q);
  e = withFacts(*q, [](ProgramFacts& f) { f.fileSkips[0].types = {"A"}; });
  EXPECT_NE(e.find("the stated skip condition does not hold"), std::string::npos) << e;
  auto r = compile(kBucketRules);
  e = withFacts(*r, [](ProgramFacts& f) { f.fileSkips.resize(2); });
  EXPECT_NE(e.find("skip conditions for 2 rules files"), std::string::npos) << e;
}

TEST(FileSkipFact, PacksCarryItInSection17AndRefuseAFalseOne) {
  auto p = compile(kBucketRules);
  ASSERT_TRUE(p);
  auto loaded = readPack(writePack(*p), "t.gpack");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(typesOf(*loaded.value()), typesOf(*p));
  EXPECT_EQ(loaded.value()->facts->fileSkips[0].literalNodes, p->facts->fileSkips[0].literalNodes);
  // Without the section (as a 2.1 writer): no condition, the same answers.
  ProgramFacts none = *p->facts;
  none.fileSkips.clear();
  auto q = compile(kBucketRules);
  q->facts = std::make_shared<const ProgramFacts>(none);
  auto without = readPack(writePack(*q), "t.gpack");
  ASSERT_TRUE(without.ok()) << without.error().message;
  EXPECT_TRUE(typesOf(*without.value()).empty());
  // A false one is refused when read.
  ProgramFacts wrong = *p->facts;
  wrong.fileSkips[0].types = {"AWS::S3::Bucket"};
  p->facts = std::make_shared<const ProgramFacts>(wrong);
  auto refused = readPack(writePack(*p), "false.gpack");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("invalid pack: false fact: rules file 0"), std::string::npos)
      << refused.error().message;
}

uint16_t u16At(const std::string& s, size_t at) { return uint16_t(uint8_t(s[at]) | uint8_t(s[at + 1]) << 8); }
uint32_t u32At(const std::string& s, size_t at) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | uint8_t(s[at + i]);
  return v;
}

// Section 17 is optional: a 2.1 reader, which does not know it, skips it. Seen
// here by renumbering it to an id this reader does not know either.
TEST(FileSkipFact, Section17IsOptionalAndSkippedWhereUnknown) {
  auto p = compile(kBucketRules);
  ASSERT_TRUE(p);
  std::string pack = writePack(*p);
  EXPECT_EQ(u16At(pack, 6), 2);  // format 2.2
  size_t entry = 0;
  for (uint32_t i = 0; i < u32At(pack, 20); ++i)
    if (u16At(pack, 32 + 12 * i) == uint16_t(SectionId::FileFacts)) entry = 32 + 12 * i;
  ASSERT_NE(entry, 0u);
  EXPECT_EQ(u16At(pack, entry + 2), 0);  // not required
  pack[entry] = char(99);
  uint32_t crc = crc32c(std::string_view(pack).substr(0, 24));
  crc = crc32c(std::string_view(pack).substr(28), crc);
  for (int i = 0; i < 4; ++i) pack[24 + i] = char(crc >> (8 * i));
  auto loaded = readPack(pack, "t.gpack");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_TRUE(typesOf(*loaded.value()).empty());
  auto d = load("Resources:\n  T: {Type: AWS::SNS::Topic}\n");
  ASSERT_TRUE(d);
  EXPECT_FALSE(fileSkipApplies(*loaded.value(), 0, *d, nullptr, EvalLimits{}));
  EXPECT_EQ(bothWays(*loaded.value(), 0, *d).fast, bothWays(*p, 0, *d).fast);
}

// Documents at the edges of the condition: each is evaluated both ways, and
// whether it was answered without a machine is as expected.
TEST(PreAnswer, AgreesWithTheMachineAtTheEdges) {
  auto p = compile(kBucketRules);
  ASSERT_TRUE(p);
  struct Case {
    const char* doc;
    bool preAnswered;
  };
  const Case cases[] = {
      {"Resources:\n  T: {Type: AWS::SNS::Topic}\n  U: {Type: AWS::SNS::Topic, Properties: {A: 1}}\n", true},
      {"Resources:\n  T: {Type: AWS::SNS::Topic}\n", true},
      {"Resources:\n  B: {Type: AWS::S3::Bucket, Properties: {BucketName: x}}\n", false},
      {"Resources:\n  Q: {Type: AWS::SQS::Queue}\n  T: {Type: AWS::SNS::Topic}\n", false},
      // a lower-case `type` a type select may still match
      {"Resources:\n  B: {type: AWS::SQS::Queue}\n  T: {Type: AWS::SNS::Topic}\n", false},
      // a list of types, an empty list, a value that is not a map
      {"Resources:\n  B: {Type: [AWS::SQS::Queue]}\n  T: {Type: AWS::SNS::Topic}\n", false},
      {"Resources:\n  B: {Type: []}\n  T: {Type: AWS::SNS::Topic}\n", false},
      {"Resources:\n  B: 3\n  T: {Type: AWS::SNS::Topic}\n", false},
      {"Resources: {}\n", false},
      {"Resources: [1]\n", false},
      {"Other: 1\n", false},
      {"resources:\n  B: {Type: AWS::SQS::Queue}\n", false},
      {"[1, 2]\n", false},
      {"{}\n", false},
  };
  for (const Case& c : cases) {
    auto d = load(c.doc);
    ASSERT_TRUE(d) << c.doc;
    BothWays b = bothWays(*p, 0, *d);
    EXPECT_EQ(b.fast, b.slow) << c.doc;
    EXPECT_EQ(b.preAnswered, c.preAnswered) << c.doc;
  }
}

TEST(PreAnswer, NotInTraceModeNorOnASubtreeNorPastTheLimit) {
  auto p = compile(kBucketRules);
  ASSERT_TRUE(p);
  auto d = load("Resources:\n  T: {Type: AWS::SNS::Topic}\n");
  ASSERT_TRUE(d);
  EXPECT_TRUE(fileSkipApplies(*p, 0, *d, nullptr, EvalLimits{}));
  EvalLimits trace;
  trace.trace = true;
  EXPECT_FALSE(fileSkipApplies(*p, 0, *d, nullptr, trace));
  EXPECT_FALSE(fileSkipApplies(*p, 0, *d, d->root()->map.entries[0].value, EvalLimits{}));
  EvalLimits tiny;
  tiny.maxResultSetSize = 2;  // fewer than the document's nodes
  EXPECT_FALSE(fileSkipApplies(*p, 0, *d, nullptr, tiny));
}

TEST(PreAnswer, ReusedResultsHoldOnlyTheLastPair) {
  auto p = compile(kBucketRules);
  ASSERT_TRUE(p);
  auto failing = load("Resources:\n  B: {Type: AWS::S3::Bucket}\n  Q: {Type: AWS::SQS::Queue}\n");
  auto skipped = load("Resources:\n  T: {Type: AWS::SNS::Topic}\n");
  FileResult reused;
  for (int round = 0; round < 3; ++round) {
    for (const Document* d : {failing.get(), skipped.get()}) {
      ASSERT_TRUE(evaluateFileInto(reused, *p, 0, *d).ok());
      auto fresh = evaluateFile(*p, 0, *d);
      ASSERT_TRUE(fresh.ok());
      EXPECT_EQ(rendered(*p, reused, *d), rendered(*p, fresh.value(), *d));
    }
  }
}

// ---------------------------------------------------------------- the registry

// Each element of `list` (a registry test file's specs) as its own document,
// through JSON text: the pre-answer applies only to a document's root.
void addTestInputs(const std::string& path, std::vector<std::unique_ptr<Document>>& docs) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  auto specs = loadDocument(text.str(), path);
  if (!specs.ok() || !specs.value()->root() || specs.value()->root()->kind != NodeKind::List) return;
  const Node* list = specs.value()->root();
  for (uint32_t i = 0; i < list->list.size; ++i) {
    const Node* spec = list->list.items[i];
    const Node* input = spec->kind == NodeKind::Map ? Document::lookupText(spec, "input") : nullptr;
    if (!input) continue;
    std::string json;
    json::writePretty(json, json::fromNode(input));
    auto d = loadDocument(json, path + "#" + std::to_string(i) + ".json");
    if (d.ok()) docs.push_back(std::move(d.value()));
  }
}

std::vector<std::string> filesUnder(const std::string& dir, const std::vector<std::string>& suffixes) {
  std::vector<std::string> out;
  if (dir.empty() || !fs::is_directory(dir)) return out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    const std::string p = e.path().string();
    for (const auto& s : suffixes)
      if (p.size() >= s.size() && p.compare(p.size() - s.size(), s.size(), s) == 0) out.push_back(p);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Every registry rules file × every registry test input and every template of
// GUARD_PRE_ANSWER_TEMPLATES, both ways. Run by ctest's pre_answer_registry,
// which sets the paths; skipped without them.
TEST(PreAnswerRegistry, BothWaysAgree) {
  const char* rulesDir = std::getenv("GUARD_PRE_ANSWER_RULES");
  const char* templatesDir = std::getenv("GUARD_PRE_ANSWER_TEMPLATES");
  if (!rulesDir || !*rulesDir) GTEST_SKIP() << "GUARD_PRE_ANSWER_RULES not set (ctest pre_answer_registry sets it)";
  std::vector<SourceFile> sources;
  for (const std::string& path : filesUnder(rulesDir, {".guard"})) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    sources.push_back(SourceFile{path, fs::path(path).filename().string(), text.str()});
  }
  ASSERT_FALSE(sources.empty());
  auto program = compileSources(sources);
  ASSERT_TRUE(program.ok()) << program.error().message;
  const Program& p = *program.value();
  // As guardc writes it and guardvm reads it: the facts are proved on the way.
  auto packed = readPack(writePack(p), "registry.gpack");
  ASSERT_TRUE(packed.ok()) << packed.error().message;
  const Program& P = *packed.value();

  std::vector<std::unique_ptr<Document>> docs;
  for (const std::string& path : filesUnder(rulesDir, {".yml", ".yaml"})) addTestInputs(path, docs);
  const size_t inputs = docs.size();
  for (const std::string& path : filesUnder(templatesDir ? templatesDir : "", {".yaml", ".json"})) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    auto d = loadDocument(text.str(), path);
    ASSERT_TRUE(d.ok()) << path;
    docs.push_back(std::move(d.value()));
  }
  size_t files = 0, stated = 0, pairs = 0, preAnswered = 0, differ = 0;
  for (uint32_t f = 0; f < P.files.size(); ++f) {
    if (P.files[f].empty) continue;
    ++files;
    stated += !typesOf(P, f).empty();
    for (const auto& d : docs) {
      BothWays b = bothWays(P, f, *d);
      ++pairs;
      preAnswered += b.preAnswered;
      if (b.fast != b.slow && ++differ <= 5)
        ADD_FAILURE() << P.str(P.files[f].name) << " x " << d->name() << ":\n--- machine\n"
                      << b.slow << "\n--- pre-answer\n"
                      << b.fast;
    }
  }
  EXPECT_EQ(differ, 0u);
  EXPECT_GT(stated, 0u);
  EXPECT_GT(preAnswered, 0u);
  std::printf("registry: %zu rules files (%zu with a skip condition) x %zu documents (%zu test inputs): "
              "%zu pairs, %zu answered without a machine, %zu differ\n",
              files, stated, docs.size(), inputs, pairs, preAnswered, differ);
}

}  // namespace
}  // namespace guard::vm
