// Ground truth vs lbscope-cli analyze --json on both-sides captures (tcpdump -i any on the VIP
// node), with and without SNAT: every connection whose two copies were written is one connection
// with a front and a back leg, its in-node delay is the generator's to the microsecond, the
// per-backend figures equal those computed from the pod-side truth (nearest rank, 1 µs), the VIP
// is no backend, and in-node drops, silent pods and lost SYNs are located.

#include "generator.h"
#include "oraclesupport.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

using namespace oracle;
using lbs::gen::FaultKind;

namespace {

QString s(const std::string &v)
{
    return QString::fromStdString(v);
}

/// Expected figures of one backend, from the pod-side flows of the truth.
struct Expected {
    int connections = 0, requests = 0, failed = 0, resets = 0, errors = 0;
    std::vector<double> handshake, ttfb, response;
};

double rank(std::vector<double> v, double q)
{
    std::sort(v.begin(), v.end());
    const double idx = std::ceil(q * double(v.size())) - 1;
    return v[size_t(std::clamp(idx, 0.0, double(v.size() - 1)))];
}

/// Differences between the engine's percentile object and the samples' nearest ranks (1 µs).
QStringList comparePercentiles(const QString &what, const QJsonObject &e, const std::vector<double> &v)
{
    QStringList d;
    if (e.value(QStringLiteral("samples")).toInt() != int(v.size()))
        d << QStringLiteral("%1 samples: engine %2, truth %3")
                 .arg(what)
                 .arg(e.value(QStringLiteral("samples")).toInt())
                 .arg(v.size());
    if (v.empty())
        return d;
    for (const auto &[key, q] : {std::pair {"p50", 0.50}, {"p95", 0.95}, {"p99", 0.99}}) {
        const double want = rank(v, q);
        const double got = e.value(QLatin1String(key)).toDouble(-1);
        if (std::fabs(got - want) > 1.0)
            d << QStringLiteral("%1 %2: engine %3, truth %4")
                     .arg(what, QLatin1String(key))
                     .arg(got)
                     .arg(want);
    }
    return d;
}

} // namespace

class TestGroundTruthLegs : public QObject {
    Q_OBJECT

private slots:
    void legsJoined_data()
    {
        QTest::addColumn<bool>("snat");
        QTest::addColumn<bool>("nano");
        QTest::addColumn<QString>("tunnel");
        QTest::newRow("DNAT only, sll2 pcap us") << false << false << QString();
        QTest::newRow("SNAT, sll2 pcap us") << true << false << QString();
        QTest::newRow("SNAT, sll2 pcapng ns") << true << true << QString();
        QTest::newRow("DNAT in VXLAN, sll2") << false << false << QStringLiteral("vxlan");
    }
    void legsJoined()
    {
        QFETCH(bool, snat);
        QFETCH(bool, nano);
        QFETCH(QString, tunnel);
        const QString cli = cliPath();
        if (cli.isEmpty())
            QFAIL("lbscope-cli was not built: nothing to check against the ground truth");
        QTemporaryDir dir;
        lbs::gen::Options o = allFaultsOptions(dir.filePath(QStringLiteral("gt.pcap")), 20261206);
        o.link = lbs::gen::LinkType::Sll2;
        o.format = nano ? lbs::gen::FileFormat::Pcapng : lbs::gen::FileFormat::Pcap;
        o.nanosecond = nano;
        o.bothSides = true;
        o.snat = snat;
        o.faults.push_back({FaultKind::ReplyLost, 1, 10.0});
        o.faults.push_back({FaultKind::InNodeDrop, 1, 10.5});
        o.faults.push_back({FaultKind::InNodeDrop, 1, 11.0});
        o.faults.push_back({FaultKind::PodSilent, 1, 11.5});
        o.faults.push_back({FaultKind::LateSynAck, 1, 9.5});
        std::stable_sort(o.faults.begin(), o.faults.end(),
            [](const lbs::gen::FaultSpec &a, const lbs::gen::FaultSpec &b) { return a.atSec < b.atSec; });
        if (!tunnel.isEmpty())
            o.tunnel = *lbs::gen::parseTunnelName(tunnel.toStdString());
        const auto truth = lbs::gen::generate(o);
        QVERIFY(truth.ok());
        QCOMPARE(truth->snat, snat);
        // The capture directory's manifest: the VIP, the node and the endpoint map.
        QString endpoints;
        for (size_t p = 0; p < truth->pods.size(); ++p) {
            const QString ep = s(truth->pods[p]);
            endpoints += QStringLiteral("%1{\"pod\": \"web-%2\", \"namespace\": \"default\", \"node\": "
                                        "\"lab-node-%3\", \"ip\": \"%4\", \"port\": %5}")
                             .arg(p ? QStringLiteral(", ") : QString())
                             .arg(p)
                             .arg(p + 2)
                             .arg(ep.section(QLatin1Char(':'), 0, 0), ep.section(QLatin1Char(':'), 1));
        }
        QFile manifest(dir.filePath(QStringLiteral("manifest.json")));
        QVERIFY(manifest.open(QIODevice::WriteOnly));
        manifest.write(QStringLiteral("{\"vip\": \"203.0.113.10\", \"node\": \"lab-node-1\", \"interfaces\": "
                                      "[{\"index\": 3, \"name\": \"eth1\"}], \"endpoints\": [%1]}")
                           .arg(endpoints)
                           .toUtf8());
        manifest.close();
        const QString json = dir.filePath(QStringLiteral("report.json"));
        const Run run = runBounded(cli,
            {QStringLiteral("analyze"), dir.filePath(s(truth->files.front().name)), QStringLiteral("--json"),
                json},
            120);
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QJsonObject report = readJsonFile(json);

        QHash<QString, QJsonObject> flows;
        for (const QJsonValue &v : report.value(QStringLiteral("flows")).toArray()) {
            const QJsonObject f = v.toObject();
            flows.insert(flowKey(f.value(QStringLiteral("client")).toString(),
                             f.value(QStringLiteral("server")).toString()),
                f);
        }
        QHash<int, QJsonObject> connections;
        for (const QJsonValue &v : report.value(QStringLiteral("connections")).toArray())
            connections.insert(v.toObject().value(QStringLiteral("id")).toInt(), v.toObject());

        // Legs: both copies of a connection joined, front = public side; one copy alone stays alone.
        std::map<uint32_t, std::vector<const lbs::gen::FlowTruth *>> byConn;
        for (const lbs::gen::FlowTruth &t : truth->flows)
            byConn[t.connection].push_back(&t);
        QStringList problems;
        int joined = 0, stale = 0;
        for (auto &[conn, sides] : byConn) {
            std::stable_sort(sides.begin(), sides.end(),
                [](const auto *a, const auto *b) { return a->side == "public" && b->side != "public"; });
            const QString pubKey = flowKey(s(sides[0]->client), s(sides[0]->server));
            const QJsonObject pub = flows.value(pubKey);
            const QJsonValue id = pub.value(QStringLiteral("connection"));
            if (sides[0]->outcome == "stale") { // a late SYN/ACK and the client's RST: no connection
                ++stale;
                for (const auto *side : sides) {
                    const QJsonObject f = flows.value(flowKey(s(side->client), s(side->server)));
                    if (!f.value(QStringLiteral("stale_syn_ack")).toBool()
                        || !f.value(QStringLiteral("connection")).isNull())
                        problems << flowKey(s(side->client), s(side->server))
                                + QStringLiteral(": not a stale SYN/ACK");
                }
                continue;
            }
            if (sides.size() == 1) {
                if (!id.isNull())
                    problems << pubKey + QStringLiteral(": one side only, but joined");
                continue;
            }
            ++joined;
            const QString podKey = flowKey(s(sides[1]->client), s(sides[1]->server));
            const QJsonObject pod = flows.value(podKey);
            if (id.isNull() || pod.value(QStringLiteral("connection")) != id
                || pub.value(QStringLiteral("leg")).toString() != QLatin1String("front")
                || pod.value(QStringLiteral("leg")).toString() != QLatin1String("back")) {
                problems << pubKey + QStringLiteral(" + ") + podKey + QStringLiteral(": legs not joined");
                continue;
            }
            const QJsonObject c = connections.value(id.toInt());
            if (c.value(QStringLiteral("snat")).toBool() != snat)
                problems << pubKey + QStringLiteral(": snat wrong");
            if (c.value(QStringLiteral("legs")).toArray().size() != 2)
                problems << pubKey + QStringLiteral(": not 2 legs");
            const QJsonObject delay = c.value(QStringLiteral("in_node_delay")).toObject();
            for (const char *dirName : {"c2s", "s2c"}) {
                const QJsonObject d = delay.value(QLatin1String(dirName)).toObject();
                if (d.value(QStringLiteral("samples")).toInt() == 0 && std::string_view(dirName) == "s2c"
                    && sides[0]->packetsS2c == 0) // nothing came out: no copy to time
                    continue;
                for (const char *k : {"median_us", "max_us"})
                    if (std::fabs(d.value(QLatin1String(k)).toDouble(-1) - sides[0]->inNodeUs.value_or(-9))
                        > 1e-3)
                        problems << pubKey
                                + QStringLiteral(": in-node %1 %2 engine %3, truth %4")
                                      .arg(QLatin1String(dirName), QLatin1String(k))
                                      .arg(d.value(QLatin1String(k)).toDouble(-1))
                                      .arg(sides[0]->inNodeUs.value_or(-9));
            }
        }
        QVERIFY2(problems.isEmpty(), qPrintable(problems.mid(0, 20).join(QLatin1Char('\n'))));
        QCOMPARE(int(connections.size()), joined);
        const QJsonObject summary = report.value(QStringLiteral("summary")).toObject();
        QCOMPARE(stale, 1);
        QCOMPARE(summary.value(QStringLiteral("tcp_connections")).toInt(), int(byConn.size()) - stale);

        // Backends: the pods, never the VIP, with the pod-side truth's figures.
        std::map<QString, Expected> expected;
        for (const std::string &p : truth->pods)
            expected[s(p)];
        // A backend's failed handshakes are its connections the client never completed: the pod
        // side is "incomplete" when the pod answered and its SYN/ACKs were lost (reply-lost).
        std::set<uint32_t> clientFailed;
        for (const lbs::gen::FlowTruth &t : truth->flows)
            if (t.side == "public" && t.outcome == "failed_handshake")
                clientFailed.insert(t.connection);
        int replyLostFailed = 0;
        for (const lbs::gen::FlowTruth &t : truth->flows) {
            if (t.side != "pod" || t.outcome == "stale")
                continue;
            Expected &e = expected[s(t.server)];
            ++e.connections;
            e.failed += t.outcome == "failed_handshake" || clientFailed.count(t.connection);
            replyLostFailed += t.outcome == "incomplete" && clientFailed.count(t.connection);
            e.resets += t.outcome == "reset";
            if (t.handshakeRttUs)
                e.handshake.push_back(*t.handshakeRttUs);
            for (const lbs::gen::RequestTruth &r : t.requests) {
                ++e.requests;
                e.errors += r.status && *r.status >= 500;
                if (r.ttfbUs)
                    e.ttfb.push_back(*r.ttfbUs);
                if (r.responseUs)
                    e.response.push_back(*r.responseUs);
            }
        }
        QCOMPARE(replyLostFailed, 1); // the reply-lost fault's connection, counted by its pod
        const QJsonArray backends = report.value(QStringLiteral("backends")).toArray();
        QCOMPARE(backends.size(), qsizetype(expected.size()));
        for (const QJsonValue &v : backends) {
            const QJsonObject b = v.toObject();
            const QString ep = b.value(QStringLiteral("endpoint")).toString();
            QVERIFY2(expected.count(ep), qPrintable(ep + QStringLiteral(" is no pod")));
            const Expected &e = expected[ep];
            auto count = [&](const char *k, int want) {
                if (b.value(QLatin1String(k)).toInt(-1) != want)
                    problems << QStringLiteral("%1 %2: engine %3, truth %4")
                                    .arg(ep, QLatin1String(k))
                                    .arg(b.value(QLatin1String(k)).toInt(-1))
                                    .arg(want);
            };
            count("connections", e.connections);
            count("requests", e.requests);
            count("failed_handshakes", e.failed);
            count("resets", e.resets);
            count("http_5xx", e.errors);
            problems << comparePercentiles(ep + QStringLiteral(" handshake"),
                b.value(QStringLiteral("handshake_rtt_us")).toObject(), e.handshake);
            problems << comparePercentiles(
                ep + QStringLiteral(" ttfb"), b.value(QStringLiteral("ttfb_us")).toObject(), e.ttfb);
            problems << comparePercentiles(ep + QStringLiteral(" response"),
                b.value(QStringLiteral("response_us")).toObject(), e.response);
            if (!b.value(QStringLiteral("pod")).toString().startsWith(QLatin1String("web-")))
                problems << ep + QStringLiteral(": no pod name");
        }
        QVERIFY2(problems.isEmpty(), qPrintable(problems.mid(0, 20).join(QLatin1Char('\n'))));

        // Located drops: each fault's finding names its public flow.
        const QJsonArray findings = report.value(QStringLiteral("findings")).toArray();
        auto names = [&](const QString &kind, int flowId, QString *summaryOut = nullptr) {
            for (const QJsonValue &v : findings) {
                const QJsonObject f = v.toObject();
                if (f.value(QStringLiteral("kind")).toString() != kind)
                    continue;
                for (const QJsonValue &idv : f.value(QStringLiteral("flows")).toArray())
                    if (idv.toInt() == flowId) {
                        if (summaryOut)
                            *summaryOut = f.value(QStringLiteral("summary")).toString();
                        return true;
                    }
            }
            return false;
        };
        const QHash<QString, QString> kindOf {
            {QStringLiteral("in-node-drop"), QStringLiteral("failed_handshakes_in_node")},
            {QStringLiteral("syn-timeout"), QStringLiteral("failed_handshakes_in_node")},
            {QStringLiteral("pod-silent"), QStringLiteral("failed_handshakes_pod_silent")},
            {QStringLiteral("reply-lost"), QStringLiteral("failed_handshakes_reply_lost")},
            {QStringLiteral("syn-loss"), QStringLiteral("dropped_in_node")}};
        int located = 0;
        for (const lbs::gen::FaultTruth &f : truth->faults) {
            const QString kind = kindOf.value(s(f.kind));
            if (kind.isEmpty())
                continue;
            const int id
                = flows.value(flowKey(s(f.client), s(truth->vip))).value(QStringLiteral("id")).toInt(-1);
            QString summaryText;
            QVERIFY2(names(kind, id, &summaryText),
                qPrintable(
                    QStringLiteral("no %1 finding naming flow %2 (%3)").arg(kind).arg(id).arg(s(f.kind))));
            if (f.kind == "pod-silent" || f.kind == "reply-lost")
                QVERIFY2(summaryText.contains(QLatin1String("pod default/web-")), qPrintable(summaryText));
            if (kind == QLatin1String("failed_handshakes_in_node"))
                QVERIFY2(summaryText.contains(QLatin1String("lab-node-1"))
                        && summaryText.contains(QLatin1String("eth1")),
                    qPrintable(summaryText));
            ++located;
        }
        QCOMPARE(located, 6);
        // Inside joined connections: the SYN lost by syn-loss, and the reply-lost pod's SYN/ACKs.
        QStringList drops;
        for (const QJsonValue &v : report.value(QStringLiteral("in_node_drops")).toArray())
            drops << v.toObject().value(QStringLiteral("direction")).toString() + QLatin1Char(' ')
                    + v.toObject().value(QStringLiteral("kind")).toString();
        QCOMPARE(drops.join(QLatin1Char(',')), QStringLiteral("c2s SYN,s2c SYN/ACK,s2c SYN/ACK,s2c SYN/ACK"));
        // The slow pod (index 1, +80 ms) is named.
        bool slowNamed = false;
        for (const QJsonValue &v : findings)
            slowNamed
                |= v.toObject().value(QStringLiteral("kind")).toString() == QLatin1String("slow_backend")
                && v.toObject()
                       .value(QStringLiteral("summary"))
                       .toString()
                       .contains(QLatin1String("pod default/web-1"));
        QVERIFY2(slowNamed, "no slow_backend finding naming pod default/web-1");
        QVERIFY2(!std::any_of(findings.begin(), findings.end(),
                     [](const QJsonValue &v) {
                         return v.toObject().value(QStringLiteral("kind")).toString()
                             == QLatin1String("failed_handshakes");
                     }),
            "a failed handshake was left unlocated");
    }
};

QTEST_GUILESS_MAIN(TestGroundTruthLegs)
#include "tst_groundtruthlegs.moc"
