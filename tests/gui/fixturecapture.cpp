#include "fixturecapture.h"

#include "core/pcap/pcapwriter.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace lbs::test {

namespace {
struct Pkt {
    double ts;
    std::vector<uint8_t> bytes;
};

void put16(std::vector<uint8_t> &b, size_t at, uint16_t v)
{
    b[at] = uint8_t(v >> 8);
    b[at + 1] = uint8_t(v);
}
void put32(std::vector<uint8_t> &b, size_t at, uint32_t v)
{
    for (int i = 0; i < 4; ++i)
        b[at + size_t(i)] = uint8_t(v >> (24 - 8 * i));
}

std::vector<uint8_t> frame(const uint8_t src[4], const uint8_t dst[4], uint16_t sport, uint16_t dport,
    uint32_t seq, uint32_t ack, uint8_t flags, const std::string &payload)
{
    std::vector<uint8_t> b(14 + 20 + 20 + payload.size(), 0);
    const uint8_t macA[6] = {0x02, 0, 0, 0, 0, 1}, macB[6] = {0x02, 0, 0, 0, 0, 2};
    std::copy(macB, macB + 6, b.begin());
    std::copy(macA, macA + 6, b.begin() + 6);
    put16(b, 12, 0x0800);
    b[14] = 0x45;
    put16(b, 16, uint16_t(20 + 20 + payload.size()));
    b[22] = 64;
    b[23] = 6;
    std::copy(src, src + 4, b.begin() + 26);
    std::copy(dst, dst + 4, b.begin() + 30);
    // IPv4 header checksum (tools like tshark flag bad ones; keep the fixture clean).
    uint32_t sum = 0;
    for (size_t i = 14; i < 34; i += 2)
        sum += uint32_t(b[i] << 8 | b[i + 1]);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    put16(b, 24, uint16_t(~sum));
    put16(b, 34, sport);
    put16(b, 36, dport);
    put32(b, 38, seq);
    put32(b, 42, ack);
    b[46] = 5 << 4;
    b[47] = flags;
    put16(b, 48, 64240);
    std::copy(payload.begin(), payload.end(), b.begin() + 54);
    return b;
}
} // namespace

QString FixtureCapture::write(const QString &path)
{
    enum : uint8_t { FIN = 1, SYN = 2, RST = 4, PSH = 8, ACK = 16 };
    const uint8_t server[4] = {192, 0, 2, 10};
    std::vector<Pkt> pkts;
    const double t0 = kFirstTs;
    for (int i = 0; i < kCompleteFlows; ++i) {
        const uint8_t client[4] = {198, 51, 100, uint8_t(10 + i)};
        const uint16_t cport = uint16_t(40000 + i);
        const double start = t0 + 0.5 + i * 1.5;
        // Flow i's server is 10 ms slower than flow i-1's so latency plots have a spread.
        const double ttfb = 0.005 + 0.010 * i;
        const std::string req = "GET /item/" + std::to_string(i) + " HTTP/1.1\r\nHost: web\r\n\r\n";
        const std::string resp = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
        uint32_t cs = 1000, ss = 5000;
        pkts.push_back({start, frame(client, server, cport, 80, cs, 0, SYN, {})});
        pkts.push_back({start + 0.001, frame(server, client, 80, cport, ss, cs + 1, SYN | ACK, {})});
        pkts.push_back({start + 0.0012, frame(client, server, cport, 80, cs + 1, ss + 1, ACK, {})});
        pkts.push_back({start + 0.002, frame(client, server, cport, 80, cs + 1, ss + 1, PSH | ACK, req)});
        pkts.push_back({start + 0.0025,
            frame(server, client, 80, cport, ss + 1, cs + 1 + uint32_t(req.size()), ACK, {})});
        pkts.push_back({start + 0.002 + ttfb,
            frame(server, client, 80, cport, ss + 1, cs + 1 + uint32_t(req.size()), PSH | ACK, resp)});
        const uint32_t cEnd = cs + 1 + uint32_t(req.size()), sEnd = ss + 1 + uint32_t(resp.size());
        pkts.push_back({start + 0.003 + ttfb, frame(client, server, cport, 80, cEnd, sEnd, ACK, {})});
        pkts.push_back({start + 0.004 + ttfb, frame(client, server, cport, 80, cEnd, sEnd, FIN | ACK, {})});
        pkts.push_back(
            {start + 0.005 + ttfb, frame(server, client, 80, cport, sEnd, cEnd + 1, FIN | ACK, {})});
        pkts.push_back({start + 0.006 + ttfb, frame(client, server, cport, 80, cEnd + 1, sEnd + 1, ACK, {})});
    }
    // Black-holed SYN: Linux retries after 1 s, then 2 s, then 4 s.
    const uint8_t lost[4] = {198, 51, 100, 50};
    const double retries[kFailedSyns] = {0, 1, 3, 7};
    for (double r : retries)
        pkts.push_back({t0 + 1.0 + r, frame(lost, server, 41000, 80, 777, 0, SYN, {})});
    // Refused: the server answers the SYN with RST/ACK.
    const uint8_t refused[4] = {198, 51, 100, 60};
    pkts.push_back({t0 + 4.2, frame(refused, server, 42000, 80, 900, 0, SYN, {})});
    pkts.push_back({t0 + 4.2005, frame(server, refused, 80, 42000, 0, 901, RST | ACK, {})});
    // The capture starts exactly at kFirstTs with a first packet there.
    pkts.front().ts = std::min(pkts.front().ts, t0 + 0.5);
    std::stable_sort(pkts.begin(), pkts.end(), [](const Pkt &a, const Pkt &b) { return a.ts < b.ts; });

    pcap::PcapWriter writer;
    if (auto st = writer.open(path.toStdString(), 1); !st)
        return QString::fromStdString(st.error().toString());
    for (const Pkt &p : pkts)
        writer.write(
            int64_t(p.ts * 1e9 + 0.5), p.bytes.data(), uint32_t(p.bytes.size()), uint32_t(p.bytes.size()));
    if (auto st = writer.close(); !st)
        return QString::fromStdString(st.error().toString());
    return {};
}

} // namespace lbs::test
