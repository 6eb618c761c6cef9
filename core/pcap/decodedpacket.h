#pragma once

#include "core/pcap/ipaddress.h"

#include <cstddef>
#include <cstdint>

namespace lbs::pcap {

/// TCP flag bits as on the wire.
enum TcpFlag : uint8_t {
    TCP_FIN = 0x01,
    TCP_SYN = 0x02,
    TCP_RST = 0x04,
    TCP_PSH = 0x08,
    TCP_ACK = 0x10,
    TCP_URG = 0x20,
    TCP_ECE = 0x40,
    TCP_CWR = 0x80,
};

/// An encapsulation the decoder looks through (docs/decisions.md, "Tunnels").
enum class TunnelKind : uint8_t {
    None,
    IpInIp, ///< IP protocol 4 or 41 (IPv4/IPv6 in IPv4/IPv6): Calico IPIP, IPVS tunnel mode, 6in4
    Gre, ///< IP protocol 47 carrying IP or Ethernet (0x6558)
    Vxlan, ///< UDP 4789, or 8472 (Linux's default, Flannel)
    Geneve, ///< UDP 6081, options skipped
    Erspan, ///< GRE 0x88BE (type I and II) or 0x22EB (type III)
};
/// "ipip", "gre", "vxlan", "geneve", "erspan"; "none".
const char *tunnelKindName(TunnelKind kind);
/// "IP-in-IP", "GRE", "VXLAN", "Geneve", "ERSPAN" for people; "none".
const char *tunnelKindLabel(TunnelKind kind);

/// Most encapsulations decoded inside one another; deeper ones are left as the packet seen.
constexpr int kMaxTunnelDepth = 4;

/// How far decoding got.
enum class DecodeLayer : uint8_t { None, Link, Network, Transport };

/// TCP options found in the header.
struct TcpOptions {
    uint16_t mss = 0; ///< 0 when absent
    int8_t windowScale = -1; ///< -1 when absent
    bool sackPermitted = false;
    uint8_t sackBlocks = 0; ///< number of SACK blocks
    bool hasTimestamps = false;
    uint32_t tsVal = 0;
    uint32_t tsEcr = 0;
};

/// The header of the packet quoted inside an ICMP error (e.g. the SYN a port-unreachable answers).
struct IcmpQuote {
    bool valid = false;
    uint8_t proto = 0;
    Endpoint src;
    Endpoint dst;
};

/// Everything the analysis needs from one packet, decoded without allocating.
/// Pointers point into the caller's packet buffer and are valid only as long as it is.
struct DecodedPacket {
    // link layer
    int linktype = -1;
    uint8_t vlanCount = 0; ///< 802.1Q / 802.1ad tags seen (up to 2 stored)
    uint16_t vlanIds[2] = {0, 0};
    int32_t ifIndex = -1; ///< SLL2 interface index, -1 when unknown
    int16_t sllPacketType = -1; ///< SLL/SLL2 packet type (0 to us, 4 outgoing...), -1 when absent
    uint16_t etherType = 0; ///< after tags; 0 for raw IP / loopback links
    DecodeLayer layer = DecodeLayer::None;

    // network layer
    uint8_t ipVersion = 0; ///< 4 or 6, 0 when not IP
    IpAddress src;
    IpAddress dst;
    uint8_t ipProto = 0; ///< transport protocol after IPv6 extension headers
    uint8_t ttl = 0;
    uint16_t ipId = 0;
    bool fragment = false; ///< part of a fragmented datagram
    bool firstFragment = false; ///< fragment offset 0 (transport header present)
    uint8_t ipv6ExtHeaders = 0; ///< count of IPv6 extension headers walked
    bool tunnelled = false; ///< src/dst/ports and everything below are the innermost packet's
    TunnelKind tunnel = TunnelKind::None; ///< the outermost encapsulation
    uint8_t tunnelDepth = 0; ///< encapsulations decoded (at most kMaxTunnelDepth)
    uint32_t tunnelId = 0; ///< outermost: VXLAN/Geneve VNI, GRE key, ERSPAN session; 0 when none
    IpAddress outerSrc; ///< outermost tunnel's outer addresses when tunnelled
    IpAddress outerDst;
    uint32_t ipPayloadWireLen = 0; ///< transport header + payload length claimed by the IP header

    // transport layer
    uint16_t srcPort = 0;
    uint16_t dstPort = 0;
    uint32_t seq = 0;
    uint32_t ack = 0;
    uint8_t tcpFlags = 0;
    uint16_t window = 0; ///< raw (unscaled) window
    TcpOptions tcpOptions;
    uint8_t icmpType = 0;
    uint8_t icmpCode = 0;
    IcmpQuote icmpQuote;

    const uint8_t *payload = nullptr;
    uint32_t payloadCaptured = 0; ///< payload bytes present in the capture
    uint32_t payloadLen = 0; ///< payload bytes on the wire (from the IP length)
    bool headersTruncated = false; ///< snaplen or a bogus length cut a header short
    /// A length field contradicts the packet (IPv4 total length below the header length, TCP data
    /// offset beyond the IP payload): decoding stopped there; headersTruncated is set too.
    bool malformed = false;

    uint32_t capLen = 0;
    uint32_t wireLen = 0;

    bool isTcp() const { return layer == DecodeLayer::Transport && ipProto == 6; }
    bool isUdp() const { return layer == DecodeLayer::Transport && ipProto == 17; }
    bool isIcmp() const { return layer == DecodeLayer::Transport && (ipProto == 1 || ipProto == 58); }
};

/// Decodes one captured frame of the given libpcap DLT link type. Never reads outside
/// [data, data + capLen) and never allocates. Supported: Ethernet (802.1Q/802.1ad/0x9100 tags),
/// Linux SLL and SLL2, raw IPv4/IPv6 (DLT 12, 14, 101, 228, 229), BSD NULL (0) and LOOP (108),
/// PPP (9), IPoIB (242), ARCNET (7, 129) and Juniper Ethernet (178);
/// IPv4, IPv6 with extension headers, IPv4/IPv6 fragments, TCP with options, UDP, ICMP, ICMPv6;
/// tunnels (TunnelKind) nested up to kMaxTunnelDepth, decoded to the innermost packet.
/// `out` is fully reset first. Returns false when not even the network layer was understood.
bool decodePacket(int linktype, const uint8_t *data, uint32_t capLen, uint32_t wireLen, DecodedPacket &out);

/// Human name of a DLT link type ("EN10MB", "LINUX_SLL2", ...), or "DLT <n>".
const char *linktypeName(int linktype);
/// True when decodePacket understands the link type.
bool isSupportedLinktype(int linktype);

} // namespace lbs::pcap
