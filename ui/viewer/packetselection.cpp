#include "packetselection.h"

#include "core/analysis/packetinfo.h"
#include "core/pcap/decodedpacket.h"
#include "core/pcap/packetreader.h"
#include "ui/widgets/ladderwidget.h"

#include <algorithm>

namespace lbs::ui {

std::optional<std::vector<uint32_t>> selectPacketRows(
    const analysis::CaptureAnalysis &an, const PacketRowQuery &q, const CancelToken &cancel)
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

std::vector<LadderStep> buildLadder(const analysis::CaptureAnalysis &an, uint32_t flowId, int maxSteps,
    int &omitted, const CancelToken &cancel)
{
    std::vector<LadderStep> steps;
    omitted = 0;
    if (flowId >= an.flows.size())
        return steps;
    const analysis::Flow &flow = an.flows[flowId];
    const analysis::RelativeSeq rel = analysis::relativeSeqFor(flow);
    std::vector<uint8_t> buffer;
    const size_t end = std::min(size_t(flow.lastPacket) + 1, an.packetIndex.size());
    for (size_t i = flow.firstPacket; i < end; ++i) {
        const pcap::PacketIndexEntry &e = an.packetIndex[i];
        if (e.flowId != flowId)
            continue;
        if (int(steps.size()) >= maxSteps) {
            ++omitted;
            continue;
        }
        if (cancel.isCancelled())
            return {};
        LadderStep s;
        s.ts = double(e.tsNs) * 1e-9;
        s.fromClient = !(e.flags & pcap::PF_FromServer);
        s.problem
            = e.flags & (pcap::PF_Rst | pcap::PF_Retransmission | pcap::PF_OutOfOrder | pcap::PF_ZeroWindow);
        auto raw = e.fileIndex < an.files.size()
            ? pcap::PacketReader::readAt(an.files[e.fileIndex], uint16_t(e.fileIndex), e.offset, buffer)
            : Result<pcap::RawPacket>(Error {"file index out of range", "", ""});
        if (raw) {
            pcap::DecodedPacket d;
            pcap::decodePacket(raw->linktype, raw->data, raw->capLen, raw->wireLen, d);
            std::string info = analysis::packetInfoText(d, e.flags, rel);
            // The ports are obvious in a ladder; drop the "a → b " prefix Wireshark-style Info starts with.
            const auto arrow = info.find("\xE2\x86\x92");
            if (arrow != std::string::npos && arrow < 16) {
                const auto space = info.find(' ', arrow + 4);
                if (space != std::string::npos)
                    info = info.substr(space + 1);
            }
            s.label = QString::fromStdString(info);
        } else {
            s.label = QString::fromStdString(raw.error().message);
        }
        steps.push_back(std::move(s));
    }
    return steps;
}

} // namespace lbs::ui
