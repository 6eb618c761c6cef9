#pragma once
// The ladder (sequence) diagram of one flow: one step per packet with its direction, the
// engine's Info text and whether it marks a problem. Re-reads the flow's packets from the files.

#include "core/analysis/captureanalysis.h"
#include "core/common/canceltoken.h"

#include <cstdint>
#include <string>
#include <vector>

namespace lbs::analysis {

struct LadderStep {
    double ts = 0; ///< absolute seconds
    bool fromClient = true; ///< direction of the arrow
    std::string label; ///< e.g. "SYN seq=0 len=0" or "GET /index.html" (Info without the ports)
    bool problem = false; ///< reset, retransmission, out of order or zero window
};

struct FlowLadder {
    std::vector<LadderStep> steps; ///< at most maxSteps, in packet order
    int omitted = 0; ///< packets of the flow beyond maxSteps
};

/// The ladder of flow `flowId`; empty for an unknown flow or when cancelled. A packet that cannot
/// be re-read is a step labelled with the read error.
FlowLadder buildFlowLadder(
    const CaptureAnalysis &analysis, uint32_t flowId, int maxSteps, const CancelToken &cancel);

} // namespace lbs::analysis
