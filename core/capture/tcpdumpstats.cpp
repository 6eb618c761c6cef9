#include "core/capture/tcpdumpstats.h"

#include <charconv>
#include <sstream>

namespace lbs::capture {

TcpdumpStats parseTcpdumpStats(const std::string &text)
{
    TcpdumpStats s;
    std::istringstream in(text);
    std::string line;
    bool sawCaptured = false;
    while (std::getline(in, line)) {
        auto b = line.find_first_not_of(" \t\r");
        if (b != std::string::npos && line.compare(b, 2, "^C") == 0) // the terminal's echo of Ctrl+C
            b += 2;
        if (b == std::string::npos || b >= line.size())
            continue;
        uint64_t n = 0;
        const char *first = line.data() + b;
        const char *last = line.data() + line.size();
        const auto r = std::from_chars(first, last, n);
        if (r.ec != std::errc {})
            continue;
        std::string rest(r.ptr, last);
        while (!rest.empty() && (rest.back() == '\r' || rest.back() == ' '))
            rest.pop_back();
        const auto has = [&](const char *what) {
            return rest == std::string(" packets ") + what || rest == std::string(" packet ") + what;
        };
        if (has("captured")) {
            if (sawCaptured) // a later run's block: start over so the last block wins
                s = TcpdumpStats {};
            sawCaptured = true;
            s.captured = n;
        } else if (has("received by filter")) {
            s.receivedByFilter = n;
        } else if (has("dropped by kernel")) {
            s.droppedByKernel = n;
        } else if (has("dropped by interface")) {
            s.droppedByInterface = n;
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
