// core/pcap capture format identification: the four classic pcap magics (byte order, timestamp
// resolution), pcapng's section header, and what is not a capture; also from a file on disk.
#include "core/pcap/captureformat.h"

#include <QByteArray>
#include <QTemporaryDir>
#include <QTest>

#include <fstream>

using namespace lbs::pcap;

Q_DECLARE_METATYPE(lbs::pcap::CaptureFormat)

class TestCaptureFormat : public QObject {
    Q_OBJECT
private slots:
    void identify_data();
    void identify();
    void fromFile_data();
    void fromFile();
};

void TestCaptureFormat::identify_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<CaptureFormat>("format");
    QTest::addColumn<bool>("nanosecond");
    QTest::addColumn<bool>("bigEndian");
    const auto hex = [](const char *h) { return QByteArray::fromHex(h); };
    // Full 24-byte file headers as tcpdump writes them on a little-endian host.
    QTest::newRow("pcap LE us") << hex("d4c3b2a102000400000000000000000000000400"
                                       "01000000")
                                << CaptureFormat::Pcap << false << false;
    QTest::newRow("pcap LE ns") << hex("4d3cb2a1020004000000000000000000ffff0000"
                                       "01000000")
                                << CaptureFormat::Pcap << true << false;
    QTest::newRow("pcap BE us") << hex("a1b2c3d400020004") << CaptureFormat::Pcap << false << true;
    QTest::newRow("pcap BE ns") << hex("a1b23c4d00020004") << CaptureFormat::Pcap << true << true;
    QTest::newRow("pcapng SHB LE") << hex("0a0d0d0a1c0000004d3c2b1a01000000") << CaptureFormat::PcapNg
                                   << false << false;
    QTest::newRow("pcapng SHB BE") << hex("0a0d0d0a0000001c1a2b3c4d00010000") << CaptureFormat::PcapNg
                                   << false << false;
    QTest::newRow("exactly four bytes") << hex("d4c3b2a1") << CaptureFormat::Pcap << false << false;
    QTest::newRow("three bytes of a magic") << hex("d4c3b2") << CaptureFormat::Unknown << false << false;
    QTest::newRow("empty") << QByteArray() << CaptureFormat::Unknown << false << false;
    QTest::newRow("http text") << QByteArray("GET / HTTP/1.1\r\n") << CaptureFormat::Unknown << false
                               << false;
    QTest::newRow("zeros") << QByteArray(24, '\0') << CaptureFormat::Unknown << false << false;
    // Kuznetzov's modified pcap (0xa1b2cd34) is not one of the four: libpcap decides about it.
    QTest::newRow("modified pcap magic") << hex("34cdb2a1") << CaptureFormat::Unknown << false << false;
    QTest::newRow("magic off by one byte") << hex("00d4c3b2a1") << CaptureFormat::Unknown << false << false;
    QTest::newRow("json") << QByteArray("{\"files\":[]}") << CaptureFormat::Unknown << false << false;
}

void TestCaptureFormat::identify()
{
    QFETCH(QByteArray, bytes);
    QFETCH(CaptureFormat, format);
    QFETCH(bool, nanosecond);
    QFETCH(bool, bigEndian);
    const CaptureHeader h = identifyCaptureHeader(
        reinterpret_cast<const unsigned char *>(bytes.constData()), size_t(bytes.size()));
    QCOMPARE(h.format, format);
    QCOMPARE(h.nanosecond, nanosecond);
    QCOMPARE(h.bigEndian, bigEndian);
    QCOMPARE(h.isCapture(), format != CaptureFormat::Unknown);
}

void TestCaptureFormat::fromFile_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<CaptureFormat>("format");
    QTest::newRow("pcap") << QByteArray::fromHex("d4c3b2a10200040000000000") << CaptureFormat::Pcap;
    QTest::newRow("pcapng") << QByteArray::fromHex("0a0d0d0a1c0000004d3c2b1a") << CaptureFormat::PcapNg;
    QTest::newRow("empty file") << QByteArray() << CaptureFormat::Unknown;
    QTest::newRow("short file") << QByteArray::fromHex("0a0d") << CaptureFormat::Unknown;
    QTest::newRow("text") << QByteArray("not a capture") << CaptureFormat::Unknown;
}

void TestCaptureFormat::fromFile()
{
    QFETCH(QByteArray, bytes);
    QFETCH(CaptureFormat, format);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath(QStringLiteral("x.cap")).toStdString();
    std::ofstream(path, std::ios::binary).write(bytes.constData(), bytes.size());
    QCOMPARE(identifyCaptureFile(path).format, format);
    QCOMPARE(identifyCaptureFile(path + ".missing").format, CaptureFormat::Unknown);
}

QTEST_GUILESS_MAIN(TestCaptureFormat)
#include "tst_captureformat.moc"
