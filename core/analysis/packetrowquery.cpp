#include "core/analysis/packetrowquery.h"

#include <algorithm>

namespace lbs::analysis {

std::optional<std::vector<uint32_t>> selectPacketRows(
    const CaptureAnalysis &an, const PacketRowQuery &q, const CancelToken &cancel)
{
    const auto &idx = an.packetIndex;
    const bool useRange
        = q.start <= q.end && (q.start > double(an.firstTsNs) * 1e-9 || q.end < double(an.lastTsNs) * 1e-9);
    if (!q.bpfMatches && !useRange && q.flows.empty())
        return std::nullopt;
    // The index is in time order: the range is a contiguous slice found by binary search.
    size_t lo = 0, hi = idx.size();
    if (useRange) {
        const auto startNs = int64_t(q.start * 1e9), endNs = int64_t(q.end * 1e9);
        lo = size_t(std::lower_bound(idx.begin(), idx.end(), startNs,
                        [](const pcap::PacketIndexEntry &e, int64_t t) { return e.tsNs < t; })
            - idx.begin());
        hi = size_t(std::upper_bound(idx.begin(), idx.end(), endNs,
                        [](int64_t t, const pcap::PacketIndexEntry &e) { return t < e.tsNs; })
            - idx.begin());
    }
    auto flowOk = [&](uint32_t pos) {
        return q.flows.empty() || std::binary_search(q.flows.begin(), q.flows.end(), idx[pos].flowId);
    };
    std::vector<uint32_t> out;
    if (q.bpfMatches) {
        auto b = std::lower_bound(q.bpfMatches->begin(), q.bpfMatches->end(), uint32_t(lo));
        for (; b != q.bpfMatches->end() && *b < hi; ++b) {
            if (((b - q.bpfMatches->begin()) & 0xffff) == 0 && cancel.isCancelled())
                return std::vector<uint32_t> {};
            if (flowOk(*b))
                out.push_back(*b);
        }
        return out;
    }
    if (!q.flows.empty()) {
        // Only the span of the selected flows needs scanning.
        uint32_t first = UINT32_MAX, last = 0;
        for (uint32_t id : q.flows) {
            if (id < an.flows.size()) {
                first = std::min(first, an.flows[id].firstPacket);
                last = std::max(last, an.flows[id].lastPacket);
            }
        }
        if (first == UINT32_MAX)
            return out;
        lo = std::max(lo, size_t(first));
        hi = std::min(hi, size_t(last) + 1);
    }
    out.reserve(hi > lo ? hi - lo : 0);
    for (size_t i = lo; i < hi; ++i) {
        if ((i & 0xffff) == 0 && cancel.isCancelled())
            return std::vector<uint32_t> {};
        if (flowOk(uint32_t(i)))
            out.push_back(uint32_t(i));
    }
    return out;
}

} // namespace lbs::analysis
