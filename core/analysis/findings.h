#pragma once

#include "core/analysis/captureanalysis.h"

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace lbs::analysis {

/// Extra per-event data the analysis pass collects for the findings.
struct FindingInputs {
    std::vector<std::pair<uint32_t, uint32_t>>
        retransmissions; ///< (timeline bucket, flow id) per retransmission
};

/// Diagnoses from a finished analysis (docs/domain-notes.md, "Fault signatures"): failed handshakes and the
/// Linux SYN retry pattern, ICMP port unreachable, refused handshakes, resets by side, retransmission bursts,
/// latency spikes against the capture's own baseline, slow backends, zero windows, kernel drops
/// and capture artefacts. Sorted by severity (errors first).
std::vector<Finding> computeFindings(const CaptureAnalysis &analysis, const FindingInputs &inputs);

/// "+1.0 s, +3.0 s, +7.0 s" style check: true when the SYN times follow Linux's exponential
/// backoff (1 s initial RTO doubling: gaps ≈ 1, 2, 4, 8 s, each within 25 % or 300 ms).
bool isLinuxSynRetryPattern(std::span<const int64_t> synTimesNs);

} // namespace lbs::analysis
