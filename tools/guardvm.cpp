// guardvm: the Guard register VM with cfn-guard 3.1.1's command line.
// Dispatches to the subcommands in tools/cli/; prints what they return and
// exits with cfn-guard's codes. Invoked as `cfn-guard` (a symlink), it uses
// that name everywhere.
#include <csignal>
#include <string>
#include <vector>

#include "tools/cli/commands.h"
#include "tools/cli/common.h"

namespace {

const char* kTopHelp =
    "Guard is a general-purpose tool that provides a simple declarative syntax to define\n"
    "policy-as-code as rules to validate against any structured hierarchical data (like JSON/YAML).\n"
    "guardvm compiles Guard rules to bytecode and runs them on a register VM.\n"
    "\n"
    "Usage: %s [COMMAND]\n"
    "\n"
    "Commands:\n"
    "  validate     Evaluates rules against the data files to determine success or failure.\n"
    "  test         Built in unit testing capability to validate a Guard rules file against\n"
    "               unit tests specified in YAML format to determine each individual rule's success\n"
    "               or failure testing.\n"
    "  help         Print this message or the help of the given subcommand(s)\n"
    "\n"
    "Options:\n"
    "  -h, --help     Print help\n"
    "  -V, --version  Print version\n";

std::string topHelp() {
  char buf[4096];
  std::snprintf(buf, sizeof buf, kTopHelp, guard::cli::gProgramName.c_str());
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace guard::cli;
  std::signal(SIGPIPE, SIG_IGN);  // a closed stdout is handled where we write
  gProgramName = baseName(argc > 0 ? argv[0] : "guardvm");
  std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
  int rc;
  if (args.empty()) {
    err(topHelp());
    rc = kExitUsage;
  } else if (args[0] == "--version" || args[0] == "-V") {
    out("cfn-guard 3.1.1\n");
    rc = kExitOk;
  } else if (args[0] == "--help" || args[0] == "-h" || (args[0] == "help" && args.size() == 1)) {
    out(topHelp());
    rc = kExitOk;
  } else {
    std::string sub = args[0];
    args.erase(args.begin());
    if (sub == "help") {
      sub = args[0];
      args = {"--help"};
    }
    if (sub == "validate") {
      rc = runValidate(std::move(args));
    } else if (sub == "test") {
      rc = runTest(std::move(args));
    } else {
      err("error: unrecognized subcommand '" + sub + "'\n\nUsage: " + gProgramName +
          " [COMMAND]\n\nFor more information, try '--help'.\n");
      rc = kExitUsage;
    }
  }
  flushOut();
  return rc;
}
