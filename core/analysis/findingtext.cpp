#include "core/analysis/findingtext.h"

#include <cmath>
#include <cstdio>

namespace lbs::analysis {

std::string fmtDuration(double ns)
{
    char buf[32];
    const double a = std::fabs(ns);
    if (a >= 1e9)
        std::snprintf(buf, sizeof buf, "%.1f s", ns / 1e9);
    else if (a >= 10e6)
        std::snprintf(buf, sizeof buf, "%.0f ms", ns / 1e6);
    else if (a >= 1e6)
        std::snprintf(buf, sizeof buf, "%.1f ms", ns / 1e6);
    else if (a >= 1e3)
        std::snprintf(buf, sizeof buf, "%.0f µs", ns / 1e3);
    else
        std::snprintf(buf, sizeof buf, "%.0f ns", ns);
    return buf;
}

std::string clockText(int64_t ns)
{
    const bool whole = ns % 1000000000 == 0;
    std::string s = pcap::formatUtcTime(ns, false);
    return whole ? s.substr(0, 8) : s;
}

std::string plural(size_t n, const char *one, const char *many)
{
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

Finding makeFinding(Severity sev, FindingKind kind, std::string summary, std::vector<uint32_t> flows)
{
    Finding f;
    f.severity = sev;
    f.kind = kind;
    f.summary = std::move(summary);
    f.flows = std::move(flows);
    return f;
}

} // namespace lbs::analysis
