#include "core/analysis/flowladder.h"

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
    const Flow &flow = an.flows[flowId];
    const RelativeSeq rel = relativeSeqFor(flow);
    std::vector<uint8_t> buffer;
    const size_t end = std::min(size_t(flow.lastPacket) + 1, an.packetIndex.size());
    for (size_t i = flow.firstPacket; i < end; ++i) {
        const pcap::PacketIndexEntry &e = an.packetIndex[i];
        if (e.flowId != flowId)
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
        s.problem
            = e.flags & (pcap::PF_Rst | pcap::PF_Retransmission | pcap::PF_OutOfOrder | pcap::PF_ZeroWindow);
        auto raw = e.fileIndex < an.files.size()
            ? pcap::PacketReader::readAt(an.files[e.fileIndex], uint16_t(e.fileIndex), e.offset, buffer)
            : Result<pcap::RawPacket>(Error {"file index out of range", "", "", ErrorKind::BadInput});
        if (raw) {
            pcap::DecodedPacket d;
            pcap::decodePacket(raw->linktype, raw->data, raw->capLen, raw->wireLen, d);
            std::string info = packetInfoText(d, e.flags, rel);
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
