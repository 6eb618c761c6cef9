// Allocation-free, bounds-checked decoding of link, network and transport headers.
#include "core/pcap/decodedpacket.h"

namespace lbs::pcap {

namespace {

inline uint16_t be16(const uint8_t *p)
{
    return static_cast<uint16_t>((p[0] << 8) | p[1]);
}
inline uint32_t be32(const uint8_t *p)
{
    return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}
inline uint32_t le32(const uint8_t *p)
{
    return (uint32_t(p[3]) << 24) | (uint32_t(p[2]) << 16) | (uint32_t(p[1]) << 8) | uint32_t(p[0]);
}

constexpr uint16_t kEtherIPv4 = 0x0800;
constexpr uint16_t kEtherIPv6 = 0x86dd;
constexpr uint16_t kEtherVlan = 0x8100;
constexpr uint16_t kEtherQinQ = 0x88a8;
constexpr uint16_t kEtherQinQOld = 0x9100;

struct Cursor {
    const uint8_t *p;
    uint32_t len;
};

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

void decodeTransport(Cursor c, DecodedPacket &out)
{
    // c covers the captured transport bytes; out.ipPayloadWireLen is the length the IP header claims.
    const uint32_t wire = out.ipPayloadWireLen;
    switch (out.ipProto) {
    case 6: {
        if (c.len < 20) {
            out.headersTruncated = true;
            return;
        }
        const uint32_t hl = (c.p[12] >> 4) * 4u;
        out.srcPort = be16(c.p);
        out.dstPort = be16(c.p + 2);
        out.seq = be32(c.p + 4);
        out.ack = be32(c.p + 8);
        out.tcpFlags = c.p[13];
        out.window = be16(c.p + 14);
        if (hl < 20) {
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

bool decodeIp(Cursor c, DecodedPacket &out, int depth);

bool decodeIPv4(Cursor c, DecodedPacket &out, int depth)
{
    if (c.len < 20 || (c.p[0] >> 4) != 4) {
        out.headersTruncated = c.len < 20;
        return false;
    }
    const uint32_t hl = (c.p[0] & 0x0f) * 4u;
    if (hl < 20 || hl > c.len) {
        out.headersTruncated = true;
        return false;
    }
    uint32_t total = be16(c.p + 2);
    // TSO/GRO captures may carry total length 0 or smaller than the header: use what was captured.
    if (total < hl)
        total = hl + (c.len - hl);
    const uint16_t frag = be16(c.p + 6);
    const bool mf = (frag & 0x2000) != 0;
    const uint16_t fragOffset = frag & 0x1fff;
    out.ipVersion = 4;
    out.ttl = c.p[8];
    out.ipId = be16(c.p + 4);
    out.ipProto = c.p[9];
    out.src = IpAddress::v4(c.p + 12);
    out.dst = IpAddress::v4(c.p + 16);
    out.ipPayloadWireLen = total - hl;
    out.layer = DecodeLayer::Network;
    Cursor t {c.p + hl, c.len - hl};
    if (t.len > out.ipPayloadWireLen)
        t.len = out.ipPayloadWireLen; // strip link-layer padding
    if (mf || fragOffset != 0) {
        out.fragment = true;
        out.firstFragment = fragOffset == 0;
        if (!out.firstFragment)
            return true;
    }
    if ((out.ipProto == 4 || out.ipProto == 41) && depth == 0 && !out.fragment)
        return decodeIp(t, out, depth + 1);
    decodeTransport(t, out);
    return true;
}

bool decodeIPv6(Cursor c, DecodedPacket &out, int depth)
{
    if (c.len < 40 || (c.p[0] >> 4) != 6) {
        out.headersTruncated = c.len < 40;
        return false;
    }
    uint32_t payloadLen = be16(c.p + 4);
    if (payloadLen == 0) // jumbogram or TSO: use what was captured
        payloadLen = c.len - 40;
    out.ipVersion = 6;
    out.ttl = c.p[7];
    out.src = IpAddress::v6(c.p + 8);
    out.dst = IpAddress::v6(c.p + 24);
    out.layer = DecodeLayer::Network;
    uint8_t next = c.p[6];
    uint32_t off = 40;
    uint32_t remaining = payloadLen; // bytes after the fixed header, as the header claims
    // Walk extension headers (bounded: at most 16).
    for (int i = 0; i < 16; ++i) {
        if (next == 0 || next == 43 || next == 60 || next == 135 || next == 139 || next == 140
            || next == 51) {
            if (off + 8 > c.len) {
                out.headersTruncated = true;
                out.ipProto = next;
                return true;
            }
            // Generic extension headers count 8-byte units minus 1; AH (51) 4-byte units minus 2.
            const uint32_t len = next == 51 ? (c.p[off + 1] + 2u) * 4u : (c.p[off + 1] + 1u) * 8u;
            if (len > remaining || off + len > c.len) {
                out.headersTruncated = true;
                out.ipProto = next;
                return true;
            }
            next = c.p[off];
            off += len;
            remaining -= len;
            ++out.ipv6ExtHeaders;
        } else if (next == 44) { // fragment header
            if (off + 8 > c.len || remaining < 8) {
                out.headersTruncated = true;
                out.ipProto = next;
                return true;
            }
            const uint16_t fo = be16(c.p + off + 2);
            const bool mf = (fo & 1) != 0;
            const uint16_t fragOffset = fo >> 3;
            next = c.p[off];
            off += 8;
            remaining -= 8;
            ++out.ipv6ExtHeaders;
            if (mf || fragOffset != 0) {
                out.fragment = true;
                out.firstFragment = fragOffset == 0;
                if (!out.firstFragment) {
                    out.ipProto = next;
                    out.ipPayloadWireLen = remaining;
                    return true;
                }
            }
        } else {
            break;
        }
    }
    out.ipProto = next;
    out.ipPayloadWireLen = remaining;
    Cursor t {c.p + off, c.len > off ? c.len - off : 0};
    if (t.len > remaining)
        t.len = remaining;
    if ((next == 4 || next == 41) && depth == 0 && !out.fragment)
        return decodeIp(t, out, depth + 1);
    decodeTransport(t, out);
    return true;
}

bool decodeIp(Cursor c, DecodedPacket &out, int depth)
{
    if (c.len < 1) {
        out.headersTruncated = true;
        return false;
    }
    if (depth > 0) {
        // IP-in-IP: remember the outer addresses, then decode the inner packet in place.
        out.tunnelled = true;
        out.outerSrc = out.src;
        out.outerDst = out.dst;
    }
    const uint8_t version = c.p[0] >> 4;
    bool ok = false;
    if (version == 4)
        ok = decodeIPv4(c, out, depth);
    else if (version == 6)
        ok = decodeIPv6(c, out, depth);
    if (!ok && depth > 0)
        return true; // the outer packet was fine; the inner one is not understood
    return ok;
}

bool decodeByEtherType(uint16_t type, Cursor c, DecodedPacket &out)
{
    out.etherType = type;
    if (type == kEtherIPv4)
        return decodeIPv4(c, out, 0);
    if (type == kEtherIPv6)
        return decodeIPv6(c, out, 0);
    return false;
}

bool decodeEthernet(Cursor c, DecodedPacket &out)
{
    if (c.len < 14) {
        out.headersTruncated = true;
        return false;
    }
    uint16_t type = be16(c.p + 12);
    uint32_t off = 14;
    out.layer = DecodeLayer::Link;
    for (int i = 0; i < 4 && (type == kEtherVlan || type == kEtherQinQ || type == kEtherQinQOld); ++i) {
        if (off + 4 > c.len) {
            out.headersTruncated = true;
            out.etherType = type;
            return false;
        }
        if (out.vlanCount < 2)
            out.vlanIds[out.vlanCount] = be16(c.p + off) & 0x0fff;
        ++out.vlanCount;
        type = be16(c.p + off + 2);
        off += 4;
    }
    if (type <= 1500) { // 802.3 length field: LLC, not IP
        out.etherType = 0;
        return false;
    }
    return decodeByEtherType(type, Cursor {c.p + off, c.len - off}, out);
}

bool decodeSll(Cursor c, DecodedPacket &out)
{
    if (c.len < 16) {
        out.headersTruncated = true;
        return false;
    }
    out.layer = DecodeLayer::Link;
    out.sllPacketType = static_cast<int16_t>(be16(c.p));
    return decodeByEtherType(be16(c.p + 14), Cursor {c.p + 16, c.len - 16}, out);
}

bool decodeSll2(Cursor c, DecodedPacket &out)
{
    if (c.len < 20) {
        out.headersTruncated = true;
        return false;
    }
    out.layer = DecodeLayer::Link;
    out.ifIndex = static_cast<int32_t>(be32(c.p + 4));
    out.sllPacketType = c.p[10];
    return decodeByEtherType(be16(c.p), Cursor {c.p + 20, c.len - 20}, out);
}

bool decodeNull(Cursor c, DecodedPacket &out, bool networkOrder)
{
    if (c.len < 4) {
        out.headersTruncated = true;
        return false;
    }
    out.layer = DecodeLayer::Link;
    uint32_t family = networkOrder ? be32(c.p) : le32(c.p);
    if (!networkOrder && family > 0xffff) // written by a big-endian host
        family = be32(c.p);
    Cursor rest {c.p + 4, c.len - 4};
    if (family == 2)
        return decodeIPv4(rest, out, 0);
    if (family == 10 || family == 24 || family == 28 || family == 30)
        return decodeIPv6(rest, out, 0);
    return false;
}

} // namespace

bool isSupportedLinktype(int linktype)
{
    switch (linktype) {
    case 0:
    case 1:
    case 12:
    case 14:
    case 101:
    case 108:
    case 113:
    case 228:
    case 229:
    case 276:
        return true;
    default:
        return false;
    }
}

const char *linktypeName(int linktype)
{
    switch (linktype) {
    case 0:
        return "NULL";
    case 1:
        return "EN10MB";
    case 12:
    case 14:
    case 101:
        return "RAW";
    case 108:
        return "LOOP";
    case 113:
        return "LINUX_SLL";
    case 228:
        return "IPV4";
    case 229:
        return "IPV6";
    case 276:
        return "LINUX_SLL2";
    default:
        return "other";
    }
}

bool decodePacket(int linktype, const uint8_t *data, uint32_t capLen, uint32_t wireLen, DecodedPacket &out)
{
    out = DecodedPacket {};
    out.linktype = linktype;
    out.capLen = capLen;
    out.wireLen = wireLen;
    if (!data)
        return false;
    const Cursor c {data, capLen};
    switch (linktype) {
    case 1:
        return decodeEthernet(c, out);
    case 113:
        return decodeSll(c, out);
    case 276:
        return decodeSll2(c, out);
    case 0:
        return decodeNull(c, out, false);
    case 108:
        return decodeNull(c, out, true);
    case 12:
    case 14:
    case 101:
        out.layer = DecodeLayer::Link;
        return decodeIp(c, out, 0);
    case 228:
        out.layer = DecodeLayer::Link;
        return decodeIPv4(c, out, 0);
    case 229:
        out.layer = DecodeLayer::Link;
        return decodeIPv6(c, out, 0);
    default:
        return false;
    }
}

} // namespace lbs::pcap
