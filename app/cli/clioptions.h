#pragma once
// Options shared by the lbscope-cli commands that reach clusters or nodes, and terminal progress.
// --kubeconfig PATH  --context C  --ssh USER@HOST[:PORT]  --identity FILE  --known-hosts FILE
// --jump USER@HOST[:PORT]  --accept-new-host-key  --ssh-config FILE

#include "core/capture/targetoptions.h"
#include "core/common/canceltoken.h"
#include "core/common/error.h"
#include "core/common/progress.h"

#include <cstddef>
#include <string>
#include <vector>

namespace lbs::cli {

/// The common options are core's TargetOptions, with the terminal's prompts (setTerminalPrompts).
using CommonOptions = capture::TargetOptions;

/// If args[i] is one of the common options, stores it (and its value), advances i past it and
/// returns true; returns false for any other argument; Error when its value is missing.
Result<bool> takeCommonOption(const std::vector<std::string> &args, std::size_t &i, CommonOptions &options);

/// Value of the option at args[i] ("--out DIR" or "--out=DIR"); advances i. Error when missing.
Result<std::string> optionValue(const std::vector<std::string> &args, std::size_t &i);

/// Help text for the common SSH options (for command --help).
const char *sshOptionsHelp();

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
