// Frame bytes for the generator: Ethernet or Linux cooked v2 (SLL2), IPv4, TCP/ICMP, checksums.

#include "framebuilder.h"

#include "tunnelframe.h"

#include <cstring>

namespace lbs::gen {
namespace {

const uint8_t kGatewayMac[6] = {0x02, 0x42, 0xc6, 0x33, 0x64, 0x01};
const uint8_t kNodeMac[6] = {0x02, 0x42, 0xcb, 0x00, 0x71, 0x02};
const uint8_t kCaliMac[6] = {0xee, 0xee, 0xee, 0xee, 0xee, 0xee};
constexpr uint32_t kPublicIfindex = 3; // eth1 on the node
constexpr uint32_t kCaliIfindexBase = 10;

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

uint32_t optLength(uint8_t opt)
{
    switch (opt) {
    case OptSyn:
        return 20;
    case OptTs:
        return 12;
    case OptTsSack:
        return 24;
    default:
        return 0;
    }
}

void podMac(int pod, uint8_t *mac)
{
    const uint8_t m[6] = {0x02, 0x42, 0xc0, 0x00, 0x02, static_cast<uint8_t>(11 + pod)};
    std::memcpy(mac, m, 6);
}

uint32_t linkLength(LinkType link, Tunnel t)
{
    return link == LinkType::Ethernet ? 14 + vlanTagBytes(t) : 20;
}

void writeLink(LinkType link, Tunnel t, const Connection &c, const PktDesc &p, uint8_t *out)
{
    uint8_t podM[6];
    podMac(c.setup.pod, podM);
    const bool pub = p.side == Public;
    const uint8_t *clientSide = pub ? kGatewayMac : kCaliMac; // next hop towards the client
    const uint8_t *nodeSide = pub ? kNodeMac : podM; // the node (public) or the pod
    const uint8_t *src = p.dir == C2s ? clientSide : nodeSide;
    const uint8_t *dst = p.dir == C2s ? nodeSide : clientSide;
    if (link == LinkType::Ethernet) {
        std::memcpy(out, dst, 6);
        std::memcpy(out + 6, src, 6);
        writeVlanTags(t, out + 12);
        put16(out + 12 + vlanTagBytes(t), outerEtherType(t));
        return;
    }
    // SLL2: protocol, reserved, ifindex, ARPHRD_ETHER, packet type, address length, address (8).
    put16(out, outerEtherType(t));
    put16(out + 2, 0);
    put32(out + 4, pub ? kPublicIfindex : kCaliIfindexBase + static_cast<uint32_t>(c.setup.pod));
    put16(out + 8, 1);
    const bool incoming = pub ? p.dir == C2s : p.dir == S2c;
    out[10] = incoming ? 0 /* PACKET_HOST */ : 4 /* PACKET_OUTGOING */;
    out[11] = 6;
    std::memcpy(out + 12, incoming ? src : (pub ? kNodeMac : kCaliMac), 6);
    out[18] = out[19] = 0;
}

/// IPv4 + TCP of @p p as seen on its side; returns the IP datagram length.
uint32_t writeIpTcp(const Connection &c, const PktDesc &p, uint8_t *ip)
{
    const ConnSetup &s = c.setup;
    const bool pub = p.side == Public;
    const uint32_t serverIp = pub ? s.vip : s.podIp;
    const uint16_t serverPort = pub ? s.vipPort : s.podPort;
    const uint32_t optLen = optLength(p.opt);
    const uint32_t tcpLen = 20 + optLen + p.len;
    uint8_t ttl;
    if (p.dir == C2s)
        ttl = pub ? s.clientTtl : static_cast<uint8_t>(s.clientTtl - 1);
    else
        ttl = pub ? 63 : 64;
    const bool snat = !pub && s.podClientIp != 0;
    const uint32_t clientIp = snat ? s.podClientIp : s.clientIp;
    const uint16_t clientPort = snat ? s.podClientPort : s.clientPort;
    const uint32_t src = p.dir == C2s ? clientIp : serverIp;
    const uint32_t dst = p.dir == C2s ? serverIp : clientIp;
    writeIpv4(ip, static_cast<uint16_t>(20 + tcpLen), p.ipid, true, ttl, 6, src, dst);

    uint8_t *tcp = ip + 20;
    put16(tcp, p.dir == C2s ? clientPort : serverPort);
    put16(tcp + 2, p.dir == C2s ? serverPort : clientPort);
    put32(tcp + 4, p.seq);
    put32(tcp + 8, (p.flags & Ack) ? p.ack : 0);
    tcp[12] = static_cast<uint8_t>(((20 + optLen) / 4) << 4);
    tcp[13] = p.flags;
    put16(tcp + 14, p.win);
    put16(tcp + 16, 0);
    put16(tcp + 18, 0);
    uint8_t *o = tcp + 20;
    if (p.opt == OptSyn) { // Linux order: MSS, SACK permitted, timestamps, NOP, window scale
        const uint8_t syn[20] = {2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 0, 0, 0, 0, 0, 1, 3, 3, 7};
        std::memcpy(o, syn, 20);
        put32(o + 8, p.tsval);
        put32(o + 12, p.tsecr);
    } else if (p.opt == OptTs || p.opt == OptTsSack) {
        o[0] = 1;
        o[1] = 1;
        o[2] = 8;
        o[3] = 10;
        put32(o + 4, p.tsval);
        put32(o + 8, p.tsecr);
        if (p.opt == OptTsSack) {
            o[12] = 1;
            o[13] = 1;
            o[14] = 5;
            o[15] = 10;
            put32(o + 16, p.sackL);
            put32(o + 20, p.sackR);
        }
    }
    const std::string &stream = p.dir == C2s ? c.c2sStream : c.s2cStream;
    if (p.len > 0)
        std::memcpy(tcp + 20 + optLen, stream.data() + p.off, p.len);
    uint8_t pseudo[12];
    put32(pseudo, src);
    put32(pseudo + 4, dst);
    pseudo[8] = 0;
    pseudo[9] = 6;
    put16(pseudo + 10, static_cast<uint16_t>(tcpLen));
    put16(tcp + 16, checksumFinish(checksumAdd(tcp, tcpLen, checksumAdd(pseudo, 12, 0))));
    return 20 + tcpLen;
}

} // namespace

void writeIpv4(uint8_t *ip, uint16_t totalLen, uint16_t id, bool df, uint8_t ttl, uint8_t proto, uint32_t src,
    uint32_t dst)
{
    ip[0] = 0x45;
    ip[1] = 0;
    put16(ip + 2, totalLen);
    put16(ip + 4, id);
    put16(ip + 6, df ? 0x4000 : 0);
    ip[8] = ttl;
    ip[9] = proto;
    put16(ip + 10, 0);
    put32(ip + 12, src);
    put32(ip + 16, dst);
    put16(ip + 10, checksumFinish(checksumAdd(ip, 20, 0)));
}

uint32_t checksumAdd(const uint8_t *data, size_t len, uint32_t sum)
{
    size_t i = 0;
    uint64_t acc = sum;
    for (; i + 1 < len; i += 2)
        acc += static_cast<uint32_t>(data[i] << 8 | data[i + 1]);
    if (i < len)
        acc += static_cast<uint32_t>(data[i] << 8);
    while (acc >> 32)
        acc = (acc & 0xffffffffu) + (acc >> 32);
    return static_cast<uint32_t>(acc);
}

uint16_t checksumFinish(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<uint16_t>(~sum & 0xffff);
}

uint32_t frameLength(LinkType link, Tunnel t, const PktDesc &p)
{
    const uint32_t outer = linkLength(link, t) + tunnelOverhead(t);
    if (p.icmp)
        return outer + 20 + 8 + 20 + 20 + optLength(OptSyn);
    return outer + 20 + 20 + optLength(p.opt) + p.len;
}

uint32_t buildFrame(LinkType link, Tunnel t, const Connection &c, const PktDesc &p, uint8_t *out)
{
    writeLink(link, t, c, p, out);
    const uint32_t outer = linkLength(link, t) + tunnelOverhead(t);
    uint8_t *ip = out + outer;
    if (!p.icmp) {
        const uint32_t len = writeIpTcp(c, p, ip);
        writeTunnel(t, c, p, out + linkLength(link, t), len);
        return outer + len;
    }
    // ICMP port unreachable from the VIP, quoting the whole SYN datagram as Linux does.
    PktDesc syn = p;
    syn.icmp = false;
    syn.side = Public;
    syn.dir = C2s;
    syn.flags = Syn;
    syn.opt = OptSyn;
    syn.tsecr = 0;
    syn.len = 0;
    uint8_t *icmp = ip + 20;
    const uint32_t quoted = writeIpTcp(c, syn, icmp + 8);
    const uint32_t icmpLen = 8 + quoted;
    icmp[0] = 3;
    icmp[1] = 3;
    put16(icmp + 2, 0);
    put32(icmp + 4, 0);
    put16(icmp + 2, checksumFinish(checksumAdd(icmp, icmpLen, 0)));
    writeIpv4(ip, static_cast<uint16_t>(20 + icmpLen), 0, false, 64, 1, c.setup.vip, c.setup.clientIp);
    writeTunnel(t, c, p, out + linkLength(link, t), 20 + icmpLen);
    return outer + 20 + icmpLen;
}

} // namespace lbs::gen
