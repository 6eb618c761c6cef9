#pragma once
// Outer headers of the generator's tunnels (--tunnel): IP-in-IP, GRE, ERSPAN, VXLAN, Geneve and
// VLAN tags around each captured IPv4 packet, with the ground truth of the tunnel path.

#include "connection.h"
#include "genoptions.h"
#include "groundtruth.h"

#include <cstdint>

namespace lbs::gen {

/// Bytes between the link header and the inner IPv4 packet (outer IP, GRE/UDP, tunnel header,
/// inner Ethernet header). VLAN tags are part of the link header instead (vlanTagBytes).
uint32_t tunnelOverhead(Tunnel t);
/// Bytes of 802.1Q/802.1ad tags in the Ethernet header.
uint32_t vlanTagBytes(Tunnel t);
/// Writes the VLAN tags (vlanTagBytes) at @p out.
void writeVlanTags(Tunnel t, uint8_t *out);
/// EtherType of the outermost network header (0x0800, or 0x86DD for IPv4-in-IPv6).
uint16_t outerEtherType(Tunnel t);
/// Writes the tunnelOverhead(t) bytes at @p out for @p p of @p c; the inner IPv4 datagram of
/// @p innerLen bytes follows them (checksums over it are computed).
void writeTunnel(Tunnel t, const Connection &c, const PktDesc &p, uint8_t *out, uint32_t innerLen);
/// Fills the tunnel fields of @p f, the truth of @p side's flow.
void tunnelTruth(Tunnel t, const ConnSetup &s, Side side, FlowTruth &f);

} // namespace lbs::gen
