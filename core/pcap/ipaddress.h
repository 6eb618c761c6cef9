#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <string>

namespace lbs::pcap {

/// An IPv4 or IPv6 address stored in 16 bytes (IPv4 in the first four). Small and comparable.
struct IpAddress {
    std::array<uint8_t, 16> bytes {};
    uint8_t family = 0; ///< 0 unset, 4 or 6

    static IpAddress v4(const uint8_t *p);
    static IpAddress v6(const uint8_t *p);
    /// Parses dotted IPv4 or textual IPv6; unset address on failure.
    static IpAddress parse(const std::string &text);
    bool isSet() const { return family != 0; }
    /// "192.0.2.1" or "2001:db8::1".
    std::string toString() const;
    friend bool operator==(const IpAddress &, const IpAddress &) = default;
    friend auto operator<=>(const IpAddress &, const IpAddress &) = default;
};

/// Address plus port; toString gives "ip:port" or "[ipv6]:port".
struct Endpoint {
    IpAddress ip;
    uint16_t port = 0;
    std::string toString() const;
    friend bool operator==(const Endpoint &, const Endpoint &) = default;
    friend auto operator<=>(const Endpoint &, const Endpoint &) = default;
};

} // namespace lbs::pcap
