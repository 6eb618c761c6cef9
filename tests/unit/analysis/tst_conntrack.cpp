// Conntrack labels: the record's lines (conntrack -E with and without `extended`, /proc snapshots,
// junk) parse or are skipped; a one-side capture's connections get their backend pod from the record
// by tuple and time (window, snapshot look-back, no DNAT), with backend_by in the JSON. The snapshot
// reader the capture runs on the node is tested with core/capture (tests/unit/capture).
#include "analysistestutil.h"

#include "core/analysis/backends.h"
#include "core/analysis/conntrackevents.h"
#include "core/analysis/conntracklabels.h"
#include "core/analysis/jsonreport.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

using namespace lbs::testing;
using namespace lbs::analysis;

namespace {

const char *const kVip = "203.0.113.10";
const char *const kClient = "203.0.113.100";

QByteArray ctEvent(double ts, uint16_t cport, const char *pod, const char *tag = "[NEW]")
{
    return QStringLiteral("[%1]\t    %2 tcp      6 120 SYN_SENT src=%3 dst=%4 sport=%5 dport=80 [UNREPLIED] "
                          "src=%6 dst=198.51.100.11 sport=8080 dport=%5\n")
        .arg(QString::number(ts, 'f', 6), QLatin1String(tag), QLatin1String(kClient), QLatin1String(kVip))
        .arg(cport)
        .arg(QLatin1String(pod))
        .toLatin1();
}

QByteArray snapshot(double ts, uint16_t cport, const char *pod)
{
    return QStringLiteral("[%1] ipv4     2 tcp      6 117 ESTABLISHED src=%2 dst=%3 sport=%4 dport=80 "
                          "src=%5 dst=198.51.100.11 sport=8080 dport=%4 [ASSURED] mark=0 zone=0 use=2\n")
        .arg(QString::number(ts, 'f', 9), QLatin1String(kClient), QLatin1String(kVip))
        .arg(cport)
        .arg(QLatin1String(pod))
        .toLatin1();
}

double secondsAt(double t)
{
    return static_cast<double>(T(t)) / 1e9;
}

} // namespace

class TestConntrack : public QObject {
    Q_OBJECT
private slots:
    void parseLine_data();
    void parseLine();
    void oneSideCapture_data();
    void oneSideCapture();
};

void TestConntrack::parseLine_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<int>("proto");
    QTest::addColumn<QString>("orig"); // "src -> dst"
    QTest::addColumn<QString>("reply");
    QTest::addColumn<qint64>("tsNs");
    QTest::addColumn<bool>("snapshot");
    const QString o = QStringLiteral("203.0.113.100:37812 -> 203.0.113.10:80");
    const QString r = QStringLiteral("192.0.2.130:8080 -> 198.51.100.11:37812");
    const QByteArray tail = "src=203.0.113.100 dst=203.0.113.10 sport=37812 dport=80 [UNREPLIED] "
                            "src=192.0.2.130 dst=198.51.100.11 sport=8080 dport=37812";
    QTest::newRow("events") << "[1796603428.868413]\t    [NEW] tcp      6 120 SYN_SENT " + tail << true << 6
                            << o << r << 1796603428868413000LL << false;
    QTest::newRow("events, extended")
        << "[1796603428.868413]\t    [NEW] ipv4     2 tcp      6 120 SYN_SENT " + tail << true << 6 << o << r
        << 1796603428868413000LL << false;
    QTest::newRow("update event") << "[1796603428.5]\t [UPDATE] tcp      6 60 SYN_RECV " + tail << true << 6
                                  << o << r << 1796603428500000000LL << false;
    QTest::newRow("snapshot") << "[1796603428.123456789] ipv4     2 tcp      6 117 TIME_WAIT " + tail
            + " [ASSURED] mark=0 zone=0 use=2"
                              << true << 6 << o << r << 1796603428123456789LL << true;
    QTest::newRow("whole seconds, CR") << "[1796603428] ipv4 2 tcp 6 1 CLOSE " + tail + "\r" << true << 6 << o
                                       << r << 1796603428000000000LL << true;
    QTest::newRow("more than nanoseconds")
        << "[1.1234567891] tcp 6 1 CLOSE " + tail << true << 6 << o << r << 1123456789LL << true;
    QTest::newRow("udp") << QByteArray("[5.5]\t    [NEW] udp      17 30 src=10.0.0.1 dst=10.0.0.2 sport=53 "
                                       "dport=53 [UNREPLIED] src=10.0.0.3 dst=10.0.0.1 sport=53 dport=53")
                         << true << 17 << QStringLiteral("10.0.0.1:53 -> 10.0.0.2:53")
                         << QStringLiteral("10.0.0.3:53 -> 10.0.0.1:53") << 5500000000LL << false;
    QTest::newRow("ipv6 as /proc prints it")
        << QByteArray("[1.0] ipv6 10 tcp 6 60 SYN_RECV src=2001:0db8:0000:0000:0000:0000:0000:0064 "
                      "dst=2001:0db8:0000:0000:0000:0000:0000:000a sport=1 dport=80 "
                      "src=2001:0db8:0000:0000:0000:0000:0000:0002 dst=2001:db8::64 sport=8080 dport=1")
        << true << 6 << QStringLiteral("[2001:db8::64]:1 -> [2001:db8::a]:80")
        << QStringLiteral("[2001:db8::2]:8080 -> [2001:db8::64]:1") << 1000000000LL << true;
    // Junk and near misses: skipped, never a crash.
    QTest::newRow("destroy") << "[1.0]\t[DESTROY] tcp      6 " + tail << false << 0 << QString() << QString()
                             << 0LL << false;
    QTest::newRow("no timestamp") << "    [NEW] tcp      6 120 SYN_SENT " + tail << false << 0 << QString()
                                  << QString() << 0LL << false;
    QTest::newRow("empty") << QByteArray() << false << 0 << QString() << QString() << 0LL << false;
    QTest::newRow("bracket only") << QByteArray("[") << false << 0 << QString() << QString() << 0LL << false;
    QTest::newRow("empty brackets") << QByteArray("[] tcp") << false << 0 << QString() << QString() << 0LL
                                    << false;
    QTest::newRow("negative time") << "[-1.0] tcp 6 " + tail << false << 0 << QString() << QString() << 0LL
                                   << false;
    QTest::newRow("time overflows") << "[99999999999999999999.0] tcp 6 " + tail << false << 0 << QString()
                                    << QString() << 0LL << false;
    QTest::newRow("dot, no fraction")
        << "[12.] tcp 6 " + tail << false << 0 << QString() << QString() << 0LL << false;
    QTest::newRow("letters in the fraction")
        << "[12.3x] tcp 6 " + tail << false << 0 << QString() << QString() << 0LL << false;
    QTest::newRow("cut after the original tuple")
        << QByteArray("[1.0] tcp 6 120 SYN_SENT src=203.0.113.100 dst=203.0.113.10 sport=37812 dport=80 "
                      "[UNREPLIED] src=192.0.2.130")
        << false << 0 << QString() << QString() << 0LL << false;
    QTest::newRow("port out of range")
        << QByteArray("[1.0] tcp 6 src=1.1.1.1 dst=2.2.2.2 sport=1 dport=70000 "
                      "src=3.3.3.3 dst=1.1.1.1 sport=2 dport=1")
        << false << 0 << QString() << QString() << 0LL << false;
    QTest::newRow("hostname for an address") << QByteArray(
        "[1.0] tcp 6 src=evil dst=2.2.2.2 sport=1 dport=2 src=3.3.3.3 dst=1.1.1.1 sport=2 dport=1")
                                             << false << 0 << QString() << QString() << 0LL << false;
    static const char nul[]
        = "[1.0] tcp 6 src=1.1.1.1\0x dst=2.2.2.2 sport=1 dport=2 src=3.3.3.3 dst=1.1.1.1 "
          "sport=2 dport=1";
    QTest::newRow("NUL inside an address")
        << QByteArray(nul, sizeof nul - 1) << false << 0 << QString() << QString() << 0LL << false;
    QTest::newRow("icmp") << QByteArray(
        "[1.0] icmp 1 29 src=1.1.1.1 dst=2.2.2.2 type=8 code=0 id=1 src=2.2.2.2 "
        "dst=1.1.1.1 type=0 code=0 id=1")
                          << false << 0 << QString() << QString() << 0LL << false;
    QTest::newRow("three tuples") << "[1.0] tcp 6 " + tail + " src=9.9.9.9" << false << 0 << QString()
                                  << QString() << 0LL << false;
    static const char binary[] = "\xff\xfe[\x01]\x80 src= dst= sport= dport=";
    QTest::newRow("binary") << QByteArray(binary, sizeof binary - 1) << false << 0 << QString() << QString()
                            << 0LL << false;
}

void TestConntrack::parseLine()
{
    QFETCH(QByteArray, line);
    QFETCH(bool, ok);
    QFETCH(int, proto);
    QFETCH(QString, orig);
    QFETCH(QString, reply);
    QFETCH(qint64, tsNs);
    QFETCH(bool, snapshot);
    ConntrackEvent e;
    QCOMPARE(parseConntrackLine(std::string_view(line.constData(), size_t(line.size())), e), ok);
    const ConntrackLog log = parseConntrackLog(std::string_view(line.constData(), size_t(line.size())));
    QCOMPARE(log.events.size() + log.skipped, log.lines);
    QCOMPARE(log.events.size(), size_t(ok ? 1 : 0));
    if (!ok)
        return;
    QCOMPARE(int(e.proto), proto);
    QCOMPARE(QString::fromStdString(e.origSrc.toString() + " -> " + e.origDst.toString()), orig);
    QCOMPARE(QString::fromStdString(e.replySrc.toString() + " -> " + e.replyDst.toString()), reply);
    QCOMPARE(qint64(e.tsNs), tsNs);
    QCOMPARE(e.snapshot, snapshot);
}

void TestConntrack::oneSideCapture_data()
{
    // Three connections to the VIP (client ports 40001..40003 at t = 0, 1, 2 s); the first two have
    // their NEW events. The row gives the third connection's lines and what it is labelled with.
    QTest::addColumn<QByteArray>("third");
    QTest::addColumn<QString>("method");
    QTest::addColumn<QString>("backend"); // empty: none
    QTest::addColumn<QString>("backendBy"); // JSON; empty: null
    const QString pod3 = QStringLiteral("192.0.2.130:8080");
    QTest::newRow("event just after the SYN")
        << ctEvent(secondsAt(2.0003), 40003, "192.0.2.130") << "conntrack-events" << pod3 << "conntrack";
    QTest::newRow("nearest of two") << ctEvent(secondsAt(1.2), 40003, "192.0.2.2")
            + ctEvent(secondsAt(2.001), 40003, "192.0.2.130") + ctEvent(secondsAt(9.5), 40003, "192.0.2.66")
                                    << "conntrack-events" << pod3 << "conntrack";
    QTest::newRow("retried SYN, event 7 s later")
        << ctEvent(secondsAt(9.0), 40003, "192.0.2.130") << "conntrack-events" << pod3 << "conntrack";
    QTest::newRow("too late") << ctEvent(secondsAt(10.5), 40003, "192.0.2.130") << "conntrack-events"
                              << QString() << QString();
    QTest::newRow("earlier event, entry reused")
        << ctEvent(secondsAt(0.5), 40003, "192.0.2.130") << "conntrack-events" << pod3 << "conntrack";
    QTest::newRow("event too old") << ctEvent(secondsAt(-700), 40003, "192.0.2.130") << "conntrack-events"
                                   << QString() << QString();
    QTest::newRow("other client port")
        << ctEvent(secondsAt(2.0003), 40004, "192.0.2.130") << "conntrack-events" << QString() << QString();
    QTest::newRow("no DNAT") << ctEvent(secondsAt(2.0003), 40003, kVip) << "conntrack-events" << QString()
                             << QString();
    QTest::newRow("destroy only") << ctEvent(secondsAt(2.0003), 40003, "192.0.2.130", "[DESTROY]")
                                  << "conntrack-events" << QString() << QString();
    QTest::newRow("snapshot a second later")
        << snapshot(secondsAt(2.9), 40003, "192.0.2.130") << "nf_conntrack-snapshots" << pod3 << "conntrack";
    QTest::newRow("snapshot still in the table from before")
        << snapshot(secondsAt(-60), 40003, "192.0.2.130") << "nf_conntrack-snapshots" << pod3 << "conntrack";
    QTest::newRow("snapshot too old") << snapshot(secondsAt(-700), 40003, "192.0.2.130")
                                      << "nf_conntrack-snapshots" << QString() << QString();
    QTest::newRow("junk") << QByteArray("[2.0] garbage\n\xff\xff\n") << "conntrack-events" << QString()
                          << QString();
}

void TestConntrack::oneSideCapture()
{
    QFETCH(QByteArray, third);
    QFETCH(QString, method);
    QFETCH(QString, backend);
    QFETCH(QString, backendBy);
    std::vector<Frame> frames;
    for (int i = 0; i < 3; ++i) {
        TcpScript c(frames, kClient, uint16_t(40001 + i), kVip, 80, 1000 + 77 * uint32_t(i), 9000);
        c.handshake(T(i), 300'000, 50'000);
        c.c(T(i + 0.01), PSH | ACK, "GET / HTTP/1.1\r\nHost: web\r\n\r\n");
        c.s(T(i + 0.02), PSH | ACK, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        c.c(T(i + 0.03), FIN | ACK);
        c.s(T(i + 0.04), FIN | ACK);
        c.c(T(i + 0.05), ACK);
    }
    std::sort(frames.begin(), frames.end(), [](const Frame &a, const Frame &b) { return a.tsNs < b.tsNs; });
    QTemporaryDir dir;
    const std::string d = dir.path().toStdString();
    writePcap(d + "/t.pcap0", 1, frames);
    const QByteArray record = ctEvent(secondsAt(0.0002), 40001, "192.0.2.2")
        + snapshot(secondsAt(0.5), 40002, "192.0.2.66").replace("[", "[x") // junk: skipped
        + ctEvent(secondsAt(1.0004), 40002, "192.0.2.66") + third;
    writeFile(d + "/t.pcap.conntrack.txt", record.toStdString());
    writeFile(d + "/manifest.json",
        R"({"vip": "203.0.113.10", "interface": "eth1", "endpoints": [
             {"pod": "web-1", "namespace": "default", "node": "lab-node-1", "ip": "192.0.2.2", "port": 8080},
             {"pod": "web-2", "namespace": "default", "node": "lab-node-2", "ip": "192.0.2.66", "port": 8080},
             {"pod": "web-3", "namespace": "default", "node": "lab-node-3", "ip": "192.0.2.130", "port": 8080}],
           "conntrack": {"method": ")"
            + method.toStdString() + R"(", "name": "../t.pcap.conntrack.txt"}})");
    auto a = analyzeFiles({d}, {});
    QVERIFY2(a.ok(), a ? "" : a.error().toString().c_str());
    QCOMPARE(a->flows.size(), size_t(3));
    QCOMPARE(QString::fromStdString(a->conntrackMethod), method);
    QCOMPARE(a->conntrackLabels.size(), size_t(backend.isEmpty() ? 2 : 3));
    QCOMPARE(
        QString::fromStdString(backendServer(*a, a->flows[0]).toString()), QStringLiteral("192.0.2.2:8080"));
    QCOMPARE(
        QString::fromStdString(backendServer(*a, a->flows[1]).toString()), QStringLiteral("192.0.2.66:8080"));
    QCOMPARE(QString::fromStdString(backendServer(*a, a->flows[2]).toString()),
        backend.isEmpty() ? QStringLiteral("203.0.113.10:80") : backend);

    const QJsonObject report
        = QJsonDocument::fromJson(QByteArray::fromStdString(toJsonReport(*a, false))).object();
    const QJsonArray flows = report.value(QStringLiteral("flows")).toArray();
    QCOMPARE(flows[0].toObject().value(QStringLiteral("backend_by")).toString(), QStringLiteral("conntrack"));
    QCOMPARE(
        flows[0].toObject().value(QStringLiteral("backend")).toString(), QStringLiteral("192.0.2.2:8080"));
    const QJsonObject f3 = flows[2].toObject();
    QCOMPARE(f3.value(QStringLiteral("backend_by")).isNull(), backendBy.isEmpty());
    QCOMPARE(f3.value(QStringLiteral("backend_by")).toString(), backendBy);
    QCOMPARE(f3.value(QStringLiteral("backend")).toString(), backend);
    const QJsonObject summary = report.value(QStringLiteral("summary")).toObject();
    QCOMPARE(QString(summary.value(QStringLiteral("conntrack_method")).toString()), method);
    const QJsonObject by = summary.value(QStringLiteral("backend_by")).toObject();
    QCOMPARE(by.value(QStringLiteral("conntrack")).toInt(), backend.isEmpty() ? 2 : 3);
    QCOMPARE(by.value(QStringLiteral("unknown")).toInt(), backend.isEmpty() ? 1 : 0);
    QCOMPARE(by.value(QStringLiteral("nat-leg")).toInt(), 0);
    QCOMPARE(report.value(QStringLiteral("manifest"))
                 .toObject()
                 .value(QStringLiteral("conntrack"))
                 .toObject()
                 .value(QStringLiteral("method"))
                 .toString(),
        method);
    // Per pod: one connection and one request each; the VIP is never a backend.
    QMap<QString, int> connections;
    for (const QJsonValue &v : report.value(QStringLiteral("backends")).toArray()) {
        const QJsonObject b = v.toObject();
        QVERIFY(b.value(QStringLiteral("ip")).toString() != QLatin1String(kVip));
        QCOMPARE(b.value(QStringLiteral("requests")).toInt(), b.value(QStringLiteral("connections")).toInt());
        connections[b.value(QStringLiteral("pod")).toString()]
            = b.value(QStringLiteral("connections")).toInt();
    }
    QCOMPARE(connections.value(QStringLiteral("web-1")), 1);
    QCOMPARE(connections.value(QStringLiteral("web-2")), 1);
    QCOMPARE(connections.value(QStringLiteral("web-3")), backend.isEmpty() ? 0 : 1);
    // The junk line is said, not silently dropped.
    bool warned = false;
    for (const std::string &w : a->warnings)
        warned = warned || w.find("not conntrack entries") != std::string::npos;
    QVERIFY(warned);
}

QTEST_GUILESS_MAIN(TestConntrack)
#include "tst_conntrack.moc"
