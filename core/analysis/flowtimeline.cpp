// FlowTracker's timeline: bucket indexing (the bucket doubles when a capture spans too many) and
// the TTFB percentile series computed at the end.
#include "core/analysis/flowtracker.h"

#include "core/analysis/percentile.h"

#include <algorithm>
#include <cmath>

namespace lbs::analysis {

size_t FlowTracker::bucket(int64_t tsNs)
{
    Timeline &t = m_out.timeline;
    if (t.packets.empty()) {
        int64_t t0 = tsNs - ((tsNs % m_bucketNs) + m_bucketNs) % m_bucketNs;
        t.t0Ns = t0;
    }
    int64_t idx = tsNs < t.t0Ns ? 0 : (tsNs - t.t0Ns) / m_bucketNs;
    while (idx >= static_cast<int64_t>(m_opt.maxTimelineBuckets)) {
        doubleBucket();
        idx = (tsNs - t.t0Ns) / m_bucketNs;
    }
    const size_t i = static_cast<size_t>(idx);
    if (i >= t.packets.size()) {
        const size_t n = i + 1;
        t.packets.resize(n);
        t.bytes.resize(n);
        t.newFlows.resize(n);
        t.failedHandshakes.resize(n);
        t.resets.resize(n);
        t.retransmits.resize(n);
    }
    return i;
}

// The capture spans too many buckets: merge pairs so the timeline stays whole (bucket doubles).
void FlowTracker::doubleBucket()
{
    Timeline &t = m_out.timeline;
    auto fold = [](auto &v) {
        const size_t n = (v.size() + 1) / 2;
        for (size_t i = 0; i < n; ++i)
            v[i] = v[2 * i] + (2 * i + 1 < v.size() ? v[2 * i + 1] : 0);
        v.resize(n);
    };
    fold(t.packets);
    fold(t.bytes);
    fold(t.newFlows);
    fold(t.failedHandshakes);
    fold(t.resets);
    fold(t.retransmits);
    for (auto &r : m_retrans)
        r.first /= 2;
    m_bucketNs *= 2;
    t.bucketSeconds *= 2;
    m_bucketDoubled = true;
}

uint32_t FlowTracker::bucketIndexNoGrow(int64_t tsNs) const
{
    const Timeline &t = m_out.timeline;
    if (t.packets.empty() || tsNs <= t.t0Ns)
        return 0;
    const int64_t idx = (tsNs - t.t0Ns) / m_bucketNs;
    return static_cast<uint32_t>(std::min<int64_t>(idx, static_cast<int64_t>(t.packets.size()) - 1));
}

void FlowTracker::computeTtfbSeries()
{
    Timeline &t = m_out.timeline;
    const size_t n = t.packets.size();
    t.ttfbP50Us.assign(n, std::nan(""));
    t.ttfbP99Us.assign(n, std::nan(""));
    // Samples grouped by bucket in linear time (a counting sort), then each bucket's two ranks by
    // selection: no sort of all requests.
    std::vector<uint32_t> start(n + 1, 0);
    for (const Flow &f : m_out.flows)
        for (const HttpRequest &r : f.requests)
            if (f.leg != LegRole::Back && r.ttfbNs) {
                const uint32_t b = bucketIndexNoGrow(r.tsNs);
                if (b < n)
                    ++start[b + 1];
            }
    for (size_t b = 0; b < n; ++b)
        start[b + 1] += start[b];
    std::vector<double> values(start[n]);
    std::vector<uint32_t> fill(start.begin(), start.end() - 1);
    for (const Flow &f : m_out.flows)
        for (const HttpRequest &r : f.requests)
            if (f.leg != LegRole::Back && r.ttfbNs) {
                const uint32_t b = bucketIndexNoGrow(r.tsNs);
                if (b < n)
                    values[fill[b]++] = static_cast<double>(*r.ttfbNs) / 1e3;
            }
    for (size_t b = 0; b < n; ++b) {
        const size_t count = start[b + 1] - start[b];
        if (count == 0)
            continue;
        const auto first = values.begin() + static_cast<std::ptrdiff_t>(start[b]);
        const auto last = first + static_cast<std::ptrdiff_t>(count);
        const auto p50 = first + static_cast<std::ptrdiff_t>(nearestRankIndex(count, 0.50));
        const auto p99 = first + static_cast<std::ptrdiff_t>(nearestRankIndex(count, 0.99));
        std::nth_element(first, p50, last);
        t.ttfbP50Us[b] = *p50;
        if (p99 > p50)
            std::nth_element(p50 + 1, p99, last);
        t.ttfbP99Us[b] = *p99;
    }
}

} // namespace lbs::analysis
