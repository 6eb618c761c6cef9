#pragma once
// The capture workflow both front ends drive: locate a service -> plan -> connect -> preflight ->
// start -> monitor -> stop -> download -> cleanup, with re-attach, detach, abort, and the debug pod
// kept or removed as the capture needs. QtCore only; no printing, no terminal: everything goes to a
// CaptureObserver, questions to the prompts in TargetOptions.

#include "core/capture/captureobserver.h"
#include "core/capture/captureplan.h"
#include "core/capture/capturestate.h"
#include "core/capture/targetoptions.h"
#include "core/common/canceltoken.h"
#include "core/common/clock.h"
#include "core/common/error.h"

#include <memory>
#include <optional>
#include <set>
#include <string>

namespace lbs::capture {

class CaptureSession;
class RemoteHost;

/// What to capture, where, and into which directory.
struct CaptureRequest {
    TargetOptions target; ///< how to reach the node (SSH, or the cluster for a debug pod)
    std::string node; ///< Kubernetes node for the debug-pod transport (when target.ssh is empty)
    std::string service; ///< NAMESPACE/NAME: locate() sets node, and iface/filter when empty
    /// iface, filter, ring, snaplen, duration, remote directory, tcpdump path. plan.name is chosen by
    /// check() from the node and the time; vip, service and context are filled in by the workflow.
    CapturePlan plan;
    std::string outDir; ///< the local capture directory (created; must not hold a capture already)
    /// Continue the unfinished capture recorded in outDir (see findUnfinishedCapture): the plan comes
    /// from the record, and so does the node when neither target.ssh nor node is given.
    bool reattach = false;
    bool removeRemote = false; ///< delete the node's files once every one is verified
    /// With service: only the VIP's interface with `host VIP` (the client's side of the NAT), instead of
    /// both sides (`-i any` with the VIP's and every endpoint's address and port).
    bool oneSide = false;
    /// Record the VIP node's conntrack during the capture (CapturePlan::conntrack), so that each
    /// connection of a one-side capture still gets its backend. Unset: on for a one-side service
    /// capture, off otherwise.
    std::optional<bool> conntrack;
    /// The clock the monitor reads and waits on; null for the steady clock (a soak test compresses
    /// hours into minutes with its own). Must outlive the workflow.
    const Clock *clock = nullptr;
};

/// How a finished (or stopped-early) workflow ended, for a front end's exit code or dialog.
struct CaptureOutcome {
    CaptureState state = CaptureState::idle;
    bool usageError = false; ///< the request itself was unusable (bad option, directory in use)
    bool interrupted = false; ///< ended by the abort token (or the stop token while locating)
    bool canReattach = false; ///< tcpdump was left running: a re-attach to outDir continues
    std::string manifestPath; ///< outDir/manifest.json once verified
    bool ok() const { return state == CaptureState::verified; }
};

/// The unfinished capture recorded in `dir` (a session file whose capture was not downloaded yet), or
/// nothing. Front ends offer a re-attach when there is one.
std::optional<pcap::CaptureRecord> findUnfinishedCapture(const std::string &dir);

/// One capture, run step by step (locate, connect, check, start, monitor, download, cleanup: a GUI
/// shows each and lets the user edit the plan in between) or with run() (the CLI). Synchronous:
/// every step blocks the calling thread, and the observer is called on that thread. Only
/// requestStop(), requestAbort() and requestDetach() may be called from another thread.
///
/// Stop ends tcpdump cleanly and still downloads; abort ends it, removes its files from the node and
/// removes a dropped session's debug pod; detach leaves tcpdump (and its debug pod) running and the
/// session record in outDir, so a workflow made with reattach continues it. Contact lost while
/// capturing ends like a detach (the pod is kept: deleting it would kill tcpdump), with an error.
class CaptureWorkflow {
public:
    /// observer may be null; it must outlive the workflow.
    CaptureWorkflow(CaptureRequest request, CaptureObserver *observer);
    ~CaptureWorkflow();
    CaptureWorkflow(const CaptureWorkflow &) = delete;
    CaptureWorkflow &operator=(const CaptureWorkflow &) = delete;

    /// The whole capture: every step below in order, until one fails or the workflow ends.
    CaptureOutcome run();

    /// With request.service: finds the VIP holder (state locating), sets node, iface (when empty),
    /// vip and the filter `host VIP` (when empty). The stop token interrupts it (the probe debug pods
    /// are deleted; the workflow ends aborted). Without a service: nothing to do.
    Status locate();
    /// Checks the request (usage errors: outcome().usageError), then connects (connecting; a debug pod
    /// is scheduling). With reattach it takes the recorded capture over (state capturing when tcpdump
    /// may still run).
    Status connect();
    /// Preflight on the node (checking). Nothing to do for a re-attach.
    Status check();
    /// Starts tcpdump (starting, then capturing). Nothing to do for a re-attach.
    Status start();
    /// Samples until the duration is reached, tcpdump ends, or a stop, abort or detach request; then
    /// stops tcpdump (stopping) unless detached. An abort also removes the node's files (aborted).
    Status monitor();
    /// Downloads and verifies every file, writes manifest.json (downloading, then verified).
    Status download();
    /// After verified: removes the node's files when the request says so. Always: deletes the debug
    /// pod this workflow made, unless tcpdump still needs it. Safe to call in any state.
    void cleanup();

    /// Thread-safe requests; each takes effect at the next check of the running step.
    void requestStop() { m_stop.cancel(); }
    void requestAbort() { m_abort.cancel(); }
    void requestDetach() { m_detach.cancel(); }
    /// The tokens behind requestStop/requestAbort (e.g. for a signal handler).
    const CancelToken &stopToken() const { return m_stop; }
    const CancelToken &abortToken() const { return m_abort; }

    CaptureState state() const { return m_outcome.state; }
    const CaptureOutcome &outcome() const { return m_outcome; }
    const CaptureRequest &request() const { return m_request; }
    /// The request, to edit between steps (e.g. the node or the plan after locate(), before connect()).
    CaptureRequest &request() { return m_request; }
    /// The plan as it stands (after locate(): with the service's node, interface, VIP and filter).
    /// Edit it before check(), which hands it to the capture; a re-attach takes its plan from the
    /// record instead.
    CapturePlan &plan() { return m_request.plan; }
    /// The capture's record (pid, remote files, counters, files): null before check() (before
    /// connect() for a re-attach).
    const pcap::CaptureRecord *record() const;

private:
    void setState(CaptureState state, const std::string &detail = {});
    Status fail(Error e, bool usage = false, const std::string &prefix = {});
    void warn(const std::string &text);
    void say(const std::string &text);
    Status prepare();
    void reportRingFiles(const MonitorSample &sample, bool final);
    void keepCapturePod();
    void removeDroppedPod();

    CaptureRequest m_request;
    CaptureObserver *m_observer;
    CaptureOutcome m_outcome;
    CancelToken m_stop, m_abort, m_detach;
    std::unique_ptr<pcap::CaptureRecord> m_previous; ///< re-attach: the record as it was found
    std::unique_ptr<RemoteHost> m_host;
    std::unique_ptr<CaptureSession> m_session;
    std::unique_ptr<ProgressSink> m_progress;
    std::string m_endpoint;
    std::set<std::string> m_kubeWarnings; ///< said once each
    std::string m_currentRingFile;
};

} // namespace lbs::capture
