#include "core/capture/conntrackrecorder.h"

#include "core/capture/downloader.h"

#include <arpa/inet.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

namespace lbs::capture {

namespace {

// Appends "[EPOCH.NANOS] LINE" for each entry of /proc/net/nf_conntrack whose original destination
// (the line's first dst=) is the VIP and whose tuples the previous read did not have. ARGV: VIP, file,
// interval in seconds, the table. Runs until signalled; the file is flushed after every read.
constexpr const char *kSnapshotScript = R"AWK(BEGIN {
    vip = ARGV[1]; out = ARGV[2]; every = ARGV[3] + 0; src = ARGV[4]; ARGC = 1
    if (every < 1) every = 1
    want = "dst=" vip " "
    printf "" >> out; fflush(out)
    for (;;) {
        cmd = "date +%s.%N"; ts = ""; cmd | getline ts; close(cmd)
        if (ts !~ /^[0-9]+(\.[0-9]+)?$/) { cmd = "date +%s"; ts = ""; cmd | getline ts; close(cmd) }
        ++n
        while ((getline line < src) > 0) {
            p = index(line, " dst=")
            if (p == 0 || index(substr(line, p + 1), want) != 1) continue
            k = split(line, t, " "); key = ""
            for (i = 1; i <= k; ++i) if (t[i] ~ /^(src|dst|sport|dport)=/) key = key " " t[i]
            if (!(key in seen)) print "[" ts "] " line >> out
            seen[key] = n
        }
        close(src)
        for (key in seen) if (seen[key] != n) delete seen[key]
        fflush(out)
        system("sleep " every)
    }
})AWK";

std::string baseName(const std::string &path)
{
    const auto slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

/// /proc/net/nf_conntrack prints IPv6 addresses in full ("2001:0db8:0000:..."); IPv4 stays as given.
std::string procAddress(const std::string &vip)
{
    unsigned char a[16];
    if (vip.find(':') == std::string::npos || inet_pton(AF_INET6, vip.c_str(), a) != 1)
        return vip;
    std::string out;
    char group[8];
    for (int i = 0; i < 16; i += 2) {
        std::snprintf(group, sizeof group, "%02x%02x", a[i], a[i + 1]);
        out += (i ? ":" : "") + std::string(group);
    }
    return out;
}

void sleepMs(int ms)
{
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

void useSnapshots(const CapturePlan &plan, pcap::ConntrackRecord &rec)
{
    rec.method = kConntrackSnapshots;
    rec.remoteCommand = conntrackSnapshotArgv(plan.vip, rec.remotePath);
}

} // namespace

std::string conntrackFile(const CapturePlan &plan)
{
    return plan.remoteBase() + ".conntrack.txt";
}

std::vector<std::string> conntrackEventsArgv(
    const std::string &tool, const std::string &vip, const std::string &file)
{
    // The VIP's entries already in the table first, as "[EPOCH] LINE" (a new connection may reuse one
    // of them: no NEW event then), then the events, in the same process (exec keeps the pid).
    static const std::string script = "f=$1; t=$2; v=$3; ts=$(date +%s); "
                                      "\"$t\" -L -d \"$v\" -o extended 2>/dev/null | while IFS= read -r l; "
                                      "do printf '[%s] %s\\n' \"$ts\" "
                                      "\"$l\"; done >>\"$f\"; "
                                      "exec \"$t\" -E -e NEW,UPDATE -o timestamp,extended -d \"$v\" >>\"$f\"";
    return {"sh", "-c", script, "sh", file, tool, vip};
}

std::vector<std::string> conntrackSnapshotArgv(
    const std::string &vip, const std::string &file, int intervalSec, const std::string &table)
{
    return {"awk", kSnapshotScript, procAddress(vip), file, std::to_string(intervalSec), table};
}

Status probeConntrack(
    RemoteHost &host, const CapturePlan &plan, pcap::ConntrackRecord &rec, const CancelToken &cancel)
{
    rec = {};
    rec.remotePath = conntrackFile(plan);
    rec.pidFile = plan.remoteBase() + ".conntrack.pid";
    rec.stderrFile = plan.remoteBase() + ".conntrack.stderr";
    RunOptions opts;
    opts.maxOut = 64u << 10;
    opts.timeoutMs = 30000;
    auto tool = host.run({plan.conntrackTool, "-L", "-d", plan.vip}, cancel, opts);
    if (!tool && cancel.isCancelled())
        return tool.error();
    if (tool && tool->ok()) {
        rec.method = kConntrackEvents;
        rec.remoteCommand = conntrackEventsArgv(plan.conntrackTool, plan.vip, rec.remotePath);
        return Ok {};
    }
    if (!tool)
        rec.note = "'" + plan.conntrackTool + " -L' could not be run: " + tool.error().message;
    else if (tool->exitCode == 127)
        rec.note = plan.conntrackTool + " is not installed on the node";
    else
        rec.note = "'" + plan.conntrackTool + " -L' failed: " + tool->errorSummary();
    auto proc = host.run({"head", "-c", "0", "--", "/proc/net/nf_conntrack"}, cancel, opts);
    if (!proc)
        return proc.error();
    if (proc->ok()) {
        useSnapshots(plan, rec);
        rec.note += "; reading /proc/net/nf_conntrack every second instead";
        return Ok {};
    }
    rec.method = kConntrackNone;
    rec.note += "; /proc/net/nf_conntrack is not readable either (" + proc->errorSummary()
        + "): no connection can be labelled with its backend";
    return Ok {};
}

Result<std::string> startConntrack(
    RemoteHost &host, const CapturePlan &plan, pcap::ConntrackRecord &rec, const CancelToken &cancel)
{
    if (rec.method != kConntrackEvents && rec.method != kConntrackSnapshots)
        return "conntrack is not recorded: " + rec.note;
    host.run({"rm", "-f", "--", rec.remotePath, rec.pidFile, rec.stderrFile}, cancel);
    const CancelToken own; // like tcpdump: a recorder started under a cancelled exec has no pid to stop
    auto pid = host.startDetached(rec.remoteCommand, rec.pidFile, rec.stderrFile, own);
    if (!pid)
        return pid.error();
    rec.pid = pid.value();
    if (rec.method != kConntrackEvents)
        return std::string();
    // conntrack -E dies at once when it may not subscribe to the events (no CAP_NET_ADMIN, no
    // ctnetlink): then the snapshots, which only need /proc.
    for (int i = 0; i < 5; ++i) {
        sleepMs(100);
        auto alive = host.isAlive(rec.pid, own);
        if (!alive)
            return alive.error();
        if (alive.value())
            continue;
        auto err = host.run({"cat", "--", rec.stderrFile}, own);
        std::string why = err && !err->out.empty() ? err->out.substr(0, err->out.find('\n')) : "no message";
        rec.pid = 0;
        rec.note = "'" + plan.conntrackTool + " -E' exited at once (" + why
            + "); reading /proc/net/nf_conntrack every second instead";
        useSnapshots(plan, rec);
        auto again = host.startDetached(rec.remoteCommand, rec.pidFile, rec.stderrFile, own);
        if (!again)
            return again.error();
        rec.pid = again.value();
        return rec.note;
    }
    return std::string();
}

void stopConntrack(RemoteHost &host, pcap::ConntrackRecord &rec, std::vector<std::string> &warnings)
{
    if (rec.pid <= 1)
        return;
    const CancelToken own;
    // The pid may come from a session file and belong to another process by now.
    auto id = host.processIdentity(rec.pid, own);
    if (!id) {
        warnings.push_back(
            "conntrack recorder (pid " + std::to_string(rec.pid) + ") not stopped: " + id.error().message);
        return;
    }
    const bool events = id->comm == "conntrack" && id->cmdline.find(" -E") != std::string::npos;
    const bool snapshots
        = id->comm.find("awk") != std::string::npos && id->cmdline.find(rec.remotePath) != std::string::npos;
    if (!id->exists || !(events || snapshots))
        return; // ended already; its pid is not signalled
    for (const char *sig : {"TERM", "KILL"}) {
        auto sent = host.sendSignal(rec.pid, sig, own);
        if (!sent) {
            warnings.push_back("the conntrack recorder (pid " + std::to_string(rec.pid)
                + ") could not be stopped: " + sent.error().message);
            return;
        }
        if (!sent.value())
            return; // gone already
        for (int i = 0; i < 20; ++i) {
            auto alive = host.isAlive(rec.pid, own);
            if (alive && !alive.value())
                return;
            sleepMs(100);
        }
    }
    warnings.push_back("the conntrack recorder (pid " + std::to_string(rec.pid)
        + ") is still running on the node after TERM and KILL");
}

Status downloadConntrack(RemoteHost &host, pcap::ConntrackRecord &rec, const std::string &outDir,
    ProgressSink *sink, const CancelToken &cancel, DownloadResult *downloaded)
{
    if (rec.method != kConntrackEvents && rec.method != kConntrackSnapshots)
        return Ok {};
    const std::string local = (std::filesystem::path(outDir) / baseName(rec.remotePath)).string();
    auto d = downloadFile(host, rec.remotePath, local, sink, cancel);
    if (!d)
        return d.error();
    rec.name = baseName(rec.remotePath);
    rec.size = d->size;
    rec.sha256 = d->sha256;
    if (downloaded)
        *downloaded = d.value();
    return Ok {};
}

std::vector<std::string> conntrackRemoteFiles(const pcap::ConntrackRecord &rec)
{
    std::vector<std::string> out;
    for (const std::string *p : {&rec.remotePath, &rec.pidFile, &rec.stderrFile})
        if (!p->empty())
            out.push_back(*p);
    return out;
}

} // namespace lbs::capture
