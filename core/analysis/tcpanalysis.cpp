#include "core/analysis/tcpanalysis.h"

namespace lbs::analysis {

namespace {

inline bool seqLess(uint32_t a, uint32_t b)
{
    return static_cast<int32_t>(a - b) < 0;
}
inline bool seqLessEq(uint32_t a, uint32_t b)
{
    return static_cast<int32_t>(a - b) <= 0;
}

constexpr int64_t kFastRetransmitWindowNs = 20'000'000; // 20 ms
constexpr int64_t kDefaultOooThresholdNs = 3'000'000; // 3 ms

} // namespace

TcpSegmentFlags analyzeTcpSegment(TcpConversation &conv, int d, const pcap::DecodedPacket &p, int64_t tsNs)
{
    TcpDirection &fwd = conv.dir[d];
    TcpDirection &rev = conv.dir[1 - d];
    TcpSegmentFlags f;
    const bool syn = p.tcpFlags & pcap::TCP_SYN;
    const bool fin = p.tcpFlags & pcap::TCP_FIN;
    const bool rst = p.tcpFlags & pcap::TCP_RST;
    const bool ack = p.tcpFlags & pcap::TCP_ACK;
    const uint32_t seglen = p.payloadLen;
    const uint32_t seq = p.seq;
    bool advances = true;

    if (p.window == 0 && !syn && !fin && !rst)
        f.zeroWindow = true;

    if (fwd.seqValid) {
        if (seglen == 1 && seq == fwd.nextSeq && rev.windowValid && rev.window == 0 && !syn && !fin && !rst) {
            f.zeroWindowProbe = true;
            advances = false; // the probe byte is sent again until the window opens
        } else if (seglen <= 1 && !syn && !fin && !rst && seq == fwd.nextSeq - 1) {
            f.keepAlive = true;
        } else if ((seglen > 0 || syn || fin) && seqLess(seq, fwd.nextSeq)) {
            const uint32_t end = seq + seglen + (syn ? 1 : 0) + (fin ? 1 : 0);
            if (rev.ackValid && seqLessEq(end, rev.lastAck)) {
                f.spurious = true;
            } else if (rev.dupAcks > 2 && seq == rev.lastAck && rev.ackValid
                && tsNs - rev.lastAckTs < kFastRetransmitWindowNs) {
                f.fast = true;
            } else {
                const int64_t thres = conv.irttNs > 0 ? conv.irttNs : kDefaultOooThresholdNs;
                // SYN and FIN occupy a sequence number: a repeated SYN/ACK or FIN ends exactly at
                // nextSeq and is a retransmission, as Wireshark reports it.
                if (tsNs - fwd.nextSeqTs < thres && fwd.nextSeq != end)
                    f.outOfOrder = true;
                else
                    f.retransmission = true;
            }
        }
    }

    // Dup ACK: pure ACK repeating the last ACK with the same non-zero window.
    if (ack && seglen == 0 && !syn && !fin && !rst && fwd.ackValid && fwd.windowValid && p.window != 0
        && p.window == fwd.window && p.ack == fwd.lastAck && fwd.seqValid && seq == fwd.nextSeq
        && !f.keepAlive) {
        // An ACK answering the peer's keep-alive looks the same: it is a Keep-Alive ACK instead.
        if (rev.lastWasKeepAlive) {
            f.keepAliveAck = true;
        } else {
            f.dupAck = true;
            ++fwd.dupAcks;
        }
    }
    if (seglen > 0 || syn || fin || f.keepAlive)
        fwd.lastWasKeepAlive = f.keepAlive;

    // State updates.
    const uint32_t end = seq + seglen + (syn ? 1 : 0) + (fin ? 1 : 0);
    if (!rst && advances) {
        if (!fwd.seqValid || seqLess(fwd.nextSeq, end)) {
            fwd.nextSeq = end;
            fwd.nextSeqTs = tsNs;
        }
        fwd.seqValid = true;
    }
    if (ack && !rst) {
        if (!fwd.ackValid || p.ack != fwd.lastAck) {
            fwd.lastAck = p.ack;
            fwd.dupAcks = 0;
            fwd.lastAckTs = tsNs;
        } else if (f.dupAck) {
            fwd.lastAckTs = tsNs;
        }
        fwd.ackValid = true;
    }
    if (!rst) {
        fwd.window = p.window;
        fwd.windowValid = true;
    }
    return f;
}

} // namespace lbs::analysis
