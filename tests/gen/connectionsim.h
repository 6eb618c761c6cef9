#pragma once
// The connection simulator's internals, shared by connection.cpp (the conversation) and
// connectionfinalize.cpp (timestamps, ordering and per-side truth counters).

#include "connection.h"

#include <string>

namespace lbs::gen {

constexpr int64_t kUs = 1000, kMs = 1000000, kSec = 1000000000;
constexpr uint32_t kMss = 1448; // 1460 minus the 12-byte timestamp option
constexpr uint16_t kClientWin = 502, kServerWin = 509; // scaled by 2^7 (window scale 7)
constexpr int64_t kDelayedAck = 40 * kMs;

/// "ip:port" for a host-order IPv4 address.
std::string endpoint(uint32_t ip, uint16_t port);

class Sim {
public:
    Sim(const Options &o, const ConnSetup &s, Rng &rng, Connection &c) : m_o(o), m_s(s), m_rng(rng), m_c(c)
    {
        m_quantum = o.nanosecond ? 1 : kUs;
    }
    void run();
    void finalize();

private:
    int64_t dur(int64_t lo, int64_t hi) { return m_rng.range(lo / m_quantum, hi / m_quantum) * m_quantum; }
    int64_t quant(int64_t ns) const { return ns / m_quantum * m_quantum; }
    uint32_t cSeq(size_t off) const { return m_cIsn + 1 + static_cast<uint32_t>(off); }
    uint32_t sSeq(size_t off) const { return m_sIsn + 1 + static_cast<uint32_t>(off); }
    uint32_t clientNext() const { return cSeq(m_c.c2sStream.size()); }
    uint32_t serverNext() const { return sSeq(m_c.s2cStream.size()); }

    size_t add(Side side, Dir dir, int64_t ts, uint8_t flags, uint32_t seq, uint32_t ack, OptKind opt,
        uint16_t win, uint32_t off = 0, uint32_t len = 0)
    {
        PktDesc p;
        p.ts = ts;
        p.side = side;
        p.dir = dir;
        p.flags = flags;
        p.seq = seq;
        p.ack = ack;
        p.opt = opt;
        p.win = win;
        p.off = off;
        p.len = len;
        p.order = static_cast<uint32_t>(m_c.pkts.size());
        m_c.pkts.push_back(p);
        return m_c.pkts.size() - 1;
    }
    /// A client packet passing the public interface at @p tPub, and its DNATed copy @p fwd later.
    size_t c2s(int64_t tPub, uint8_t flags, uint32_t seq, uint32_t ack, OptKind opt,
        uint16_t win = kClientWin, uint32_t off = 0, uint32_t len = 0, bool forward = true)
    {
        const uint16_t ipid = m_ipidC++;
        const uint32_t tsval = m_tsC + static_cast<uint32_t>(tPub / kMs);
        const size_t a = add(Public, C2s, tPub, flags, seq, ack, opt, win, off, len);
        m_c.pkts[a].ipid = ipid;
        m_c.pkts[a].tsval = tsval;
        if (forward) {
            const size_t b = add(PodSide, C2s, tPub + m_fwd, flags, seq, ack, opt, win, off, len);
            m_c.pkts[b].ipid = ipid;
            m_c.pkts[b].tsval = tsval;
            m_c.pkts[a].twin = static_cast<int32_t>(b);
            m_c.pkts[b].twin = static_cast<int32_t>(a);
        }
        return a;
    }
    /// A pod packet passing the pod interface at @p tPod, and its reverse-NATed copy @p fwd later.
    size_t s2c(int64_t tPod, uint8_t flags, uint32_t seq, uint32_t ack, OptKind opt, uint16_t win,
        uint32_t off = 0, uint32_t len = 0)
    {
        const uint16_t ipid = (flags & Rst) && !(flags & Psh) && opt == OptNone ? 0 : m_ipidS++;
        const uint32_t tsval = m_tsS + static_cast<uint32_t>(tPod / kMs);
        const size_t b = add(PodSide, S2c, tPod, flags, seq, ack, opt, win, off, len);
        const size_t a = add(Public, S2c, tPod + m_fwd, flags, seq, ack, opt, win, off, len);
        for (size_t i : {a, b}) {
            m_c.pkts[i].ipid = ipid;
            m_c.pkts[i].tsval = tsval;
        }
        m_c.pkts[a].twin = static_cast<int32_t>(b);
        m_c.pkts[b].twin = static_cast<int32_t>(a);
        return b;
    }
    void fault(int64_t ts, const std::string &detail)
    {
        FaultTruth f;
        f.kind = faultName(*m_s.fault);
        f.ts = static_cast<double>(ts) / 1e9;
        f.connection = m_s.index;
        f.client = m_c.truth[0].client;
        f.detail = detail;
        m_c.faults.push_back(f);
    }
    int64_t processingTime(int64_t arrivalPod, uint32_t body);
    std::string requestText(int r, std::string &method, std::string &path);
    uint32_t chooseBody(bool faulty, int &status);
    int64_t sendResponse(int64_t startPod, size_t off, uint32_t len, bool faulty, int64_t tReqPub,
        RequestTruth &pub, RequestTruth &pod);

    const Options &m_o;
    const ConnSetup &m_s;
    Rng &m_rng;
    Connection &m_c;
    int64_t m_quantum = kUs;
    int64_t m_crtt = 0, m_brtt = 0, m_fwd = 0, m_ser = 0;
    uint32_t m_cIsn = 0, m_sIsn = 0, m_tsC = 0, m_tsS = 0;
    uint16_t m_ipidC = 0, m_ipidS = 0;
};

} // namespace lbs::gen
