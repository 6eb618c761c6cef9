#pragma once

namespace lbs::capture {

/// Where a capture workflow is. The names (captureStateName) are stable: front ends show them and
/// `lbscope-cli capture --events jsonl` writes them.
enum class CaptureState {
    idle, ///< nothing done yet
    locating, ///< finding the node that holds a service's VIP (probe debug pods)
    connecting, ///< SSH session, or the Kubernetes API
    scheduling, ///< the debug pod on the node is being scheduled and started
    checking, ///< preflight: tcpdump, interface, free disk, root, filter
    starting, ///< tcpdump starting on the node
    capturing, ///< tcpdump runs; samples arrive about every second
    stopping, ///< tcpdump being stopped (SIGINT, then TERM, KILL)
    downloading, ///< the ring's files coming over, resumable, sha256-checked
    verified, ///< every file downloaded and checked, manifest.json written (ends here)
    failed, ///< ended with an error (see the observer's error)
    aborted, ///< ended on an abort (or an interrupt while locating): tcpdump stopped, its files removed
    detached, ///< ended with tcpdump left running (detach, or contact lost): re-attach to continue
};

/// The state's stable name: "idle", "locating", ..., "detached".
const char *captureStateName(CaptureState state);

/// True for verified, failed, aborted and detached.
bool isFinal(CaptureState state);

} // namespace lbs::capture
