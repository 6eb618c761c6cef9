#pragma once
// Options shared by the lbscope-cli commands that reach clusters or nodes (rows for their option
// tables), the terminal's prompts (app/clikit/terminal), and Ctrl+C.

#include "app/clikit/terminal.h"
#include "core/capture/targetoptions.h"
#include "core/common/canceltoken.h"
#include "core/common/error.h"
#include "core/common/progress.h"

#include <CLI/CLI.hpp>

#include <string>

namespace lbs::cli {

/// The common options are core's TargetOptions, with the terminal's prompts (setTerminalPrompts).
using CommonOptions = capture::TargetOptions;

/// Adds --kubeconfig and, unless `context` is null, --context to a command's option table.
void addClusterOptions(CLI::App &table, std::string &kubeconfig, std::string *context);

/// Adds the options that reach a node over SSH: --ssh, --jump, --identity/-i, --known-hosts,
/// --accept-new-host-key, --ssh-config.
void addSshOptions(CLI::App &table, CommonOptions &options);

/// Adds the options of the debug pod a command may run on a node: --image, --image-pull-secret,
/// --debug-namespace, --host-tcpdump.
void addDebugPodOptions(CLI::App &table, CommonOptions &options);

/// The terminal's answers to the interactive questions: a key passphrase from LBSCOPE_SSH_PASSPHRASE,
/// else asked on the terminal (no echo); an unknown host key asked as OpenSSH does (terminal only).
void setTerminalPrompts(CommonOptions &options);

using clikit::printWarningOnce;
using clikit::TerminalProgress;

/// clikit::installInterruptHandlers with lbscope-cli's word on what a kill may leave behind.
void installInterruptHandlers(const CancelToken &stop, const CancelToken &abort);

} // namespace lbs::cli
