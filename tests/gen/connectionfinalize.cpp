// The end of a simulated connection: timestamp echoes, packets in capture order, and the
// per-side packet and byte counts of the truth.

#include "connectionsim.h"

#include "framebuilder.h"

#include <algorithm>
#include <numeric>

namespace lbs::gen {

/// Timestamps echo what the sender had received; sort; per-flow counters.
void Sim::finalize()
{
    auto &pk = m_c.pkts;
    std::vector<uint32_t> idx(pk.size());
    std::iota(idx.begin(), idx.end(), 0u);
    auto byTime = [&](uint32_t a, uint32_t b) { return pk[a].ts != pk[b].ts ? pk[a].ts < pk[b].ts : a < b; };
    std::sort(idx.begin(), idx.end(), byTime);
    // Client echo: the last server TSval that reached the client (passed the capture point >= crtt earlier).
    // Server echo: the last client TSval that reached the pod (passed the pod side >= brtt earlier).
    for (int pass = 0; pass < 2; ++pass) {
        const uint8_t senderDir = pass == 0 ? C2s : S2c;
        const uint8_t side = pass == 0 ? Public : PodSide;
        const int64_t lag = pass == 0 ? m_crtt : m_brtt;
        std::vector<std::pair<int64_t, uint32_t>> peer;
        for (uint32_t i : idx)
            if (pk[i].side == side && pk[i].dir != senderDir && !pk[i].icmp && pk[i].opt != OptNone)
                peer.emplace_back(pk[i].ts, pk[i].tsval);
        size_t p = 0;
        uint32_t echo = 0;
        for (uint32_t i : idx) {
            PktDesc &d = pk[i];
            if (d.side != side || d.dir != senderDir || d.icmp)
                continue;
            while (p < peer.size() && peer[p].first <= d.ts - lag)
                echo = peer[p++].second;
            d.tsecr = (d.flags & Ack) ? echo : 0;
            if (d.twin >= 0)
                pk[static_cast<size_t>(d.twin)].tsecr = d.tsecr;
        }
    }
    std::vector<PktDesc> sorted;
    sorted.reserve(pk.size());
    for (uint32_t i : idx) {
        sorted.push_back(pk[i]);
        sorted.back().twin = -1;
        sorted.back().order = static_cast<uint32_t>(sorted.size() - 1);
    }
    pk.swap(sorted);
    bool seen[2] = {false, false};
    for (const PktDesc &d : pk) {
        FlowTruth &t = m_c.truth[d.side];
        if (!seen[d.side]) {
            t.firstTs = static_cast<double>(d.ts) / 1e9;
            seen[d.side] = true;
        }
        t.lastTs = static_cast<double>(d.ts) / 1e9;
        if (d.icmp) // an ICMP error about the flow is not one of its TCP packets
            continue;
        const uint32_t bytes = frameLength(m_o.link, m_o.tunnel, d);
        if (d.dir == C2s) {
            ++t.packetsC2s;
            t.bytesC2s += bytes;
            t.payloadC2s += d.len;
        } else {
            ++t.packetsS2c;
            t.bytesS2c += bytes;
            t.payloadS2c += d.len;
        }
    }
    if (!seen[PodSide])
        m_c.hasSide[PodSide] = false;
    for (FlowTruth &t : m_c.truth)
        t.retransmits = t.dataRetransmits + std::max(0, t.synCount - 1) + t.synAckRetransmits;
}

} // namespace lbs::gen
