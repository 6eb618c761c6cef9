#pragma once

#include "core/common/canceltoken.h"
#include "core/common/error.h"
#include "core/pcap/captureset.h"
#include "core/pcap/packetindexentry.h"

#include <cstdint>
#include <string>
#include <vector>

namespace lbs::analysis {

/// For the packet list filter bar: positions (indices into `index`) of the packets that match a
/// tcpdump-syntax filter. Re-reads the files sequentially (no random seeks). Errors: invalid
/// filter (pcap_geterr text), unreadable file, cancelled.
Result<std::vector<uint32_t>> filterPacketIndex(const std::vector<pcap::CaptureFileInfo> &files,
    const pcap::PacketIndex &index, const std::string &expression, const CancelToken &cancel = {});

/// Writes the given packets (positions into `index`, any order; written in index order) to a
/// new pcap file. All of them must share one link type.
Status exportPackets(const std::vector<pcap::CaptureFileInfo> &files, const pcap::PacketIndex &index,
    const std::vector<uint32_t> &positions, const std::string &outPath);

} // namespace lbs::analysis
