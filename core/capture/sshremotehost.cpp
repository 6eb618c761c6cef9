#include "core/capture/sshremotehost.h"

#include "core/ssh/sshchannel.h"

namespace lbs::capture {

namespace {

// lbscope runs every command as `sudo -n -- sh -c ...` (and a few as `sudo -n -- cat/kill/...`), so a
// sudoers entry limited to tcpdump and a few tools does not work: it takes root for any command.
constexpr const char *kSudoHint
    = "log in as root, or give the user passwordless sudo for all commands (`USER ALL=(root) NOPASSWD: "
      "ALL` in sudoers): lbscope runs its commands through `sudo -n -- sh -c ...`, so a rule limited to "
      "tcpdump, kill and the like is not enough, and the login is effectively root";

} // namespace

Result<std::unique_ptr<SshRemoteHost>> SshRemoteHost::connect(
    const ssh::SshConnectOptions &options, const CancelToken &cancel)
{
    auto s = ssh::SshSession::connect(options, cancel);
    if (!s)
        return s.error();
    auto host = std::make_unique<SshRemoteHost>(std::move(s.value()), options.target.host);
    // The node's own name (the Kubernetes node name on most clusters) labels the capture better
    // than the address we reached it by.
    auto name = host->run({"uname", "-n"}, cancel);
    if (name && name->ok()) {
        std::string n = name->out.substr(0, name->out.find_first_of("\r\n"));
        if (!n.empty())
            host->m_nodeName = n;
    }
    return host;
}

SshRemoteHost::SshRemoteHost(std::unique_ptr<ssh::SshSession> session, std::string nodeName)
    : m_session(std::move(session)), m_nodeName(std::move(nodeName))
{
}

Result<std::string> SshRemoteHost::commandLine(
    const std::vector<std::string> &argv, const CancelToken &cancel)
{
    if (argv.empty())
        return Error {"empty command", describe(), {}};
    if (!m_needsSudo) {
        auto id = exec({"id", "-u"}, nullptr, cancel, RunOptions {});
        if (!id)
            return id.error();
        if (!id->ok())
            return Error {
                "could not tell which user we are on the node: " + id->errorSummary(), describe(), {}};
        m_needsSudo = id->out.substr(0, id->out.find_first_of("\r\n")) != "0";
    }
    std::vector<std::string> full;
    if (*m_needsSudo)
        full = {"sudo", "-n", "--"};
    full.insert(full.end(), argv.begin(), argv.end());
    return shellJoin(full);
}

Result<CommandResult> SshRemoteHost::exec(const std::vector<std::string> &argv, const ByteSink *onStdout,
    const CancelToken &cancel, const RunOptions &options)
{
    Result<std::string> line = m_needsSudo || argv != std::vector<std::string> {"id", "-u"}
        ? commandLine(argv, cancel)
        : shellJoin(argv);
    if (!line)
        return line.error();
    auto ch = ssh::SshChannel::exec(*m_session, line.value());
    if (!ch)
        return ch.error();
    ssh::ExecLimits limits {options.maxOut, options.maxErr, options.timeoutMs};
    auto r = ch.value()->finish(
        onStdout ? std::function<bool(const char *, std::size_t)>(*onStdout) : nullptr, limits, cancel);
    if (!r)
        return Error {argv.front() + ": " + r.error().message, describe(), r.error().hint};
    CommandResult cr;
    cr.exitCode = r->exitCode;
    cr.exitSignal = r->exitSignal;
    cr.out = std::move(r->out);
    cr.err = std::move(r->err);
    cr.outTruncated = r->outTruncated;
    cr.errTruncated = r->errTruncated;
    if (m_needsSudo && *m_needsSudo && cr.exitCode != 0
        && (cr.err.find("a password is required") != std::string::npos
            || cr.err.find("sudo: a terminal is required") != std::string::npos))
        return Error {"sudo on " + m_session->describe() + " wants a password, and lbscope runs sudo -n",
            describe(), std::string(kSudoHint)};
    // the shell could not find sudo itself (dash: "sudo: not found", bash: "sudo: command not found");
    // sudo's own "sudo: CMD: command not found" exits 1, not 127
    if (m_needsSudo && *m_needsSudo && cr.exitCode == 127
        && (cr.err.find("sudo: not found") != std::string::npos
            || cr.err.find("sudo: command not found") != std::string::npos))
        return Error {"the login on " + m_session->describe()
                + " is not root, and sudo is not installed there (or not on its PATH)",
            describe(), "install sudo, then: " + std::string(kSudoHint)};
    return cr;
}

Result<CommandResult> SshRemoteHost::run(
    const std::vector<std::string> &argv, const CancelToken &cancel, const RunOptions &options)
{
    return exec(argv, nullptr, cancel, options);
}

Result<CommandResult> SshRemoteHost::stream(const std::vector<std::string> &argv, const ByteSink &onStdout,
    const CancelToken &cancel, const RunOptions &options)
{
    return exec(argv, &onStdout, cancel, options);
}

} // namespace lbs::capture
