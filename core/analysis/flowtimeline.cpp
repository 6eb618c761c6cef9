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
    while (idx >= static_cast<int64_t>(kMaxBuckets)) {
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
    std::vector<std::pair<uint32_t, double>> samples;
    for (const Flow &f : m_out.flows)
        for (const HttpRequest &r : f.requests)
            if (f.leg != LegRole::Back && r.ttfbNs)
                samples.emplace_back(bucketIndexNoGrow(r.tsNs), static_cast<double>(*r.ttfbNs) / 1e3);
    std::sort(samples.begin(), samples.end());
    for (size_t i = 0; i < samples.size();) {
        size_t j = i;
        while (j < samples.size() && samples[j].first == samples[i].first)
            ++j;
        const size_t count = j - i;
        auto rank = [&](double q) { return samples[i + nearestRankIndex(count, q)].second; };
        if (samples[i].first < n) {
            t.ttfbP50Us[samples[i].first] = rank(0.50);
            t.ttfbP99Us[samples[i].first] = rank(0.99);
        }
        i = j;
    }
}

} // namespace lbs::analysis
