#pragma once
// Exporting packets as pcapng for Wireshark: the interfaces they passed keep their names (the
// SLL2 index of a `tcpdump -i any` capture named from manifest.json), and lbscope's findings
// travel with the packets as comments (pkt_comment in Wireshark), on the first exported packet of
// every flow a finding concerns.

#include "core/analysis/captureanalysis.h"
#include "core/common/error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace lbs::analysis {

/// Writes the packets at `positions` (indices into analysis.packetIndex, any order; written in
/// index order) to a new pcapng file.
Status exportPacketsPcapng(
    const CaptureAnalysis &analysis, const std::vector<uint32_t> &positions, const std::string &outPath);

/// The comment lbscope puts on a flow's first packet: "lbscope finding (KIND): SUMMARY" per finding
/// about it, one per line; empty when none is.
std::string findingComment(const CaptureAnalysis &analysis, uint32_t flowId);

} // namespace lbs::analysis
