// core/analysis HTTP/1.x: detection on any port, exact ttfb_us/response_us, keep-alive,
// pipelining, Content-Length / chunked / read-until-close bodies, segments split anywhere,
// retransmitted and out-of-order segments.
#include "analysistestutil.h"

using namespace lbs::testing;
using namespace lbs::analysis;

class TestHttp : public QObject {
    Q_OBJECT
private slots:
    void simpleGetOnAnyPort();
    void splitAnywhere_data();
    void splitAnywhere();
    void keepAlive();
    void pipelining();
    void chunkedResponse();
    void retransmissionsNotDoubleCounted();
    void outOfOrderResponseSegments();
    void readUntilClose();
    void interimContinue();
    void notHttp();
};

static const char *C = "192.0.2.20";
static const char *S = "198.51.100.80";
static const std::string kReq = "GET /api/items?id=7 HTTP/1.1\r\nHost: svc\r\nUser-Agent: t\r\n\r\n";
static const std::string kResp = "HTTP/1.1 200 OK\r\nContent-Length: 11\r\nX-A: b\r\n\r\nhello world";

void TestHttp::simpleGetOnAnyPort()
{
    std::vector<Frame> fr;
    TcpScript t(fr, C, 40000, S, 31313);
    t.handshake(T(0), 1000000, 1000000);
    t.c(T(1.0), ACK | PSH, kReq);
    t.s(T(1.05), ACK | PSH, kResp);
    const auto a = analyzeFrames(fr);
    const Flow &f = a.flows.at(0);
    QVERIFY(f.http);
    QCOMPARE(f.requests.size(), size_t(1));
    const HttpRequest &r = f.requests[0];
    QCOMPARE(r.method, std::string("GET"));
    QCOMPARE(r.path, std::string("/api/items?id=7"));
    QCOMPARE(r.status.value_or(0), 200);
    QCOMPARE(r.tsNs, T(1.0));
    QCOMPARE(r.ttfbNs.value_or(-1), int64_t(50000000));
    QCOMPARE(r.responseNs.value_or(-1), int64_t(50000000));
    QCOMPARE(a.counters.httpRequests, uint64_t(1));
    bool httpFlag = false;
    for (const auto &e : a.packetIndex)
        httpFlag |= (e.flags & lbs::pcap::PF_Http) != 0;
    QVERIFY(httpFlag);
}

void TestHttp::splitAnywhere_data()
{
    QTest::addColumn<int>("reqSplit");
    QTest::addColumn<int>("respSplit");
    for (int rs : {1, 3, 4, 15, int(kReq.size()) - 2, int(kReq.size()) - 1})
        for (int ps : {1, 9, 12, 17, 40, int(kResp.size()) - 1})
            QTest::addRow("req@%d resp@%d", rs, ps) << rs << ps;
}

void TestHttp::splitAnywhere()
{
    QFETCH(int, reqSplit);
    QFETCH(int, respSplit);
    std::vector<Frame> fr;
    TcpScript t(fr, C, 40001, S, 80);
    t.handshake(T(0), 1000000, 1000000);
    t.c(T(1.0), ACK, kReq.substr(0, size_t(reqSplit)));
    t.c(T(1.01), ACK | PSH, kReq.substr(size_t(reqSplit)));
    t.s(T(1.1), ACK, kResp.substr(0, size_t(respSplit)));
    t.s(T(1.2), ACK | PSH, kResp.substr(size_t(respSplit)));
    const auto a = analyzeFrames(fr);
    const Flow &f = a.flows.at(0);
    QCOMPARE(f.requests.size(), size_t(1));
    const HttpRequest &r = f.requests[0];
    QCOMPARE(r.path, std::string("/api/items?id=7"));
    QCOMPARE(r.status.value_or(0), 200);
    QCOMPARE(r.ttfbNs.value_or(-1), T(1.1) - T(1.01));
    QCOMPARE(r.responseNs.value_or(-1), T(1.2) - T(1.01));
}

void TestHttp::keepAlive()
{
    std::vector<Frame> fr;
    TcpScript t(fr, C, 40002, S, 8080);
    t.handshake(T(0), 1000000, 1000000);
    for (int i = 0; i < 3; ++i) {
        t.c(T(1 + i), ACK | PSH, "GET /k" + std::to_string(i) + " HTTP/1.1\r\nHost: a\r\n\r\n");
        t.s(T(1 + i + 0.01 * (i + 1)), ACK | PSH, kResp);
    }
    const auto a = analyzeFrames(fr);
    const Flow &f = a.flows.at(0);
    QCOMPARE(f.requests.size(), size_t(3));
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(f.requests[size_t(i)].path, "/k" + std::to_string(i));
        QCOMPARE(f.requests[size_t(i)].ttfbNs.value_or(-1), int64_t(10000000) * (i + 1));
    }
}

void TestHttp::pipelining()
{
    std::vector<Frame> fr;
    TcpScript t(fr, C, 40003, S, 80);
    t.handshake(T(0), 1000000, 1000000);
    t.c(T(1.0), ACK, "GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\n");
    t.c(T(1.001), ACK | PSH, "POST /c HTTP/1.1\r\nContent-Length: 4\r\n\r\nbody");
    t.s(T(1.1), ACK,
        "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\n");
    t.s(T(1.2), ACK, "no");
    t.s(T(1.3), ACK | PSH, "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
    const auto a = analyzeFrames(fr);
    const auto &rq = a.flows.at(0).requests;
    QCOMPARE(rq.size(), size_t(3));
    QCOMPARE(rq[0].status.value_or(0), 200);
    QCOMPARE(rq[1].status.value_or(0), 404);
    QCOMPARE(rq[2].status.value_or(0), 201);
    QCOMPARE(rq[2].method, std::string("POST"));
    QCOMPARE(rq[0].ttfbNs.value_or(-1), T(1.1) - T(1.0));
    QCOMPARE(rq[0].responseNs.value_or(-1), T(1.1) - T(1.0));
    QCOMPARE(rq[1].ttfbNs.value_or(-1), T(1.1) - T(1.0));
    QCOMPARE(rq[1].responseNs.value_or(-1), T(1.2) - T(1.0));
    QCOMPARE(rq[2].ttfbNs.value_or(-1), T(1.3) - T(1.001));
}

void TestHttp::chunkedResponse()
{
    std::vector<Frame> fr;
    TcpScript t(fr, C, 40004, S, 80);
    t.handshake(T(0), 1000000, 1000000);
    t.c(T(1.0), ACK | PSH, kReq);
    t.s(T(1.1), ACK, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel");
    t.s(T(1.2), ACK, "lo\r\n1a\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r");
    t.s(T(1.3), ACK | PSH, "\n\r\n");
    t.c(T(1.4), ACK | PSH, kReq);
    t.s(T(1.5), ACK | PSH, kResp);
    const auto a = analyzeFrames(fr);
    const auto &rq = a.flows.at(0).requests;
    QCOMPARE(rq.size(), size_t(2));
    QCOMPARE(rq[0].responseNs.value_or(-1), T(1.3) - T(1.0));
    QCOMPARE(rq[1].status.value_or(0), 200);
    QCOMPARE(rq[1].ttfbNs.value_or(-1), T(1.5) - T(1.4));
}

void TestHttp::retransmissionsNotDoubleCounted()
{
    std::vector<Frame> fr;
    TcpScript t(fr, C, 40005, S, 80);
    t.handshake(T(0), 1000000, 1000000);
    const uint32_t cs = t.cseq();
    t.c(T(1.0), ACK | PSH, kReq);
    t.cAt(T(1.2), ACK | PSH, cs, kReq); // request retransmitted
    const uint32_t ss = t.sseq();
    t.s(T(1.3), ACK, kResp.substr(0, 20));
    t.sAt(T(1.5), ACK, ss, kResp.substr(0, 20)); // partial retransmission
    t.s(T(1.6), ACK | PSH, kResp.substr(20));
    const auto a = analyzeFrames(fr);
    const Flow &f = a.flows.at(0);
    QCOMPARE(f.requests.size(), size_t(1));
    QCOMPARE(f.requests[0].requestBytes, uint64_t(kReq.size()));
    QCOMPARE(f.requests[0].responseBytes, uint64_t(kResp.size()));
    QCOMPARE(f.requests[0].ttfbNs.value_or(-1), T(1.3) - T(1.0));
    QCOMPARE(f.requests[0].responseNs.value_or(-1), T(1.6) - T(1.0));
    QCOMPARE(f.retransmits, 2u);
}

void TestHttp::outOfOrderResponseSegments()
{
    std::vector<Frame> fr;
    TcpScript t(fr, C, 40006, S, 80);
    t.handshake(T(0), 1000000, 1000000);
    t.c(T(1.0), ACK | PSH, kReq);
    const uint32_t ss = t.sseq();
    t.sAt(T(1.1), ACK, ss + 30, kResp.substr(30)); // second half first
    t.sAt(T(1.101), ACK, ss, kResp.substr(0, 30));
    const auto a = analyzeFrames(fr);
    const auto &rq = a.flows.at(0).requests;
    QCOMPARE(rq.size(), size_t(1));
    QCOMPARE(rq[0].status.value_or(0), 200);
    QCOMPARE(rq[0].ttfbNs.value_or(-1), T(1.101) - T(1.0));
    QVERIFY(rq[0].responseNs.has_value());
}

void TestHttp::readUntilClose()
{
    std::vector<Frame> fr;
    TcpScript t(fr, C, 40007, S, 80);
    t.handshake(T(0), 1000000, 1000000);
    t.c(T(1.0), ACK | PSH, "GET /stream HTTP/1.0\r\n\r\n");
    t.s(T(1.1), ACK, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\npart1");
    t.s(T(1.7), ACK, "part2");
    t.s(T(1.9), FIN | ACK);
    t.c(T(1.91), FIN | ACK);
    const auto a = analyzeFrames(fr);
    const auto &rq = a.flows.at(0).requests;
    QCOMPARE(rq.size(), size_t(1));
    QCOMPARE(rq[0].status.value_or(0), 200);
    QCOMPARE(rq[0].responseNs.value_or(-1), T(1.7) - T(1.0)); // last response byte, not the FIN
    QCOMPARE(a.flows[0].outcome, FlowOutcome::Complete);
}

void TestHttp::interimContinue()
{
    std::vector<Frame> fr;
    TcpScript t(fr, C, 40008, S, 80);
    t.handshake(T(0), 1000000, 1000000);
    t.c(T(1.0), ACK, "PUT /u HTTP/1.1\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n");
    t.s(T(1.01), ACK, "HTTP/1.1 100 Continue\r\n\r\n");
    t.c(T(1.02), ACK | PSH, "abc");
    t.s(T(1.5), ACK | PSH, "HTTP/1.1 204 No Content\r\n\r\n");
    const auto a = analyzeFrames(fr);
    const auto &rq = a.flows.at(0).requests;
    QCOMPARE(rq.size(), size_t(1));
    QCOMPARE(rq[0].status.value_or(0), 204);
    QCOMPARE(rq[0].ttfbNs.value_or(-1), T(1.5) - T(1.02));
}

void TestHttp::notHttp()
{
    std::vector<Frame> fr;
    TcpScript t(fr, C, 40009, S, 80);
    t.handshake(T(0), 1000000, 1000000);
    t.c(T(1.0), ACK | PSH, std::string("\x16\x03\x01\x02\x00\x01", 6)); // TLS ClientHello
    t.s(T(1.1), ACK | PSH, "HTTP/1.1 200 OK\r\n\r\n");
    const auto a = analyzeFrames(fr);
    QVERIFY(!a.flows.at(0).http);
    QVERIFY(a.flows[0].requests.empty());
}

QTEST_GUILESS_MAIN(TestHttp)
#include "tst_http.moc"
