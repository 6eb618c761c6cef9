// The verdict sentence from analyses built flow by flow: each problem is named with its count, its
// time span, the node and interface, the SYN retry pattern and the backend where the flows show one;
// a healthy capture and an empty one say so.
#include "core/analysis/verdict.h"

#include <QTest>

using namespace lbs;
using namespace lbs::analysis;

namespace {

constexpr int64_t kSec = 1000000000;
const int64_t kT0 = 1765040793LL * kSec; // 17:06:33 UTC

enum Shape { ok, noAnswer, noAnswerRetried, refused, retried, serverReset, slowHttp };

Flow flow(int i, Shape shape, const char *server = "203.0.113.10")
{
    Flow f;
    f.id = uint32_t(i);
    f.proto = 6;
    f.client = {pcap::IpAddress::parse("198.51.100.7"), uint16_t(40000 + i)};
    f.server = {pcap::IpAddress::parse(server), 80};
    f.firstTsNs = kT0 + i * kSec;
    f.synTimesNs = {f.firstTsNs};
    f.synCount = 1;
    f.synAckCount = 1;
    f.outcome = FlowOutcome::Complete;
    HttpRequest r;
    r.tsNs = f.firstTsNs + kSec / 1000;
    r.ttfbNs = 3000000; // 3 ms
    switch (shape) {
    case ok:
        break;
    case noAnswerRetried:
        f.synTimesNs.push_back(f.firstTsNs + kSec);
        f.synCount = 2;
        [[fallthrough]];
    case noAnswer:
        f.synAckCount = 0;
        f.outcome = FlowOutcome::FailedHandshake;
        return f;
    case refused:
        f.synAckCount = 0;
        f.handshakeRst = true;
        f.outcome = FlowOutcome::FailedHandshake;
        return f;
    case retried:
        f.synTimesNs.push_back(f.firstTsNs + kSec);
        f.synCount = 2;
        break;
    case serverReset:
        f.outcome = FlowOutcome::Reset;
        f.resetBy = ResetSide::Server;
        break;
    case slowHttp:
        r.ttfbNs = 650000000; // 650 ms
        break;
    }
    f.requests = {r};
    return f;
}

CaptureAnalysis analysisOf(const QList<int> &shapes, const char *server = "203.0.113.10")
{
    CaptureAnalysis a;
    for (int i = 0; i < shapes.size(); ++i)
        a.flows.push_back(flow(i, Shape(shapes[i]), shapes[i] == slowHttp ? server : "203.0.113.10"));
    a.packets = uint64_t(shapes.size() * 10);
    a.firstTsNs = kT0;
    a.lastTsNs = kT0 + shapes.size() * kSec;
    pcap::CaptureRecord m;
    m.node = "lab-node-1";
    m.iface = "eth1";
    m.vip = "203.0.113.10";
    a.manifest = m;
    return a;
}

QList<int> many(int n, Shape shape, QList<int> rest = {})
{
    for (int i = 0; i < n; ++i)
        rest << shape;
    return rest;
}

} // namespace

class TestVerdict : public QObject {
    Q_OBJECT
private slots:
    void sentence_data()
    {
        QTest::addColumn<QList<int>>("shapes");
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("sentence");
        QTest::newRow("no SYN/ACK, retried after 1 s")
            << many(3, noAnswerRetried, many(5, ok)) << int(VerdictKind::NoSynAck)
            << "3 of 8 connections through lab-node-1 eth1 got no SYN/ACK between 17:06:38 and 17:06:40; "
               "all first SYNs were retransmitted after 1 s.";
        QTest::newRow("no SYN/ACK, one retried")
            << QList<int> {ok, noAnswer, noAnswerRetried} << int(VerdictKind::NoSynAck)
            << "2 of 3 connections through lab-node-1 eth1 got no SYN/ACK between 17:06:34 and 17:06:35; "
               "1 of them retransmitted the SYN.";
        QTest::newRow("no SYN/ACK, more connected after a retransmission")
            << QList<int> {ok, retried, noAnswerRetried, retried, ok} << int(VerdictKind::NoSynAck)
            << "3 of 5 connections through lab-node-1 eth1 got no SYN/ACK to their first SYN between "
               "17:06:34 "
               "and 17:06:36; all first SYNs were retransmitted after 1 s; 1 never got one.";
        QTest::newRow("a lone SYN at the end is not counted")
            << QList<int> {ok, ok, noAnswer} << int(VerdictKind::Healthy)
            << "All 2 connections through lab-node-1 eth1 between 17:06:33 and 17:06:34 completed their "
               "handshake; none was refused or reset by the server, and 2 HTTP requests got their first byte "
               "after 3 ms (median).";
        QTest::newRow("refused") << QList<int> {refused, ok, ok} << int(VerdictKind::Refused)
                                 << "1 of 3 connections through lab-node-1 eth1 was refused with a RST to "
                                    "its SYN at 17:06:33.";
        QTest::newRow("SYN dropped, then connected")
            << QList<int> {ok, retried, ok, retried} << int(VerdictKind::SynRetried)
            << "2 of 4 connections through lab-node-1 eth1 connected only after their first SYN went "
               "unanswered between 17:06:34 and 17:06:36; all first SYNs were retransmitted after 1 s.";
        QTest::newRow("server resets") << QList<int> {ok, serverReset} << int(VerdictKind::ServerResets)
                                       << "1 of 2 connections through lab-node-1 eth1 was reset by the "
                                          "server side at 17:06:34.";
        QTest::newRow("slow backend named")
            << QList<int> {ok, slowHttp, ok, slowHttp, ok} << int(VerdictKind::SlowResponses)
            << "2 of 5 HTTP requests through lab-node-1 eth1 waited 650 ms (median) for the first response "
               "byte, against 3 ms for all requests, between 17:06:34 and 17:06:36; all went to "
               "default/web-2 (10.244.2.5).";
        QTest::newRow("healthy") << many(4, ok) << int(VerdictKind::Healthy)
                                 << "All 4 connections through lab-node-1 eth1 between 17:06:33 and 17:06:36 "
                                    "completed their handshake; none was refused or reset by the server, "
                                    "and 4 HTTP requests got their first byte after 3 ms (median).";
        QTest::newRow("nothing") << QList<int> {} << int(VerdictKind::NoConnections)
                                 << "No TCP connection through lab-node-1 eth1 began while capturing; check "
                                    "that clients reached the VIP and that the filter lets their packets "
                                    "through.";
    }

    void sentence()
    {
        QFETCH(QList<int>, shapes);
        QFETCH(int, kind);
        QFETCH(QString, sentence);
        VerdictContext c;
        c.backends = {{"10.244.2.5", "default/web-2"}, {"10.244.1.5", "default/web-1"}};
        const Verdict v = computeVerdict(analysisOf(shapes, "10.244.2.5"), c);
        QCOMPARE(QString::fromStdString(v.sentence), sentence);
        QCOMPARE(int(v.kind), kind);
        QVERIFY(std::string(verdictAdvice(v.kind)).size() > 40);
    }

    void clockTime_data()
    {
        QTest::addColumn<int>("offset");
        QTest::addColumn<QString>("text");
        QTest::newRow("UTC") << 0 << "17:06:33";
        QTest::newRow("UTC+1") << 3600 << "18:06:33";
        QTest::newRow("UTC-18 wraps") << -18 * 3600 << "23:06:33";
    }

    void clockTime()
    {
        QFETCH(int, offset);
        QFETCH(QString, text);
        QCOMPARE(QString::fromStdString(analysis::clockTime(kT0, offset)), text);
    }

    // A capture of both sides of the NAT ("any"): each connection counts once, and the pod its back
    // leg went to is named, from the capture's own endpoint map.
    void natLegsCountOnce()
    {
        CaptureAnalysis a = analysisOf({ok, slowHttp, ok});
        Flow back = flow(3, slowHttp, "10.244.2.5");
        back.leg = LegRole::Back;
        back.connection = 0;
        a.flows[1].leg = LegRole::Front;
        a.flows[1].connection = 0;
        a.flows.push_back(back);
        NatConnection nc;
        nc.legCount = 2;
        nc.legs[0] = 1;
        nc.legs[1] = 3;
        a.connections.push_back(nc);
        EndpointInfo e;
        e.pod = "web-2";
        e.ns = "default";
        e.ip = pcap::IpAddress::parse("10.244.2.5");
        a.endpoints.push_back(e);
        const Verdict v = computeVerdict(a, VerdictContext {});
        QCOMPARE(int(v.kind), int(VerdictKind::SlowResponses));
        QCOMPARE(v.total, 3); // the back leg's request is not counted again
        QVERIFY2(v.sentence.find("1 of 3 HTTP requests") == 0, v.sentence.c_str());
        QVERIFY2(v.sentence.find("; it went to default/web-2 (10.244.2.5).") != std::string::npos,
            v.sentence.c_str());
    }

    // The context's node and interface win over the manifest's.
    void contextNamesThePlace()
    {
        VerdictContext c;
        c.node = "lab-node-2";
        c.iface = "cali1";
        const Verdict v = computeVerdict(analysisOf({noAnswer, ok}), c);
        QVERIFY2(v.sentence.find("through lab-node-2 cali1 ") != std::string::npos, v.sentence.c_str());
        QCOMPARE(v.affected, 1);
        QCOMPARE(v.total, 2);
    }
};

QTEST_GUILESS_MAIN(TestVerdict)
#include "tst_verdict.moc"
