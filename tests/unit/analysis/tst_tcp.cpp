// core/analysis TCP: handshake RTT exactness, SYN retries, refused and ICMP-answered handshakes,
// Wireshark's retransmission / fast / spurious / out-of-order / keep-alive / dup ACK / zero window
// rules, outcomes, port reuse and flows that started before the capture.
#include "analysistestutil.h"

using namespace lbs::testing;
using namespace lbs::analysis;

class TestTcp : public QObject {
    Q_OBJECT
private slots:
    void handshakeRttExact();
    void synRetransmittedBeforeSynAck();
    void linuxSynRetriesFail();
    void handshakeAnsweredByRst();
    void icmpPortUnreachable();
    void resetSide_data();
    void resetSide();
    void segmentClassification_data();
    void segmentClassification();
    void outcomes_data();
    void outcomes();
    void portReuseStartsNewFlow();
    void handshakeBeforeCapture();
    void udpFlows();
    void sll2InterfacesAreSeparateFlows();
};

static const char *C = "192.0.2.10";
static const char *S = "203.0.113.5";

void TestTcp::handshakeRttExact()
{
    std::vector<Frame> fr;
    TcpScript t(fr, C, 40000, S, 80);
    t.handshake(T(1), 1234567, 89123);
    const auto a = analyzeFrames(fr);
    QCOMPARE(a.flows.size(), size_t(1));
    const Flow &f = a.flows[0];
    QCOMPARE(f.client.toString(), std::string("192.0.2.10:40000"));
    QCOMPARE(f.server.toString(), std::string("203.0.113.5:80"));
    QVERIFY(!f.serverGuessed);
    QCOMPARE(f.synCount, 1u);
    QCOMPARE(f.handshakeRttNs.value_or(-1), int64_t(1234567));
    QCOMPARE(f.ackRttNs.value_or(-1), int64_t(89123));
    QCOMPARE(f.retransmits, 0u);
    QCOMPARE(f.outcome, FlowOutcome::Incomplete);
}

void TestTcp::synRetransmittedBeforeSynAck()
{
    std::vector<Frame> fr;
    TcpScript t(fr, C, 40001, S, 80, 1000);
    t.c(T(0), SYN);
    t.cAt(T(1.0), SYN, 1000, "");
    t.s(T(1.0005), SYN | ACK);
    t.c(T(1.0006), ACK);
    const auto a = analyzeFrames(fr);
    const Flow &f = a.flows.at(0);
    QCOMPARE(f.synCount, 2u);
    QCOMPARE(f.handshakeRttNs.value_or(-1), int64_t(500000)); // last SYN before the SYN/ACK
    QCOMPARE(f.ackRttNs.value_or(-1), int64_t(100000));
    QCOMPARE(f.retransmits, 1u);
    QVERIFY(findFinding(a, "syn_retransmitted"));
}

void TestTcp::linuxSynRetriesFail()
{
    std::vector<Frame> fr;
    TcpScript t(fr, C, 40002, S, 80, 1000);
    for (double at : {0.0, 1.0, 3.0, 7.0})
        t.cAt(T(at), SYN, 1000, "");
    const auto a = analyzeFrames(fr);
    const Flow &f = a.flows.at(0);
    QCOMPARE(f.synCount, 4u);
    QCOMPARE(f.outcome, FlowOutcome::FailedHandshake);
    QCOMPARE(f.retransmits, 3u);
    QVERIFY(!f.handshakeRttNs);
    const Finding *fd = findFinding(a, "failed_handshakes");
    QVERIFY(fd);
    QCOMPARE(fd->severity, Severity::Error);
    QCOMPARE(fd->flows, std::vector<uint32_t> {0});
    QVERIFY2(fd->summary.find("Linux backoff") != std::string::npos, fd->summary.c_str());
    QVERIFY2(fd->summary.find("203.0.113.5:80") != std::string::npos, fd->summary.c_str());
    QCOMPARE(a.timeline.failedHandshakes.at(0), 1u);
    // A non-Linux spacing is not called Linux backoff.
    std::vector<Frame> fr2;
    TcpScript t2(fr2, C, 40003, S, 80, 1000);
    for (double at : {0.0, 0.2, 0.4})
        t2.cAt(T(at), SYN, 1000, "");
    const auto b = analyzeFrames(fr2);
    QVERIFY(findFinding(b, "failed_handshakes"));
    QVERIFY(findFinding(b, "failed_handshakes")->summary.find("Linux backoff") == std::string::npos);
}

void TestTcp::handshakeAnsweredByRst()
{
    std::vector<Frame> fr;
    TcpScript t(fr, C, 40004, S, 8080);
    t.c(T(0), SYN);
    t.s(T(0.0002), RST | ACK);
    const auto a = analyzeFrames(fr);
    const Flow &f = a.flows.at(0);
    QCOMPARE(f.outcome, FlowOutcome::Reset);
    QVERIFY(f.handshakeRst);
    QCOMPARE(f.resets, 1u);
    QCOMPARE(f.resetBy, ResetSide::Server);
    QVERIFY(findFinding(a, "handshake_refused"));
    QVERIFY(!findFinding(a, "failed_handshakes"));
    QCOMPARE(a.timeline.resets.at(0), 1u);
}

void TestTcp::icmpPortUnreachable()
{
    std::vector<Frame> fr;
    const Bytes syn = ipv4(C, S, 6, tcpSegment(40005, 80, SYN, 1, 0, 1000, ""));
    fr.push_back(Frame {T(0), ethernet(syn, 0x0800), 0});
    fr.push_back(Frame {T(0.0001), ethernet(ipv4(S, C, 1, icmpUnreachable(3, syn)), 0x0800), 0});
    const auto a = analyzeFrames(fr);
    QCOMPARE(a.flows.size(), size_t(1));
    QVERIFY(a.flows[0].icmpUnreachable);
    QCOMPARE(a.flows[0].outcome, FlowOutcome::FailedHandshake);
    const Finding *fd = findFinding(a, "icmp_port_unreachable");
    QVERIFY(fd);
    QVERIFY(fd->summary.find("no ready endpoints") != std::string::npos);
    QVERIFY(!findFinding(a, "failed_handshakes"));
}

// Builds one scenario after a handshake with a 10 ms initial RTT (the out-of-order threshold).
static std::vector<Frame> scenario(const QString &name)
{
    std::vector<Frame> fr;
    TcpScript t(fr, C, 41000, S, 80, 1000, 5000);
    if (name == QLatin1String("SYN/ACK repeated at once")) {
        // SYN and FIN take a sequence number: a copy 2 ms later is a retransmission, not
        // out-of-order (Wireshark, pptp.pcap frame 3).
        t.c(T(0), SYN);
        t.s(T(0.005), SYN | ACK);
        t.sAt(T(0.007), SYN | ACK, 5000, "");
        t.c(T(0.010), ACK);
        return fr;
    }
    t.handshake(T(0), 5'000'000, 5'000'000);
    const uint32_t x = t.cseq();
    const std::string d100(100, 'd');
    if (name == QLatin1String("retransmission")) {
        t.c(T(1.0), ACK | PSH, d100);
        t.cAt(T(1.3), ACK | PSH, x, d100);
    } else if (name == QLatin1String("out-of-order")) {
        t.cAt(T(1.000), ACK | PSH, x + 100, d100); // the earlier segment arrives 2 ms later
        t.cAt(T(1.002), ACK | PSH, x, d100);
    } else if (name == QLatin1String("fast retransmission")) {
        t.c(T(1.000), ACK, d100);
        t.c(T(1.001), ACK, d100);
        t.c(T(1.002), ACK, d100);
        for (int i = 0; i < 3; ++i) // the server keeps acknowledging x (its SYN/ACK did): 3 dup ACKs
            t.sAck(T(1.010 + i * 0.001), x);
        t.cAt(T(1.014), ACK, x, d100);
    } else if (name == QLatin1String("spurious")) {
        t.c(T(1.0), ACK | PSH, d100);
        t.s(T(1.01), ACK);
        t.cAt(T(1.5), ACK | PSH, x, d100);
    } else if (name == QLatin1String("keep-alive")) {
        t.c(T(1.0), ACK | PSH, d100);
        t.s(T(1.01), ACK);
        t.cAt(T(31.0), ACK, t.cseq() - 1, "");
        t.s(T(31.01), ACK);
    } else if (name == QLatin1String("FIN repeated at once")) {
        t.c(T(1.0), FIN | ACK);
        t.cAt(T(1.002), FIN | ACK, x, "");
    } else if (name == QLatin1String("zero window")) {
        t.c(T(1.0), ACK | PSH, d100);
        t.s(T(1.01), ACK, "", 0);
        t.s(T(1.5), ACK, "", 0);
    }
    return fr;
}

void TestTcp::resetSide_data()
{
    QTest::addColumn<QString>("manifestVip"); // empty: no manifest
    QTest::addColumn<QString>("kind");
    QTest::newRow("VIP known from the manifest")
        << QStringLiteral("203.0.113.10") << QStringLiteral("resets_from_vip");
    QTest::newRow("no manifest") << QString() << QStringLiteral("resets_from_server");
    QTest::newRow("manifest names another VIP")
        << QStringLiteral("203.0.113.99") << QStringLiteral("resets_from_server");
}

void TestTcp::resetSide()
{
    QFETCH(QString, manifestVip);
    QFETCH(QString, kind);
    // A client talks to the VIP; the VIP side answers a request with RST (no endpoint, failover).
    std::vector<Frame> fr;
    TcpScript t(fr, "192.0.2.50", 43000, "203.0.113.10", 80, 1000, 5000);
    t.handshake(T(0), 1'000'000, 1'000'000);
    t.c(T(0.1), ACK | PSH, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    t.s(T(0.2), RST | ACK);
    const std::string manifest = manifestVip.isEmpty() ? std::string()
                                                       : R"({"transport":"kube","vip":")"
            + manifestVip.toStdString() + R"(","node":"n1","interface":"eth1","files":[{"name":"t.pcap"}]})";
    const auto a = analyzeFrames(fr, {}, 1, manifest);
    QCOMPARE(a.flows.size(), size_t(1));
    QCOMPARE(a.flows[0].resetBy, ResetSide::Server);
    const Finding *f = findFinding(a, kind.toStdString());
    QVERIFY2(f, qPrintable(kind));
    QCOMPARE(f->flows, std::vector<uint32_t> {0});
    if (kind == QLatin1String("resets_from_vip"))
        QVERIFY(f->summary.find("203.0.113.10") != std::string::npos);
    QCOMPARE(findFinding(a, "resets_from_vip") == nullptr, kind != QLatin1String("resets_from_vip"));
}

void TestTcp::segmentClassification_data()
{
    QTest::addColumn<uint32_t>("retransmits");
    QTest::addColumn<uint32_t>("fast");
    QTest::addColumn<uint32_t>("spurious");
    QTest::addColumn<uint32_t>("ooo");
    QTest::addColumn<uint32_t>("keepAlives");
    QTest::addColumn<uint32_t>("dupAcks");
    QTest::addColumn<uint32_t>("zeroWindows");
    QTest::newRow("retransmission") << 1u << 0u << 0u << 0u << 0u << 0u << 0u;
    QTest::newRow("out-of-order") << 0u << 0u << 0u << 1u << 0u << 0u << 0u;
    QTest::newRow("fast retransmission") << 1u << 1u << 0u << 0u << 0u << 3u << 0u;
    QTest::newRow("spurious") << 1u << 0u << 1u << 0u << 0u << 0u << 0u;
    QTest::newRow("keep-alive") << 0u << 0u << 0u << 0u << 1u << 0u << 0u;
    QTest::newRow("zero window") << 0u << 0u << 0u << 0u << 0u << 0u << 2u;
    QTest::newRow("SYN/ACK repeated at once") << 1u << 0u << 0u << 0u << 0u << 0u << 0u;
    QTest::newRow("FIN repeated at once") << 1u << 0u << 0u << 0u << 0u << 0u << 0u;
}

void TestTcp::segmentClassification()
{
    QFETCH(uint32_t, retransmits);
    QFETCH(uint32_t, fast);
    QFETCH(uint32_t, spurious);
    QFETCH(uint32_t, ooo);
    QFETCH(uint32_t, keepAlives);
    QFETCH(uint32_t, dupAcks);
    QFETCH(uint32_t, zeroWindows);
    const auto a = analyzeFrames(scenario(QString::fromUtf8(QTest::currentDataTag())));
    QCOMPARE(a.flows.size(), size_t(1));
    const Flow &f = a.flows[0];
    QCOMPARE(f.retransmits, retransmits);
    QCOMPARE(f.fastRetransmits, fast);
    QCOMPARE(f.spuriousRetransmits, spurious);
    QCOMPARE(f.outOfOrder, ooo);
    QCOMPARE(f.keepAlives, keepAlives);
    QCOMPARE(f.dupAcks, dupAcks);
    QCOMPARE(f.zeroWindows, zeroWindows);
    // The packet index carries the same marks.
    uint32_t flagged = 0;
    for (const auto &e : a.packetIndex)
        flagged += (e.flags & lbs::pcap::PF_Retransmission) != 0;
    QCOMPARE(flagged, retransmits);
}

void TestTcp::outcomes_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<int>("outcome");
    QTest::addColumn<int>("resetBy");
    QTest::newRow("FIN both ways") << 0 << int(FlowOutcome::Complete) << int(ResetSide::None);
    QTest::newRow("client RST") << 1 << int(FlowOutcome::Reset) << int(ResetSide::Client);
    QTest::newRow("server RST mid-response") << 2 << int(FlowOutcome::Reset) << int(ResetSide::Server);
    QTest::newRow("RST after both FINs") << 3 << int(FlowOutcome::Complete) << int(ResetSide::Client);
    QTest::newRow("open at capture end") << 4 << int(FlowOutcome::Incomplete) << int(ResetSide::None);
}

void TestTcp::outcomes()
{
    QFETCH(int, kind);
    QFETCH(int, outcome);
    QFETCH(int, resetBy);
    std::vector<Frame> fr;
    TcpScript t(fr, C, 42000, S, 443);
    t.handshake(T(0), 1000000, 1000000);
    t.c(T(0.1), ACK | PSH, "hello");
    t.s(T(0.2), ACK | PSH, "world");
    if (kind == 0 || kind == 3) {
        t.c(T(0.3), FIN | ACK);
        t.s(T(0.31), FIN | ACK);
        t.c(T(0.32), ACK);
        if (kind == 3)
            t.c(T(0.33), RST);
    } else if (kind == 1) {
        t.c(T(0.3), RST | ACK);
    } else if (kind == 2) {
        t.s(T(0.3), RST | ACK);
    }
    const auto a = analyzeFrames(fr);
    QCOMPARE(int(a.flows.at(0).outcome), outcome);
    QCOMPARE(int(a.flows.at(0).resetBy), resetBy);
    if (kind == 2)
        QVERIFY(findFinding(a, "resets_from_server"));
    if (kind == 1)
        QVERIFY(findFinding(a, "resets_from_client"));
}

void TestTcp::portReuseStartsNewFlow()
{
    std::vector<Frame> fr;
    TcpScript t1(fr, C, 43000, S, 80, 1000, 5000);
    t1.handshake(T(0), 1000000, 1000000);
    t1.c(T(0.1), FIN | ACK);
    t1.s(T(0.2), FIN | ACK);
    t1.c(T(0.3), ACK);
    TcpScript t2(fr, C, 43000, S, 80, 900000, 70000);
    t2.handshake(T(5), 2000000, 1000000);
    // Retransmitted SYN with the same ISN stays in its flow.
    t2.cAt(T(5.5), SYN, 900000, "");
    const auto a = analyzeFrames(fr);
    QCOMPARE(a.flows.size(), size_t(2));
    QCOMPARE(a.flows[0].outcome, FlowOutcome::Complete);
    QCOMPARE(a.flows[1].handshakeRttNs.value_or(-1), int64_t(2000000));
    QCOMPARE(a.flows[1].synCount, 2u);
    QCOMPARE(a.timeline.newFlows.at(0) + a.timeline.newFlows.at(5), 2u);
}

void TestTcp::handshakeBeforeCapture()
{
    std::vector<Frame> fr;
    // First packet: server (port 80) to client, mid-connection.
    TcpScript t(fr, C, 51000, S, 80, 1000, 5000);
    t.s(T(0), ACK | PSH, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    t.c(T(0.01), ACK);
    const auto a = analyzeFrames(fr);
    QCOMPARE(a.flows.size(), size_t(1));
    const Flow &f = a.flows[0];
    QVERIFY(f.serverGuessed);
    QVERIFY(f.handshakeBeforeCapture);
    QCOMPARE(f.server.toString(), std::string("203.0.113.5:80"));
    QCOMPARE(f.packets[1], uint64_t(1));
    QVERIFY(findFinding(a, "handshake_before_capture"));
    // Ephemeral vs ephemeral: the lower port is the server.
    std::vector<Frame> fr2;
    TcpScript t2(fr2, C, 52000, S, 30080);
    t2.c(T(0), ACK, "x");
    QCOMPARE(analyzeFrames(fr2).flows.at(0).server.port, uint16_t(30080));
}

void TestTcp::udpFlows()
{
    std::vector<Frame> fr;
    fr.push_back(
        Frame {T(0), ethernet(ipv4(C, "198.51.100.53", 17, udpDatagram(5353, 53, "query")), 0x0800), 0});
    fr.push_back(
        Frame {T(0.01), ethernet(ipv4("198.51.100.53", C, 17, udpDatagram(53, 5353, "answer!")), 0x0800), 0});
    const auto a = analyzeFrames(fr);
    QCOMPARE(a.flows.size(), size_t(1));
    QCOMPARE(int(a.flows[0].proto), 17);
    QCOMPARE(a.flows[0].client.port, uint16_t(5353));
    QCOMPARE(a.flows[0].packets[0], uint64_t(1));
    QCOMPARE(a.flows[0].packets[1], uint64_t(1));
    QCOMPARE(a.flows[0].payloadBytes[1], uint64_t(7));
}

void TestTcp::sll2InterfacesAreSeparateFlows()
{
    // tcpdump -i any sees a forwarded packet on the way in and on the way out: same 5-tuple,
    // different interface. Each copy belongs to its interface's flow, not to a retransmission.
    std::vector<Frame> fr;
    auto add = [&](double at, uint32_t ifIndex, bool fromClient, uint8_t flags, uint32_t seq, uint32_t ack) {
        const Bytes seg = fromClient ? tcpSegment(40000, 8080, flags, seq, ack, 1000, "")
                                     : tcpSegment(8080, 40000, flags, seq, ack, 1000, "");
        const Bytes ip = fromClient ? ipv4(C, S, 6, seg) : ipv4(S, C, 6, seg);
        fr.push_back(Frame {T(at), sll2(ip, 0x0800, ifIndex, fromClient ? 0 : 4), 0});
    };
    add(0.0, 2, true, SYN, 100, 0);
    add(0.00001, 9, true, SYN, 100, 0);
    add(0.001, 9, false, SYN | ACK, 500, 101);
    add(0.00101, 2, false, SYN | ACK, 500, 101);
    const auto a = analyzeFrames(fr, {}, 276);
    QCOMPARE(a.flows.size(), size_t(2));
    for (const Flow &f : a.flows) {
        QCOMPARE(f.retransmits, 0u);
        QCOMPARE(f.synCount, 1u);
    }
    QCOMPARE(a.flows[0].ifIndex, 2);
    QCOMPARE(a.flows[1].ifIndex, 9);
    QCOMPARE(a.flows[0].handshakeRttNs.value_or(-1), int64_t(1010000));
}

QTEST_GUILESS_MAIN(TestTcp)
#include "tst_tcp.moc"
