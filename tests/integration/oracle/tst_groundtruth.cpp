// Ground truth vs lbscope-cli analyze --json: generated captures with every fault kind, in each
// link type / format / precision, rotated and wrapped sets. Every intact flow of the truth must be
// found with the same endpoints, SYN count, handshake and ACK RTTs (1 us), outcome, resets,
// retransmissions, zero windows, packets and HTTP timings (1 us); the expected findings must
// be present and name the faulty flows.

#include "generator.h"
#include "oraclesupport.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace oracle;
using lbs::gen::FaultKind;

namespace {

QString s(const std::string &v)
{
    return QString::fromStdString(v);
}

/// "null" for a missing value, else the number: for messages.
QString show(const QJsonValue &v)
{
    return v.isDouble() ? QString::number(v.toDouble(), 'f', 3) : QStringLiteral("null");
}

/// Empty when @p engine (a JSON number or null) matches @p truth within 1 us; else a message.
QString compareUs(const char *field, const QJsonValue &engine, const std::optional<double> &truth)
{
    if (!truth)
        return engine.isNull() || engine.isUndefined()
            ? QString()
            : QStringLiteral("%1: engine %2, truth null").arg(QLatin1String(field), show(engine));
    if (!engine.isDouble() || std::fabs(engine.toDouble() - *truth) > 1.0)
        return QStringLiteral("%1: engine %2, truth %3")
            .arg(QLatin1String(field), show(engine))
            .arg(*truth, 0, 'f', 3);
    return {};
}

/// All differences between one engine flow and its truth.
QStringList compareFlow(const QJsonObject &e, const lbs::gen::FlowTruth &t)
{
    QStringList d;
    auto integer = [&](const char *field, long long truth) {
        const long long got = e.value(QLatin1String(field)).toInteger(-1);
        if (got != truth)
            d << QStringLiteral("%1: engine %2, truth %3").arg(QLatin1String(field)).arg(got).arg(truth);
    };
    integer("syn_count", t.synCount);
    integer("resets", t.resets);
    integer("retransmits", t.retransmits);
    integer("zero_windows", t.zeroWindows);
    integer("packets_c2s", static_cast<long long>(t.packetsC2s));
    integer("packets_s2c", static_cast<long long>(t.packetsS2c));
    integer("bytes_c2s", static_cast<long long>(t.bytesC2s));
    integer("bytes_s2c", static_cast<long long>(t.bytesS2c));
    // The tunnel path: null when not tunnelled, else kind, id and outer addresses, every packet.
    const QJsonValue tunnel = e.value(QStringLiteral("tunnel"));
    if (t.tunnel.empty() != tunnel.isNull())
        d << QStringLiteral("tunnel: engine %1, truth %2")
                 .arg(tunnel.isNull() ? QStringLiteral("null") : QStringLiteral("set"),
                     t.tunnel.empty() ? QStringLiteral("none") : s(t.tunnel));
    if (!t.tunnel.empty() && tunnel.isObject()) {
        const QJsonObject o = tunnel.toObject();
        const QString got = QStringLiteral("%1 %2 %3 -> %4")
                                .arg(o.value(QStringLiteral("type")).toString())
                                .arg(o.value(QStringLiteral("id")).toInteger())
                                .arg(o.value(QStringLiteral("outer_client")).toString(),
                                    o.value(QStringLiteral("outer_server")).toString());
        const QString want = QStringLiteral("%1 %2 %3 -> %4")
                                 .arg(s(t.tunnel))
                                 .arg(t.tunnelId)
                                 .arg(s(t.outerClient), s(t.outerServer));
        if (got != want)
            d << QStringLiteral("tunnel: engine %1, truth %2").arg(got, want);
        if (o.value(QStringLiteral("packets")).toInteger() != qint64(t.packetsC2s + t.packetsS2c))
            d << QStringLiteral("tunnel.packets: engine %1, truth %2")
                     .arg(o.value(QStringLiteral("packets")).toInteger())
                     .arg(t.packetsC2s + t.packetsS2c);
    }
    if (e.value(QStringLiteral("outcome")).toString() != s(t.outcome))
        d << QStringLiteral("outcome: engine %1, truth %2")
                 .arg(e.value(QStringLiteral("outcome")).toString(), s(t.outcome));
    for (const QString &m :
        {compareUs("handshake_rtt_us", e.value(QStringLiteral("handshake_rtt_us")), t.handshakeRttUs),
            compareUs("ack_rtt_us", e.value(QStringLiteral("ack_rtt_us")), t.ackRttUs)})
        if (!m.isEmpty())
            d << m;
    const QJsonArray reqs = e.value(QStringLiteral("requests")).toArray();
    if (reqs.size() != qsizetype(t.requests.size())) {
        d << QStringLiteral("requests: engine %1, truth %2").arg(reqs.size()).arg(t.requests.size());
        return d;
    }
    for (qsizetype i = 0; i < reqs.size(); ++i) {
        const QJsonObject r = reqs[i].toObject();
        const lbs::gen::RequestTruth &tr = t.requests[size_t(i)];
        const QString at = QStringLiteral("request %1 ").arg(i + 1);
        if (r.value(QStringLiteral("method")).toString() != s(tr.method)
            || r.value(QStringLiteral("path")).toString() != s(tr.path))
            d << at
                    + QStringLiteral("is %1 %2, truth %3 %4")
                          .arg(r.value(QStringLiteral("method")).toString(),
                              r.value(QStringLiteral("path")).toString(), s(tr.method), s(tr.path));
        const QJsonValue status = r.value(QStringLiteral("status"));
        if (tr.status ? status.toInt(-1) != *tr.status : !status.isNull())
            d << at
                    + QStringLiteral("status: engine %1, truth %2")
                          .arg(status.isNull() ? QStringLiteral("null") : QString::number(status.toInt()))
                          .arg(tr.status ? QString::number(*tr.status) : QStringLiteral("null"));
        for (const QString &m : {compareUs("ttfb_us", r.value(QStringLiteral("ttfb_us")), tr.ttfbUs),
                 compareUs("response_us", r.value(QStringLiteral("response_us")), tr.responseUs)})
            if (!m.isEmpty())
                d << at + m;
        if (std::fabs(r.value(QStringLiteral("ts")).toDouble() - tr.ts) > 2e-6)
            d << at
                    + QStringLiteral("ts: engine %1, truth %2")
                          .arg(r.value(QStringLiteral("ts")).toDouble(), 0, 'f', 6)
                          .arg(tr.ts, 0, 'f', 6);
    }
    return d;
}

} // namespace

class TestGroundTruth : public QObject {
    Q_OBJECT

private slots:
    void engineMatchesTruth_data()
    {
        QTest::addColumn<QString>("link");
        QTest::addColumn<QString>("format");
        QTest::addColumn<bool>("nano");
        QTest::addColumn<bool>("bothSides");
        QTest::addColumn<int>("rotateBytes");
        QTest::addColumn<int>("fileCount");
        QTest::addColumn<QString>("tunnel");
        QTest::addColumn<bool>("snat");
        const QString eth = QStringLiteral("ethernet"), sll2 = QStringLiteral("sll2");
        const QString pcap = QStringLiteral("pcap"), pcapng = QStringLiteral("pcapng");
        QTest::newRow("every fault, ethernet pcap us")
            << eth << pcap << false << false << 0 << 0 << QString() << false;
        QTest::newRow("every fault, sll2 both sides (-i any)")
            << sll2 << pcap << false << true << 0 << 0 << QString() << false;
        QTest::newRow("every fault, pcapng ns both sides")
            << eth << pcapng << true << true << 0 << 0 << QString() << false;
        QTest::newRow("every fault, pcap ns") << eth << pcap << true << false << 0 << 0 << QString() << false;
        QTest::newRow("every fault, sll2 pcapng us")
            << sll2 << pcapng << false << true << 0 << 0 << QString() << false;
        QTest::newRow("rotated set -C, no ring")
            << eth << pcap << false << true << 400000 << 0 << QString() << false;
        QTest::newRow("wrapped ring -W 4")
            << sll2 << pcap << false << true << 300000 << 4 << QString() << false;
        // Tunnelled captures: the same figures through every encapsulation lbscope decodes.
        for (const char *t : {"ipip", "ipip6", "gre", "gre-eth", "erspan2", "erspan3", "vxlan", "flannel",
                 "geneve", "vlan", "qinq"})
            QTest::newRow(qPrintable(QStringLiteral("tunnel %1, ethernet").arg(QLatin1String(t))))
                << eth << pcap << false << false << 0 << 0 << QString::fromLatin1(t) << false;
        QTest::newRow("every fault, sll2 both sides SNAT")
            << sll2 << pcap << false << true << 0 << 0 << QString() << true;
        QTest::newRow("tunnel vxlan, sll2 both sides")
            << sll2 << pcapng << true << true << 0 << 0 << QStringLiteral("vxlan") << false;
    }
    void engineMatchesTruth()
    {
        QFETCH(QString, link);
        QFETCH(QString, format);
        QFETCH(bool, nano);
        QFETCH(bool, bothSides);
        QFETCH(int, rotateBytes);
        QFETCH(int, fileCount);
        QFETCH(QString, tunnel);
        QFETCH(bool, snat);
        const QString cli = cliPath();
        if (cli.isEmpty())
            QFAIL(
                "lbscope-cli was not built (app/cli is missing): nothing to check against the ground truth");
        QTemporaryDir dir;
        lbs::gen::Options o = allFaultsOptions(dir.filePath(QStringLiteral("gt.pcap")), 20260115);
        o.link = link == QLatin1String("sll2") ? lbs::gen::LinkType::Sll2 : lbs::gen::LinkType::Ethernet;
        o.format
            = format == QLatin1String("pcap") ? lbs::gen::FileFormat::Pcap : lbs::gen::FileFormat::Pcapng;
        o.nanosecond = nano;
        o.bothSides = bothSides;
        o.snat = snat;
        o.rotateBytes = uint64_t(rotateBytes);
        o.fileCount = fileCount;
        if (!tunnel.isEmpty())
            o.tunnel = *lbs::gen::parseTunnelName(tunnel.toStdString());
        if (fileCount > 0) { // long enough to wrap, with the faults late enough to survive
            o.durationSec = 30;
            for (lbs::gen::FaultSpec &f : o.faults)
                f.atSec += 18;
            o.slow = {{27.0, 28.0, 300.0, -1}, {0.0, 1e18, 80.0, 1}}; // inside the surviving files
        }
        const auto truth = lbs::gen::generate(o);
        QVERIFY(truth.ok());
        QCOMPARE(truth->wrapped, fileCount > 0);

        QStringList inputs;
        for (const lbs::gen::FileTruth &f : truth->files)
            inputs << dir.filePath(s(f.name));
        std::reverse(inputs.begin(), inputs.end()); // name/argument order must not matter
        const QString json = dir.filePath(QStringLiteral("report.json"));
        const Run run = runBounded(cli,
            QStringList {QStringLiteral("analyze")} + inputs + QStringList {QStringLiteral("--json"), json},
            120);
        QVERIFY2(run.exitCode == 0,
            qPrintable(QStringLiteral("lbscope-cli analyze exit %1: %2")
                           .arg(run.exitCode)
                           .arg(QString::fromUtf8(run.err))));
        const QJsonObject report = readJsonFile(json);
        QCOMPARE(report.value(QStringLiteral("packets")).toInteger(), qint64(truth->packets));
        QCOMPARE(report.value(QStringLiteral("files")).toArray().size(), qsizetype(truth->files.size()));

        QHash<QString, QJsonObject> engine;
        for (const QJsonValue &v : report.value(QStringLiteral("flows")).toArray()) {
            const QJsonObject f = v.toObject();
            if (f.value(QStringLiteral("proto")).toString() == QLatin1String("tcp"))
                engine.insert(flowKey(f.value(QStringLiteral("client")).toString(),
                                  f.value(QStringLiteral("server")).toString()),
                    f);
        }
        int intact = 0;
        QStringList problems;
        QHash<QString, int> idOf; // truth flow key -> engine flow id
        for (const lbs::gen::FlowTruth &t : truth->flows) {
            if (!t.intact)
                continue;
            ++intact;
            const QString key = flowKey(s(t.client), s(t.server));
            if (!engine.contains(key)) {
                problems << key + QStringLiteral(": flow missing in the report");
                continue;
            }
            idOf.insert(key, engine[key].value(QStringLiteral("id")).toInt());
            for (const QString &p : compareFlow(engine[key], t))
                problems << key + QStringLiteral(" (") + s(t.side) + QStringLiteral("): ") + p;
        }
        if (fileCount == 0)
            QCOMPARE(engine.size(), qsizetype(truth->flows.size()));
        else
            QVERIFY(engine.size() >= intact);
        QVERIFY2(problems.isEmpty(),
            qPrintable(QStringLiteral("%1 of %2 flows differ:\n").arg(problems.size()).arg(intact)
                + problems.mid(0, 25).join(QLatin1Char('\n'))));

        // Findings: each fault kind yields a finding of the expected kind naming the faulty flow.
        const QJsonArray findings = report.value(QStringLiteral("findings")).toArray();
        auto finding = [&](const QString &kindPrefix, int flowId) {
            for (const QJsonValue &v : findings) {
                const QJsonObject f = v.toObject();
                if (!f.value(QStringLiteral("kind")).toString().startsWith(kindPrefix))
                    continue;
                if (flowId < 0)
                    return true;
                for (const QJsonValue &id : f.value(QStringLiteral("flows")).toArray())
                    if (id.toInt() == flowId)
                        return true;
            }
            return false;
        };
        const QHash<QString, QString> expectedKind {
            {QStringLiteral("syn-timeout"), QStringLiteral("failed_handshakes")},
            {QStringLiteral("icmp-unreachable"), QStringLiteral("icmp_port_unreachable")},
            {QStringLiteral("syn-rst"), QStringLiteral("handshake_refused")},
            {QStringLiteral("syn-loss"), QStringLiteral("syn_retransmitted")},
            {QStringLiteral("server-rst"), QStringLiteral("resets")},
            {QStringLiteral("zero-window"), QStringLiteral("zero_window")}};
        for (const lbs::gen::FaultTruth &f : truth->faults) {
            const QString kind = expectedKind.value(s(f.kind));
            if (kind.isEmpty())
                continue;
            const QString key = flowKey(s(f.client), s(truth->vip));
            if (!idOf.contains(key))
                continue; // overwritten by the ring
            QVERIFY2(finding(kind, idOf[key]),
                qPrintable(QStringLiteral("no '%1' finding naming flow %2 (%3, fault %4 at %5)")
                               .arg(kind)
                               .arg(idOf[key])
                               .arg(key, s(f.kind))
                               .arg(f.ts, 0, 'f', 6)));
        }
        QVERIFY2(
            finding(QStringLiteral("latency_spike"), -1), "no latency_spike finding for the +300 ms window");
        if (bothSides)
            QVERIFY2(finding(QStringLiteral("slow_backend"), -1),
                "no slow_backend finding for pod 192.0.2.12 (+80 ms)");
    }

    /// The sample capture's story must be told by the engine: failed handshakes, resets, a slow pod.
    void sampleFindings()
    {
        const QString cli = cliPath();
        if (cli.isEmpty())
            QFAIL("lbscope-cli was not built (app/cli is missing)");
        QTemporaryDir dir;
        const QString json = dir.filePath(QStringLiteral("sample.json"));
        const Run run = runBounded(cli,
            {QStringLiteral("analyze"), QStringLiteral(LBSCOPE_SAMPLE_PCAP), QStringLiteral("--json"), json},
            60);
        QCOMPARE(run.exitCode, 0);
        QStringList kinds;
        bool slowPodNamed = false; // pod 192.0.2.13 is 400 ms slower between 45 s and 65 s only
        for (const QJsonValue &v : readJsonFile(json).value(QStringLiteral("findings")).toArray()) {
            const QJsonObject f = v.toObject();
            kinds << f.value(QStringLiteral("kind")).toString();
            const QString summary = f.value(QStringLiteral("summary")).toString();
            slowPodNamed |= (kinds.last() == QLatin1String("slow_backend")
                                || kinds.last() == QLatin1String("latency_spike"))
                && summary.contains(QLatin1String("192.0.2.13:8080"));
        }
        QVERIFY2(slowPodNamed,
            "sample: no slow_backend or latency_spike finding names the slow pod 192.0.2.13:8080");
        // The sample has both sides of the NAT: its unanswered SYNs are located
        // (failed_handshakes_in_node), a kind of failed_handshakes.
        for (const char *k : {"failed_handshakes", "handshake_refused", "syn_retransmitted"})
            QVERIFY2(std::any_of(kinds.cbegin(), kinds.cend(),
                         [k](const QString &got) { return got.startsWith(QLatin1String(k)); }),
                qPrintable(QStringLiteral("sample: no '%1' finding; got %2")
                               .arg(QLatin1String(k), kinds.join(QLatin1Char(',')))));
        QVERIFY2(std::any_of(kinds.cbegin(), kinds.cend(),
                     [](const QString &k) { return k.startsWith(QLatin1String("resets")); }),
            "sample: no resets finding");
    }
};

QTEST_GUILESS_MAIN(TestGroundTruth)
#include "tst_groundtruth.moc"
