#include "core/analysis/findings.h"

#include "core/analysis/backends.h"
#include "core/analysis/findingtext.h"
#include "core/analysis/natfindings.h"
#include "core/analysis/percentile.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

namespace lbs::analysis {

namespace {

struct Context {
    const CaptureAnalysis &a;
    const std::vector<Backend> &backends;
    std::set<uint32_t> located; ///< flows a both-sides finding already explains
    size_t distinctServers = 0;
};

/// A back leg is a copy of its front leg: every count takes a connection once, by its front. Stale
/// SYN/ACKs are no connection.
bool counted(const Flow &f)
{
    return f.leg != LegRole::Back && !f.staleSynAck;
}

// "; 3 of 4 went to 192.0.2.12:8080" when the capture has several servers and one dominates.
std::string backendShare(const Context &ctx, const std::vector<uint32_t> &ids, const char *what)
{
    if (ctx.distinctServers < 2 || ids.size() < 2)
        return {};
    std::map<pcap::Endpoint, size_t> counts;
    for (uint32_t id : ids)
        ++counts[backendServer(ctx.a, ctx.a.flows[id])];
    auto top = std::max_element(
        counts.begin(), counts.end(), [](const auto &x, const auto &y) { return x.second < y.second; });
    auto name = [&](const pcap::Endpoint &ep) {
        for (const Backend &b : ctx.backends)
            if (b.endpoint == ep)
                return b.label();
        return ep.toString();
    };
    if (counts.size() == 1)
        return "; all went to " + name(top->first);
    if (top->second * 2 <= ids.size() && top->second < 2)
        return {};
    return "; " + std::to_string(top->second) + " of " + std::to_string(ids.size()) + " " + what + " went to "
        + name(top->first);
}

// " to 203.0.113.10:80", or with joined legs " to 203.0.113.10:80 (pod default/web-1 on n3 (ip:port))".
std::string commonServer(const Context &ctx, const std::vector<uint32_t> &ids)
{
    if (ids.empty())
        return {};
    const Flow &first = ctx.a.flows[ids.front()];
    const pcap::Endpoint &s = first.server;
    const pcap::Endpoint b = backendServer(ctx.a, first);
    bool sameBackend = true;
    for (uint32_t id : ids) {
        if (!(ctx.a.flows[id].server == s))
            return {};
        sameBackend = sameBackend && backendServer(ctx.a, ctx.a.flows[id]) == b;
    }
    if (!sameBackend || b == s)
        return " to " + s.toString();
    for (const Backend &backend : ctx.backends)
        if (backend.endpoint == b)
            return " to " + s.toString() + " (" + backend.label() + ")";
    return " to " + s.toString() + " (" + b.toString() + ")";
}

void handshakeFindings(const Context &ctx, std::vector<Finding> &out)
{
    std::vector<uint32_t> unanswered, icmp, refused, retried;
    size_t linuxPattern = 0;
    int64_t first = 0, last = 0;
    for (const Flow &f : ctx.a.flows) {
        if (f.proto != 6 || f.synCount == 0 || !counted(f) || ctx.located.count(f.id))
            continue;
        if (f.outcome == FlowOutcome::FailedHandshake && f.icmpUnreachable) {
            icmp.push_back(f.id);
        } else if (f.outcome == FlowOutcome::FailedHandshake) {
            unanswered.push_back(f.id);
            if (f.synCount >= 2 && isLinuxSynRetryPattern(f.synTimesNs))
                ++linuxPattern;
            first = first ? std::min(first, f.firstTsNs) : f.firstTsNs;
            last = std::max(last, f.lastTsNs);
        } else if (f.handshakeRst) {
            refused.push_back(f.id);
        } else if (f.synCount > 1 && f.synAckCount > 0) {
            retried.push_back(f.id);
        }
    }
    if (!unanswered.empty()) {
        std::string s = plural(unanswered.size(), "connection attempt", "connection attempts")
            + commonServer(ctx, unanswered) + " got no SYN/ACK";
        if (linuxPattern > 0)
            s += " (" + std::to_string(linuxPattern)
                + " retried SYN at about +1 s, +3 s, +7 s: Linux backoff)";
        s += " between " + clockText(first) + " and " + clockText(last)
            + ": SYNs are dropped before any server answers — check NetworkPolicy, externalTrafficPolicy: "
              "Local "
              "without a local endpoint, or conntrack drops on the node";
        s += backendShare(ctx, unanswered, "failures");
        Finding f = makeFinding(Severity::Error, FindingKind::FailedHandshakes, s, unanswered);
        f.startNs = first;
        f.endNs = last;
        out.push_back(std::move(f));
    }
    if (!icmp.empty())
        out.push_back(makeFinding(Severity::Error, FindingKind::IcmpPortUnreachable,
            plural(icmp.size(), "SYN", "SYNs") + commonServer(ctx, icmp)
                + " answered with ICMP port unreachable: the service has no ready endpoints "
                  "(kube-proxy REJECT) — check the pods behind it",
            icmp));
    if (!refused.empty())
        out.push_back(makeFinding(Severity::Error, FindingKind::HandshakeRefused,
            plural(refused.size(), "connection attempt", "connection attempts") + commonServer(ctx, refused)
                + " refused with RST: nothing listens on the target port (pod not ready, crashed or "
                  "wrong targetPort)"
                + backendShare(ctx, refused, "refusals"),
            refused));
    if (!retried.empty())
        out.push_back(makeFinding(Severity::Warning, FindingKind::SynRetransmitted,
            plural(retried.size(), "connection", "connections")
                + " succeeded only after SYN retransmissions (connect delayed by about 1 s or 3 s): "
                  "first SYNs were lost — SNAT port race (conntrack insert_failed) or drops on the path"
                + backendShare(ctx, retried, "of them"),
            retried));
}

void resetFindings(const Context &ctx, std::vector<Finding> &out)
{
    std::vector<uint32_t> byClient, byServer, byVip;
    const std::string vip = ctx.a.manifest ? ctx.a.manifest->vip : std::string();
    const pcap::IpAddress vipAddr = vip.empty() ? pcap::IpAddress {} : pcap::IpAddress::parse(vip);
    for (const Flow &f : ctx.a.flows) {
        if (f.proto != 6 || f.outcome != FlowOutcome::Reset || f.handshakeRst || !counted(f))
            continue;
        if (f.resetBy == ResetSide::Client)
            byClient.push_back(f.id);
        else if (vipAddr.isSet() && backendServer(ctx.a, f).ip == vipAddr)
            byVip.push_back(f.id);
        else
            byServer.push_back(f.id);
    }
    if (!byServer.empty())
        out.push_back(makeFinding(Severity::Warning, FindingKind::ResetsFromServer,
            plural(byServer.size(), "connection was", "connections were")
                + " reset by the server side: application crash or restart, idle timeout, or stale "
                  "conntrack after an endpoint change"
                + backendShare(ctx, byServer, "resets"),
            byServer));
    if (!byVip.empty())
        out.push_back(makeFinding(Severity::Warning, FindingKind::ResetsFromVip,
            plural(byVip.size(), "connection was", "connections were") + " reset from the VIP side (" + vip
                + "): the node answered for the service — no endpoint, failover or lost conntrack",
            byVip));
    if (!byClient.empty())
        out.push_back(makeFinding(Severity::Info, FindingKind::ResetsFromClient,
            plural(byClient.size(), "connection was", "connections were")
                + " reset by the client: usually client timeouts or aborted requests"
                + backendShare(ctx, byClient, "resets"),
            byClient));
}

void retransmissionFindings(const Context &ctx, const FindingInputs &in, std::vector<Finding> &out)
{
    const Timeline &t = ctx.a.timeline;
    if (in.retransmissions.empty() || t.size() == 0)
        return;
    struct Burst {
        size_t from, to;
        uint64_t retrans = 0, packets = 0;
    };
    std::vector<Burst> bursts;
    for (size_t i = 0; i < t.size(); ++i) {
        const bool hot = t.retransmits[i] >= 5 && t.retransmits[i] * 20 >= t.packets[i];
        if (!hot)
            continue;
        if (!bursts.empty() && bursts.back().to + 2 >= i)
            bursts.back().to = i;
        else
            bursts.push_back(Burst {i, i});
    }
    for (Burst &b : bursts)
        for (size_t i = b.from; i <= b.to; ++i) {
            b.retrans += t.retransmits[i];
            b.packets += t.packets[i];
        }
    std::sort(
        bursts.begin(), bursts.end(), [](const Burst &x, const Burst &y) { return x.retrans > y.retrans; });
    if (bursts.size() > 5)
        bursts.resize(5);
    for (const Burst &b : bursts) {
        std::set<uint32_t> ids;
        for (const auto &[bucket, flow] : in.retransmissions)
            if (bucket >= b.from && bucket <= b.to)
                ids.insert(flow);
        std::vector<uint32_t> flows(ids.begin(), ids.end());
        const int64_t start = t.bucketStartNs(b.from);
        const int64_t end = t.bucketStartNs(b.to + 1);
        char pct[16];
        std::snprintf(pct, sizeof pct, "%.0f %%",
            100.0 * static_cast<double>(b.retrans) / static_cast<double>(b.packets));
        Finding f = makeFinding(Severity::Warning, FindingKind::RetransmissionBurst,
            std::to_string(b.retrans) + " retransmissions between " + clockText(start) + " and "
                + clockText(end) + " (" + pct + " of packets) on " + plural(flows.size(), "flow", "flows")
                + ": packet loss on the path or an overloaded node" + backendShare(ctx, flows, "flows"),
            flows);
        f.startNs = start;
        f.endNs = end;
        out.push_back(std::move(f));
    }
}

void latencyFindings(const Context &ctx, std::vector<Finding> &out)
{
    const Timeline &t = ctx.a.timeline;
    std::vector<double> p99s;
    for (double v : t.ttfbP99Us)
        if (!std::isnan(v))
            p99s.push_back(v);
    if (p99s.size() >= 3) {
        const double base = median(p99s); // µs
        struct Span {
            size_t from, to;
            double peak;
        };
        std::vector<Span> spans;
        for (size_t i = 0; i < t.size(); ++i) {
            const double v = t.ttfbP99Us[i];
            if (std::isnan(v) || v < 3 * base || v - base < 20'000)
                continue;
            if (!spans.empty() && spans.back().to + 2 >= i) {
                spans.back().to = i;
                spans.back().peak = std::max(spans.back().peak, v);
            } else {
                spans.push_back(Span {i, i, v});
            }
        }
        for (const Span &s : spans) {
            const int64_t start = t.bucketStartNs(s.from);
            const int64_t end = t.bucketStartNs(s.to + 1);
            std::vector<uint32_t> ids;
            size_t slow = 0;
            for (const Flow &f : ctx.a.flows) {
                if (!counted(f))
                    continue;
                bool hit = false;
                for (const HttpRequest &r : f.requests)
                    if (r.ttfbNs && r.tsNs >= start && r.tsNs < end && *r.ttfbNs / 1e3 >= 3 * base) {
                        ++slow;
                        hit = true;
                    }
                if (hit)
                    ids.push_back(f.id);
            }
            Finding f = makeFinding(Severity::Warning, FindingKind::LatencySpike,
                "TTFB p99 rose from " + fmtDuration(base * 1e3) + " to " + fmtDuration(s.peak * 1e3)
                    + " between " + clockText(start) + " and " + clockText(end) + " ("
                    + plural(slow, "request", "requests") + " slower than " + fmtDuration(3 * base * 1e3)
                    + ")" + backendShare(ctx, ids, "slow flows"),
                ids);
            f.startNs = start;
            f.endNs = end;
            out.push_back(std::move(f));
        }
    }
}

void otherFindings(const Context &ctx, std::vector<Finding> &out)
{
    const CaptureAnalysis &a = ctx.a;
    std::vector<uint32_t> zw, midstream, errors5xx, tunnelled;
    std::map<int, size_t> statusCounts;
    for (const Flow &f : a.flows) {
        if (f.tunnel >= 0)
            tunnelled.push_back(f.id);
        if (!counted(f))
            continue;
        if (f.zeroWindows > 0)
            zw.push_back(f.id);
        if (f.proto == 6 && f.handshakeBeforeCapture && f.synAckCount == 0)
            midstream.push_back(f.id);
        bool err = false;
        for (const HttpRequest &r : f.requests)
            if (r.status && *r.status >= 500) {
                ++statusCounts[*r.status];
                err = true;
            }
        if (err)
            errors5xx.push_back(f.id);
    }
    if (!errors5xx.empty()) {
        size_t total = 0;
        std::string detail;
        for (const auto &[code, n] : statusCounts) {
            total += n;
            detail += (detail.empty() ? "" : ", ") + std::to_string(code) + ": " + std::to_string(n);
        }
        out.push_back(makeFinding(Severity::Warning, FindingKind::HttpServerErrors,
            plural(total, "HTTP 5xx response", "HTTP 5xx responses") + " (" + detail + ")"
                + backendShare(ctx, errors5xx, "flows with errors"),
            errors5xx));
    }
    if (!zw.empty())
        out.push_back(makeFinding(Severity::Warning, FindingKind::ZeroWindow,
            "a receiver advertised a zero window on " + plural(zw.size(), "flow", "flows")
                + ": the application stopped reading (overloaded or stalled pod)"
                + backendShare(ctx, zw, "flows"),
            zw));
    if (a.manifest) {
        const pcap::TcpdumpStats &m = a.manifest->stats;
        if (m.droppedByKernel && *m.droppedByKernel > 0)
            out.push_back(makeFinding(Severity::Warning, FindingKind::KernelDrops,
                "tcpdump reported " + std::to_string(*m.droppedByKernel) + " packets dropped by kernel"
                    + (m.receivedByFilter
                            ? " of " + std::to_string(*m.receivedByFilter) + " received by filter"
                            : std::string())
                    + ": missing packets are capture artefacts, not network loss — raise -B or "
                      "tighten the filter"));
        if (m.droppedByInterface && *m.droppedByInterface > 0)
            out.push_back(makeFinding(Severity::Warning, FindingKind::InterfaceDrops,
                "tcpdump reported " + std::to_string(*m.droppedByInterface)
                    + " packets dropped by the interface: the capture is incomplete"));
    }
    for (const auto &f : a.files)
        if (f.shrank)
            out.push_back(makeFinding(Severity::Warning, FindingKind::TruncatedFile,
                f.path
                    + " became shorter while it was read (truncated or rewritten by another process, "
                      "e.g. a tcpdump -W ring): "
                    + std::to_string(f.packets) + " packets were read, the rest was not"));
        else if (f.truncated)
            out.push_back(makeFinding(Severity::Warning, FindingKind::TruncatedFile,
                f.path + " ends inside a packet record (tcpdump killed before flushing?): "
                    + std::to_string(f.packets) + " packets were read, the rest is lost"));
    for (size_t i = 0; i + 1 < a.files.size(); ++i)
        if (a.files[i].packets && a.files[i + 1].packets && a.files[i].lastTsNs > a.files[i + 1].firstTsNs)
            out.push_back(makeFinding(Severity::Info, FindingKind::OverlappingFiles,
                a.files[i].path + " and " + a.files[i + 1].path
                    + " overlap in time (two captures of the same traffic?); packets were merged by "
                      "timestamp"));
    for (const pcap::DuplicateFile &d : a.duplicateFiles)
        out.push_back(makeFinding(Severity::Info, FindingKind::DuplicateFile, d.message()));
    if (!midstream.empty())
        out.push_back(makeFinding(Severity::Info, FindingKind::HandshakeBeforeCapture,
            plural(midstream.size(), "TCP flow", "TCP flows")
                + " started before the capture; client and server were guessed from the ports",
            midstream));
    if (a.counters.tunnelled > 0) {
        std::string kinds;
        for (pcap::TunnelKind k : {pcap::TunnelKind::IpInIp, pcap::TunnelKind::Gre, pcap::TunnelKind::Vxlan,
                 pcap::TunnelKind::Geneve, pcap::TunnelKind::Erspan})
            if (const uint64_t n = a.counters.tunnels[static_cast<size_t>(k)])
                kinds += (kinds.empty() ? "" : ", ") + std::to_string(n) + " " + pcap::tunnelKindLabel(k);
        out.push_back(makeFinding(Severity::Info, FindingKind::IpInIp,
            plural(a.counters.tunnelled, "packet", "packets") + " came through tunnels (" + kinds + "); the "
                + plural(tunnelled.size(), "flow", "flows")
                + " inside are analysed by their inner addresses, the outer ones are each flow's "
                  "tunnel path",
            tunnelled));
    }
}

} // namespace

bool isLinuxSynRetryPattern(std::span<const int64_t> syn)
{
    if (syn.size() < 2)
        return false;
    double expected = 1e9;
    for (size_t i = 1; i < syn.size(); ++i) {
        const double gap = static_cast<double>(syn[i] - syn[i - 1]);
        const double tol = std::max(0.25 * expected, 0.3e9);
        if (std::fabs(gap - expected) > tol)
            return false;
        expected *= 2;
    }
    return true;
}

std::vector<Finding> computeFindings(const CaptureAnalysis &analysis, const FindingInputs &inputs)
{
    const std::vector<Backend> own
        = analysis.backends.empty() ? computeBackends(analysis) : std::vector<Backend> {};
    Context ctx {analysis, analysis.backends.empty() ? own : analysis.backends, {}};
    for (const Backend &b : ctx.backends)
        ctx.distinctServers += b.connections > 0;
    std::vector<Finding> out;
    ctx.located = natFindings(analysis, ctx.backends, out);
    handshakeFindings(ctx, out);
    resetFindings(ctx, out);
    retransmissionFindings(ctx, inputs, out);
    latencyFindings(ctx, out);
    slowBackendFindings(ctx.backends, out);
    otherFindings(ctx, out);
    std::stable_sort(out.begin(), out.end(), [](const Finding &x, const Finding &y) {
        return static_cast<int>(x.severity) > static_cast<int>(y.severity);
    });
    return out;
}

} // namespace lbs::analysis
