// Allocation-free, bounds-checked decoding of link and network headers, and the entry point.
#include "core/pcap/decoderparts.h"

namespace lbs::pcap {

namespace decoder {

namespace {

inline uint32_t le32(const uint8_t *p)
{
    return (uint32_t(p[3]) << 24) | (uint32_t(p[2]) << 16) | (uint32_t(p[1]) << 8) | uint32_t(p[0]);
}

bool isVlanTag(uint16_t type)
{
    return type == kEtherVlan || type == kEtherQinQ || type == kEtherQinQOld;
}

} // namespace

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
    // TSO/GRO (and BIG TCP) captures carry total length 0: use what was captured. Any other total
    // length below the header's is impossible: the header is read, nothing after it.
    const bool bogusTotal = total != 0 && total < hl;
    if (total == 0)
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
    out.layer = DecodeLayer::Network;
    if (bogusTotal) {
        out.malformed = true;
        out.headersTruncated = true;
        return true;
    }
    out.ipPayloadWireLen = total - hl;
    Cursor t {c.p + hl, c.len - hl};
    if (t.len > out.ipPayloadWireLen)
        t.len = out.ipPayloadWireLen; // strip link-layer padding
    if (mf || fragOffset != 0) {
        out.fragment = true;
        out.firstFragment = fragOffset == 0;
        if (!out.firstFragment)
            return true;
    }
    decodeIpPayload(t, out, depth);
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
    decodeIpPayload(t, out, depth);
    return true;
}

bool decodeIp(Cursor c, DecodedPacket &out, int depth)
{
    if (c.len < 1) {
        out.headersTruncated = true;
        return false;
    }
    const uint8_t version = c.p[0] >> 4;
    if (version == 4)
        return decodeIPv4(c, out, depth);
    if (version == 6)
        return decodeIPv6(c, out, depth);
    return false;
}

/// An MPLS label stack (RFC 3032): labels up to the one with the bottom-of-stack bit, then IPv4 or
/// IPv6 as the first nibble says (no pseudowire control word).
bool decodeMpls(Cursor c, DecodedPacket &out, int depth)
{
    uint32_t off = 0;
    for (int i = 0; i < 16; ++i) {
        if (off + 4 > c.len) {
            out.headersTruncated = true;
            return false;
        }
        const bool bottom = (c.p[off + 2] & 0x01) != 0;
        off += 4;
        if (bottom)
            return decodeIp(Cursor {c.p + off, c.len - off}, out, depth);
    }
    return false;
}

bool decodeByEtherType(uint16_t type, Cursor c, DecodedPacket &out, int depth)
{
    uint32_t off = 0;
    for (int i = 0; i < 16 && isVlanTag(type); ++i) {
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
    out.etherType = type;
    const Cursor rest {c.p + off, c.len - off};
    if (type == kEtherIPv4)
        return decodeIPv4(rest, out, depth);
    if (type == kEtherIPv6)
        return decodeIPv6(rest, out, depth);
    if (type == 0x8847 || type == 0x8848)
        return decodeMpls(rest, out, depth);
    return false;
}

bool decodeEthernet(Cursor c, DecodedPacket &out, int depth)
{
    if (c.len < 14) {
        out.headersTruncated = true;
        return false;
    }
    out.layer = DecodeLayer::Link;
    return decodeByEtherType(be16(c.p + 12), Cursor {c.p + 14, c.len - 14}, out, depth);
}

namespace {

/// DLT_PPP: RFC 1661 PPP, with or without the RFC 1662 HDLC-like address and control bytes (ff 03),
/// a one- or two-byte protocol field (0x21 / 0x0021 IPv4, 0x57 / 0x0057 IPv6).
bool decodePpp(Cursor c, DecodedPacket &out)
{
    uint32_t off = c.len >= 2 && c.p[0] == 0xff && c.p[1] == 0x03 ? 2 : 0;
    if (off + 1 > c.len) {
        out.headersTruncated = true;
        return false;
    }
    uint16_t protocol = c.p[off];
    if ((protocol & 1) == 0) { // the protocol field was not compressed: two bytes
        if (off + 2 > c.len) {
            out.headersTruncated = true;
            return false;
        }
        protocol = be16(c.p + off);
        off += 2;
    } else {
        off += 1;
    }
    out.layer = DecodeLayer::Link;
    const Cursor rest {c.p + off, c.len - off};
    if (protocol == 0x21)
        return decodeIPv4(rest, out, 0);
    if (protocol == 0x57)
        return decodeIPv6(rest, out, 0);
    if (protocol == 0x0281 || protocol == 0x0283)
        return decodeMpls(rest, out, 0);
    return false;
}

/// DLT_IPOIB: two 20-byte InfiniBand addresses (source, destination: QPN and GID), then RFC 4391's
/// four-byte header, an EtherType and two reserved bytes.
bool decodeIpoib(Cursor c, DecodedPacket &out)
{
    if (c.len < 44) {
        out.headersTruncated = true;
        return false;
    }
    out.layer = DecodeLayer::Link;
    return decodeByEtherType(be16(c.p + 40), Cursor {c.p + 44, c.len - 44}, out, 0);
}

/// DLT_ARCNET (7) and DLT_ARCNET_LINUX (129, with a two-byte offset field after the addresses):
/// source and destination station, a protocol ID, and for the RFC 1201 protocols a split flag and
/// a sequence number. A BSD exception packet (split flag 0xff) repeats protocol, flag and sequence
/// number after the first three. IPv4 is 212 (RFC 1201) or 240 (RFC 1051, no split flag), IPv6 196.
bool decodeArcnet(Cursor c, DecodedPacket &out, bool linuxHeader)
{
    uint32_t off = linuxHeader ? 4 : 2;
    if (c.len < off + 1) {
        out.headersTruncated = true;
        return false;
    }
    const uint8_t protocol = c.p[off++];
    const bool rfc1051 = protocol == 240 || protocol == 241 || protocol == 0x80;
    if (!rfc1051) {
        if (!linuxHeader && off < c.len && c.p[off] == 0xff)
            off += 4; // exception packet: flag, sequence number and protocol again
        off += 3;
        if (off > c.len) {
            out.headersTruncated = true;
            return false;
        }
    }
    out.layer = DecodeLayer::Link;
    const Cursor rest {c.p + off, c.len - off};
    if (protocol == 212 || protocol == 240)
        return decodeIPv4(rest, out, 0);
    if (protocol == 196)
        return decodeIPv6(rest, out, 0);
    return false;
}

/// DLT_JUNIPER_ETHER (178): Juniper's header (magic "MGC", a flags byte; flag 0x80: a two-byte
/// length of extension TLVs, which follow) and the Ethernet frame; with flag 0x02 there is no
/// Ethernet header but a four-byte protocol cookie and the IP packet.
bool decodeJuniperEther(Cursor c, DecodedPacket &out)
{
    if (c.len < 4) {
        out.headersTruncated = true;
        return false;
    }
    if (c.p[0] != 'M' || c.p[1] != 'G' || c.p[2] != 'C')
        return false;
    const uint8_t flags = c.p[3];
    uint32_t off = 4;
    if (flags & 0x80) {
        if (c.len < 6) {
            out.headersTruncated = true;
            return false;
        }
        off = 6u + be16(c.p + 4);
    }
    const bool noL2 = (flags & 0x02) != 0;
    if (noL2)
        off += 4;
    if (off > c.len) {
        out.headersTruncated = true;
        return false;
    }
    const Cursor rest {c.p + off, c.len - off};
    if (!noL2)
        return decodeEthernet(rest, out, 0);
    out.layer = DecodeLayer::Link;
    return decodeIp(rest, out, 0);
}

bool decodeSll(Cursor c, DecodedPacket &out)
{
    if (c.len < 16) {
        out.headersTruncated = true;
        return false;
    }
    out.layer = DecodeLayer::Link;
    out.sllPacketType = static_cast<int16_t>(be16(c.p));
    return decodeByEtherType(be16(c.p + 14), Cursor {c.p + 16, c.len - 16}, out, 0);
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
    return decodeByEtherType(be16(c.p), Cursor {c.p + 20, c.len - 20}, out, 0);
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

} // namespace decoder

using namespace decoder;

bool isSupportedLinktype(int linktype)
{
    switch (linktype) {
    case 0:
    case 1:
    case 7:
    case 9:
    case 12:
    case 14:
    case 101:
    case 108:
    case 113:
    case 129:
    case 178:
    case 228:
    case 229:
    case 242:
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
    case 7:
        return "ARCNET_BSD";
    case 9:
        return "PPP";
    case 12:
    case 14:
    case 101:
        return "RAW";
    case 108:
        return "LOOP";
    case 113:
        return "LINUX_SLL";
    case 129:
        return "ARCNET_LINUX";
    case 178:
        return "JUNIPER_ETHER";
    case 228:
        return "IPV4";
    case 229:
        return "IPV6";
    case 242:
        return "IPOIB";
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
        return decodeEthernet(c, out, 0);
    case 113:
        return decodeSll(c, out);
    case 9:
        return decodePpp(c, out);
    case 242:
        return decodeIpoib(c, out);
    case 7:
        return decodeArcnet(c, out, false);
    case 129:
        return decodeArcnet(c, out, true);
    case 178:
        return decodeJuniperEther(c, out);
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
