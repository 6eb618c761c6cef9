// Transport headers: TCP (with options), UDP, ICMP and ICMPv6 (with the quoted header of errors).
#include "core/pcap/decoderparts.h"

namespace lbs::pcap::decoder {

namespace {

void parseTcpOptions(const uint8_t *opt, uint32_t len, TcpOptions &o)
{
    uint32_t i = 0;
    while (i < len) {
        const uint8_t kind = opt[i];
        if (kind == 0)
            break;
        if (kind == 1) {
            ++i;
            continue;
        }
        if (i + 1 >= len)
            break;
        const uint8_t olen = opt[i + 1];
        if (olen < 2 || i + olen > len)
            break;
        const uint8_t *v = opt + i + 2;
        switch (kind) {
        case 2:
            if (olen == 4)
                o.mss = be16(v);
            break;
        case 3:
            if (olen == 3)
                o.windowScale = static_cast<int8_t>(v[0] > 14 ? 14 : v[0]);
            break;
        case 4:
            o.sackPermitted = true;
            break;
        case 5:
            o.sackBlocks = static_cast<uint8_t>((olen - 2) / 8);
            break;
        case 8:
            if (olen == 10) {
                o.hasTimestamps = true;
                o.tsVal = be32(v);
                o.tsEcr = be32(v + 4);
            }
            break;
        default:
            break;
        }
        i += olen;
    }
}

// Quoted header inside ICMP errors: IP header + at least 8 bytes of transport header.
void parseIcmpQuote(const uint8_t *p, uint32_t len, IcmpQuote &q)
{
    if (len < 1)
        return;
    const uint8_t version = p[0] >> 4;
    uint32_t hl = 0;
    if (version == 4) {
        if (len < 20)
            return;
        hl = (p[0] & 0x0f) * 4u;
        if (hl < 20 || hl > len)
            return;
        q.proto = p[9];
        q.src.ip = IpAddress::v4(p + 12);
        q.dst.ip = IpAddress::v4(p + 16);
    } else if (version == 6) {
        if (len < 40)
            return;
        hl = 40;
        q.proto = p[6];
        q.src.ip = IpAddress::v6(p + 8);
        q.dst.ip = IpAddress::v6(p + 24);
    } else {
        return;
    }
    if ((q.proto == 6 || q.proto == 17) && len >= hl + 4) {
        q.src.port = be16(p + hl);
        q.dst.port = be16(p + hl + 2);
    }
    q.valid = true;
}

} // namespace

void decodeTransport(Cursor c, DecodedPacket &out)
{
    // c covers the captured transport bytes; out.ipPayloadWireLen is the length the IP header claims.
    const uint32_t wire = out.ipPayloadWireLen;
    switch (out.ipProto) {
    case 6: {
        if (c.len < 20) {
            out.headersTruncated = true;
            out.malformed = wire < 20; // the IP header leaves no room for a TCP header
            return;
        }
        const uint32_t hl = (c.p[12] >> 4) * 4u;
        out.srcPort = be16(c.p);
        out.dstPort = be16(c.p + 2);
        out.seq = be32(c.p + 4);
        out.ack = be32(c.p + 8);
        out.tcpFlags = c.p[13];
        out.window = be16(c.p + 14);
        // A data offset below 5, or one beyond the segment the IP header claims, is impossible
        // (not a snaplen cut): no TCP segment is made of it.
        if (hl < 20 || hl > wire) {
            out.malformed = hl > wire;
            out.headersTruncated = true;
            return;
        }
        if (hl > c.len) {
            out.headersTruncated = true;
            parseTcpOptions(c.p + 20, c.len - 20, out.tcpOptions);
            out.layer = DecodeLayer::Transport;
            return;
        }
        parseTcpOptions(c.p + 20, hl - 20, out.tcpOptions);
        out.payload = c.p + hl;
        out.payloadCaptured = c.len - hl;
        out.payloadLen = wire > hl ? wire - hl : 0;
        if (out.payloadCaptured > out.payloadLen)
            out.payloadCaptured = out.payloadLen; // Ethernet padding is not payload
        out.layer = DecodeLayer::Transport;
        return;
    }
    case 17: {
        if (c.len < 8) {
            out.headersTruncated = true;
            return;
        }
        out.srcPort = be16(c.p);
        out.dstPort = be16(c.p + 2);
        out.payload = c.p + 8;
        out.payloadCaptured = c.len - 8;
        out.payloadLen = wire > 8 ? wire - 8 : 0;
        if (out.payloadCaptured > out.payloadLen)
            out.payloadCaptured = out.payloadLen;
        out.layer = DecodeLayer::Transport;
        return;
    }
    case 1:
    case 58: {
        if (c.len < 4) {
            out.headersTruncated = true;
            return;
        }
        out.icmpType = c.p[0];
        out.icmpCode = c.p[1];
        const bool isError = out.ipProto == 1 ? (out.icmpType == 3 || out.icmpType == 11 || out.icmpType == 12
                                 || out.icmpType == 4 || out.icmpType == 5)
                                              : (out.icmpType >= 1 && out.icmpType <= 4);
        if (isError && c.len > 8)
            parseIcmpQuote(c.p + 8, c.len - 8, out.icmpQuote);
        out.payload = c.p + (c.len >= 8 ? 8 : c.len);
        out.payloadCaptured = c.len >= 8 ? c.len - 8 : 0;
        out.payloadLen = wire > 8 ? wire - 8 : 0;
        if (out.payloadCaptured > out.payloadLen)
            out.payloadCaptured = out.payloadLen;
        out.layer = DecodeLayer::Transport;
        return;
    }
    default:
        return;
    }
}

} // namespace lbs::pcap::decoder
