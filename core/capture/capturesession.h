#pragma once

#include "core/capture/captureplan.h"
#include "core/capture/downloader.h"
#include "core/capture/remotehost.h"
#include "core/capture/rotationset.h"
#include "core/common/clock.h"
#include "core/common/progress.h"
#include "core/pcap/capturerecord.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace lbs::capture {

/// What preflight found on the node.
struct PreflightReport {
    std::string tcpdumpVersion;
    std::vector<std::string> interfaces; ///< all interfaces on the node
    uint64_t freeBytes = 0; ///< free space in the remote directory
    std::string user; ///< uid we run as ("0" = root)
    /// With plan.conntrack: the method the node allows ("conntrack-events", "nf_conntrack-snapshots",
    /// "none") and why, when it is not the first.
    std::string conntrackMethod;
    std::string conntrackNote;
};

/// One monitoring sample (taken about every second while tcpdump runs).
struct MonitorSample {
    std::vector<RemoteFile> files;
    uint64_t totalBytes = 0; ///< bytes in the ring now (older files are overwritten after a wrap)
    double bytesPerSec = 0; ///< growth since the previous sample
    double elapsedSec = 0;
    bool alive = false; ///< tcpdump's pid still runs
    /// tcpdump's own counters so far (captured, dropped by kernel ...) when known: filled in by
    /// requestCounters(), empty from poll() alone.
    pcap::TcpdumpStats counters;
};

/// A remote capture over one RemoteHost: plan -> preflight -> start -> monitor -> stop -> download
/// -> cleanup. Its state is written to OUT/.lbscope-session.json at each step so that a capture whose
/// connection dropped can be re-attached; manifest.json is written once the files are downloaded.
/// Synchronous; run it from a worker thread in the GUI.
class CaptureSession {
public:
    CaptureSession(RemoteHost &host, CapturePlan plan, std::string outDir, ProgressSink *sink = nullptr);

    /// Re-attaches to the capture recorded in outDir/.lbscope-session.json. When the recorded pid now
    /// belongs to another process (tcpdump ended and the pid was reused), that process is never
    /// signalled: the capture counts as ended and a warning in record().warnings says so.
    static Result<std::unique_ptr<CaptureSession>> attach(
        RemoteHost &host, const std::string &outDir, ProgressSink *sink = nullptr);

    /// tcpdump present (and its version), interface exists, free disk >= the whole ring, root (or
    /// sudo), remote directory writable, BPF filter compiles (`tcpdump -d`). Each Error says what to do.
    /// With plan.conntrack, also which conntrack method the node allows (conntrackrecorder.h).
    Result<PreflightReport> preflight(const CancelToken &cancel);
    /// Starts tcpdump detached (survives a dropped connection) and checks it is running; with
    /// plan.conntrack the conntrack recorder first, so that it sees tcpdump's first connection.
    Status start(const CancelToken &cancel);
    /// Lists the ring, the rate and whether tcpdump is alive.
    Result<MonitorSample> poll(const CancelToken &cancel);
    /// Asks the running tcpdump for its counters (SIGUSR1: tcpdump prints them on its stderr and
    /// keeps running) and returns the newest ones it has printed. The signal goes only to a pid known
    /// to be this capture's tcpdump (started here, or checked again when it comes from a session
    /// file); otherwise nothing is sent and what the stderr file holds is returned.
    Result<pcap::TcpdumpStats> requestCounters(const CancelToken &cancel);
    /// Monitors every intervalMs until the plan's duration is reached, stopRequested is set, or
    /// tcpdump exits; then stops it. When cancel fires instead, tcpdump is stopped as well and an
    /// Error is returned (cleanup still happens with its own bounded time).
    Status monitorUntilDone(const CancelToken &stopRequested, const CancelToken &cancel,
        const std::function<void(const MonitorSample &)> &onSample, int intervalMs = 1000);
    /// SIGINT through `kill`, waits for the exit (then TERM, then KILL), reads tcpdump's counters;
    /// stops the conntrack recorder.
    /// Uses its own bounded time, so it works after a cancel too.
    Status stop();
    /// Downloads every file of the ring (resumable, sha256-checked) and the conntrack record, reads
    /// first/last packet times, and writes manifest.json. Returns the per-file results; onFile gets each as
    /// it is verified.
    Result<std::vector<DownloadResult>> download(const CancelToken &cancel,
        const std::function<void(const RemoteFile &, const DownloadResult &)> &onFile = {});
    /// Removes the ring, the pid file, the stderr file and the conntrack record's files from the node.
    Status removeRemote();

    const pcap::CaptureRecord &record() const { return m_record; }
    /// How to reach the node again (e.g. "root@10.0.0.5:22" or a node name), kept for --attach.
    void setEndpoint(const std::string &endpoint) { m_record.endpoint = endpoint; }
    /// kube: the debug pod ("namespace/name") that starts tcpdump, recorded for a later --attach.
    void setDebugPod(const std::string &pod) { m_record.debugPod = pod; }
    /// Stop after this many seconds of monitoring (re-attached sessions count from the re-attach).
    void setDurationSec(double seconds) { m_plan.durationSec = seconds; }
    /// The clock the samples' elapsed time and the monitor's waits use (the steady clock unless set;
    /// `clock` must outlive the session).
    void setClock(const Clock &clock) { m_clock = &clock; }
    const CapturePlan &plan() const { return m_plan; }
    std::string outDir() const { return m_outDir; }

private:
    Status saveState();
    /// For a pid read from a session file: why the process now running as that pid is not this
    /// capture's tcpdump (its pid was reused after tcpdump ended), or empty when it is ours or gone.
    Result<std::string> foreignPidReason(const CancelToken &cancel);
    /// Records that the recorded pid is no longer our tcpdump: it is never signalled again.
    void markPidForeign(const std::string &reason);
    RemoteHost &m_host;
    CapturePlan m_plan;
    std::string m_outDir;
    ProgressSink *m_sink;
    pcap::CaptureRecord m_record;
    uint64_t m_lastTotal = 0;
    double m_lastSampleAt = -1;
    double m_startedAt = 0;
    const Clock *m_clock = &Clock::steady();
    bool m_pidFromRecord = false; // re-attached: the pid comes from a session file
    bool m_pidForeign = false; // that pid now belongs to another process: never signal it
};

} // namespace lbs::capture
