// Unit tests of runtime/value_text.cpp's JSON string escaping, which every
// JSON and SARIF report goes through: the run-copying writer against a
// byte-at-a-time reference of serde_json's rules; and Rust's Display form of
// floats (parse_string, value texts in messages).
#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <string>

#include "runtime/json_writer.h"
#include "runtime/value_text.h"

namespace guard {
namespace {

// serde_json's escaping, one byte at a time (the obviously correct path).
std::string referenceEscape(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"') out += "\\\"";
    else if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (c == '\r') out += "\\r";
    else if (c == '\b') out += "\\b";
    else if (c == '\f') out += "\\f";
    else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out.push_back(char(c));
    }
  }
  return out + "\"";
}

// Rust's f64 Display: shortest round-trip digits, never an exponent, padded
// with zeros (checked against cfn-guard 3.1.1 through parse_string and the
// values of its messages).
TEST(FloatDisplay, ShortestDigitsPaddedWithZeros) {
  EXPECT_EQ(formatFloatDisplay(12345678901234567890.0), "12345678901234567000");
  EXPECT_EQ(formatFloatDisplay(-12345678901234567890.0), "-12345678901234567000");
  EXPECT_EQ(formatFloatDisplay(1e21), "1000000000000000000000");
  EXPECT_EQ(formatFloatDisplay(1e16), "10000000000000000");
  EXPECT_EQ(formatFloatDisplay(123456789012345678.0), "123456789012345680");
  EXPECT_EQ(formatFloatDisplay(1e300), "1" + std::string(300, '0'));
}

TEST(FloatDisplay, SmallWholeAndSpecialValues) {
  EXPECT_EQ(formatFloatDisplay(1.5e-7), "0.00000015");
  EXPECT_EQ(formatFloatDisplay(0.1), "0.1");
  EXPECT_EQ(formatFloatDisplay(0.000001), "0.000001");
  EXPECT_EQ(formatFloatDisplay(5e-324), "0." + std::string(323, '0') + "5");
  EXPECT_EQ(formatFloatDisplay(1.0), "1");
  EXPECT_EQ(formatFloatDisplay(0.0), "0");
  EXPECT_EQ(formatFloatDisplay(-0.0), "-0");
  EXPECT_EQ(formatFloatDisplay(1.0 / 0.0), "inf");
  EXPECT_EQ(formatFloatDisplay(-1.0 / 0.0), "-inf");
  EXPECT_EQ(formatFloatDisplay(0.0 / 0.0), "NaN");
}

TEST(JsonString, EveryByteAlone) {
  for (int b = 0; b < 256; ++b) {
    const std::string s(1, char(b));
    std::string out;
    appendJsonString(out, s);
    EXPECT_EQ(out, referenceEscape(s)) << b;
  }
}

TEST(JsonString, RunsBetweenEscapesAndAppendsToWhatIsThere) {
  EXPECT_EQ([] { std::string o = "x:"; appendJsonString(o, ""); return o; }(), "x:\"\"");
  EXPECT_EQ([] { std::string o = "x:"; appendJsonString(o, "ab\"cd\\\n\x01z"); return o; }(),
            "x:\"ab\\\"cd\\\\\\n\\u0001z\"");
  std::mt19937 rng(7);
  static const char kBytes[] = "abc\"\\\n\t\x01\x1f\x7f\xc3\xa9 \0";  // the NUL too
  const std::string alphabet(kBytes, sizeof kBytes - 1);
  for (int n = 0; n < 2000; ++n) {
    std::string s;
    for (size_t len = rng() % 40; len; --len) s.push_back(alphabet[rng() % alphabet.size()]);
    std::string out;
    appendJsonString(out, s);
    ASSERT_EQ(out, referenceEscape(s)) << n;
  }
}

// libyaml refuses a scalar that is not UTF-8; the YAML writer must then fail
// cleanly, not emit the uninitialised event (the reports fuzzer's bad free,
// tests/fuzz/regressions/reports/), and keep working for valid text.
TEST(YamlWriter, TextThatIsNotUtf8FailsCleanly) {
  std::string out;
  EXPECT_FALSE(json::writeYaml(out, json::Value::string("Fn::S2\xff")));
  json::Value o = json::Value::object();
  o.set("k\xff", json::Value::string("v"));
  out.clear();
  EXPECT_FALSE(json::writeYaml(out, o));
  out.clear();
  EXPECT_TRUE(json::writeYaml(out, json::Value::string("caf\xc3\xa9")));
  EXPECT_NE(out.find("caf"), std::string::npos);
}

}  // namespace
}  // namespace guard
