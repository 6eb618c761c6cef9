// Drives the connection simulations, merges their packets in time order and writes them.

#include "generator.h"

#include "capturewriter.h"
#include "connection.h"
#include "framebuilder.h"
#include "prng.h"
#include "tunnelframe.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <queue>

namespace lbs::gen {
namespace {

constexpr int64_t kSec = 1000000000;

struct HeapItem {
    int64_t ts;
    uint32_t conn; // connection index (tie-break: older connection first)
    uint32_t slot;
    bool operator>(const HeapItem &o) const { return ts != o.ts ? ts > o.ts : conn > o.conn; }
};

uint32_t ipv4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
    return static_cast<uint32_t>(a) << 24 | static_cast<uint32_t>(b) << 16 | static_cast<uint32_t>(c) << 8
        | d;
}

class Generator {
public:
    explicit Generator(const Options &o) : m_o(o), m_arrivals(Rng::derive(o.seed, 0)), m_writer(o) { }
    lbs::Result<GroundTruth> run();

private:
    void scheduleFaults();
    bool startConnection();
    void finish(Connection &c);
    GroundTruth truth();

    const Options &m_o;
    Rng m_arrivals;
    CaptureWriter m_writer;
    int64_t m_quantum = 1000;
    int64_t m_nextStart = 0;
    uint32_t m_connIndex = 0;
    std::vector<uint16_t> m_ports;
    std::vector<std::pair<int64_t, FaultKind>> m_faults; // relative ns, sorted
    size_t m_nextFault = 0;
    std::vector<std::unique_ptr<Connection>> m_slots;
    std::vector<uint32_t> m_freeSlots;
    std::priority_queue<HeapItem, std::vector<HeapItem>, std::greater<>> m_heap;
    std::vector<FlowTruth> m_flows;
    std::vector<FaultTruth> m_faultTruth;
};

void Generator::scheduleFaults()
{
    for (const FaultSpec &f : m_o.faults) {
        if (f.atSec >= 0) {
            m_faults.emplace_back(static_cast<int64_t>(std::llround(f.atSec * 1e9)), f.kind);
            continue;
        }
        const auto span = static_cast<int64_t>(std::llround(m_o.durationSec * 1e9));
        for (int k = 0; k < f.count; ++k)
            m_faults.emplace_back(span / f.count * k + span / f.count / 2, f.kind);
    }
    std::stable_sort(
        m_faults.begin(), m_faults.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
}

bool Generator::startConnection()
{
    ConnSetup s;
    s.index = m_connIndex++;
    s.startNs = m_nextStart;
    const int clients = std::clamp(m_o.clients, 1, 180);
    const int client = static_cast<int>(m_arrivals.range(0, clients - 1));
    s.clientIp = client % 2 == 0 ? ipv4(198, 51, 100, static_cast<uint8_t>(10 + client / 2))
                                 : ipv4(203, 0, 113, static_cast<uint8_t>(100 + client / 2));
    s.clientTtl = static_cast<uint8_t>(61 - client % 8);
    uint16_t &port = m_ports[static_cast<size_t>(client)];
    port = static_cast<uint16_t>(port + m_arrivals.range(1, 9));
    if (port > 60999 || port < 32768)
        port = static_cast<uint16_t>(32768 + port % 1000);
    s.clientPort = port;
    s.pod = static_cast<int>(m_arrivals.range(0, std::clamp(m_o.pods, 1, 200) - 1));
    s.vip = ipv4(203, 0, 113, 10);
    s.podIp = ipv4(192, 0, 2, static_cast<uint8_t>(11 + s.pod));
    s.podClientIp = m_o.snat ? ipv4(10, 0, 0, 2) : s.clientIp;
    s.podClientPort = m_o.snat ? static_cast<uint16_t>(1024 + s.index % 64000) : s.clientPort;
    s.requests = static_cast<int>(
        m_arrivals.range(std::max(1, m_o.minRequests), std::max(m_o.minRequests, m_o.maxRequests)));
    if (m_nextFault < m_faults.size() && m_faults[m_nextFault].first <= s.startNs - m_o.startEpochNs) {
        s.fault = m_faults[m_nextFault++].second;
        if (s.fault == FaultKind::ServerRst)
            s.requests = std::max(s.requests, 2);
    }
    Rng rng = Rng::derive(m_o.seed, 1000 + s.index);
    auto conn = std::make_unique<Connection>(simulateConnection(m_o, s, rng));
    const auto mean = static_cast<int64_t>(1e9 / std::max(m_o.connPerSec, 0.001));
    m_nextStart += std::max<int64_t>(m_quantum, m_arrivals.range(0, 2 * mean / m_quantum) * m_quantum);
    if (conn->pkts.empty())
        return true;
    uint32_t slot;
    if (!m_freeSlots.empty()) {
        slot = m_freeSlots.back();
        m_freeSlots.pop_back();
        m_slots[slot] = std::move(conn);
    } else {
        slot = static_cast<uint32_t>(m_slots.size());
        m_slots.push_back(std::move(conn));
    }
    m_heap.push({m_slots[slot]->pkts[0].ts, s.index, slot});
    return true;
}

void Generator::finish(Connection &c)
{
    for (int side = 0; side < 2; ++side)
        if (c.hasSide[side]) {
            tunnelTruth(m_o.tunnel, c.setup, static_cast<Side>(side), c.truth[side]);
            m_flows.push_back(std::move(c.truth[side]));
        }
    for (FaultTruth &f : c.faults)
        m_faultTruth.push_back(std::move(f));
}

lbs::Result<GroundTruth> Generator::run()
{
    if (m_o.output.empty())
        return lbs::Error {"no output file given", "lbscope-gen", "pass -w FILE"};
    m_quantum = m_o.nanosecond ? 1 : 1000;
    m_nextStart = m_o.startEpochNs + 10 * 1000000;
    Rng portRng = Rng::derive(m_o.seed, 1);
    m_ports.resize(180);
    for (uint16_t &p : m_ports)
        p = static_cast<uint16_t>(portRng.range(32768, 60000));
    scheduleFaults();

    const auto end = m_o.startEpochNs + static_cast<int64_t>(std::llround(m_o.durationSec * 1e9));
    bool starting = true;
    uint64_t index = 0;
    std::vector<uint8_t> frame(kMaxFrame);
    for (;;) {
        while (starting && (m_heap.empty() || m_nextStart <= m_heap.top().ts)) {
            if (m_o.targetBytes > 0 ? m_writer.bytesWritten() >= m_o.targetBytes : m_nextStart >= end) {
                starting = false;
                break;
            }
            startConnection();
        }
        if (m_heap.empty())
            break;
        const HeapItem item = m_heap.top();
        m_heap.pop();
        Connection &c = *m_slots[item.slot];
        const PktDesc &d = c.pkts[c.nextPkt++];
        if (d.side == Public || c.hasSide[PodSide]) {
            if (!c.started[d.side]) {
                c.started[d.side] = true;
                c.truth[d.side].firstPacketIndex = index;
            }
            const uint32_t len = buildFrame(m_o.link, m_o.tunnel, c, d, frame.data());
            if (!m_writer.write(d.ts, frame.data(), len))
                return lbs::Error {m_writer.error(), m_o.output, {}};
            ++index;
        }
        if (c.nextPkt < c.pkts.size()) {
            m_heap.push({c.pkts[c.nextPkt].ts, item.conn, item.slot});
        } else {
            finish(c);
            m_slots[item.slot].reset();
            m_freeSlots.push_back(item.slot);
        }
        if (m_o.targetBytes > 0 && m_writer.bytesWritten() >= m_o.targetBytes)
            starting = false;
    }
    if (!m_writer.close())
        return lbs::Error {m_writer.error(), m_o.output, {}};
    return truth();
}

GroundTruth Generator::truth()
{
    GroundTruth t;
    t.seed = m_o.seed;
    t.linktype = m_o.link == LinkType::Ethernet ? "ethernet" : "sll2";
    t.tunnel = m_o.tunnel == Tunnel::None ? "" : tunnelName(m_o.tunnel);
    t.format = m_o.format == FileFormat::Pcap ? "pcap" : "pcapng";
    t.nanosecond = m_o.nanosecond;
    t.vip = "203.0.113.10:80";
    t.snat = m_o.snat && m_o.bothSides;
    for (int p = 0; p < std::clamp(m_o.pods, 1, 200); ++p)
        t.pods.push_back(ipString(ipv4(192, 0, 2, static_cast<uint8_t>(11 + p))) + ":8080");
    t.packetsWritten = m_writer.packetsWritten();
    t.connections = m_connIndex;
    const auto &files = m_writer.files();
    const size_t first = m_writer.firstSurviving();
    t.wrapped = first > 0;
    t.rotations = files.empty() ? 0 : static_cast<int>(files.size()) - 1;
    t.survivingFromIndex = files.empty() ? 0 : files[first].firstIndex;
    for (size_t i = first; i < files.size(); ++i) {
        FileTruth f;
        const std::string &path = files[i].path;
        const size_t slash = path.find_last_of('/');
        f.name = slash == std::string::npos ? path : path.substr(slash + 1);
        f.packets = files[i].packets;
        f.bytes = files[i].bytes;
        f.firstTs = static_cast<double>(files[i].firstTs) / 1e9;
        f.lastTs = static_cast<double>(files[i].lastTs) / 1e9;
        t.packets += f.packets;
        t.files.push_back(f);
    }
    std::stable_sort(m_flows.begin(), m_flows.end(),
        [](const FlowTruth &a, const FlowTruth &b) { return a.firstPacketIndex < b.firstPacketIndex; });
    for (FlowTruth &f : m_flows)
        f.intact = f.firstPacketIndex >= t.survivingFromIndex;
    t.flows = std::move(m_flows);
    std::stable_sort(m_faultTruth.begin(), m_faultTruth.end(),
        [](const FaultTruth &a, const FaultTruth &b) { return a.ts < b.ts; });
    t.faults = std::move(m_faultTruth);
    return t;
}

} // namespace

lbs::Result<GroundTruth> generate(const Options &options)
{
    Generator g(options);
    return g.run();
}

} // namespace lbs::gen
