#include "core/ssh/sshrelay.h"

#include "core/ssh/sshsession.h"

#include <libssh/libssh.h>

#include <cerrno>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace lbs::ssh {

Result<std::unique_ptr<SshRelay>> SshRelay::open(
    SshSession &jump, const std::string &host, int port, int *targetFd)
{
    std::unique_ptr<SshRelay> relay(new SshRelay);
    relay->m_channel = ssh_channel_new(jump.handle());
    if (!relay->m_channel)
        return Error {"could not create a channel on the jump host", jump.describe(), {}};
    if (ssh_channel_open_forward(relay->m_channel, host.c_str(), port, "127.0.0.1", 0) != SSH_OK) {
        std::string why = ssh_get_error(jump.handle());
        ssh_channel_free(relay->m_channel);
        relay->m_channel = nullptr;
        return Error {"the jump host refused to forward to " + host + ":" + std::to_string(port) + ": " + why,
            jump.describe(), "check AllowTcpForwarding on the jump host and that it can reach the target",
            ErrorKind::Unavailable};
    }
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0)
        return Error {"socketpair failed for the jump relay", jump.describe(), {}};
    relay->m_fd = fds[0];
    fcntl(relay->m_fd, F_SETFL, fcntl(relay->m_fd, F_GETFL) | O_NONBLOCK);
    *targetFd = fds[1];
    relay->m_thread = std::thread([r = relay.get()] { r->pump(); });
    return relay;
}

SshRelay::~SshRelay()
{
    m_stop = true;
    if (m_thread.joinable())
        m_thread.join();
    if (m_channel) {
        ssh_channel_close(m_channel);
        ssh_channel_free(m_channel);
    }
    if (m_fd >= 0)
        ::close(m_fd);
}

void SshRelay::pump()
{
    std::vector<char> in(256 * 1024);
    std::vector<char> pending; // channel -> fd bytes not yet written
    std::size_t pendingOff = 0;
    ssh_session session = ssh_channel_get_session(m_channel);
    while (!m_stop) {
        bool moved = false;
        if (pendingOff == pending.size()) {
            pending.clear();
            pendingOff = 0;
            const int n
                = ssh_channel_read_nonblocking(m_channel, in.data(), static_cast<uint32_t>(in.size()), 0);
            if (n == SSH_ERROR)
                break;
            if (n > 0) {
                pending.assign(in.data(), in.data() + n);
                moved = true;
            } else if (ssh_channel_is_eof(m_channel)) {
                break;
            }
        }
        if (pendingOff < pending.size()) {
            const ssize_t w
                = ::send(m_fd, pending.data() + pendingOff, pending.size() - pendingOff, MSG_NOSIGNAL);
            if (w > 0) {
                pendingOff += static_cast<std::size_t>(w);
                moved = true;
            } else if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
                break;
            }
        }
        const ssize_t r = ::recv(m_fd, in.data(), in.size(), MSG_DONTWAIT);
        if (r == 0)
            break; // the target session closed its end
        if (r > 0) {
            if (ssh_channel_write(m_channel, in.data(), static_cast<uint32_t>(r)) != r)
                break;
            moved = true;
        } else if (errno != EAGAIN && errno != EWOULDBLOCK) {
            break;
        }
        if (!moved) {
            pollfd fds[2]
                = {{m_fd, static_cast<short>(POLLIN | (pendingOff < pending.size() ? POLLOUT : 0)), 0},
                    {ssh_get_fd(session), POLLIN, 0}};
            ::poll(fds, 2, 20);
        }
    }
    // Wake the target session: it sees EOF on its end.
    ::shutdown(m_fd, SHUT_RDWR);
}

} // namespace lbs::ssh
