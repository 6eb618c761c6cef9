#pragma once
// Which packets the packet list shows: the BPF filter's matches, intersected with the selected
// time range and the selected flows. A pure function over the packet index (the viewer runs it
// on a worker thread); the BPF matches come from filterPacketIndex (packetfilter.h).

#include "core/analysis/captureanalysis.h"
#include "core/common/canceltoken.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace lbs::analysis {

struct PacketRowQuery {
    const std::vector<uint32_t> *bpfMatches = nullptr; ///< ascending positions; null = no BPF filter
    double start = 0, end = 0; ///< absolute seconds; start > end = no range
    std::vector<uint32_t> flows; ///< sorted flow ids; empty = any flow
};

/// Positions to show, ascending; std::nullopt when nothing restricts the list (show everything).
/// Returns an empty vector early when cancelled.
std::optional<std::vector<uint32_t>> selectPacketRows(
    const CaptureAnalysis &analysis, const PacketRowQuery &query, const CancelToken &cancel);

} // namespace lbs::analysis
