// core/analysis reports and GUI hooks: JSON contract shape and units, CSV, text summary,
// packet index (32 bytes, flags, flow ids), BPF over the index, export, Info text, staged
// callbacks and cancellation; core/common JSON reader/writer.
#include "analysistestutil.h"
#include "core/analysis/jsonreport.h"
#include "core/analysis/packetfilter.h"
#include "core/analysis/packetinfo.h"
#include "core/analysis/packetpipeline.h"
#include "core/common/json.h"
#include "core/pcap/packetreader.h"

#include <algorithm>
#include <cstring>

using namespace lbs::testing;
using namespace lbs::analysis;
using lbs::JsonValue;

class TestReport : public QObject {
    Q_OBJECT
private slots:
    void jsonContractShape();
    void jsonStreaming_data();
    void jsonStreaming();
    void jsonFragments_data();
    void jsonFragments();
    void readAheadSameResult_data();
    void readAheadSameResult();
    void csvAndText();
    void duplicateFileFinding();
    void packetIndexAndInfoText();
    void filterAndExport();
    void stagesAndCancel();
    void jsonRoundTrip_data();
    void jsonRoundTrip();
    void jsonRejectsBadInput_data();
    void jsonRejectsBadInput();
};

static std::vector<Frame> sample()
{
    std::vector<Frame> fr;
    TcpScript t(fr, "192.0.2.30", 40000, "198.51.100.30", 80, 1000, 5000);
    t.handshake(T(0) + 123456789, 1500, 500); // sub-µs precision
    t.c(T(1.0), ACK | PSH, "GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n");
    t.s(T(1.25), ACK | PSH, "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n");
    t.c(T(2.0), FIN | ACK);
    t.s(T(2.1), FIN | ACK);
    fr.push_back(Frame {
        T(2.5), ethernet(ipv4("192.0.2.30", "198.51.100.53", 17, udpDatagram(5000, 53, "q")), 0x0800), 0});
    return fr;
}

void TestReport::jsonContractShape()
{
    const auto a = analyzeFrames(sample());
    const std::string text = toJsonReport(a);
    auto doc = lbs::parseJson(text);
    QVERIFY2(doc.ok(), doc.ok() ? "" : doc.error().message.c_str());
    const JsonValue &d = *doc;
    for (const char *k :
        {"files", "packets", "bytes", "first_ts", "last_ts", "flows", "timeline", "findings"})
        QVERIFY2(d.contains(k), k);
    QCOMPARE(d["packets"].toInt(), int64_t(8));
    const JsonValue &file = d["files"][size_t(0)];
    for (const char *k : {"path", "packets", "bytes", "first_ts", "last_ts", "linktype", "truncated"})
        QVERIFY2(file.contains(k), k);
    QCOMPARE(file["linktype"].toInt(), int64_t(1));
    QVERIFY(file["truncated"].isBool());
    // Timestamps keep nanoseconds in the text.
    QCOMPARE(QString::fromStdString(d["first_ts"].toString()), QStringLiteral("1767225600.123456789"));
    QCOMPARE(d["flows"].size(), size_t(2));
    const JsonValue &f = d["flows"][size_t(0)];
    for (const char *k : {"id", "proto", "client", "server", "first_ts", "last_ts", "syn_count",
             "handshake_rtt_us", "ack_rtt_us", "requests", "retransmits", "resets", "zero_windows", "outcome",
             "packets_c2s", "packets_s2c", "bytes_c2s", "bytes_s2c"})
        QVERIFY2(f.contains(k), k);
    QCOMPARE(f["proto"].toString(), std::string("tcp"));
    QCOMPARE(f["client"].toString(), std::string("192.0.2.30:40000"));
    QCOMPARE(f["server"].toString(), std::string("198.51.100.30:80"));
    QCOMPARE(f["handshake_rtt_us"].toDouble(), 1.5);
    QCOMPARE(f["ack_rtt_us"].toDouble(), 0.5);
    QCOMPARE(f["outcome"].toString(), std::string("complete"));
    const JsonValue &r = f["requests"][size_t(0)];
    for (const char *k : {"ts", "method", "path", "status", "ttfb_us", "response_us"})
        QVERIFY2(r.contains(k), k);
    QCOMPARE(r["status"].toInt(), int64_t(503));
    QCOMPARE(r["ttfb_us"].toDouble(), 250000.0);
    QCOMPARE(r["path"].toString(), std::string("/index.html"));
    const JsonValue &u = d["flows"][size_t(1)];
    QCOMPARE(u["proto"].toString(), std::string("udp"));
    QVERIFY(u["handshake_rtt_us"].isNull());
    const JsonValue &tl = d["timeline"];
    QCOMPARE(tl["bucket_s"].toDouble(), 1.0);
    for (const char *k : {"packets", "bytes", "new_flows", "failed_handshakes", "resets", "retransmits",
             "ttfb_p50_us", "ttfb_p99_us"}) {
        QVERIFY2(tl["series"][k].isArray(), k);
        QCOMPARE(tl["series"][k].size(), size_t(3));
    }
    QVERIFY(tl["series"]["ttfb_p50_us"][size_t(0)].isNull()); // no request in bucket 0
    QCOMPARE(tl["series"]["ttfb_p50_us"][size_t(1)].toDouble(), 250000.0);
    const JsonValue *err = nullptr;
    for (const JsonValue &fd : d["findings"].array())
        if (fd["kind"].toString() == "http_server_errors")
            err = &fd;
    QVERIFY(err);
    for (const char *k : {"severity", "kind", "summary", "flows"})
        QVERIFY2(err->contains(k), k);
    QCOMPARE((*err)["flows"][size_t(0)].toInt(), int64_t(0));
    // Compact output is one line.
    QVERIFY(toJsonReport(a, false).find('\n') == toJsonReport(a, false).size() - 1);
}

void TestReport::jsonStreaming_data()
{
    QTest::addColumn<bool>("pretty");
    QTest::addColumn<int>("chunkBytes");
    QTest::newRow("pretty, tiny chunks") << true << 1;
    QTest::newRow("compact, 64-byte chunks") << false << 64;
    QTest::newRow("pretty, one chunk") << true << (1 << 20);
}

void TestReport::jsonStreaming()
{
    QFETCH(bool, pretty);
    QFETCH(int, chunkBytes);
    // The streaming writer hands the same bytes to its sink, in more than one piece when small.
    const auto write = [](lbs::JsonWriter &w) {
        w.beginObject().key("a").beginArray();
        for (int i = 0; i < 50; ++i)
            w.beginObject().key("i").value(i).key("s").value("x\"y").endObject();
        w.endArray().key("n").null().endObject();
    };
    lbs::JsonWriter whole(pretty);
    write(whole);
    std::string streamed;
    int calls = 0;
    lbs::JsonWriter w(
        pretty,
        [&](std::string_view chunk) {
            streamed.append(chunk);
            ++calls;
            return true;
        },
        size_t(chunkBytes));
    write(w);
    QVERIFY(w.finish("\n"));
    QCOMPARE(streamed, whole.str() + "\n");
    QCOMPARE(calls > 1, chunkBytes < 100);
    // The analysis report streams byte-identically to toJsonReport.
    const auto a = analyzeFrames(sample());
    std::string report;
    QVERIFY(writeJsonReport(a, pretty, [&](std::string_view c) {
        report.append(c);
        return true;
    }));
    QCOMPARE(report, toJsonReport(a, pretty));
    // A failing sink (disk full) is reported and never called again.
    int failing = 0;
    lbs::JsonWriter f(
        pretty,
        [&](std::string_view) {
            ++failing;
            return false;
        },
        size_t(chunkBytes));
    write(f);
    QVERIFY(!f.finish());
    QVERIFY(f.sinkFailed());
    QCOMPARE(failing, 1);
}

void TestReport::jsonFragments_data()
{
    QTest::addColumn<bool>("pretty");
    QTest::addColumn<int>("flows");
    for (bool pretty : {true, false}) {
        // Below 2048 flows one thread writes them; from 2048 on every other 256-flow chunk is
        // formatted on a second thread and appended as a fragment.
        for (int n : {0, 1, 2047, 2048, 2049, 2304, 5000})
            QTest::addRow("%s, %d flows", pretty ? "pretty" : "compact", n) << pretty << n;
    }
}

void TestReport::jsonFragments()
{
    QFETCH(bool, pretty);
    QFETCH(int, flows);
    // A document assembled from fragment writers is the document one writer writes.
    const auto element = [](lbs::JsonWriter &w, int i) {
        w.beginObject().key("i").value(i).key("t").beginInlineArray().value(i).value(-i).endArray();
        w.key("s").value("x\"y").endObject();
    };
    lbs::JsonWriter whole(pretty);
    whole.beginObject().key("a").beginArray();
    lbs::JsonWriter pieces(pretty);
    pieces.beginObject().key("a").beginArray();
    for (int i = 0; i < 10; ++i)
        element(whole, i);
    for (int i = 0; i < 3; ++i)
        element(pieces, i);
    for (int from : {3, 7}) {
        lbs::JsonWriter f = lbs::JsonWriter::fragment(pretty, 2);
        for (int i = from; i < from + (from == 3 ? 4 : 3); ++i)
            element(f, i);
        pieces.appendFragment(f.str());
    }
    whole.endArray().endObject();
    pieces.endArray().endObject();
    QCOMPARE(pieces.str(), whole.str());

    // The report's flows come out complete and in order, however they were split.
    CaptureAnalysis a;
    for (int i = 0; i < flows; ++i) {
        Flow f;
        f.id = static_cast<uint32_t>(i);
        f.client = {lbs::pcap::IpAddress::parse("198.51.100.7"), static_cast<uint16_t>(1024 + i % 60000)};
        f.synTimesNs = {int64_t(i) * 1000};
        a.flows.push_back(f);
    }
    const std::string text = toJsonReport(a, pretty);
    auto parsed = lbs::parseJson(text);
    QVERIFY(parsed.ok());
    QCOMPARE((*parsed)["flows"].size(), size_t(flows));
    for (int i = 0; i < flows; ++i) {
        const auto &f = (*parsed)["flows"][size_t(i)];
        QCOMPARE(f["id"].toInt(), int64_t(i));
        QCOMPARE(f["client"].toString(), "198.51.100.7:" + std::to_string(1024 + i % 60000));
    }
    QCOMPARE(text.find('\n') == text.size() - 1, !pretty);
}

void TestReport::readAheadSameResult_data()
{
    QTest::addColumn<int>("format"); // 0 pcap (read in blocks), 1 pcapng (read by libpcap), 2 cut pcap
    QTest::addColumn<QString>("filter");
    for (int format : {0, 1, 2}) {
        QTest::addRow("format %d", format) << format << QString();
        QTest::addRow("format %d, filtered", format) << format << QStringLiteral("tcp port 80");
    }
}

void TestReport::readAheadSameResult()
{
    QFETCH(int, format);
    QFETCH(QString, filter);
    // Many batches of the reading thread, with packets of other flows in between.
    std::vector<Frame> fr;
    for (int i = 0; i < 700; ++i) {
        const uint16_t port = static_cast<uint16_t>(i % 3 == 0 ? 8080 : 80);
        TcpScript t(fr, "192.0.2.30", static_cast<uint16_t>(20000 + i), "198.51.100.30", port, 1000, 5000);
        const double at = i * 0.01;
        t.handshake(T(at), 1500, 500);
        t.c(T(at + 0.001), ACK | PSH, "GET /x HTTP/1.1\r\nHost: x\r\n\r\n");
        t.s(T(at + 0.002), ACK | PSH, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        t.c(T(at + 0.003), FIN | ACK);
        t.s(T(at + 0.004), FIN | ACK);
    }
    std::stable_sort(fr.begin(), fr.end(), [](const Frame &a, const Frame &b) { return a.tsNs < b.tsNs; });
    QTemporaryDir dir;
    const std::string path = dir.path().toStdString() + (format == 1 ? "/t.pcapng" : "/t.pcap");
    if (format == 1)
        writePcapng(path, 1, fr);
    else
        writePcap(path, 1, fr);
    if (format == 2)
        truncateFile(path, 30);
    AnalyzerOptions one;
    one.filter = filter.toStdString();
    one.readAhead = false;
    AnalyzerOptions two = one;
    two.readAhead = true;
    auto a = analyzeFiles({path}, one);
    auto b = analyzeFiles({path}, two);
    QVERIFY(a.ok() && b.ok());
    QVERIFY(a->flows.size() >= (filter.isEmpty() ? 700u : 400u));
    QVERIFY(a->packetIndex.size() > 3 * PacketPipeline::kBatchPackets);
    QCOMPARE(toJsonReport(*b), toJsonReport(*a));
    QCOMPARE(b->packetIndex.size(), a->packetIndex.size());
    QVERIFY(std::equal(a->packetIndex.begin(), a->packetIndex.end(), b->packetIndex.begin(),
        [](const auto &x, const auto &y) { return std::memcmp(&x, &y, sizeof x) == 0; }));
}

void TestReport::csvAndText()
{
    const auto a = analyzeFrames(sample());
    const std::string csv = toFlowsCsv(a);
    QCOMPARE(std::count(csv.begin(), csv.end(), '\n'), 3L);
    QVERIFY(csv.rfind("id,proto,client,server,", 0) == 0);
    QVERIFY(csv.find("0,tcp,192.0.2.30:40000,198.51.100.30:80,") != std::string::npos);
    const std::string text = toTextSummary(a);
    QVERIFY2(text.find("8 packets") != std::string::npos, text.c_str());
    QVERIFY2(text.find("1 TCP (1 complete") != std::string::npos, text.c_str());
    QVERIFY2(text.find("GET /index.html -> 503") != std::string::npos, text.c_str());
    QVERIFY2(text.find("HTTP 5xx") != std::string::npos, text.c_str());
}

// A copy of a file in the set is read once and reported as a finding, from CaptureSet's data.
void TestReport::duplicateFileFinding()
{
    QTemporaryDir dir;
    const std::string first = dir.path().toStdString() + "/a.pcap";
    const std::string copy = dir.path().toStdString() + "/b.pcap";
    writePcap(first, 1, sample());
    writePcap(copy, 1, sample());
    auto a = analyzeFiles({first, copy}, {});
    QVERIFY(a.ok());
    QCOMPARE(a->files.size(), size_t(1));
    QCOMPARE(a->duplicateFiles.size(), size_t(1));
    const Finding *f = findFinding(*a, "duplicate_file");
    QVERIFY(f);
    QCOMPARE(f->summary,
        "duplicate file " + copy + " has the same size and first packet as " + first + "; it was read once");
}

void TestReport::packetIndexAndInfoText()
{
    static_assert(sizeof(lbs::pcap::PacketIndexEntry) <= 32);
    const auto a = analyzeFrames(sample());
    QCOMPARE(a.packetIndex.size(), size_t(8));
    const auto &syn = a.packetIndex[0];
    QVERIFY(syn.flags & lbs::pcap::PF_Syn);
    QVERIFY(syn.flags & lbs::pcap::PF_Tcp);
    QCOMPARE(syn.flowId, 0u);
    QVERIFY(a.packetIndex[1].flags & lbs::pcap::PF_FromServer);
    QCOMPARE(a.packetIndex[7].flowId, 1u);
    QVERIFY(a.packetIndex[7].flags & lbs::pcap::PF_Udp);
    QVERIFY(a.packetIndex[3].flags & lbs::pcap::PF_Http);
    // Lazy re-read + decode + Info text, as the packet list does.
    std::vector<uint8_t> buf;
    auto raw = lbs::pcap::PacketReader::readAt(a.files[0], 0, a.packetIndex[1].offset, buf);
    QVERIFY(raw.ok());
    lbs::pcap::DecodedPacket p;
    QVERIFY(lbs::pcap::decodePacket(raw->linktype, raw->data, raw->capLen, raw->wireLen, p));
    const std::string info = packetInfoText(p, a.packetIndex[1].flags, relativeSeqFor(a.flows[0]));
    QVERIFY2(info.rfind("80 → 40000 [SYN, ACK] Seq=0 Ack=1 Win=65535 Len=0", 0) == 0, info.c_str());
    QCOMPARE(packetProtocolName(p), std::string("TCP"));
    raw = lbs::pcap::PacketReader::readAt(a.files[0], 0, a.packetIndex[3].offset, buf);
    QVERIFY(lbs::pcap::decodePacket(raw->linktype, raw->data, raw->capLen, raw->wireLen, p));
    QCOMPARE(packetInfoText(p, a.packetIndex[3].flags), std::string("GET /index.html HTTP/1.1"));
    QCOMPARE(packetProtocolName(p, a.packetIndex[3].flags), std::string("HTTP"));
}

void TestReport::filterAndExport()
{
    const auto a = analyzeFrames(sample());
    auto m = filterPacketIndex(a.files, a.packetIndex, "tcp[tcpflags] & tcp-syn != 0");
    QVERIFY(m.ok());
    QCOMPARE(*m, (std::vector<uint32_t> {0, 1}));
    auto u = filterPacketIndex(a.files, a.packetIndex, "udp");
    QVERIFY(u.ok());
    QCOMPARE(*u, std::vector<uint32_t> {7});
    auto bad = filterPacketIndex(a.files, a.packetIndex, "port eighty");
    QVERIFY(!bad.ok());
    QVERIFY(bad.error().message.find("invalid filter") != std::string::npos);
    QTemporaryDir dir;
    const std::string out = dir.path().toStdString() + "/export.pcap";
    QVERIFY(exportPackets(a.files, a.packetIndex, {7, 0, 1}, out).ok());
    auto b = analyzeFiles({out});
    QVERIFY(b.ok());
    QCOMPARE(b->packets, uint64_t(3));
    QCOMPARE(b->flows.size(), size_t(2));
    QCOMPARE(b->flows[0].synAckCount, 1u);
    QVERIFY(!exportPackets(a.files, a.packetIndex, {99}, out).ok());
    // The analysis-level filter gives the same packets.
    AnalyzerOptions opt;
    opt.filter = "udp";
    const auto c = analyzeFrames(sample(), opt);
    QCOMPARE(c.packets, uint64_t(1));
    QCOMPARE(c.counters.filteredOut, uint64_t(7));
}

void TestReport::stagesAndCancel()
{
    QTemporaryDir dir;
    const std::string p = dir.path().toStdString() + "/s.pcap";
    std::vector<Frame> fr;
    for (int i = 0; i < 20000; ++i)
        fr.push_back(Frame {T(i * 0.001),
            ethernet(ipv4("192.0.2.1", "192.0.2.2", 17,
                         udpDatagram(static_cast<uint16_t>(1000 + i % 50), 53, "q")),
                0x0800),
            0});
    writePcap(p, 1, fr);
    auto set = lbs::pcap::CaptureSet::open({p});
    QVERIFY(set.ok());
    std::vector<AnalysisStage> stages;
    Analyzer an;
    auto r = an.run(*set, {}, nullptr, [&](AnalysisStage s, const CaptureAnalysis &snap) {
        stages.push_back(s);
        if (s == AnalysisStage::Timeline) {
            QCOMPARE(snap.packets, uint64_t(20000));
            QVERIFY(snap.flows.empty());
        }
        if (s == AnalysisStage::Complete)
            QCOMPARE(snap.flows.size(), size_t(50));
    });
    QVERIFY(r.ok());
    QVERIFY(stages.size() >= 2);
    QCOMPARE(stages[stages.size() - 2], AnalysisStage::Timeline);
    QCOMPARE(stages.back(), AnalysisStage::Complete);
    std::vector<lbs::ProgressEvent> events;
    lbs::FunctionProgressSink sink([&](const lbs::ProgressEvent &e) { events.push_back(e); });
    lbs::CancelToken token;
    token.cancel();
    auto c = an.run(*set, token, &sink);
    QVERIFY(!c.ok());
    QVERIFY(c.error().message.find("cancelled") != std::string::npos);
    auto ok = an.run(*set, {}, &sink);
    QVERIFY(ok.ok());
    QVERIFY(!events.empty());
    QCOMPARE(events.back().done, events.back().total);
}

void TestReport::jsonRoundTrip_data()
{
    QTest::addColumn<QString>("value");
    QTest::newRow("quotes") << QStringLiteral("a\"b\\c");
    QTest::newRow("control") << QString::fromUtf8("line1\nline2\t\x01");
    QTest::newRow("unicode") << QString::fromUtf8("größe → 東京");
}

void TestReport::jsonRoundTrip()
{
    QFETCH(QString, value);
    lbs::JsonWriter w(true);
    w.beginObject().key("s").value(value.toStdString()).key("n").value(int64_t(-9007199254740993LL));
    w.key("d").value(0.1 + 0.2, 6).key("nan").value(std::nan(""), 3).key("a").beginInlineArray();
    w.value(1).value(2).endArray().endObject();
    auto doc = lbs::parseJson(w.str());
    QVERIFY2(doc.ok(), w.str().c_str());
    QCOMPARE(QString::fromStdString((*doc)["s"].toString()), value);
    QCOMPARE((*doc)["n"].toInt(), int64_t(-9007199254740993LL));
    QCOMPARE((*doc)["d"].toDouble(), 0.3);
    QVERIFY((*doc)["nan"].isNull());
    QCOMPARE((*doc)["a"].size(), size_t(2));
}

void TestReport::jsonRejectsBadInput_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("empty") << QByteArray("");
    QTest::newRow("trailing") << QByteArray("{} x");
    QTest::newRow("unterminated") << QByteArray("{\"a\": \"b");
    QTest::newRow("deep") << QByteArray(1000, '[');
    QTest::newRow("bad number") << QByteArray("[1.]");
}

void TestReport::jsonRejectsBadInput()
{
    QFETCH(QByteArray, text);
    auto doc = lbs::parseJson(std::string_view(text.constData(), size_t(text.size())));
    QVERIFY(!doc.ok());
    QVERIFY(doc.error().message.find("invalid JSON at byte") == 0);
}

QTEST_GUILESS_MAIN(TestReport)
#include "tst_report.moc"
