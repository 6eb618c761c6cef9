// NAT legs: the matcher joins SYNs by ISN (client port kept unless SNAT, window, hints, retried
// SYNs, third legs), measures the in-node delay of matched copies and counts the copies that never
// came out; end to end, a both-sides SLL2 capture is counted once, names its pod and locates drops.
#include "analysistestutil.h"

#include "core/analysis/backends.h"
#include "core/analysis/endpointmap.h"
#include "core/analysis/jsonreport.h"
#include "core/analysis/natlegs.h"

using namespace lbs::testing;
using namespace lbs::analysis;

namespace {

constexpr int64_t kT0 = 1'000'000'000'000;

lbs::pcap::Endpoint ep(const char *ip, uint16_t port)
{
    return {lbs::pcap::IpAddress::parse(ip), port};
}

/// Frames of tcpdump -i any (SLL2): one segment, on interface `ifIndex`.
void seg(std::vector<Frame> &out, int64_t ts, uint32_t ifIndex, const std::string &src, uint16_t sport,
    const std::string &dst, uint16_t dport, uint8_t flags, uint32_t seq, uint32_t ack,
    const std::string &payload = {})
{
    out.push_back(Frame {ts,
        sll2(ipv4(src, dst, 6, tcpSegment(sport, dport, flags, seq, ack, 64000, payload)), 0x0800, ifIndex,
            0)});
}

} // namespace

class TestNatLegs : public QObject {
    Q_OBJECT
private slots:
    void join_data();
    void join();
    void segments_data();
    void segments();
    void forgetsOldSyns();
    void bothSidesCapture();
    void manifestTopology();
};

void TestNatLegs::join_data()
{
    QTest::addColumn<QString>("backClient");
    QTest::addColumn<int>("backPort");
    QTest::addColumn<qint64>("gapUs");
    QTest::addColumn<int>("hintFirst");
    QTest::addColumn<int>("hintSecond");
    QTest::addColumn<int>("frontSyns"); ///< SYNs of the first flow before the copy
    QTest::addColumn<bool>("joined");
    QTest::addColumn<bool>("snat");
    QTest::addColumn<int>("frontFlow");
    QTest::addColumn<int>("synDrops");
    const int U = int(LegHint::Unknown), F = int(LegHint::Front), B = int(LegHint::Back);
    QTest::newRow("DNAT only") << "198.51.100.7" << 40000 << 12LL << U << U << 1 << true << false << 0 << 0;
    QTest::newRow("SNAT, other port") << "10.0.0.2" << 61000 << 12LL << U << U << 1 << true << true << 0 << 0;
    QTest::newRow("same client, other port")
        << "198.51.100.7" << 40001 << 12LL << U << U << 1 << false << false << -1 << 0;
    QTest::newRow("outside the window")
        << "198.51.100.7" << 40000 << 300000LL << U << U << 1 << false << false << -1 << 0;
    QTest::newRow("at the window") << "198.51.100.7" << 40000 << 200000LL << U << U << 1 << true << false << 0
                                   << 0;
    QTest::newRow("copy stamped earlier")
        << "198.51.100.7" << 40000 << -5LL << U << U << 1 << true << false << 0 << 0;
    QTest::newRow("hint: second is the VIP")
        << "198.51.100.7" << 40000 << 12LL << U << F << 1 << true << false << 1 << 0;
    QTest::newRow("hint: first is a pod")
        << "198.51.100.7" << 40000 << 12LL << B << U << 1 << true << false << 1 << 0;
    QTest::newRow("hints agree") << "198.51.100.7" << 40000 << 12LL << F << B << 1 << true << false << 0 << 0;
    QTest::newRow("two SYNs dropped, third forwarded")
        << "198.51.100.7" << 40000 << 12LL << U << U << 3 << true << false << 0 << 2;
}

void TestNatLegs::join()
{
    QFETCH(QString, backClient);
    QFETCH(int, backPort);
    QFETCH(qint64, gapUs);
    QFETCH(int, hintFirst);
    QFETCH(int, hintSecond);
    QFETCH(int, frontSyns);
    QFETCH(bool, joined);
    QFETCH(bool, snat);
    QFETCH(int, frontFlow);
    QFETCH(int, synDrops);
    LegMatcher m;
    const auto client = ep("198.51.100.7", 40000);
    int64_t t = kT0;
    for (int i = 0; i < frontSyns; ++i) {
        if (i)
            t += 1'000'000'000LL << (i - 1); // Linux: +1 s, +2 s
        const LegJoin j = m.onClientSyn(LegSyn {0, 0xdeadbeef, client, t, LegHint(hintFirst)});
        QCOMPARE(j.connection, -1);
    }
    // An unrelated connection in between (another ISN) never joins.
    QCOMPARE(
        m.onClientSyn(LegSyn {5, 0x12345678, ep("198.51.100.9", 40000), t, LegHint::Unknown}).connection, -1);
    const auto back = ep(backClient.toLatin1().constData(), uint16_t(backPort));
    const LegJoin j = m.onClientSyn(LegSyn {1, 0xdeadbeef, back, t + gapUs * 1000, LegHint(hintSecond)});
    QCOMPARE(j.connection >= 0, joined);
    QCOMPARE(j.joinedNow, joined);
    if (joined) {
        // A retransmitted SYN of a joined leg stays in its connection; a third copy joins it.
        const LegJoin again = m.onClientSyn(LegSyn {0, 0xdeadbeef, client, t + 100, LegHint::Unknown});
        QCOMPARE(again.connection, 0);
        QVERIFY(!again.joinedNow);
        const LegJoin third = m.onClientSyn(LegSyn {2, 0xdeadbeef, back, t + 200, LegHint::Unknown});
        QCOMPARE(third.connection, 0);
        QVERIFY(third.joinedNow);
    }
    m.finish(t + 10'000'000'000LL);
    QCOMPARE(m.connections().size(), size_t(joined ? 1 : 0));
    if (!joined)
        return;
    const NatConnection &c = m.connections()[0];
    QCOMPARE(c.legCount, uint8_t(3));
    QCOMPARE(c.legs[2], 2u);
    QCOMPARE(int(c.front()), frontFlow);
    QCOMPARE(int(c.legs[1]), 1 - frontFlow);
    QCOMPARE(c.back(), 2u); // the last joined leg is the one nearest the pod
    QCOMPARE(c.snat, snat);
    QCOMPARE(c.delay[0].samples, 1u);
    QCOMPARE(c.delay[0].medianNs, frontFlow == 0 ? gapUs * 1000 : -gapUs * 1000);
    QCOMPARE(int(c.dropped[0]), synDrops);
    QCOMPARE(int(m.drops().size()), synDrops);
}

void TestNatLegs::segments_data()
{
    // Events "<leg><dir><id>@<µs>": leg F(ront) or B(ack), dir 0 client->server or 1, id a packet
    // identity (S: a SYN/ACK, other letters: data segments with distinct seq). The handshake's
    // SYN copy (10 µs) is the first client->server sample of every row.
    QTest::addColumn<QString>("events");
    QTest::addColumn<qint64>("endAfterUs"); ///< the capture ends this long after the last event
    QTest::addColumn<int>("samples0");
    QTest::addColumn<qint64>("median0Us");
    QTest::addColumn<qint64>("max0Us");
    QTest::addColumn<int>("samples1");
    QTest::addColumn<qint64>("median1Us");
    QTest::addColumn<int>("drops0");
    QTest::addColumn<int>("drops1");
    QTest::addColumn<QString>("dropKinds");
    QTest::newRow("each copy once") << "F0a@100 B0a@110 B1b@200 F1b@207 F0c@300 B0c@330" << 1000LL << 3
                                    << 10LL << 30LL << 1 << 7LL << 0 << 0 << "";
    QTest::newRow("burst interleaved") << "B1a@0 B1b@1 B1c@2 F1a@20 F1b@21 F1c@40" << 1000LL << 1 << 10LL
                                       << 10LL << 3 << 20LL << 0 << 0 << "";
    QTest::newRow("downstream copy stamped first")
        << "B0a@100 F0a@102" << 1000LL << 2 << -2LL << 10LL << 0 << 0LL << 0 << 0 << "";
    QTest::newRow("client data lost in the node") << "F0a@0 F0b@10 B0b@20 F0c@300000 B0c@300012" << 1000LL
                                                  << 3 << 10LL << 12LL << 0 << 0LL << 1 << 0 << "c2s data";
    QTest::newRow("SYN/ACK lost on the way back")
        << "B1S@0" << 300000LL << 1 << 10LL << 10LL << 0 << 0LL << 0 << 1 << "s2c SYN/ACK";
    QTest::newRow("downstream only is no drop")
        << "B0a@0 F1b@300000" << 300000LL << 1 << 10LL << 10LL << 0 << 0LL << 0 << 0 << "";
    QTest::newRow("waiting at the capture's end")
        << "F0a@0 F0z@1000" << 1000LL << 1 << 10LL << 10LL << 0 << 0LL << 0 << 0 << "";
    QTest::newRow("lost before the capture's end")
        << "F0a@0 F0z@1000" << 250000LL << 1 << 10LL << 10LL << 0 << 0LL << 2 << 0 << "c2s data,c2s data";
    QTest::newRow("retransmission matched in order")
        << "F0a@0 B0a@5 F0a@1000 B0a@1009" << 1000LL << 3 << 9LL << 10LL << 0 << 0LL << 0 << 0 << "";
}

void TestNatLegs::segments()
{
    QFETCH(QString, events);
    QFETCH(qint64, endAfterUs);
    QFETCH(int, samples0);
    QFETCH(qint64, median0Us);
    QFETCH(qint64, max0Us);
    QFETCH(int, samples1);
    QFETCH(qint64, median1Us);
    QFETCH(int, drops0);
    QFETCH(int, drops1);
    QFETCH(QString, dropKinds);
    LegMatcher m;
    const auto client = ep("198.51.100.7", 40000);
    QCOMPARE(m.onClientSyn(LegSyn {0, 77, client, kT0 - 1000, LegHint::Unknown}).connection, -1);
    QCOMPARE(m.onClientSyn(LegSyn {1, 77, client, kT0 + 9000, LegHint::Unknown}).connection, 0);
    int64_t last = kT0;
    for (const QString &e : events.split(QLatin1Char(' '))) {
        const uint32_t leg = e[0] == QLatin1Char('F') ? 0 : 1;
        const uint8_t dir = uint8_t(e[1].digitValue());
        const char id = e[2].toLatin1();
        const int64_t ts = kT0 + e.mid(4).toLongLong() * 1000;
        last = std::max(last, ts);
        LegSegment s {dir, ts, 1000u + uint32_t(id) * 100u, 5000, uint8_t(ACK | PSH), 100};
        if (id == 'S')
            s = LegSegment {dir, ts, 5000, 78, uint8_t(SYN | ACK), 0};
        m.onSegment(0, leg, s);
    }
    m.finish(last + endAfterUs * 1000);
    const NatConnection &c = m.connections()[0];
    QCOMPARE(int(c.delay[0].samples), samples0);
    QCOMPARE(c.delay[0].medianNs, median0Us * 1000);
    QCOMPARE(c.delay[0].maxNs, max0Us * 1000);
    QCOMPARE(int(c.delay[1].samples), samples1);
    QCOMPARE(c.delay[1].medianNs, median1Us * 1000);
    QCOMPARE(int(c.dropped[0]), drops0);
    QCOMPARE(int(c.dropped[1]), drops1);
    QStringList kinds;
    for (const InNodeDrop &d : m.drops())
        kinds << QString::fromLatin1(d.dir ? "s2c " : "c2s ") + QString::fromLatin1(inNodePacketName(d.kind));
    QCOMPARE(kinds.join(QLatin1Char(',')), dropKinds);
}

void TestNatLegs::forgetsOldSyns()
{
    // 100 s of one-sided connections (one every 10 ms) and, in the middle, one whose first SYN
    // was dropped inside the node and whose retry 31 s later came through.
    LegMatcher m;
    const auto client = ep("198.51.100.7", 40000);
    const int64_t mid = kT0 + 50'000'000'000LL;
    for (uint32_t i = 0; i < 10000; ++i) {
        const int64_t t = kT0 + int64_t(i) * 10'000'000;
        QCOMPARE(m.onClientSyn(LegSyn {i, 100000 + i, ep("203.0.113.5", uint16_t(1024 + i % 60000)), t,
                                   LegHint::Unknown})
                     .connection,
            -1);
        if (t == mid)
            QCOMPARE(m.onClientSyn(LegSyn {20000, 7, client, t, LegHint::Unknown}).connection, -1);
        if (t == mid + 31'000'000'000LL) {
            QCOMPARE(m.onClientSyn(LegSyn {20000, 7, client, t, LegHint::Unknown}).connection, -1);
            QVERIFY(m.onClientSyn(LegSyn {20001, 7, client, t + 9000, LegHint::Unknown}).joinedNow);
        }
    }
    QVERIFY2(m.rememberedSyns() < 7000, qPrintable(QString::number(m.rememberedSyns())));
    m.finish(kT0 + 101'000'000'000LL);
    QCOMPARE(m.connections().size(), size_t(1));
    QCOMPARE(m.connections()[0].dropped[0], 1u);
    QCOMPARE(m.drops().at(0).tsNs, mid);
}

void TestNatLegs::bothSidesCapture()
{
    // Node lab-node-1 holds VIP 203.0.113.10:80 on eth1 (if 3); pods 10.244.1.5 (cali1, if 10)
    // and 10.244.1.6 (if 11). Connection 1: DNAT to pod 5 (200 ms TTFB); connection 2: SNAT to
    // pod 6 (1 ms); connection 3: SYNs never leave eth1; connection 4: pod 6 never answers.
    std::vector<Frame> fr;
    const std::string vip = "203.0.113.10", cl = "198.51.100.7", node = "10.0.0.2";
    const std::string req = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    const std::string resp = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    auto conn = [&](double t, uint16_t cport, uint32_t isn, const std::string &pod, uint32_t podIf,
                    const std::string &backClient, uint16_t backPort, double ttfb) {
        const int64_t t0 = T(t), f = 15'000; // 15 µs inside the node
        const uint32_t sisn = isn ^ 0x5555;
        auto both
            = [&](int64_t ts, bool c2s, uint8_t flags, uint32_t seq, uint32_t ack, const std::string &p) {
                  if (c2s) {
                      seg(fr, ts, 3, cl, cport, vip, 80, flags, seq, ack, p);
                      seg(fr, ts + f, podIf, backClient, backPort, pod, 8080, flags, seq, ack, p);
                  } else {
                      seg(fr, ts, podIf, pod, 8080, backClient, backPort, flags, seq, ack, p);
                      seg(fr, ts + f, 3, vip, 80, cl, cport, flags, seq, ack, p);
                  }
              };
        both(t0, true, SYN, isn, 0, {});
        both(t0 + 300'000, false, SYN | ACK, sisn, isn + 1, {});
        both(t0 + 600'000, true, ACK, isn + 1, sisn + 1, {});
        both(t0 + 700'000, true, ACK | PSH, isn + 1, sisn + 1, req);
        const int64_t tr = t0 + 700'000 + f + int64_t(ttfb * 1e9);
        both(tr, false, ACK | PSH, sisn + 1, isn + 1 + uint32_t(req.size()), resp);
    };
    conn(0.0, 40000, 1000, "10.244.1.5", 10, cl, 40000, 0.200);
    conn(1.0, 40001, 2000, "10.244.1.6", 11, node, 61001, 0.001);
    for (double t : {2.0, 3.0, 5.0}) // connection 3: 3 SYNs, none forwarded
        seg(fr, T(t), 3, cl, 40002, vip, 80, SYN, 3000, 0);
    for (double t : {2.5, 3.5}) { // connection 4: forwarded to pod 6, never answered
        seg(fr, T(t), 3, cl, 40003, vip, 80, SYN, 4000, 0);
        seg(fr, T(t) + 15'000, 11, cl, 40003, "10.244.1.6", 8080, SYN, 4000, 0);
    }
    for (double t : {6.0, 7.0}) { // connection 5: pod 5 answers, its SYN/ACK never leaves the node
        seg(fr, T(t), 3, cl, 40004, vip, 80, SYN, 5000, 0);
        seg(fr, T(t) + 15'000, 10, cl, 40004, "10.244.1.5", 8080, SYN, 5000, 0);
        seg(fr, T(t) + 300'000, 10, "10.244.1.5", 8080, cl, 40004, SYN | ACK, 9000, 5001);
    }
    std::sort(fr.begin(), fr.end(), [](const Frame &a, const Frame &b) { return a.tsNs < b.tsNs; });
    const std::string manifest = R"({"vip": "203.0.113.10", "node": "lab-node-1",
        "interfaces": {"3": "eth1", "10": "cali1", "11": "cali2"},
        "endpoints": [{"pod": "web-a", "namespace": "default", "node": "lab-node-1", "ip": "10.244.1.5", "port": 8080},
                      {"pod": "web-b", "namespace": "default", "node": "lab-node-1", "ip": "10.244.1.6", "port": 8080},
                      {"pod": "web-c", "namespace": "default", "node": "lab-node-2", "ip": "10.244.2.9", "port": 8080}]})";
    const CaptureAnalysis a = analyzeFrames(fr, {}, 276, manifest);
    QCOMPARE(a.flows.size(), size_t(9)); // 4 joined connections x 2 legs + 1 front only
    QCOMPARE(a.connections.size(), size_t(4));
    QCOMPARE(a.tcpConnections(), uint64_t(5));
    QCOMPARE(a.counters.httpRequests, uint64_t(2));
    const NatConnection &c1 = a.connections[0];
    QCOMPARE(a.flows[c1.front()].server.toString(), std::string("203.0.113.10:80"));
    QCOMPARE(a.flows[c1.back()].server.toString(), std::string("10.244.1.5:8080"));
    QVERIFY(!c1.snat);
    QVERIFY(a.connections[1].snat);
    QCOMPARE(c1.delay[0].samples, 3u);
    QCOMPARE(c1.delay[0].medianNs, int64_t(15'000));
    QCOMPARE(c1.delay[1].samples, 2u);
    QCOMPARE(c1.delay[1].maxNs, int64_t(15'000));
    // Backends: the three endpoints, the VIP never among them.
    QCOMPARE(a.backends.size(), size_t(3));
    const Backend &b5 = a.backends[0];
    QCOMPARE(b5.endpoint.toString(), std::string("10.244.1.5:8080"));
    QCOMPARE(b5.pod, std::string("web-a"));
    QCOMPARE(b5.connections, 2u);
    QCOMPARE(b5.ttfb.p50Ns.value_or(-1), int64_t(200'000'000));
    QCOMPARE(b5.handshakeRtt.p50Ns.value_or(-1), int64_t(285'000)); // measured on the pod's leg
    QCOMPARE(a.backends[1].connections, 2u);
    QCOMPARE(a.backends[1].failedHandshakes, 1u);
    QCOMPARE(a.backends[2].connections, 0u);
    QCOMPARE(a.backends[2].node, std::string("lab-node-2"));
    const Finding *inNode = findFinding(a, "failed_handshakes_in_node");
    QVERIFY(inNode);
    QVERIFY2(inNode->summary.find("3 SYNs seen on eth1") != std::string::npos, inNode->summary.c_str());
    QVERIFY2(inNode->summary.find("lab-node-1") != std::string::npos, inNode->summary.c_str());
    const Finding *silent = findFinding(a, "failed_handshakes_pod_silent");
    QVERIFY(silent);
    QVERIFY2(silent->summary.find("pod default/web-b") != std::string::npos, silent->summary.c_str());
    const Finding *lost = findFinding(a, "failed_handshakes_reply_lost");
    QVERIFY(lost);
    QVERIFY2(lost->summary.find("2 SYN/ACKs seen on cali1") != std::string::npos
            && lost->summary.find("pod default/web-a") != std::string::npos,
        lost->summary.c_str());
    QCOMPARE(lost->flows, std::vector<uint32_t> {a.connections[3].front()});
    QVERIFY(!findFinding(a, "failed_handshakes")); // every failure is located
    QVERIFY(!findFinding(a, "dropped_in_node")); // the lost SYN/ACKs are told by reply_lost
    const std::string json = toJsonReport(a);
    for (const char *want : {"\"legs\"", "\"interface\": \"cali1\"", "\"in_node_delay\"", "\"median_us\": 15",
             "\"tcp_connections\": 5", "\"pod\": \"web-a\""})
        QVERIFY2(json.find(want) != std::string::npos, want);
}

void TestNatLegs::manifestTopology()
{
    const ManifestTopology t = parseManifestTopology(
        R"({"endpoints": [{"pod": "p", "ip": "bogus"}, {"pod": "q", "namespace": "n", "ip": "2001:db8::5",
            "port": 80}], "interfaces": [{"index": 4, "name": "eth0"}]})");
    QCOMPARE(t.endpoints.size(), size_t(1));
    QCOMPARE(t.endpoints[0].pod, std::string("q"));
    QCOMPARE(t.endpoints[0].port, uint16_t(80));
    QVERIFY(findEndpoint(t.endpoints, ep("2001:db8::5", 80)));
    QVERIFY(!findEndpoint(t.endpoints, ep("2001:db8::5", 81)));
    QCOMPARE(t.interfaces.size(), size_t(1));
    QCOMPARE(t.interfaces[0].second, std::string("eth0"));
    QVERIFY(parseManifestTopology("not json").endpoints.empty());
}

QTEST_GUILESS_MAIN(TestNatLegs)
#include "tst_natlegs.moc"
