#include "core/capture/captureworkflow.h"

#include "core/capture/capturepods.h"
#include "core/capture/capturesession.h"
#include "core/capture/conntrackrecorder.h"
#include "core/capture/remotehostfactory.h"
#include "core/capture/servicelocation.h"
#ifdef HAVE_LBSCOPE_KUBE
#include "core/capture/kuberemotehost.h"
#include "core/kube/debugpod.h"
#include "core/kube/kubeclient.h"
#endif

#include <QDateTime>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

namespace lbs::capture {

namespace fs = std::filesystem;

namespace {

std::string sanitize(const std::string &s)
{
    std::string out;
    for (char c : s)
        out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.') ? c : '_';
    return out.substr(0, 40);
}

std::string count(const std::optional<uint64_t> &v)
{
    return v ? std::to_string(*v) : std::string("?");
}

std::string oneDecimal(double v)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    return buf;
}

} // namespace

std::optional<pcap::CaptureRecord> findUnfinishedCapture(const std::string &dir)
{
    const fs::path path = fs::path(dir) / pcap::kSessionStateName;
    std::error_code ec;
    if (dir.empty() || !fs::exists(path, ec))
        return std::nullopt;
    auto rec = pcap::readCaptureRecord(path.string());
    if (!rec || rec->state == "downloaded")
        return std::nullopt;
    return rec.value();
}

CaptureWorkflow::CaptureWorkflow(CaptureRequest request, CaptureObserver *observer)
    : m_request(std::move(request)), m_observer(observer),
      m_progress(std::make_unique<ObserverProgressSink>(observer))
{
}

CaptureWorkflow::~CaptureWorkflow()
{
    m_session.reset(); // refers to the host
}

const pcap::CaptureRecord *CaptureWorkflow::record() const
{
    return m_session ? &m_session->record() : nullptr;
}

void CaptureWorkflow::setState(CaptureState state, const std::string &detail)
{
    m_outcome.state = state;
    if (m_observer)
        m_observer->stateChanged(state, detail);
}

Status CaptureWorkflow::fail(Error e, bool usage, const std::string &prefix)
{
    m_outcome.usageError = usage;
    if (m_observer)
        m_observer->error(prefix + e.toString());
    setState(CaptureState::failed, e.message);
    return e;
}

void CaptureWorkflow::warn(const std::string &text)
{
    if (m_observer)
        m_observer->warning(text);
}

void CaptureWorkflow::say(const std::string &text)
{
    if (m_observer)
        m_observer->info(text);
}

CaptureOutcome CaptureWorkflow::run()
{
    for (auto step : {&CaptureWorkflow::locate, &CaptureWorkflow::connect, &CaptureWorkflow::check,
             &CaptureWorkflow::start, &CaptureWorkflow::monitor, &CaptureWorkflow::download}) {
        if (!(this->*step)() || isFinal(m_outcome.state))
            break;
    }
    cleanup();
    return m_outcome;
}

Status CaptureWorkflow::check()
{
    if (m_previous)
        return Ok {};
    if (!m_host || isFinal(m_outcome.state))
        return Error {"not connected", m_request.outDir, "connect first"};
    auto &plan = m_request.plan;
    const std::string stamp
        = QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd'T'HHmmss'Z'")).toStdString();
    plan.name = "lbscope-" + sanitize(m_host->nodeName()) + "-" + stamp + ".pcap";
    if (auto v = validate(plan); !v)
        return fail(v.error(), true);
    setState(CaptureState::checking, m_host->describe());
    m_session = std::make_unique<CaptureSession>(*m_host, plan, m_request.outDir, m_progress.get());
    if (m_request.clock)
        m_session->setClock(*m_request.clock);
    m_session->setEndpoint(m_endpoint);
#ifdef HAVE_LBSCOPE_KUBE
    if (auto *kube = dynamic_cast<KubeRemoteHost *>(m_host.get()))
        m_session->setDebugPod(kube->podRef());
#endif
    auto pre = m_session->preflight(m_abort);
    if (!pre)
        return fail(pre.error(), false, "preflight: ");
    if (m_observer)
        m_observer->preflightPassed(pre.value());
    say("preflight ok: tcpdump " + pre->tcpdumpVersion + ", interface " + plan.iface + ", "
        + oneDecimal(static_cast<double>(pre->freeBytes) / 1e9) + " GB free in " + plan.remoteDir + ", ring "
        + std::to_string(plan.ringCount) + " x " + std::to_string(plan.ringSizeMb) + " MB");
    if (plan.conntrack) {
        if (pre->conntrackMethod == kConntrackNone)
            warn("conntrack: " + pre->conntrackNote);
        else
            say("conntrack: " + pre->conntrackMethod + " for " + plan.vip
                + (pre->conntrackNote.empty() ? std::string() : " (" + pre->conntrackNote + ")"));
    }
    return Ok {};
}

Status CaptureWorkflow::start()
{
    if (m_previous)
        return Ok {};
    if (!m_session || !m_host || isFinal(m_outcome.state))
        return Error {"preflight has not run", m_request.outDir, "check first"};
    setState(CaptureState::starting, m_request.plan.tcpdump + " on " + m_request.plan.iface);
    if (auto st = m_session->start(m_abort); !st || m_abort.isCancelled()) {
        if (m_abort.isCancelled()) {
            const auto stopped = m_session->stop();
            auto rm = m_session->removeRemote();
            say(std::string("aborted while tcpdump was starting")
                + (stopped ? "; tcpdump stopped" : "; stopping tcpdump failed: " + stopped.error().toString())
                + (rm ? "; remote files removed"
                      : "; removing remote files failed: " + rm.error().toString()));
            removeDroppedPod();
            m_outcome.interrupted = true;
            setState(CaptureState::aborted, "aborted while starting");
            return Error {"capture aborted while tcpdump was starting", m_host->describe(), {}};
        }
        fail(st.error());
        m_session->stop();
        return st;
    }
    const auto &r = m_session->record();
    setState(CaptureState::capturing, r.remoteBase + " (pid " + std::to_string(r.pid) + ")");
    if (m_observer)
        m_observer->started(r);
    say("capturing on " + m_request.plan.iface + " of " + m_host->describe() + ": " + r.remoteBase + "* (pid "
        + std::to_string(r.pid) + "). Ctrl+C stops and downloads.");
    return Ok {};
}

void CaptureWorkflow::reportRingFiles(const MonitorSample &sample, bool final)
{
    if (!m_observer || sample.files.empty())
        return;
    // tcpdump writes the newest file; the one before it has its final size.
    const RemoteFile *current = &sample.files.front();
    for (const auto &f : sample.files)
        if (f.mtime > current->mtime || (f.mtime == current->mtime && f.index > current->index))
            current = &f;
    if (current->path != m_currentRingFile) {
        for (const auto &f : sample.files)
            if (f.path == m_currentRingFile)
                m_observer->ringFile(f, true);
        m_currentRingFile = current->path;
        m_observer->ringFile(*current, false);
    }
    if (final)
        m_observer->ringFile(*current, true);
}

void CaptureWorkflow::keepCapturePod()
{
    const std::string text = capture::keepCapturePod(
        *m_host, m_session->record().debugPod, m_request.target.podDeadlineSec, m_request.outDir);
    if (!text.empty())
        say(text);
}

void CaptureWorkflow::removeDroppedPod()
{
    if (!m_previous || m_previous->debugPod.empty() || !m_host)
        return;
    const std::string &pod = m_previous->debugPod;
    auto removed = capture::removeDroppedPod(*m_host, pod);
    if (!removed)
        warn("the dropped session's debug pod " + pod + " stays: " + removed.error().toString()
            + " (run lbscope-cli cleanup)");
    else if (removed.value())
        say("removed the dropped session's debug pod " + pod);
}

Status CaptureWorkflow::monitor()
{
    if (!m_session || !m_host || isFinal(m_outcome.state))
        return Error {"no capture to monitor", m_request.outDir, "start one first"};
    const std::string &recorded = m_session->record().state;
    if (recorded == "running" || recorded == "starting") {
        if (m_outcome.state != CaptureState::capturing)
            setState(CaptureState::capturing, m_session->record().remoteBase);
        const double duration = m_session->plan().durationSec;
        const Clock &clock = m_request.clock ? *m_request.clock : Clock::steady();
        std::optional<Error> lost;
        while (!m_stop.isCancelled() && !m_abort.isCancelled() && !m_detach.isCancelled()) {
            auto s = m_session->poll(m_abort);
            if (!s) {
                if (!m_abort.isCancelled())
                    lost = Error {"lost contact with the capture: " + s.error().message, m_host->describe(),
                        "tcpdump keeps running on the node; continue with: lbscope-cli capture --attach "
                            + m_request.outDir};
                break;
            }
            if (s->alive)
                if (auto c = m_session->requestCounters(m_abort))
                    s->counters = c.value();
            reportRingFiles(s.value(), false);
            if (m_observer)
                m_observer->sample(s.value());
            if (!s->alive || (duration > 0 && s->elapsedSec >= duration))
                break; // tcpdump ended by itself, or the duration is reached
            for (int waited = 0;
                 waited < 1000 && !m_stop.isCancelled() && !m_abort.isCancelled() && !m_detach.isCancelled();
                 waited += 20)
                clock.sleepMs(20);
        }
        if (lost || (m_detach.isCancelled() && !m_stop.isCancelled() && !m_abort.isCancelled())) {
            // tcpdump may still run: leave it, and the debug pod it was started from, for a re-attach
            m_outcome.canReattach = true;
            if (lost && m_observer)
                m_observer->error(lost->toString());
            if (!lost)
                say("detached: tcpdump keeps running on the node (pid "
                    + std::to_string(m_session->record().pid)
                    + "); continue with: lbscope-cli capture --attach " + m_request.outDir);
            keepCapturePod();
            setState(CaptureState::detached, lost ? "lost contact" : "detached");
            if (lost)
                return lost.value();
            return Ok {};
        }
        setState(CaptureState::stopping, "tcpdump pid " + std::to_string(m_session->record().pid));
        const auto stopped = m_session->stop();
        if (m_abort.isCancelled()) {
            auto rm = m_session->removeRemote();
            say("aborted: tcpdump stopped"
                + (rm ? std::string(", remote files removed")
                      : ", removing remote files failed: " + rm.error().toString()));
            removeDroppedPod();
            m_outcome.interrupted = true;
            setState(CaptureState::aborted, "aborted while capturing");
            return Error {"capture aborted; tcpdump was stopped", m_host->describe(), {}};
        }
        if (!stopped) {
            m_outcome.canReattach = true;
            fail(stopped.error());
            keepCapturePod();
            return stopped;
        }
        const CancelToken own;
        if (auto s = m_session->poll(own))
            reportRingFiles(s.value(), true);
    }
    removeDroppedPod();
    const auto &r = m_session->record();
    say("tcpdump: " + count(r.stats.captured) + " captured, " + count(r.stats.receivedByFilter)
        + " received by filter, " + count(r.stats.droppedByKernel) + " dropped by kernel, "
        + count(r.stats.droppedByInterface) + " dropped by interface");
    return Ok {};
}

Status CaptureWorkflow::download()
{
    if (!m_session || !m_host || isFinal(m_outcome.state))
        return Error {"no capture to download", m_request.outDir, "start one first"};
    setState(CaptureState::downloading, m_request.outDir);
    std::vector<VerifiedFile> done;
    auto files = m_session->download(m_abort, [&](const RemoteFile &, const DownloadResult &d) {
        VerifiedFile v {fs::path(d.localPath).filename().string(), d.localPath, d.size, d.sha256,
            d.alreadyComplete, d.resumedFrom, d.transferred, d.seconds};
        if (m_observer)
            m_observer->fileVerified(v);
        done.push_back(v);
    });
    if (!files) {
        if (m_abort.isCancelled()) {
            auto rm = m_session->removeRemote();
            say(std::string("aborted during download") + (rm ? "; remote files removed" : ""));
            m_outcome.interrupted = true;
            setState(CaptureState::aborted, "aborted while downloading");
            return files.error();
        }
        m_outcome.canReattach = true;
        fail(files.error());
        say("continue with: lbscope-cli capture --attach " + m_request.outDir);
        return files.error();
    }
    for (const auto &f : done)
        say("  " + f.localPath + "  " + oneDecimal(static_cast<double>(f.size) / 1e6) + " MB  sha256 "
            + f.sha256.substr(0, 16) + (f.alreadyComplete ? "  (already here)" : ""));
    for (const auto &w : m_session->record().warnings)
        warn(w);
    m_outcome.manifestPath = (fs::path(m_request.outDir) / pcap::kManifestName).string();
    setState(CaptureState::verified, std::to_string(done.size()) + " file(s) in " + m_request.outDir);
    return Ok {};
}

void CaptureWorkflow::cleanup()
{
    if (m_outcome.state == CaptureState::verified && m_request.removeRemote && m_session && m_host) {
        if (auto rm = m_session->removeRemote(); !rm)
            warn(rm.error().toString());
    }
    // The host's own debug pod goes with it, unless it was kept for tcpdump (keepCapturePod).
    if (isFinal(m_outcome.state))
        m_host.reset();
}

} // namespace lbs::capture
