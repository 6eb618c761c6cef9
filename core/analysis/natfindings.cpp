#include "core/analysis/natfindings.h"

#include "core/analysis/backends.h"
#include "core/analysis/findingtext.h"
#include "core/analysis/percentile.h"

#include <algorithm>
#include <map>

namespace lbs::analysis {

namespace {

/// Times, interfaces and flows of one group of events.
struct Span {
    std::vector<uint32_t> flows;
    std::set<int32_t> ifaces;
    size_t packets = 0;
    int64_t first = 0, last = 0;
    void at(int64_t t)
    {
        first = first && first < t ? first : t;
        last = std::max(last, t);
    }
};

std::string interfaces(const CaptureAnalysis &a, const std::set<int32_t> &ifaces, const char *unknown)
{
    std::string s;
    for (int32_t i : ifaces) {
        if (i < 0)
            continue;
        s += (s.empty() ? "" : ", ") + a.interfaceName(i);
    }
    return s.empty() ? std::string(unknown) : s;
}

std::string between(const Span &s)
{
    if (s.first == s.last)
        return " at " + clockText(s.first);
    return " between " + clockText(s.first) + " and " + clockText(s.last);
}

std::string backendLabel(const std::vector<Backend> &backends, const pcap::Endpoint &ep)
{
    for (const Backend &b : backends)
        if (b.endpoint == ep)
            return b.label();
    return ep.toString();
}

Finding located(Severity sev, FindingKind kind, std::string text, const Span &s)
{
    Finding f = makeFinding(sev, kind, std::move(text), s.flows);
    f.startNs = s.first;
    f.endNs = s.last;
    return f;
}

} // namespace

std::set<uint32_t> natFindings(
    const CaptureAnalysis &a, const std::vector<Backend> &backends, std::vector<Finding> &out)
{
    std::set<uint32_t> done;
    if (a.connections.empty())
        return done;
    const std::string node
        = a.manifest && !a.manifest->node.empty() ? "node " + a.manifest->node : "the node";
    pcap::IpAddress vip;
    if (a.manifest && !a.manifest->vip.empty())
        vip = pcap::IpAddress::parse(a.manifest->vip);
    std::set<pcap::Endpoint> fronts;
    for (const NatConnection &c : a.connections)
        fronts.insert(a.flows[c.front()].server);

    // SYNs to a front address that never got a back leg: never forwarded by the node.
    std::map<pcap::Endpoint, Span> never;
    for (const Flow &f : a.flows) {
        if (f.proto != 6 || f.connection >= 0 || f.synCount == 0 || f.synAckCount > 0 || f.handshakeRst
            || f.icmpUnreachable || f.packets[1] > 0)
            continue;
        if (!fronts.count(f.server) && !(vip.isSet() && f.server.ip == vip))
            continue;
        Span &s = never[f.server];
        s.flows.push_back(f.id);
        s.ifaces.insert(f.ifIndex);
        s.packets += f.synCount;
        for (int64_t t : f.synTimesNs)
            s.at(t);
        s.at(f.firstTsNs);
        done.insert(f.id);
    }
    for (const auto &[server, s] : never)
        out.push_back(located(Severity::Error, FindingKind::FailedHandshakesInNode,
            plural(s.flows.size(), "connection attempt", "connection attempts") + " to " + server.toString()
                + " were dropped inside " + node + ": " + plural(s.packets, "SYN", "SYNs") + " seen on "
                + interfaces(a, s.ifaces, "the VIP side") + between(s)
                + ", none forwarded to any pod — check conntrack drops (conntrack -S), NetworkPolicy and "
                  "externalTrafficPolicy: Local without a local endpoint",
            s));

    // Joined connections whose handshake failed: at the pod, or on the way back.
    std::map<pcap::Endpoint, Span> silent, replyLost;
    for (const NatConnection &c : a.connections) {
        const Flow &front = a.flows[c.front()];
        const Flow &back = a.flows[c.back()];
        if (front.synAckCount > 0)
            continue;
        if (back.synAckCount > 0) {
            Span &s = replyLost[back.server];
            s.flows.push_back(front.id);
            s.ifaces.insert(back.ifIndex);
            s.packets += back.synAckCount;
            s.at(back.firstTsNs);
            s.at(back.lastTsNs);
            done.insert(front.id);
        } else if (back.synCount > 0 && !back.handshakeRst && !back.icmpUnreachable && back.packets[1] == 0) {
            Span &s = silent[back.server];
            s.flows.push_back(front.id);
            s.ifaces.insert(back.ifIndex);
            s.packets += back.synCount;
            for (int64_t t : back.synTimesNs)
                s.at(t);
            done.insert(front.id);
        }
    }
    for (const auto &[pod, s] : silent)
        out.push_back(located(Severity::Error, FindingKind::FailedHandshakesPodSilent,
            plural(s.flows.size(), "connection attempt", "connection attempts") + " forwarded to "
                + backendLabel(backends, pod) + " got no answer: " + plural(s.packets, "SYN", "SYNs")
                + " seen on " + interfaces(a, s.ifaces, "the pod side") + between(s)
                + ", no SYN/ACK or RST from the pod — check that pod (hung, broken network, NetworkPolicy)",
            s));
    for (const auto &[pod, s] : replyLost)
        out.push_back(located(Severity::Error, FindingKind::FailedHandshakesReplyLost,
            plural(s.flows.size(), "connection attempt", "connection attempts") + " answered by "
                + backendLabel(backends, pod)
                + " never completed: " + plural(s.packets, "SYN/ACK", "SYN/ACKs") + " seen on "
                + interfaces(a, s.ifaces, "the pod side") + between(s) + " never left " + node
                + " towards the client — the reply was lost inside the node (reverse NAT, conntrack, "
                  "return route)",
            s));

    // Packets of the other connections lost between the two sides.
    Span lost[2];
    std::map<InNodePacket, size_t> kinds[2];
    std::set<uint32_t> lostFlows;
    for (const InNodeDrop &d : a.inNodeDrops) {
        const NatConnection &c = a.connections[d.connection];
        if (done.count(c.front()))
            continue;
        Span &s = lost[d.dir];
        ++s.packets;
        s.at(d.tsNs);
        s.ifaces.insert(a.flows[d.dir == 0 ? c.front() : c.back()].ifIndex);
        ++kinds[d.dir][d.kind];
        lostFlows.insert(c.front());
    }
    if (lostFlows.empty())
        return done;
    const size_t total = lost[0].packets + lost[1].packets;
    std::string text = plural(total, "packet", "packets") + " of "
        + plural(lostFlows.size(), "connection", "connections") + (total == 1 ? " was" : " were")
        + " lost inside " + node + ":";
    Span all;
    for (int d = 0; d < 2; ++d) {
        if (!lost[d].packets)
            continue;
        std::string what;
        for (const auto &[k, n] : kinds[d])
            what += (what.empty() ? "" : ", ")
                + (k == InNodePacket::Data
                        ? plural(n, "data segment", "data segments")
                        : std::to_string(n) + " " + inNodePacketName(k) + (n > 1 ? "s" : ""));
        text += (d == 1 && lost[0].packets ? ";" : "") + std::string(" ") + what
            + (d == 0 ? " from clients seen on " + interfaces(a, lost[0].ifaces, "the VIP side")
                        + " never reached a pod"
                      : " from pods seen on " + interfaces(a, lost[1].ifaces, "the pod side")
                        + " never left towards the client")
            + between(lost[d]);
        all.at(lost[d].first);
        all.at(lost[d].last);
    }
    all.flows.assign(lostFlows.begin(), lostFlows.end());
    out.push_back(located(Severity::Warning, FindingKind::DroppedInNode,
        text + " — check conntrack -S (insert_failed, drop), softnet drops and the node's load", all));
    return done;
}

void slowBackendFindings(const std::vector<Backend> &backends, std::vector<Finding> &out)
{
    std::vector<const Backend *> eligible;
    for (const Backend &b : backends)
        if (b.ttfb.samples >= 5 && b.ttfb.p50Ns)
            eligible.push_back(&b);
    if (eligible.size() < 2)
        return;
    for (const Backend *b : eligible) {
        std::vector<double> others;
        for (const Backend *o : eligible)
            if (o != b)
                others.push_back(static_cast<double>(*o->ttfb.p50Ns));
        const double mine = static_cast<double>(*b->ttfb.p50Ns);
        const double theirs = median(others);
        if (!(mine >= 3 * theirs && mine - theirs >= 20e6))
            continue;
        const std::string rest = fmtDuration(theirs) + " for the other "
            + plural(others.size(), "backend", "backends") + " — check that pod's load, limits and logs";
        out.push_back(makeFinding(Severity::Warning, FindingKind::SlowBackend,
            b->pod.empty()
                ? b->endpoint.toString() + " answers slowly: median TTFB " + fmtDuration(mine) + " vs " + rest
                : b->label() + " answers in " + fmtDuration(mine) + " median vs " + rest,
            b->flows));
    }
}

} // namespace lbs::analysis
