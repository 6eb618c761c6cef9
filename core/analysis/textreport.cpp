#include "core/analysis/backends.h"
#include "core/analysis/findingexplanation.h"
#include "core/analysis/jsonreport.h"

#include <algorithm>
#include <cstdio>

namespace lbs::analysis {

namespace {

std::string ms(int64_t ns)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f ms", static_cast<double>(ns) / 1e6);
    return buf;
}

} // namespace

std::string toTextSummary(const CaptureAnalysis &a, const TextSummaryOptions &options)
{
    const size_t maxFindings = options.maxFindings, maxSlowest = options.maxSlowest;
    std::string s;
    char buf[256];
    const double span = a.packets ? static_cast<double>(a.lastTsNs - a.firstTsNs) / 1e9 : 0;
    std::snprintf(buf, sizeof buf, "%llu packets, %llu bytes, %.3f s",
        static_cast<unsigned long long>(a.packets), static_cast<unsigned long long>(a.bytes), span);
    s += buf;
    if (a.packets)
        s += " (" + pcap::formatUtcTime(a.firstTsNs) + " to " + pcap::formatUtcTime(a.lastTsNs) + " UTC)";
    s += "\n";
    s += std::to_string(a.files.size()) + (a.files.size() == 1 ? " file" : " files") + ":\n";
    for (const auto &f : a.files)
        s += "  " + f.path + "  " + std::to_string(f.packets) + " packets"
            + (f.truncated ? "  TRUNCATED" : "") + "\n";
    if (!a.filter.empty())
        s += "filter: " + a.filter + " (" + std::to_string(a.counters.filteredOut)
            + " packets filtered out)\n";
    size_t tcp = 0, udp = 0, requests = 0;
    size_t byOutcome[4] = {0, 0, 0, 0};
    for (const Flow &f : a.flows) {
        if (f.leg == LegRole::Back || f.staleSynAck)
            continue; // a copy of its front leg: one connection; stale SYN/ACKs: none
        if (f.proto == 6) {
            ++tcp;
            ++byOutcome[static_cast<int>(f.outcome)];
        } else {
            ++udp;
        }
        requests += f.requests.size();
    }
    std::snprintf(buf, sizeof buf,
        "flows: %zu TCP (%zu complete, %zu reset, %zu failed handshake, %zu incomplete), %zu UDP; %zu HTTP "
        "requests\n",
        tcp, byOutcome[0], byOutcome[1], byOutcome[2], byOutcome[3], udp, requests);
    s += buf;
    if (!a.connections.empty() || !a.conntrackLabels.empty()) {
        if (!a.connections.empty())
            s += std::to_string(a.connections.size())
                + " connections seen on both sides of the node's NAT (legs joined, counted once)\n";
        if (!a.conntrackLabels.empty())
            s += std::to_string(a.conntrackLabels.size()) + " connections given their backend by the node's "
                + a.conntrackMethod + " record\n";
        if (!a.backends.empty() || !a.endpoints.empty()) {
            s += "backends:\n";
            for (const Backend &b : a.backends) {
                s += "  " + b.label() + ": " + std::to_string(b.connections) + " connections, "
                    + std::to_string(b.requests) + " requests";
                if (b.ttfb.p50Ns)
                    s += ", median TTFB " + ms(*b.ttfb.p50Ns);
                s += "\n";
            }
        }
    }
    for (const auto &w : a.warnings)
        s += "warning: " + w + "\n";

    s += "\nfindings:\n";
    if (a.findings.empty())
        s += "  none\n";
    for (size_t i = 0; i < a.findings.size() && i < maxFindings; ++i) {
        const Finding &f = a.findings[i];
        s += std::string("  [") + severityName(f.severity) + "] " + f.summary + "\n";
        if (options.explain)
            s += explanationPlainText(explainFinding(f.kind), "      ") + "\n";
    }
    if (a.findings.size() > maxFindings)
        s += "  ... " + std::to_string(a.findings.size() - maxFindings) + " more (use --json)\n";

    std::vector<const Flow *> slow;
    for (const Flow &f : a.flows)
        if (f.handshakeRttNs && f.leg != LegRole::Back)
            slow.push_back(&f);
    // Only the top few are printed: a partial sort (ties by flow id) over 100k+ flows.
    const size_t topFlows = std::min(slow.size(), maxSlowest);
    std::partial_sort(slow.begin(), slow.begin() + static_cast<std::ptrdiff_t>(topFlows), slow.end(),
        [](const Flow *x, const Flow *y) {
            return *x->handshakeRttNs != *y->handshakeRttNs ? *x->handshakeRttNs > *y->handshakeRttNs
                                                            : x->id < y->id;
        });
    if (!slow.empty()) {
        s += "\nslowest handshakes:\n";
        for (size_t i = 0; i < slow.size() && i < maxSlowest; ++i)
            s += "  #" + std::to_string(slow[i]->id) + " " + slow[i]->client.toString() + " -> "
                + slow[i]->server.toString() + "  " + ms(*slow[i]->handshakeRttNs)
                + (slow[i]->synCount > 1 ? "  (" + std::to_string(slow[i]->synCount) + " SYNs)" : "") + "\n";
    }
    std::vector<std::pair<const Flow *, const HttpRequest *>> reqs;
    for (const Flow &f : a.flows)
        for (const HttpRequest &r : f.requests)
            if (r.ttfbNs && f.leg != LegRole::Back)
                reqs.emplace_back(&f, &r);
    const size_t topReqs = std::min(reqs.size(), maxSlowest);
    std::partial_sort(reqs.begin(), reqs.begin() + static_cast<std::ptrdiff_t>(topReqs), reqs.end(),
        [](const auto &x, const auto &y) {
            if (*x.second->ttfbNs != *y.second->ttfbNs)
                return *x.second->ttfbNs > *y.second->ttfbNs;
            return x.first->id != y.first->id ? x.first->id < y.first->id : x.second < y.second;
        });
    if (!reqs.empty()) {
        s += "\nslowest HTTP requests (time to first byte):\n";
        for (size_t i = 0; i < reqs.size() && i < maxSlowest; ++i) {
            const auto &[f, r] = reqs[i];
            s += "  #" + std::to_string(f->id) + " " + r->method + " " + r->path + " -> "
                + (r->status ? std::to_string(*r->status) : std::string("no response")) + "  ttfb "
                + ms(*r->ttfbNs) + "  server " + f->server.toString();
            if (const pcap::Endpoint b = backendServer(a, *f); !(b == f->server))
                s += " -> " + b.toString();
            s += "\n";
        }
    }
    return s;
}

} // namespace lbs::analysis
