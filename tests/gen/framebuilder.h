#pragma once
// Builds the bytes of one captured frame (link header, IPv4, TCP or ICMP, payload) with correct
// IPv4 header and TCP/ICMP checksums.

#include "connection.h"
#include "genoptions.h"

#include <cstdint>

namespace lbs::gen {

/// Largest frame the builder produces (link header + tunnel + IPv4 + TCP with options + one MSS).
constexpr uint32_t kMaxFrame = 1700;

/// Wire length of @p pkt's frame on @p link inside @p tunnel.
uint32_t frameLength(LinkType link, Tunnel tunnel, const PktDesc &pkt);

/// Writes @p pkt of @p conn into @p out (at least kMaxFrame bytes); returns the frame length.
uint32_t buildFrame(LinkType link, Tunnel tunnel, const Connection &conn, const PktDesc &pkt, uint8_t *out);

/// An IPv4 header (no options) with its checksum.
void writeIpv4(uint8_t *ip, uint16_t totalLen, uint16_t id, bool df, uint8_t ttl, uint8_t proto, uint32_t src,
    uint32_t dst);

/// RFC 1071 ones'-complement sum over @p len bytes, added to @p sum (not folded).
uint32_t checksumAdd(const uint8_t *data, size_t len, uint32_t sum);
/// Folds a 32-bit ones'-complement sum and complements it.
uint16_t checksumFinish(uint32_t sum);

} // namespace lbs::gen
