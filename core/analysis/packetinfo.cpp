#include "core/analysis/packetinfo.h"

#include <cstring>

namespace lbs::analysis {

using namespace lbs::pcap;

namespace {

bool looksLikeHttpStart(const uint8_t *p, uint32_t len, std::string &line)
{
    static const char *const starts[] = {
        "GET ", "POST ", "PUT ", "DELETE ", "HEAD ", "OPTIONS ", "PATCH ", "CONNECT ", "TRACE ", "HTTP/1."};
    if (!p || len < 4)
        return false;
    bool match = false;
    for (const char *s : starts) {
        const size_t n = std::strlen(s);
        if (len >= n && std::memcmp(p, s, n) == 0) {
            match = true;
            break;
        }
    }
    if (!match)
        return false;
    uint32_t e = 0;
    while (e < len && e < 200 && p[e] != '\r' && p[e] != '\n')
        ++e;
    line.assign(reinterpret_cast<const char *>(p), e);
    for (char &c : line)
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f)
            c = '.';
    return true;
}

std::string icmpText(const DecodedPacket &p)
{
    std::string s;
    if (p.ipProto == 1) {
        switch (p.icmpType) {
        case 0:
            s = "Echo (ping) reply";
            break;
        case 8:
            s = "Echo (ping) request";
            break;
        case 3: {
            static const char *const codes[] = {"network unreachable", "host unreachable",
                "protocol unreachable", "port unreachable", "fragmentation needed"};
            s = "Destination unreachable (";
            s += p.icmpCode < 5 ? codes[p.icmpCode] : ("code " + std::to_string(p.icmpCode)).c_str();
            s += ")";
            break;
        }
        case 11:
            s = "Time-to-live exceeded";
            break;
        default:
            s = "Type " + std::to_string(p.icmpType) + " code " + std::to_string(p.icmpCode);
        }
    } else {
        switch (p.icmpType) {
        case 1:
            s = p.icmpCode == 4 ? "Destination unreachable (port unreachable)"
                                : "Destination unreachable (code " + std::to_string(p.icmpCode) + ")";
            break;
        case 2:
            s = "Packet too big";
            break;
        case 128:
            s = "Echo (ping) request";
            break;
        case 129:
            s = "Echo (ping) reply";
            break;
        case 135:
            s = "Neighbor Solicitation";
            break;
        case 136:
            s = "Neighbor Advertisement";
            break;
        default:
            s = "Type " + std::to_string(p.icmpType) + " code " + std::to_string(p.icmpCode);
        }
    }
    if (p.icmpQuote.valid && (p.icmpQuote.proto == 6 || p.icmpQuote.proto == 17))
        s += " for " + p.icmpQuote.src.toString() + " → " + p.icmpQuote.dst.toString();
    return s;
}

} // namespace

std::string packetProtocolName(const DecodedPacket &p, uint16_t flags)
{
    if (p.layer == DecodeLayer::Transport) {
        if (p.ipProto == 6) {
            std::string line;
            if ((flags & PF_Http) || looksLikeHttpStart(p.payload, p.payloadCaptured, line))
                return "HTTP";
            return "TCP";
        }
        if (p.ipProto == 17)
            return "UDP";
        if (p.ipProto == 1)
            return "ICMP";
        if (p.ipProto == 58)
            return "ICMPv6";
    }
    if (p.ipVersion == 4)
        return "IPv4";
    if (p.ipVersion == 6)
        return "IPv6";
    return p.etherType == 0x0806 ? "ARP" : "Other";
}

RelativeSeq relativeSeqFor(const Flow &flow)
{
    RelativeSeq r;
    r.valid = flow.proto == 6 && (flow.isnKnown[0] || flow.isnKnown[1]);
    r.isn[0] = flow.isn[0];
    r.isn[1] = flow.isn[1];
    return r;
}

std::string tunnelText(const DecodedPacket &p)
{
    if (!p.tunnelled)
        return {};
    std::string s;
    switch (p.tunnel) {
    case TunnelKind::IpInIp:
        s = "IP-in-IP";
        break;
    case TunnelKind::Gre:
        s = p.tunnelId ? "GRE key " + std::to_string(p.tunnelId) : std::string("GRE");
        break;
    case TunnelKind::Vxlan:
        s = "VXLAN VNI " + std::to_string(p.tunnelId);
        break;
    case TunnelKind::Geneve:
        s = "Geneve VNI " + std::to_string(p.tunnelId);
        break;
    case TunnelKind::Erspan:
        s = "ERSPAN session " + std::to_string(p.tunnelId);
        break;
    case TunnelKind::None:
        break;
    }
    s += " " + p.outerSrc.toString() + " → " + p.outerDst.toString();
    if (p.tunnelDepth > 1)
        s += ", " + std::to_string(p.tunnelDepth) + " levels";
    return s;
}

std::string packetInfoText(const DecodedPacket &p, uint16_t flags, const RelativeSeq &rel)
{
    std::string s;
    if (flags & PF_KeepAlive)
        s += "[TCP Keep-Alive] ";
    else if (flags & PF_Retransmission)
        s += "[TCP Retransmission] ";
    else if (flags & PF_OutOfOrder)
        s += "[TCP Out-Of-Order] ";
    if (flags & PF_DupAck)
        s += "[TCP Dup ACK] ";
    if (flags & PF_ZeroWindow)
        s += "[TCP ZeroWindow] ";
    if (p.tunnelled)
        s += "[" + tunnelText(p) + "] ";
    if (p.fragment && !p.firstFragment)
        return s + "Fragmented IP protocol (proto=" + std::to_string(p.ipProto) + ", id=0x" + [&] {
            char b[8];
            std::snprintf(b, sizeof b, "%04x", p.ipId);
            return std::string(b);
        }() + ")";
    if (p.layer != DecodeLayer::Transport) {
        if (p.malformed)
            return s + "[Malformed packet: a header length contradicts the packet]";
        if (p.headersTruncated)
            return s + "[Packet size limited during capture]";
        return s + (p.ipVersion ? "IP protocol " + std::to_string(p.ipProto) : std::string("Not IP"));
    }
    if (p.ipProto == 6) {
        std::string line;
        if (looksLikeHttpStart(p.payload, p.payloadCaptured, line))
            return s + line;
        s += std::to_string(p.srcPort) + " → " + std::to_string(p.dstPort) + " [";
        static const std::pair<uint8_t, const char *> names[]
            = {{TCP_SYN, "SYN"}, {TCP_FIN, "FIN"}, {TCP_RST, "RST"}, {TCP_PSH, "PSH"}, {TCP_ACK, "ACK"},
                {TCP_URG, "URG"}, {TCP_ECE, "ECE"}, {TCP_CWR, "CWR"}};
        bool first = true;
        for (const auto &[bit, name] : names)
            if (p.tcpFlags & bit) {
                s += first ? "" : ", ";
                s += name;
                first = false;
            }
        s += "]";
        const int d = (flags & PF_FromServer) ? 1 : 0;
        const uint32_t seq = rel.valid ? p.seq - rel.isn[d] : p.seq;
        const uint32_t ack = rel.valid ? p.ack - rel.isn[1 - d] : p.ack;
        s += " Seq=" + std::to_string(seq);
        if (p.tcpFlags & TCP_ACK)
            s += " Ack=" + std::to_string(ack);
        s += " Win=" + std::to_string(p.window) + " Len=" + std::to_string(p.payloadLen);
        const TcpOptions &o = p.tcpOptions;
        if (o.mss)
            s += " MSS=" + std::to_string(o.mss);
        if (o.windowScale >= 0)
            s += " WS=" + std::to_string(1 << o.windowScale);
        if (o.sackPermitted)
            s += " SACK_PERM";
        if (o.sackBlocks)
            s += " SACK_BLOCKS=" + std::to_string(o.sackBlocks);
        if (o.hasTimestamps)
            s += " TSval=" + std::to_string(o.tsVal) + " TSecr=" + std::to_string(o.tsEcr);
        return s;
    }
    if (p.ipProto == 17) {
        s += std::to_string(p.srcPort) + " → " + std::to_string(p.dstPort)
            + " Len=" + std::to_string(p.payloadLen);
        return s;
    }
    return s + icmpText(p);
}

} // namespace lbs::analysis
