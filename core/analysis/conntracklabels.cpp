#include "core/analysis/conntracklabels.h"

#include <algorithm>
#include <filesystem>
#include <tuple>

namespace lbs::analysis {

namespace {

auto tupleKey(const ConntrackEvent &e)
{
    return std::tie(e.proto, e.origSrc, e.origDst);
}

} // namespace

void labelFromConntrack(CaptureAnalysis &a, const ConntrackLog &log)
{
    a.conntrackLabels.clear();
    std::vector<const ConntrackEvent *> by;
    by.reserve(log.events.size());
    for (const ConntrackEvent &e : log.events)
        if (!(e.replySrc.ip == e.origDst.ip))
            by.push_back(&e);
    std::sort(by.begin(), by.end(), [](const ConntrackEvent *x, const ConntrackEvent *y) {
        return std::tie(x->proto, x->origSrc, x->origDst, x->tsNs)
            < std::tie(y->proto, y->origSrc, y->origDst, y->tsNs);
    });
    for (const Flow &f : a.flows) {
        if (f.connection >= 0 || f.leg == LegRole::Back)
            continue;
        ConntrackEvent probe;
        probe.proto = f.proto;
        probe.origSrc = f.client;
        probe.origDst = f.server;
        const auto [lo, hi] = std::equal_range(by.begin(), by.end(), &probe,
            [](const ConntrackEvent *x, const ConntrackEvent *y) { return tupleKey(*x) < tupleKey(*y); });
        const ConntrackEvent *best = nullptr;
        const ConntrackEvent *before = nullptr;
        for (auto it = lo; it != hi; ++it) {
            const int64_t d = (*it)->tsNs - f.firstTsNs;
            if (d >= -kConntrackBeforeNs && d <= kConntrackAfterNs) {
                if (!best || std::llabs(d) < std::llabs(best->tsNs - f.firstTsNs))
                    best = *it;
            } else if (d < -kConntrackBeforeNs && d >= -kLookbackNs) {
                before = *it; // ordered by time: the last one is the latest
            }
        }
        if (!best)
            best = before;
        if (best)
            a.conntrackLabels.push_back({f.id, best->replySrc, best->tsNs});
    }
}

void labelFromManifestConntrack(CaptureAnalysis &a)
{
    if (!a.manifest || !a.manifest->conntrack || a.manifest->conntrack->name.empty()
        || a.manifestPath.empty())
        return;
    const pcap::ConntrackRecord &rec = *a.manifest->conntrack;
    const std::filesystem::path name = std::filesystem::path(rec.name).filename();
    const std::string path = (std::filesystem::path(a.manifestPath).parent_path() / name).string();
    auto log = readConntrackLog(path);
    if (!log) {
        a.warnings.push_back("conntrack record not used: " + log.error().toString());
        return;
    }
    if (log->skipped)
        a.warnings.push_back(path + ": " + std::to_string(log->skipped) + " of " + std::to_string(log->lines)
            + " lines are not conntrack entries and were skipped");
    labelFromConntrack(a, *log);
    a.conntrackMethod = rec.method;
}

const ConntrackLabel *conntrackLabelOf(const CaptureAnalysis &a, uint32_t id)
{
    auto it = std::lower_bound(a.conntrackLabels.begin(), a.conntrackLabels.end(), id,
        [](const ConntrackLabel &l, uint32_t v) { return l.flow < v; });
    return it != a.conntrackLabels.end() && it->flow == id ? &*it : nullptr;
}

} // namespace lbs::analysis
