// Tests of the completion script generators (tools/cli/completion_scripts.cpp):
// under the name cfn-guard, the three scripts equal cfn-guard 3.1.1's
// (the goldens c01-c03 in ../shared, skipped where shared/ is absent); the
// tree derived from the command tables (hidden flags left out, clap's help
// subcommand); and clap_complete's escaping on a small tree of our own.
// tests/cli/completions.sh checks that the scripts load and complete.
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "tools/cli/command_line.h"
#include "tools/cli/common.h"
#include "tools/cli/completion_scripts.h"

namespace guard::cli::completion {
namespace {

// Runs a test under a program name and puts the old one back.
class Named : public ::testing::Test {
 protected:
  void SetUp() override { saved_ = gProgramName; }
  void TearDown() override { gProgramName = saved_; }

 private:
  std::string saved_;
};

// The stdout of a golden case, or "" when shared/ is not beside the sources.
std::string golden(const std::string& name) {
  std::ifstream in(std::string(GUARD_SOURCE_DIR) + "/../shared/spec/golden/" + name + "/stdout", std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

using CfnGuardScripts = Named;

TEST_F(CfnGuardScripts, EqualClapCompletesOnes) {
  gProgramName = "cfn-guard";
  const std::string bashGolden = golden("c01-completions-bash");
  if (bashGolden.empty()) GTEST_SKIP() << "no goldens in ../shared";
  const Node tree = commandTree();
  EXPECT_EQ(bash(tree), bashGolden);
  EXPECT_EQ(zsh(tree), golden("c02-completions-zsh"));
  EXPECT_EQ(fish(tree), golden("c03-completions-fish"));
}

using Tree = Named;

TEST_F(Tree, HasTheSubcommandsAndClapsHelp) {
  gProgramName = "cfn-guard";
  const Node tree = commandTree();
  EXPECT_EQ(tree.name, "cfn-guard");
  ASSERT_EQ(tree.subcommands.size(), 6u);
  const Node& help = tree.subcommands.back();
  EXPECT_EQ(help.name, "help");
  EXPECT_TRUE(help.args.empty());
  ASSERT_EQ(help.subcommands.size(), tree.subcommands.size());
  for (size_t i = 0; i < help.subcommands.size(); ++i) {
    EXPECT_EQ(help.subcommands[i].name, tree.subcommands[i].name);
    EXPECT_EQ(help.subcommands[i].about, tree.subcommands[i].about);
    EXPECT_TRUE(help.subcommands[i].args.empty());
  }
}

bool hasArg(const Node& n, const std::string& id) {
  for (const args::Arg& a : n.args)
    if (a.id == id) return true;
  return false;
}

TEST_F(Tree, GuardvmsOwnFlagsOnlyUnderItsName) {
  gProgramName = "cfn-guard";
  Node tree = commandTree();
  for (const char* id : {"jobs", "no-cache", "lint"}) EXPECT_FALSE(hasArg(tree.subcommands[0], id)) << id;
  EXPECT_FALSE(hasArg(tree.subcommands[1], "no-cache"));

  gProgramName = "guardvm";
  tree = commandTree();
  EXPECT_EQ(tree.name, "guardvm");
  for (const char* id : {"jobs", "no-cache", "lint"}) EXPECT_TRUE(hasArg(tree.subcommands[0], id)) << id;
  EXPECT_TRUE(hasArg(tree.subcommands[1], "no-cache"));
  const std::string script = bash(tree);
  EXPECT_NE(script.find("-j -h --rules"), std::string::npos);
  EXPECT_NE(script.find("--jobs --no-cache --lint --help"), std::string::npos);
  EXPECT_NE(script.find("complete -F _guardvm -o bashdefault -o default guardvm\n"), std::string::npos);
}

// A tree with the characters each shell's quoting must escape.
Node awkwardTree() {
  args::Arg pick;
  pick.id = "pick";
  pick.shortName = 'k';
  pick.valueName = "WHAT";
  pick.takes = args::Takes::One;
  pick.possible = {"a b", "c,d"};
  pick.help = "it's [odd] \\ here";
  Node sub{"do-it", "Don't [panic]", {pick}, {}};
  return Node{"my-prog", "", {}, {sub}};
}

TEST(Escaping, Zsh) {
  const std::string s = zsh(awkwardTree());
  EXPECT_NE(s.find("'-k+[it'\\''s \\[odd\\] \\\\ here]:WHAT:(a\\ b c,d)' \\\n"), std::string::npos) << s;
  EXPECT_NE(s.find("'do-it:Don'\\''t \\[panic\\]' \\\n"), std::string::npos) << s;
  EXPECT_NE(s.find("_my-prog__do-it_commands()"), std::string::npos) << s;
}

TEST(Escaping, Fish) {
  const std::string s = fish(awkwardTree());
  EXPECT_NE(s.find("complete -c my-prog -n \"__fish_use_subcommand\" -f -a \"do-it\" -d 'Don\\'t [panic]'\n"),
            std::string::npos)
      << s;
  EXPECT_NE(s.find("-s k -l pick -d 'it\\'s [odd] \\\\ here' -r -f -a \"{a b\t,c\\,d\t}\"\n"), std::string::npos)
      << s;
}

TEST(Escaping, BashNamesItsStatesWithoutHyphens) {
  const std::string s = bash(awkwardTree());
  EXPECT_NE(s.find("            my__prog,do-it)\n                cmd=\"my__prog__do__it\"\n"), std::string::npos) << s;
  EXPECT_NE(s.find("        my__prog__do__it)\n            opts=\"-k --pick\"\n"), std::string::npos) << s;
  EXPECT_NE(s.find("COMPREPLY=($(compgen -W \"a b c,d\" -- \"${cur}\"))"), std::string::npos) << s;
}

}  // namespace
}  // namespace guard::cli::completion
