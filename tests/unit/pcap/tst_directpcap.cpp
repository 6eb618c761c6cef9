// core/pcap: classic pcap records read without libpcap (directpcap.h). A later major version than
// 2, which libpcap refuses, is read as 2.4; a record longer than the file's snapshot length is read
// whole. PacketReader delivers every packet as written (bytes, times, lengths), stops at a cut
// record with the file marked truncated, and PacketReader::readAt gives each packet again.
#include "core/pcap/captureset.h"
#include "core/pcap/packetreader.h"
#include "testframes.h"

#include <QTemporaryDir>
#include <QTest>

#include <cstdio>
#include <fstream>
#include <iterator>

using namespace lbs::pcap;
using namespace lbs::testing;

namespace {

std::string readAll(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// Frames of 60, 100 and 200 bytes with distinct contents.
std::vector<Frame> frames()
{
    std::vector<Frame> out;
    int n = 0;
    for (const size_t len : {60u, 100u, 200u}) {
        Frame f;
        f.tsNs = T(1.0 + n) + 123456000;
        f.data.resize(len);
        for (size_t i = 0; i < len; ++i)
            f.data[i] = uint8_t(i * 7 + static_cast<size_t>(n));
        out.push_back(f);
        ++n;
    }
    return out;
}

} // namespace

class TestDirectPcap : public QObject {
    Q_OBJECT
private slots:
    void readsAsWritten_data()
    {
        QTest::addColumn<int>("versionMajor");
        QTest::addColumn<uint>("snaplen");
        QTest::addColumn<bool>("nano");
        QTest::addColumn<int>("cut"); // bytes cut off the end
        QTest::addColumn<bool>("withoutLibpcap");
        QTest::addColumn<int>("longRecords");
        QTest::addColumn<int>("packets");
        QTest::newRow("2.4, snaplen 96: the 100 and 200 byte records whole")
            << 2 << 96u << true << 0 << false << 2 << 3;
        QTest::newRow("2.4, snaplen 96, µs") << 2 << 96u << false << 0 << false << 2 << 3;
        QTest::newRow("2.4, snaplen 150, last record cut") << 2 << 150u << true << 50 << false << 0 << 2;
        QTest::newRow("3.0") << 3 << 262144u << true << 0 << true << 0 << 3;
        QTest::newRow("3.0, µs") << 3 << 262144u << false << 0 << true << 0 << 3;
        QTest::newRow("3.0, last record cut") << 3 << 262144u << true << 50 << true << 0 << 2;
        QTest::newRow("3.0, last record header cut") << 3 << 262144u << true << 210 << true << 0 << 2;
    }

    void readsAsWritten()
    {
        QFETCH(int, versionMajor);
        QFETCH(uint, snaplen);
        QFETCH(bool, nano);
        QFETCH(int, cut);
        QFETCH(bool, withoutLibpcap);
        QFETCH(int, longRecords);
        QFETCH(int, packets);
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("f.pcap")).toStdString();
        const std::vector<Frame> written = frames();
        writePcap(path, 1, written, nano, 262144);
        std::string bytes = readAll(path);
        bytes[4] = char(versionMajor); // little-endian file (this host): version and snaplen fields
        bytes[16] = char(snaplen & 0xff);
        bytes[17] = char((snaplen >> 8) & 0xff);
        bytes[18] = char((snaplen >> 16) & 0xff);
        bytes[19] = char((snaplen >> 24) & 0xff);
        bytes.resize(bytes.size() - size_t(cut));
        writeFile(path, bytes);

        auto set = CaptureSet::open({path});
        QVERIFY2(set.ok(), set.ok() ? "" : set.error().toString().c_str());
        QCOMPARE(set->files[0].readWithoutLibpcap, withoutLibpcap);
        QVERIFY(set->files[0].hasPackets);
        QCOMPARE(set->files[0].firstTsNs, written[0].tsNs);
        PacketReader reader(*set);
        QVERIFY(reader.open().ok());
        RawPacket p;
        std::vector<RawPacket> seen;
        std::vector<std::vector<uint8_t>> data;
        while (reader.next(p)) {
            seen.push_back(p);
            data.emplace_back(p.data, p.data + p.capLen);
        }
        QCOMPARE(int(seen.size()), packets);
        for (size_t i = 0; i < seen.size(); ++i) {
            QCOMPARE(seen[i].tsNs, written[i].tsNs);
            QCOMPARE(seen[i].capLen, uint32_t(written[i].data.size()));
            QCOMPARE(seen[i].wireLen, uint32_t(written[i].data.size()));
            QVERIFY(data[i] == written[i].data);
            QCOMPARE(seen[i].linktype, 1);
            std::vector<uint8_t> buffer;
            const auto again = PacketReader::readAt(reader.files()[0], 0, seen[i].offset, buffer);
            QVERIFY2(again.ok(), again.ok() ? "" : again.error().toString().c_str());
            QCOMPARE(again->capLen, seen[i].capLen);
            QCOMPARE(again->tsNs, seen[i].tsNs);
            QVERIFY(std::vector<uint8_t>(again->data, again->data + again->capLen) == written[i].data);
        }
        QCOMPARE(reader.files()[0].truncated, cut > 0);
        QCOMPARE(reader.files()[0].readError.empty(), cut == 0);
        QCOMPARE(reader.files()[0].longRecords, uint64_t(longRecords));
    }
};

QTEST_GUILESS_MAIN(TestDirectPcap)
#include "tst_directpcap.moc"
