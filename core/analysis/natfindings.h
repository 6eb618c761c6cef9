#pragma once
// Findings that need the backends or both sides of the node's NAT: where a failed handshake was
// lost (inside the node, at the pod, or on the way back), packets of working connections lost
// inside the node, and the slow backend named by its pod.

#include "core/analysis/captureanalysis.h"

#include <cstdint>
#include <set>
#include <vector>

namespace lbs::analysis {

/// Appends the located failed handshakes and in-node drops (only when the capture has joined
/// legs: without them a missing copy proves nothing). Returns the front flows they explain, which
/// the generic failed-handshake finding leaves out.
std::set<uint32_t> natFindings(
    const CaptureAnalysis &a, const std::vector<Backend> &backends, std::vector<Finding> &out);

/// One backend whose median TTFB is far above the others' (named by its pod when known).
void slowBackendFindings(const std::vector<Backend> &backends, std::vector<Finding> &out);

} // namespace lbs::analysis
