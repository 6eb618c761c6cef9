// Ground truth JSON (hand-written: lbscope_gen stays free of Qt and of the engine's JSON code).

#include "groundtruth.h"

#include <cstdio>

namespace lbs::gen {
namespace {

class Json {
public:
    std::string out;
    void raw(const std::string &s) { out += s; }
    void str(const std::string &s)
    {
        out += '"';
        for (char ch : s) {
            if (ch == '"' || ch == '\\')
                out += '\\';
            if (static_cast<unsigned char>(ch) < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", ch);
                out += buf;
                continue;
            }
            out += ch;
        }
        out += '"';
    }
    void key(const char *k, bool first = false)
    {
        if (!first)
            out += ',';
        str(k);
        out += ':';
    }
    void num(double v, const char *fmt)
    {
        char buf[64];
        std::snprintf(buf, sizeof buf, fmt, v);
        out += buf;
    }
    void integer(uint64_t v) { out += std::to_string(v); }
    void optional(const std::optional<double> &v)
    {
        if (v)
            num(*v, "%.3f");
        else
            out += "null";
    }
};

void writeFlow(Json &j, const FlowTruth &f)
{
    j.raw("\n  {");
    j.key("connection", true), j.integer(f.connection);
    j.key("side"), j.str(f.side);
    j.key("proto"), j.str("tcp");
    j.key("client"), j.str(f.client);
    j.key("server"), j.str(f.server);
    j.key("pod"), j.raw(std::to_string(f.pod));
    j.key("first_ts"), j.num(f.firstTs, "%.9f");
    j.key("last_ts"), j.num(f.lastTs, "%.9f");
    j.key("syn_count"), j.integer(static_cast<uint64_t>(f.synCount));
    j.key("handshake_rtt_us"), j.optional(f.handshakeRttUs);
    j.key("ack_rtt_us"), j.optional(f.ackRttUs);
    j.key("outcome"), j.str(f.outcome);
    j.key("retransmits"), j.integer(static_cast<uint64_t>(f.retransmits));
    j.key("data_retransmits"), j.integer(static_cast<uint64_t>(f.dataRetransmits));
    j.key("fast_retransmits"), j.integer(static_cast<uint64_t>(f.fastRetransmits));
    j.key("dup_acks"), j.integer(static_cast<uint64_t>(f.dupAcks));
    j.key("resets"), j.integer(static_cast<uint64_t>(f.resets));
    j.key("zero_windows"), j.integer(static_cast<uint64_t>(f.zeroWindows));
    j.key("icmp_unreachable"), j.raw(f.icmpUnreachable ? "true" : "false");
    j.key("packets_c2s"), j.integer(f.packetsC2s);
    j.key("packets_s2c"), j.integer(f.packetsS2c);
    j.key("bytes_c2s"), j.integer(f.bytesC2s);
    j.key("bytes_s2c"), j.integer(f.bytesS2c);
    j.key("payload_c2s"), j.integer(f.payloadC2s);
    j.key("payload_s2c"), j.integer(f.payloadS2c);
    j.key("first_packet_index"), j.integer(f.firstPacketIndex);
    j.key("intact"), j.raw(f.intact ? "true" : "false");
    if (f.inNodeUs) // only where both sides were written
        j.key("in_node_us"), j.optional(f.inNodeUs);
    if (!f.tunnel.empty()) { // only in tunnelled captures, so older truths stay byte-identical
        j.key("tunnel"), j.raw("{");
        j.key("type", true), j.str(f.tunnel);
        j.key("id"), j.integer(f.tunnelId);
        j.key("outer_client"), j.str(f.outerClient);
        j.key("outer_server"), j.str(f.outerServer);
        j.raw("}");
    }
    j.key("requests"), j.raw("[");
    for (size_t i = 0; i < f.requests.size(); ++i) {
        const RequestTruth &r = f.requests[i];
        j.raw(i ? "," : "");
        j.raw("{");
        j.key("ts", true), j.num(r.ts, "%.9f");
        j.key("method"), j.str(r.method);
        j.key("path"), j.str(r.path);
        j.key("status"), j.raw(r.status ? std::to_string(*r.status) : "null");
        j.key("ttfb_us"), j.optional(r.ttfbUs);
        j.key("response_us"), j.optional(r.responseUs);
        j.key("body_bytes"), j.integer(r.bodyBytes);
        j.raw("}");
    }
    j.raw("]}");
}

} // namespace

std::string toJson(const GroundTruth &t)
{
    Json j;
    j.raw("{");
    j.key("generator", true), j.str("lbscope-gen");
    j.key("seed"), j.integer(t.seed);
    j.key("linktype"), j.str(t.linktype);
    if (!t.tunnel.empty())
        j.key("tunnel"), j.str(t.tunnel);
    j.key("format"), j.str(t.format);
    j.key("nanosecond"), j.raw(t.nanosecond ? "true" : "false");
    if (t.snat)
        j.key("snat"), j.raw("true");
    j.key("vip"), j.str(t.vip);
    j.key("pods"), j.raw("[");
    for (size_t i = 0; i < t.pods.size(); ++i)
        j.raw(i ? "," : ""), j.str(t.pods[i]);
    j.raw("]");
    j.key("connections"), j.integer(t.connections);
    j.key("packets_written"), j.integer(t.packetsWritten);
    j.key("packets"), j.integer(t.packets);
    j.key("wrapped"), j.raw(t.wrapped ? "true" : "false");
    j.key("rotations"), j.integer(static_cast<uint64_t>(t.rotations));
    j.key("surviving_from_index"), j.integer(t.survivingFromIndex);
    j.key("files"), j.raw("[");
    for (size_t i = 0; i < t.files.size(); ++i) {
        const FileTruth &f = t.files[i];
        j.raw(i ? ",\n  {" : "\n  {");
        j.key("name", true), j.str(f.name);
        j.key("packets"), j.integer(f.packets);
        j.key("bytes"), j.integer(f.bytes);
        j.key("first_ts"), j.num(f.firstTs, "%.9f");
        j.key("last_ts"), j.num(f.lastTs, "%.9f");
        j.raw("}");
    }
    j.raw("]");
    j.key("faults"), j.raw("[");
    for (size_t i = 0; i < t.faults.size(); ++i) {
        const FaultTruth &f = t.faults[i];
        j.raw(i ? ",\n  {" : "\n  {");
        j.key("kind", true), j.str(f.kind);
        j.key("ts"), j.num(f.ts, "%.9f");
        j.key("connection"), j.integer(f.connection);
        j.key("client"), j.str(f.client);
        j.key("detail"), j.str(f.detail);
        j.raw("}");
    }
    j.raw("]");
    j.key("flows"), j.raw("[");
    for (size_t i = 0; i < t.flows.size(); ++i) {
        j.raw(i ? "," : "");
        writeFlow(j, t.flows[i]);
    }
    j.raw("]}\n");
    return j.out;
}

} // namespace lbs::gen
