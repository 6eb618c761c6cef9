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
    uint8_t leg = 0; ///< 0: the flow itself or a joined connection's front leg, 1: its back leg
    /// This packet is the copy of an earlier step on the other leg, seen that long before (the
    /// time it spent inside the node); -1 when it is no copy.
    int64_t inNodeNs = -1;
};

struct FlowLadder {
    std::vector<LadderStep> steps; ///< at most maxSteps, in packet order
    int omitted = 0; ///< packets of the flow beyond maxSteps
    /// Both legs of a joined connection (front leg client -> VIP, back leg -> pod) are drawn.
    bool bothLegs = false;
    uint32_t front = 0, back = 0; ///< the legs' flow ids (both the flow itself when not joined)
};

/// The ladder of flow `flowId`; empty for an unknown flow or when cancelled. A packet that cannot
/// be re-read is a step labelled with the read error. When the flow is a leg of a connection
/// joined across the node's NAT, the ladder holds both legs (front and back) in time order and
/// marks each packet's copy on the other leg with its in-node delay (same direction, seq, ack,
/// flags and length, within kLegWindowNs).
FlowLadder buildFlowLadder(
    const CaptureAnalysis &analysis, uint32_t flowId, int maxSteps, const CancelToken &cancel);

} // namespace lbs::analysis
