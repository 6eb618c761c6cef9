// Seeing through the load balancer on the lab: `lbscope-cli capture --service default/web` captures both
// sides of the NAT by default (-i any, the VIP's port and each endpoint's), records the endpoints and
// interfaces in manifest.json, and `analyze` then joins the legs, counts each connection once and
// names the backend pods. Checked against the lab's own count of what it sent (`lab traffic --json`):
// per-pod requests equal, the VIP never a backend; `slow-pod` and `errors` name the right pod; a
// healthy lab gives none of those findings. The faults only both sides locate: `drop-after-dnat`
// (lost inside the VIP node, named with its VIP interface), `pod-silent` (forwarded, never answered:
// the pod named) and `reply-lost` (answered, the SYN/ACK never left the node: the pod named). With the
// lab's VXLAN `tunnel` between the nodes, legs to pods on other nodes leave the VIP node encapsulated:
// the filter takes that copy too, it joins the connection as a third leg whose path is the two
// nodes' private addresses, and every count stays as without the tunnel.
#include "labsupport.h"

#include <algorithm>

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace labsupport;

class TestLabBothSides : public QObject {
    Q_OBJECT

    Lab m_lab;
    QTemporaryDir m_tmp;
    const QString m_cli = QStringLiteral(LBSCOPE_CLI);

    /// The lab's endpoint pod on `node`.
    QString podOn(const QString &node) const
    {
        for (const QJsonValue &p : m_lab.status.value(QStringLiteral("pods")).toArray()) {
            const QJsonObject o = p.toObject();
            if (o.value(QStringLiteral("node")).toString() == node
                && o.value(QStringLiteral("name")).toString().startsWith(QLatin1String("web-")))
                return o.value(QStringLiteral("name")).toString();
        }
        return {};
    }

    /// A node's private address (eth0, the VXLAN underlay).
    QString privateIp(const QString &node) const
    {
        for (const QJsonValue &n : m_lab.status.value(QStringLiteral("nodes")).toArray())
            if (n.toObject().value(QStringLiteral("name")).toString() == node)
                return n.toObject().value(QStringLiteral("private_ip")).toString();
        return {};
    }

    /// Problems with the tunnelled legs: a connection to a pod on another node than the VIP's has a
    /// third leg, encapsulated in VXLAN from the VIP node to the pod's node; one to a local pod none.
    QStringList tunnelProblems(const QJsonObject &report) const
    {
        QHash<QString, QString> nodeOf; // backend ip:port -> node
        for (const QJsonValue &v : report.value(QStringLiteral("backends")).toArray())
            nodeOf.insert(v.toObject().value(QStringLiteral("endpoint")).toString(),
                v.toObject().value(QStringLiteral("node")).toString());
        QStringList problems;
        int tunnelled = 0;
        for (const QJsonValue &v : report.value(QStringLiteral("connections")).toArray()) {
            const QJsonObject c = v.toObject();
            const QString node = nodeOf.value(c.value(QStringLiteral("backend")).toString());
            const QJsonArray legs = c.value(QStringLiteral("legs")).toArray();
            QJsonObject tunnel;
            for (const QJsonValue &l : legs)
                if (l.toObject().value(QStringLiteral("tunnel")).isObject())
                    tunnel = l.toObject().value(QStringLiteral("tunnel")).toObject();
            const QString id = QString::number(c.value(QStringLiteral("id")).toInt());
            if (node == m_lab.node) {
                if (legs.size() != 2 || !tunnel.isEmpty())
                    problems << id + QStringLiteral(": a local pod's connection is not 2 plain legs");
                continue;
            }
            ++tunnelled;
            if (legs.size() != 3 || tunnel.value(QStringLiteral("type")).toString() != QLatin1String("vxlan")
                || tunnel.value(QStringLiteral("id")).toInt() != 4096
                || tunnel.value(QStringLiteral("outer_client")).toString() != privateIp(m_lab.node)
                || tunnel.value(QStringLiteral("outer_server")).toString() != privateIp(node))
                problems << id + QStringLiteral(" to ") + node + QStringLiteral(": ")
                        + QString::fromUtf8(QJsonDocument(legs).toJson(QJsonDocument::Compact));
        }
        if (tunnelled == 0)
            problems << QStringLiteral("no connection to a pod on another node");
        return problems;
    }

    /// The VIP holder's interface carrying the VIP.
    QString vipInterface() const
    {
        for (const QJsonValue &n : m_lab.status.value(QStringLiteral("nodes")).toArray())
            if (n.toObject().value(QStringLiteral("name")).toString() == m_lab.node)
                return n.toObject().value(QStringLiteral("vip_interface")).toString();
        return {};
    }

private slots:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_lab.load(error), qPrintable(error));
        if (!m_lab.kubeAvailable())
            QSKIP("the lab runs without kubesim (no kubeconfig): a service capture cannot be located");
        QVERIFY(!podOn(QStringLiteral("lab-node-3")).isEmpty());
        QVERIFY(!vipInterface().isEmpty());
    }

    void serviceCapture_data()
    {
        QTest::addColumn<QStringList>("fault"); // POD stands for the pod on lab-node-3
        QTest::addColumn<QStringList>("traffic"); // more `lab traffic` options
        // One of these kinds must be found, its summary naming every `names` (POD, NODE: the VIP
        // holder, IFACE: its VIP interface); empty: healthy. Other in-node kinds are never found.
        QTest::addColumn<QStringList>("findingKinds");
        QTest::addColumn<QStringList>("names");
        // Connections that never completed: the client's connect timed out; back legs: they reached
        // the pod, so its backend counts them.
        QTest::addColumn<bool>("failedHaveBackLegs");
        QTest::addColumn<bool>("tunnel"); // `lab fault tunnel` first: VXLAN between the nodes
        const QStringList pod {QStringLiteral("POD")};
        const QStringList shortTimeout {QStringLiteral("--timeout"), QStringLiteral("2.5"),
            QStringLiteral("--keepalive"), QStringLiteral("2")};
        QTest::newRow("healthy") << QStringList() << QStringList() << QStringList() << QStringList() << false
                                 << false;
        QTest::newRow("slow-pod") << QStringList {QStringLiteral("slow-pod"), QStringLiteral("POD"),
            QStringLiteral("300")} << QStringList()
                                  << QStringList {QStringLiteral("slow_backend")} << pod << false << false;
        QTest::newRow("errors") << QStringList {QStringLiteral("errors"), QStringLiteral("POD"),
            QStringLiteral("0.5")}
                                << QStringList() << QStringList {QStringLiteral("http_server_errors")} << pod
                                << false << false;
        // The tunnel rows come before the rows whose pod goes on retransmitting SYN/ACKs for ~30 s
        // (reply-lost): switching the tunnel on or off re-routes those late SYN/ACKs half-way.
        QTest::newRow("tunnel") << QStringList() << QStringList() << QStringList() << QStringList() << false
                                << true;
        QTest::newRow("tunnel, slow-pod")
            << QStringList {QStringLiteral("slow-pod"), QStringLiteral("POD"), QStringLiteral("300")}
            << QStringList() << QStringList {QStringLiteral("slow_backend")} << pod << false << true;
        QTest::newRow("tunnel, reply-lost")
            << QStringList {QStringLiteral("reply-lost"), QStringLiteral("POD")} << shortTimeout
            << QStringList {QStringLiteral("failed_handshakes_reply_lost")}
            << QStringList {QStringLiteral("POD"), QStringLiteral("NODE")} << true << true;
        // A SYN dropped after DNAT leaves no conntrack entry: its retransmission is balanced afresh,
        // so an attempt fails (in node) or succeeds late (dropped in node).
        QTest::newRow("drop-after-dnat")
            << QStringList {QStringLiteral("drop-after-dnat"), QStringLiteral("POD")} << shortTimeout
            << QStringList {QStringLiteral("failed_handshakes_in_node"), QStringLiteral("dropped_in_node")}
            << QStringList {QStringLiteral("NODE"), QStringLiteral("IFACE")} << false << false;
        QTest::newRow("pod-silent") << QStringList {QStringLiteral("pod-silent"), QStringLiteral("POD")}
                                    << shortTimeout
                                    << QStringList {QStringLiteral("failed_handshakes_pod_silent")} << pod
                                    << true << false;
        QTest::newRow("reply-lost") << QStringList {QStringLiteral("reply-lost"), QStringLiteral("POD")}
                                    << shortTimeout
                                    << QStringList {QStringLiteral("failed_handshakes_reply_lost")}
                                    << QStringList {QStringLiteral("POD"), QStringLiteral("NODE")} << true
                                    << false;
    }

    void serviceCapture()
    {
        QFETCH(QStringList, fault);
        QFETCH(QStringList, traffic);
        QFETCH(QStringList, findingKinds);
        QFETCH(QStringList, names);
        QFETCH(bool, failedHaveBackLegs);
        QFETCH(bool, tunnel);
        const QString pod = podOn(QStringLiteral("lab-node-3"));
        names.replaceInStrings(QStringLiteral("POD"), pod);
        names.replaceInStrings(QStringLiteral("NODE"), QStringLiteral("node ") + m_lab.node);
        names.replaceInStrings(QStringLiteral("IFACE"), vipInterface());
        ClearFaults clear;
        if (tunnel) {
            const Run t = lab({QStringLiteral("fault"), QStringLiteral("tunnel")});
            QVERIFY2(t.code == 0, t.err.constData());
        }
        if (!fault.isEmpty()) {
            fault.replaceInStrings(QStringLiteral("POD"), pod);
            const Run f = lab(QStringList {QStringLiteral("fault")} + fault);
            QVERIFY2(f.code == 0, f.err.constData());
        }
        const QString out = m_tmp.path() + QLatin1Char('/') + QString::fromLatin1(QTest::currentDataTag());
        QProcess capture;
        capture.start(m_cli,
            QStringList {QStringLiteral("capture"), QStringLiteral("--service"),
                QStringLiteral("default/web"), QStringLiteral("--duration"), QStringLiteral("12s"),
                QStringLiteral("--events"), QStringLiteral("jsonl"), QStringLiteral("--out"), out}
                + m_lab.kubeArgs());
        QVERIFY(capture.waitForStarted());
        // Traffic once tcpdump runs, ending well before the capture does.
        QByteArray events;
        QVERIFY2(waitForCapturing(capture, events), events.constData());
        const Run load
            = lab(QStringList {QStringLiteral("traffic"), QStringLiteral("--rate"), QStringLiteral("15"),
                      QStringLiteral("--duration"), QStringLiteral("4"), QStringLiteral("--json")}
                + traffic);
        QVERIFY2(load.code == 0, load.err.constData());
        QVERIFY(capture.waitForFinished(120000));
        QVERIFY2(capture.exitCode() == 0, capture.readAllStandardError().constData());
        const QJsonObject sent = load.json();
        const int timedOut
            = sent.value(QStringLiteral("outcomes")).toObject().value(QStringLiteral("timeout")).toInt();

        // The plan saw both sides and the manifest names the endpoints and interfaces.
        const QJsonObject manifest = readJson(out + QStringLiteral("/manifest.json"));
        QCOMPARE(manifest.value(QStringLiteral("interface")).toString(), QStringLiteral("any"));
        QVERIFY(manifest.value(QStringLiteral("filter")).toString().contains(m_lab.vip));
        QCOMPARE(manifest.value(QStringLiteral("endpoints")).toArray().size(), 3);
        QVERIFY(!manifest.value(QStringLiteral("interfaces")).toArray().isEmpty());
        QVERIFY(manifest.value(QStringLiteral("filter")).toString().contains(QLatin1String("port 4789")));

        const Run analyze = run(
            m_cli, {QStringLiteral("analyze"), out, QStringLiteral("--json"), QStringLiteral("-")}, 120000);
        QVERIFY2(analyze.code == 0, analyze.err.constData());
        const QJsonObject report = analyze.json();
        QMap<QString, int> requestsByPod;
        QMap<QString, int> connectionsByPod; // connections the client completed, by the pod that answered
        int connections = 0;
        for (const QJsonValue &v : report.value(QStringLiteral("backends")).toArray()) {
            const QJsonObject b = v.toObject();
            QVERIFY2(b.value(QStringLiteral("ip")).toString() != m_lab.vip, "the VIP counted as a backend");
            QVERIFY2(
                !b.value(QStringLiteral("pod")).toString().isEmpty(), QJsonDocument(b).toJson().constData());
            if (b.value(QStringLiteral("requests")).toInt() > 0)
                requestsByPod[b.value(QStringLiteral("pod")).toString()]
                    += b.value(QStringLiteral("requests")).toInt();
            connections += b.value(QStringLiteral("connections")).toInt();
            const int completed = b.value(QStringLiteral("connections")).toInt()
                - b.value(QStringLiteral("failed_handshakes")).toInt();
            if (completed > 0)
                connectionsByPod[b.value(QStringLiteral("pod")).toString()] += completed;
        }
        QMap<QString, int> sentByPod;
        const QJsonObject pods = sent.value(QStringLiteral("pods")).toObject();
        for (auto it = pods.begin(); it != pods.end(); ++it)
            sentByPod[it.key()] = it.value().toInt();
        QCOMPARE(requestsByPod, sentByPod);
        QMap<QString, int> sentConnectionsByPod;
        const QJsonObject podConnections = sent.value(QStringLiteral("pod_connections")).toObject();
        for (auto it = podConnections.begin(); it != podConnections.end(); ++it)
            sentConnectionsByPod[it.key()] = it.value().toInt();
        QCOMPARE(connectionsByPod, sentConnectionsByPod);
        // Each timeout is one connect that never completed (the faults here never stall a request).
        const int established = sent.value(QStringLiteral("connections")).toInt();
        QCOMPARE(connections, established + (failedHaveBackLegs ? timedOut : 0));
        QCOMPARE(report.value(QStringLiteral("summary"))
                     .toObject()
                     .value(QStringLiteral("tcp_connections"))
                     .toInt(),
            established + timedOut);

        const QStringList tunnelled = tunnel ? tunnelProblems(report) : QStringList();
        QVERIFY2(tunnelled.isEmpty(), qPrintable(tunnelled.mid(0, 10).join(QLatin1Char('\n'))));

        QStringList kinds;
        bool named = false;
        for (const QJsonValue &v : report.value(QStringLiteral("findings")).toArray()) {
            const QJsonObject f = v.toObject();
            kinds << f.value(QStringLiteral("kind")).toString();
            if (!findingKinds.contains(f.value(QStringLiteral("kind")).toString()))
                continue;
            const QString summary = f.value(QStringLiteral("summary")).toString();
            named = named || std::all_of(names.begin(), names.end(), [&](const QString &n) {
                return summary.contains(n);
            });
        }
        for (const char *never : {"failed_handshakes_in_node", "failed_handshakes_pod_silent",
                 "failed_handshakes_reply_lost", "dropped_in_node"})
            QVERIFY2(!kinds.contains(QLatin1String(never)) || findingKinds.contains(QLatin1String(never)),
                qPrintable(kinds.join(QLatin1Char(','))));
        if (findingKinds.isEmpty()) {
            QVERIFY2(
                !kinds.contains(QStringLiteral("slow_backend")), qPrintable(kinds.join(QLatin1Char(','))));
            QVERIFY2(!kinds.contains(QStringLiteral("http_server_errors")),
                qPrintable(kinds.join(QLatin1Char(','))));
        } else {
            QVERIFY2(named,
                qPrintable(QString::fromUtf8(
                    QJsonDocument(report.value(QStringLiteral("findings")).toArray()).toJson())));
        }
        QCOMPARE(m_lab.debugPodsLeft(), 0);
        m_lab.removeCaptureFiles(manifest);
    }

    void cleanupTestCase() { lab({QStringLiteral("fault"), QStringLiteral("clear")}); }
};

QTEST_GUILESS_MAIN(TestLabBothSides)
#include "tst_labbothsides.moc"
