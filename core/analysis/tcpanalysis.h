#pragma once

#include "core/pcap/decodedpacket.h"

#include <cstdint>

namespace lbs::analysis {

/// Sequence state of one direction of a TCP connection (Wireshark's tcp_analyze_seq_info). Two per
/// flow, millions of flows: the fields are ordered by size, so there is no padding between them.
struct TcpDirection {
    int64_t nextSeqTs = 0; ///< when nextSeq last advanced
    int64_t lastAckTs = 0;
    uint32_t nextSeq = 0; ///< highest seq + len (+1 for SYN/FIN) seen
    uint32_t lastAck = 0;
    uint32_t window = 0; ///< last raw window
    uint32_t dupAcks = 0; ///< consecutive dup ACKs for lastAck
    bool seqValid = false;
    bool ackValid = false;
    bool windowValid = false;
    bool lastWasKeepAlive = false; ///< the last segment was a keep-alive (its ACK is not a dup ACK)
};

/// Both directions plus the initial RTT used as the out-of-order threshold.
struct TcpConversation {
    TcpDirection dir[2];
    int64_t irttNs = 0; ///< 0 = unknown (3 ms threshold)
};

/// Wireshark-style analysis flags of one segment (docs/domain-notes.md, "TCP analysis flags").
struct TcpSegmentFlags {
    bool retransmission = false; ///< plain retransmission
    bool fast = false;
    bool spurious = false;
    bool outOfOrder = false;
    bool keepAlive = false;
    bool dupAck = false;
    bool keepAliveAck = false; ///< ACK answering the peer's keep-alive
    bool zeroWindow = false;
    bool zeroWindowProbe = false;
};

/// Classifies a segment travelling in direction `d` (0 or 1) and updates the conversation.
/// Precedence: Keep-alive > Spurious > Fast > Out-of-order > Retransmission.
TcpSegmentFlags analyzeTcpSegment(TcpConversation &conv, int d, const pcap::DecodedPacket &p, int64_t tsNs);

} // namespace lbs::analysis
