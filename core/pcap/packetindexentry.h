#pragma once

#include "core/common/largeallocator.h"

#include <cstdint>
#include <vector>

namespace lbs::pcap {

/// Bits of PacketIndexEntry::flags.
enum PacketFlag : uint16_t {
    PF_Tcp = 1 << 0,
    PF_Udp = 1 << 1,
    PF_Icmp = 1 << 2, ///< ICMP or ICMPv6
    PF_Syn = 1 << 3,
    PF_Fin = 1 << 4,
    PF_Rst = 1 << 5,
    PF_Retransmission = 1 << 6, ///< retransmission, fast or spurious retransmission
    PF_OutOfOrder = 1 << 7,
    PF_DupAck = 1 << 8,
    PF_ZeroWindow = 1 << 9,
    PF_KeepAlive = 1 << 10,
    PF_FromServer = 1 << 11, ///< direction within its flow: set for server -> client
    PF_Http = 1 << 12, ///< carries the start of an HTTP request or response
    PF_Fragment = 1 << 13, ///< IP fragment
    PF_Tunnel = 1 << 14, ///< IP-in-IP (protocol 4 or 41)
    PF_Undecoded = 1 << 15, ///< link or network layer not understood
};

/// One packet of the packet list: a few integers pointing into shared tables.
/// The packet bytes are not kept; PacketReader::readAt(fileIndex, offset) re-reads them.
struct PacketIndexEntry {
    int64_t tsNs = 0; ///< capture time, nanoseconds since the Unix epoch
    uint64_t offset : 48 = 0; ///< byte offset of the record (pcapng: first block after the previous packet)
    uint64_t fileIndex : 16 = 0; ///< index into CaptureSet::files
    uint32_t flowId = kNoFlow; ///< index into CaptureAnalysis::flows, or kNoFlow
    uint32_t wireLen = 0; ///< original length on the wire
    uint32_t capLen = 0; ///< captured length
    uint16_t flags = 0; ///< PacketFlag bits
    uint16_t reserved = 0;

    static constexpr uint32_t kNoFlow = 0xffffffffu;
};
static_assert(sizeof(PacketIndexEntry) <= 32, "the packet list keeps at most 32 bytes per packet");

/// The packet list's index: one entry per packet, in huge-page-backed memory when large.
using PacketIndex = std::vector<PacketIndexEntry, LargeAllocator<PacketIndexEntry>>;

} // namespace lbs::pcap
