#include "core/analysis/flowtracker.h"

#include "core/analysis/percentile.h"
#include "core/common/largeallocator.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace lbs::analysis {

using pcap::DecodedPacket;
using pcap::PacketIndexEntry;

namespace {

bool isWellKnown(uint16_t port)
{
    return port < 1024 || port == 8080 || port == 8443 || port == 3306 || port == 5432 || port == 6379
        || port == 9090 || port == 10250 || port == 6443;
}

// True when (ip, port) b looks more like the server than a.
bool secondIsServer(uint16_t portA, uint16_t portB)
{
    const bool wa = isWellKnown(portA);
    const bool wb = isWellKnown(portB);
    if (wa != wb)
        return wb;
    return portB < portA;
}

} // namespace

FlowTracker::FlowTracker(const AnalyzerOptions &opt, CaptureAnalysis &out) : m_opt(opt), m_out(out)
{
    m_bucketNs = static_cast<int64_t>(std::llround(opt.bucketSeconds * 1e9));
    m_out.timeline.bucketSeconds = opt.bucketSeconds;
    if (m_out.manifest && !m_out.manifest->vip.empty())
        m_vip = pcap::IpAddress::parse(m_out.manifest->vip);
}

void FlowTracker::reserveFlows(size_t flows)
{
    reserveUpTo(m_out.flows, flows, 1 << 16);
    reserveUpTo(m_states, flows, 1 << 16);
    // The table's keys are reserved as address space like the flows (growing, they were copied
    // into fresh pages at each doubling); its slots are written when reserved (two 8-byte slots
    // per flow): at most 512 KB up front, beyond that they grow (a rehash reads the keys in order).
    m_table.reserve(flows, size_t(1) << 15);
    m_legs.reserve(flows);
}

std::unique_ptr<HttpTracker> FlowTracker::takeHttpTracker()
{
    if (m_spareHttp.empty())
        return std::make_unique<HttpTracker>();
    std::unique_ptr<HttpTracker> t = std::move(m_spareHttp.back());
    m_spareHttp.pop_back();
    return t;
}

void FlowTracker::giveBack(std::unique_ptr<HttpTracker> &http)
{
    constexpr size_t kMaxSpare = 256;
    if (m_spareHttp.size() < kMaxSpare) {
        http->reset();
        m_spareHttp.push_back(std::move(http));
    }
    http.reset();
}

void FlowTracker::onPacket(const pcap::RawPacket &raw)
{
    const bool ok = pcap::decodePacket(raw.linktype, raw.data, raw.capLen, raw.wireLen, m_decoded);
    onDecoded(raw, m_decoded, ok);
}

void FlowTracker::onDecoded(const pcap::RawPacket &raw, const DecodedPacket &p, bool ok)
{
    const uint32_t ordinal = static_cast<uint32_t>(m_out.packets);
    ++m_out.packets;
    m_out.bytes += raw.wireLen;
    if (ordinal == 0)
        m_out.firstTsNs = raw.tsNs;
    m_out.firstTsNs = std::min(m_out.firstTsNs, raw.tsNs);
    m_out.lastTsNs = std::max(m_out.lastTsNs, raw.tsNs);
    const size_t b = bucket(raw.tsNs);
    ++m_out.timeline.packets[b];
    m_out.timeline.bytes[b] += raw.wireLen;

    PacketIndexEntry e;
    e.tsNs = raw.tsNs;
    e.offset = raw.offset;
    e.fileIndex = raw.fileIndex;
    e.wireLen = raw.wireLen;
    e.capLen = raw.capLen;

    CaptureCounters &c = m_out.counters;
    if (!ok) {
        ++c.undecoded;
        e.flags |= pcap::PF_Undecoded;
    } else {
        if (p.ipVersion == 4)
            ++c.ipv4;
        else if (p.ipVersion == 6)
            ++c.ipv6;
        if (p.headersTruncated)
            ++c.truncatedHeaders;
        if (p.fragment) {
            ++c.fragments;
            e.flags |= pcap::PF_Fragment;
        }
        if (p.tunnelled) {
            ++c.tunnelled;
            ++c.tunnels[static_cast<size_t>(p.tunnel) % std::size(c.tunnels)];
            e.flags |= pcap::PF_Tunnel;
        }
        if (p.isTcp()) {
            ++c.tcp;
            e.flags |= pcap::PF_Tcp;
        } else if (p.isUdp()) {
            ++c.udp;
            e.flags |= pcap::PF_Udp;
        } else if (p.isIcmp()) {
            ++c.icmp;
            e.flags |= pcap::PF_Icmp;
        } else {
            ++c.other;
        }
        // Non-first fragments carry no ports: counted, not tracked as flows. Tunnelled packets
        // are tracked by their inner header, like any other.
        const bool trackable = !p.fragment || p.firstFragment;
        if (trackable && p.isTcp())
            onTcp(p, raw, ordinal, b, e);
        else if (trackable && p.isUdp())
            onUdp(p, raw, ordinal, e);
        else if (p.isIcmp() && p.icmpQuote.valid)
            onIcmpError(p, e);
    }
    if (m_opt.keepPacketIndex)
        m_out.packetIndex.push_back(e);
}

void FlowTracker::finish(FindingInputs &inputs)
{
    for (size_t i = 0; i < m_out.flows.size(); ++i) {
        Flow &f = m_out.flows[i];
        FlowState &s = m_states[i];
        if (s.http)
            s.http->finish(f);
        if (f.proto == 6) {
            f.outcome = outcomeOf(f, s);
            f.staleSynAck = staleSynAck(f);
            if (f.staleSynAck) // counted as new when its first packet came
                --m_out.timeline.newFlows[bucket(f.firstTsNs)];
        }
        if (f.outcome == FlowOutcome::FailedHandshake && f.leg != LegRole::Back) {
            const int64_t t = f.synTimesNs.empty() ? f.firstTsNs : f.synTimesNs.front();
            ++m_out.timeline.failedHandshakes[bucket(t)];
        }
        if (f.leg != LegRole::Back)
            m_out.counters.httpRequests += f.requests.size();
    }
    m_states.clear();
    finishLegs();
    computeTtfbSeries();
    if (m_bucketDoubled)
        m_out.warnings.push_back("the capture spans more than " + std::to_string(m_opt.maxTimelineBuckets)
            + " timeline buckets of " + std::to_string(m_opt.bucketSeconds)
            + " s; the timeline bucket was enlarged to " + std::to_string(m_out.timeline.bucketSeconds)
            + " s");
    inputs.retransmissions = std::move(m_retrans);
}

bool FlowTracker::staleSynAck(const Flow &f)
{
    // Every server packet a SYN/ACK, every client packet a RST (the server sent none), no payload.
    return f.synCount == 0 && f.synAckCount > 0 && f.synAckCount == f.packets[1] && f.packets[0] == f.resets
        && f.payloadBytes[0] == 0 && f.payloadBytes[1] == 0;
}

FlowOutcome FlowTracker::outcomeOf(const Flow &f, const FlowState &s)
{
    if (f.synCount > 0 && f.synAckCount == 0 && !f.handshakeRst && f.packets[1] == 0)
        return FlowOutcome::FailedHandshake;
    if (f.synCount > 0 && f.synAckCount == 0 && f.icmpUnreachable)
        return FlowOutcome::FailedHandshake;
    if (f.resets > 0 && !s.resetAfterClose)
        return FlowOutcome::Reset;
    if (f.finClient && f.finServer)
        return FlowOutcome::Complete;
    return FlowOutcome::Incomplete;
}

uint32_t FlowTracker::newFlow(
    const FlowKey &key, bool clientIsA, const DecodedPacket &p, int64_t ts, uint32_t ordinal, bool reversed)
{
    const uint32_t id = static_cast<uint32_t>(m_out.flows.size());
    Flow f;
    f.id = id;
    f.proto = p.ipProto;
    const bool srcIsA = !reversed;
    const bool clientIsSrc = clientIsA == srcIsA;
    f.client = clientIsSrc ? pcap::Endpoint {p.src, p.srcPort} : pcap::Endpoint {p.dst, p.dstPort};
    f.server = clientIsSrc ? pcap::Endpoint {p.dst, p.dstPort} : pcap::Endpoint {p.src, p.srcPort};
    f.ifIndex = p.ifIndex;
    f.firstTsNs = ts;
    f.lastTsNs = ts;
    f.firstPacket = ordinal;
    f.lastPacket = ordinal;
    m_out.flows.push_back(std::move(f));
    FlowState s;
    s.clientIsA = clientIsA;
    m_states.push_back(std::move(s));
    m_table.set(key, id);
    ++m_out.timeline.newFlows[bucket(ts)];
    return id;
}

void FlowTracker::countPacket(
    Flow &f, int dir, const pcap::RawPacket &raw, const DecodedPacket &p, uint32_t ordinal)
{
    ++f.packets[dir];
    f.bytes[dir] += raw.wireLen;
    f.payloadBytes[dir] += p.payloadLen;
    f.lastTsNs = std::max(f.lastTsNs, raw.tsNs);
    f.lastPacket = ordinal;
}

void FlowTracker::onUdp(
    const DecodedPacket &p, const pcap::RawPacket &raw, uint32_t ordinal, PacketIndexEntry &e)
{
    bool reversed = false;
    const FlowKey key = FlowKey::make(p.src, p.srcPort, p.dst, p.dstPort, 17, reversed, p.ifIndex);
    uint32_t id;
    if (uint32_t *found = m_table.find(key))
        id = *found;
    else
        id = newFlow(key, !reversed, p, raw.tsNs, ordinal, reversed); // client = first sender
    Flow &f = m_out.flows[id];
    const int dir = ((!reversed) == m_states[id].clientIsA) ? 0 : 1;
    countPacket(f, dir, raw, p, ordinal);
    if (p.tunnelled)
        noteTunnel(f, dir, p);
    e.flowId = id;
    if (dir == 1)
        e.flags |= pcap::PF_FromServer;
}

void FlowTracker::noteTunnel(Flow &f, int dir, const DecodedPacket &p)
{
    if (f.tunnel >= 0) {
        ++m_out.tunnels[static_cast<size_t>(f.tunnel)].packets;
        return;
    }
    f.tunnel = static_cast<int32_t>(m_out.tunnels.size());
    FlowTunnel &t = m_out.tunnels.emplace_back();
    t.packets = 1;
    t.kind = p.tunnel;
    t.id = p.tunnelId;
    t.depth = p.tunnelDepth;
    t.outerClient = dir == 0 ? p.outerSrc : p.outerDst;
    t.outerServer = dir == 0 ? p.outerDst : p.outerSrc;
}

void FlowTracker::onIcmpError(const DecodedPacket &p, PacketIndexEntry &e)
{
    const pcap::IcmpQuote &q = p.icmpQuote;
    if (q.proto != 6 && q.proto != 17)
        return;
    bool reversed = false;
    const FlowKey key
        = FlowKey::make(q.src.ip, q.src.port, q.dst.ip, q.dst.port, q.proto, reversed, p.ifIndex);
    uint32_t *found = m_table.find(key);
    if (!found)
        return;
    Flow &f = m_out.flows[*found];
    e.flowId = *found;
    const bool unreachable = (p.ipProto == 1 && p.icmpType == 3) || (p.ipProto == 58 && p.icmpType == 1);
    if (unreachable && f.proto == 6 && f.synAckCount == 0)
        f.icmpUnreachable = true;
}

void FlowTracker::onTcp(
    const DecodedPacket &p, const pcap::RawPacket &raw, uint32_t ordinal, size_t b, PacketIndexEntry &e)
{
    const int64_t ts = raw.tsNs;
    const bool syn = p.tcpFlags & pcap::TCP_SYN;
    const bool ackFlag = p.tcpFlags & pcap::TCP_ACK;
    const bool rst = p.tcpFlags & pcap::TCP_RST;
    const bool fin = p.tcpFlags & pcap::TCP_FIN;
    bool reversed = false;
    const FlowKey key = FlowKey::make(p.src, p.srcPort, p.dst, p.dstPort, 6, reversed, p.ifIndex);
    const bool srcIsA = !reversed;
    uint32_t id = PacketIndexEntry::kNoFlow;
    if (uint32_t *found = m_table.find(key)) {
        id = *found;
        const FlowState &s = m_states[id];
        if (syn && !ackFlag) {
            // Port reuse: a SYN with another ISN (or on a flow that began without a SYN) is a new
            // connection.
            const bool fromClient = srcIsA == s.clientIsA;
            if (!s.haveClientIsn || !fromClient || s.clientIsn != p.seq)
                id = PacketIndexEntry::kNoFlow;
        }
    }
    bool created = false;
    if (id == PacketIndexEntry::kNoFlow) {
        bool clientIsA;
        bool guessed = false;
        if (syn && !ackFlag)
            clientIsA = srcIsA;
        else if (syn && ackFlag)
            clientIsA = !srcIsA;
        else {
            guessed = true;
            const uint16_t portA = srcIsA ? p.srcPort : p.dstPort;
            const uint16_t portB = srcIsA ? p.dstPort : p.srcPort;
            clientIsA = secondIsServer(portA, portB);
        }
        id = newFlow(key, clientIsA, p, ts, ordinal, reversed);
        Flow &nf = m_out.flows[id];
        nf.serverGuessed = guessed;
        nf.handshakeBeforeCapture = !(syn && !ackFlag);
        created = true;
    }
    (void)created;
    Flow &f = m_out.flows[id];
    FlowState &s = m_states[id];
    const int dir = (srcIsA == s.clientIsA) ? 0 : 1;
    countPacket(f, dir, raw, p, ordinal);
    if (p.tunnelled)
        noteTunnel(f, dir, p);
    e.flowId = id;
    if (dir == 1)
        e.flags |= pcap::PF_FromServer;
    if (syn)
        e.flags |= pcap::PF_Syn;
    if (fin)
        e.flags |= pcap::PF_Fin;
    if (rst)
        e.flags |= pcap::PF_Rst;

    if (!f.isnKnown[dir] || (syn && f.isn[dir] != p.seq && f.packets[dir] == 1)) {
        f.isnKnown[dir] = true;
        f.isn[dir] = syn ? p.seq : p.seq - 1;
    }

    // Handshake.
    if (syn && !ackFlag && dir == 0) {
        ++f.synCount;
        if (f.synTimesNs.size() < SynTimes::kMax)
            f.synTimesNs.push_back(ts);
        if (!f.synAckCount)
            s.lastSynNs = ts;
        if (!s.haveClientIsn) {
            s.haveClientIsn = true;
            s.clientIsn = p.seq;
        }
    } else if (syn && ackFlag && dir == 1) {
        ++f.synAckCount;
        if (!s.synAckSeen) {
            s.synAckSeen = true;
            s.firstSynAckNs = ts;
            if (f.synCount > 0)
                f.handshakeRttNs = ts - s.lastSynNs;
        }
        if (!s.haveServerIsn) {
            s.haveServerIsn = true;
            s.serverIsn = p.seq;
        }
    } else if (!syn && ackFlag && !rst && dir == 0 && s.synAckSeen && !s.ackRttDone
        && p.ack == s.serverIsn + 1) {
        s.ackRttDone = true;
        f.ackRttNs = ts - s.firstSynAckNs;
        if (f.synCount > 0)
            s.tcp.irttNs = ts - s.lastSynNs;
    }
    trackLegs(id, dir, p, ts);
    // A back leg's packets are copies of its front leg's: the timeline counts a connection once.
    const bool copy = f.leg == LegRole::Back;
    if (rst) {
        ++f.resets;
        if (!copy && !staleSynAck(f))
            ++m_out.timeline.resets[b];
        if (f.resetBy == ResetSide::None) {
            f.resetBy = dir == 0 ? ResetSide::Client : ResetSide::Server;
            f.firstResetNs = ts;
            s.resetAfterClose = f.finClient && f.finServer;
        }
        if (dir == 1 && f.synCount > 0 && f.synAckCount == 0)
            f.handshakeRst = true;
    }
    if (fin) {
        if (dir == 0)
            f.finClient = true;
        else
            f.finServer = true;
    }

    // Wireshark sequence analysis.
    const TcpSegmentFlags tf = analyzeTcpSegment(s.tcp, dir, p, ts);
    if (tf.keepAlive) {
        ++f.keepAlives;
        e.flags |= pcap::PF_KeepAlive;
    } else if (tf.retransmission || tf.fast || tf.spurious) {
        ++f.retransmits;
        f.fastRetransmits += tf.fast;
        f.spuriousRetransmits += tf.spurious;
        e.flags |= pcap::PF_Retransmission;
        if (!copy) {
            ++m_out.timeline.retransmits[b];
            m_retrans.emplace_back(static_cast<uint32_t>(b), id);
        }
    } else if (tf.outOfOrder) {
        ++f.outOfOrder;
        e.flags |= pcap::PF_OutOfOrder;
    }
    if (tf.dupAck) {
        ++f.dupAcks;
        e.flags |= pcap::PF_DupAck;
    }
    if (tf.zeroWindow) {
        ++f.zeroWindows;
        e.flags |= pcap::PF_ZeroWindow;
    }

    // HTTP on any port.
    if (p.payloadLen > 0 && p.payloadCaptured > 0 && !rst) {
        if (!s.http && f.requests.empty() && !f.http
            && f.payloadBytes[0] + f.payloadBytes[1] == p.payloadLen) {
            s.http = takeHttpTracker();
            if (s.haveClientIsn)
                s.http->setIsn(0, s.clientIsn);
            if (s.haveServerIsn)
                s.http->setIsn(1, s.serverIsn);
        }
        if (s.http) {
            if (s.http->onSegment(dir, p.seq, p.payload, p.payloadCaptured, ts, f))
                e.flags |= pcap::PF_Http;
            if (!s.http->alive())
                giveBack(s.http);
        }
    }
    if ((fin || rst) && s.http) {
        s.http->onClose(dir, ts, f);
        // Closed both ways: nothing but retransmissions can follow, so settle HTTP now and give
        // the tracker back (a busy LB capture has 100k+ short flows; keeping one tracker each
        // until the end of the capture was most of the analysis's memory and malloc time).
        if (f.finClient && f.finServer) {
            s.http->finish(f);
            giveBack(s.http);
        }
    }
}

} // namespace lbs::analysis
