// Tunnels: IP-in-IP, GRE (keys, sequence numbers, checksums; IP, Ethernet, WCCP), ERSPAN I/II/III,
// VXLAN and Geneve. The inner packet is decoded in place; the outermost tunnel's outer addresses
// are kept. Nesting is bounded by kMaxTunnelDepth, and nothing allocates.
#include "core/pcap/decoderparts.h"

namespace lbs::pcap {

const char *tunnelKindName(TunnelKind kind)
{
    switch (kind) {
    case TunnelKind::IpInIp:
        return "ipip";
    case TunnelKind::Gre:
        return "gre";
    case TunnelKind::Vxlan:
        return "vxlan";
    case TunnelKind::Geneve:
        return "geneve";
    case TunnelKind::Erspan:
        return "erspan";
    case TunnelKind::None:
        break;
    }
    return "none";
}

const char *tunnelKindLabel(TunnelKind kind)
{
    switch (kind) {
    case TunnelKind::IpInIp:
        return "IP-in-IP";
    case TunnelKind::Gre:
        return "GRE";
    case TunnelKind::Vxlan:
        return "VXLAN";
    case TunnelKind::Geneve:
        return "Geneve";
    case TunnelKind::Erspan:
        return "ERSPAN";
    case TunnelKind::None:
        break;
    }
    return "none";
}

namespace decoder {

namespace {

constexpr uint16_t kVxlanPort = 4789;
constexpr uint16_t kVxlanLinuxPort = 8472;
constexpr uint16_t kGenevePort = 6081;

enum class Inner : uint8_t { Ip, Ethernet };

// Decodes the packet inside a tunnel into `out`. When the inner packet's network layer is not
// understood (or the nesting is too deep), `out` is restored to the outer packet and false returned.
bool enter(TunnelKind kind, uint32_t id, Inner inner, Cursor c, DecodedPacket &out, int depth)
{
    if (depth >= kMaxTunnelDepth)
        return false;
    const DecodedPacket outer = out;
    DecodedPacket &in = out;
    in = DecodedPacket {};
    in.linktype = outer.linktype;
    in.vlanCount = outer.vlanCount;
    in.vlanIds[0] = outer.vlanIds[0];
    in.vlanIds[1] = outer.vlanIds[1];
    in.ifIndex = outer.ifIndex;
    in.sllPacketType = outer.sllPacketType;
    in.etherType = outer.etherType;
    in.capLen = outer.capLen;
    in.wireLen = outer.wireLen;
    in.layer = DecodeLayer::Link;
    in.tunnelled = true;
    in.tunnelDepth = static_cast<uint8_t>(outer.tunnelDepth + 1);
    if (outer.tunnelled) {
        in.tunnel = outer.tunnel;
        in.tunnelId = outer.tunnelId;
        in.outerSrc = outer.outerSrc;
        in.outerDst = outer.outerDst;
    } else {
        in.tunnel = kind;
        in.tunnelId = id;
        in.outerSrc = outer.src;
        in.outerDst = outer.dst;
    }
    const bool ok = inner == Inner::Ip ? decodeIp(c, in, depth + 1) : decodeEthernet(c, in, depth + 1);
    if (ok && in.ipVersion != 0)
        return true;
    out = outer;
    return false;
}

// ERSPAN type II (8-byte header) or type I (none: the frame follows GRE), then Ethernet.
bool decodeErspan2(Cursor c, bool hasSequence, DecodedPacket &out, int depth)
{
    if (!hasSequence)
        return enter(TunnelKind::Erspan, 0, Inner::Ethernet, c, out, depth);
    if (c.len < 8 || (c.p[0] >> 4) != 1)
        return false;
    const uint32_t session = be16(c.p + 2) & 0x03ff;
    return enter(TunnelKind::Erspan, session, Inner::Ethernet, Cursor {c.p + 8, c.len - 8}, out, depth);
}

// ERSPAN type III: 12-byte header, an 8-byte platform subheader when O is set; Ethernet or IP.
bool decodeErspan3(Cursor c, DecodedPacket &out, int depth)
{
    if (c.len < 12 || (c.p[0] >> 4) != 2)
        return false;
    const uint32_t session = be16(c.p + 2) & 0x03ff;
    const uint16_t w = be16(c.p + 10);
    const uint32_t frameType = (w >> 10) & 0x1f; // 0 Ethernet, 2 IP
    const uint32_t hl = (w & 1) ? 20 : 12;
    if (c.len < hl || (frameType != 0 && frameType != 2))
        return false;
    return enter(TunnelKind::Erspan, session, frameType == 0 ? Inner::Ethernet : Inner::Ip,
        Cursor {c.p + hl, c.len - hl}, out, depth);
}

// GRE version 0 (RFC 2784/2890): optional checksum, key and sequence number, no source routing.
bool decodeGre(Cursor c, DecodedPacket &out, int depth)
{
    if (c.len < 4)
        return false;
    const uint16_t flags = be16(c.p);
    if ((flags & 0x0007) != 0 || (flags & 0x4000) != 0) // version 1 (PPTP) or routing present
        return false;
    const uint16_t proto = be16(c.p + 2);
    uint32_t off = 4;
    uint32_t key = 0;
    if (flags & 0x8000)
        off += 4;
    if (flags & 0x2000) {
        if (off + 4 > c.len)
            return false;
        key = be32(c.p + off);
        off += 4;
    }
    const bool hasSequence = (flags & 0x1000) != 0;
    if (hasSequence)
        off += 4;
    if (off > c.len)
        return false;
    const Cursor in {c.p + off, c.len - off};
    switch (proto) {
    case kEtherIPv4:
    case kEtherIPv6:
        return enter(TunnelKind::Gre, key, Inner::Ip, in, out, depth);
    case kEtherTeb:
        return enter(TunnelKind::Gre, key, Inner::Ethernet, in, out, depth);
    case kEtherErspan2:
        return decodeErspan2(in, hasSequence, out, depth);
    case kEtherErspan3:
        return decodeErspan3(in, out, depth);
    case kEtherWccp: {
        // WCCPv2 puts a 4-byte redirect header before the IP packet; WCCPv1 none.
        const bool bare = in.len > 0 && (in.p[0] >> 4) == 4;
        if (!bare && in.len < 4)
            return false;
        return enter(TunnelKind::Gre, key, Inner::Ip, bare ? in : Cursor {in.p + 4, in.len - 4}, out, depth);
    }
    default:
        return false;
    }
}

bool decodeVxlan(Cursor c, DecodedPacket &out, int depth)
{
    if (c.len < 8 || (c.p[0] & 0x08) == 0) // the I flag: VNI valid
        return false;
    const uint32_t vni = be32(c.p + 4) >> 8;
    return enter(TunnelKind::Vxlan, vni, Inner::Ethernet, Cursor {c.p + 8, c.len - 8}, out, depth);
}

bool decodeGeneve(Cursor c, DecodedPacket &out, int depth)
{
    if (c.len < 8 || (c.p[0] >> 6) != 0)
        return false;
    const uint32_t hl = 8 + (c.p[0] & 0x3f) * 4u;
    if (hl > c.len)
        return false;
    const uint16_t proto = be16(c.p + 2);
    const uint32_t vni = be32(c.p + 4) >> 8;
    const Cursor in {c.p + hl, c.len - hl};
    if (proto == kEtherTeb)
        return enter(TunnelKind::Geneve, vni, Inner::Ethernet, in, out, depth);
    if (proto == kEtherIPv4 || proto == kEtherIPv6)
        return enter(TunnelKind::Geneve, vni, Inner::Ip, in, out, depth);
    return false;
}

bool isVxlanPort(uint16_t port)
{
    return port == kVxlanPort || port == kVxlanLinuxPort;
}

} // namespace

void decodeIpPayload(Cursor c, DecodedPacket &out, int depth)
{
    if (!out.fragment) {
        if (out.ipProto == 4 || out.ipProto == 41) {
            if (enter(TunnelKind::IpInIp, 0, Inner::Ip, c, out, depth))
                return;
        } else if (out.ipProto == 47) {
            if (decodeGre(c, out, depth))
                return;
        }
    }
    decodeTransport(c, out);
    if (out.fragment || !out.isUdp() || depth >= kMaxTunnelDepth)
        return;
    const Cursor udp {out.payload, out.payloadCaptured};
    if (isVxlanPort(out.dstPort) || isVxlanPort(out.srcPort))
        decodeVxlan(udp, out, depth);
    else if (out.dstPort == kGenevePort || out.srcPort == kGenevePort)
        decodeGeneve(udp, out, depth);
}

} // namespace decoder

} // namespace lbs::pcap
