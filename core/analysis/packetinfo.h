#pragma once

#include "core/analysis/captureanalysis.h"
#include "core/pcap/decodedpacket.h"

#include <string>

namespace lbs::analysis {

/// Wireshark-like Info column for one decoded packet: "51234 → 80 [SYN] Seq=0 Win=64240 Len=0
/// MSS=1460 WS=128 SACK_PERM TSval=1 TSecr=0", with "[TCP Retransmission]"-style prefixes from
/// the index flags, "GET /x HTTP/1.1" or "HTTP/1.1 200 OK" for HTTP starts, ICMP type/code text.
/// Sequence numbers are relative to the flow's ISNs when `flowIsn` is given.
struct RelativeSeq {
    bool valid = false;
    uint32_t isn[2] = {0, 0}; ///< per direction: 0 client->server, 1 server->client
};
std::string packetInfoText(
    const pcap::DecodedPacket &packet, uint16_t indexFlags = 0, const RelativeSeq &rel = {});

/// Short protocol name for the Protocol column ("TCP", "HTTP", "UDP", "ICMP", "ICMPv6", "IPv4", ...).
std::string packetProtocolName(const pcap::DecodedPacket &packet, uint16_t indexFlags = 0);

/// "VXLAN VNI 42 10.0.0.1 → 10.0.0.2" for a tunnelled packet (the outermost tunnel, "2 levels"
/// when nested); empty when not tunnelled.
std::string tunnelText(const pcap::DecodedPacket &packet);

/// ISNs of a flow for RelativeSeq (from its first SYN / SYN-ACK, or the first packet per direction).
RelativeSeq relativeSeqFor(const Flow &flow);

} // namespace lbs::analysis
