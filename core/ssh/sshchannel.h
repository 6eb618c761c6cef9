#pragma once

#include "core/common/canceltoken.h"
#include "core/common/error.h"

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

struct ssh_channel_struct;

namespace lbs::ssh {

class SshSession;

/// What an exec channel produced.
struct ExecOutcome {
    int exitCode = -1; ///< -1 when the server sent no exit-status (killed by a signal)
    std::string exitSignal; ///< "INT", "KILL"… when the server sent exit-signal
    std::string out; ///< stdout when no stdout callback was given (bounded)
    std::string err; ///< stderr (bounded)
    bool outTruncated = false;
    bool errTruncated = false;
};

/// Limits for SshChannel::finish.
struct ExecLimits {
    std::size_t maxOut = 16u << 20;
    std::size_t maxErr = 1u << 20;
    int timeoutMs = 0; ///< <= 0: none
};

/// One exec channel. The command string runs in the remote user's shell: build it with
/// lbs::capture::shellJoin only. Stdin is closed right after the exec request.
class SshChannel {
public:
    ~SshChannel();
    SshChannel(const SshChannel &) = delete;
    SshChannel &operator=(const SshChannel &) = delete;

    /// Opens a session channel on session and requests exec of command.
    static Result<std::unique_ptr<SshChannel>> exec(SshSession &session, const std::string &command);

    /// Sends a signal over the channel ("INT", "TERM"… without "SIG"). OpenSSH delivers it as the
    /// logged-in user (>= 7.9), so processes started under sudo do not receive it: use `kill` then.
    Status sendSignal(const std::string &name);

    /// Reads until the command exits. stdout goes to onStdout when given (return false to abort),
    /// else into ExecOutcome::out. Cancel or timeout send TERM, close the channel and return an Error.
    Result<ExecOutcome> finish(const std::function<bool(const char *, std::size_t)> &onStdout,
        const ExecLimits &limits, const CancelToken &cancel);

    /// Closes the channel now (idempotent).
    void close();

private:
    SshChannel() = default;
    struct Callbacks;
    ssh_channel_struct *m_channel = nullptr;
    std::unique_ptr<Callbacks> m_callbacks;
    std::string m_describe;
};

} // namespace lbs::ssh
