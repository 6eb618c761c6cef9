#pragma once

#include "core/capture/capturesession.h"
#include "core/capture/capturestate.h"
#include "core/capture/servicelocation.h"
#include "core/common/progress.h"
#include "core/pcap/capturerecord.h"

#include <string>
#include <vector>

namespace lbs::capture {

/// A file downloaded and checked against the node's sha256sum.
struct VerifiedFile {
    std::string name; ///< file name in the capture directory
    std::string localPath;
    uint64_t size = 0;
    std::string sha256;
    bool alreadyComplete = false; ///< it was there already (a re-run), nothing moved
    uint64_t resumedFrom = 0; ///< bytes already there in NAME.part when this download began
    uint64_t transferred = 0; ///< bytes moved over the link this time
    double seconds = 0; ///< how long this download took
};

/// What a CaptureWorkflow reports while it runs. Every call comes from the thread that runs the
/// workflow (its worker thread in the GUI): implementations hand the data to their own thread
/// (queued signals) and return quickly. Every method has an empty default.
class CaptureObserver {
public:
    virtual ~CaptureObserver() = default;
    /// The workflow entered `state`; detail is one line saying about what (a node, a file, a reason).
    virtual void stateChanged(CaptureState state, const std::string &detail)
    {
        (void)state;
        (void)detail;
    }
    /// The service's VIP holder was found.
    virtual void located(const ServiceLocation &where) { (void)where; }
    /// Before the debug pod is created: what the cluster said the user may do in its namespace (RBAC,
    /// PodSecurity), one line per answer. A refusal ends the workflow with the fix instead.
    virtual void accessChecked(const std::vector<std::string> &lines) { (void)lines; }
    /// Preflight passed.
    virtual void preflightPassed(const PreflightReport &report) { (void)report; }
    /// tcpdump runs (or runs again after a re-attach); the record has its pid and remote files.
    virtual void started(const pcap::CaptureRecord &record) { (void)record; }
    /// About every second while tcpdump runs. sample.counters holds tcpdump's own counters once it
    /// has printed them (it does on SIGUSR1, which the workflow sends with each sample).
    virtual void sample(const MonitorSample &sample) { (void)sample; }
    /// A ring file appeared (complete = false) or reached its final size, tcpdump having moved to the
    /// next file or stopped (complete = true).
    virtual void ringFile(const RemoteFile &file, bool complete)
    {
        (void)file;
        (void)complete;
    }
    /// Progress of one file's download (event.done / event.total bytes).
    virtual void downloadProgress(const std::string &fileName, const ProgressEvent &event)
    {
        (void)fileName;
        (void)event;
    }
    /// One file downloaded and verified.
    virtual void fileVerified(const VerifiedFile &file) { (void)file; }
    /// Something the user should know that does not stop the capture.
    virtual void warning(const std::string &text) { (void)text; }
    /// A line of prose about progress ("preflight ok: ...", "capturing on ...").
    virtual void info(const std::string &text) { (void)text; }
    /// Why a step failed (also returned by the step): the object and the fix.
    virtual void error(const std::string &text) { (void)text; }
};

/// Hands the downloader's progress ("download NAME" stages) to an observer's downloadProgress.
class ObserverProgressSink final : public ProgressSink {
public:
    explicit ObserverProgressSink(CaptureObserver *observer) : m_observer(observer) { }
    void report(const ProgressEvent &event) override;

private:
    CaptureObserver *m_observer;
};

} // namespace lbs::capture
