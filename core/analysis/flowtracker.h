#pragma once
// The per-packet half of the analysis pass: TCP and UDP flow tracking (handshakes, resets,
// Wireshark's sequence analysis, HTTP/1.x on any port), the timeline buckets and the protocol
// counters. Analyzer (analyzer.cpp) reads, filters and feeds packets to it, then derives findings.

#include "core/analysis/analyzer.h"
#include "core/analysis/captureanalysis.h"
#include "core/analysis/findings.h"
#include "core/analysis/flowtable.h"
#include "core/analysis/httptracker.h"
#include "core/analysis/natlegs.h"
#include "core/analysis/tcpanalysis.h"
#include "core/common/largeallocator.h"
#include "core/pcap/decodedpacket.h"
#include "core/pcap/packetreader.h"

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

namespace lbs::analysis {

/// Builds a CaptureAnalysis's totals, counters, timeline, flows and packet index from packets
/// given one at a time. One instance per analysis run; not thread-safe.
class FlowTracker {
public:
    FlowTracker(const AnalyzerOptions &options, CaptureAnalysis &out);
    /// Room for about @p flows flows up front: growing the flow and state arrays by doubling moved
    /// every flow (360 + 128 bytes) about once more and faulted in twice the memory (a tenth of a
    /// busy capture's analysis). The arrays' reservation is address space (pages are used as
    /// flows come); the flow table's slots, up to 512 KB, are real memory.
    void reserveFlows(size_t flows);
    /// Counts one packet that passed the filter into the totals, counters and timeline, tracks its
    /// flow and appends its packet index entry. Packets arrive in merged time order.
    void onPacket(const pcap::RawPacket &raw);
    /// The same for a packet decoded already (`ok`: what decodePacket returned for it).
    void onDecoded(const pcap::RawPacket &raw, const pcap::DecodedPacket &p, bool ok);
    /// After the last packet: settles HTTP and flow outcomes, counts failed handshakes, computes the
    /// TTFB p50/p99 series and hands the retransmission events over for the findings.
    void finish(FindingInputs &inputs);

private:
    /// Per-flow state the result does not keep.
    struct FlowState { // one per flow: ordered by size, no padding between the fields
        TcpConversation tcp;
        std::unique_ptr<HttpTracker> http;
        int64_t lastSynNs = 0;
        int64_t firstSynAckNs = 0;
        uint32_t clientIsn = 0;
        uint32_t serverIsn = 0;
        bool clientIsA = true;
        bool haveClientIsn = false;
        bool haveServerIsn = false;
        bool synAckSeen = false;
        bool ackRttDone = false;
        bool resetAfterClose = false;
    };

    static FlowOutcome outcomeOf(const Flow &f, const FlowState &s);
    /// Flow::staleSynAck, from the packets counted so far.
    static bool staleSynAck(const Flow &f);
    size_t bucket(int64_t tsNs);
    void doubleBucket();
    uint32_t bucketIndexNoGrow(int64_t tsNs) const;
    uint32_t newFlow(const FlowKey &key, bool clientIsA, const pcap::DecodedPacket &p, int64_t ts,
        uint32_t ordinal, bool reversed);
    void countPacket(
        Flow &f, int dir, const pcap::RawPacket &raw, const pcap::DecodedPacket &p, uint32_t ordinal);
    /// Records the tunnel of a tunnelled packet of @p f (the first one's path is kept).
    void noteTunnel(Flow &f, int dir, const pcap::DecodedPacket &p);
    void onUdp(const pcap::DecodedPacket &p, const pcap::RawPacket &raw, uint32_t ordinal,
        pcap::PacketIndexEntry &e);
    void onIcmpError(const pcap::DecodedPacket &p, pcap::PacketIndexEntry &e);
    void onTcp(const pcap::DecodedPacket &p, const pcap::RawPacket &raw, uint32_t ordinal, size_t b,
        pcap::PacketIndexEntry &e);
    void computeTtfbSeries();
    /// NAT legs (flowtrackerlegs.cpp): joins client SYNs by ISN and matches the segments of joined
    /// flows with their copies on the other leg.
    void trackLegs(uint32_t id, int dir, const pcap::DecodedPacket &p, int64_t ts);
    LegHint legHint(const pcap::Endpoint &server) const;
    /// Hands the joined connections and in-node drops over to the result.
    void finishLegs();

    const AnalyzerOptions &m_opt;
    CaptureAnalysis &m_out;
    int64_t m_bucketNs = 1'000'000'000;
    bool m_bucketDoubled = false;
    pcap::DecodedPacket m_decoded;
    FlowTable m_table;
    std::vector<FlowState, LargeAllocator<FlowState>> m_states;
    /// HTTP trackers of flows that closed, reset for the next flow (keeping their buffers): a
    /// busy capture has a short HTTP flow per connection, two heap blocks each otherwise.
    std::vector<std::unique_ptr<HttpTracker>> m_spareHttp;
    std::unique_ptr<HttpTracker> takeHttpTracker();
    void giveBack(std::unique_ptr<HttpTracker> &http);
    std::vector<std::pair<uint32_t, uint32_t>> m_retrans;
    LegMatcher m_legs;
    pcap::IpAddress m_vip; ///< from the manifest, unset when unknown
};

} // namespace lbs::analysis
