// `guardvm completions --shell bash|zsh|fish`: prints the completion script
// that clap_complete 4.1 generates for the whole command tree, registered
// under the name the program was invoked as. As `cfn-guard` that is
// cfn-guard 3.1.1's script byte for byte (spec §11.3, goldens c01-c03); as
// guardvm the same generator's script for guardvm's tree, with its own flags
// (-j/--jobs, --no-cache, --lint). An unknown shell is clap's usage error,
// exit 2. The tree comes from the command tables (command_line.cpp) through
// completion_scripts.cpp. Called by tools/guardvm.cpp through runCompletions;
// tools/completions/generate.sh installs its output.
#include "tools/cli/args.h"
#include "tools/cli/command_line.h"
#include "tools/cli/commands.h"
#include "tools/cli/common.h"
#include "tools/cli/completion_scripts.h"
#include "tools/cli/help.h"

namespace guard::cli {

int runCompletions(std::vector<std::string> args) {
  const args::Parsed parsed = args::parse(completionsCommand(), args);
  if (int rc = settle(parsed, completionsHelp()); rc >= 0) return rc;
  const std::string shell = parsed.matches.value("shell");
  const completion::Node tree = completion::commandTree();
  if (shell == "bash") out(completion::bash(tree));
  else if (shell == "zsh") out(completion::zsh(tree));
  else out(completion::fish(tree));
  return kExitOk;
}

}  // namespace guard::cli
