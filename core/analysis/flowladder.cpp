#include "core/analysis/flowladder.h"

#include "core/analysis/natlegs.h"
#include "core/analysis/packetinfo.h"
#include "core/pcap/decodedpacket.h"
#include "core/pcap/packetreader.h"

#include <algorithm>

namespace lbs::analysis {

FlowLadder buildFlowLadder(
    const CaptureAnalysis &an, uint32_t flowId, int maxSteps, const CancelToken &cancel)
{
    FlowLadder ladder;
    if (flowId >= an.flows.size())
        return ladder;
    ladder.front = ladder.back = flowId;
    if (const int32_t c = an.flows[flowId].connection; c >= 0 && size_t(c) < an.connections.size()) {
        const NatConnection &conn = an.connections[size_t(c)];
        if (conn.legCount >= 2 && conn.front() < an.flows.size() && conn.back() < an.flows.size()) {
            ladder.bothLegs = true;
            ladder.front = conn.front();
            ladder.back = conn.back();
        }
    }
    const Flow &front = an.flows[ladder.front];
    const Flow &back = an.flows[ladder.back];
    const RelativeSeq rel[2] = {relativeSeqFor(front), relativeSeqFor(back)};
    // Recent steps not yet matched with their copy on the other leg.
    struct Pending {
        size_t step;
        int64_t tsNs;
        uint8_t leg, dir, flags;
        uint32_t seq, ack, len;
    };
    std::vector<Pending> pending;
    std::vector<uint8_t> buffer;
    const size_t begin = std::min(front.firstPacket, back.firstPacket);
    const size_t end
        = std::min(size_t(std::max(front.lastPacket, back.lastPacket)) + 1, an.packetIndex.size());
    for (size_t i = begin; i < end; ++i) {
        const pcap::PacketIndexEntry &e = an.packetIndex[i];
        if (e.flowId != ladder.front && e.flowId != ladder.back)
            continue;
        if (int(ladder.steps.size()) >= maxSteps) {
            ++ladder.omitted;
            continue;
        }
        if (cancel.isCancelled())
            return {};
        LadderStep s;
        s.ts = double(e.tsNs) * 1e-9;
        s.fromClient = !(e.flags & pcap::PF_FromServer);
        s.leg = ladder.bothLegs && e.flowId == ladder.back ? 1 : 0;
        s.problem
            = e.flags & (pcap::PF_Rst | pcap::PF_Retransmission | pcap::PF_OutOfOrder | pcap::PF_ZeroWindow);
        auto raw = e.fileIndex < an.files.size()
            ? pcap::PacketReader::readAt(an.files[e.fileIndex], uint16_t(e.fileIndex), e.offset, buffer)
            : Result<pcap::RawPacket>(Error {"file index out of range", "", "", ErrorKind::BadInput});
        if (raw) {
            pcap::DecodedPacket d;
            pcap::decodePacket(raw->linktype, raw->data, raw->capLen, raw->wireLen, d);
            std::string info = packetInfoText(d, e.flags, rel[s.leg]);
            if (ladder.bothLegs && d.isTcp()) {
                const int64_t ts = int64_t(e.tsNs);
                std::erase_if(pending, [ts](const Pending &p) { return ts - p.tsNs > kLegWindowNs; });
                const Pending me {ladder.steps.size(), ts, s.leg, uint8_t(s.fromClient ? 0 : 1), d.tcpFlags,
                    d.seq, d.ack, d.payloadLen};
                const auto copy = std::find_if(pending.begin(), pending.end(), [&me](const Pending &p) {
                    return p.leg != me.leg && p.dir == me.dir && p.flags == me.flags && p.seq == me.seq
                        && p.ack == me.ack && p.len == me.len;
                });
                if (copy != pending.end()) {
                    s.inNodeNs = ts - copy->tsNs;
                    pending.erase(copy);
                } else {
                    pending.push_back(me);
                }
            }
            // The ports are obvious in a ladder; drop the "a → b " prefix Wireshark-style Info starts with.
            const auto arrow = info.find("\xE2\x86\x92");
            if (arrow != std::string::npos && arrow < 16) {
                const auto space = info.find(' ', arrow + 4);
                if (space != std::string::npos)
                    info = info.substr(space + 1);
            }
            s.label = std::move(info);
        } else {
            s.label = raw.error().message;
        }
        ladder.steps.push_back(std::move(s));
    }
    return ladder;
}

} // namespace lbs::analysis
