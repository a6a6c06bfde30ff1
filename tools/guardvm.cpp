// guardvm: the Guard register VM with cfn-guard 3.1.1's command line.
// Parses the top level with clap's rules (tools/cli/args.h), answers
// --help, --version and `help [COMMAND]...`, and dispatches to the
// subcommands in tools/cli/; prints what they return and exits with
// cfn-guard's codes. Invoked as `cfn-guard` (a symlink), it uses that name
// everywhere and prints cfn-guard's texts word for word.
#include <malloc.h>

#include <csignal>
#include <string>
#include <vector>

#include "tools/cli/args.h"
#include "tools/cli/command_line.h"
#include "tools/cli/commands.h"
#include "tools/cli/common.h"
#include "tools/cli/help.h"
#include "tools/cli/version.h"

namespace {

using Runner = int (*)(std::vector<std::string>);

// The subcommand's entry point, or nullptr for an unknown name.
Runner findCommand(const std::string& name) {
  using namespace guard::cli;
  if (name == "validate") return runValidate;
  if (name == "test") return runTest;
  if (name == "parse-tree") return runParseTree;
  if (name == "rulegen") return runRulegen;
  if (name == "completions") return runCompletions;
  return nullptr;
}

// `help [COMMAND]...` (clap's help subcommand): each name must be a
// subcommand of the one before; the last one's help goes to stdout.
int runHelp(const std::vector<std::string>& names) {
  using namespace guard::cli;
  std::string at;  // "" is the top level
  for (const std::string& name : names) {
    if (at.empty() && (subcommand(name) || name == "help")) {
      at = name;
      continue;
    }
    args::ErrorText e{"unrecognized subcommand '" + name + "'", "", "", true};
    if (at.empty()) e.usage = args::helpUsage(topCommand());
    else if (at == "help") e.usage = gProgramName + " help [COMMAND]...", e.tryHelp = false;
    else e.usage = args::helpUsage(*subcommand(at));
    err(args::render(e));
    return kExitUsage;
  }
  out(helpOf(at));
  return kExitOk;
}

int dispatch(const std::vector<std::string>& argv) {
  using namespace guard::cli;
  args::Parsed parsed = args::parse(topCommand(), argv);
  switch (parsed.outcome) {
    case args::Outcome::Version:
      // Invoked as `cfn-guard`, cfn-guard's own line (spec §2.1: a drop-in must);
      // as guardvm, what audit evidence and bug reports need to name the build.
      out(invokedAsCfnGuard() ? cfnGuardVersionLine() : versionText(gProgramName));
      return kExitOk;
    case args::Outcome::Subcommand:
      if (parsed.subcommand == "help") return runHelp(parsed.rest);
      return findCommand(parsed.subcommand)(std::move(parsed.rest));
    case args::Outcome::Run:  // cannot happen: a subcommand is required
      parsed.outcome = args::Outcome::HelpOnStderr;
      break;
    default:
      break;
  }
  return settle(parsed, topHelp());
}

}  // namespace

int main(int argc, char** argv) {
  using namespace guard::cli;
  std::signal(SIGPIPE, SIG_IGN);  // a closed stdout is handled where we write
  // Reports of large templates are built in strings of tens to hundreds of MB,
  // one after another. By default glibc maps each such block fresh and unmaps
  // it when freed, so every report pays the page faults of zeroed memory again
  // (a fifth of the CPU time at 10k resources, docs/performance.md). Kept in
  // the heap, a freed block is reused by the next report.
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  gProgramName = baseName(argc > 0 ? argv[0] : "guardvm");
  int rc = dispatch(std::vector<std::string>(argv + (argc > 0 ? 1 : 0), argv + argc));
  return finishOutput(rc);
}
