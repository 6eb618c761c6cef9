#include "core/analysis/jsonreportnat.h"

#include "core/analysis/backends.h"
#include "core/pcap/decodedpacket.h"

namespace lbs::analysis {

namespace {

void delay(JsonWriter &w, const char *key, const InNodeDelay &d)
{
    w.key(key).beginObject();
    w.key("samples").value(static_cast<uint64_t>(d.samples));
    writeJsonMicros(w, "median_us", d.samples ? std::optional<int64_t>(d.medianNs) : std::nullopt);
    writeJsonMicros(w, "max_us", d.samples ? std::optional<int64_t>(d.maxNs) : std::nullopt);
    w.endObject();
}

void percentiles(JsonWriter &w, const char *key, const Percentiles &p)
{
    w.key(key).beginObject();
    w.key("samples").value(static_cast<uint64_t>(p.samples));
    writeJsonMicros(w, "p50", p.p50Ns);
    writeJsonMicros(w, "p95", p.p95Ns);
    writeJsonMicros(w, "p99", p.p99Ns);
    w.endObject();
}

void optionalString(JsonWriter &w, const char *key, const std::string &v)
{
    w.key(key);
    if (v.empty())
        w.null();
    else
        w.value(v);
}

void writeLeg(JsonWriter &w, const CaptureAnalysis &a, const Flow &f)
{
    w.beginObject();
    w.key("flow").value(f.id);
    w.key("role").value(legRoleName(f.leg) ? legRoleName(f.leg) : "front");
    w.key("if_index");
    if (f.ifIndex >= 0)
        w.value(static_cast<int64_t>(f.ifIndex));
    else
        w.null();
    optionalString(w, "interface", a.interfaceName(f.ifIndex));
    w.key("client").value(f.client.toString());
    w.key("server").value(f.server.toString());
    writeJsonMicros(w, "handshake_rtt_us", f.handshakeRttNs);
    w.key("packets_c2s").value(f.packets[0]);
    w.key("packets_s2c").value(f.packets[1]);
    // An encapsulated copy (an overlay's uplink): its path is the outer addresses, node to node.
    w.key("tunnel");
    if (const FlowTunnel *t = a.tunnelOf(f)) {
        w.beginObject();
        w.key("type").value(pcap::tunnelKindName(t->kind));
        w.key("id").value(t->id);
        w.key("outer_client").value(t->outerClient.toString());
        w.key("outer_server").value(t->outerServer.toString());
        w.endObject();
    } else {
        w.null();
    }
    w.endObject();
}

} // namespace

void writeFlowBackend(JsonWriter &w, const CaptureAnalysis &a, const Flow &f)
{
    const BackendBy by = backendBy(a, f);
    w.key("backend");
    if (by == BackendBy::None)
        w.null();
    else
        w.value(backendServer(a, f).toString());
    w.key("backend_by");
    if (const char *name = backendByName(by))
        w.value(name);
    else
        w.null();
}

void writeNatSections(JsonWriter &w, const CaptureAnalysis &a)
{
    uint64_t udp = 0;
    uint64_t by[4] = {};
    for (const Flow &f : a.flows) {
        udp += f.proto == 17;
        if (f.proto == 6 && f.leg != LegRole::Back)
            ++by[static_cast<size_t>(backendBy(a, f))];
    }
    w.key("summary").beginObject();
    w.key("tcp_connections").value(a.tcpConnections());
    w.key("joined_connections").value(static_cast<uint64_t>(a.connections.size()));
    w.key("udp_flows").value(udp);
    w.key("backends").value(static_cast<uint64_t>(a.backends.size()));
    w.key("in_node_drops").value(static_cast<uint64_t>(a.inNodeDrops.size()));
    w.key("backend_by").beginObject();
    for (BackendBy b : {BackendBy::NatLeg, BackendBy::Conntrack, BackendBy::Server})
        w.key(backendByName(b)).value(by[static_cast<size_t>(b)]);
    w.key("unknown").value(by[static_cast<size_t>(BackendBy::None)]);
    w.endObject();
    w.key("conntrack_method");
    if (a.conntrackMethod.empty())
        w.null();
    else
        w.value(a.conntrackMethod);
    w.endObject();

    w.key("connections").beginArray();
    for (const NatConnection &c : a.connections) {
        w.beginObject();
        w.key("id").value(c.id);
        w.key("front_flow").value(c.front());
        w.key("backend").value(a.flows[c.back()].server.toString());
        w.key("backend_by").value(backendByName(BackendBy::NatLeg));
        w.key("snat").value(c.snat);
        w.key("legs").beginArray();
        for (uint8_t i = 0; i < c.legCount; ++i)
            writeLeg(w, a, a.flows[c.legs[i]]);
        w.endArray();
        w.key("in_node_delay").beginObject();
        delay(w, "c2s", c.delay[0]);
        delay(w, "s2c", c.delay[1]);
        w.endObject();
        w.key("dropped_in_node_c2s").value(static_cast<uint64_t>(c.dropped[0]));
        w.key("dropped_in_node_s2c").value(static_cast<uint64_t>(c.dropped[1]));
        w.endObject();
    }
    w.endArray();

    w.key("in_node_drops").beginArray();
    for (const InNodeDrop &d : a.inNodeDrops) {
        w.beginObject();
        w.key("connection").value(d.connection);
        w.key("direction").value(d.dir == 0 ? "c2s" : "s2c");
        w.key("kind").value(inNodePacketName(d.kind));
        writeJsonTimestamp(w, "ts", d.tsNs);
        w.endObject();
    }
    w.endArray();

    w.key("backends").beginArray();
    for (const Backend &b : a.backends) {
        w.beginObject();
        w.key("endpoint").value(b.endpoint.toString());
        w.key("ip").value(b.endpoint.ip.toString());
        w.key("port").value(static_cast<uint64_t>(b.endpoint.port));
        optionalString(w, "pod", b.pod);
        optionalString(w, "namespace", b.ns);
        optionalString(w, "node", b.node);
        w.key("connections").value(static_cast<uint64_t>(b.connections));
        w.key("requests").value(static_cast<uint64_t>(b.requests));
        w.key("failed_handshakes").value(static_cast<uint64_t>(b.failedHandshakes));
        w.key("resets").value(static_cast<uint64_t>(b.resets));
        w.key("http_5xx").value(static_cast<uint64_t>(b.errors5xx));
        percentiles(w, "handshake_rtt_us", b.handshakeRtt);
        percentiles(w, "ttfb_us", b.ttfb);
        percentiles(w, "response_us", b.response);
        w.key("flows").beginInlineArray();
        for (uint32_t id : b.flows)
            w.value(id);
        w.endArray();
        w.endObject();
    }
    w.endArray();
}

} // namespace lbs::analysis
