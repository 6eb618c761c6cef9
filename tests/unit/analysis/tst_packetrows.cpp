// What the packet list and the ladder show, computed in core/analysis without widgets: the rows
// that pass a BPF match list, a time range and a flow selection, and the ladder of one flow.
#include "analysistestutil.h"
#include "core/analysis/flowladder.h"
#include "core/analysis/packetrowquery.h"

using namespace lbs::testing;
using namespace lbs::analysis;
using Rows = std::vector<uint32_t>;

Q_DECLARE_METATYPE(std::optional<Rows>)

class TestPacketRows : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void selectRows_data();
    void selectRows();
    void selectRowsCancelled();
    void ladder();
    void ladderLimitAndUnknownFlow();

private:
    CaptureAnalysis m_analysis;
};

// Positions: 0-2 handshake of flow 0 (:40000), 3-5 handshake of flow 1 (:40001), 6-7 request and
// response on flow 0, 8 a UDP datagram (flow 2), 9 a reset from the server on flow 1.
void TestPacketRows::initTestCase()
{
    std::vector<Frame> fr;
    TcpScript a(fr, "192.0.2.30", 40000, "198.51.100.30", 80);
    TcpScript b(fr, "192.0.2.31", 40001, "198.51.100.30", 80);
    a.handshake(T(0), 1500, 500);
    b.handshake(T(1), 1500, 500);
    a.c(T(2.0), ACK | PSH, "GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n");
    a.s(T(2.5), ACK | PSH, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    fr.push_back(Frame {
        T(3.0), ethernet(ipv4("192.0.2.30", "198.51.100.53", 17, udpDatagram(5000, 53, "q")), 0x0800), 0});
    b.s(T(4.0), RST | ACK);
    m_analysis = analyzeFrames(fr);
    QCOMPARE(m_analysis.packetIndex.size(), size_t(10));
    QCOMPARE(m_analysis.flows.size(), size_t(3));
    QCOMPARE(m_analysis.flows[0].client.port, uint16_t(40000));
    QCOMPARE(m_analysis.flows[1].client.port, uint16_t(40001));
    QCOMPARE(m_analysis.flows[2].proto, uint8_t(17));
}

void TestPacketRows::selectRows_data()
{
    QTest::addColumn<Rows>("bpf"); // {99} stands for "no BPF filter"
    QTest::addColumn<double>("start"); // seconds after T(0); start > end: no range
    QTest::addColumn<double>("end");
    QTest::addColumn<Rows>("flows");
    QTest::addColumn<std::optional<Rows>>("expected");
    const Rows none {99};
    QTest::newRow("nothing restricts") << none << 1.0 << 0.0 << Rows {} << std::optional<Rows> {};
    QTest::newRow("range spanning the capture") << none << -1.0 << 5.0 << Rows {} << std::optional<Rows> {};
    QTest::newRow("range") << none << 0.5 << 2.6 << Rows {} << std::optional<Rows>(Rows {3, 4, 5, 6, 7});
    QTest::newRow("one flow") << none << 1.0 << 0.0 << Rows {1} << std::optional<Rows>(Rows {3, 4, 5, 9});
    QTest::newRow("two flows") << none << 1.0 << 0.0 << Rows {0, 2}
                               << std::optional<Rows>(Rows {0, 1, 2, 6, 7, 8});
    QTest::newRow("range and flow") << none << 1.5 << 3.5 << Rows {0} << std::optional<Rows>(Rows {6, 7});
    QTest::newRow("unknown flow") << none << 1.0 << 0.0 << Rows {7} << std::optional<Rows>(Rows {});
    QTest::newRow("bpf only") << Rows {0, 1, 3, 4} << 1.0 << 0.0 << Rows {}
                              << std::optional<Rows>(Rows {0, 1, 3, 4});
    QTest::newRow("bpf and flow") << Rows {0, 1, 3, 4} << 1.0 << 0.0 << Rows {1}
                                  << std::optional<Rows>(Rows {3, 4});
    QTest::newRow("bpf and range") << Rows {0, 1, 3, 4, 9} << 0.5 << 5.0 << Rows {}
                                   << std::optional<Rows>(Rows {3, 4, 9});
    QTest::newRow("bpf matching nothing") << Rows {} << 1.0 << 0.0 << Rows {} << std::optional<Rows>(Rows {});
}

void TestPacketRows::selectRows()
{
    QFETCH(Rows, bpf);
    QFETCH(double, start);
    QFETCH(double, end);
    QFETCH(Rows, flows);
    QFETCH(std::optional<Rows>, expected);
    const double t0 = double(T(0)) * 1e-9;
    PacketRowQuery q;
    if (bpf != Rows {99})
        q.bpfMatches = &bpf;
    q.start = t0 + start;
    q.end = t0 + end;
    q.flows = flows;
    const auto rows = selectPacketRows(m_analysis, q, {});
    QCOMPARE(rows.has_value(), expected.has_value());
    if (expected)
        QCOMPARE(*rows, *expected);
}

void TestPacketRows::selectRowsCancelled()
{
    lbs::CancelToken cancel;
    cancel.cancel();
    PacketRowQuery q;
    q.flows = {0};
    const auto rows = selectPacketRows(m_analysis, q, cancel);
    QVERIFY(rows.has_value());
    QVERIFY(rows->empty());
}

void TestPacketRows::ladder()
{
    const FlowLadder l = buildFlowLadder(m_analysis, 1, 100, {});
    QCOMPARE(l.omitted, 0);
    QCOMPARE(l.steps.size(), size_t(4));
    const std::vector<bool> fromClient {true, false, true, false};
    for (size_t i = 0; i < l.steps.size(); ++i)
        QCOMPARE(l.steps[i].fromClient, fromClient[i]);
    QCOMPARE(l.steps[0].ts, double(T(1)) * 1e-9);
    QVERIFY2(l.steps[0].label.rfind("[SYN]", 0) == 0, l.steps[0].label.c_str()); // no "a → b" prefix
    QVERIFY(!l.steps[0].problem);
    QVERIFY2(l.steps[3].label.find("RST") != std::string::npos, l.steps[3].label.c_str());
    QVERIFY(l.steps[3].problem);
}

void TestPacketRows::ladderLimitAndUnknownFlow()
{
    const FlowLadder l = buildFlowLadder(m_analysis, 0, 3, {});
    QCOMPARE(l.steps.size(), size_t(3));
    QCOMPARE(l.omitted, 2);
    const FlowLadder unknown = buildFlowLadder(m_analysis, 42, 100, {});
    QVERIFY(unknown.steps.empty());
    QCOMPARE(unknown.omitted, 0);
}

QTEST_GUILESS_MAIN(TestPacketRows)
#include "tst_packetrows.moc"
