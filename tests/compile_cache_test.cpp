// Tests of the compile cache (tools/cli/compile_cache.cpp) through loadRules,
// the way validate and test use it: the key changes with the text and the
// name; a hit gives the same reports as a compile; damaged and foreign
// entries are misses that get replaced; a directory that cannot be used is
// bypassed with the same results; parse errors are never kept.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <thread>

#include <gtest/gtest.h>

#include "runtime/loader.h"
#include "tools/cli/common.h"
#include "tools/cli/compile_cache.h"
#include "vm/interp.h"
#include "vm/pack.h"
#include "report/report.h"
#include "report/verbose.h"

namespace guard::cli {
namespace {

namespace fs = std::filesystem;

// Rules that use what a pack has to carry: lets, filters, regexes, custom
// messages, parameterized and named rules, when blocks, functions.
const char* kRules = R"(let buckets = Resources.*[ Type == 'AWS::S3::Bucket' ]
let allowed = [ 'a', 'b' ]

rule check_name(name) {
  %name == /^[a-z]+$/ <<name is lower case>>
}

rule buckets_encrypted when %buckets !empty {
  %buckets.Properties.BucketEncryption exists
    <<buckets must be encrypted>>
  %buckets.Properties.Tags[*] {
    Key in %allowed
    check_name(Value)
  }
}

rule counts {
  let n = count(Resources.*)
  %n >= 2
  Resources.*[ Type == /Queue/ ].Properties.DelaySeconds < 10 or
  Resources.*[ Type == /Queue/ ].Properties.DelaySeconds not exists
}

rule uses_other when buckets_encrypted {
  Resources exists
}
)";

const char* kData = R"(Resources:
  One:
    Type: AWS::S3::Bucket
    Properties:
      Tags:
        - Key: a
          Value: abc
        - Key: c
          Value: Abc
  Two:
    Type: AWS::SQS::Queue
    Properties:
      DelaySeconds: 30
)";

// Every report one (rules file, data file) pair can produce: console summary
// and detail, JSON, YAML, the verbose tree and --print-json.
std::string reportsOf(const RulesUnit& unit, const std::string& dataText) {
  if (!unit.program) return "no program; parse error: " + unit.parseError;
  auto doc = loadDocument(dataText, "data.yaml");
  EXPECT_TRUE(doc.ok());
  if (!doc.ok()) return "data does not load";
  vm::EvalLimits limits;
  limits.trace = true;
  auto r = vm::evaluateFile(*unit.program, unit.file, *doc.value(), nullptr, limits);
  if (!r.ok()) return "evaluation error: " + r.error().message;
  vm::PairView view{*unit.program, r.value(), *doc.value(), dataText, unit.name, "data.yaml"};
  std::string out;
  vm::ConsoleOptions console;
  console.summary = vm::kShowPass | vm::kShowFail | vm::kShowSkip;
  vm::writeSummaryTable(out, view, console);
  std::string panic;
  vm::writeConsoleDetail(out, view, console, panic);
  out += "\n--- json\n";
  vm::writeFileReportJson(out, view);
  out += "\n--- yaml\n";
  vm::writeFileReportYaml(out, view);
  out += "\n--- verbose\n";
  vm::writeVerboseTree(out, view);
  out += "\n--- print-json\n";
  vm::writePrintJson(out, view);
  return out;
}

// loadRules of one source text, its units rendered over kData.
std::string loadAndReport(const std::string& text, const CompileCache* cache,
                          const std::string& name = "rules.guard") {
  auto loaded = loadRules("/somewhere/" + name, name, text, cache);
  if (!loaded.ok()) return "load error: " + loaded.error().message;
  const std::vector<RulesUnit>& units = loaded.value();
  if (units.size() != 1) return "units: " + std::to_string(units.size());
  const RulesUnit& u = units[0];
  return "unit " + u.name + " file " + std::to_string(u.file) + (u.empty ? " empty" : "") + "\n" +
         reportsOf(u, kData);
}

// A fresh directory for one test, removed after it.
class CacheDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("guard-cache-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
    ::chmod(root_.c_str(), 0700);
    dir_ = (root_ / "cache").string();
  }
  void TearDown() override {
    std::error_code ec;
    fs::permissions(root_, fs::perms::owner_all, ec);
    fs::remove_all(root_, ec);
  }
  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir_, ec)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }
  std::string entryPath(const std::string& text, const std::string& name = "rules.guard") const {
    return dir_ + "/" + CompileCache::entryName(compileCacheKey(name, text));
  }
  static std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  static void spit(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  }

  fs::path root_;
  std::string dir_;
};

std::string hex(const std::string& bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string s;
  for (unsigned char c : bytes) (s += digits[c >> 4]) += digits[c & 15];
  return s;
}

std::string blake2b(std::string_view bytes, size_t digestBytes = 32) {
  Blake2b h(digestBytes);
  h.update(bytes);
  return hex(h.digest());
}

// RFC 7693 Appendix A, and digests from Python's hashlib.blake2b
// (digest_size=32) of bytes (7i + 3) mod 256 around every block boundary.
TEST(Blake2b, KnownDigests) {
  EXPECT_EQ(blake2b("abc", 64),
            "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1"
            "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923");
  EXPECT_EQ(blake2b("abc"), "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
  const std::pair<size_t, const char*> known[] = {
      {0, "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8"},
      {1, "e88bd757ad5b9bedf372d8d3f0cf6c962a469db61a265f6418e1ffed86da29ec"},
      {3, "9facd640130c81e7f318a8d5c660bc1b0f5d03861ffbd4cc1358e0e904593c28"},
      {127, "c9ae3859964b35f04c54b36d33cf299d7290ee621005d28e51598a943560aaaa"},
      {128, "f0501d06597880592bc49234eef100ec1ff349058d0e9d9b753504e24af86dd6"},
      {129, "a34a4e1e03c541dfbf3099c4b6c143c022ced65c28bd7e8a10e0a098461aecf0"},
      {255, "f2d64a40e9412a3414161ff6250075225418fd7c271c1123e162e1bca0de9f93"},
      {256, "d93ebb9c802f5630ab22516fd82b6c21bc8bd551d531349b715f046ed11ed871"},
      {257, "4ce481b24d387422d2bc2baa03d1afd55a1327939ff537c71eb9b38709268649"},
      {1000, "d62b6c768ce1afc8367e0498ab2f8e3f7c178c35b1429f14c4604b545d200f52"},
      {100000, "20b8634b7228973e5a49a5f6857b7fe2e879a928f797a682928c00eaa8fb7776"},
  };
  for (const auto& [n, digest] : known) {
    std::string bytes(n, '\0');
    for (size_t i = 0; i < n; ++i) bytes[i] = char((i * 7 + 3) & 0xFF);
    EXPECT_EQ(blake2b(bytes), digest) << n << " bytes";
    // The same digest whatever the pieces update() is given.
    for (size_t piece : {1, 7, 128, 129}) {
      Blake2b h;
      for (size_t at = 0; at < n; at += piece) h.update(std::string_view(bytes).substr(at, piece));
      EXPECT_EQ(hex(h.digest()), digest) << n << " bytes in pieces of " << piece;
    }
  }
}

TEST(CompileCacheKey, ChangesWithTheTextAndTheName) {
  const CacheKey k = compileCacheKey("a.guard", "rule r { x exists }");
  EXPECT_EQ(k, compileCacheKey("a.guard", "rule r { x exists }"));
  EXPECT_NE(k, compileCacheKey("a.guard", "rule r { y exists }"));
  EXPECT_NE(k, compileCacheKey("a.guard", "rule r { x exists } "));
  EXPECT_NE(k, compileCacheKey("b.guard", "rule r { x exists }"));
  EXPECT_NE(k, compileCacheKey("a.guard", ""));
  // Field boundaries count: the name's end is not the text's start.
  EXPECT_NE(compileCacheKey("ab", "c"), compileCacheKey("a", "bc"));
  EXPECT_EQ(keyHex(k).size(), 64u);
  EXPECT_EQ(CompileCache::entryName(k), keyHex(k) + ".gvc");
}

TEST(CompileCacheKey, TheBuildHasAnIdentity) {
  // Without one nothing would be cached; with the GNU build ID it names this
  // very executable.
  const std::string& id = buildIdentity();
  EXPECT_TRUE(id.rfind("build-id:", 0) == 0 || id.rfind("exe-blake2b:", 0) == 0) << id;
  EXPECT_GT(id.size(), 20u);
}

TEST_F(CacheDirTest, AHitReportsWhatACompileReports) {
  CompileCache cache(dir_, {dir_});
  const std::string plain = loadAndReport(kRules, nullptr);
  ASSERT_NE(plain.find("buckets must be encrypted"), std::string::npos) << plain;
  EXPECT_TRUE(entries().empty());
  // Miss: compiled, the same reports, and the entry written.
  EXPECT_EQ(loadAndReport(kRules, &cache), plain);
  ASSERT_EQ(entries(), std::vector<std::string>{CompileCache::entryName(compileCacheKey("rules.guard", kRules))});
  struct stat st {};
  ASSERT_EQ(::stat(dir_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_TRUE(cache.find(compileCacheKey("rules.guard", kRules), "rules.guard").ok());
  // Hit: the same reports from the pack.
  EXPECT_EQ(loadAndReport(kRules, &cache), plain);
  // Another cache object on the same directory (the next run) hits too.
  CompileCache next(dir_, {dir_});
  EXPECT_EQ(loadAndReport(kRules, &next), plain);
  EXPECT_EQ(entries().size(), 1u);
  // A file of comments only is kept too, and stays empty (validate skips it).
  const std::string comments = "# nothing to check\n";
  const std::string emptyPlain = loadAndReport(comments, nullptr);
  ASSERT_EQ(emptyPlain.rfind("unit rules.guard file 0 empty\n", 0), 0u) << emptyPlain;
  EXPECT_EQ(loadAndReport(comments, &cache), emptyPlain);
  ASSERT_TRUE(cache.find(compileCacheKey("rules.guard", comments), "rules.guard").ok());
  EXPECT_EQ(loadAndReport(comments, &cache), emptyPlain);
}

// The hit is really used: an entry planted under a source's key (here a
// program from other rules) is what loadRules runs. So the equality above is
// not a compile that ignored the cache.
TEST_F(CacheDirTest, TheEntryIsWhatRuns) {
  CompileCache cache(dir_, {dir_});
  const std::string other = "rule other { Resources.One.Type == 'nothing' }\n";
  auto units = loadRules("x", "rules.guard", other, nullptr).value();
  ASSERT_EQ(units.size(), 1u);
  ASSERT_TRUE(units[0].program);
  ASSERT_TRUE(cache.store(compileCacheKey("rules.guard", kRules), *units[0].program).ok());
  EXPECT_EQ(loadAndReport(kRules, &cache), loadAndReport(other, nullptr));
  // Under another name the planted entry is not found (the name is in the key).
  EXPECT_EQ(loadAndReport(kRules, &cache, "renamed.guard"), loadAndReport(kRules, nullptr, "renamed.guard"));
}

TEST_F(CacheDirTest, DamagedEntriesAreMissesAndAreReplaced) {
  CompileCache cache(dir_, {dir_});
  const std::string plain = loadAndReport(kRules, nullptr);
  ASSERT_EQ(loadAndReport(kRules, &cache), plain);
  const std::string path = entryPath(kRules);
  const std::string good = slurp(path);
  ASSERT_GT(good.size(), kEntryKeyBytes + vm::kPackHeaderSize);
  const CacheKey key = compileCacheKey("rules.guard", kRules);

  std::string flipped = good;
  flipped[good.size() / 2] ^= 0x20;
  std::string wrongKey = good;
  wrongKey[3] ^= 1;
  const std::string otherBuild = [&] {  // a pack for another instruction set
    std::string s = good;
    s[kEntryKeyBytes + 28] ^= 1;
    return s;
  }();
  const std::vector<std::pair<const char*, std::string>> damaged = {
      {"empty", ""},
      {"key only", good.substr(0, kEntryKeyBytes)},
      {"truncated", good.substr(0, good.size() / 2)},
      {"one byte short", good.substr(0, good.size() - 1)},
      {"one byte more", good + "x"},
      {"a flipped byte", flipped},
      {"another key", wrongKey},
      {"another instruction set", otherBuild},
      {"not a pack", std::string(kEntryKeyBytes, '\0') + "rule r { x exists }"},
  };
  for (const auto& [what, bytes] : damaged) {
    SCOPED_TRACE(what);
    spit(path, bytes);
    EXPECT_FALSE(cache.find(key, "rules.guard").ok());
    EXPECT_EQ(loadAndReport(kRules, &cache), plain);
    EXPECT_EQ(slurp(path), good);  // recompiled and written again
  }
  // Larger than an entry may be (a sparse file): refused by its size, not read.
  {
    spit(path, good);
    ASSERT_EQ(::truncate(path.c_str(), off_t(kEntryKeyBytes + vm::kMaxPackBytes + 1)), 0);
    auto found = cache.find(key, "rules.guard");
    ASSERT_FALSE(found.ok());
    EXPECT_NE(found.error().message.find("too large"), std::string::npos) << found.error().message;
    EXPECT_EQ(loadAndReport(kRules, &cache), plain);
    EXPECT_EQ(slurp(path), good);
  }
  // A FIFO or a symlink where the entry should be: misses, and
  // never followed or blocked on.
  for (const char* what : {"fifo", "symlink"}) {
    SCOPED_TRACE(what);
    fs::remove(path);
    if (std::string(what) == "fifo") {
      ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
    } else {
      spit(dir_ + "/target", good);
      fs::create_symlink(dir_ + "/target", path);
    }
    EXPECT_FALSE(cache.find(key, "rules.guard").ok());
    EXPECT_EQ(loadAndReport(kRules, &cache), plain);
    EXPECT_EQ(slurp(path), good);  // the rename replaced the FIFO or the link itself
    EXPECT_FALSE(fs::is_symlink(path));
  }
  fs::remove(dir_ + "/target");
  EXPECT_EQ(entries().size(), 1u);  // no temporary file left behind
}

TEST_F(CacheDirTest, ParseErrorsAreNeverKept) {
  CompileCache cache(dir_, {dir_});
  const std::string broken = "rule r {\n  Resources.*[ Type == \n";
  auto plain = loadRules("p/broken.guard", "broken.guard", broken, nullptr).value();
  auto first = loadRules("p/broken.guard", "broken.guard", broken, &cache).value();
  auto second = loadRules("p/broken.guard", "broken.guard", broken, &cache).value();
  ASSERT_EQ(plain.size(), 1u);
  ASSERT_FALSE(plain[0].parseError.empty());
  for (const auto* units : {&first, &second}) {
    ASSERT_EQ(units->size(), 1u);
    EXPECT_EQ((*units)[0].parseError, plain[0].parseError);
    EXPECT_FALSE((*units)[0].program);
  }
  EXPECT_TRUE(entries().empty());
}

// No usable directory: every result as without a cache, nothing written.
TEST_F(CacheDirTest, AnUnusableDirectoryIsBypassed) {
  const std::string plain = loadAndReport(kRules, nullptr);
  spit((root_ / "file").string(), "x");
  fs::create_directories(root_ / "real");
  fs::create_symlink(root_ / "real", root_ / "link");
  fs::create_directories(root_ / "shared");
  fs::permissions(root_ / "shared", fs::perms::all);  // 0777: others could plant entries
  std::vector<std::string> unusable = {
      (root_ / "file").string(),               // not a directory
      (root_ / "file" / "cache").string(),     // under a file
      (root_ / "missing" / "cache").string(),  // its parent does not exist
      (root_ / "link").string(),               // a symlink (not followed)
      (root_ / "shared").string(),             // writable by others
  };
  auto units = loadRules("x", "rules.guard", kRules, nullptr).value();
  ASSERT_TRUE(units.at(0).program);
  for (const std::string& dir : unusable) {
    SCOPED_TRACE(dir);
    CompileCache cache(dir, {dir});
    EXPECT_FALSE(cache.usable());
    EXPECT_EQ(loadAndReport(kRules, &cache), plain);
    EXPECT_EQ(loadAndReport(kRules, &cache), plain);
    EXPECT_FALSE(cache.store(compileCacheKey("rules.guard", kRules), *units[0].program).ok());
  }
  EXPECT_TRUE(fs::is_empty(root_ / "real"));
  EXPECT_TRUE(fs::is_empty(root_ / "shared"));
  EXPECT_FALSE(fs::exists(root_ / "missing"));
}

// A directory that can be opened but not written (read-only): lookups miss,
// stores fail, and the results are the same. As root, permission bits do not
// stop writes, so /proc/self/fdinfo (read-only for everyone) stands in.
TEST_F(CacheDirTest, AReadOnlyDirectoryIsBypassed) {
  const std::string plain = loadAndReport(kRules, nullptr);
  std::string dir = dir_;
  fs::create_directories(dir);
  ::chmod(dir.c_str(), 0500);
  if (::access(dir.c_str(), W_OK) == 0) dir = "/proc/self/fdinfo";  // root
  CompileCache cache(dir, {dir});
  ASSERT_TRUE(cache.usable()) << dir;
  EXPECT_EQ(loadAndReport(kRules, &cache), plain);
  EXPECT_EQ(loadAndReport(kRules, &cache), plain);
  auto units = loadRules("x", "rules.guard", kRules, nullptr).value();
  EXPECT_FALSE(cache.store(compileCacheKey("rules.guard", kRules), *units[0].program).ok());
  if (dir == dir_) EXPECT_TRUE(entries().empty());
}

TEST_F(CacheDirTest, TheEnvironmentChoosesTheDirectory) {
  struct Saved {
    const char* name;
    std::optional<std::string> value;
  };
  std::vector<Saved> saved;
  for (const char* n : {"GUARDVM_CACHE_DIR", "GUARDVM_NO_CACHE", "XDG_CACHE_HOME", "HOME"}) {
    const char* v = std::getenv(n);
    saved.push_back({n, v ? std::optional<std::string>(v) : std::nullopt});
    ::unsetenv(n);
  }
  EXPECT_EQ(CompileCache::fromEnvironment(false), nullptr);  // no HOME: off
  ::setenv("HOME", root_.c_str(), 1);
  EXPECT_EQ(CompileCache::fromEnvironment(false)->dir(), (root_ / ".cache/guardvm").string());
  ::setenv("XDG_CACHE_HOME", "relative/ignored", 1);
  EXPECT_EQ(CompileCache::fromEnvironment(false)->dir(), (root_ / ".cache/guardvm").string());
  ::setenv("XDG_CACHE_HOME", (root_ / "xdg").c_str(), 1);
  auto xdg = CompileCache::fromEnvironment(false);
  EXPECT_EQ(xdg->dir(), (root_ / "xdg/guardvm").string());
  EXPECT_TRUE(xdg->usable());  // made, with its parent
  EXPECT_EQ(fs::status(root_ / "xdg").permissions(), fs::perms::owner_all);
  ::setenv("GUARDVM_CACHE_DIR", dir_.c_str(), 1);
  EXPECT_EQ(CompileCache::fromEnvironment(false)->dir(), dir_);
  EXPECT_EQ(CompileCache::fromEnvironment(true), nullptr);  // --no-cache
  ::setenv("GUARDVM_NO_CACHE", "0", 1);
  EXPECT_NE(CompileCache::fromEnvironment(false), nullptr);
  ::setenv("GUARDVM_NO_CACHE", "1", 1);
  EXPECT_EQ(CompileCache::fromEnvironment(false), nullptr);
  for (const auto& s : saved) {
    if (s.value) ::setenv(s.name, s.value->c_str(), 1);
    else ::unsetenv(s.name);
  }
}

// Writers and readers at once (the threads of `validate -j`, or two runs):
// a reader finds a complete entry or none, never a part of one.
TEST_F(CacheDirTest, ConcurrentWritersAndReaders) {
  CompileCache cache(dir_, {dir_});
  const std::string plain = loadAndReport(kRules, nullptr);
  const CacheKey key = compileCacheKey("rules.guard", kRules);
  auto units = loadRules("x", "rules.guard", kRules, nullptr).value();
  ASSERT_TRUE(units.at(0).program);
  std::atomic<int> bad{0}, hits{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 40; ++i) {
        if (loadAndReport(kRules, &cache) != plain) ++bad;
        if ((i + t) % 2 == 0 && !cache.store(key, *units[0].program).ok()) ++bad;  // replace it under the readers
        auto found = cache.find(key, "rules.guard");
        if (found.ok()) ++hits;
        else if (found.error().message.rfind("no entry", 0) != 0) ++bad;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_GT(hits.load(), 0);
  EXPECT_EQ(entries().size(), 1u);
}

}  // namespace
}  // namespace guard::cli
