// Tests of libguardvm's C API (include/guardvm/guardvm.h), linked against the
// shared library itself: compiling, packs in and out, evaluation against the
// CLI's own output, errors as codes (bad rules, packs, documents, arguments,
// exhausted memory) and one pack shared by many threads (run under ASan in
// the asan preset and under TSan in the tsan preset). Run by ctest.
#include "guardvm/guardvm.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;

const char* kRules = R"(
let buckets = Resources.*[ Type == 'AWS::S3::Bucket' ]
rule s3_versioned when %buckets !empty {
  %buckets.Properties.VersioningConfiguration.Status == 'Enabled' <<versioning must be on>>
}
rule s3_named when %buckets !empty {
  %buckets.Properties.BucketName exists
}
)";

const char* kGood = "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: b\n"
                    "      VersioningConfiguration:\n        Status: Enabled\n";
const char* kBad = R"({"Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": {}}}})";
const char* kNone = "Resources: {}\n";

struct ErrorDeleter {
  void operator()(guardvm_error* e) const { guardvm_error_free(e); }
};
struct PackDeleter {
  void operator()(guardvm_pack* p) const { guardvm_pack_free(p); }
};
struct ResultDeleter {
  void operator()(guardvm_result* r) const { guardvm_result_free(r); }
};
using ErrorPtr = std::unique_ptr<guardvm_error, ErrorDeleter>;
using PackPtr = std::unique_ptr<guardvm_pack, PackDeleter>;
using ResultPtr = std::unique_ptr<guardvm_result, ResultDeleter>;

PackPtr compileText(const std::string& name, const std::string& text) {
  guardvm_source src{name.c_str(), text.data(), text.size()};
  guardvm_pack* pack = nullptr;
  guardvm_error* error = nullptr;
  guardvm_code rc = guardvm_compile(&src, 1, &pack, &error);
  EXPECT_EQ(rc, GUARDVM_OK) << (error ? guardvm_error_message(error) : "");
  guardvm_error_free(error);
  return PackPtr(pack);
}

ResultPtr validate(const guardvm_pack* pack, const std::string& data, const char* name, unsigned flags = 0) {
  guardvm_result* result = nullptr;
  guardvm_error* error = nullptr;
  guardvm_code rc = guardvm_validate(pack, data.data(), data.size(), name, flags, &result, &error);
  EXPECT_EQ(rc, GUARDVM_OK) << (error ? guardvm_error_message(error) : "");
  guardvm_error_free(error);
  return ResultPtr(result);
}

std::string reportOf(const guardvm_result* r) {
  size_t n = 0;
  const char* text = guardvm_result_report(r, &n);
  return std::string(text, n);
}

// What the guardvm program writes for `args`, and its exit code.
std::pair<std::string, int> runGuardvm(const std::string& args) {
  std::string cmd = std::string(GUARDVM_PROGRAM) + " " + args + " 2>/dev/null";
  std::FILE* p = ::popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 65536> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  int status = ::pclose(p);
  return {out, WIFEXITED(status) ? WEXITSTATUS(status) : -1};
}

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/guardvm-capi-XXXXXX";
    path_ = ::mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string file(const std::string& name, const std::string& text) const {
    std::string p = path_ + "/" + name;
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(CApi, SaysWhatItIs) {
  EXPECT_EQ(guardvm_api_version(), GUARDVM_API_VERSION);
  std::string v = guardvm_version();
  EXPECT_EQ(v.rfind("guardvm ", 0), 0u) << v;
  EXPECT_NE(v.find("cfn-guard 3.1.1 compatible"), std::string::npos) << v;
}

TEST(CApi, StatusesPerFileAndRule) {
  PackPtr pack = compileText("s3.guard", kRules);
  ASSERT_TRUE(pack);
  ASSERT_EQ(guardvm_pack_file_count(pack.get()), 1u);
  EXPECT_STREQ(guardvm_pack_file_name(pack.get(), 0), "s3.guard");

  ResultPtr bad = validate(pack.get(), kBad, "bad.json");
  EXPECT_EQ(guardvm_result_status(bad.get()), GUARDVM_FAIL);
  ASSERT_EQ(guardvm_result_file_count(bad.get()), 1u);
  EXPECT_STREQ(guardvm_result_file_name(bad.get(), 0), "s3.guard");
  ASSERT_EQ(guardvm_result_rule_count(bad.get(), 0), 2u);
  EXPECT_STREQ(guardvm_result_rule_name(bad.get(), 0, 0), "s3_versioned");
  EXPECT_EQ(guardvm_result_rule_status(bad.get(), 0, 0), GUARDVM_FAIL);
  EXPECT_EQ(guardvm_result_rule_status(bad.get(), 0, 1), GUARDVM_FAIL);

  EXPECT_EQ(guardvm_result_status(validate(pack.get(), kGood, "good.yaml").get()), GUARDVM_PASS);
  EXPECT_EQ(guardvm_result_status(validate(pack.get(), kNone, "none.yaml").get()), GUARDVM_SKIP);
  // Out-of-range indexes answer NULL or SKIP, never read past the end.
  EXPECT_EQ(guardvm_result_file_name(bad.get(), 7), nullptr);
  EXPECT_EQ(guardvm_result_rule_name(bad.get(), 0, 7), nullptr);
  EXPECT_EQ(guardvm_pack_file_name(pack.get(), 7), nullptr);
}

// The report is the bytes `guardvm validate -o json -S none` writes.
// guardvm_compile_files of the whole directory, as `-r DIR` compiles it.
PackPtr compileDirectory(const TempDir& dir) {
  std::vector<const char*> paths{dir.path().c_str()};
  guardvm_pack* raw = nullptr;
  EXPECT_EQ(guardvm_compile_files(paths.data(), paths.size(), &raw, nullptr), GUARDVM_OK);
  return PackPtr(raw);
}

TEST(CApi, ReportIsTheCliReport) {
  TempDir dir;
  std::string rules = dir.file("s3.guard", kRules);
  std::string other = dir.file("other.guard", "rule any_resources { Resources !empty }\n# only a comment below\n");
  std::string comments = dir.file("zz_comments.guard", "# nothing but a comment\n");
  std::string data = dir.file("bad.json", kBad);
  PackPtr pack = compileDirectory(dir);
  ASSERT_TRUE(pack);
  ASSERT_EQ(guardvm_pack_file_count(pack.get()), 3u);  // other, s3, zz_comments (name order)

  guardvm_result* r = nullptr;
  ASSERT_EQ(guardvm_validate_file(pack.get(), data.c_str(), nullptr, 0, &r, nullptr), GUARDVM_OK);
  ResultPtr result(r);
  // The comment-only file is not evaluated, as in the CLI.
  ASSERT_EQ(guardvm_result_file_count(r), 2u);
  auto [cli, rc] = runGuardvm("validate -r " + dir.path() + " -d " + data + " -o json -S none");
  EXPECT_EQ(rc, 19);
  EXPECT_EQ(reportOf(r), cli);
  size_t n0 = 0;
  const char* first = guardvm_result_file_report(r, 0, &n0);
  EXPECT_EQ(cli.compare(0, n0, first, n0), 0);
  EXPECT_NE(std::string(first, n0).find("\"name\": \"" + fs::canonical(data).string() + "\""), std::string::npos);

  // Statuses only: the same verdicts, no report.
  ResultPtr quick = validate(pack.get(), kBad, "x", GUARDVM_STATUS_ONLY);
  EXPECT_EQ(guardvm_result_status(quick.get()), GUARDVM_FAIL);
  size_t n = 99;
  EXPECT_STREQ(guardvm_result_file_report(quick.get(), 0, &n), "");
  EXPECT_EQ(n, 0u);
}

// GUARDVM_STRUCTURED: the combined object is the element `validate
// --structured -o json` lists for the document, which prints it indented by
// two more spaces inside `[` and `]`.
TEST(CApi, StructuredReportIsTheClisElement) {
  TempDir dir;
  std::string rules = dir.file("s3.guard", kRules);
  std::string other = dir.file("other.guard", "rule any_resources { Resources !empty }\n");
  std::string data = dir.file("bad.json", kBad);
  PackPtr pack = compileDirectory(dir);
  ASSERT_TRUE(pack);
  guardvm_result* r = nullptr;
  ASSERT_EQ(guardvm_validate_file(pack.get(), data.c_str(), nullptr, GUARDVM_STRUCTURED, &r, nullptr), GUARDVM_OK);
  ResultPtr result(r);
  size_t n = 0;
  const char* text = guardvm_result_structured_report(r, &n);
  std::string element = "  ";
  for (char c : std::string(text, n)) element += c == '\n' ? std::string("\n  ") : std::string(1, c);
  auto [cli, rc] = runGuardvm("validate -r " + dir.path() + " -d " + data + " --structured -o json -S none");
  EXPECT_EQ(rc, 19);
  EXPECT_EQ("[\n" + element + "\n]", cli);
  EXPECT_FALSE(reportOf(r).empty());  // the per-file reports are there too

  // Without the flag there is none.
  ResultPtr plain = validate(pack.get(), kBad, "x");
  EXPECT_STREQ(guardvm_result_structured_report(plain.get(), &n), "");
  EXPECT_EQ(n, 0u);
}

TEST(CApi, PacksRoundTrip) {
  PackPtr pack = compileText("s3.guard", kRules);
  char* bytes = nullptr;
  size_t size = 0;
  ASSERT_EQ(guardvm_pack_bytes(pack.get(), &bytes, &size, nullptr), GUARDVM_OK);
  ASSERT_GT(size, 8u);
  EXPECT_EQ(std::string(bytes, 4), "GPAK");
  guardvm_pack* again = nullptr;
  ASSERT_EQ(guardvm_pack_read(bytes, size, "mem.gpack", &again, nullptr), GUARDVM_OK);
  PackPtr reread(again);
  EXPECT_EQ(reportOf(validate(reread.get(), kBad, "b").get()), reportOf(validate(pack.get(), kBad, "b").get()));

  // One byte changed: the checksum refuses it.
  std::string damaged(bytes, size);
  damaged[size / 2] ^= 0x20;
  guardvm_error* error = nullptr;
  guardvm_pack* none = nullptr;
  EXPECT_EQ(guardvm_pack_read(damaged.data(), damaged.size(), "damaged.gpack", &none, &error), GUARDVM_E_PACK);
  EXPECT_EQ(none, nullptr);
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(guardvm_error_code(error), GUARDVM_E_PACK);
  EXPECT_NE(std::string(guardvm_error_message(error)).find("damaged.gpack"), std::string::npos);
  guardvm_error_free(error);
  guardvm_bytes_free(bytes);

  TempDir dir;
  std::string path = dir.path() + "/s3.gpack";
  ASSERT_EQ(guardvm_pack_save(pack.get(), path.c_str(), nullptr), GUARDVM_OK);
  guardvm_pack* loaded = nullptr;
  ASSERT_EQ(guardvm_pack_load(path.c_str(), &loaded, nullptr), GUARDVM_OK);
  PackPtr fromFile(loaded);
  // The saved pack is the one guardvm itself runs.
  auto [cli, rc] = runGuardvm("validate -r " + path + " -d " + dir.file("bad.json", kBad) + " -o json -S none");
  EXPECT_EQ(rc, 19);
  EXPECT_EQ(reportOf(validate(fromFile.get(), kBad, (dir.path() + "/bad.json").c_str()).get()), cli);

  EXPECT_EQ(guardvm_pack_save(pack.get(), (dir.path() + "/no/such/dir/x.gpack").c_str(), &error), GUARDVM_E_IO);
  EXPECT_NE(std::string(guardvm_error_message(error)).find("cannot write"), std::string::npos);
  guardvm_error_free(error);
  EXPECT_EQ(guardvm_pack_load((dir.path() + "/absent.gpack").c_str(), &loaded, &error), GUARDVM_E_IO);
  guardvm_error_free(error);
}

TEST(CApi, ErrorsAreCodesWithMessages) {
  guardvm_error* error = nullptr;
  guardvm_pack* pack = nullptr;
  std::string text = "rule broken {\n  Resources.*.Type == \n}\n";
  guardvm_source src{"broken.guard", text.data(), text.size()};
  ASSERT_EQ(guardvm_compile(&src, 1, &pack, &error), GUARDVM_E_RULES);
  EXPECT_EQ(pack, nullptr);
  std::string message = guardvm_error_message(error);
  EXPECT_EQ(message.rfind("broken.guard:", 0), 0u) << message;
  EXPECT_NE(message.find("error:"), std::string::npos) << message;
  EXPECT_NE(message.find("^"), std::string::npos) << message;
  guardvm_error_free(error);

  // Arguments: NULLs are refused, and a NULL error pointer is allowed.
  EXPECT_EQ(guardvm_compile(nullptr, 1, &pack, nullptr), GUARDVM_E_ARGUMENT);
  EXPECT_EQ(guardvm_validate(nullptr, "{}", 2, nullptr, 0, nullptr, &error), GUARDVM_E_ARGUMENT);
  guardvm_error_free(error);
  const char* withNull[] = {"rules", nullptr};
  EXPECT_EQ(guardvm_compile_files(withNull, 2, &pack, nullptr), GUARDVM_E_ARGUMENT);
  guardvm_file_list* noList = nullptr;
  EXPECT_EQ(guardvm_list_data_files(withNull, 2, 0, &noList, nullptr), GUARDVM_E_ARGUMENT);
  EXPECT_EQ(noList, nullptr);
  const char* missing[] = {"/nonexistent/rules"};
  EXPECT_EQ(guardvm_compile_files(missing, 1, &pack, &error), GUARDVM_E_IO);
  EXPECT_NE(std::string(guardvm_error_message(error)).find("/nonexistent/rules"), std::string::npos);
  guardvm_error_free(error);
  std::string notUtf8 = "rule r { a == '\xff' }";
  guardvm_source bad{"bytes.guard", notUtf8.data(), notUtf8.size()};
  EXPECT_EQ(guardvm_compile(&bad, 1, &pack, nullptr), GUARDVM_E_RULES);

  // Documents: the CLI's words after "Error occurred ".
  PackPtr ok = compileText("s3.guard", kRules);
  guardvm_result* result = nullptr;
  std::string broken = "Resources: [1, 2\n";
  ASSERT_EQ(guardvm_validate(ok.get(), broken.data(), broken.size(), "t.yaml", 0, &result, &error), GUARDVM_E_DATA);
  EXPECT_EQ(result, nullptr);
  EXPECT_EQ(std::string(guardvm_error_message(error)).rfind("Parser Error when parsing `Error encountered while parsing data file: t.yaml", 0), 0u)
      << guardvm_error_message(error);
  guardvm_error_free(error);
  ASSERT_EQ(guardvm_validate(ok.get(), " \n", 2, "blank.yaml", 0, &result, &error), GUARDVM_E_DATA);
  EXPECT_STREQ(guardvm_error_message(error),
               "Parser Error when parsing `Unable to parse a template from data file: blank.yaml is empty`");
  guardvm_error_free(error);
  ASSERT_EQ(guardvm_validate_file(ok.get(), "/nonexistent/t.yaml", nullptr, 0, &result, &error), GUARDVM_E_IO);
  guardvm_error_free(error);
  ASSERT_EQ(guardvm_validate_file(ok.get(), "/nonexistent/t.yaml", "t", 0, &result, &error), GUARDVM_E_IO);
  EXPECT_EQ(std::string(guardvm_error_message(error)).rfind("I/O error when reading /nonexistent/t.yaml: ", 0), 0u);
  guardvm_error_free(error);
}

TEST(CApi, ListsDataFilesAsValidateDoes) {
  TempDir dir;
  dir.file("b.yaml", kNone);
  dir.file("a.json", kBad);
  dir.file("notes.txt", "not data");
  fs::create_directory(dir.path() + "/sub");
  dir.file("sub/c.template", kGood);
  const char* paths[] = {dir.path().c_str()};
  guardvm_file_list* list = nullptr;
  ASSERT_EQ(guardvm_list_data_files(paths, 1, 0, &list, nullptr), GUARDVM_OK);
  ASSERT_EQ(guardvm_file_list_count(list), 3u);
  const std::string canon = fs::canonical(dir.path()).string();
  EXPECT_EQ(guardvm_file_list_name(list, 0), canon + "/a.json");
  EXPECT_EQ(guardvm_file_list_name(list, 1), canon + "/b.yaml");
  EXPECT_EQ(guardvm_file_list_name(list, 2), canon + "/sub/c.template");
  EXPECT_EQ(guardvm_file_list_path(list, 3), nullptr);
  guardvm_file_list_free(list);
  const char* missing[] = {"/nonexistent"};
  guardvm_error* error = nullptr;
  EXPECT_EQ(guardvm_list_data_files(missing, 1, 0, &list, &error), GUARDVM_E_IO);
  EXPECT_STREQ(guardvm_error_message(error), "The path `/nonexistent` does not exist");
  guardvm_error_free(error);
}

// One pack, many threads, different documents: every answer is the answer
// of a single thread (and the sanitizer presets see no race or leak).
TEST(CApi, OnePackManyThreads) {
  PackPtr pack = compileText("s3.guard", kRules);
  const std::vector<std::string> docs{kGood, kBad, kNone};
  std::vector<std::string> expected;
  for (const auto& d : docs) expected.push_back(reportOf(validate(pack.get(), d, "doc").get()));
  constexpr int kThreads = 8, kRounds = 150;
  std::vector<int> mismatches(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRounds; ++i) {
        const size_t k = size_t(t + i) % docs.size();
        guardvm_result* r = nullptr;
        if (guardvm_validate(pack.get(), docs[k].data(), docs[k].size(), "doc", 0, &r, nullptr) != GUARDVM_OK) {
          ++mismatches[t];
          continue;
        }
        size_t n = 0;
        const char* text = guardvm_result_report(r, &n);
        if (std::string(text, n) != expected[k]) ++mismatches[t];
        guardvm_result_free(r);
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(mismatches[t], 0) << "thread " << t;
}

#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
// Memory that runs out is an error code, not an abort of the host process:
// in a child limited to a little more address space than it has, a document
// far bigger than that limit comes back as GUARDVM_E_NOMEM.
TEST(CApi, ExhaustedMemoryIsAnError) {
  PackPtr pack = compileText("s3.guard", kRules);
  std::string big = "Resources:\n";
  for (int i = 0; big.size() < (size_t(48) << 20); ++i)
    big += "  R" + std::to_string(i) + ":\n    Type: AWS::S3::Bucket\n    Properties: {BucketName: n" +
           std::to_string(i) + "}\n";
  std::fflush(nullptr);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    rlimit limit{};
    ::getrlimit(RLIMIT_AS, &limit);
    // What the child uses now (VmSize), plus 96 MB: far less than the loaded document needs.
    size_t vmKb = 0;
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);)
      if (line.rfind("VmSize:", 0) == 0) vmKb = std::stoul(line.substr(7));
    limit.rlim_cur = (vmKb << 10) + (size_t(96) << 20);
    ::setrlimit(RLIMIT_AS, &limit);
    guardvm_result* r = nullptr;
    guardvm_error* error = nullptr;
    guardvm_code rc = guardvm_validate(pack.get(), big.data(), big.size(), "big.yaml", 0, &r, &error);
    ::_exit(rc == GUARDVM_E_NOMEM ? 0 : rc == GUARDVM_OK ? 10 : 20 + int(rc));
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status)) << "the child died of signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 0);
}
#endif

}  // namespace
