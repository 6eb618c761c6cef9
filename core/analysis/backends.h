#pragma once
// Per-backend figures: one Backend per pod ip:port behind the load balancer. A joined
// connection's backend is its back leg's server and its figures come from that leg (what the pod
// did); a connection seen on one side only counts for its server unless that is the VIP (or a
// front-leg address), which is never a backend.

#include "core/analysis/captureanalysis.h"

#include <vector>

namespace lbs::analysis {

/// The flow whose figures stand for @p f's backend: the back leg of its connection, or itself (also
/// for a connection labelled from conntrack: only its VIP side was captured).
const Flow &backendFlow(const CaptureAnalysis &a, const Flow &f);

/// The endpoint @p f's connection went to: the back leg's server, the conntrack label's pod, or the
/// flow's own server.
pcap::Endpoint backendServer(const CaptureAnalysis &a, const Flow &f);

/// How @p f's backend is known; None for a back leg, UDP, or a flow whose server is not a backend
/// (the VIP with no label, a front address, a server outside the endpoint map). Reads
/// a.backendBy when it covers the flows, else works it out (a pass over the connections).
BackendBy backendBy(const CaptureAnalysis &a, const Flow &f);
/// backendBy for every flow, indexed by flow id (what a.backendBy holds).
std::vector<BackendBy> computeBackendBy(const CaptureAnalysis &a);

/// Backends of a finished analysis, ordered by endpoint; every endpoint of the endpoint map is
/// listed (with zero connections when none reached it), with its pod, namespace and node.
std::vector<Backend> computeBackends(const CaptureAnalysis &a);

/// The backend @p f's connection went to, or nullptr (not forwarded, or to the VIP).
const Backend *backendOf(const std::vector<Backend> &backends, const CaptureAnalysis &a, const Flow &f);

} // namespace lbs::analysis
