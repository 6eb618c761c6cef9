#include "core/capture/tcpdumpstats.h"

#include <charconv>
#include <sstream>

namespace lbs::capture {

namespace {

/// One counter, "N packets WHAT" (or "N packet WHAT"): the count and WHAT, or nothing.
bool parseCounter(const std::string &text, uint64_t &n, std::string &what)
{
    const auto b = text.find_first_not_of(" \t\r");
    if (b == std::string::npos)
        return false;
    const char *first = text.data() + b;
    const char *last = text.data() + text.size();
    const auto r = std::from_chars(first, last, n);
    if (r.ec != std::errc {})
        return false;
    std::string rest(r.ptr, last);
    while (!rest.empty() && (rest.back() == '\r' || rest.back() == ' '))
        rest.pop_back();
    for (const char *unit : {" packets ", " packet "}) {
        if (rest.rfind(unit, 0) == 0) {
            what = rest.substr(std::string(unit).size());
            return true;
        }
    }
    return false;
}

} // namespace

pcap::TcpdumpStats parseTcpdumpStats(const std::string &text)
{
    pcap::TcpdumpStats s;
    std::istringstream in(text);
    std::string line;
    bool sawCaptured = false;
    while (std::getline(in, line)) {
        auto b = line.find_first_not_of(" \t\r");
        if (b != std::string::npos && line.compare(b, 2, "^C") == 0) // the terminal's echo of Ctrl+C
            b += 2;
        if (b == std::string::npos || b >= line.size())
            continue;
        line.erase(0, b);
        // SIGUSR1's report is one line, "tcpdump: N packets captured, N packets received by filter, ...":
        // the program name goes, the comma-separated counters are read like the exit report's lines.
        if (const auto colon = line.find(": "); colon != std::string::npos && colon > 0
            && line.find_first_of(" \t") > colon && (line[0] < '0' || line[0] > '9'))
            line.erase(0, colon + 2);
        std::size_t from = 0;
        while (from <= line.size()) {
            const auto comma = line.find(", ", from);
            const std::string part
                = line.substr(from, comma == std::string::npos ? std::string::npos : comma - from);
            from = comma == std::string::npos ? line.size() + 1 : comma + 2;
            uint64_t n = 0;
            std::string what;
            if (!parseCounter(part, n, what))
                continue;
            if (what == "captured") {
                if (sawCaptured) // a later report: start over so the last one wins
                    s = pcap::TcpdumpStats {};
                sawCaptured = true;
                s.captured = n;
            } else if (what == "received by filter") {
                s.receivedByFilter = n;
            } else if (what == "dropped by kernel") {
                s.droppedByKernel = n;
            } else if (what == "dropped by interface") {
                s.droppedByInterface = n;
            }
        }
    }
    if (s.complete() && !s.droppedByInterface)
        s.droppedByInterface = 0; // tcpdump prints it only when non-zero
    return s;
}

std::string parseTcpdumpVersion(const std::string &out)
{
    const std::string key = "tcpdump version ";
    const auto p = out.find(key);
    if (p == std::string::npos)
        return {};
    const auto b = p + key.size();
    const auto e = out.find_first_of(" \r\n", b);
    return out.substr(b, e == std::string::npos ? std::string::npos : e - b);
}

} // namespace lbs::capture
