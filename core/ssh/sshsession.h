#pragma once
// core/ssh: SSH transport over libssh 0.10 — ~/.ssh/config, strict known_hosts, agent and key auth,
// an in-process jump host, exec channels with exit status, signals and cancellation.
// Uses libssh and the standard library only; must never depend on Qt Widgets, core/kube or core/capture.

#include "core/common/canceltoken.h"
#include "core/common/error.h"
#include "core/ssh/sshendpoint.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>

struct ssh_session_struct;

namespace lbs::ssh {

class SshRelay;

/// How to reach and authenticate to one host.
struct SshConnectOptions {
    SshEndpoint target;
    std::optional<SshEndpoint> jump; ///< reach target through a direct-tcpip channel on this host
    std::string identityFile; ///< explicit private key; empty = agent + default keys + config
    std::string knownHostsFile; ///< empty = ~/.ssh/known_hosts
    std::string configFile; ///< empty = ~/.ssh/config (+ /etc/ssh/ssh_config); "none" = read no config file
    /// The directory libssh calls ~/.ssh (%d): default config, known_hosts and identities. Empty = the
    /// user's home from the password database (libssh ignores $HOME).
    std::string sshDir;
    bool acceptNewHostKey
        = false; ///< trust (and record) an unknown host key; a changed key is never accepted
    int connectTimeoutSec = 15;
    /// Asked for a key passphrase (argument: the prompt). Empty function = no passphrase.
    std::function<std::string(const std::string &prompt)> passphrase;
    /// Asked when the host key is unknown and acceptNewHostKey is off: show the fingerprint to the
    /// user and return true to trust it (it is then recorded in knownHostsFile). Empty = refuse.
    /// Never asked for a changed key: that is always refused.
    std::function<bool(
        const std::string &host, const std::string &fingerprint, const std::string &knownHostsFile)>
        confirmNewHostKey;
};

/// One authenticated SSH session. Not thread-safe: use it from one thread at a time
/// (libssh's rule). Exec channels are opened with SshChannel.
class SshSession {
public:
    ~SshSession();
    SshSession(const SshSession &) = delete;
    SshSession &operator=(const SshSession &) = delete;

    /// Connects, checks the host key against known_hosts and authenticates. Through options.jump
    /// when set (the jump host's key is checked the same way). Errors name the host and the fix.
    static Result<std::unique_ptr<SshSession>> connect(
        const SshConnectOptions &options, const CancelToken &cancel);

    /// "user@host:port" (plus " via jump" when a jump host is used).
    std::string describe() const { return m_describe; }
    /// The user we are logged in as.
    std::string user() const { return m_user; }
    /// The server's host key fingerprint, "SHA256:…".
    std::string hostKeyFingerprint() const { return m_fingerprint; }
    /// The negotiated server-to-client cipher (e.g. "aes256-gcm@openssh.com").
    std::string cipher() const { return m_cipher; }
    /// The raw libssh handle, for SshChannel.
    ssh_session_struct *handle() const { return m_session; }

private:
    SshSession() = default;
    ssh_session_struct *m_session = nullptr;
    std::unique_ptr<SshSession> m_jumpSession;
    std::unique_ptr<SshRelay> m_relay;
    std::shared_ptr<void> m_callbacks; // libssh auth callbacks; must outlive m_session
    std::string m_describe;
    std::string m_user;
    std::string m_fingerprint;
    std::string m_cipher;
};

/// The SHA256 fingerprint of a session's server key, or an empty string.
std::string serverFingerprint(ssh_session_struct *session);

} // namespace lbs::ssh
