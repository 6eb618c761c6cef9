#pragma once
// Per-backend figures: one Backend per pod ip:port behind the load balancer. A joined
// connection's backend is its back leg's server and its figures come from that leg (what the pod
// did); a connection seen on one side only counts for its server unless that is the VIP (or a
// front-leg address), which is never a backend.

#include "core/analysis/captureanalysis.h"

#include <vector>

namespace lbs::analysis {

/// The flow whose figures stand for @p f's backend: the back leg of its connection, or itself.
const Flow &backendFlow(const CaptureAnalysis &a, const Flow &f);

/// Backends of a finished analysis, ordered by endpoint; every endpoint of the endpoint map is
/// listed (with zero connections when none reached it), with its pod, namespace and node.
std::vector<Backend> computeBackends(const CaptureAnalysis &a);

/// The backend @p f's connection went to, or nullptr (not forwarded, or to the VIP).
const Backend *backendOf(const std::vector<Backend> &backends, const CaptureAnalysis &a, const Flow &f);

} // namespace lbs::analysis
