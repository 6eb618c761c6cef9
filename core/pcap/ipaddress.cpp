#include "core/pcap/ipaddress.h"

#include <arpa/inet.h>

#include <charconv>

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
    if (family == 4) {
        // Dotted quad by hand: inet_ntop formats through sprintf, and a report writes two or
        // three addresses per flow.
        char *p = buf;
        for (int i = 0; i < 4; ++i) {
            const unsigned v = bytes[static_cast<size_t>(i)];
            if (v >= 100)
                *p++ = static_cast<char>('0' + v / 100);
            if (v >= 10)
                *p++ = static_cast<char>('0' + v / 10 % 10);
            *p++ = static_cast<char>('0' + v % 10);
            if (i < 3)
                *p++ = '.';
        }
        return std::string(buf, static_cast<size_t>(p - buf));
    }
    if (family == 6)
        inet_ntop(AF_INET6, bytes.data(), buf, sizeof buf);
    else
        return "?";
    return buf;
}

std::string Endpoint::toString() const
{
    if (ip.family == 6)
        return "[" + ip.toString() + "]:" + std::to_string(port);
    std::string s = ip.toString();
    char buf[8];
    buf[0] = ':';
    const auto r = std::to_chars(buf + 1, buf + sizeof buf, port);
    s.append(buf, static_cast<size_t>(r.ptr - buf));
    return s;
}

} // namespace lbs::pcap
