// core/pcap: rotated sets (wrap, digit widths, base names, directories + manifest), merge order,
// truncated records, pcap µs/ns and pcapng, errors, BPF per link type, readAt, PcapWriter.
#include "core/pcap/bpffilter.h"
#include "core/pcap/captureset.h"
#include "core/pcap/packetreader.h"
#include "core/pcap/packetrereader.h"
#include "core/pcap/pcapwriter.h"
#include "testframes.h"

#include <QTemporaryDir>
#include <QTest>

using namespace lbs::testing;
using namespace lbs::pcap;

class TestCaptureSet : public QObject {
    Q_OBJECT
private slots:
    void wrappedRingReadsInTimeOrder_data();
    void wrappedRingReadsInTimeOrder();
    void baseNameExpandsToRotatedSiblings();
    void directoryWithManifest();
    void truncatedLastRecordKeepsEarlierPackets();
    void timestampPrecision_data();
    void timestampPrecision();
    void overlappingFilesMergeByTime();
    void duplicateFileUsedOnce();
    void unusableInputs_data();
    void unusableInputs();
    void bpfInvalidFilterMessage();
    void bpfPerLinktype();
    void readAtReturnsSameBytes_data();
    void readAtReturnsSameBytes();
    void writerRoundTrip();

private:
    std::string path(const char *name) const { return m_dir.filePath(QString::fromUtf8(name)).toStdString(); }
    QTemporaryDir m_dir;
};

static Frame udpFrame(int64_t ts, uint16_t sport)
{
    return Frame {ts, ethernet(ipv4("192.0.2.1", "192.0.2.2", 17, udpDatagram(sport, 53, "q")), 0x0800), 0};
}

// File k of a ring holds packets at times base + k*10 + {0,1,2} s.
static std::vector<Frame> block(double base, uint16_t tag)
{
    return {udpFrame(T(base), tag), udpFrame(T(base + 1), tag), udpFrame(T(base + 2), tag)};
}

void TestCaptureSet::wrappedRingReadsInTimeOrder_data()
{
    QTest::addColumn<QStringList>("names");
    QTest::newRow("x.pcap0..2, width 1")
        << QStringList {QStringLiteral("r1.pcap0"), QStringLiteral("r1.pcap1"), QStringLiteral("r1.pcap2")};
    QTest::newRow("width 2 (-W 11)") << QStringList {
        QStringLiteral("r2.pcap00"), QStringLiteral("r2.pcap09"), QStringLiteral("r2.pcap10")};
    QTest::newRow("no -W: x.pcap, x.pcap1")
        << QStringList {QStringLiteral("r3.pcap"), QStringLiteral("r3.pcap1"), QStringLiteral("r3.pcap2")};
}

void TestCaptureSet::wrappedRingReadsInTimeOrder()
{
    QFETCH(QStringList, names);
    QVERIFY(m_dir.isValid());
    // After a wrap the first name holds the newest packets: name order != time order.
    writePcap(m_dir.filePath(names[0]).toStdString(), 1, block(20, 3));
    writePcap(m_dir.filePath(names[1]).toStdString(), 1, block(0, 1));
    writePcap(m_dir.filePath(names[2]).toStdString(), 1, block(10, 2));
    std::vector<std::string> inputs;
    for (const QString &n : names)
        inputs.push_back(m_dir.filePath(n).toStdString());
    auto set = CaptureSet::open(inputs);
    QVERIFY2(set.ok(), set.ok() ? "" : set.error().toString().c_str());
    QCOMPARE(set->files.size(), size_t(3));
    QCOMPARE(QString::fromStdString(set->files[0].path), m_dir.filePath(names[1]));
    QCOMPARE(QString::fromStdString(set->files[2].path), m_dir.filePath(names[0]));
    PacketReader reader(*set);
    QVERIFY(reader.open().ok());
    RawPacket p;
    int64_t last = 0;
    int n = 0;
    while (reader.next(p)) {
        QVERIFY(p.tsNs > last);
        last = p.tsNs;
        ++n;
    }
    QCOMPARE(n, 9);
    QCOMPARE(last, T(22));
    QCOMPARE(reader.files()[2].packets, uint64_t(3));
}

void TestCaptureSet::baseNameExpandsToRotatedSiblings()
{
    writePcap(path("base.pcap0"), 1, block(10, 1));
    writePcap(path("base.pcap1"), 1, block(0, 2));
    auto set = CaptureSet::open({path("base.pcap")});
    QVERIFY2(set.ok(), set.ok() ? "" : set.error().toString().c_str());
    QCOMPARE(set->files.size(), size_t(2));
    QCOMPARE(set->files[0].path, path("base.pcap1"));
    const auto sibs = rotationSiblings(path("base.pcap0"));
    QCOMPARE(sibs.size(), size_t(2));
}

void TestCaptureSet::directoryWithManifest()
{
    QTemporaryDir dir;
    const std::string d = dir.path().toStdString();
    writePcap(d + "/cap.pcap0", 1, block(10, 1));
    writePcap(d + "/cap.pcap1", 1, block(0, 2));
    writeFile(d + "/manifest.json",
        R"({"transport":"ssh","vip":"203.0.113.10","node":"lab-node-1","interface":"eth1",
                  "tcpdump_stats":{"captured":6,"received_by_filter":9,"dropped_by_kernel":3},
                  "files":[{"name":"cap.pcap0","size":1,"sha256":"ab"},{"name":"cap.pcap1"},{"name":"cap.pcap2"}]})");
    writeFile(d + "/tcpdump.stderr", "6 packets captured\n");
    auto set = CaptureSet::open({d});
    QVERIFY2(set.ok(), set.ok() ? "" : set.error().toString().c_str());
    QCOMPARE(set->files.size(), size_t(2)); // side files are not captures
    QVERIFY(set->manifest.has_value());
    QCOMPARE(set->manifest->vip, std::string("203.0.113.10"));
    QCOMPARE(set->manifest->stats.droppedByKernel.value_or(0), uint64_t(3));
    QCOMPARE(set->manifest->stats.receivedByFilter.value_or(0), uint64_t(9));
    QCOMPARE(set->manifest->files.size(), size_t(3));
    bool missingWarned = false;
    for (const auto &w : set->warnings)
        missingWarned |= w.find("cap.pcap2") != std::string::npos;
    QVERIFY(missingWarned);
    // cap.pcap0's recorded size (1) is not its size on disk; cap.pcap1 has no size: not checked.
    int sizeWarnings = 0;
    for (const auto &w : set->warnings)
        if (w.find("bytes but manifest.json says") != std::string::npos) {
            ++sizeWarnings;
            QVERIFY2(w.find("cap.pcap0") != std::string::npos && w.find("says 1:") != std::string::npos,
                w.c_str());
        }
    QCOMPARE(sizeWarnings, 1);
    // A directory without manifest works too.
    QTemporaryDir plain;
    writePcap(plain.path().toStdString() + "/a.pcap", 1, block(0, 1));
    auto set2 = CaptureSet::open({plain.path().toStdString()});
    QVERIFY(set2.ok());
    QVERIFY(!set2->manifest);
}

void TestCaptureSet::truncatedLastRecordKeepsEarlierPackets()
{
    const std::string p = path("killed.pcap");
    writePcap(p, 1, block(0, 1));
    truncateFile(p, 10); // cut inside the last record's data
    auto set = CaptureSet::open({p});
    QVERIFY(set.ok());
    PacketReader reader(*set);
    QVERIFY(reader.open().ok());
    RawPacket pk;
    int n = 0;
    while (reader.next(pk))
        ++n;
    QCOMPARE(n, 2);
    QVERIFY(reader.files()[0].truncated);
    QVERIFY2(reader.files()[0].readError.find("truncated") != std::string::npos,
        reader.files()[0].readError.c_str());
}

void TestCaptureSet::timestampPrecision_data()
{
    QTest::addColumn<int>("format"); // 0 pcap µs, 1 pcap ns, 2 pcapng µs, 3 pcapng ns
    QTest::addColumn<qlonglong>("expectedFraction");
    QTest::newRow("pcap µs") << 0 << 123456000LL;
    QTest::newRow("pcap ns") << 1 << 123456789LL;
    QTest::newRow("pcapng µs") << 2 << 123456000LL;
    QTest::newRow("pcapng ns") << 3 << 123456789LL;
}

void TestCaptureSet::timestampPrecision()
{
    QFETCH(int, format);
    QFETCH(qlonglong, expectedFraction);
    const int64_t ts = T(5) + 123456789;
    const std::string p = path(format >= 2 ? "prec.pcapng" : "prec.pcap");
    const std::vector<Frame> frames {udpFrame(ts, 9)};
    if (format >= 2)
        writePcapng(p, 1, frames, format == 3);
    else
        writePcap(p, 1, frames, format == 1);
    auto set = CaptureSet::open({p});
    QVERIFY2(set.ok(), set.ok() ? "" : set.error().toString().c_str());
    QCOMPARE(set->files[0].pcapng, format >= 2);
    PacketReader reader(*set);
    QVERIFY(reader.open().ok());
    RawPacket pk;
    QVERIFY(reader.next(pk));
    QCOMPARE(qlonglong(pk.tsNs % 1000000000), expectedFraction);
    QCOMPARE(pk.tsNs / 1000000000, T(5) / 1000000000);
    QCOMPARE(QString::fromStdString(formatTimestamp(pk.tsNs)).right(9),
        QString::number(expectedFraction).rightJustified(9, QLatin1Char('0')));
}

void TestCaptureSet::overlappingFilesMergeByTime()
{
    writePcap(path("ova.pcap"), 1, {udpFrame(T(0), 1), udpFrame(T(2), 1), udpFrame(T(4), 1)});
    writePcap(path("ovb.pcap"), 1, {udpFrame(T(1), 2), udpFrame(T(3), 2)});
    auto set = CaptureSet::open({path("ova.pcap"), path("ovb.pcap")});
    QVERIFY(set.ok());
    PacketReader reader(*set);
    QVERIFY(reader.open().ok());
    RawPacket pk;
    std::vector<int> order;
    while (reader.next(pk))
        order.push_back(pk.fileIndex);
    QCOMPARE(order, (std::vector<int> {0, 1, 0, 1, 0}));
}

void TestCaptureSet::duplicateFileUsedOnce()
{
    writePcap(path("dup1.pcap"), 1, block(0, 1));
    writePcap(path("dup2.pcap"), 1, block(0, 1));
    auto set = CaptureSet::open({path("dup1.pcap"), path("dup2.pcap"), path("dup1.pcap")});
    QVERIFY(set.ok());
    QCOMPARE(set->files.size(), size_t(1));
    QCOMPARE(set->warnings.size(), size_t(1));
    QVERIFY(set->warnings[0].find("duplicate") != std::string::npos);
    // The copy is also reported as data, so the findings need not read the warning's text.
    QCOMPARE(set->duplicates.size(), size_t(1));
    QCOMPARE(set->duplicates[0].path, path("dup2.pcap"));
    QCOMPARE(set->duplicates[0].sameAs, path("dup1.pcap"));
    QCOMPARE(set->duplicates[0].message(), set->warnings[0]);
}

void TestCaptureSet::unusableInputs_data()
{
    QTest::addColumn<QByteArray>("content"); // "<missing>" = no file
    QTest::addColumn<QString>("expected");
    QTest::newRow("missing") << QByteArray("<missing>") << QStringLiteral("no such capture file");
    QTest::newRow("empty") << QByteArray() << QStringLiteral("empty");
    QTest::newRow("garbage") << QByteArray("this is not a capture file at all, just text\n")
                             << QStringLiteral("not a readable pcap or pcapng file");
    QTest::newRow("short header") << QByteArray("\xd4\xc3\xb2\xa1\x02\x00", 6)
                                  << QStringLiteral("not a readable pcap or pcapng file");
}

void TestCaptureSet::unusableInputs()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, expected);
    const std::string p = path("bad.input");
    std::remove(p.c_str());
    if (content != "<missing>")
        writeFile(p, content.toStdString());
    auto set = CaptureSet::open({p});
    QVERIFY(!set.ok());
    const QString msg = QString::fromStdString(set.error().toString());
    QVERIFY2(msg.contains(expected), qPrintable(msg));
    QVERIFY2(msg.contains(QString::fromStdString(p)), qPrintable(msg));
    QVERIFY(!msg.contains(QLatin1Char('\n')));
}

void TestCaptureSet::bpfInvalidFilterMessage()
{
    auto f = BpfFilter::compile("tcp port nonsense-port", {1});
    QVERIFY(!f.ok());
    const std::string m = f.error().toString();
    QVERIFY2(m.find("invalid filter 'tcp port nonsense-port'") != std::string::npos, m.c_str());
    QVERIFY2(m.find("nonsense-port") != std::string::npos, m.c_str());
    auto g = BpfFilter::compile("tcp and (", {1});
    QVERIFY(!g.ok());
    QVERIFY2(g.error().message.find("syntax error") != std::string::npos, g.error().message.c_str());
}

void TestCaptureSet::bpfPerLinktype()
{
    auto f = BpfFilter::compile("udp port 53", {1, 113, 276});
    QVERIFY(f.ok());
    const Bytes ip = ipv4("192.0.2.1", "192.0.2.2", 17, udpDatagram(1000, 53, "q"));
    const Bytes ipOther = ipv4("192.0.2.1", "192.0.2.2", 17, udpDatagram(1000, 54, "q"));
    const Bytes e = ethernet(ip, 0x0800), s = sll(ip, 0x0800), s2 = sll2(ip, 0x0800, 2, 0);
    const Bytes eo = ethernet(ipOther, 0x0800);
    QVERIFY(f->matches(1, e.data(), uint32_t(e.size()), uint32_t(e.size())));
    QVERIFY(f->matches(113, s.data(), uint32_t(s.size()), uint32_t(s.size())));
    QVERIFY(f->matches(276, s2.data(), uint32_t(s2.size()), uint32_t(s2.size())));
    QVERIFY(!f->matches(1, eo.data(), uint32_t(eo.size()), uint32_t(eo.size())));
    QVERIFY(!f->matches(12, ip.data(), uint32_t(ip.size()), uint32_t(ip.size()))); // not compiled for RAW
    auto empty = BpfFilter::compile("  ", {1});
    QVERIFY(empty.ok() && empty->isEmpty());
}

void TestCaptureSet::readAtReturnsSameBytes_data()
{
    QTest::addColumn<bool>("pcapng");
    QTest::newRow("pcap") << false;
    QTest::newRow("pcapng") << true;
}

void TestCaptureSet::readAtReturnsSameBytes()
{
    QFETCH(bool, pcapng);
    std::vector<Frame> frames;
    for (int i = 0; i < 20; ++i)
        frames.push_back(udpFrame(T(i * 0.5), static_cast<uint16_t>(1000 + i)));
    const std::string p = path(pcapng ? "ra.pcapng" : "ra.pcap");
    if (pcapng)
        writePcapng(p, 1, frames);
    else
        writePcap(p, 1, frames);
    auto set = CaptureSet::open({p});
    QVERIFY(set.ok());
    PacketReader reader(*set);
    QVERIFY(reader.open().ok());
    std::vector<std::pair<uint64_t, Bytes>> seen;
    RawPacket pk;
    while (reader.next(pk))
        seen.emplace_back(pk.offset, Bytes(pk.data, pk.data + pk.capLen));
    QCOMPARE(seen.size(), size_t(20));
    std::vector<uint8_t> buf;
    for (size_t i : {size_t(19), size_t(0), size_t(7), size_t(13)}) {
        auto r = PacketReader::readAt(set->files[0], 0, seen[i].first, buf);
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().toString().c_str());
        QCOMPARE(Bytes(r->data, r->data + r->capLen), seen[i].second);
        QCOMPARE(r->tsNs, frames[i].tsNs);
    }
    QVERIFY(!PacketReader::readAt(set->files[0], 0, 1u << 30, buf).ok());
    // The kept-open rereader (packet list) returns the same bytes in any order, survives a bad
    // offset, and refuses a file index the capture does not have.
    PacketRereader rr;
    rr.reset(&set->files);
    for (size_t i : {size_t(3), size_t(19), size_t(3), size_t(0), size_t(11)}) {
        auto r = rr.readAt(0, seen[i].first, buf);
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().toString().c_str());
        QCOMPARE(Bytes(r->data, r->data + r->capLen), seen[i].second);
        if (i == 0) {
            QVERIFY(!rr.readAt(0, 1u << 30, buf).ok());
            QVERIFY(rr.readAt(0, seen[5].first, buf).ok());
        }
    }
    auto bad = rr.readAt(1, seen[0].first, buf);
    QVERIFY(!bad.ok());
    QVERIFY(bad.error().toString().find("not part of this capture") != std::string::npos);
    rr.reset(nullptr);
    QVERIFY(!rr.readAt(0, seen[0].first, buf).ok());
}

void TestCaptureSet::writerRoundTrip()
{
    const std::string p = path("written.pcap");
    PcapWriter w;
    QVERIFY(w.open(p, 276).ok());
    const Bytes f = sll2(ipv4("192.0.2.1", "192.0.2.2", 17, udpDatagram(1, 2, "x")), 0x0800, 4, 4);
    w.write(T(1) + 1, f.data(), uint32_t(f.size()), uint32_t(f.size()));
    w.write(T(2) + 999999999, f.data(), uint32_t(f.size()), 1500);
    QVERIFY(w.close().ok());
    auto set = CaptureSet::open({p});
    QVERIFY(set.ok());
    QCOMPARE(set->files[0].linktype, 276);
    PacketReader reader(*set);
    QVERIFY(reader.open().ok());
    RawPacket pk;
    QVERIFY(reader.next(pk));
    QCOMPARE(pk.tsNs, T(1) + 1);
    QVERIFY(reader.next(pk));
    QCOMPARE(pk.tsNs, T(2) + 999999999);
    QCOMPARE(pk.wireLen, 1500u);
    QVERIFY(!reader.next(pk));
    PcapWriter bad;
    QVERIFY(!bad.open("/nonexistent-dir/x.pcap", 1).ok());
}

QTEST_GUILESS_MAIN(TestCaptureSet)
#include "tst_captureset.moc"
