#pragma once
// Which packets the packet list shows: the BPF filter's matches, intersected with the selected
// time range and the selected flows. Pure functions over the engine's packet index, run by the
// viewer on a worker thread.

#include "core/analysis/captureanalysis.h"
#include "core/common/canceltoken.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace lbs::ui {

struct LadderStep;

struct PacketRowQuery {
    const std::vector<uint32_t> *bpfMatches = nullptr; ///< ascending positions; null = no BPF filter
    double start = 0, end = 0; ///< absolute seconds; start > end = no range
    std::vector<uint32_t> flows; ///< sorted flow ids; empty = any flow
};

/// Positions to show, ascending; std::nullopt when nothing restricts the list (show everything).
/// Returns an empty vector early when cancelled.
std::optional<std::vector<uint32_t>> selectPacketRows(
    const analysis::CaptureAnalysis &analysis, const PacketRowQuery &query, const CancelToken &cancel);

/// The ladder of one flow: one step per packet (at most maxSteps, the rest counted in omitted),
/// labelled with the engine's Info text.
std::vector<LadderStep> buildLadder(const analysis::CaptureAnalysis &analysis, uint32_t flowId, int maxSteps,
    int &omitted, const CancelToken &cancel);

} // namespace lbs::ui
