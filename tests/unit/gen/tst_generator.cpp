// Unit tests of lbscope_gen: determinism, checksums, tcpdump rotation naming and wrapping,
// SYN retry timing, and the bundled sample capture never drifting from its recorded command.

#include "capturewriter.h"
#include "framebuilder.h"
#include "generator.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <pcap/pcap.h>

#include <map>
#include <set>

using namespace lbs::gen;

namespace {

struct Frame {
    int64_t tsNs;
    QByteArray bytes;
};

struct ReadResult {
    int linktype = -1;
    std::vector<Frame> frames;
    QString error;
};

ReadResult readCapture(const QString &path)
{
    ReadResult r;
    char err[PCAP_ERRBUF_SIZE] = {};
    pcap_t *p = pcap_open_offline_with_tstamp_precision(
        path.toLocal8Bit().constData(), PCAP_TSTAMP_PRECISION_NANO, err);
    if (!p) {
        r.error = QString::fromLocal8Bit(err);
        return r;
    }
    r.linktype = pcap_datalink(p);
    pcap_pkthdr *h = nullptr;
    const u_char *data = nullptr;
    int rc;
    while ((rc = pcap_next_ex(p, &h, &data)) == 1)
        r.frames.push_back({int64_t(h->ts.tv_sec) * 1000000000 + h->ts.tv_usec,
            QByteArray(reinterpret_cast<const char *>(data), int(h->caplen))});
    if (rc == PCAP_ERROR)
        r.error = QString::fromLocal8Bit(pcap_geterr(p));
    pcap_close(p);
    return r;
}

uint16_t be16(const uint8_t *p)
{
    return uint16_t(p[0] << 8 | p[1]);
}

/// Verifies the IPv4 header checksum and the TCP/ICMP checksum of one frame; returns an error text.
QString checkFrame(int linktype, const QByteArray &frame)
{
    const auto *d = reinterpret_cast<const uint8_t *>(frame.constData());
    const int link = linktype == DLT_EN10MB ? 14 : 20;
    if (frame.size() < link + 20)
        return QStringLiteral("frame too short");
    const uint8_t *ip = d + link;
    if (checksumFinish(checksumAdd(ip, 20, 0)) != 0)
        return QStringLiteral("bad IPv4 header checksum");
    const int total = be16(ip + 2);
    if (link + total != frame.size())
        return QStringLiteral("IPv4 total length %1 does not match the frame").arg(total);
    const uint8_t *l4 = ip + 20;
    const auto l4len = size_t(total - 20);
    if (ip[9] == 1)
        return checksumFinish(checksumAdd(l4, l4len, 0)) == 0 ? QString()
                                                              : QStringLiteral("bad ICMP checksum");
    uint8_t pseudo[12] = {};
    memcpy(pseudo, ip + 12, 8);
    pseudo[9] = 6;
    pseudo[10] = uint8_t(l4len >> 8);
    pseudo[11] = uint8_t(l4len);
    if (checksumFinish(checksumAdd(l4, l4len, checksumAdd(pseudo, 12, 0))) != 0)
        return QStringLiteral("bad TCP checksum");
    return {};
}

QByteArray fileBytes(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

Options smallOptions(const QString &out)
{
    Options o;
    o.output = out.toStdString();
    o.durationSec = 8;
    o.connPerSec = 6;
    o.seed = 42;
    o.faults = {{FaultKind::SynTimeout, 1, 1.0}, {FaultKind::IcmpUnreachable, 1, 2.0},
        {FaultKind::FastRetransmit, 1, 3.0}, {FaultKind::ServerRst, 1, 4.0}, {FaultKind::ZeroWindow, 1, 5.0},
        {FaultKind::RtoRetransmit, 1, 6.0}, {FaultKind::SynRst, 1, 6.5}, {FaultKind::SynLoss, 1, 7.0}};
    return o;
}

} // namespace

class TestGenerator : public QObject {
    Q_OBJECT

private slots:
    void fileNames_data()
    {
        QTest::addColumn<int>("fileCount");
        QTest::addColumn<int>("count");
        QTest::addColumn<QString>("expected");
        QTest::newRow("no -W, first file has no suffix") << 0 << 0 << QStringLiteral("x.pcap");
        QTest::newRow("no -W, later files count from 1") << 0 << 2 << QStringLiteral("x.pcap2");
        QTest::newRow("-W 1 always the bare name") << 1 << 0 << QStringLiteral("x.pcap");
        QTest::newRow("-W 5 one digit") << 5 << 3 << QStringLiteral("x.pcap3");
        QTest::newRow("-W 10 one digit") << 10 << 9 << QStringLiteral("x.pcap9");
        QTest::newRow("-W 11 two digits") << 11 << 0 << QStringLiteral("x.pcap00");
        QTest::newRow("-W 100 two digits") << 100 << 7 << QStringLiteral("x.pcap07");
        QTest::newRow("-W 101 three digits") << 101 << 100 << QStringLiteral("x.pcap100");
    }
    void fileNames()
    {
        QFETCH(int, fileCount);
        QFETCH(int, count);
        QFETCH(QString, expected);
        QCOMPARE(QString::fromStdString(CaptureWriter::fileName("x.pcap", fileCount, count)), expected);
    }

    void deterministic()
    {
        QTemporaryDir a, b;
        QVERIFY(a.isValid() && b.isValid());
        Options oa = smallOptions(a.filePath(QStringLiteral("x.pcap")));
        Options ob = smallOptions(b.filePath(QStringLiteral("x.pcap")));
        const auto ta = generate(oa), tb = generate(ob);
        QVERIFY2(ta.ok(), ta.ok() ? "" : ta.error().toString().c_str());
        QVERIFY(tb.ok());
        const QByteArray ba = fileBytes(a.filePath(QStringLiteral("x.pcap")));
        QVERIFY(ba.size() > 10000);
        QCOMPARE(ba, fileBytes(b.filePath(QStringLiteral("x.pcap"))));
        QCOMPARE(toJson(ta.value()), toJson(tb.value()));
        ob.seed = 43;
        QVERIFY(generate(ob).ok());
        QVERIFY(ba != fileBytes(b.filePath(QStringLiteral("x.pcap"))));
    }

    void checksumsAndFormats_data()
    {
        QTest::addColumn<bool>("sll2");
        QTest::addColumn<bool>("pcapng");
        QTest::addColumn<bool>("nano");
        QTest::newRow("ethernet pcap us") << false << false << false;
        QTest::newRow("ethernet pcap ns") << false << false << true;
        QTest::newRow("sll2 pcap us") << true << false << false;
        QTest::newRow("ethernet pcapng us") << false << true << false;
        QTest::newRow("sll2 pcapng ns") << true << true << true;
    }
    void checksumsAndFormats()
    {
        QFETCH(bool, sll2);
        QFETCH(bool, pcapng);
        QFETCH(bool, nano);
        QTemporaryDir dir;
        Options o = smallOptions(dir.filePath(QStringLiteral("c.pcap")));
        o.bothSides = true;
        o.link = sll2 ? LinkType::Sll2 : LinkType::Ethernet;
        o.format = pcapng ? FileFormat::Pcapng : FileFormat::Pcap;
        o.nanosecond = nano;
        const auto truth = generate(o);
        QVERIFY(truth.ok());
        const ReadResult r = readCapture(dir.filePath(QStringLiteral("c.pcap")));
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QCOMPARE(r.linktype, sll2 ? DLT_LINUX_SLL2 : DLT_EN10MB);
        QCOMPARE(uint64_t(r.frames.size()), truth->packets);
        bool subMicro = false;
        int64_t last = 0;
        for (size_t i = 0; i < r.frames.size(); ++i) {
            const QString e = checkFrame(r.linktype, r.frames[i].bytes);
            QVERIFY2(e.isEmpty(), qPrintable(QStringLiteral("packet %1: %2").arg(i + 1).arg(e)));
            QVERIFY2(r.frames[i].tsNs >= last, "timestamps go backwards");
            last = r.frames[i].tsNs;
            subMicro |= r.frames[i].tsNs % 1000 != 0;
        }
        QCOMPARE(subMicro, nano);
        uint64_t flowPackets = 0;
        for (const FlowTruth &f : truth->flows)
            flowPackets += f.packetsC2s + f.packetsS2c + (f.icmpUnreachable ? 1 : 0);
        QCOMPARE(flowPackets, truth->packets);
    }

    void ringWraps()
    {
        QTemporaryDir dir;
        Options o = smallOptions(dir.filePath(QStringLiteral("r.pcap")));
        o.durationSec = 20;
        o.rotateBytes = 150000;
        o.fileCount = 3;
        const auto truth = generate(o);
        QVERIFY(truth.ok());
        QVERIFY(truth->wrapped);
        QVERIFY(truth->rotations >= 3);
        QCOMPARE(int(truth->files.size()), 3);
        QStringList names = QDir(dir.path()).entryList(QDir::Files, QDir::Name);
        QCOMPARE(names,
            QStringList({QStringLiteral("r.pcap0"), QStringLiteral("r.pcap1"), QStringLiteral("r.pcap2")}));
        uint64_t total = 0;
        double lastFirst = 0;
        for (const FileTruth &f : truth->files) {
            const QString path = dir.filePath(QString::fromStdString(f.name));
            const qint64 size = QFileInfo(path).size();
            QCOMPARE(uint64_t(size), f.bytes);
            QVERIFY2(
                uint64_t(size) <= o.rotateBytes + kMaxFrame + 16, "a file grew more than one packet past -C");
            const ReadResult r = readCapture(path);
            QVERIFY(r.error.isEmpty());
            QCOMPARE(uint64_t(r.frames.size()), f.packets);
            QVERIFY(f.firstTs > lastFirst);
            lastFirst = f.firstTs;
            total += f.packets;
        }
        QCOMPARE(total, truth->packets);
        QVERIFY(truth->packets < truth->packetsWritten);
        // The oldest surviving file is not r.pcap0 unless the ring wrapped an exact multiple of times.
        QVERIFY(truth->files.front().name != "r.pcap0" || truth->rotations % 3 == 2);
        int intact = 0, cut = 0;
        for (const FlowTruth &f : truth->flows)
            (f.intact ? intact : cut)++;
        QVERIFY(intact > 0);
        QVERIFY(cut > 0);
    }

    void rotationWithoutRing()
    {
        QTemporaryDir dir;
        Options o = smallOptions(dir.filePath(QStringLiteral("n.pcap")));
        o.rotateBytes = 200000;
        const auto truth = generate(o);
        QVERIFY(truth.ok());
        QVERIFY(!truth->wrapped);
        QVERIFY(truth->files.size() >= 2);
        QCOMPARE(QString::fromStdString(truth->files[0].name), QStringLiteral("n.pcap"));
        QCOMPARE(QString::fromStdString(truth->files[1].name), QStringLiteral("n.pcap1"));
        QCOMPARE(truth->packets, truth->packetsWritten);
    }

    void synRetryTiming()
    {
        QTemporaryDir dir;
        Options o = smallOptions(dir.filePath(QStringLiteral("s.pcap")));
        const auto truth = generate(o);
        QVERIFY(truth.ok());
        const FaultTruth *fault = nullptr;
        for (const FaultTruth &f : truth->faults)
            if (f.kind == "syn-timeout")
                fault = &f;
        QVERIFY(fault);
        const uint16_t port = uint16_t(std::stoi(fault->client.substr(fault->client.find(':') + 1)));
        const ReadResult r = readCapture(dir.filePath(QStringLiteral("s.pcap")));
        std::vector<int64_t> syns;
        for (const Frame &f : r.frames) {
            const auto *d = reinterpret_cast<const uint8_t *>(f.bytes.constData()) + 14;
            if (d[9] == 6 && be16(d + 20) == port && (d[33] & 0x12) == 0x02)
                syns.push_back(f.tsNs);
        }
        QCOMPARE(int(syns.size()), 5);
        const int64_t expected[] = {0, 1, 3, 7, 15};
        for (int i = 0; i < 5; ++i)
            QCOMPARE(syns[size_t(i)] - syns[0], expected[i] * 1000000000LL);
        for (const FlowTruth &f : truth->flows)
            if (f.client == fault->client) {
                QCOMPARE(f.synCount, 5);
                QCOMPARE(f.outcome, std::string("failed_handshake"));
                QVERIFY(!f.handshakeRttUs);
            }
    }

    /// Both sides: the pod-side copy's client is the client, or the node with --snat (one port per
    /// connection); an in-node drop leaves the public side alone, a silent pod gets the SYNs.
    void bothSidesCopies_data()
    {
        QTest::addColumn<bool>("snat");
        QTest::newRow("DNAT only") << false;
        QTest::newRow("SNAT") << true;
    }
    void bothSidesCopies()
    {
        QFETCH(bool, snat);
        QTemporaryDir dir;
        std::vector<std::string> args {"-w", dir.filePath(QStringLiteral("b.pcap")).toStdString(),
            "--both-sides", "--link", "sll2", "--duration", "6", "--in-node-drop", "2", "--fault",
            "pod-silent@3"};
        if (snat)
            args.push_back("--snat");
        Options o;
        std::string truthPath;
        QVERIFY(parseArguments(args, o, truthPath).ok());
        QCOMPARE(o.snat, snat);
        QCOMPARE(int(o.faults.size()), 2);
        const auto truth = generate(o);
        QVERIFY(truth.ok());
        QCOMPARE(truth->snat, snat);
        std::map<uint32_t, std::vector<const FlowTruth *>> sides;
        for (const FlowTruth &f : truth->flows)
            sides[f.connection].push_back(&f);
        std::set<std::string> podClients;
        for (const auto &[conn, fs] : sides) {
            if (fs.size() != 2)
                continue;
            const FlowTruth *pub = fs[0]->side == "public" ? fs[0] : fs[1];
            const FlowTruth *pod = pub == fs[0] ? fs[1] : fs[0];
            QCOMPARE(pod->side, std::string("pod"));
            if (snat)
                QVERIFY2(pod->client.rfind("10.0.0.2:", 0) == 0, pod->client.c_str());
            else
                QCOMPARE(pod->client, pub->client);
            QVERIFY(podClients.insert(pod->client).second);
            QVERIFY(pub->inNodeUs && *pub->inNodeUs >= 4 && *pub->inNodeUs <= 20);
            QCOMPARE(pod->inNodeUs, pub->inNodeUs);
        }
        int dropped = 0, silent = 0;
        for (const FaultTruth &f : truth->faults) {
            const uint32_t c = f.connection;
            QCOMPARE(sides[c][0]->synCount, 5);
            if (f.kind == "in-node-drop") {
                ++dropped;
                QCOMPARE(int(sides[c].size()), 1); // never reached the pod side
            } else if (f.kind == "pod-silent") {
                ++silent;
                QCOMPARE(int(sides[c].size()), 2);
                QCOMPARE(sides[c][1]->synCount, 5);
                QCOMPARE(sides[c][1]->outcome, std::string("failed_handshake"));
            }
        }
        QCOMPARE(dropped, 2);
        QCOMPARE(silent, 1);
    }

    void badArguments_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("no output") << QStringList {QStringLiteral("--seed"), QStringLiteral("1")};
        QTest::newRow("unknown fault") << QStringList {
            QStringLiteral("-w"), QStringLiteral("x"), QStringLiteral("--fault"), QStringLiteral("meteor")};
        QTest::newRow("bad number") << QStringList {
            QStringLiteral("-w"), QStringLiteral("x"), QStringLiteral("--rate"), QStringLiteral("fast")};
        QTest::newRow("unknown option")
            << QStringList {QStringLiteral("-w"), QStringLiteral("x"), QStringLiteral("--nope")};
        QTest::newRow("unknown tunnel") << QStringList {
            QStringLiteral("-w"), QStringLiteral("x"), QStringLiteral("--tunnel"), QStringLiteral("mpls")};
        QTest::newRow("VLAN tags on -i any")
            << QStringList {QStringLiteral("-w"), QStringLiteral("x"), QStringLiteral("--tunnel"),
                   QStringLiteral("qinq"), QStringLiteral("--link"), QStringLiteral("sll2")};
    }
    void badArguments()
    {
        QFETCH(QStringList, args);
        std::vector<std::string> a;
        for (const QString &s : args)
            a.push_back(s.toStdString());
        Options o;
        std::string truthPath;
        const lbs::Status st = parseArguments(a, o, truthPath);
        QVERIFY(!st.ok());
        QVERIFY(!st.error().message.empty());
    }

    /// The committed sample must be exactly what its recorded command line produces.
    void sampleIsReproducible()
    {
        const QString sampleDir = QStringLiteral(LBSCOPE_SAMPLE_DIR);
        QFile argsFile(sampleDir + QStringLiteral("/sample.args"));
        QVERIFY2(argsFile.open(QIODevice::ReadOnly), "resources/sample/sample.args is missing");
        QStringList args;
        for (const QByteArray &line : argsFile.readAll().split('\n'))
            if (!line.trimmed().isEmpty())
                args << QString::fromUtf8(line.trimmed());
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("sample.pcap"));
        const QString truth = dir.filePath(QStringLiteral("sample.truth.json"));
        QProcess gen;
        gen.start(QStringLiteral(LBSCOPE_GEN_EXE),
            QStringList {QStringLiteral("-w"), out, QStringLiteral("--truth"), truth} + args);
        QVERIFY(gen.waitForFinished(60000));
        QCOMPARE(gen.exitCode(), 0);
        const QByteArray committed = fileBytes(sampleDir + QStringLiteral("/sample.pcap"));
        QVERIFY2(!committed.isEmpty(), "resources/sample/sample.pcap is missing");
        QVERIFY2(committed.size() < 2 * 1000 * 1000, "the sample must stay under 2 MB");
        QVERIFY2(fileBytes(out) == committed,
            "sample.pcap drifted from its recorded command: regenerate it (resources/sample/README.md)");
        QVERIFY2(fileBytes(truth) == fileBytes(sampleDir + QStringLiteral("/sample.truth.json")),
            "sample.truth.json drifted: regenerate it (resources/sample/README.md)");
    }
};

QTEST_GUILESS_MAIN(TestGenerator)
#include "tst_generator.moc"
