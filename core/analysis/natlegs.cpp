#include "core/analysis/natlegs.h"

#include "core/pcap/decodedpacket.h"

#include <algorithm>
#include <iterator>

namespace lbs::analysis {

namespace {

uint32_t hashIsn(uint32_t isn)
{
    uint64_t h = isn * 0x9e3779b97f4a7c15ull;
    return static_cast<uint32_t>(h >> 32);
}

InNodePacket kindOf(uint8_t flags, uint32_t len)
{
    if (flags & pcap::TCP_SYN)
        return (flags & pcap::TCP_ACK) ? InNodePacket::SynAck : InNodePacket::Syn;
    if (flags & pcap::TCP_RST)
        return InNodePacket::Rst;
    if (len > 0)
        return InNodePacket::Data;
    if (flags & pcap::TCP_FIN)
        return InNodePacket::Fin;
    return InNodePacket::Ack;
}

} // namespace

LegMatcher::LegMatcher(int64_t windowNs) : m_window(windowNs)
{
    m_table.assign(1024, 0);
}

void LegMatcher::reserve(size_t syns)
{
    reserveUpTo(m_pending, syns);
}

int32_t *LegMatcher::slotFor(uint32_t isn, bool insert)
{
    if (insert && (m_used + 1) * 2 > m_table.size())
        growTable();
    const size_t mask = m_table.size() - 1;
    size_t i = hashIsn(isn) & mask;
    while (m_table[i]) {
        if (m_pending[static_cast<size_t>(m_table[i] - 1)].isn == isn)
            return &m_table[i];
        i = (i + 1) & mask;
    }
    if (!insert)
        return nullptr;
    ++m_used;
    return &m_table[i];
}

void LegMatcher::growTable()
{
    decltype(m_table) old(m_table.size() * 2, 0);
    old.swap(m_table);
    const size_t mask = m_table.size() - 1;
    for (int32_t v : old) {
        if (!v)
            continue;
        size_t i = hashIsn(m_pending[static_cast<size_t>(v - 1)].isn) & mask;
        while (m_table[i])
            i = (i + 1) & mask;
        m_table[i] = v;
    }
}

int LegMatcher::legIndex(uint32_t connection, uint32_t flow) const
{
    const NatConnection &c = m_connections[connection];
    for (uint8_t i = 0; i < c.legCount; ++i)
        if (c.legs[i] == flow)
            return i;
    return -1;
}

void LegMatcher::compact(int64_t nowNs)
{
    // In place and in order (a later entry wins below), keeping the vector's capacity: copying the
    // live SYNs out and growing the vector back cost two reallocations per compaction.
    std::erase_if(m_pending, [nowNs](const Pending &p) { return nowNs - p.lastSynNs > kLegSynMemoryNs; });
    size_t size = 1024;
    while (size < m_pending.size() * 2 + 2)
        size *= 2;
    m_table.assign(size, 0);
    m_used = 0;
    for (size_t i = 0; i < m_pending.size(); ++i)
        *slotFor(m_pending[i].isn, true) = static_cast<int32_t>(i + 1); // a later entry wins
    m_compactAt = std::max<size_t>(4096, m_pending.size() * 2);
    m_pending.reserve(m_compactAt);
}

LegJoin LegMatcher::onClientSyn(const LegSyn &syn)
{
    if (m_pending.size() >= m_compactAt)
        compact(syn.tsNs);
    int32_t *slot = slotFor(syn.isn, true);
    if (*slot) {
        Pending &p = m_pending[static_cast<size_t>(*slot - 1)];
        if (p.flow == syn.flow) { // a retransmitted SYN of the first flow
            if (p.synCount < std::size(p.synNs))
                p.synNs[p.synCount] = syn.tsNs;
            p.lastSynNs = syn.tsNs;
            ++p.synCount;
            return {p.connection, false};
        }
        if (p.connection >= 0 && legIndex(static_cast<uint32_t>(p.connection), syn.flow) >= 0)
            return {p.connection, false};
        const bool sameClientAddr = p.client.ip == syn.client.ip;
        const bool compatible = !sameClientAddr || p.client.port == syn.client.port;
        const int64_t gap = syn.tsNs - p.lastSynNs;
        if (compatible && gap <= m_window && gap >= -m_window) {
            if (p.connection < 0) {
                NatConnection c;
                c.id = static_cast<uint32_t>(m_connections.size());
                c.legCount = 2;
                const bool swap = syn.hint == LegHint::Front && p.hint != LegHint::Front;
                const bool swapBack = p.hint == LegHint::Back && syn.hint != LegHint::Back;
                const bool newIsFront = swap || swapBack;
                c.legs[0] = newIsFront ? syn.flow : p.flow;
                c.legs[1] = newIsFront ? p.flow : syn.flow;
                c.snat = !sameClientAddr;
                m_connections.push_back(c);
                m_ringOf.push_back(-1);
                p.connection = static_cast<int32_t>(c.id);
                // The SYN's own copy: front SYN -> back SYN. Earlier SYNs of the front leg were
                // never forwarded (the first copy to come out answers the latest one).
                const int64_t frontTs = newIsFront ? syn.tsNs : p.lastSynNs;
                const int64_t backTs = newIsFront ? p.lastSynNs : syn.tsNs;
                addDelay(c.id, 0, backTs - frontTs);
                if (!newIsFront)
                    for (uint32_t k = 0; k + 1 < p.synCount; ++k) {
                        const int64_t t = p.synNs[std::min<size_t>(k, std::size(p.synNs) - 1)];
                        m_drops.push_back(InNodeDrop {c.id, 0, InNodePacket::Syn, t});
                        ++m_connections.back().dropped[0];
                    }
                return {p.connection, true};
            }
            NatConnection &c = m_connections[static_cast<size_t>(p.connection)];
            if (c.legCount < NatConnection::kMaxLegs) {
                c.legs[c.legCount++] = syn.flow;
                return {p.connection, true};
            }
            return {-1, false};
        }
        if (gap >= 0 && gap <= m_window)
            return {-1, false}; // another connection's SYN with that ISN: leave it alone
    }
    // A new pending SYN (the slot of a stale entry with the same ISN is taken over).
    m_pending.push_back(Pending {syn.flow, -1, syn.tsNs, 1, syn.isn, syn.client, syn.hint, {syn.tsNs}});
    *slot = static_cast<int32_t>(m_pending.size());
    return {};
}

uint32_t LegMatcher::signature(const LegSegment &s, uint32_t leg)
{
    uint32_t h = s.ack * 0x9e3779b1u;
    h ^= (s.payloadLen * 0x85ebca6bu) ^ (static_cast<uint32_t>(s.flags) << 24);
    h *= 0xc2b2ae35u;
    const auto kind = static_cast<uint32_t>(kindOf(s.flags, s.payloadLen));
    return (h & ~0xFu) | (kind << 1) | (leg & 1u);
}

void LegMatcher::addDelay(uint32_t connection, uint8_t dir, int64_t ns)
{
    const int64_t limit = std::min<int64_t>(m_window, INT32_MAX);
    m_samples.push_back(Sample {connection * 2 + dir, static_cast<int32_t>(std::clamp(ns, -limit, limit))});
}

void LegMatcher::drop(uint32_t connection, uint8_t dir, uint32_t sig, int64_t ts)
{
    const auto kind = static_cast<InNodePacket>((sig >> 1) & 7u);
    m_drops.push_back(InNodeDrop {connection, dir, kind, ts});
    ++m_connections[connection].dropped[dir];
}

void LegMatcher::onSegment(uint32_t connection, uint32_t leg, const LegSegment &s)
{
    if (leg > 1 || connection >= m_ringOf.size())
        return;
    int32_t &slot = m_ringOf[connection];
    if (slot < 0) {
        if (m_freeRings.empty()) {
            slot = static_cast<int32_t>(m_rings.size());
            m_rings.emplace_back();
        } else {
            slot = static_cast<int32_t>(m_freeRings.back());
            m_freeRings.pop_back();
            m_rings[static_cast<size_t>(slot)].count[0] = m_rings[static_cast<size_t>(slot)].count[1] = 0;
        }
    }
    Rings &r = m_rings[static_cast<size_t>(slot)];
    const uint8_t d = s.dir & 1;
    Copy *ring = r.copy[d];
    uint8_t &n = r.count[d];
    const uint32_t sig = signature(s, leg);
    const uint32_t upstreamLeg = d == 0 ? 0 : 1; // client->server enters at the front
    // One pass: the oldest waiting copy from the other leg with this packet's identity is its
    // twin; copies from the upstream leg that waited longer than the window were dropped.
    int match = -1;
    uint8_t keep = 0;
    for (uint8_t i = 0; i < n; ++i) {
        const Copy &c = ring[i];
        if (s.tsNs - c.tsNs > m_window) {
            if ((c.sig & 1u) == upstreamLeg)
                drop(connection, d, c.sig, c.tsNs);
            continue;
        }
        if (match < 0 && c.seq == s.seq && (c.sig ^ sig) == 1u) {
            match = i;
            const int64_t delta = (leg == upstreamLeg) ? c.tsNs - s.tsNs : s.tsNs - c.tsNs;
            addDelay(connection, d, delta);
            continue;
        }
        ring[keep++] = c;
    }
    n = keep;
    if (match >= 0) {
        if (r.count[0] == 0 && r.count[1] == 0) { // nothing waits: the ring goes back to the pool
            m_freeRings.push_back(static_cast<uint32_t>(slot));
            slot = -1;
        }
        return;
    }
    if (n == kRing) { // full: the oldest leaves unjudged (a burst longer than the ring)
        std::copy(ring + 1, ring + kRing, ring);
        --n;
    }
    ring[n++] = Copy {s.tsNs, s.seq, sig};
}

void LegMatcher::finish(int64_t endNs)
{
    for (uint32_t id = 0; id < m_ringOf.size(); ++id)
        for (uint8_t d = 0; d < 2 && m_ringOf[id] >= 0; ++d) {
            const Rings &r = m_rings[static_cast<size_t>(m_ringOf[id])];
            for (uint8_t i = 0; i < r.count[d]; ++i) {
                const Copy &c = r.copy[d][i];
                if ((c.sig & 1u) == d && endNs - c.tsNs > m_window)
                    drop(id, d, c.sig, c.tsNs);
            }
        }
    m_rings = {};
    m_freeRings = {};
    m_ringOf = {};
    // Samples grouped by connection and direction in linear time (a counting sort), then each
    // group's median by selection: no sort of the whole vector.
    const size_t groups = m_connections.size() * 2;
    std::vector<uint32_t> start(groups + 1, 0);
    for (const Sample &x : m_samples)
        ++start[x.key + 1];
    for (size_t g = 0; g < groups; ++g)
        start[g + 1] += start[g];
    std::vector<int32_t> grouped(m_samples.size());
    {
        std::vector<uint32_t> at(start.begin(), start.end() - 1);
        for (const Sample &x : m_samples)
            grouped[at[x.key]++] = x.ns;
    }
    m_samples.clear();
    m_samples.shrink_to_fit();
    for (size_t g = 0; g < groups; ++g) {
        const auto first = grouped.begin() + start[g], last = grouped.begin() + start[g + 1];
        const size_t count = static_cast<size_t>(last - first);
        if (!count)
            continue;
        InNodeDelay &dl = m_connections[g / 2].delay[g % 2];
        dl.samples = static_cast<uint32_t>(count);
        dl.maxNs = *std::max_element(first, last);
        // Nearest-rank median (percentile.h), the lower one for an even count.
        const auto mid = first + static_cast<std::ptrdiff_t>((count + 1) / 2 - 1);
        std::nth_element(first, mid, last);
        dl.medianNs = *mid;
    }
    std::stable_sort(m_drops.begin(), m_drops.end(),
        [](const InNodeDrop &a, const InNodeDrop &b) { return a.tsNs < b.tsNs; });
}

} // namespace lbs::analysis
