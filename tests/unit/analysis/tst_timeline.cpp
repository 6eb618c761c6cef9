// core/analysis timeline and findings: bucket counts, TTFB percentiles, decimation to pixel
// columns, latency spikes against the capture's own baseline, backend grouping, retransmission
// bursts, kernel drops from manifest.json.
#include "analysistestutil.h"
#include "core/analysis/decimate.h"

#include <cmath>

using namespace lbs::testing;
using namespace lbs::analysis;

class TestTimeline : public QObject {
    Q_OBJECT
private slots:
    void bucketCounts_data();
    void bucketCounts();
    void ttfbPercentiles();
    void decimation();
    void latencySpike();
    void failuresGroupedByBackend();
    void retransmissionBurst();
    void kernelDropsFromManifest();
    void invalidBucketRejected();
};

static Frame udp(double at, uint16_t sport = 1000)
{
    return Frame {
        T(at), ethernet(ipv4("192.0.2.1", "192.0.2.2", 17, udpDatagram(sport, 53, "q")), 0x0800), 0};
}

void TestTimeline::bucketCounts_data()
{
    QTest::addColumn<double>("bucket");
    QTest::addColumn<std::vector<uint64_t>>("expected");
    QTest::newRow("1 s") << 1.0 << std::vector<uint64_t> {2, 1, 0, 1};
    QTest::newRow("0.5 s") << 0.5 << std::vector<uint64_t> {2, 0, 0, 1, 0, 0, 0, 1};
    QTest::newRow("2 s") << 2.0 << std::vector<uint64_t> {3, 1};
    QTest::newRow("1 ms") << 0.001 << std::vector<uint64_t> {}; // size checked below
}

void TestTimeline::bucketCounts()
{
    QFETCH(double, bucket);
    QFETCH(std::vector<uint64_t>, expected);
    AnalyzerOptions opt;
    opt.bucketSeconds = bucket;
    const auto a = analyzeFrames({udp(0.1), udp(0.2, 1001), udp(1.5, 1002), udp(3.9, 1003)}, opt);
    QCOMPARE(a.timeline.bucketSeconds, bucket);
    QCOMPARE(a.timeline.t0Ns % int64_t(std::llround(bucket * 1e9)), int64_t(0));
    if (!expected.empty())
        QCOMPARE(a.timeline.packets, expected);
    else
        QCOMPARE(a.timeline.packets.size(), size_t(3801)); // 0.1 s .. 3.9 s in 1 ms buckets
    uint64_t sum = 0;
    for (auto v : a.timeline.packets)
        sum += v;
    QCOMPARE(sum, uint64_t(4));
    uint32_t flows = 0;
    for (auto v : a.timeline.newFlows)
        flows += v;
    QCOMPARE(flows, 4u);
    QCOMPARE(a.timeline.ttfbP50Us.size(), a.timeline.packets.size());
}

// `n` HTTP exchanges starting at `start`, one per 10 ms, with the given TTFB (seconds) to server.
static void exchanges(
    std::vector<Frame> &fr, double start, int n, double ttfb, const char *server, uint16_t firstPort)
{
    for (int i = 0; i < n; ++i) {
        TcpScript t(fr, "192.0.2.50", static_cast<uint16_t>(firstPort + i), server, 8080);
        const double at = start + 0.01 * i;
        t.handshake(T(at), 100000, 100000);
        t.c(T(at + 0.001), ACK | PSH, "GET / HTTP/1.1\r\n\r\n");
        t.s(T(at + 0.001 + ttfb), ACK | PSH, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    }
}

static std::vector<Frame> sorted(std::vector<Frame> fr)
{
    std::stable_sort(fr.begin(), fr.end(), [](const Frame &a, const Frame &b) { return a.tsNs < b.tsNs; });
    return fr;
}

void TestTimeline::ttfbPercentiles()
{
    std::vector<Frame> fr;
    for (int i = 1; i <= 10; ++i)
        exchanges(fr, 0.001 * i, 1, 0.001 * i, "198.51.100.1", static_cast<uint16_t>(30000 + i));
    const auto a = analyzeFrames(sorted(fr));
    QCOMPARE(a.counters.httpRequests, uint64_t(10));
    QCOMPARE(a.timeline.ttfbP50Us.at(0), 5000.0);
    QCOMPARE(a.timeline.ttfbP99Us.at(0), 10000.0);
}

void TestTimeline::decimation()
{
    std::vector<double> v(1000000);
    for (size_t i = 0; i < v.size(); ++i)
        v[i] = std::sin(double(i) / 1000.0) * 100;
    v[500000] = 1e6;
    v[10] = std::nan("");
    const auto cols = decimateUniform(v, 0.0, 1.0, 0.0, 999999.0, 100);
    QCOMPARE(cols.size(), size_t(100));
    double maxSeen = 0;
    for (const auto &c : cols) {
        QVERIFY(c.min <= c.max);
        maxSeen = std::max(maxSeen, c.max);
    }
    QCOMPARE(maxSeen, 1e6); // a single spike survives decimation
    QVERIFY(cols[0].min < -99.9 && cols[0].max > 99.9); // sin over 0..10 rad spans -1..1
    // Zoomed into a slice: only the visible part.
    const auto zoom = decimateUniform(v, 0.0, 1.0, 499990.0, 500010.0, 20);
    QVERIFY(zoom.size() >= 19);
    QCOMPARE(
        std::max_element(zoom.begin(), zoom.end(), [](auto &a, auto &b) { return a.max < b.max; })->max, 1e6);
    // Keyed variant skips NaN and keys out of range.
    const auto k = decimateMinMax({0, 1, 2, 3, 10}, {5, std::nan(""), -1, 7, 100}, 0, 4, 2);
    QCOMPARE(k.size(), size_t(2));
    QCOMPARE(k[0].min, 5.0);
    QCOMPARE(k[1].min, -1.0);
    QCOMPARE(k[1].max, 7.0);
    QVERIFY(decimateUniform({}, 0, 1, 0, 1, 10).empty());
}

void TestTimeline::latencySpike()
{
    std::vector<Frame> fr;
    uint16_t port = 20000;
    for (int s = 0; s < 20; ++s) {
        const bool spike = s >= 12 && s < 15;
        exchanges(fr, s, 5, spike ? 0.4 : 0.01, "198.51.100.1", port);
        port = static_cast<uint16_t>(port + 5);
    }
    const auto a = analyzeFrames(sorted(fr));
    const Finding *f = findFinding(a, "latency_spike");
    QVERIFY(f);
    QVERIFY2(f->summary.find("rose from 10 ms to 400 ms") != std::string::npos, f->summary.c_str());
    QVERIFY2(f->summary.find("00:00:12") != std::string::npos, f->summary.c_str());
    QVERIFY2(f->summary.find("00:00:15") != std::string::npos, f->summary.c_str());
    QCOMPARE(f->flows.size(), size_t(15));
    QCOMPARE(f->severity, Severity::Warning);
}

void TestTimeline::failuresGroupedByBackend()
{
    std::vector<Frame> fr;
    exchanges(fr, 0, 2, 0.01, "192.0.2.11", 20000);
    exchanges(fr, 0.5, 2, 0.01, "192.0.2.12", 21000);
    auto fail = [&](const char *server, uint16_t port, double at) {
        TcpScript t(fr, "192.0.2.50", port, server, 8080, 7000);
        t.cAt(T(at), SYN, 7000, "");
        t.cAt(T(at + 1), SYN, 7000, "");
    };
    fail("192.0.2.12", 22000, 1);
    fail("192.0.2.12", 22001, 1.1);
    fail("192.0.2.12", 22002, 1.2);
    fail("192.0.2.11", 22003, 1.3);
    const auto a = analyzeFrames(sorted(fr));
    const Finding *f = findFinding(a, "failed_handshakes");
    QVERIFY(f);
    QCOMPARE(f->flows.size(), size_t(4));
    QVERIFY2(
        f->summary.find("3 of 4 failures went to 192.0.2.12:8080") != std::string::npos, f->summary.c_str());
}

void TestTimeline::retransmissionBurst()
{
    std::vector<Frame> fr;
    TcpScript t(fr, "192.0.2.60", 45000, "198.51.100.9", 443);
    t.handshake(T(0), 1000000, 1000000);
    for (int i = 0; i < 10; ++i) {
        const uint32_t seq = t.cseq();
        t.c(T(5.0 + i * 0.05), ACK, std::string(100, 'x'));
        t.cAt(T(5.02 + i * 0.05), ACK, seq, std::string(100, 'x'));
    }
    const auto a = analyzeFrames(fr);
    QCOMPARE(a.flows.at(0).retransmits, 10u);
    QCOMPARE(a.timeline.retransmits.at(5), 10u);
    const Finding *f = findFinding(a, "retransmission_burst");
    QVERIFY(f);
    QVERIFY2(f->summary.find("10 retransmissions between 00:00:05 and 00:00:06") != std::string::npos,
        f->summary.c_str());
    QCOMPARE(f->flows, std::vector<uint32_t> {0});
}

void TestTimeline::kernelDropsFromManifest()
{
    const auto a = analyzeFrames({udp(0)}, {}, 1,
        R"({"vip":"203.0.113.10","tcpdump_stats":{"captured":10,"received_by_filter":15,
                                     "dropped_by_kernel":5}})");
    QVERIFY(a.manifest.has_value());
    const Finding *f = findFinding(a, "kernel_drops");
    QVERIFY(f);
    QVERIFY2(f->summary.find("5 packets dropped by kernel of 15 received by filter") != std::string::npos,
        f->summary.c_str());
    const auto b = analyzeFrames({udp(0)}, {}, 1, R"({"tcpdump_stats":{"dropped_by_kernel":0}})");
    QVERIFY(!findFinding(b, "kernel_drops"));
}

void TestTimeline::invalidBucketRejected()
{
    AnalyzerOptions opt;
    opt.bucketSeconds = 0;
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, analyzeFrames({udp(0)}, opt));
}

QTEST_GUILESS_MAIN(TestTimeline)
#include "tst_timeline.moc"
