#include "core/capture/captureplan.h"

#include <algorithm>
#include <charconv>
#include <system_error>

namespace lbs::capture {

namespace {

bool allOf(const std::string &s, bool (*ok)(unsigned char))
{
    for (unsigned char c : s)
        if (!ok(c))
            return false;
    return true;
}

bool alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

Error bad(const std::string &field, const std::string &why, const std::string &hint)
{
    return Error {field + " " + why, {}, hint};
}

} // namespace

unsigned long long CapturePlan::ringBytes() const
{
    return static_cast<unsigned long long>(ringSizeMb) * 1000000ull
        * static_cast<unsigned long long>(ringCount);
}

bool isValidInterfaceName(const std::string &name)
{
    if (name.empty() || name.size() > 15)
        return false;
    return allOf(name, [](unsigned char c) {
        return alnum(c) || c == '_' || c == '.' || c == ':' || c == '@' || c == '-';
    }) && name.front() != '-';
}

namespace {

/// An address as an API object gave it, usable in a filter: digits, hex, dots and colons only (a
/// hostile object cannot add filter syntax).
bool filterSafeAddress(const std::string &a)
{
    return !a.empty() && a.size() <= 45 && allOf(a, [](unsigned char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '.'
            || c == ':';
    });
}

} // namespace

Status validate(const CapturePlan &p)
{
    if (!isValidInterfaceName(p.iface))
        return bad("interface '" + p.iface + "'", "is not a valid interface name",
            "interface names are 1-15 characters of A-Z a-z 0-9 _ . : @ - (e.g. eth1, cali1234, any)");
    if (p.filter.size() > 8192)
        return bad("the BPF filter", "is longer than 8192 characters", "shorten it");
    for (unsigned char c : p.filter)
        if (c < 0x20 || c == 0x7f)
            return bad("the BPF filter", "contains a control character (newline, tab, NUL…)",
                "write the filter on one line with plain spaces");
    if (p.snaplen < 0 || p.snaplen > 262144)
        return bad(
            "snaplen " + std::to_string(p.snaplen), "is out of range", "use 0..262144 (0 = tcpdump default)");
    if (p.ringSizeMb < 1 || p.ringSizeMb > 100000)
        return bad(
            "ring file size " + std::to_string(p.ringSizeMb) + " MB", "is out of range", "use 1..100000");
    if (p.ringCount < 1 || p.ringCount > 1000)
        return bad("ring file count " + std::to_string(p.ringCount), "is out of range", "use 1..1000");
    if (p.bufferKiB < 32 || p.bufferKiB > 4194304)
        return bad(
            "capture buffer " + std::to_string(p.bufferKiB) + " KiB", "is out of range", "use 32..4194304");
    if (p.remoteDir.empty() || p.remoteDir.front() != '/' || p.remoteDir.find("..") != std::string::npos
        || !allOf(p.remoteDir,
            [](unsigned char c) { return alnum(c) || c == '/' || c == '_' || c == '.' || c == '-'; }))
        return bad("remote directory '" + p.remoteDir + "'", "is not a plain absolute path",
            "use something like /var/tmp/lbscope");
    if (p.name.empty() || p.name.size() > 128 || p.name.front() == '.' || p.name.front() == '-'
        || !allOf(p.name, [](unsigned char c) { return alnum(c) || c == '_' || c == '.' || c == '-'; }))
        return bad("capture name '" + p.name + "'", "is not a plain file name", "use A-Z a-z 0-9 _ . -");
    if (p.durationSec < 0 || p.durationSec > 7 * 24 * 3600.0)
        return bad("duration", "is out of range", "use up to 7 days");
    if (p.tcpdump.empty() || p.tcpdump.find_first_of(" \t\n'\"$`;|&<>") != std::string::npos)
        return bad("tcpdump program '" + p.tcpdump + "'", "is not a plain program path",
            "use e.g. /usr/bin/tcpdump");
    if (p.conntrack) {
        if (!filterSafeAddress(p.vip))
            return bad("conntrack recording", "needs the service's VIP (an IP address)",
                "record conntrack with --service NS/NAME, or leave it off");
        if (p.conntrackTool.empty() || p.conntrackTool.front() == '-'
            || p.conntrackTool.find_first_of(" \t\n'\"$`;|&<>") != std::string::npos)
            return bad("conntrack program '" + p.conntrackTool + "'", "is not a plain program path",
                "use e.g. /usr/sbin/conntrack");
    }
    return Ok {};
}

std::vector<std::string> tcpdumpArgv(const CapturePlan &p)
{
    std::vector<std::string> a {p.tcpdump, "-i", p.iface, "-nn", "-s", std::to_string(p.snaplen), "-B",
        std::to_string(p.bufferKiB), "-Z", "root", "-U", "-C", std::to_string(p.ringSizeMb), "-W",
        std::to_string(p.ringCount), "-w", p.remoteBase()};
    if (!p.filter.empty()) {
        a.emplace_back("--"); // a filter starting with '-' must never be read as an option
        a.push_back(p.filter);
    }
    return a;
}

Result<std::pair<int, int>> parseRing(const std::string &text)
{
    const auto x = text.find_first_of("xX");
    int size = 0;
    int count = 0;
    if (x != std::string::npos) {
        const auto r1 = std::from_chars(text.data(), text.data() + x, size);
        const auto r2 = std::from_chars(text.data() + x + 1, text.data() + text.size(), count);
        if (r1.ec == std::errc {} && r1.ptr == text.data() + x && r2.ec == std::errc {}
            && r2.ptr == text.data() + text.size() && size > 0 && count > 0)
            return std::make_pair(size, count);
    }
    return Error {
        "--ring '" + text + "' is not SIZE_MBxCOUNT", {}, "e.g. --ring 100x5 for five files of 100 MB"};
}

Result<int> parseSnaplen(const std::string &text)
{
    constexpr int kMax = 262144;
    int n = 0;
    const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    const bool whole = !text.empty() && ec != std::errc::invalid_argument && p == text.data() + text.size();
    if (whole && ec != std::errc::result_out_of_range && n >= 0 && n <= kMax)
        return n;
    return Error {"--snaplen '" + text + "' "
            + (whole ? "is out of range 0.." + std::to_string(kMax) : "is not a whole number")
            + " (use 0..262144, 0 = tcpdump's default)",
        {}, {}, ErrorKind::BadInput};
}

Result<double> parseDuration(const std::string &text)
{
    double total = 0;
    const char *p = text.data();
    const char *end = p + text.size();
    if (p == end)
        return Error {"--duration is empty", {}, "e.g. 90s, 5m, 1h30m"};
    while (p < end) {
        long long n = 0;
        const auto r = std::from_chars(p, end, n);
        if (r.ec != std::errc {} || n < 0)
            return Error {"--duration '" + text + "' is not a duration", {}, "e.g. 90s, 5m, 1h30m"};
        p = r.ptr;
        double unit = 1;
        if (p < end) {
            switch (*p) {
            case 's':
                unit = 1;
                break;
            case 'm':
                unit = 60;
                break;
            case 'h':
                unit = 3600;
                break;
            default:
                return Error {"--duration '" + text + "' has an unknown unit", {}, "use s, m or h"};
            }
            ++p;
        }
        total += static_cast<double>(n) * unit;
    }
    return total;
}

} // namespace lbs::capture

namespace lbs::capture {

namespace {

/// The IPv4 address as the 32-bit hex number BPF compares loaded words with, "" if it is none.
std::string ipv4Hex(const std::string &a)
{
    unsigned long long v = 0;
    int parts = 0;
    const char *p = a.data();
    const char *end = a.data() + a.size();
    while (p < end && parts < 4) {
        unsigned octet = 256;
        const auto r = std::from_chars(p, end, octet);
        if (r.ec != std::errc {} || octet > 255 || r.ptr - p > 3)
            return {};
        v = v << 8 | octet;
        ++parts;
        p = r.ptr;
        if (p < end && *p == '.' && parts < 4)
            ++p;
        else
            break;
    }
    if (parts != 4 || p != end)
        return {};
    char buf[11];
    const auto r = std::to_chars(buf, buf + sizeof buf, v, 16);
    return "0x" + std::string(buf, r.ptr);
}

/// Inner IPv4/TCP matches at fixed offsets of a tunnel's payload: `base` is the accessor ("udp" or
/// "ip") and `ip` the offset of the inner IPv4 header (no options, as pods send) in it.
std::string innerMatch(
    const std::string &base, int ip, const std::vector<std::pair<int, std::vector<std::string>>> &byPort)
{
    const auto at = [&](int off, int size) {
        return base + "[" + std::to_string(ip + off) + (size > 1 ? ":" + std::to_string(size) : "") + "]";
    };
    std::string sides;
    for (const auto &[port, hexes] : byPort) {
        for (int dir = 0; dir < 2; ++dir) { // to the pod: inner dst and dport; from it: src and sport
            std::string addrs;
            for (std::size_t i = 0; i < hexes.size(); ++i)
                addrs += (i ? " or " : "") + at(dir == 0 ? 16 : 12, 4) + " = " + hexes[i];
            sides += (sides.empty() ? "" : " or ") + std::string("(") + at(dir == 0 ? 22 : 20, 2) + " = "
                + std::to_string(port) + " and " + (hexes.size() > 1 ? "(" + addrs + ")" : addrs) + ")";
        }
    }
    return at(0, 1) + " = 0x45 and " + at(9, 1) + " = 6 and (" + sides + ")";
}

} // namespace

std::string serviceFilter(const std::string &vip, const std::vector<int> &ports,
    const std::vector<pcap::ServiceEndpoint> &endpoints)
{
    std::vector<int> vipPorts;
    for (int p : ports)
        if (p > 0 && p < 65536 && std::find(vipPorts.begin(), vipPorts.end(), p) == vipPorts.end())
            vipPorts.push_back(p);
    if (!filterSafeAddress(vip) || vipPorts.empty())
        return {};
    const auto portList = [](const std::vector<int> &ps) {
        std::string s;
        for (std::size_t i = 0; i < ps.size(); ++i)
            s += (i ? " or port " : "port ") + std::to_string(ps[i]);
        return ps.size() > 1 ? "(" + s + ")" : s;
    };
    std::string out = "(host " + vip + " and " + portList(vipPorts) + ")";
    // Endpoints grouped by target port, in the order first seen.
    std::vector<std::pair<int, std::vector<std::string>>> byPort;
    for (const pcap::ServiceEndpoint &e : endpoints) {
        if (!filterSafeAddress(e.ip) || e.port <= 0 || e.port >= 65536 || e.ip == vip)
            continue;
        auto it
            = std::find_if(byPort.begin(), byPort.end(), [&](const auto &g) { return g.first == e.port; });
        if (it == byPort.end())
            it = byPort.insert(byPort.end(), {e.port, {}});
        if (std::find(it->second.begin(), it->second.end(), e.ip) == it->second.end())
            it->second.push_back(e.ip);
    }
    for (const auto &[port, ips] : byPort) {
        std::string hosts;
        for (std::size_t i = 0; i < ips.size(); ++i)
            hosts += (i ? " or host " : "host ") + ips[i];
        out += " or (port " + std::to_string(port) + " and " + (ips.size() > 1 ? "(" + hosts + ")" : hosts)
            + ")";
    }
    // The same packets to and from IPv4 endpoints when an overlay encapsulates them on the node's
    // uplink (docs/decisions.md, "Tunnelled legs"): VXLAN (4789, Linux's 8472: UDP, VXLAN header,
    // inner Ethernet) and IP-in-IP (outer IPv4 without options), matched on the inner addresses and
    // ports; the tunnel device (vxlan.calico, flannel.1, tunl0) shows them plain and matches above.
    // Beyond kMaxTunnelledEndpoints the clauses would make the BPF program slow to compile (libpcap's
    // optimiser) and too long for the kernel; the tunnel device's plain copies still join the legs.
    constexpr std::size_t kMaxTunnelledEndpoints = 128;
    std::size_t ipv4Endpoints = 0;
    std::vector<std::pair<int, std::vector<std::string>>> hexByPort;
    for (const auto &[port, ips] : byPort) {
        std::vector<std::string> hexes;
        for (const std::string &ip : ips)
            if (const std::string h = ipv4Hex(ip); !h.empty()) {
                hexes.push_back(h);
                ++ipv4Endpoints;
            }
        if (!hexes.empty())
            hexByPort.emplace_back(port, std::move(hexes));
    }
    if (!hexByPort.empty() && ipv4Endpoints <= kMaxTunnelledEndpoints) {
        out += " or (udp and (port 4789 or port 8472) and udp[28:2] = 0x0800 and "
            + innerMatch("udp", 30, hexByPort) + ")";
        out += " or (ip proto 4 and ip[0] = 0x45 and " + innerMatch("ip", 20, hexByPort) + ")";
    }
    return out;
}

} // namespace lbs::capture
