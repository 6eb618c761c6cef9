#pragma once
// The Kubernetes debug pod a capture's tcpdump runs from: kept while tcpdump may still run (deleting
// it would kill tcpdump), removed once a re-attached capture's tcpdump has stopped. Over SSH there is
// no pod and these do nothing.

#include "core/capture/remotehost.h"

#include <string>

namespace lbs::capture {

/// Leaves the debug pod `pod` ("namespace/name") of a capture running when this process lets go of
/// the host (contact lost, or detached). Returns what the user needs to know: that it is kept, when it
/// ends by itself (`deadlineSec`, its activeDeadlineSeconds; 0 = the default), and how to continue
/// (`outDir`). Empty when there is no pod (SSH).
std::string keepCapturePod(
    RemoteHost &host, const std::string &pod, int deadlineSec, const std::string &outDir);

/// Deletes the debug pod `pod` a dropped session left behind, once its tcpdump has stopped. Returns
/// false when there is nothing to delete (SSH, no pod), true when deleted, an Error when it stays.
Result<bool> removeDroppedPod(RemoteHost &host, const std::string &pod);

} // namespace lbs::capture
