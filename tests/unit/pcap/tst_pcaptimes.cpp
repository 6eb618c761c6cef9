// PcapTimesScanner (the streaming first/last-packet reader used while downloading) must agree with
// readPcapTimes (libpcap) on every file it vouches for, however the bytes are split into chunks.
#include "core/pcap/pcaptimes.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using lbs::pcap::PcapTimes;
using lbs::pcap::PcapTimesScanner;

namespace {

std::optional<PcapTimes> scan(const QByteArray &bytes, qsizetype chunk)
{
    PcapTimesScanner s;
    for (qsizetype off = 0; off < bytes.size(); off += chunk)
        s.feed(bytes.constData() + off, static_cast<std::size_t>(std::min(chunk, bytes.size() - off)));
    return s.result();
}

QByteArray le32(uint32_t v)
{
    QByteArray b(4, '\0');
    for (int i = 0; i < 4; ++i)
        b[i] = static_cast<char>(v >> (8 * i));
    return b;
}

QByteArray be32(uint32_t v)
{
    QByteArray b = le32(v);
    std::reverse(b.begin(), b.end());
    return b;
}

/// A classic pcap file: magic, version 2.4, snaplen 65535, Ethernet; records of `caplens` bytes.
QByteArray pcapFile(bool bigEndian, bool nano, const QList<uint32_t> &caplens, uint32_t firstSec = 1700000000)
{
    const auto w32 = bigEndian ? be32 : le32;
    const auto w16 = [&](uint16_t v) {
        QByteArray b(2, '\0');
        b[bigEndian ? 1 : 0] = static_cast<char>(v & 0xff);
        b[bigEndian ? 0 : 1] = static_cast<char>(v >> 8);
        return b;
    };
    QByteArray f
        = w32(nano ? 0xa1b23c4d : 0xa1b2c3d4) + w16(2) + w16(4) + w32(0) + w32(0) + w32(65535) + w32(1);
    uint32_t i = 0;
    for (uint32_t len : caplens) {
        f += w32(firstSec + i) + w32(nano ? 123456789u + i : 654321u + i) + w32(len) + w32(len);
        f += QByteArray(static_cast<qsizetype>(len), static_cast<char>('a' + i % 26));
        ++i;
    }
    return f;
}

int g_vouched = 0; // corpus files the scanner vouched for (and that were compared with libpcap)

void compareWithLibpcap(const QString &path, const QByteArray &bytes, bool mustVouch)
{
    if (scan(bytes, bytes.size() + 1))
        ++g_vouched;
    const auto ref = lbs::pcap::readPcapTimes(path.toStdString());
    for (qsizetype chunk : {qsizetype(1), qsizetype(7), qsizetype(16), qsizetype(4093), bytes.size() + 1}) {
        const auto got = scan(bytes, std::max<qsizetype>(chunk, 1));
        if (mustVouch)
            QVERIFY2(got.has_value(), qPrintable(QStringLiteral("chunk %1: not vouched for").arg(chunk)));
        if (!got)
            continue;
        QVERIFY2(static_cast<bool>(ref),
            qPrintable(path + QStringLiteral(": scanner vouched, libpcap cannot read it")));
        QCOMPARE(got->packets, ref->packets);
        QCOMPARE(got->firstTs, ref->firstTs);
        QCOMPARE(got->lastTs, ref->lastTs);
        QCOMPARE(got->truncated, ref->truncated);
    }
}

} // namespace

class TestPcapTimes : public QObject {
    Q_OBJECT

private slots:
    void generated_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<bool>("vouched");
        QTest::addColumn<qulonglong>("packets");
        const QList<uint32_t> lens {60, 1514, 0, 54, 9000, 262144};
        QTest::newRow("le micro") << pcapFile(false, false, lens) << true << qulonglong(6);
        QTest::newRow("le nano") << pcapFile(false, true, lens) << true << qulonglong(6);
        QTest::newRow("be micro") << pcapFile(true, false, lens) << true << qulonglong(6);
        QTest::newRow("be nano") << pcapFile(true, true, lens) << true << qulonglong(6);
        QTest::newRow("no packets") << pcapFile(false, false, {}) << true << qulonglong(0);
        QByteArray cut = pcapFile(false, false, {100, 100});
        QTest::newRow("cut in a packet") << cut.left(cut.size() - 10) << false << qulonglong(0);
        QTest::newRow("cut in a record header") << cut.left(24 + 16 + 100 + 5) << false << qulonglong(0);
        QTest::newRow("cut in the file header") << cut.left(10) << false << qulonglong(0);
        QTest::newRow("caplen beyond libpcap's maximum")
            << pcapFile(false, false, {60, 262145}) << false << qulonglong(0);
        QByteArray v23 = pcapFile(false, false, {60});
        v23[6] = 3; // version 2.3: libpcap swaps caplen and len
        QTest::newRow("version 2.3") << v23 << false << qulonglong(0);
        QByteArray ng = pcapFile(false, false, {60});
        ng.replace(0, 4, le32(0x0a0d0d0a));
        QTest::newRow("pcapng magic") << ng << false << qulonglong(0);
        QTest::newRow("text") << QByteArray("hello, this is not a capture file at all\n") << false
                              << qulonglong(0);
    }

    void generated()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(bool, vouched);
        QFETCH(qulonglong, packets);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("f.pcap"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(bytes);
        f.close();
        if (vouched) {
            const auto got = scan(bytes, 5);
            QVERIFY(got.has_value());
            QCOMPARE(got->packets, static_cast<uint64_t>(packets));
        } else {
            for (qsizetype chunk : {qsizetype(1), qsizetype(13), bytes.size() + 1})
                QVERIFY(!scan(bytes, chunk).has_value());
        }
        compareWithLibpcap(path, bytes, vouched);
    }

    void nanosecondTimesKept()
    {
        const auto got = scan(pcapFile(false, true, {60, 60}), 3);
        QVERIFY(got.has_value());
        QCOMPARE(got->firstTs, 1700000000.0 + 123456789 * 1e-9);
        QCOMPARE(got->lastTs, 1700000001.0 + 123456790 * 1e-9);
    }

    void corpus_data()
    {
        QTest::addColumn<QString>("path");
        const QDir dir(QStringLiteral(LBSCOPE_CORPUS_DIR "/tcpdump-tests"));
        const auto files = dir.entryList(QDir::Files, QDir::Name);
        if (files.isEmpty()) // one row that skips and says what is missing (an empty table aborts)
            QTest::newRow("corpus-missing") << QString();
        for (const QString &name : files)
            QTest::newRow(qPrintable(name)) << dir.filePath(name);
    }

    void corpus()
    {
        QFETCH(QString, path);
        if (path.isEmpty())
            QSKIP("the shared capture corpus " LBSCOPE_CORPUS_DIR "/tcpdump-tests is missing: the real-file "
                  "comparison with libpcap needs it (the generated files above were compared)");
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        compareWithLibpcap(path, f.readAll(), false);
    }

    void corpusWasCompared()
    {
        // The corpus rows above are the real-file oracle; an empty or all-refused table would pass silently.
        if (!QDir(QStringLiteral(LBSCOPE_CORPUS_DIR "/tcpdump-tests")).exists())
            QSKIP("the shared capture corpus " LBSCOPE_CORPUS_DIR "/tcpdump-tests is missing");
        QVERIFY2(
            QDir(QStringLiteral(LBSCOPE_CORPUS_DIR "/tcpdump-tests")).entryList(QDir::Files).size() > 100,
            "the capture corpus (../shared/corpus/tcpdump-tests) is missing");
        qInfo("%d files vouched for and compared with libpcap", g_vouched);
        QVERIFY(g_vouched > 300);
    }
};

QTEST_GUILESS_MAIN(TestPcapTimes)
#include "tst_pcaptimes.moc"
