#pragma once
// Options shared by the lbscope-cli commands that reach clusters or nodes (rows for their option
// tables), the terminal's prompts and progress, and Ctrl+C.

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

/// "warning: TEXT" on stderr, each text once per process (a kubeconfig warning is seen by every client).
void printWarningOnce(const std::string &text);

/// Progress on stderr: a redrawn bar on a terminal, plain lines (every ~10 %) otherwise.
class TerminalProgress final : public ProgressSink {
public:
    TerminalProgress();
    ~TerminalProgress() override;
    void report(const ProgressEvent &event) override;
    /// Ends a bar line if one is open.
    void endLine();

private:
    bool m_tty;
    bool m_open = false;
    std::string m_stage;
    int m_lastDecile = -1;
};

/// First Ctrl+C sets the "stop" token, the second the "abort" token (a third kills the process).
/// Installed for the capture command.
void installInterruptHandlers(const CancelToken &stop, const CancelToken &abort);

} // namespace lbs::cli
