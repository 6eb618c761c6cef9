#include "core/analysis/backends.h"

#include "core/analysis/conntracklabels.h"
#include "core/analysis/endpointmap.h"
#include "core/analysis/percentile.h"

#include <algorithm>
#include <map>
#include <set>

namespace lbs::analysis {

namespace {

Percentiles percentiles(std::vector<int64_t> &v)
{
    Percentiles p;
    if (v.empty())
        return p;
    // Three order statistics by selection (no full sort): each nth_element leaves the larger
    // values behind the rank it placed, where the next, higher rank is looked for.
    p.samples = static_cast<uint32_t>(v.size());
    size_t from = 0;
    const auto at = [&](double q) {
        const size_t k = nearestRankIndex(v.size(), q);
        if (k >= from) {
            std::nth_element(v.begin() + static_cast<std::ptrdiff_t>(from),
                v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
            from = k + 1;
        }
        return v[k];
    };
    p.p50Ns = at(0.50);
    p.p95Ns = at(0.95);
    p.p99Ns = at(0.99);
    return p;
}

struct Samples {
    std::vector<int64_t> handshake, ttfb, response;
};

/// Servers that are not backends: the VIP and every front leg's server.
struct Frontends {
    pcap::IpAddress vip;
    std::set<pcap::Endpoint> endpoints;
    bool contains(const pcap::Endpoint &e) const
    {
        return (vip.isSet() && e.ip == vip) || endpoints.count(e) > 0;
    }
};

Frontends frontends(const CaptureAnalysis &a)
{
    Frontends f;
    if (a.manifest && !a.manifest->vip.empty())
        f.vip = pcap::IpAddress::parse(a.manifest->vip);
    for (const NatConnection &c : a.connections)
        f.endpoints.insert(a.flows[c.front()].server);
    return f;
}

/// The backend endpoint of @p f and how it is known; None when it has none.
BackendBy backendEndpoint(const CaptureAnalysis &a, const Frontends &fe, const Flow &f, pcap::Endpoint &out)
{
    if (f.proto != 6 || f.leg == LegRole::Back || f.staleSynAck)
        return BackendBy::None;
    if (f.connection >= 0) {
        out = backendFlow(a, f).server;
        return BackendBy::NatLeg;
    }
    if (const ConntrackLabel *l = conntrackLabelOf(a, f.id)) {
        out = l->backend;
        return BackendBy::Conntrack;
    }
    if (f.serverGuessed || fe.contains(f.server))
        return BackendBy::None;
    // With an endpoint map, only its endpoints are backends (other traffic in the capture is not).
    if (!a.endpoints.empty() && !findEndpoint(a.endpoints, f.server))
        return BackendBy::None;
    out = f.server;
    return BackendBy::Server;
}

} // namespace

const Flow &backendFlow(const CaptureAnalysis &a, const Flow &f)
{
    if (f.connection < 0 || static_cast<size_t>(f.connection) >= a.connections.size())
        return f;
    return a.flows[a.connections[static_cast<size_t>(f.connection)].back()];
}

std::vector<Backend> computeBackends(const CaptureAnalysis &a)
{
    const Frontends fe = frontends(a);
    std::map<pcap::Endpoint, std::pair<Backend, Samples>> by;
    for (const EndpointInfo &e : a.endpoints) {
        if (e.port == 0)
            continue;
        Backend &b = by[pcap::Endpoint {e.ip, e.port}].first;
        b.endpoint = pcap::Endpoint {e.ip, e.port};
        b.pod = e.pod;
        b.ns = e.ns;
        b.node = e.node;
    }
    for (const Flow &f : a.flows) {
        pcap::Endpoint ep;
        if (backendEndpoint(a, fe, f, ep) == BackendBy::None)
            continue;
        auto &[b, s] = by[ep];
        if (b.connections == 0 && b.pod.empty()) {
            b.endpoint = ep;
            if (const EndpointInfo *e = findEndpoint(a.endpoints, ep)) {
                b.pod = e->pod;
                b.ns = e->ns;
                b.node = e->node;
            }
        }
        const Flow &bf = backendFlow(a, f);
        ++b.connections;
        b.flows.push_back(f.id);
        if (bf.handshakeRttNs)
            s.handshake.push_back(*bf.handshakeRttNs);
        // Failed as the client saw it: a pod that answered SYNs whose SYN/ACKs never reached the
        // client (its back leg is only incomplete) failed that handshake too.
        if (bf.outcome == FlowOutcome::FailedHandshake || f.outcome == FlowOutcome::FailedHandshake)
            ++b.failedHandshakes;
        if (bf.outcome == FlowOutcome::Reset)
            ++b.resets;
        for (const HttpRequest &r : bf.requests) {
            ++b.requests;
            if (r.ttfbNs)
                s.ttfb.push_back(*r.ttfbNs);
            if (r.responseNs)
                s.response.push_back(*r.responseNs);
            if (r.status && *r.status >= 500)
                ++b.errors5xx;
        }
    }
    std::vector<Backend> out;
    out.reserve(by.size());
    for (auto &[ep, bs] : by) {
        auto &[b, s] = bs;
        b.handshakeRtt = percentiles(s.handshake);
        b.ttfb = percentiles(s.ttfb);
        b.response = percentiles(s.response);
        out.push_back(std::move(b));
    }
    return out;
}

pcap::Endpoint backendServer(const CaptureAnalysis &a, const Flow &f)
{
    if (f.connection < 0)
        if (const ConntrackLabel *l = conntrackLabelOf(a, f.id))
            return l->backend;
    return backendFlow(a, f).server;
}

BackendBy backendBy(const CaptureAnalysis &a, const Flow &f)
{
    if (a.backendBy.size() == a.flows.size() && f.id < a.backendBy.size())
        return a.backendBy[f.id];
    pcap::Endpoint ep;
    return backendEndpoint(a, frontends(a), f, ep);
}

std::vector<BackendBy> computeBackendBy(const CaptureAnalysis &a)
{
    const Frontends fe = frontends(a);
    std::vector<BackendBy> out(a.flows.size(), BackendBy::None);
    pcap::Endpoint ep;
    for (const Flow &f : a.flows)
        if (f.id < out.size())
            out[f.id] = backendEndpoint(a, fe, f, ep);
    return out;
}

const Backend *backendOf(const std::vector<Backend> &backends, const CaptureAnalysis &a, const Flow &f)
{
    const pcap::Endpoint ep = backendServer(a, f);
    auto it = std::lower_bound(backends.begin(), backends.end(), ep,
        [](const Backend &b, const pcap::Endpoint &e) { return b.endpoint < e; });
    return it != backends.end() && it->endpoint == ep ? &*it : nullptr;
}

} // namespace lbs::analysis
