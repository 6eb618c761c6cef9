#include "core/capture/capturesession.h"

#include "core/capture/conntrackrecorder.h"
#include "core/capture/tcpdumpstats.h"
#include "core/pcap/pcaptimes.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

namespace lbs::capture {

namespace fs = std::filesystem;

namespace {

void sleepMs(const Clock &clock, int ms, const CancelToken &a, const CancelToken &b)
{
    for (int waited = 0; waited < ms && !a.isCancelled() && !b.isCancelled(); waited += 20)
        clock.sleepMs(20);
}

std::string baseName(const std::string &path)
{
    const auto slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

} // namespace

CaptureSession::CaptureSession(RemoteHost &host, CapturePlan plan, std::string outDir, ProgressSink *sink)
    : m_host(host), m_plan(std::move(plan)), m_outDir(std::move(outDir)), m_sink(sink)
{
    m_record.transport = host.transportName();
    m_record.node = host.nodeName();
    m_record.endpoint = host.describe();
    m_record.context = m_plan.context;
    m_record.service = m_plan.service;
    m_record.vip = m_plan.vip;
    m_record.endpoints = m_plan.endpoints;
    m_record.interfaces = m_plan.interfaces;
    m_record.iface = m_plan.iface;
    m_record.filter = m_plan.filter;
    m_record.remoteDir = m_plan.remoteDir;
    m_record.remoteBase = m_plan.remoteBase();
    m_record.pidFile = m_plan.pidFile();
    m_record.stderrFile = m_plan.stderrFile();
    m_record.ringCount = m_plan.ringCount;
    m_record.ringSizeMb = m_plan.ringSizeMb;
    m_record.snaplen = m_plan.snaplen;
    m_record.remoteCommand = tcpdumpArgv(m_plan);
}

Result<std::unique_ptr<CaptureSession>> CaptureSession::attach(
    RemoteHost &host, const std::string &outDir, ProgressSink *sink)
{
    auto rec = pcap::readCaptureRecord((fs::path(outDir) / pcap::kSessionStateName).string());
    if (!rec)
        return rec.error();
    CapturePlan plan;
    plan.iface = rec->iface;
    plan.filter = rec->filter;
    plan.remoteDir = rec->remoteDir;
    plan.name = baseName(rec->remoteBase);
    plan.ringCount = rec->ringCount;
    plan.ringSizeMb = rec->ringSizeMb;
    plan.snaplen = rec->snaplen;
    plan.context = rec->context;
    plan.service = rec->service;
    plan.vip = rec->vip;
    if (auto v = validate(plan); !v)
        return Error {"the session file does not describe a valid capture: " + v.error().message, outDir, {}};
    auto s = std::make_unique<CaptureSession>(host, plan, outDir, sink);
    s->m_record = rec.value();
    s->m_pidFromRecord = true;
    if (s->m_record.pid > 1 && (s->m_record.state == "running" || s->m_record.state == "starting")) {
        CancelToken own;
        auto why = s->foreignPidReason(own);
        if (!why)
            return why.error();
        if (!why->empty())
            s->markPidForeign(why.value());
    }
    return s;
}

Result<std::string> CaptureSession::foreignPidReason(const CancelToken &cancel)
{
    const int64_t pid = m_record.pid;
    auto id = m_host.processIdentity(pid, cancel);
    if (!id)
        return Error {"cannot check what runs as pid " + std::to_string(pid) + ": " + id.error().message,
            m_host.describe(), id.error().hint};
    if (!id->exists)
        return std::string(); // gone: nothing will be signalled anyway
    // comm is the executable's name cut to 15 characters (TASK_COMM_LEN - 1)
    std::string expected = "tcpdump";
    if (!m_record.remoteCommand.empty())
        expected = baseName(m_record.remoteCommand.front()).substr(0, 15);
    const bool nameOk = id->comm == "tcpdump" || id->comm == expected;
    const bool argsOk = id->cmdline.empty() || id->cmdline.find(m_record.remoteBase) != std::string::npos;
    if (nameOk && argsOk)
        return std::string();
    std::string shown;
    for (char c : id->comm.substr(0, 40))
        shown += (c >= 0x20 && c < 0x7f) ? c : '?';
    if (!nameOk)
        return "pid " + std::to_string(pid) + " is now '" + shown
            + "', not the capture's tcpdump: it already ended; nothing was signalled";
    return "pid " + std::to_string(pid) + " is now a tcpdump that does not write " + m_record.remoteBase
        + ", not the capture's: it already ended; nothing was signalled";
}

void CaptureSession::markPidForeign(const std::string &reason)
{
    m_pidForeign = true;
    m_record.warnings.push_back(reason);
}

Status CaptureSession::saveState()
{
    std::error_code ec;
    fs::create_directories(m_outDir, ec);
    return pcap::writeCaptureRecord((fs::path(m_outDir) / pcap::kSessionStateName).string(), m_record);
}

Status CaptureSession::start(const CancelToken &cancel)
{
    if (auto v = validate(m_plan); !v)
        return v.error();
    m_record.startTime = pcap::isoNowUtc();
    m_record.state = "starting";
    if (auto s = saveState(); !s)
        return s;
    auto mk = m_host.run({"mkdir", "-p", "--", m_plan.remoteDir}, cancel);
    if (!mk)
        return mk.error();
    if (!mk->ok())
        return Error {"cannot create " + m_plan.remoteDir + ": " + mk->errorSummary(), m_host.describe(),
            "choose another remote directory"};
    m_host.run({"rm", "-f", "--", m_plan.stderrFile(), m_plan.pidFile()}, cancel);
    if (cancel.isCancelled())
        return Error {"cancelled before tcpdump was started", m_host.describe(), {}};
    if (m_record.conntrack) {
        // An option: the capture goes on without it, and says so.
        auto ct = startConntrack(m_host, m_plan, *m_record.conntrack, cancel);
        if (!ct) {
            m_record.conntrack->method = kConntrackNone;
            m_record.conntrack->note = "the recorder did not start: " + ct.error().toString();
            m_record.warnings.push_back("conntrack is not recorded: " + ct.error().toString());
        } else if (!ct->empty()) {
            m_record.warnings.push_back(ct.value());
        }
    }
    // Not cancellable once asked: a tcpdump started under a cancelled exec would run with no pid known
    // to stop it by.
    const CancelToken own;
    auto pid = m_host.startDetached(m_record.remoteCommand, m_plan.pidFile(), m_plan.stderrFile(), own);
    if (!pid)
        return pid.error();
    m_record.pid = pid.value();
    m_record.state = "running";
    m_startedAt = m_clock->now();
    if (auto s = saveState(); !s)
        return s;
    // tcpdump prints "listening on IF" once the capture runs, or dies with its reason.
    for (int i = 0; i < 40 && !cancel.isCancelled(); ++i) {
        auto err = m_host.run({"cat", "--", m_plan.stderrFile()}, cancel);
        if (err && err->out.find("listening on") != std::string::npos)
            return Ok {};
        auto alive = m_host.isAlive(m_record.pid, cancel);
        if (alive && !alive.value()) {
            m_record.state = "failed";
            std::string why = err ? err->out : std::string();
            while (!why.empty() && (why.back() == '\n' || why.back() == '\r'))
                why.pop_back();
            saveState();
            return Error {
                "tcpdump exited right after starting: " + (why.empty() ? std::string("no message") : why),
                m_host.describe(), "check the interface, the filter and the permissions"};
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    if (cancel.isCancelled())
        return Error {"cancelled while starting tcpdump", m_host.describe(), {}};
    return Ok {}; // running, but quiet: some builds print "listening" late
}

Result<MonitorSample> CaptureSession::poll(const CancelToken &cancel)
{
    MonitorSample s;
    auto list = m_host.run(rotationListingCommand(m_plan.remoteBase()), cancel);
    if (!list)
        return list.error();
    s.files = parseRotationListing(list->out, m_plan.remoteBase(), m_plan.ringCount);
    for (const auto &f : s.files)
        s.totalBytes += f.size;
    if (m_pidForeign) {
        s.alive = false; // the recorded pid is another process now: our tcpdump ended
    } else {
        auto alive = m_host.isAlive(m_record.pid, cancel);
        if (!alive)
            return alive.error();
        s.alive = alive.value();
    }
    const double now = m_clock->now();
    if (m_startedAt == 0)
        m_startedAt = now;
    s.elapsedSec = now - m_startedAt;
    if (m_lastSampleAt > 0 && now > m_lastSampleAt && s.totalBytes >= m_lastTotal)
        s.bytesPerSec = static_cast<double>(s.totalBytes - m_lastTotal) / (now - m_lastSampleAt);
    m_lastSampleAt = now;
    m_lastTotal = s.totalBytes;
    return s;
}

Result<pcap::TcpdumpStats> CaptureSession::requestCounters(const CancelToken &cancel)
{
    if (m_record.pid > 1 && m_pidFromRecord && !m_pidForeign) {
        auto why = foreignPidReason(cancel);
        if (!why)
            return why.error();
        if (!why->empty())
            markPidForeign(why.value());
    }
    if (m_record.pid > 1 && !m_pidForeign) {
        if (auto sent = m_host.sendSignal(m_record.pid, "USR1", cancel); !sent)
            return sent.error();
    }
    // The newest report is the last line; a few lines back is enough (the file grows all the time).
    auto err = m_host.run({"tail", "-n", "20", "--", m_plan.stderrFile()}, cancel);
    if (!err)
        return err.error();
    return parseTcpdumpStats(err->out);
}

Status CaptureSession::monitorUntilDone(const CancelToken &stopRequested, const CancelToken &cancel,
    const std::function<void(const MonitorSample &)> &onSample, int intervalMs)
{
    if (m_startedAt == 0)
        m_startedAt = m_clock->now();
    while (!stopRequested.isCancelled() && !cancel.isCancelled()) {
        auto s = poll(cancel);
        if (!s) {
            if (cancel.isCancelled())
                break;
            return Error {"lost contact with the capture: " + s.error().message, m_host.describe(),
                "tcpdump keeps running on the node; continue with: lbscope-cli capture --attach " + m_outDir};
        }
        if (onSample)
            onSample(s.value());
        if (!s->alive)
            break; // tcpdump ended by itself
        if (m_plan.durationSec > 0 && s->elapsedSec >= m_plan.durationSec)
            break;
        sleepMs(*m_clock, intervalMs, stopRequested, cancel);
    }
    auto st = stop();
    if (cancel.isCancelled())
        return Error {"capture cancelled; tcpdump was stopped", m_host.describe(), {}};
    return st;
}

Status CaptureSession::stop()
{
    CancelToken own; // stopping must work after the user's cancel
    const int64_t pid = m_record.pid;
    bool stopped = false;
    // A pid from a session file may have been reused since: check it is still our tcpdump first.
    if (pid > 1 && m_pidFromRecord && !m_pidForeign) {
        auto why = foreignPidReason(own);
        if (!why)
            return Error {"not stopping pid " + std::to_string(pid) + ": " + why.error().message,
                m_host.describe(), "check on the node whether the capture's tcpdump still runs"};
        if (!why->empty())
            markPidForeign(why.value());
    }
    if (m_pidForeign)
        stopped = true; // our tcpdump ended; the pid is someone else's
    if (pid > 1 && !m_pidForeign) {
        for (const char *sig : {"INT", "TERM", "KILL"}) {
            auto sent = m_host.sendSignal(pid, sig, own);
            if (!sent)
                return Error {
                    "could not stop tcpdump (pid " + std::to_string(pid) + "): " + sent.error().message,
                    m_host.describe(), "stop it on the node with: kill -INT " + std::to_string(pid)};
            if (!sent.value()) {
                stopped = true;
                break; // already gone
            }
            for (int i = 0; i < 40; ++i) {
                auto alive = m_host.isAlive(pid, own);
                if (alive && !alive.value()) {
                    stopped = true;
                    break;
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(250));
            }
            if (stopped) {
                if (std::string(sig) != "INT")
                    m_record.warnings.push_back(std::string("tcpdump ignored SIGINT and was stopped with SIG")
                        + sig + "; the last file may end with a cut record");
                break;
            }
        }
    }
    if (!stopped && pid > 1)
        return Error {"tcpdump (pid " + std::to_string(pid) + ") is still running after INT, TERM and KILL",
            m_host.describe(), "check the node"};
    if (m_record.stopTime.empty())
        m_record.stopTime = pcap::isoNowUtc();
    auto err = m_host.run({"cat", "--", m_plan.stderrFile()}, own);
    if (err && err->ok())
        m_record.stats = parseTcpdumpStats(err->out);
    if (!m_record.stats.complete())
        m_record.warnings.push_back("tcpdump's counters were not found in " + m_plan.stderrFile());
    else if (m_record.stats.droppedByKernel.value_or(0) > 0)
        m_record.warnings.push_back(std::to_string(*m_record.stats.droppedByKernel)
            + " packets dropped by kernel: missing packets are capture artefacts, not "
              "network loss (raise -B or narrow the filter)");
    if (m_record.conntrack)
        stopConntrack(m_host, *m_record.conntrack, m_record.warnings);
    m_record.state = "stopped";
    return saveState();
}

Result<std::vector<DownloadResult>> CaptureSession::download(
    const CancelToken &cancel, const std::function<void(const RemoteFile &, const DownloadResult &)> &onFile)
{
    auto list = m_host.run(rotationListingCommand(m_plan.remoteBase()), cancel);
    if (!list)
        return list.error();
    if (!list->ok())
        return Error {"cannot list the capture files: " + list->errorSummary(), m_host.describe(), {}};
    const auto files = parseRotationListing(list->out, m_plan.remoteBase(), m_plan.ringCount);
    if (files.empty())
        return Error {"no capture files " + m_plan.remoteBase() + "* on node " + m_host.nodeName(),
            m_host.describe(), "were they removed, or did tcpdump never write?"};
    std::vector<DownloadResult> results;
    m_record.files.clear();
    for (const auto &f : files) {
        const std::string local = (fs::path(m_outDir) / baseName(f.path)).string();
        DownloadOptions opts;
        opts.knownStat = RemoteStat {f.size, f.mtime}; // from the listing: no stat per file
        auto d = downloadFile(m_host, f.path, local, m_sink, cancel, opts);
        if (!d)
            return d.error();
        pcap::ManifestFile mf;
        mf.name = baseName(f.path);
        mf.remotePath = f.path;
        mf.size = d->size;
        mf.sha256 = d->sha256;
        // Scanned while downloading when the file is classic pcap; read again only otherwise.
        if (auto t = d->times ? Result<pcap::PcapTimes>(*d->times) : pcap::readPcapTimes(local)) {
            mf.firstTs = t->firstTs;
            mf.lastTs = t->lastTs;
            mf.packets = t->packets;
            mf.truncated = t->truncated;
        } else {
            m_record.warnings.push_back(t.error().toString());
        }
        m_record.files.push_back(mf);
        results.push_back(d.value());
        if (onFile)
            onFile(f, d.value());
    }
    if (m_record.conntrack) {
        DownloadResult d;
        if (auto ct = downloadConntrack(m_host, *m_record.conntrack, m_outDir, m_sink, cancel, &d); !ct) {
            if (cancel.isCancelled())
                return ct.error();
            m_record.warnings.push_back("the conntrack record was not downloaded: " + ct.error().toString());
        } else if (onFile && !m_record.conntrack->name.empty()) {
            onFile(RemoteFile {m_record.conntrack->remotePath, d.size, 0, -1}, d); // verified like the ring
        }
    }
    std::stable_sort(m_record.files.begin(), m_record.files.end(),
        [](const pcap::ManifestFile &a, const pcap::ManifestFile &b) { return a.firstTs < b.firstTs; });
    m_record.state = "downloaded";
    if (auto s = saveState(); !s)
        return s.error();
    if (auto s = pcap::writeCaptureRecord((fs::path(m_outDir) / pcap::kManifestName).string(), m_record); !s)
        return s.error();
    return results;
}

Status CaptureSession::removeRemote()
{
    CancelToken own;
    auto list = m_host.run(rotationListingCommand(m_plan.remoteBase()), own);
    if (!list)
        return list.error();
    std::vector<std::string> argv {"rm", "-f", "--", m_plan.pidFile(), m_plan.stderrFile()};
    for (const auto &f : parseRotationListing(list->out, m_plan.remoteBase(), m_plan.ringCount))
        argv.push_back(f.path);
    if (m_record.conntrack)
        for (const std::string &p : conntrackRemoteFiles(*m_record.conntrack))
            argv.push_back(p);
    auto rm = m_host.run(argv, own);
    if (!rm)
        return rm.error();
    if (!rm->ok())
        return Error {
            "could not remove the capture files on the node: " + rm->errorSummary(), m_host.describe(), {}};
    return Ok {};
}

} // namespace lbs::capture
