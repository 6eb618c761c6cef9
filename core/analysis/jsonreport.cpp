#include "core/analysis/jsonreport.h"

#include "core/analysis/jsonreportnat.h"
#include "core/common/json.h"
#include "core/pcap/decodedpacket.h"

#include <charconv>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace lbs::analysis {

namespace {

void ts(JsonWriter &w, const char *key, int64_t tsNs)
{
    char buf[pcap::kTimestampTextBytes];
    w.key(key).rawNumber(std::string_view(buf, pcap::formatTimestamp(tsNs, buf)));
}

void us(JsonWriter &w, const char *key, const std::optional<int64_t> &ns)
{
    w.key(key);
    if (!ns) {
        w.null();
        return;
    }
    // Below 2^50 ns the double ns / 1e3 is within 1e-4 of the exact value, so the 3-decimal text
    // is the integer microseconds and the ns remainder: written without a floating-point format.
    const int64_t v = *ns;
    constexpr int64_t kExact = int64_t(1) << 50;
    if (v <= -kExact || v >= kExact) {
        w.value(static_cast<double>(v) / 1e3, 3);
        return;
    }
    const uint64_t mag = static_cast<uint64_t>(v < 0 ? -v : v);
    char buf[32];
    char *p = buf;
    if (v < 0)
        *p++ = '-';
    p = std::to_chars(p, buf + 24, mag / 1000).ptr;
    unsigned frac = static_cast<unsigned>(mag % 1000);
    if (frac) {
        *p++ = '.';
        int digits = 3;
        while (frac % 10 == 0) {
            frac /= 10;
            --digits;
        }
        for (int i = digits - 1; i >= 0; --i) {
            p[i] = static_cast<char>('0' + frac % 10);
            frac /= 10;
        }
        p += digits;
    }
    w.rawNumber(std::string_view(buf, static_cast<size_t>(p - buf)));
}

const char *resetSideName(ResetSide s)
{
    switch (s) {
    case ResetSide::Client:
        return "client";
    case ResetSide::Server:
        return "server";
    case ResetSide::None:
        break;
    }
    return nullptr;
}

template <typename T> void series(JsonWriter &w, const char *key, const std::vector<T> &v)
{
    w.key(key).beginInlineArray();
    for (const T &x : v) {
        if constexpr (std::is_floating_point_v<T>)
            w.value(static_cast<double>(x), 3);
        else
            w.value(static_cast<uint64_t>(x));
    }
    w.endArray();
}

void writeFlow(JsonWriter &w, const CaptureAnalysis &a, const Flow &f)
{
    w.beginObject();
    w.key("id").value(f.id);
    w.key("proto").value(f.proto == 6 ? "tcp" : "udp");
    w.key("client").value(f.client.toString());
    w.key("server").value(f.server.toString());
    ts(w, "first_ts", f.firstTsNs);
    ts(w, "last_ts", f.lastTsNs);
    w.key("syn_count").value(f.synCount);
    us(w, "handshake_rtt_us", f.handshakeRttNs);
    us(w, "ack_rtt_us", f.ackRttNs);
    w.key("requests").beginArray();
    for (const HttpRequest &r : f.requests) {
        w.beginObject();
        ts(w, "ts", r.tsNs);
        w.key("method").value(r.method);
        w.key("path").value(r.path);
        w.key("status");
        if (r.status)
            w.value(*r.status);
        else
            w.null();
        us(w, "ttfb_us", r.ttfbNs);
        us(w, "response_us", r.responseNs);
        w.key("request_bytes").value(r.requestBytes);
        w.key("response_bytes").value(r.responseBytes);
        w.endObject();
    }
    w.endArray();
    w.key("retransmits").value(f.retransmits);
    w.key("resets").value(f.resets);
    w.key("zero_windows").value(f.zeroWindows);
    w.key("outcome").value(f.proto == 6 ? outcomeName(f.outcome) : "incomplete");
    w.key("packets_c2s").value(f.packets[0]);
    w.key("packets_s2c").value(f.packets[1]);
    w.key("bytes_c2s").value(f.bytes[0]);
    w.key("bytes_s2c").value(f.bytes[1]);
    // Additional fields (the contract allows new ones).
    w.key("payload_bytes_c2s").value(f.payloadBytes[0]);
    w.key("payload_bytes_s2c").value(f.payloadBytes[1]);
    w.key("syn_ack_count").value(f.synAckCount);
    w.key("fast_retransmits").value(f.fastRetransmits);
    w.key("spurious_retransmits").value(f.spuriousRetransmits);
    w.key("out_of_order").value(f.outOfOrder);
    w.key("dup_acks").value(f.dupAcks);
    w.key("keep_alives").value(f.keepAlives);
    w.key("reset_by");
    if (const char *side = resetSideName(f.resetBy))
        w.value(side);
    else
        w.null();
    w.key("handshake_refused").value(f.handshakeRst);
    w.key("icmp_unreachable").value(f.icmpUnreachable);
    w.key("server_guessed").value(f.serverGuessed);
    w.key("handshake_before_capture").value(f.handshakeBeforeCapture);
    w.key("stale_syn_ack").value(f.staleSynAck);
    w.key("fin_client").value(f.finClient);
    w.key("fin_server").value(f.finServer);
    w.key("http").value(f.http);
    w.key("if_index");
    if (f.ifIndex >= 0)
        w.value(static_cast<int64_t>(f.ifIndex));
    else
        w.null();
    w.key("syn_times").beginInlineArray();
    for (int64_t t : f.synTimesNs) {
        char buf[pcap::kTimestampTextBytes];
        w.rawNumber(std::string_view(buf, pcap::formatTimestamp(t, buf)));
    }
    w.endArray();
    w.key("connection");
    if (f.connection >= 0)
        w.value(static_cast<int64_t>(f.connection));
    else
        w.null();
    w.key("leg");
    if (const char *role = legRoleName(f.leg))
        w.value(role);
    else
        w.null();
    writeFlowBackend(w, a, f);
    w.key("tunnel");
    if (const FlowTunnel *tunnel = a.tunnelOf(f)) {
        const FlowTunnel &t = *tunnel;
        w.beginObject();
        w.key("type").value(pcap::tunnelKindName(t.kind));
        w.key("id").value(t.id);
        w.key("outer_client").value(t.outerClient.toString());
        w.key("outer_server").value(t.outerServer.toString());
        w.key("depth").value(static_cast<uint64_t>(t.depth));
        w.key("packets").value(t.packets);
        w.endObject();
    } else {
        w.null();
    }
    w.endObject();
}

/// Formats every other chunk of the flows on a second thread while the writer's thread formats
/// the others (decisions.md, "report writer"): the flows are most of a report's text. At most two
/// chunks wait, so memory stays bounded; the text is what one writer would have written.
class FlowChunkFormatter {
public:
    static constexpr size_t kChunk = 256;
    FlowChunkFormatter(const CaptureAnalysis &a, bool pretty, size_t depth)
        : m_a(a), m_pretty(pretty), m_depth(depth), m_chunks((a.flows.size() + kChunk - 1) / kChunk)
    {
        m_thread = std::thread([this] { run(); });
    }
    ~FlowChunkFormatter()
    {
        {
            std::lock_guard lock(m_mutex);
            m_stop = true;
        }
        m_cv.notify_all();
        m_thread.join();
    }
    FlowChunkFormatter(const FlowChunkFormatter &) = delete;
    FlowChunkFormatter &operator=(const FlowChunkFormatter &) = delete;

    size_t chunks() const { return m_chunks; }
    /// Text of odd chunk c, waiting for it; valid until release().
    const std::string &take(size_t c)
    {
        std::unique_lock lock(m_mutex);
        m_cv.wait(lock, [&] { return m_produced > c / 2; });
        return m_slot[(c / 2) % 2];
    }
    void release()
    {
        {
            std::lock_guard lock(m_mutex);
            ++m_consumed;
        }
        m_cv.notify_all();
    }

private:
    void run()
    {
        for (size_t c = 1; c < m_chunks; c += 2) {
            const size_t k = c / 2;
            {
                std::unique_lock lock(m_mutex);
                m_cv.wait(lock, [&] { return m_stop || k < m_consumed + 2; });
                if (m_stop)
                    return;
            }
            JsonWriter w = JsonWriter::fragment(m_pretty, m_depth);
            const size_t end = std::min(m_a.flows.size(), (c + 1) * kChunk);
            for (size_t i = c * kChunk; i < end; ++i)
                writeFlow(w, m_a, m_a.flows[i]);
            {
                std::lock_guard lock(m_mutex);
                m_slot[k % 2] = w.take();
                ++m_produced;
            }
            m_cv.notify_all();
        }
    }

    const CaptureAnalysis &m_a;
    const bool m_pretty;
    const size_t m_depth;
    const size_t m_chunks;
    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::string m_slot[2];
    size_t m_produced = 0; ///< odd chunks formatted
    size_t m_consumed = 0; ///< odd chunks appended
    bool m_stop = false;
    std::thread m_thread;
};

void writeFlows(JsonWriter &w, const CaptureAnalysis &a, bool pretty)
{
    // Below a few chunks a second thread costs more than it saves.
    if (a.flows.size() < 8 * FlowChunkFormatter::kChunk || std::thread::hardware_concurrency() < 2) {
        for (const Flow &f : a.flows)
            writeFlow(w, a, f);
        return;
    }
    // The flows array's elements sit two deep: in the report object, in "flows".
    FlowChunkFormatter helper(a, pretty, 2);
    for (size_t c = 0; c < helper.chunks(); ++c) {
        if (c % 2 == 1) {
            w.appendFragment(helper.take(c));
            helper.release();
            continue;
        }
        const size_t end = std::min(a.flows.size(), (c + 1) * FlowChunkFormatter::kChunk);
        for (size_t i = c * FlowChunkFormatter::kChunk; i < end; ++i)
            writeFlow(w, a, a.flows[i]);
    }
}

void emitReport(JsonWriter &w, const CaptureAnalysis &a, bool pretty)
{
    w.beginObject();
    w.key("files").beginArray();
    for (const auto &f : a.files) {
        w.beginObject();
        w.key("path").value(f.path);
        w.key("packets").value(f.packets);
        w.key("bytes").value(f.bytes);
        ts(w, "first_ts", f.packets ? f.firstTsNs : 0);
        ts(w, "last_ts", f.packets ? f.lastTsNs : 0);
        w.key("linktype").value(static_cast<int64_t>(f.linktype));
        w.key("linktype_name").value(pcap::linktypeName(f.linktype));
        w.key("format").value(f.pcapng ? "pcapng" : "pcap");
        w.key("size").value(f.sizeBytes);
        w.key("truncated").value(f.truncated);
        if (f.truncated)
            w.key("error").value(f.readError);
        if (f.longRecords > 0) // longer than the snapshot length: read whole, as written
            w.key("records_over_snaplen").value(f.longRecords);
        if (f.readWithoutLibpcap) // a later pcap version than 2.x, read as 2.4
            w.key("read_without_libpcap").value(true);
        w.endObject();
    }
    w.endArray();
    w.key("packets").value(a.packets);
    w.key("bytes").value(a.bytes);
    ts(w, "first_ts", a.firstTsNs);
    ts(w, "last_ts", a.lastTsNs);
    w.key("filter").value(a.filter);
    w.key("warnings").beginArray();
    for (const auto &s : a.warnings)
        w.value(s);
    w.endArray();
    const CaptureCounters &c = a.counters;
    w.key("counters").beginObject();
    w.key("ipv4").value(c.ipv4).key("ipv6").value(c.ipv6).key("tcp").value(c.tcp).key("udp").value(c.udp);
    w.key("icmp").value(c.icmp).key("other").value(c.other).key("fragments").value(c.fragments);
    w.key("ip_in_ip").value(c.tunnels[static_cast<size_t>(pcap::TunnelKind::IpInIp)]);
    w.key("undecoded").value(c.undecoded);
    w.key("truncated_headers").value(c.truncatedHeaders).key("filtered_out").value(c.filteredOut);
    w.key("http_requests").value(c.httpRequests);
    w.key("tunnelled").value(c.tunnelled);
    w.key("tunnels").beginObject();
    for (pcap::TunnelKind k : {pcap::TunnelKind::IpInIp, pcap::TunnelKind::Gre, pcap::TunnelKind::Vxlan,
             pcap::TunnelKind::Geneve, pcap::TunnelKind::Erspan})
        w.key(pcap::tunnelKindName(k)).value(c.tunnels[static_cast<size_t>(k)]);
    w.endObject();
    w.endObject();
    if (a.manifest) {
        const auto &m = *a.manifest;
        w.key("manifest").beginObject();
        w.key("path").value(a.manifestPath).key("service").value(m.service).key("vip").value(m.vip);
        w.key("node").value(m.node).key("interface").value(m.iface);
        auto opt = [&](const char *k, const std::optional<uint64_t> &v) {
            w.key(k);
            if (v)
                w.value(*v);
            else
                w.null();
        };
        opt("captured", m.stats.captured);
        opt("received_by_filter", m.stats.receivedByFilter);
        opt("dropped_by_kernel", m.stats.droppedByKernel);
        opt("dropped_by_interface", m.stats.droppedByInterface);
        w.key("conntrack");
        if (m.conntrack)
            w.beginObject()
                .key("method")
                .value(m.conntrack->method)
                .key("file")
                .value(m.conntrack->name)
                .endObject();
        else
            w.null();
        w.endObject();
    }
    w.key("flows").beginArray();
    writeFlows(w, a, pretty);
    w.endArray();
    writeNatSections(w, a);
    const Timeline &t = a.timeline;
    w.key("timeline").beginObject();
    w.key("bucket_s").value(t.bucketSeconds, 6);
    ts(w, "t0", t.t0Ns);
    w.key("series").beginObject();
    series(w, "packets", t.packets);
    series(w, "bytes", t.bytes);
    series(w, "new_flows", t.newFlows);
    series(w, "failed_handshakes", t.failedHandshakes);
    series(w, "resets", t.resets);
    series(w, "retransmits", t.retransmits);
    series(w, "ttfb_p50_us", t.ttfbP50Us);
    series(w, "ttfb_p99_us", t.ttfbP99Us);
    w.endObject();
    w.endObject();
    w.key("findings").beginArray();
    for (const Finding &f : a.findings) {
        w.beginObject();
        w.key("severity").value(severityName(f.severity));
        w.key("kind").value(findingKindName(f.kind));
        w.key("summary").value(f.summary);
        w.key("flows").beginArray();
        for (uint32_t id : f.flows)
            w.value(id);
        w.endArray();
        if (f.startNs || f.endNs) {
            ts(w, "start_ts", f.startNs);
            ts(w, "end_ts", f.endNs);
        }
        w.endObject();
    }
    w.endArray();
    w.endObject();
}

} // namespace

void writeJsonTimestamp(JsonWriter &w, const char *key, int64_t tsNs)
{
    ts(w, key, tsNs);
}

void writeJsonMicros(JsonWriter &w, const char *key, const std::optional<int64_t> &ns)
{
    us(w, key, ns);
}

std::string toJsonReport(const CaptureAnalysis &a, bool pretty)
{
    JsonWriter w(pretty);
    emitReport(w, a, pretty);
    std::string out = w.take();
    out.push_back('\n');
    return out;
}

bool writeJsonReport(const CaptureAnalysis &a, bool pretty, const std::function<bool(std::string_view)> &sink)
{
    JsonWriter w(pretty, sink);
    emitReport(w, a, pretty);
    return w.finish("\n");
}

std::string toFlowsCsv(const CaptureAnalysis &a)
{
    std::string out
        = "id,proto,client,server,first_ts,last_ts,syn_count,handshake_rtt_us,ack_rtt_us,requests,"
          "retransmits,resets,zero_windows,outcome,packets_c2s,packets_s2c,bytes_c2s,bytes_s2c,"
          "server_guessed\n";
    auto us = [](const std::optional<int64_t> &ns) {
        if (!ns)
            return std::string();
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.3f", static_cast<double>(*ns) / 1e3);
        return std::string(buf);
    };
    for (const Flow &f : a.flows) {
        out += std::to_string(f.id) + "," + (f.proto == 6 ? "tcp" : "udp") + "," + f.client.toString() + ","
            + f.server.toString() + "," + pcap::formatTimestamp(f.firstTsNs) + ","
            + pcap::formatTimestamp(f.lastTsNs) + "," + std::to_string(f.synCount) + ","
            + us(f.handshakeRttNs) + "," + us(f.ackRttNs) + "," + std::to_string(f.requests.size()) + ","
            + std::to_string(f.retransmits) + "," + std::to_string(f.resets) + ","
            + std::to_string(f.zeroWindows) + "," + (f.proto == 6 ? outcomeName(f.outcome) : "incomplete")
            + "," + std::to_string(f.packets[0]) + "," + std::to_string(f.packets[1]) + ","
            + std::to_string(f.bytes[0]) + "," + std::to_string(f.bytes[1]) + ","
            + (f.serverGuessed ? "true" : "false") + "\n";
    }
    return out;
}

} // namespace lbs::analysis
