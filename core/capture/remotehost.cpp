#include "core/capture/remotehost.h"

#include <charconv>

namespace lbs::capture {

namespace {

std::string trim(const std::string &s)
{
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos)
        return {};
    const auto e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
}

} // namespace

std::string CommandResult::errorSummary() const
{
    const std::string t = trim(err);
    if (!t.empty()) {
        const auto nl = t.find('\n');
        return nl == std::string::npos ? t : t.substr(0, nl);
    }
    if (!exitSignal.empty())
        return "killed by signal " + exitSignal;
    return "exit code " + std::to_string(exitCode);
}

Result<std::string> shellQuote(const std::string &word)
{
    if (word.find('\0') != std::string::npos)
        return Error {"an argument contains a NUL byte, which no remote command can receive", {},
            "remove the NUL character from the value"};
    std::string q;
    q.reserve(word.size() + 2);
    q += '\'';
    for (char c : word) {
        if (c == '\'')
            q += "'\\''";
        else
            q += c;
    }
    q += '\'';
    return q;
}

Result<std::string> shellJoin(const std::vector<std::string> &argv)
{
    std::string line;
    for (const auto &a : argv) {
        auto q = shellQuote(a);
        if (!q)
            return q.error();
        if (!line.empty())
            line += ' ';
        line += q.value();
    }
    return line;
}

Result<int64_t> RemoteHost::startDetached(const std::vector<std::string> &argv, const std::string &pidFile,
    const std::string &stderrFile, const CancelToken &cancel)
{
    if (argv.empty())
        return Error {"nothing to start: the command is empty", describe(), {}};
    // $1 = pid file, $2 = stderr file, the rest = the command. The inner shell writes its own pid and
    // exec's the command, so the pid stays the command's. `setsid -f` forks it into a new session
    // (not `&`: a non-interactive shell starts background jobs with SIGINT ignored).
    static const std::string script
        = "pf=$1; ef=$2; shift 2; rm -f \"$pf\"; "
          "setsid -f sh -c 'echo $$ > \"$0\"; exec \"$@\"' \"$pf\" \"$@\" </dev/null >/dev/null 2>>\"$ef\"; "
          "i=0; while [ ! -s \"$pf\" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done; "
          "cat \"$pf\"";
    std::vector<std::string> full {"sh", "-c", script, "sh", pidFile, stderrFile};
    full.insert(full.end(), argv.begin(), argv.end());
    RunOptions opts;
    opts.timeoutMs = 30000;
    auto r = run(full, cancel, opts);
    if (!r)
        return r.error();
    const std::string pidText = trim(r->out);
    int64_t pid = 0;
    const auto [p, ec] = std::from_chars(pidText.data(), pidText.data() + pidText.size(), pid);
    if (!r->ok() || ec != std::errc {} || p != pidText.data() + pidText.size() || pid <= 1)
        return Error {"could not start '" + argv.front() + "' in the background: " + r->errorSummary(),
            describe(), "check that " + pidFile + " is writable on the node"};
    return pid;
}

Result<bool> RemoteHost::sendSignal(int64_t pid, const std::string &signal, const CancelToken &cancel)
{
    if (pid <= 1)
        return Error {"refusing to signal pid " + std::to_string(pid), describe(), {}};
    RunOptions opts;
    opts.timeoutMs = 20000;
    auto r = run({"kill", "-" + signal, std::to_string(pid)}, cancel, opts);
    if (!r)
        return r.error();
    if (r->ok())
        return true;
    if (r->err.find("No such process") != std::string::npos
        || r->err.find("no such process") != std::string::npos)
        return false;
    if (r->exitCode == 1 && r->err.empty())
        return false;
    return Error {"could not send SIG" + signal + " to pid " + std::to_string(pid) + ": " + r->errorSummary(),
        describe(), {}};
}

Result<bool> RemoteHost::isAlive(int64_t pid, const CancelToken &cancel)
{
    if (pid <= 1)
        return Error {"refusing to look at pid " + std::to_string(pid), describe(), {}};
    RunOptions opts;
    opts.timeoutMs = 20000;
    auto r = run({"cat", "/proc/" + std::to_string(pid) + "/stat"}, cancel, opts);
    if (!r)
        return r.error();
    if (!r->ok())
        return false; // no such process
    // "pid (comm) S ...": the state follows the last ')', comm may contain anything
    const auto close = r->out.rfind(')');
    if (close == std::string::npos || close + 2 >= r->out.size())
        return sendSignal(pid, "0", cancel);
    const char state = r->out[close + 2];
    return state != 'Z' && state != 'X';
}

Result<RemoteHost::ProcessIdentity> RemoteHost::processIdentity(int64_t pid, const CancelToken &cancel)
{
    if (pid <= 1)
        return Error {"refusing to look at pid " + std::to_string(pid), describe(), {}};
    RunOptions opts;
    opts.timeoutMs = 20000;
    const std::string proc = "/proc/" + std::to_string(pid);
    auto stat = run({"cat", proc + "/stat"}, cancel, opts);
    if (!stat)
        return stat.error();
    ProcessIdentity id;
    if (!stat->ok())
        return id; // no such process
    // "pid (comm) S ...": comm may itself contain ')' and spaces, so take the last ')'
    const auto open = stat->out.find('(');
    const auto close = stat->out.rfind(')');
    if (open == std::string::npos || close == std::string::npos || close < open
        || close + 2 >= stat->out.size())
        return Error {"cannot read " + proc + "/stat: unexpected format", describe(), {}};
    const char state = stat->out[close + 2];
    id.exists = state != 'Z' && state != 'X';
    id.comm = stat->out.substr(open + 1, close - open - 1);
    auto cmd = run({"cat", proc + "/cmdline"}, cancel, opts);
    if (!cmd)
        return cmd.error();
    if (cmd->ok()) {
        id.cmdline = cmd->out;
        while (!id.cmdline.empty() && id.cmdline.back() == '\0')
            id.cmdline.pop_back();
        for (char &c : id.cmdline)
            if (c == '\0')
                c = ' ';
    }
    return id;
}

Result<uint64_t> RemoteHost::readRange(const std::string &path, uint64_t offset, uint64_t length,
    const ByteSink &onData, const CancelToken &cancel)
{
    uint64_t got = 0;
    const ByteSink counting = [&](const char *d, std::size_t n) {
        got += n;
        return onData(d, n);
    };
    RunOptions opts;
    opts.timeoutMs = 0; // large ranges take as long as the link needs; cancel still works
    if (!m_ddUnsupported) {
        auto r = stream({"dd", "if=" + path, "bs=1M", "skip=" + std::to_string(offset),
                            "count=" + std::to_string(length), "iflag=skip_bytes,count_bytes", "status=none"},
            counting, cancel, opts);
        if (!r)
            return r.error();
        if (r->ok())
            return got;
        const bool unsupported = got == 0
            && (r->err.find("iflag") != std::string::npos || r->err.find("invalid") != std::string::npos
                || r->err.find("unknown") != std::string::npos);
        if (!unsupported)
            return Error {"reading " + path + " failed: " + r->errorSummary(), describe(), {}};
        m_ddUnsupported = true;
    }
    got = 0;
    auto r = stream({"sh", "-c", "tail -c +\"$1\" -- \"$3\" | head -c \"$2\"", "sh",
                        std::to_string(offset + 1), std::to_string(length), path},
        counting, cancel, opts);
    if (!r)
        return r.error();
    if (!r->ok())
        return Error {"reading " + path + " failed: " + r->errorSummary(), describe(), {}};
    return got;
}

} // namespace lbs::capture
