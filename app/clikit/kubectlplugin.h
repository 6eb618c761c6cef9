#pragma once
// lbscope-cli as a kubectl plugin: installed (or linked) as `kubectl-lbscope` on PATH, kubectl's plugin
// discovery runs it for `kubectl lbscope ...` with the words after "lbscope". Users then write
// kubectl's global options where kubectl takes them: before the command (`kubectl lbscope --context C
// locate ...`) and `-n NS` for the namespace of a service given by name alone.

#include "commanddescription.h"

#include <string>
#include <vector>

namespace lbs::clikit {

/// True when the program was started under the plugin name (argv[0]'s base name is kubectl-lbscope).
bool isKubectlPlugin(const char *argv0);

/// Rewrites the words after the program name into lbscope-cli's form: --context, --kubeconfig and
/// -n/--namespace given before the command move after it; for a command without a --namespace option,
/// -n NS is taken out and `--service NAME` becomes `--service NS/NAME` (a name that has a '/' is
/// kept). Returns a usage error, or an empty string.
std::string rewriteKubectlPluginArgs(
    std::vector<std::string> &words, const std::vector<CommandDescription> &commands);

/// For completion: kubectl's plugin completion hands over the words as typed after `kubectl lbscope`,
/// where kubectl's global options may come before the command. They are moved behind it (-n only to
/// commands that have --namespace). Returns the option whose value is being typed when the words end
/// inside those global options ("--context <TAB>"), else an empty string.
std::string moveKubectlGlobalOptions(
    std::vector<std::string> &words, const std::vector<CommandDescription> &commands);

} // namespace lbs::clikit
