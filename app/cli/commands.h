#pragma once
// lbscope-cli subcommands. Each command declares its options in one CommandLine table and parses its
// arguments (argv after the command name) with it, prints to stdout/stderr and returns the process exit
// code (0 ok, 2 usage error or unusable input).
// To add a command: declare it here, implement it in app/cli/<name>command.cpp, and add one line
// to the table in main.cpp (inside #ifdef HAVE_LBSCOPE_CAPTURE for commands that need core/capture).

#include "app/clikit/commanddescription.h"
#include "app/clikit/commandline.h"

#include <string>
#include <vector>

namespace lbs::cli {

using clikit::CommandLine;
using clikit::oneLine;

/// `completion bash|zsh|fish`: the shell completion script.
int runCompletion(const std::vector<std::string> &args);
/// `__complete WORD...`: candidates for the last word, then cobra's directive line.
int runComplete(const std::vector<clikit::CommandDescription> &commands, std::vector<std::string> words);
/// `--man`: lbscope-cli(1) in roff.
int printManPage(const std::vector<clikit::CommandDescription> &commands);

/// `analyze FILE... [--filter BPF] [--json OUT] [--flows-csv OUT] [--bucket SECONDS]`
int runAnalyze(const std::vector<std::string> &args);

} // namespace lbs::cli

#ifdef HAVE_LBSCOPE_CAPTURE
namespace lbs::cli {
// Cluster and capture commands (contexts, services, locate, capture, fetch, cleanup, verify).
/// `capture (--ssh USER@HOST[:PORT] | --node NODE | --service NS/NAME) --iface IF ... --out DIR`, `--attach
/// DIR`
int runCapture(const std::vector<std::string> &args);
/// `fetch (--node NODE | --ssh USER@HOST[:PORT]) REMOTE_PATH... --out DIR`
int runFetch(const std::vector<std::string> &args);
/// `contexts [--kubeconfig PATH] [--json]`
int runContexts(const std::vector<std::string> &args);
/// `services [--context C] [--namespace NS] [--json]`
int runServices(const std::vector<std::string> &args);
/// `locate --service NS/NAME [--context C] [--json]`
int runLocate(const std::vector<std::string> &args);
/// `check --service NS/NAME [--context C] [--json]`
int runCheck(const std::vector<std::string> &args);
/// `cleanup [--context C] [--namespace NS] [--json]`
int runCleanup(const std::vector<std::string> &args);
/// `verify DIR... [--json]`
int runVerify(const std::vector<std::string> &args);
} // namespace lbs::cli
#endif
