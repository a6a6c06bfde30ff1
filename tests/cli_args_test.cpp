// Tests of guardvm's command-line parser (tools/cli/args.cpp), its tables
// (tools/cli/command_line.cpp) and the suggestions (tools/cli/suggest.cpp):
// Jaro against known values, the threshold, and whole error texts and usage
// lines that cfn-guard 3.1.1 printed for the same command lines (the texts of
// tests/cli/clap-texts.txt, checked here piece by piece).
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tools/cli/args.h"
#include "tools/cli/command_line.h"
#include "tools/cli/common.h"
#include "tools/cli/help.h"
#include "tools/cli/suggest.h"

namespace guard::cli {
namespace {

TEST(Jaro, KnownValues) {
  EXPECT_NEAR(jaro("xml", "yaml"), 0.7222, 1e-4);
  EXPECT_NEAR(jaro("bar", "baz"), 0.7778, 1e-4);
  EXPECT_NEAR(jaro("martha", "marhta"), 0.9444, 1e-4);
  EXPECT_NEAR(jaro("dixon", "dicksonx"), 0.7667, 1e-4);
  EXPECT_NEAR(jaro("dwayne", "duane"), 0.8222, 1e-4);
  EXPECT_NEAR(jaro("JELLYFISH", "SMELLYFISH"), 0.8963, 1e-4);
  EXPECT_NEAR(jaro("testabctest", "test\xc3\xb6\xe0\xa6\x99\xe9\xa6\x99test"), 0.8182, 1e-4);  // code points
  EXPECT_EQ(jaro("", ""), 1.0);
  EXPECT_EQ(jaro("", "a"), 0.0);
  EXPECT_EQ(jaro("ab", "ba"), 0.0);  // the match window of two letters is the letter itself
  EXPECT_EQ(jaro("json", "json"), 1.0);
}

// The threshold as cfn-guard showed it: 'aajnnt' is 0.7 from 'junit' (computed
// as 0.7000000000000001) and is suggested; 'ssnlns' (0.6988 from
// 'single-line-summary') is not.
TEST(Jaro, ThresholdIsAboveSevenTenths) {
  EXPECT_GT(jaro("aajnnt", "junit"), kSimilarity);
  const std::vector<std::string> formats = {"single-line-summary", "json", "yaml", "junit", "sarif"};
  EXPECT_EQ(similar("aajnnt", formats), std::vector<std::string>{"junit"});
  EXPECT_TRUE(similar("ssnlns", formats).empty());
  EXPECT_EQ(similar("nn", formats), std::vector<std::string>{"single-line-summary"});
}

TEST(Jaro, EquallySimilarKeepTheirOrderLeastSimilarFirst) {
  EXPECT_EQ(similar("tep", {"validate", "test", "parse-tree", "rulegen", "completions", "help"}),
            (std::vector<std::string>{"test", "help"}));
  EXPECT_EQ(similar("pst", {"validate", "test", "parse-tree", "rulegen", "completions", "help"}),
            (std::vector<std::string>{"test", "parse-tree"}));
}

class AsCfnGuard : public ::testing::Test {
 protected:
  void SetUp() override {
    saved_ = gProgramName;
    gProgramName = "cfn-guard";
  }
  void TearDown() override { gProgramName = saved_; }
  std::string saved_;
};

std::string errorOf(const args::Command& cmd, std::vector<std::string> argv) {
  args::Parsed p = args::parse(cmd, argv);
  EXPECT_EQ(p.outcome, args::Outcome::Error);
  return p.errorText;
}

const std::string kGroup = "<--rules [<RULES>...]|--payload>";
const std::string kAll =
    "<--rules [<RULES>...]|--data [<DATA>...]|--input-params [<INPUT_PARAMS>...]|--type <type>|"
    "--output-format <OUTPUT_FORMAT>|--show-summary <SHOW_SUMMARY>|--alphabetical|--last-modified|"
    "--verbose|--print-json|--payload|--structured>";
const std::string kHint = "\n\nFor more information, try '--help'.\n";

TEST_F(AsCfnGuard, UsageLines) {
  const args::Command v = validateCommand();
  EXPECT_EQ(args::helpUsage(v), "cfn-guard validate [OPTIONS] " + kGroup);
  EXPECT_EQ(args::usageFor(v, {}), args::helpUsage(v));
  // golden v68: what was given, in order, less the conflicting one, then the group
  EXPECT_EQ(args::usageFor(v, {"rules", "data", "structured", "output-format", "show-summary"}),
            "cfn-guard validate --data [<DATA>...] --structured --output-format <OUTPUT_FORMAT> "
            "--show-summary <SHOW_SUMMARY> " + kGroup);
  // golden h08: an argument and its groups (clap-derive's group of all arguments)
  EXPECT_EQ(args::usageFor(v, {"rules", "validate", "required_flags"}), "cfn-guard validate " + kGroup + " " + kAll);
  EXPECT_EQ(args::helpUsage(testCommand()), "cfn-guard test [OPTIONS]");
  EXPECT_EQ(args::helpUsage(rulegenCommand()), "cfn-guard rulegen [OPTIONS] --template <TEMPLATE>");
  EXPECT_EQ(args::usageFor(rulegenCommand(), {"output", "template"}),
            "cfn-guard rulegen --template <TEMPLATE> --output <OUTPUT>");
  EXPECT_EQ(args::helpUsage(completionsCommand()), "cfn-guard completions --shell <SHELL>");
  EXPECT_EQ(args::helpUsage(topCommand()), "cfn-guard <COMMAND>");
  EXPECT_EQ(args::usageFor(topCommand(), {"version"}), "cfn-guard --version <COMMAND>");
}

TEST_F(AsCfnGuard, ConflictsNameTheFirstGivenFirst) {
  const args::Command v = validateCommand();
  EXPECT_EQ(errorOf(v, {"-r", "f", "-d", "d", "-z", "-v", "-o", "json", "-S", "none"}),
            "error: the argument '--structured' cannot be used with '--verbose'\n\nUsage: cfn-guard validate "
            "--data [<DATA>...] --structured --output-format <OUTPUT_FORMAT> --show-summary <SHOW_SUMMARY> " +
                kGroup + kHint);
  EXPECT_EQ(errorOf(v, {"-v", "-z", "-r", "x"}),
            "error: the argument '--verbose' cannot be used with '--structured'\n\nUsage: cfn-guard validate "
            "--verbose " + kGroup + kHint);
  EXPECT_EQ(errorOf(v, {"-z", "-p", "-v", "-P", "-r", "x", "-d", "y"}),
            "error: the argument '--structured' cannot be used with:\n  --print-json\n  --verbose\n\n"
            "Usage: cfn-guard validate --structured --data [<DATA>...] " + kGroup + kHint);
  EXPECT_EQ(errorOf(v, {"-P", "-r", "x"}),  // golden v79
            "error: the argument '--payload' cannot be used with '--rules [<RULES>...]'\n\n"
            "Usage: cfn-guard validate " + kGroup + kHint);
  EXPECT_EQ(errorOf(testCommand(), {"-r", "x", "-d", "y", "-v", "-o", "json", "-m", "-a"}),
            "error: the argument '--last-modified' cannot be used with '--alphabetical'\n\nUsage: cfn-guard test "
            "--rules-file <rules-file> --dir <dir> --verbose --output-format <OUTPUT_FORMAT> --last-modified" + kHint);
}

TEST_F(AsCfnGuard, UnknownArguments) {
  const args::Command v = validateCommand();
  EXPECT_EQ(errorOf(v, {"--rules", "x.guard", "--bogus"}),  // golden h08
            "error: unexpected argument '--bogus' found\n\nUsage: cfn-guard validate " + kGroup + " " + kAll + kHint);
  EXPECT_EQ(errorOf(v, {"--bogus"}),
            "error: unexpected argument '--bogus' found\n\nUsage: cfn-guard validate [OPTIONS] " + kGroup + kHint);
  EXPECT_EQ(errorOf(v, {"--rulez", "x"}),
            "error: unexpected argument '--rulez' found\n\n  tip: a similar argument exists: '--rules'\n\n"
            "Usage: cfn-guard validate " + kGroup + " " + kAll + kHint);
  EXPECT_EQ(errorOf(v, {"--tep"}),  // as close to --type as to --help: the later one
            "error: unexpected argument '--tep' found\n\n  tip: a similar argument exists: '--help'\n\n"
            "Usage: cfn-guard validate --help " + kGroup + kHint);
  EXPECT_EQ(errorOf(v, {"-r", "x", "-ax"}),  // short flags: never a tip, the help's usage
            "error: unexpected argument '-x' found\n\nUsage: cfn-guard validate [OPTIONS] " + kGroup + kHint);
  EXPECT_EQ(errorOf(v, {"-r", "x", "y", "--", "z"}),
            "error: unexpected argument 'z' found\n\nUsage: cfn-guard validate [OPTIONS] " + kGroup + kHint);
  EXPECT_EQ(errorOf(testCommand(), {"-d", "z", "-a", "--verbose=x"}),
            "error: unexpected value 'x' for '--verbose' found; no more were expected\n\nUsage: cfn-guard test "
            "<--rules-file <rules-file>|--test-data <test-data>|--dir <dir>|--alphabetical|--last-modified|"
            "--verbose|--output-format <OUTPUT_FORMAT>> <--dir <dir>>" + kHint);
}

TEST_F(AsCfnGuard, SubcommandsAndTheirSuggestions) {
  const args::Command top = topCommand();
  EXPECT_EQ(errorOf(top, {"check", "-r", "x.guard"}),  // golden h07
            "error: unrecognized subcommand 'check'\n\nUsage: cfn-guard <COMMAND>" + kHint);
  EXPECT_EQ(errorOf(top, {"valdate"}),
            "error: unrecognized subcommand 'valdate'\n\n  tip: a similar subcommand exists: 'validate'\n\n"
            "Usage: cfn-guard <COMMAND>" + kHint);
  EXPECT_EQ(errorOf(top, {"tep"}),
            "error: unrecognized subcommand 'tep'\n\n  tip: some similar subcommands exist: 'test', 'help'\n\n"
            "Usage: cfn-guard <COMMAND>" + kHint);
  EXPECT_EQ(errorOf(top, {"--rules", "validate"}),
            "error: unexpected argument '--rules' found\n\n  tip: 'validate --rules' exists\n\n"
            "Usage: cfn-guard <COMMAND>" + kHint);
  args::Parsed sub = args::parse(top, {"validate", "-r", "x"});
  EXPECT_EQ(sub.outcome, args::Outcome::Subcommand);
  EXPECT_EQ(sub.subcommand, "validate");
  EXPECT_EQ(sub.rest, (std::vector<std::string>{"-r", "x"}));
}

TEST_F(AsCfnGuard, Values) {
  const args::Command v = validateCommand();
  EXPECT_EQ(errorOf(v, {"-r", "x", "-o", "xml"}),  // golden v72
            "error: invalid value 'xml' for '--output-format <OUTPUT_FORMAT>'\n"
            "  [possible values: single-line-summary, json, yaml, junit, sarif]\n\n"
            "  tip: a similar value exists: 'yaml'" + kHint);
  EXPECT_EQ(errorOf(v, {"-r", "x", "-S", "pas,fail"}),
            "error: invalid value 'pas' for '--show-summary <SHOW_SUMMARY>'\n"
            "  [possible values: all, pass, fail, skip, none]\n\n  tip: a similar value exists: 'pass'" + kHint);
  EXPECT_EQ(errorOf(v, {"-r", "x", "-o", "-v"}),
            "error: a value is required for '--output-format <OUTPUT_FORMAT>' but none was supplied\n"
            "  [possible values: single-line-summary, json, yaml, junit, sarif]" + kHint);
  EXPECT_EQ(errorOf(v, {"-v", "-v", "-r", "x"}),
            "error: the argument '--verbose' cannot be used multiple times\n\nUsage: cfn-guard validate [OPTIONS] " +
                kGroup + kHint);
  EXPECT_EQ(errorOf(v, {"-o", "xml", "-x"}),  // a pending value is checked when the next flag is known
            "error: unexpected argument '-x' found\n\nUsage: cfn-guard validate [OPTIONS] " + kGroup + kHint);

  args::Parsed ok = args::parse(v, {"-rx", "-r", "y", "-Sall,pass", "-o=json", "-d", "-z", "--rules=-"});
  ASSERT_EQ(ok.outcome, args::Outcome::Run) << ok.errorText;
  EXPECT_EQ(ok.matches.values("rules"), (std::vector<std::string>{"x", "y", "-"}));
  EXPECT_EQ(ok.matches.values("show-summary"), (std::vector<std::string>{"all", "pass"}));
  EXPECT_EQ(ok.matches.value("output-format"), "json");
  EXPECT_TRUE(ok.matches.has("data"));
  EXPECT_TRUE(ok.matches.values("data").empty());
}

TEST_F(AsCfnGuard, HelpAndNothing) {
  EXPECT_EQ(args::parse(validateCommand(), {}).outcome, args::Outcome::HelpOnStderr);
  EXPECT_EQ(args::parse(validateCommand(), {"--"}).outcome, args::Outcome::HelpOnStderr);
  EXPECT_EQ(args::parse(testCommand(), {"-h", "-x"}).outcome, args::Outcome::Help);
  EXPECT_EQ(args::parse(testCommand(), {"-x", "-h"}).outcome, args::Outcome::Error);
  EXPECT_EQ(args::parse(topCommand(), {"-V", "validate"}).outcome, args::Outcome::Version);
  EXPECT_EQ(errorOf(rulegenCommand(), {"-o", "x"}),
            "error: the following required arguments were not provided:\n  --template <TEMPLATE>\n\n"
            "Usage: cfn-guard rulegen --template <TEMPLATE> --output <OUTPUT>" + kHint);
}

// guardvm's flags: hidden from every text as cfn-guard, named as guardvm.
TEST_F(AsCfnGuard, GuardvmFlagsAreQuietAsCfnGuard) {
  const args::Command v = validateCommand();
  args::Parsed p = args::parse(v, {"-j", "3", "--no-cache", "-r", "x"});
  ASSERT_EQ(p.outcome, args::Outcome::Run);
  EXPECT_EQ(p.matches.value("jobs"), "3");
  EXPECT_EQ(validateHelp().find("--jobs"), std::string::npos);
  EXPECT_EQ(testHelp().find("--no-cache"), std::string::npos);
  EXPECT_EQ(validateHelp().find("--lint"), std::string::npos);
  EXPECT_EQ(errorOf(v, {"-r", "x", "--no-cach"}),
            "error: unexpected argument '--no-cach' found\n\nUsage: cfn-guard validate " + kGroup + " " + kAll + kHint);
  gProgramName = "guardvm";
  const args::Command g = validateCommand();
  EXPECT_EQ(errorOf(g, {"-r", "x", "--no-cach"}),
            "error: unexpected argument '--no-cach' found\n\n  tip: a similar argument exists: '--no-cache'\n\n"
            "Usage: guardvm validate " + kGroup + " " + kAll.substr(0, kAll.size() - 1) + "|--jobs <N>|--no-cache|--lint>" +
                kHint);
  EXPECT_EQ(errorOf(g, {"-j", "x"}),
            "error: invalid value 'x' for '--jobs <N>': invalid digit found in string" + kHint);
  const std::string help = validateHelp();
  EXPECT_LT(help.find("  -j, --jobs <N>\n"), help.find("      --no-cache\n"));
  EXPECT_LT(help.find("      --no-cache\n"), help.find("      --lint\n"));
  EXPECT_LT(help.find("      --lint\n"), help.find("  -h, --help\n"));
  EXPECT_NE(help.find("[default: 1]"), std::string::npos);
  EXPECT_NE(testHelp().find("      --no-cache                       Compile"), std::string::npos);
}

}  // namespace
}  // namespace guard::cli
