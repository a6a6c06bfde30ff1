// Tests of tools/cli/common.cpp's input checks: the UTF-8 check every text
// input goes through (simdjson's validator) against the byte-at-a-time scan
// that locates the first offending byte for the message.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "tools/cli/common.h"

namespace guard::cli {
namespace {

TEST(Utf8, TheScanAgreesWithTheValidator) {
  // Bytes around every boundary of the encoding: ASCII, continuation bytes,
  // C0/C1 (overlong), E0/ED (overlong, surrogates), F0/F4/F5 (range).
  const unsigned char pool[] = {'a', '\n', 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1,
                                0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF};
  std::mt19937 rng(11);
  for (int round = 0; round < 200000; ++round) {
    std::string s(rng() % 9, '\0');
    for (char& c : s) c = char(pool[rng() % sizeof pool]);
    ASSERT_EQ(isUtf8(s), firstNonUtf8(s) == std::string_view::npos) << "round " << round;
  }
}

TEST(Utf8, TheMessageNamesLineAndColumn) {
  EXPECT_EQ(notUtf8Where("ab\ncd\xff"), "stream did not contain valid UTF-8 (line 2, column 3)");
  EXPECT_EQ(notUtf8Where("\xc3\xa9\xc3"), "stream did not contain valid UTF-8 (line 1, column 3)");
  EXPECT_EQ(notUtf8Where("\xed\xa0\x80"), "stream did not contain valid UTF-8 (line 1, column 1)");  // a surrogate
  EXPECT_EQ(firstNonUtf8("caf\xc3\xa9 \xf0\x9f\x98\x80"), std::string_view::npos);
}

// A regular file that holds fewer bytes than its size said when it was opened
// (truncated while it was read) is refused, not evaluated on its prefix; one
// that grew is read to its end.
TEST(ReadFile, AFileThatShrankWhileReadIsAnError) {
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("guard-shrank-" + std::to_string(::getpid()));
  std::ofstream(path, std::ios::binary) << "Resources: {}\n";  // 14 bytes
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  auto shrank = readRegular(fd, 100, kMaxDataBytes);
  ASSERT_FALSE(shrank.ok());
  EXPECT_EQ(shrank.error().message, "the file shrank while it was read (14 of 100 bytes)");
  ASSERT_EQ(::lseek(fd, 0, SEEK_SET), 0);
  auto grew = readRegular(fd, 4, kMaxDataBytes);
  ASSERT_TRUE(grew.ok());
  EXPECT_EQ(grew.value(), "Resources: {}\n");
  ::close(fd);
  auto whole = readFile(path.string());
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(whole.value().size(), 14u);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace guard::cli
