#include "core/pcap/ipaddress.h"

#include <arpa/inet.h>

namespace lbs::pcap {

IpAddress IpAddress::v4(const uint8_t *p)
{
    IpAddress a;
    a.family = 4;
    std::memcpy(a.bytes.data(), p, 4);
    return a;
}

IpAddress IpAddress::v6(const uint8_t *p)
{
    IpAddress a;
    a.family = 6;
    std::memcpy(a.bytes.data(), p, 16);
    return a;
}

IpAddress IpAddress::parse(const std::string &text)
{
    IpAddress a;
    if (inet_pton(AF_INET, text.c_str(), a.bytes.data()) == 1) {
        a.family = 4;
    } else if (inet_pton(AF_INET6, text.c_str(), a.bytes.data()) == 1) {
        a.family = 6;
    } else {
        a.bytes.fill(0);
    }
    return a;
}

std::string IpAddress::toString() const
{
    char buf[INET6_ADDRSTRLEN] = {};
    if (family == 4)
        inet_ntop(AF_INET, bytes.data(), buf, sizeof buf);
    else if (family == 6)
        inet_ntop(AF_INET6, bytes.data(), buf, sizeof buf);
    else
        return "?";
    return buf;
}

std::string Endpoint::toString() const
{
    if (ip.family == 6)
        return "[" + ip.toString() + "]:" + std::to_string(port);
    return ip.toString() + ":" + std::to_string(port);
}

} // namespace lbs::pcap
