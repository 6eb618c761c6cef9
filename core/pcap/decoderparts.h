#pragma once
// Internals shared by the decoder's files (packetdecoder, transportdecoder, tunneldecoder).
// Everything reads through a Cursor and never outside it; nothing allocates.

#include "core/pcap/decodedpacket.h"

#include <cstdint>

namespace lbs::pcap::decoder {

inline uint16_t be16(const uint8_t *p)
{
    return static_cast<uint16_t>((p[0] << 8) | p[1]);
}
inline uint32_t be32(const uint8_t *p)
{
    return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

constexpr uint16_t kEtherIPv4 = 0x0800;
constexpr uint16_t kEtherIPv6 = 0x86dd;
constexpr uint16_t kEtherVlan = 0x8100;
constexpr uint16_t kEtherQinQ = 0x88a8;
constexpr uint16_t kEtherQinQOld = 0x9100;
constexpr uint16_t kEtherTeb = 0x6558; ///< transparent Ethernet bridging (Ethernet in GRE/Geneve)
constexpr uint16_t kEtherErspan2 = 0x88be; ///< ERSPAN type I (no sequence number) and II
constexpr uint16_t kEtherErspan3 = 0x22eb;
constexpr uint16_t kEtherWccp = 0x883e; ///< WCCP redirection in GRE

/// The bytes still to decode.
struct Cursor {
    const uint8_t *p;
    uint32_t len;
};

/// IPv4 or IPv6 by the version nibble. @p depth counts the tunnels already entered.
bool decodeIp(Cursor c, DecodedPacket &out, int depth);
bool decodeIPv4(Cursor c, DecodedPacket &out, int depth);
bool decodeIPv6(Cursor c, DecodedPacket &out, int depth);
/// An Ethernet frame (802.1Q/802.1ad tags walked, at most 4).
bool decodeEthernet(Cursor c, DecodedPacket &out, int depth);
/// What follows an EtherType (VLAN tags walked first): IPv4 or IPv6; false for anything else.
bool decodeByEtherType(uint16_t type, Cursor c, DecodedPacket &out, int depth);

/// TCP, UDP, ICMP or ICMPv6 header per out.ipProto; c covers the captured transport bytes.
void decodeTransport(Cursor c, DecodedPacket &out);

/// What follows the IP header(s): IP-in-IP and GRE are entered, otherwise the transport header
/// is decoded and UDP tunnels (VXLAN, Geneve) are entered. A tunnel whose inner packet is not
/// understood leaves `out` as the outer packet.
void decodeIpPayload(Cursor c, DecodedPacket &out, int depth);

} // namespace lbs::pcap::decoder
