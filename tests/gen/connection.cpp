// Simulates one TCP/HTTP connection through a kube-proxy style VIP as seen on the LB node:
// the public copy (client <-> VIP:80) and the post-DNAT copy (client <-> pod:8080).
// Timing model, at the capture point: the client is crtt away (round trip), the pod brtt,
// and a packet needs fwd to cross from one side's interface to the other.

#include "connection.h"

#include "connectionsim.h"

#include "framebuilder.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace lbs::gen {
namespace {

const char *const kPaths[] = {"/", "/api/v1/items", "/api/v1/items/42", "/api/v1/cart", "/static/app.js",
    "/static/style.css", "/images/logo.png", "/api/v1/search?q=lb", "/healthz", "/api/v1/orders"};

} // namespace

std::string endpoint(uint32_t ip, uint16_t port)
{
    return ipString(ip) + ':' + std::to_string(port);
}

int64_t Sim::processingTime(int64_t arrivalPod, uint32_t body)
{
    int64_t proc = dur(300 * kUs, 6 * kMs) + quant(static_cast<int64_t>(body) * 20); // 20 ns per byte
    const int64_t rel = arrivalPod - m_o.startEpochNs;
    for (const SlowWindow &w : m_o.slow) {
        const auto from = static_cast<int64_t>(std::llround(w.startSec * 1e9));
        const auto to = w.endSec >= 1e17 ? INT64_MAX : static_cast<int64_t>(std::llround(w.endSec * 1e9));
        if (rel >= from && rel < to && (w.pod < 0 || w.pod == m_s.pod))
            proc += quant(static_cast<int64_t>(std::llround(w.addMs * 1e6)));
    }
    return proc;
}

std::string Sim::requestText(int r, std::string &method, std::string &path)
{
    path = kPaths[m_rng.range(0, std::size(kPaths) - 1)];
    const bool post = m_rng.chance(100);
    method = post ? "POST" : "GET";
    std::string body;
    if (post) {
        path = "/api/v1/orders";
        body = "{\"item\":" + std::to_string(m_rng.range(1, 9999))
            + ",\"qty\":" + std::to_string(m_rng.range(1, 9)) + '}';
    }
    std::string s = method + ' ' + path + " HTTP/1.1\r\nHost: shop.example.com\r\n"
        + "User-Agent: lbscope-gen-client/1.0\r\nAccept: */*\r\n";
    if (r == 0)
        s += "Accept-Encoding: identity\r\n";
    if (post)
        s += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    s += "\r\n" + body;
    return s;
}

uint32_t Sim::chooseBody(bool faulty, int &status)
{
    status = 200;
    const int roll = static_cast<int>(m_rng.range(0, 99));
    if (!faulty && roll < 4)
        status = 404;
    else if (!faulty && roll < 6)
        status = 503;
    if (faulty && m_s.fault == FaultKind::RtoRetransmit)
        return static_cast<uint32_t>(m_rng.range(100, 1000));
    if (faulty && m_s.fault == FaultKind::FastRetransmit)
        return static_cast<uint32_t>(m_rng.range(20000, 40000));
    if (faulty && m_s.fault == FaultKind::ZeroWindow)
        return static_cast<uint32_t>(m_rng.range(30000, 60000));
    if (status != 200)
        return static_cast<uint32_t>(m_rng.range(20, 200));
    const uint32_t maxBody = std::max<uint32_t>(m_o.maxBody, 64);
    const int size = static_cast<int>(m_rng.range(0, 99));
    if (size < 60)
        return static_cast<uint32_t>(m_rng.range(64, std::min<uint32_t>(4000, maxBody)));
    if (size < 90)
        return static_cast<uint32_t>(m_rng.range(64, std::min<uint32_t>(30000, maxBody)));
    return static_cast<uint32_t>(m_rng.range(64, maxBody));
}

/// Sends one response in slow-start rounds; the client ACKs every second segment.
/// Returns the public time of the client's last ACK of this response.
int64_t Sim::sendResponse(int64_t startPod, size_t off, uint32_t len, bool faulty, int64_t tReqPub,
    RequestTruth &pub, RequestTruth &pod)
{
    const uint32_t n = (len + kMss - 1) / kMss;
    const uint32_t base = sSeq(off);
    const uint32_t ackC = clientNext();
    // Plain values, not a copied std::optional: GCC -O2 flags those as maybe-uninitialized.
    const bool hasFault = faulty && m_s.fault.has_value();
    const FaultKind kindV = hasFault ? *m_s.fault : FaultKind::SynTimeout;
    auto is = [&](FaultKind k) { return hasFault && kindV == k; };
    const int64_t lostIdx = is(FaultKind::FastRetransmit) ? 3 : is(FaultKind::RtoRetransmit) ? 0 : -1;
    uint32_t clientLastAck = base;
    uint32_t cwnd = 10, idx = 0;
    int64_t tRound = startPod, lastAckPub = 0, firstSegPod = 0, lastSegPod = 0;
    auto segLen = [&](uint32_t seg) { return std::min(kMss, len - seg * kMss); };
    while (idx < n) {
        const uint32_t cnt = std::min(cwnd, n - idx);
        for (uint32_t j = 0; j < cnt; ++j) {
            const uint32_t seg = idx + j;
            const uint8_t flags = Ack | (j == cnt - 1 ? Psh : 0);
            s2c(tRound + j * m_ser, flags, base + seg * kMss, ackC, OptTs, kServerWin,
                static_cast<uint32_t>(off) + seg * kMss, segLen(seg));
            if (seg == 0)
                firstSegPod = tRound;
            if (seg == n - 1)
                lastSegPod = tRound + j * m_ser;
        }
        int64_t firstAckPub = -1, retransPod = -1;
        int64_t hole = -1;
        int dups = 0, recvSinceAck = 0;
        const bool zeroHere = is(FaultKind::ZeroWindow) && idx == 0 && n > cnt;
        for (uint32_t j = 0; j < cnt; ++j) {
            const uint32_t seg = idx + j;
            const int64_t ackT = tRound + j * m_ser + m_fwd + m_crtt;
            const uint32_t segEnd = base + seg * kMss + segLen(seg);
            if (static_cast<int64_t>(seg) == lostIdx) {
                hole = seg;
                continue;
            }
            if (hole >= 0) { // out of order: immediate (dup) ACK with a SACK block
                const uint32_t holeSeq = base + static_cast<uint32_t>(hole) * kMss;
                const size_t a = c2s(ackT, Ack, ackC, holeSeq, OptTsSack);
                m_c.pkts[a].sackL = m_c.pkts[a + 1].sackL = holeSeq + segLen(static_cast<uint32_t>(hole));
                m_c.pkts[a].sackR = m_c.pkts[a + 1].sackR = segEnd;
                if (clientLastAck == holeSeq) {
                    ++dups;
                    ++m_c.truth[0].dupAcks, ++m_c.truth[1].dupAcks;
                    if (dups == 3 && is(FaultKind::FastRetransmit))
                        retransPod = ackT + m_fwd + m_brtt;
                }
                clientLastAck = holeSeq;
                lastAckPub = std::max(lastAckPub, ackT);
                continue;
            }
            if (++recvSinceAck == 2 || j == cnt - 1) {
                const uint16_t win = zeroHere && j == cnt - 1 ? 0 : kClientWin;
                c2s(ackT, Ack, ackC, segEnd, OptTs, win);
                clientLastAck = segEnd;
                recvSinceAck = 0;
                if (firstAckPub < 0)
                    firstAckPub = ackT;
                lastAckPub = std::max(lastAckPub, ackT);
            }
        }
        const int64_t roundEndPod = tRound + (cnt - 1) * m_ser;
        if (hole >= 0) {
            const auto h = static_cast<uint32_t>(hole);
            if (is(FaultKind::RtoRetransmit))
                retransPod = tRound + (h - idx) * m_ser + 200 * kMs + m_crtt;
            s2c(retransPod, Ack | Psh, base + h * kMss, ackC, OptTs, kServerWin,
                static_cast<uint32_t>(off) + h * kMss, segLen(h));
            for (FlowTruth &t : m_c.truth) {
                ++t.dataRetransmits;
                t.fastRetransmits += is(FaultKind::FastRetransmit) ? 1 : 0;
            }
            const uint32_t roundEnd = base + (idx + cnt - 1) * kMss + segLen(idx + cnt - 1);
            const int64_t fullAck = retransPod + m_fwd + m_crtt;
            c2s(fullAck, Ack, ackC, roundEnd, OptTs);
            clientLastAck = roundEnd;
            lastAckPub = std::max(lastAckPub, fullAck);
            firstAckPub = fullAck;
            fault(retransPod + m_fwd,
                is(FaultKind::RtoRetransmit) ? "response segment resent after the RTO"
                                             : "response segment fast-retransmitted "
                                               "after 3 duplicate ACKs");
        }
        int64_t next = std::max(firstAckPub + m_fwd + m_brtt, roundEndPod + m_ser);
        if (zeroHere) {
            const int64_t update = lastAckPub + 150 * kMs;
            c2s(update, Ack, ackC, clientLastAck, OptTs, kClientWin);
            lastAckPub = update;
            next = update + m_fwd + m_brtt;
            ++m_c.truth[0].zeroWindows, ++m_c.truth[1].zeroWindows;
            fault(update - 150 * kMs, "client advertised a zero window for 150 ms");
        }
        tRound = next;
        idx += cnt;
        cwnd = std::min<uint32_t>(cwnd * 2, 40);
    }
    pub.ttfbUs = static_cast<double>(firstSegPod + m_fwd - tReqPub) / 1e3;
    pub.responseUs = static_cast<double>(lastSegPod + m_fwd - tReqPub) / 1e3;
    pod.ttfbUs = static_cast<double>(firstSegPod - (tReqPub + m_fwd)) / 1e3;
    pod.responseUs = static_cast<double>(lastSegPod - (tReqPub + m_fwd)) / 1e3;
    return lastAckPub;
}

void Sim::run()
{
    m_crtt = dur(1 * kMs, 40 * kMs);
    m_brtt = dur(60 * kUs, 400 * kUs);
    m_fwd = dur(4 * kUs, 20 * kUs);
    m_ser = dur(11 * kUs, 13 * kUs);
    m_cIsn = m_rng.u32();
    m_sIsn = m_rng.u32();
    m_tsC = m_rng.u32();
    m_tsS = m_rng.u32();
    m_ipidC = static_cast<uint16_t>(m_rng.range(0, 65535));
    m_ipidS = static_cast<uint16_t>(m_rng.range(0, 65535));

    FlowTruth &pub = m_c.truth[Public];
    FlowTruth &pod = m_c.truth[PodSide];
    pub.side = "public";
    pod.side = "pod";
    pub.client = endpoint(m_s.clientIp, m_s.clientPort);
    pod.client = m_s.podClientIp ? endpoint(m_s.podClientIp, m_s.podClientPort) : pub.client;
    pub.server = endpoint(m_s.vip, m_s.vipPort);
    pod.server = endpoint(m_s.podIp, m_s.podPort);
    pub.connection = pod.connection = m_s.index;
    pub.pod = pod.pod = m_s.pod;
    m_c.hasSide[PodSide] = m_o.bothSides;

    int64_t t = m_s.startNs;
    const bool hasFault = m_s.fault.has_value();
    const FaultKind kindV = hasFault ? *m_s.fault : FaultKind::SynTimeout;
    auto is = [&](FaultKind k) { return hasFault && kindV == k; };
    if (is(FaultKind::SynTimeout)) {
        for (int64_t s : {0, 1, 3, 7, 15})
            c2s(t + s * kSec, Syn, m_cIsn, 0, OptSyn, 64240, 0, 0, false);
        pub.synCount = 5;
        pub.outcome = "failed_handshake";
        m_c.hasSide[PodSide] = false;
        fault(t, "5 SYNs at +0/+1/+3/+7/+15 s, never answered (dropped on the LB node)");
        return;
    }
    if (is(FaultKind::InNodeDrop) || is(FaultKind::PodSilent)) {
        // Dropped after the VIP interface (no copy on the pod side), or forwarded to a pod that
        // never answers (the copy is there, nothing comes back).
        const bool forward = is(FaultKind::PodSilent) && m_o.bothSides;
        for (int64_t s : {0, 1, 3, 7, 15})
            c2s(t + s * kSec, Syn, m_cIsn, 0, OptSyn, 64240, 0, 0, forward);
        pub.synCount = 5;
        pub.outcome = "failed_handshake";
        m_c.hasSide[PodSide] = forward;
        if (forward) {
            pod.synCount = 5;
            pod.outcome = "failed_handshake";
            if (m_o.bothSides)
                pub.inNodeUs = pod.inNodeUs = static_cast<double>(m_fwd) / 1e3;
        }
        fault(t,
            forward ? "5 SYNs forwarded to the pod, never answered"
                    : "5 SYNs seen on the VIP interface, dropped inside the node");
        return;
    }
    if (is(FaultKind::ReplyLost)) {
        // Forwarded to the pod, which answers every SYN; no SYN/ACK comes out of the node.
        const bool both = m_o.bothSides;
        for (int64_t s : {0, 1, 3}) {
            c2s(t + s * kSec, Syn, m_cIsn, 0, OptSyn, 64240, 0, 0, both);
            if (both)
                add(PodSide, S2c, t + s * kSec + m_fwd + m_brtt, Syn | Ack, m_sIsn, m_cIsn + 1, OptSyn,
                    65160);
        }
        pub.synCount = 3;
        pub.outcome = "failed_handshake";
        m_c.hasSide[PodSide] = both;
        if (both) {
            pod.synCount = 3;
            pod.synAckRetransmits = 2;
            pod.outcome = "incomplete";
            pod.handshakeRttUs = static_cast<double>(m_brtt) / 1e3;
            pub.inNodeUs = pod.inNodeUs = static_cast<double>(m_fwd) / 1e3;
        }
        fault(t, "3 SYNs forwarded to the pod and answered; the SYN/ACKs are lost inside the node");
        return;
    }
    if (is(FaultKind::LateSynAck)) {
        // The pod retransmits its SYN/ACK (a connection whose client already gave up); it comes out
        // reverse-NATed and the client, without a socket, answers RST. No SYN, so no connection.
        const bool both = m_o.bothSides;
        const int64_t tPub = both ? t + m_fwd : t;
        if (both)
            s2c(t, Syn | Ack, m_sIsn, m_cIsn + 1, OptSyn, 65160);
        else
            add(Public, S2c, t, Syn | Ack, m_sIsn, m_cIsn + 1, OptSyn, 65160);
        c2s(tPub + m_crtt, Rst, m_cIsn + 1, 0, OptNone, 0, 0, 0, both);
        pub.outcome = pod.outcome = "stale";
        pub.resets = pod.resets = 1;
        m_c.hasSide[PodSide] = both;
        fault(t, "a late SYN/ACK from the pod, answered by the client's RST (no SYN in the capture)");
        return;
    }
    if (is(FaultKind::IcmpUnreachable)) {
        const size_t syn = c2s(t, Syn, m_cIsn, 0, OptSyn, 64240, 0, 0, false);
        const size_t icmp = add(Public, S2c, t + dur(20 * kUs, 60 * kUs), 0, m_cIsn, 0, OptSyn, 64240);
        m_c.pkts[icmp].icmp = true;
        m_c.pkts[icmp].tsval = m_c.pkts[syn].tsval;
        m_c.pkts[icmp].ipid = m_c.pkts[syn].ipid;
        pub.synCount = 1;
        pub.outcome = "failed_handshake";
        pub.icmpUnreachable = true;
        m_c.hasSide[PodSide] = false;
        fault(t, "SYN answered by ICMP port unreachable from the VIP (service without endpoints)");
        return;
    }
    if (is(FaultKind::SynLoss)) {
        c2s(t, Syn, m_cIsn, 0, OptSyn, 64240, 0, 0, false);
        fault(t, "first SYN dropped in the node, retry after 1 s answered");
        t += kSec;
        pub.synCount = 1; // the retry below adds the second
    }
    const int64_t synPub = t;
    pub.inNodeUs = pod.inNodeUs = static_cast<double>(m_fwd) / 1e3;
    c2s(t, Syn, m_cIsn, 0, OptSyn, 64240);
    ++pub.synCount;
    pod.synCount = 1;
    const int64_t synackPod = t + m_fwd + m_brtt;
    if (is(FaultKind::SynRst)) {
        s2c(synackPod, Rst | Ack, 0, m_cIsn + 1, OptNone, 0);
        pub.outcome = pod.outcome = "reset";
        pub.resets = pod.resets = 1;
        fault(synackPod, "SYN answered by RST/ACK from the backend (nothing listening on the target port)");
        return;
    }
    s2c(synackPod, Syn | Ack, m_sIsn, m_cIsn + 1, OptSyn, 65160);
    const int64_t synackPub = synackPod + m_fwd;
    const int64_t ackPub = synackPub + m_crtt;
    c2s(ackPub, Ack, m_cIsn + 1, m_sIsn + 1, OptTs);
    pub.handshakeRttUs = static_cast<double>(synackPub - synPub) / 1e3;
    pub.ackRttUs = static_cast<double>(ackPub - synackPub) / 1e3;
    pod.handshakeRttUs = static_cast<double>(synackPod - (synPub + m_fwd)) / 1e3;
    pod.ackRttUs = static_cast<double>(ackPub + m_fwd - synackPod) / 1e3;

    const int requests = std::max(1, m_s.requests);
    int faultReq = -1;
    if (is(FaultKind::ServerRst))
        faultReq = requests > 1 ? static_cast<int>(m_rng.range(1, requests - 1)) : 0;
    else if (hasFault)
        faultReq = static_cast<int>(m_rng.range(0, requests - 1));

    t = ackPub + dur(10 * kUs, 60 * kUs);
    for (int r = 0; r < requests; ++r) {
        RequestTruth rq;
        const std::string text = requestText(r, rq.method, rq.path);
        const size_t reqOff = m_c.c2sStream.size();
        const uint32_t serverAck = serverNext();
        m_c.c2sStream += text;
        c2s(t, Psh | Ack, cSeq(reqOff), serverAck, OptTs, kClientWin, static_cast<uint32_t>(reqOff),
            static_cast<uint32_t>(text.size()));
        rq.ts = static_cast<double>(t) / 1e9;
        RequestTruth rqPod = rq;
        rqPod.ts = static_cast<double>(t + m_fwd) / 1e9;
        const bool faulty = r == faultReq;
        int status = 200;
        const uint32_t body = chooseBody(faulty, status);
        const int64_t proc = processingTime(t + m_fwd, body);
        if (faulty && is(FaultKind::ServerRst)) {
            const int64_t rstPod = t + m_fwd + m_brtt + proc;
            s2c(rstPod, Rst | Ack, serverNext(), clientNext(), OptNone, 0);
            pub.requests.push_back(rq);
            pod.requests.push_back(rqPod);
            pub.outcome = pod.outcome = "reset";
            pub.resets = pod.resets = 1;
            fault(
                rstPod, "backend reset the connection instead of answering request " + std::to_string(r + 1));
            return;
        }
        rq.status = rqPod.status = status;
        rq.bodyBytes = rqPod.bodyBytes = body;
        const char *reason = status == 200 ? "OK" : status == 404 ? "Not Found" : "Service Unavailable";
        std::string head = "HTTP/1.1 " + std::to_string(status) + ' ' + reason
            + "\r\nServer: lbscope-gen-pod\r\nContent-Type: "
            + (status == 200 ? "application/json" : "text/plain")
            + "\r\nContent-Length: " + std::to_string(body) + "\r\nConnection: keep-alive\r\n\r\n";
        const size_t respOff = m_c.s2cStream.size();
        m_c.s2cStream += head;
        static const std::string pattern = [] {
            std::string p;
            for (int i = 0; p.size() < 4096; ++i)
                p += "{\"id\":" + std::to_string(i) + ",\"name\":\"item-" + std::to_string(i * 7 % 1000)
                    + "\"},";
            return p;
        }();
        for (uint32_t left = body; left > 0;) {
            const uint32_t chunk = std::min<uint32_t>(left, static_cast<uint32_t>(pattern.size()));
            m_c.s2cStream.append(pattern, 0, chunk);
            left -= chunk;
        }
        if (proc > kDelayedAck) // the server's delayed ACK fires before the response is ready
            s2c(t + m_fwd + m_brtt + kDelayedAck, Ack, serverAck, clientNext(), OptTs, kServerWin);
        const int64_t lastAck = sendResponse(t + m_fwd + m_brtt + proc, respOff,
            static_cast<uint32_t>(m_c.s2cStream.size() - respOff), faulty, t, rq, rqPod);
        pub.requests.push_back(rq);
        pod.requests.push_back(rqPod);
        t = lastAck + dur(1 * kMs, 300 * kMs);
    }
    // The client closes the keep-alive connection; the server closes its side at once.
    c2s(t, Fin | Ack, clientNext(), serverNext(), OptTs);
    const int64_t finPod = t + m_fwd + m_brtt + dur(20 * kUs, 100 * kUs);
    s2c(finPod, Fin | Ack, serverNext(), clientNext() + 1, OptTs, kServerWin);
    c2s(finPod + m_fwd + m_crtt, Ack, clientNext() + 1, serverNext() + 1, OptTs);
    pub.outcome = pod.outcome = "complete";
}

std::string ipString(uint32_t ip)
{
    return std::to_string(ip >> 24) + '.' + std::to_string((ip >> 16) & 255) + '.'
        + std::to_string((ip >> 8) & 255) + '.' + std::to_string(ip & 255);
}

Connection simulateConnection(const Options &options, const ConnSetup &setup, Rng &rng)
{
    Connection c;
    c.setup = setup;
    Sim sim(options, c.setup, rng, c);
    sim.run();
    sim.finalize();
    return c;
}

} // namespace lbs::gen
