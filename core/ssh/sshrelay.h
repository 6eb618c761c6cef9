#pragma once

#include "core/common/error.h"

#include <atomic>
#include <memory>
#include <string>
#include <thread>

struct ssh_channel_struct;

namespace lbs::ssh {

class SshSession;

/// In-process jump host for libssh 0.10 (which has no ProxyJump): a direct-tcpip channel on the
/// jump session, pumped by a thread into one end of a socketpair; the other end is handed to the
/// target session with SSH_OPTIONS_FD. The jump session belongs to the thread while it runs.
class SshRelay {
public:
    ~SshRelay();
    SshRelay(const SshRelay &) = delete;
    SshRelay &operator=(const SshRelay &) = delete;

    /// Opens the forward to host:port; on success *targetFd is the end for the target session
    /// (the target session closes it).
    static Result<std::unique_ptr<SshRelay>> open(
        SshSession &jump, const std::string &host, int port, int *targetFd);

private:
    SshRelay() = default;
    void pump();
    ssh_channel_struct *m_channel = nullptr;
    int m_fd = -1;
    std::atomic<bool> m_stop {false};
    std::thread m_thread;
};

} // namespace lbs::ssh
