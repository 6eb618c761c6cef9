// core/pcap: the block reader of classic pcap gives what libpcap gives. Hand-made files in both
// byte orders and both resolutions, with odd records (over the snapshot length, cut short, seconds
// past 2^31) are read by PacketReader (blocks, with libpcap taking over at odd records) and by a
// bare libpcap loop; every packet's time, lengths, bytes and offset and the file's error must agree.
// A file truncated (or truncated and rewritten, as a tcpdump ring does) by someone else while it is
// read ends the reading with a message, every packet before the cut intact; one that grows is read
// with what was appended. Every reader of classic pcap (the blocks, libpcap, the reader of files
// libpcap refuses, the packet re-reader and the manifest's time scanners) reads a record's seconds
// and fraction as the unsigned numbers the format defines.
#include "core/pcap/bufferedpcap.h"
#include "core/pcap/captureformat.h"
#include "core/pcap/captureset.h"
#include "core/pcap/packetreader.h"
#include "core/pcap/packetrereader.h"
#include "core/pcap/pcaptimes.h"

#include <pcap/pcap.h>

#include <QTemporaryDir>
#include <QTest>

#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace lbs::pcap;

namespace {

struct Rec {
    uint32_t sec;
    uint32_t frac;
    uint32_t capLen; ///< as written in the header
    uint32_t len;
    uint32_t bytesWritten; ///< data bytes actually written (< capLen: a cut file)
};

void put32(std::string &out, uint32_t v, bool big)
{
    for (int i = 0; i < 4; ++i)
        out.push_back(static_cast<char>(big ? v >> (24 - 8 * i) : v >> (8 * i)));
}

void put16(std::string &out, uint16_t v, bool big)
{
    out.push_back(static_cast<char>(big ? v >> 8 : v));
    out.push_back(static_cast<char>(big ? v : v >> 8));
}

std::string makeFile(bool big, bool nano, uint32_t snaplen, uint32_t linktype, const std::vector<Rec> &recs,
    size_t cutTail = 0)
{
    std::string s;
    put32(s, nano ? 0xa1b23c4d : 0xa1b2c3d4, big);
    put16(s, 2, big);
    put16(s, 4, big);
    put32(s, 0, big);
    put32(s, 0, big);
    put32(s, snaplen, big);
    put32(s, linktype, big);
    uint8_t fill = 1;
    for (const Rec &r : recs) {
        put32(s, r.sec, big);
        put32(s, r.frac, big);
        put32(s, r.capLen, big);
        put32(s, r.len, big);
        for (uint32_t i = 0; i < r.bytesWritten; ++i)
            s.push_back(static_cast<char>(fill++));
    }
    s.resize(s.size() - cutTail);
    return s;
}

/// A multi-MB little-endian µs Ethernet capture: record i is 1768471440 + i seconds, 60 to 1500
/// bytes of a pattern that depends on i (`salt` makes another file's bytes).
std::string makeBigFile(size_t records, uint8_t salt = 0, bool withHeader = true)
{
    std::string s;
    if (withHeader) {
        put32(s, 0xa1b2c3d4, false);
        put16(s, 2, false);
        put16(s, 4, false);
        put32(s, 0, false);
        put32(s, 0, false);
        put32(s, 65535, false);
        put32(s, 1, false);
    }
    for (size_t i = 0; i < records; ++i) {
        const uint32_t len = 60 + static_cast<uint32_t>((i * 977) % 1441);
        put32(s, 1768471440 + static_cast<uint32_t>(i), false);
        put32(s, static_cast<uint32_t>(i % 1000000), false);
        put32(s, len, false);
        put32(s, len, false);
        for (uint32_t b = 0; b < len; ++b)
            s.push_back(static_cast<char>((i * 31 + b + salt) & 0xff));
    }
    return s;
}

bool writeAll(const std::string &path, const std::string &bytes, const char *mode = "wb")
{
    std::FILE *f = std::fopen(path.c_str(), mode);
    if (!f)
        return false;
    const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
    return std::fclose(f) == 0 && ok;
}

/// Whether a packet is record `i` of makeBigFile's file.
bool isRecord(const RawPacket &p, size_t i)
{
    const uint32_t len = 60 + static_cast<uint32_t>((i * 977) % 1441);
    if (p.capLen != len
        || p.tsNs != (int64_t(1768471440) + int64_t(i)) * 1000000000 + int64_t(i % 1000000) * 1000)
        return false;
    for (uint32_t b = 0; b < len; ++b) {
        if (p.data[b] != static_cast<uint8_t>((i * 31 + b) & 0xff))
            return false;
    }
    return true;
}

/// A PacketReader opened on the capture at `path`; null (with the reason printed) if it cannot be.
std::unique_ptr<PacketReader> openReader(const std::string &path)
{
    auto set = CaptureSet::open({path});
    if (!set.ok()) {
        qWarning("%s", set.error().toString().c_str());
        return nullptr;
    }
    auto reader = std::make_unique<PacketReader>(*set);
    if (const auto opened = reader->open(); !opened.ok()) {
        qWarning("%s", opened.error().toString().c_str());
        return nullptr;
    }
    return reader;
}

struct Seen {
    int64_t tsNs;
    uint32_t capLen;
    uint32_t wireLen;
    QByteArray data;
    uint64_t offset;
};

} // namespace

class TestBufferedPcap : public QObject {
    Q_OBJECT
private slots:
    void sameAsLibpcap_data();
    void sameAsLibpcap();
    void timesAreUnsigned_data();
    void timesAreUnsigned();
    void plainFilesAreReadInBlocks_data();
    void plainFilesAreReadInBlocks();
    void fileShrinksWhileRead_data();
    void fileShrinksWhileRead();
    void fileGrowsWhileRead();

private:
    QTemporaryDir m_dir;
};

void TestBufferedPcap::sameAsLibpcap_data()
{
    QTest::addColumn<bool>("big");
    QTest::addColumn<bool>("nano");
    QTest::addColumn<uint>("snaplen");
    QTest::addColumn<uint>("linktype");
    // 0 plain, 1 caplen > snaplen, 2 cut data, 3 cut header, 4 caplen huge, 5 records as long as a
    // block and longer (the second straddles the first block's end)
    QTest::addColumn<int>("odd");
    const std::pair<const char *, std::pair<bool, bool>> orders[] = {{"le µs", {false, false}},
        {"le ns", {false, true}}, {"be µs", {true, false}}, {"be ns", {true, true}}};
    for (const auto &[name, o] : orders) {
        for (int odd = 0; odd <= 4; ++odd)
            QTest::addRow("%s odd %d", name, odd) << o.first << o.second << 96u << 1u << odd;
    }
    QTest::newRow("sll2 plain") << false << false << 262144u << 276u << 0;
    QTest::newRow("records longer than a block") << false << true << 262144u << 1u << 5;
    QTest::newRow("records longer than a block, be") << true << false << 262144u << 1u << 5;
    QTest::newRow("raw ip plain") << false << true << 65535u << 101u << 0;
    QTest::newRow("snaplen 0") << false << false << 0u << 1u << 1;
    QTest::newRow("unsupported link type") << false << false << 96u << 147u << 0;
}

void TestBufferedPcap::sameAsLibpcap()
{
    QFETCH(bool, big);
    QFETCH(bool, nano);
    QFETCH(uint, snaplen);
    QFETCH(uint, linktype);
    QFETCH(int, odd);
    std::vector<Rec> recs
        = {{1768471440, 5, 60, 60, 60}, {0x90000000u, nano ? 999999999u : 999999u, 80, 1500, 80},
            {0xffffffffu, 0xfffffff0u, 14, 10, 14}, {1768471441, 7, 0, 0, 0}};
    size_t cut = 0;
    if (odd == 1)
        recs.push_back({1768471442, 1, 200, 200, 200}); // longer than the snapshot length
    if (odd == 2) {
        recs.push_back({1768471442, 1, 70, 70, 70});
        cut = 30;
    }
    if (odd == 3)
        cut = 40 + 9; // leaves 7 bytes of the last record's header
    if (odd == 4)
        recs.push_back({1768471442, 1, 0x7fffffff, 70, 70});
    if (odd == 5) {
        static_assert(BufferedPcapFile::kBlockBytes == 262144);
        recs.push_back({1768471442, 1, 200000, 200000, 200000});
        recs.push_back({1768471442, 2, 262144, 262144, 262144});
        recs.push_back({1768471442, 3, 262000, 300000, 262000});
    }
    recs.push_back({1768471443, 2, 40, 40, 40});
    const std::string bytes = makeFile(big, nano, snaplen, linktype, recs, cut);
    const std::string path
        = m_dir.filePath(QStringLiteral("%1.pcap").arg(QString::fromUtf8(QTest::currentDataTag())))
              .toStdString();
    {
        std::FILE *f = std::fopen(path.c_str(), "wb");
        QVERIFY(f);
        std::fwrite(bytes.data(), 1, bytes.size(), f);
        std::fclose(f);
    }

    // libpcap alone.
    std::vector<Seen> expected;
    std::string expectedError;
    uint64_t offset = 24;
    {
        char err[PCAP_ERRBUF_SIZE] = {};
        pcap_t *p = pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_NANO, err);
        QVERIFY2(p, err);
        pcap_pkthdr *h = nullptr;
        const u_char *d = nullptr;
        int rc;
        while ((rc = pcap_next_ex(p, &h, &d)) == 1) {
            // libpcap's record, with its time as the format defines it (timesAreUnsigned).
            expected.push_back({libpcapRecordTimeNs(h->ts.tv_sec, h->ts.tv_usec, identifyCaptureFile(path)),
                h->caplen, std::max(h->len, h->caplen),
                QByteArray(reinterpret_cast<const char *>(d), static_cast<qsizetype>(h->caplen)), offset});
            offset = static_cast<uint64_t>(std::ftell(pcap_file(p)));
        }
        if (rc == PCAP_ERROR)
            expectedError = pcap_geterr(p);
        pcap_close(p);
    }
    // libpcap cuts a record longer than the snapshot length to it; PacketReader reads it whole, as
    // written (as Wireshark does): everything else is libpcap's. (Snapshot length 0 is libpcap's
    // largest.)
    const bool longRecord = odd == 1 && snaplen != 0 && snaplen < 200;
    if (longRecord) {
        QCOMPARE(expected.size(), size_t(6));
        Seen &whole = expected[4];
        whole.capLen = 200;
        whole.wireLen = 200;
        whole.data = QByteArray::fromStdString(bytes.substr(whole.offset + 16, 200));
    }

    const auto opened = openReader(path);
    QVERIFY(opened);
    PacketReader &reader = *opened;
    std::vector<Seen> got;
    RawPacket pk;
    while (reader.next(pk))
        got.push_back({pk.tsNs, pk.capLen, pk.wireLen,
            QByteArray(reinterpret_cast<const char *>(pk.data), static_cast<qsizetype>(pk.capLen)),
            pk.offset});
    QCOMPARE(got.size(), expected.size());
    QVERIFY(!expected.empty());
    for (size_t i = 0; i < got.size(); ++i) {
        QCOMPARE(got[i].tsNs, expected[i].tsNs);
        QCOMPARE(got[i].capLen, expected[i].capLen);
        QCOMPARE(got[i].wireLen, expected[i].wireLen);
        QCOMPARE(got[i].data, expected[i].data);
        QCOMPARE(got[i].offset, expected[i].offset);
    }
    QCOMPARE(reader.files()[0].truncated, !expectedError.empty());
    QCOMPARE(reader.files()[0].readError, expectedError);
    QCOMPARE(reader.files()[0].packets, uint64_t(expected.size()));
    QCOMPARE(reader.files()[0].longRecords, uint64_t(longRecord ? 1 : 0));

    // Plain files are read by the blocks alone, to the end (not handed to libpcap part way).
    if ((odd == 0 || odd == 5) && linktype == 1) {
        const int fd = ::open(path.c_str(), O_RDONLY);
        QVERIFY(fd >= 0);
        BufferedPcapFile blocks;
        QVERIFY(blocks.open(fd, static_cast<int>(linktype), snaplen));
        BufferedPcapFile::Record r;
        size_t n = 0;
        while (blocks.next(r)) {
            QVERIFY(n < expected.size());
            QCOMPARE(r.tsNs, expected[n].tsNs);
            QCOMPARE(r.capLen, expected[n].capLen);
            QCOMPARE(QByteArray(reinterpret_cast<const char *>(r.data), static_cast<qsizetype>(r.capLen)),
                expected[n].data);
            QCOMPARE(r.offset, expected[n].offset);
            ++n;
        }
        QCOMPARE(n, expected.size());
        QCOMPARE(blocks.offset(), uint64_t(bytes.size()));
        QVERIFY(!blocks.shrank());
        ::close(fd);
    }
}

void TestBufferedPcap::timesAreUnsigned_data()
{
    QTest::addColumn<bool>("big");
    QTest::addColumn<bool>("nano");
    QTest::addColumn<QString>("reader"); // who reads the records
    for (const char *reader : {"blocks", "libpcap", "without libpcap"}) {
        for (const bool big : {false, true}) {
            for (const bool nano : {false, true})
                QTest::addRow("%s %s %s", reader, big ? "be" : "le", nano ? "ns" : "µs")
                    << big << nano << QString::fromLatin1(reader);
        }
    }
}

void TestBufferedPcap::timesAreUnsigned()
{
    QFETCH(bool, big);
    QFETCH(bool, nano);
    QFETCH(QString, reader);
    // Snapshot length 0 is refused by the blocks (libpcap reads the file); version 3.0 is refused by
    // libpcap (read without it, as Wireshark does).
    const uint32_t snaplen = reader == QLatin1String("libpcap") ? 0 : 65535;
    const uint32_t frac = nano ? 999999999u : 999999u;
    std::string bytes = makeFile(big, nano, snaplen, 1,
        {{0x7fffffffu, 1, 60, 60, 60}, {0x80000000u, frac, 60, 60, 60}, {0xffffffffu, frac, 60, 60, 60}});
    if (reader == QLatin1String("without libpcap"))
        bytes.replace(4, 2, big ? std::string("\0\3", 2) : std::string("\3\0", 2));
    const std::string path
        = m_dir.filePath(QStringLiteral("t-%1.pcap").arg(QString::fromUtf8(QTest::currentDataTag())))
              .toStdString();
    QVERIFY(writeAll(path, bytes));
    const int64_t scale = nano ? 1 : 1000;
    const int64_t expected[] = {int64_t(0x7fffffff) * 1000000000 + scale,
        int64_t(0x80000000u) * 1000000000 + int64_t(frac) * scale,
        int64_t(0xffffffffu) * 1000000000 + int64_t(frac) * scale};
    QCOMPARE(classicRecordTimeNs(0xffffffffu, frac, nano), expected[2]);

    auto set = CaptureSet::open({path});
    QVERIFY2(set.ok(), set.ok() ? "" : set.error().toString().c_str());
    QCOMPARE(set->files[0].readWithoutLibpcap, reader == QLatin1String("without libpcap"));
    QCOMPARE(set->files[0].firstTsNs, expected[0]);
    PacketReader packets(*set);
    QVERIFY(packets.open().ok());
    std::vector<uint64_t> offsets;
    RawPacket pk;
    for (const int64_t want : expected) {
        QVERIFY(packets.next(pk));
        QCOMPARE(pk.tsNs, want);
        offsets.push_back(pk.offset);
    }
    QVERIFY(!packets.next(pk));
    QCOMPARE(packets.files()[0].lastTsNs, expected[2]);

    // The packet list's re-reader, from the last record back.
    PacketRereader again;
    again.reset(&packets.files());
    std::vector<uint8_t> buffer;
    for (size_t i = offsets.size(); i-- > 0;) {
        const auto p = again.readAt(0, offsets[i], buffer);
        QVERIFY2(p.ok(), p.ok() ? "" : p.error().toString().c_str());
        QCOMPARE(p->tsNs, expected[i]);
    }

    // The manifest's first and last times: libpcap's loop (not for a file libpcap refuses) and the
    // scanner that reads a file as it downloads.
    const double first = double(expected[0] / 1000000000) + double(expected[0] % 1000000000) * 1e-9;
    const double last = double(expected[2] / 1000000000) + double(expected[2] % 1000000000) * 1e-9;
    QVERIFY(last > 4294967295.0);
    if (reader != QLatin1String("without libpcap")) {
        const auto times = readPcapTimes(path);
        QVERIFY(times.ok());
        QCOMPARE(times->firstTs, first);
        QCOMPARE(times->lastTs, last);
        PcapTimesScanner scanner;
        scanner.feed(bytes.data(), bytes.size());
        QVERIFY(scanner.result().has_value());
        QCOMPARE(scanner.result()->firstTs, first);
        QCOMPARE(scanner.result()->lastTs, last);
    }
}

void TestBufferedPcap::plainFilesAreReadInBlocks_data()
{
    QTest::addColumn<uint>("magic");
    QTest::addColumn<uint>("linktype");
    QTest::addColumn<bool>("blocks");
    QTest::newRow("µs ethernet") << 0xa1b2c3d4u << 1u << true;
    QTest::newRow("ns sll2") << 0xa1b23c4du << 276u << true;
    QTest::newRow("Kuznetzov") << 0xa1b2cd34u << 1u << false;
    QTest::newRow("linux usb (swapped by libpcap)") << 0xa1b2c3d4u << 189u << false;
    QTest::newRow("nflog") << 0xa1b2c3d4u << 239u << false;
}

void TestBufferedPcap::plainFilesAreReadInBlocks()
{
    QFETCH(uint, magic);
    QFETCH(uint, linktype);
    QFETCH(bool, blocks);
    std::string s;
    put32(s, magic, false);
    put16(s, 2, false);
    put16(s, 4, false);
    put32(s, 0, false);
    put32(s, 0, false);
    put32(s, 65535, false);
    put32(s, linktype, false);
    const std::string path = m_dir.filePath(QStringLiteral("m%1.pcap").arg(linktype)).toStdString();
    std::FILE *f = std::fopen(path.c_str(), "wb");
    QVERIFY(f);
    std::fwrite(s.data(), 1, s.size(), f);
    std::fclose(f);
    const int fd = ::open(path.c_str(), O_RDONLY);
    QVERIFY(fd >= 0);
    BufferedPcapFile m;
    QCOMPARE(m.open(fd, static_cast<int>(linktype), 65535), blocks);
    BufferedPcapFile::Record r;
    QVERIFY(!m.next(r)); // no records: the end, where libpcap takes over
    QVERIFY(!m.shrank());
    ::close(fd);
}

void TestBufferedPcap::fileShrinksWhileRead_data()
{
    QTest::addColumn<QString>("how");
    QTest::addColumn<double>("after"); // fraction of the file read before the cut
    // page: cut at the page boundary before the next record; fraction: cut far behind the reader;
    // ahead: cut ahead of the reader (the packets up to the cut are still there); ring: truncated
    // to nothing and rewritten shorter with another capture, as tcpdump -C -W does. Records the
    // reader had read into its buffer before the cut are the file's bytes as they were: they are
    // returned, intact, and the reading stops at the next block.
    for (double after : {0.3, 0.55}) {
        for (const char *how : {"page", "fraction", "ahead", "ring"})
            QTest::addRow("%s after %.2f", how, after) << QString::fromLatin1(how) << after;
    }
}

void TestBufferedPcap::fileShrinksWhileRead()
{
    QFETCH(QString, how);
    QFETCH(double, after);
    const size_t records = 8000; // about 6 MB
    const std::string bytes = makeBigFile(records);
    const std::string path
        = m_dir.filePath(QStringLiteral("shrink-%1-%2.pcap").arg(how).arg(after)).toStdString();
    QVERIFY(writeAll(path, bytes));
    const auto opened = openReader(path);
    QVERIFY(opened);
    PacketReader &reader = *opened;

    // Read to `after` of the file, then to the middle of a block (where the reader checks the size
    // anyway): the block in the buffer goes on past the cut.
    RawPacket p;
    size_t n = 0;
    uint64_t next = 0;
    while (reader.next(p)) {
        QVERIFY2(isRecord(p, n), qPrintable(QStringLiteral("packet %1").arg(n)));
        ++n;
        next = p.offset + 16 + p.capLen;
        const uint64_t inBlock = (next - 24) % BufferedPcapFile::kBlockBytes;
        if (next > bytes.size() * after && inBlock > BufferedPcapFile::kBlockBytes / 4
            && inBlock < BufferedPcapFile::kBlockBytes * 3 / 4)
            break;
    }
    QVERIFY(next > 0 && next < bytes.size());
    const size_t readBeforeCut = n;
    uint64_t cut = 0;
    if (how == u"page")
        cut = next & ~uint64_t(4095);
    else if (how == u"fraction")
        cut = bytes.size() / 10;
    else if (how == u"ahead")
        cut = next + (bytes.size() - next) / 2;
    if (how == u"ring") {
        QVERIFY(::truncate(path.c_str(), 0) == 0);
        const std::string other = makeBigFile(records / 8, 77);
        QVERIFY(writeAll(path, other, "r+b"));
        cut = other.size();
        QVERIFY(cut < next);
    } else {
        QVERIFY(::truncate(path.c_str(), static_cast<off_t>(cut)) == 0);
    }

    while (reader.next(p)) {
        QVERIFY2(isRecord(p, n), qPrintable(QStringLiteral("packet %1 after the cut at %2").arg(n).arg(cut)));
        QVERIFY(p.offset + 16 + p.capLen <= std::max<uint64_t>(cut, next + BufferedPcapFile::kBlockBytes));
        ++n;
    }
    QVERIFY(n >= readBeforeCut);
    QVERIFY(n < records);
    const CaptureFileInfo &f = reader.files()[0];
    QVERIFY(f.truncated);
    QVERIFY(f.shrank);
    QVERIFY2(f.readError.find("the file shrank while being read") != std::string::npos, f.readError.c_str());
    QCOMPARE(f.packets, uint64_t(n));
}

void TestBufferedPcap::fileGrowsWhileRead()
{
    // tcpdump still writing: what was there when the reading started is read, and so is what
    // was appended before the reader got there.
    const size_t records = 4000;
    const std::string bytes = makeBigFile(records);
    const std::string path = m_dir.filePath(QStringLiteral("grow.pcap")).toStdString();
    QVERIFY(writeAll(path, bytes.substr(0, bytes.size() / 2 + 7))); // ends inside a record
    const auto opened = openReader(path);
    QVERIFY(opened);
    PacketReader &reader = *opened;
    RawPacket p;
    size_t n = 0;
    while (n < records / 8 && reader.next(p)) {
        QVERIFY(isRecord(p, n));
        ++n;
    }
    QVERIFY(writeAll(path, bytes.substr(bytes.size() / 2 + 7), "ab"));
    while (reader.next(p)) {
        QVERIFY2(isRecord(p, n), qPrintable(QStringLiteral("packet %1").arg(n)));
        ++n;
    }
    QCOMPARE(n, records);
    QVERIFY2(!reader.files()[0].truncated, reader.files()[0].readError.c_str());
    QVERIFY(!reader.files()[0].shrank);
}

QTEST_GUILESS_MAIN(TestBufferedPcap)
#include "tst_bufferedpcap.moc"
