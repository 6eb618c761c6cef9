#pragma once

#include "core/capture/remotehost.h"
#include "core/ssh/sshsession.h"

#include <memory>
#include <optional>

namespace lbs::capture {

/// RemoteHost over one SSH session. argv is turned into a command line with shellJoin() only.
/// When the login user is not root, every command is prefixed with `sudo -n --`; a sudo that
/// wants a password gives an Error saying so.
class SshRemoteHost final : public RemoteHost {
public:
    /// Connects (host key check, authentication) and returns the host.
    static Result<std::unique_ptr<SshRemoteHost>> connect(
        const ssh::SshConnectOptions &options, const CancelToken &cancel);
    explicit SshRemoteHost(std::unique_ptr<ssh::SshSession> session, std::string nodeName);

    Result<CommandResult> run(const std::vector<std::string> &argv, const CancelToken &cancel,
        const RunOptions &options = {}) override;
    Result<CommandResult> stream(const std::vector<std::string> &argv, const ByteSink &onStdout,
        const CancelToken &cancel, const RunOptions &options = {}) override;
    std::string describe() const override
    {
        return m_session->describe() + " (ssh, " + m_session->cipher() + ")";
    }
    std::string nodeName() const override { return m_nodeName; }
    std::string transportName() const override { return "ssh"; }

    /// The session, for tests and for SSH-only features.
    ssh::SshSession &session() { return *m_session; }

private:
    Result<CommandResult> exec(const std::vector<std::string> &argv, const ByteSink *onStdout,
        const CancelToken &cancel, const RunOptions &options);
    Result<std::string> commandLine(const std::vector<std::string> &argv, const CancelToken &cancel);
    std::unique_ptr<ssh::SshSession> m_session;
    std::string m_nodeName;
    std::optional<bool> m_needsSudo;
};

} // namespace lbs::capture
