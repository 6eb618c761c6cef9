#include "core/analysis/verdict.h"

#include <algorithm>
#include <climits>
#include <cstdio>
#include <map>
#include <set>

namespace lbs::analysis {
namespace {

constexpr int64_t kMs = 1000000;
constexpr int64_t kSlowFloorNs = 100 * kMs; ///< a request is slow from 100 ms on ...
constexpr int kSlowFactor = 5; ///< ... and at 5 times the median first-byte time
constexpr int64_t kRetryWindowNs = 1500 * kMs; ///< a SYN is retransmitted after 1 s when unanswered

std::string plural(int n, const char *one, const char *many)
{
    return std::to_string(n) + ' ' + (n == 1 ? one : many);
}

std::string durationText(int64_t ns)
{
    char buf[32];
    if (ns >= 1000 * kMs)
        std::snprintf(buf, sizeof buf, "%.1f s", double(ns) / 1e9);
    else
        std::snprintf(buf, sizeof buf, "%lld ms", static_cast<long long>((ns + kMs / 2) / kMs));
    return buf;
}

struct Context {
    const CaptureAnalysis &a;
    const VerdictContext &c;
    std::string where; ///< "through lab-node-1 eth1", or empty

    std::string span(int64_t first, int64_t last) const
    {
        const std::string from = clockTime(first, c.utcOffsetSeconds);
        const std::string to = clockTime(last, c.utcOffsetSeconds);
        return from == to ? "at " + from : "between " + from + " and " + to;
    }
    std::string backendName(const pcap::IpAddress &ip) const
    {
        const std::string text = ip.toString();
        for (const auto &[addr, pod] : c.backends)
            if (addr == text)
                return pod + " (" + text + ")";
        for (const EndpointInfo &e : a.endpoints) // the capture's own endpoint map (manifest.json)
            if (e.ip == ip && !e.pod.empty())
                return (e.ns.empty() ? e.pod : e.ns + '/' + e.pod) + " (" + text + ")";
        return text;
    }
    bool knownBackend(const std::string &ip) const
    {
        return std::any_of(c.backends.begin(), c.backends.end(), [&](const auto &b) { return b.first == ip; })
            || std::any_of(a.endpoints.begin(), a.endpoints.end(),
                [&](const EndpointInfo &e) { return e.ip.toString() == ip; });
    }
    /// Where a connection went: its back leg's server (the pod) when the capture joined its NAT legs.
    const pcap::IpAddress &serverOf(const Flow &f) const
    {
        if (f.connection >= 0 && size_t(f.connection) < a.connections.size()) {
            const NatConnection &nc = a.connections[size_t(f.connection)];
            if (nc.legCount > 1 && nc.back() < a.flows.size())
                return a.flows[nc.back()].server.ip;
        }
        return f.server.ip;
    }
    /// "; all went to web-2 (10.244.2.5)" when the flows share one server that is a known backend, or
    /// one that is not the capture's VIP.
    std::string oneBackend(const std::vector<const Flow *> &flows) const
    {
        std::set<std::string> servers;
        for (const Flow *f : flows)
            servers.insert(serverOf(*f).toString());
        if (servers.size() != 1 || flows.empty())
            return {};
        const std::string ip = *servers.begin();
        const bool vip = a.manifest && a.manifest->vip == ip;
        if (!knownBackend(ip) && (vip || (c.backends.empty() && a.endpoints.empty())))
            return {};
        return std::string(flows.size() == 1 ? "; it went to " : "; all went to ")
            + backendName(serverOf(*flows.front()));
    }
    std::string counted(int n, int total, const char *what) const
    {
        std::string s = std::to_string(n) + " of " + plural(total, what, (std::string(what) + "s").c_str());
        if (!where.empty())
            s += ' ' + where;
        return s;
    }
};

int64_t firstSyn(const Flow &f)
{
    return f.synTimesNs.empty() ? f.firstTsNs : f.synTimesNs.front();
}

/// The span of the flows' first SYNs.
std::pair<int64_t, int64_t> synSpan(const std::vector<const Flow *> &flows)
{
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (const Flow *f : flows) {
        lo = std::min(lo, firstSyn(*f));
        hi = std::max(hi, firstSyn(*f));
    }
    return {lo, hi};
}

/// "; all first SYNs were retransmitted after 1 s" / "; 4 of them retransmitted the SYN" / "".
std::string retryClause(const std::vector<const Flow *> &flows)
{
    int retried = 0, afterOneSecond = 0;
    for (const Flow *f : flows) {
        if (f->synTimesNs.size() < 2)
            continue;
        ++retried;
        const int64_t gap = f->synTimesNs[1] - f->synTimesNs[0];
        if (gap >= 750 * kMs && gap <= 1300 * kMs)
            ++afterOneSecond;
    }
    if (retried == 0)
        return {};
    if (retried == int(flows.size()) && afterOneSecond == retried)
        return flows.size() == 1 ? "; its first SYN was retransmitted after 1 s"
                                 : "; all first SYNs were retransmitted after 1 s";
    if (retried == int(flows.size()))
        return flows.size() == 1 ? "; its SYN was retransmitted" : "; all retransmitted their SYN";
    return "; " + std::to_string(retried) + " of them retransmitted the SYN";
}

int64_t median(std::vector<int64_t> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

} // namespace

std::string clockTime(int64_t ns, int utcOffsetSeconds)
{
    int64_t s = ns / 1000000000 + utcOffsetSeconds;
    s %= 86400;
    if (s < 0)
        s += 86400;
    char buf[16];
    std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", int(s / 3600), int(s / 60 % 60), int(s % 60));
    return buf;
}

const char *verdictAdvice(VerdictKind kind)
{
    switch (kind) {
    case VerdictKind::NoConnections:
        return "Capture while the problem happens, on the node that holds the VIP, with a filter that "
               "matches the clients' traffic.";
    case VerdictKind::NoSynAck:
        return "The SYNs reached the node but no answer came back: something on the node drops them "
               "(conntrack, NetworkPolicy, externalTrafficPolicy Local without a local endpoint). Capture "
               "on a pod's interface too to see whether the SYN gets there.";
    case VerdictKind::Refused:
        return "Something answered the SYN with a reset: usually no process listens on the targetPort, "
               "or the service has no endpoint and kube-proxy rejects the connection.";
    case VerdictKind::Unreachable:
        return "The node answered with ICMP unreachable: kube-proxy found no endpoint for the service.";
    case VerdictKind::SynRetried:
        return "First SYNs are lost and the retransmission gets through: look for conntrack insert "
               "failures (conntrack -S) or drops on the node; this adds a second to every affected connect.";
    case VerdictKind::ServerResets:
        return "Established connections are reset from the server side: check the backends' logs and "
               "restarts, and idle timeouts between the load balancer and the pods.";
    case VerdictKind::SlowResponses:
        return "A share of requests is slow while the rest is fast: usually one backend. Capture on the "
               "pods' interfaces (or compare the latency per backend in the viewer) to see which.";
    case VerdictKind::Healthy:
        break;
    }
    return "Nothing failed while capturing. If the problem is intermittent, capture longer, or while it "
           "happens.";
}

Verdict computeVerdict(const CaptureAnalysis &analysis, const VerdictContext &context)
{
    std::string node = context.node, iface = context.iface;
    if (analysis.manifest) {
        if (node.empty())
            node = analysis.manifest->node;
        if (iface.empty())
            iface = analysis.manifest->iface;
    }
    if (iface == "any") {
        // A capture of every interface (-i any): the connections entered through the interface their
        // front legs were seen on, the one most of them used.
        std::map<int32_t, int> seen;
        for (const Flow &f : analysis.flows)
            if (f.leg == LegRole::Front && f.ifIndex >= 0)
                ++seen[f.ifIndex];
        const auto most = std::max_element(
            seen.begin(), seen.end(), [](const auto &a, const auto &b) { return a.second < b.second; });
        if (most != seen.end())
            iface = analysis.interfaceName(most->first);
    }
    Context cx {analysis, context, {}};
    if (!node.empty() || !iface.empty())
        cx.where = "through " + node + (node.empty() || iface.empty() ? "" : " ") + iface;

    // Connections: TCP flows whose handshake the capture saw begin.
    std::vector<const Flow *> connections, noAnswer, refused, unreachable, retried, resets;
    for (const Flow &f : analysis.flows) {
        // A connection seen on both sides of the node's NAT counts once, by its front leg.
        if (f.proto != 6 || f.handshakeBeforeCapture || f.synCount == 0 || f.leg == LegRole::Back)
            continue;
        // A lone unanswered SYN in the capture's last moments may have been answered after it ended.
        if (f.outcome == FlowOutcome::FailedHandshake && !f.handshakeRst && !f.icmpUnreachable
            && f.synCount == 1 && firstSyn(f) >= analysis.lastTsNs - kRetryWindowNs)
            continue;
        connections.push_back(&f);
        if (f.outcome == FlowOutcome::FailedHandshake) {
            if (f.handshakeRst)
                refused.push_back(&f);
            else if (f.icmpUnreachable)
                unreachable.push_back(&f);
            else
                noAnswer.push_back(&f);
        } else if (f.synCount >= 2 && f.synAckCount > 0) {
            retried.push_back(&f);
        }
        if (f.outcome == FlowOutcome::Reset && f.resetBy == ResetSide::Server)
            resets.push_back(&f);
    }
    Verdict v;
    const int total = int(connections.size());
    v.total = total;
    if (total == 0) {
        v.kind = VerdictKind::NoConnections;
        v.sentence = "No TCP connection" + (cx.where.empty() ? std::string() : ' ' + cx.where)
            + " began while capturing";
        if (analysis.packets > 0)
            v.sentence += " (" + plural(int(analysis.packets), "packet", "packets") + ' '
                + cx.span(analysis.firstTsNs, analysis.lastTsNs) + ')';
        v.sentence += "; check that clients reached the VIP and that the filter lets their packets through.";
        return v;
    }
    // `one` or `many` says how, by the number of flows.
    const auto problem = [&](VerdictKind kind, const std::vector<const Flow *> &flows, const char *one,
                             const char *many, const std::string &tail) {
        const auto [lo, hi] = synSpan(flows);
        const std::string how = flows.size() == 1 ? one : many;
        v.kind = kind;
        v.affected = int(flows.size());
        v.sentence = cx.counted(int(flows.size()), total, "connection") + ' ' + how + ' ' + cx.span(lo, hi)
            + tail + cx.oneBackend(flows) + '.';
    };
    if (!noAnswer.empty() && !retried.empty()) {
        // Some never got an answer, more got one only to a retransmission: one sentence for both.
        std::vector<const Flow *> unanswered = noAnswer;
        unanswered.insert(unanswered.end(), retried.begin(), retried.end());
        problem(VerdictKind::NoSynAck, unanswered, "got no SYN/ACK to its first SYN",
            "got no SYN/ACK to their first SYN",
            retryClause(unanswered) + "; " + std::to_string(noAnswer.size()) + " never got one");
        v.affected = int(unanswered.size());
        return v;
    }
    if (!noAnswer.empty()) {
        problem(VerdictKind::NoSynAck, noAnswer, "got no SYN/ACK", "got no SYN/ACK", retryClause(noAnswer));
        return v;
    }
    if (!refused.empty()) {
        problem(VerdictKind::Refused, refused, "was refused with a RST to its SYN",
            "were refused with a RST to their SYN", {});
        return v;
    }
    if (!unreachable.empty()) {
        problem(VerdictKind::Unreachable, unreachable, "was answered with ICMP unreachable",
            "were answered with ICMP unreachable", {});
        return v;
    }
    if (!retried.empty()) {
        problem(VerdictKind::SynRetried, retried, "connected only after its first SYN went unanswered",
            "connected only after their first SYN went unanswered", retryClause(retried));
        return v;
    }
    if (!resets.empty()) {
        problem(VerdictKind::ServerResets, resets, "was reset by the server side",
            "were reset by the server side", {});
        return v;
    }

    // Slow responses: requests whose first byte came 5 times later than the median and after 100 ms.
    std::vector<int64_t> ttfb;
    for (const Flow *f : connections)
        for (const HttpRequest &r : f->requests)
            if (r.ttfbNs)
                ttfb.push_back(*r.ttfbNs);
    const int64_t med = median(ttfb);
    const int64_t threshold = std::max(kSlowFloorNs, kSlowFactor * med);
    std::vector<const Flow *> slowFlows;
    std::vector<int64_t> slowTtfb;
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (const Flow *f : connections) {
        bool slow = false;
        for (const HttpRequest &r : f->requests) {
            if (!r.ttfbNs || *r.ttfbNs < threshold)
                continue;
            slow = true;
            slowTtfb.push_back(*r.ttfbNs);
            lo = std::min(lo, r.tsNs);
            hi = std::max(hi, r.tsNs);
        }
        if (slow)
            slowFlows.push_back(f);
    }
    if (!slowTtfb.empty()) {
        v.kind = VerdictKind::SlowResponses;
        v.affected = int(slowTtfb.size());
        v.total = int(ttfb.size());
        v.sentence = cx.counted(v.affected, v.total, "HTTP request") + " waited "
            + durationText(median(slowTtfb)) + " (median) for the first response byte, against "
            + durationText(med) + " for all requests, " + cx.span(lo, hi) + cx.oneBackend(slowFlows) + '.';
        return v;
    }
    v.kind = VerdictKind::Healthy;
    const auto [first, last] = synSpan(connections);
    v.sentence
        = (total == 1 ? std::string("The one connection") : "All " + std::to_string(total) + " connections")
        + (cx.where.empty() ? std::string() : ' ' + cx.where) + ' ' + cx.span(first, last)
        + (total == 1 ? " completed its handshake" : " completed their handshake")
        + "; none was refused or reset by the server";
    if (!ttfb.empty())
        v.sentence += ", and " + plural(int(ttfb.size()), "HTTP request", "HTTP requests")
            + " got their first byte after " + durationText(med) + " (median)";
    v.sentence += '.';
    return v;
}

} // namespace lbs::analysis
