#pragma once
// The terminal side of a command-line program: questions asked without echo or as OpenSSH asks
// them, progress drawn as a bar on a terminal and as plain lines in a log, warnings said once, and
// Ctrl+C turned into cancel tokens.

#include "core/common/canceltoken.h"
#include "core/common/progress.h"

#include <string>
#include <vector>

namespace lbs::clikit {

/// Asks `prompt` on stderr and reads a line from the terminal without echo; empty without a terminal.
std::string askHidden(const std::string &prompt);

/// OpenSSH's question for an unknown host key ("yes"/"no", three tries), on a terminal only: never
/// answered from a pipe.
bool askTrustHostKey(const std::string &host, const std::string &fingerprint, const std::string &file);

/// `text` safe for a terminal: control characters (a name in someone else's file could carry
/// escape sequences) shown as \xHH.
std::string terminalSafe(const std::string &text);

/// Left-aligned columns three spaces apart, like kubectl's tables; one line per row, no trailing
/// spaces.
std::string formatColumns(const std::vector<std::vector<std::string>> &rows);

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

/// First Ctrl+C (or SIGTERM) sets the "stop" token, the second the "abort" token; a third prints
/// `killedMessage` (a string literal: it is written from the signal handler) and ends the process
/// with status 130.
void installInterruptHandlers(const CancelToken &stop, const CancelToken &abort, const char *killedMessage);

} // namespace lbs::clikit
