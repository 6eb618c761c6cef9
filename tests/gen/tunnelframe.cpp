// Outer headers for --tunnel. The tunnel runs between two nodes per side of the load balancer:
// public side 10.0.0.1 (client side) <-> 10.0.0.2 (the VIP node), pod side 10.0.0.2 <->
// 10.0.1.<11+pod> (the pod's node); fd00:: with the same low 32 bits for IPv4-in-IPv6.

#include "tunnelframe.h"

#include "framebuilder.h"

#include <arpa/inet.h>
#include <cstring>

namespace lbs::gen {
namespace {

constexpr uint32_t kGreKey = 42;
constexpr uint32_t kVni = 4096;
constexpr uint32_t kErspanSession = 300;
constexpr uint16_t kVlanOuter = 200, kVlanInner = 300;

void put16(uint8_t *p, uint16_t v)
{
    p[0] = static_cast<uint8_t>(v >> 8);
    p[1] = static_cast<uint8_t>(v);
}
void put32(uint8_t *p, uint32_t v)
{
    put16(p, static_cast<uint16_t>(v >> 16));
    put16(p + 2, static_cast<uint16_t>(v));
}

uint32_t ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
    return uint32_t(a) << 24 | uint32_t(b) << 16 | uint32_t(c) << 8 | d;
}

/// Outer addresses of @p side: [0] the client-side end, [1] the server-side end.
void ends(const ConnSetup &s, uint8_t side, uint32_t out[2])
{
    out[0] = side == Public ? ip4(10, 0, 0, 1) : ip4(10, 0, 0, 2);
    out[1] = side == Public ? ip4(10, 0, 0, 2) : ip4(10, 0, 1, static_cast<uint8_t>(11 + s.pod));
}

void ipv6Of(uint32_t v4, uint8_t *out)
{
    std::memset(out, 0, 16);
    out[0] = 0xfd;
    put32(out + 12, v4);
}

std::string ipv6String(uint32_t v4)
{
    uint8_t a[16];
    ipv6Of(v4, a);
    char buf[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, a, buf, sizeof buf);
    return buf;
}

/// Bytes after the outer IP header and before the inner Ethernet/IP.
uint32_t carrierLength(Tunnel t)
{
    switch (t) {
    case Tunnel::Gre:
        return 16; // GRE with checksum, key and sequence number
    case Tunnel::GreEth:
        return 8; // GRE with key
    case Tunnel::Erspan2:
        return 8 + 8; // GRE with sequence number + ERSPAN II
    case Tunnel::Erspan3:
        return 8 + 12; // GRE with sequence number + ERSPAN III
    case Tunnel::Vxlan:
    case Tunnel::Flannel:
        return 8 + 8; // UDP + VXLAN
    case Tunnel::Geneve:
        return 8 + 8 + 8; // UDP + Geneve + one option
    default:
        return 0;
    }
}

bool carriesEthernet(Tunnel t)
{
    return t == Tunnel::GreEth || t == Tunnel::Erspan2 || t == Tunnel::Erspan3 || t == Tunnel::Vxlan
        || t == Tunnel::Flannel || t == Tunnel::Geneve;
}

uint32_t outerIpLength(Tunnel t)
{
    switch (t) {
    case Tunnel::None:
    case Tunnel::Vlan:
    case Tunnel::QinQ:
        return 0;
    case Tunnel::IpIp6:
        return 40;
    default:
        return 20;
    }
}

uint8_t outerProto(Tunnel t)
{
    switch (t) {
    case Tunnel::IpIp:
    case Tunnel::IpIp6:
        return 4;
    case Tunnel::Vxlan:
    case Tunnel::Flannel:
    case Tunnel::Geneve:
        return 17;
    default:
        return 47;
    }
}

// The tunnel header after the outer IP header; @p len counts it and everything after it.
void writeCarrier(Tunnel t, const Connection &c, const PktDesc &p, uint8_t *o, uint32_t len)
{
    switch (t) {
    case Tunnel::Gre:
        put16(o, 0xb000); // C, K, S
        put16(o + 2, 0x0800);
        put32(o + 4, 0);
        put32(o + 8, kGreKey);
        put32(o + 12, p.order);
        put16(o + 4, checksumFinish(checksumAdd(o, len, 0)));
        return;
    case Tunnel::GreEth:
        put16(o, 0x2000);
        put16(o + 2, 0x6558);
        put32(o + 4, kGreKey);
        return;
    case Tunnel::Erspan2:
    case Tunnel::Erspan3: {
        const bool three = t == Tunnel::Erspan3;
        put16(o, 0x1000);
        put16(o + 2, three ? 0x22eb : 0x88be);
        put32(o + 4, p.order);
        uint8_t *e = o + 8;
        put16(e, static_cast<uint16_t>((three ? 0x2000 : 0x1000) | 10)); // version, VLAN 10
        put16(e + 2, kErspanSession);
        put32(e + 4, three ? static_cast<uint32_t>(p.ts / 100) : 0); // III: timestamp; II: index
        if (three)
            put32(e + 8, 0); // SGT 0, frame type 0 (Ethernet), no subheader
        return;
    }
    case Tunnel::Vxlan:
    case Tunnel::Flannel:
    case Tunnel::Geneve: {
        // Each end picks its UDP source port from a flow hash; the destination is the tunnel port.
        const uint16_t sport
            = static_cast<uint16_t>(49152 + (c.setup.clientPort * 31u + p.side * 7u + p.dir) % 16384u);
        put16(o, sport);
        put16(o + 2, t == Tunnel::Geneve ? 6081 : (t == Tunnel::Vxlan ? 4789 : 8472));
        put16(o + 4, static_cast<uint16_t>(len));
        put16(o + 6, 0); // no UDP checksum (allowed over IPv4, as Linux sends VXLAN)
        uint8_t *h = o + 8;
        if (t == Tunnel::Geneve) {
            h[0] = 2; // version 0, 2 words of options
            h[1] = 0;
            put16(h + 2, 0x6558);
            put32(h + 4, kVni << 8);
            put16(h + 8, 0x0102); // option class, type, length 1 word
            h[10] = 0x80;
            h[11] = 1;
            put32(h + 12, 0xa5a5a5a5u);
        } else {
            put32(h, 0x08000000);
            put32(h + 4, kVni << 8);
        }
        return;
    }
    default:
        return;
    }
}

} // namespace

const char *tunnelName(Tunnel t)
{
    switch (t) {
    case Tunnel::None:
        return "none";
    case Tunnel::IpIp:
        return "ipip";
    case Tunnel::IpIp6:
        return "ipip6";
    case Tunnel::Gre:
        return "gre";
    case Tunnel::GreEth:
        return "gre-eth";
    case Tunnel::Erspan2:
        return "erspan2";
    case Tunnel::Erspan3:
        return "erspan3";
    case Tunnel::Vxlan:
        return "vxlan";
    case Tunnel::Flannel:
        return "flannel";
    case Tunnel::Geneve:
        return "geneve";
    case Tunnel::Vlan:
        return "vlan";
    case Tunnel::QinQ:
        return "qinq";
    }
    return "none";
}

std::optional<Tunnel> parseTunnelName(const std::string &name)
{
    for (Tunnel t : {Tunnel::None, Tunnel::IpIp, Tunnel::IpIp6, Tunnel::Gre, Tunnel::GreEth, Tunnel::Erspan2,
             Tunnel::Erspan3, Tunnel::Vxlan, Tunnel::Flannel, Tunnel::Geneve, Tunnel::Vlan, Tunnel::QinQ})
        if (name == tunnelName(t))
            return t;
    return std::nullopt;
}

uint32_t tunnelOverhead(Tunnel t)
{
    return outerIpLength(t) + carrierLength(t) + (carriesEthernet(t) ? 14 : 0);
}

uint32_t vlanTagBytes(Tunnel t)
{
    return t == Tunnel::Vlan ? 4 : (t == Tunnel::QinQ ? 8 : 0);
}

void writeVlanTags(Tunnel t, uint8_t *out)
{
    // Called with out at the EtherType position: the tags go there, the real type after them.
    if (t == Tunnel::Vlan) {
        put16(out, 0x8100);
        put16(out + 2, kVlanOuter);
    } else if (t == Tunnel::QinQ) {
        put16(out, 0x88a8);
        put16(out + 2, kVlanOuter);
        put16(out + 4, 0x8100);
        put16(out + 6, kVlanInner);
    }
}

uint16_t outerEtherType(Tunnel t)
{
    return t == Tunnel::IpIp6 ? 0x86dd : 0x0800;
}

void writeTunnel(Tunnel t, const Connection &c, const PktDesc &p, uint8_t *out, uint32_t innerLen)
{
    const uint32_t ipLen = outerIpLength(t);
    if (ipLen == 0)
        return;
    uint32_t e[2];
    ends(c.setup, p.side, e);
    const uint32_t src = p.dir == C2s ? e[0] : e[1];
    const uint32_t dst = p.dir == C2s ? e[1] : e[0];
    const uint32_t afterIp = carrierLength(t) + (carriesEthernet(t) ? 14 : 0) + innerLen;
    if (carriesEthernet(t)) {
        uint8_t *eth = out + ipLen + carrierLength(t);
        const uint8_t macs[12] = {0x02, 0, 0, 0, 0, 0xbb, 0x02, 0, 0, 0, 0, 0xaa};
        std::memcpy(eth, macs, 12);
        put16(eth + 12, 0x0800);
    }
    writeCarrier(t, c, p, out + ipLen, afterIp);
    if (t == Tunnel::IpIp6) {
        out[0] = 0x60;
        out[1] = out[2] = out[3] = 0;
        put16(out + 4, static_cast<uint16_t>(afterIp));
        out[6] = 4;
        out[7] = 64;
        ipv6Of(src, out + 8);
        ipv6Of(dst, out + 24);
        return;
    }
    writeIpv4(out, static_cast<uint16_t>(20 + afterIp), static_cast<uint16_t>(p.order), false, 64,
        outerProto(t), src, dst);
}

void tunnelTruth(Tunnel t, const ConnSetup &s, Side side, FlowTruth &f)
{
    if (outerIpLength(t) == 0)
        return;
    uint32_t e[2];
    ends(s, side, e);
    const bool v6 = t == Tunnel::IpIp6;
    f.outerClient = v6 ? ipv6String(e[0]) : ipString(e[0]);
    f.outerServer = v6 ? ipv6String(e[1]) : ipString(e[1]);
    switch (t) {
    case Tunnel::IpIp:
    case Tunnel::IpIp6:
        f.tunnel = "ipip";
        break;
    case Tunnel::Gre:
    case Tunnel::GreEth:
        f.tunnel = "gre";
        f.tunnelId = kGreKey;
        break;
    case Tunnel::Erspan2:
    case Tunnel::Erspan3:
        f.tunnel = "erspan";
        f.tunnelId = kErspanSession;
        break;
    case Tunnel::Geneve:
        f.tunnel = "geneve";
        f.tunnelId = kVni;
        break;
    default:
        f.tunnel = "vxlan";
        f.tunnelId = kVni;
        break;
    }
}

} // namespace lbs::gen
