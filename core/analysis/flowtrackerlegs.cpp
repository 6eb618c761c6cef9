// FlowTracker's NAT legs: each client SYN goes to the LegMatcher (natlegs.h), which joins the
// flows whose SYNs carry the same ISN; later segments of joined flows are matched with their
// copies on the other leg. Roles are set on the flows as soon as they join, so the timeline
// counts a joined connection once.
#include "core/analysis/flowtracker.h"

#include "core/analysis/endpointmap.h"

namespace lbs::analysis {

LegHint FlowTracker::legHint(const pcap::Endpoint &server) const
{
    if (m_vip.isSet() && server.ip == m_vip)
        return LegHint::Front;
    return findEndpoint(m_out.endpoints, server) ? LegHint::Back : LegHint::Unknown;
}

void FlowTracker::trackLegs(uint32_t id, int dir, const pcap::DecodedPacket &p, int64_t ts)
{
    Flow &f = m_out.flows[id];
    const bool clientSyn = (p.tcpFlags & pcap::TCP_SYN) && !(p.tcpFlags & pcap::TCP_ACK) && dir == 0;
    if (clientSyn && f.connection < 0) { // a joined flow's SYN is matched like any segment
        const LegJoin j = m_legs.onClientSyn(LegSyn {id, p.seq, f.client, ts, legHint(f.server)});
        if (j.joinedNow) {
            const NatConnection &c = m_legs.connections()[static_cast<size_t>(j.connection)];
            for (uint8_t i = 0; i < c.legCount; ++i) {
                Flow &leg = m_out.flows[c.legs[i]];
                const LegRole role = i == 0 ? LegRole::Front : LegRole::Back;
                // A copy is not a new connection: the flow that became a back leg gives its
                // timeline count back.
                if (role == LegRole::Back && leg.leg != LegRole::Back)
                    --m_out.timeline.newFlows[bucket(leg.firstTsNs)];
                else if (role == LegRole::Front && leg.leg == LegRole::Back)
                    ++m_out.timeline.newFlows[bucket(leg.firstTsNs)];
                leg.leg = role;
                leg.connection = j.connection;
            }
            return;
        }
    }
    if (f.connection < 0)
        return;
    const int leg = m_legs.legIndex(static_cast<uint32_t>(f.connection), id);
    if (leg < 0)
        return;
    m_legs.onSegment(static_cast<uint32_t>(f.connection), static_cast<uint32_t>(leg),
        LegSegment {static_cast<uint8_t>(dir), ts, p.seq, p.ack, p.tcpFlags, p.payloadLen});
}

void FlowTracker::finishLegs()
{
    m_legs.finish(m_out.lastTsNs);
    m_out.connections = std::move(m_legs.connections());
    m_out.inNodeDrops = std::move(m_legs.drops());
}

} // namespace lbs::analysis
