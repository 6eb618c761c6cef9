// A one-side capture with the VIP node's conntrack on the lab: `lbscope-cli capture --service
// default/web --one-side` (conntrack on by default) over each transport and with each method (the
// node's conntrack -E, and /proc/net/nf_conntrack snapshots when --conntrack-tool names a program
// the node lacks). The record is downloaded, listed in manifest.json with its method and checked by
// `verify`; the node's recorder is stopped and its files removed with --remove-remote; `analyze`
// gives every connection its backend from conntrack, and per-pod connection and request counts
// equal the lab's own (`lab traffic --json`).
#include "labsupport.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace labsupport;

class TestLabConntrack : public QObject {
    Q_OBJECT

    Lab m_lab;
    QTemporaryDir m_tmp;
    const QString m_cli = QStringLiteral(LBSCOPE_CLI);

private slots:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_lab.load(error), qPrintable(error));
        if (!m_lab.kubeAvailable())
            QSKIP("the lab runs without kubesim (no kubeconfig): a service capture cannot be located");
    }

    void oneSide_data()
    {
        QTest::addColumn<Transport>("transport");
        QTest::addColumn<QStringList>("options");
        QTest::addColumn<QString>("method");
        const QStringList missing {
            QStringLiteral("--conntrack-tool"), QStringLiteral("/nonexistent/conntrack")};
        for (Transport t : {Transport::Kube, Transport::Ssh}) {
            QTest::addRow("%s, conntrack -E", transportName(t)) << t << QStringList() << "conntrack-events";
            QTest::addRow("%s, tool missing: snapshots", transportName(t))
                << t << missing << "nf_conntrack-snapshots";
        }
    }

    void oneSide()
    {
        QFETCH(Transport, transport);
        QFETCH(QStringList, options);
        QFETCH(QString, method);
        const QString out = m_tmp.path() + QLatin1Char('/')
            + QString::fromLatin1(QTest::currentDataTag())
                  .replace(QLatin1Char(' '), QLatin1Char('_'))
                  .remove(QLatin1Char(','))
                  .remove(QLatin1Char(':'));
        QStringList args {QStringLiteral("capture"), QStringLiteral("--service"),
            QStringLiteral("default/web"), QStringLiteral("--one-side"), QStringLiteral("--duration"),
            QStringLiteral("12s"), QStringLiteral("--remove-remote"), QStringLiteral("--events"),
            QStringLiteral("jsonl"), QStringLiteral("--out"), out};
        args += options + m_lab.kubeArgs();
        if (transport == Transport::Ssh)
            args += QStringList {QStringLiteral("--ssh"), m_lab.sshTarget} + m_lab.sshArgs();
        QProcess capture;
        capture.start(m_cli, args);
        QVERIFY(capture.waitForStarted());
        QByteArray events;
        QVERIFY2(waitForCapturing(capture, events), events.constData());
        const Run load = lab({QStringLiteral("traffic"), QStringLiteral("--rate"), QStringLiteral("15"),
            QStringLiteral("--duration"), QStringLiteral("4"), QStringLiteral("--json")});
        QVERIFY2(load.code == 0, load.err.constData());
        QVERIFY(capture.waitForFinished(120000));
        QVERIFY2(capture.exitCode() == 0, capture.readAllStandardError().constData());
        const QJsonObject sent = load.json();
        QCOMPARE(sent.value(QStringLiteral("errors")).toInt(), 0);

        // The plan was one side, and the conntrack record is there, checked and described.
        const QJsonObject manifest = readJson(out + QStringLiteral("/manifest.json"));
        QCOMPARE(
            manifest.value(QStringLiteral("transport")).toString(), QLatin1String(transportName(transport)));
        QVERIFY(manifest.value(QStringLiteral("interface")).toString() != QLatin1String("any"));
        const QJsonObject ct = manifest.value(QStringLiteral("conntrack")).toObject();
        QCOMPARE(ct.value(QStringLiteral("method")).toString(), method);
        const QString name = ct.value(QStringLiteral("name")).toString();
        QVERIFY2(name.endsWith(QLatin1String(".conntrack.txt")), qPrintable(name));
        QFile record(out + QLatin1Char('/') + name);
        QVERIFY(record.open(QIODevice::ReadOnly));
        const QByteArray bytes = record.readAll();
        QCOMPARE(qint64(bytes.size()), qint64(ct.value(QStringLiteral("size")).toDouble()));
        QCOMPARE(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex(),
            ct.value(QStringLiteral("sha256")).toString().toLatin1());
        const Run verify = run(m_cli, {QStringLiteral("verify"), out}, 60000);
        QVERIFY2(verify.code == 0, verify.out.constData());
        QVERIFY2(verify.out.contains(name.toUtf8()), verify.out.constData());
        // Stopped and removed on the node.
        const qint64 pid = qint64(ct.value(QStringLiteral("pid")).toDouble());
        QVERIFY(pid > 1);
        QVERIFY(m_lab.processGone(m_lab.node, pid));
        for (const char *key : {"remote_path", "pid_file", "stderr_file"})
            QVERIFY2(!m_lab.existsAnywhere(ct.value(QLatin1String(key)).toString()), key);

        // Every connection has its backend from conntrack; per-pod counts are the lab's.
        const Run analyze = run(
            m_cli, {QStringLiteral("analyze"), out, QStringLiteral("--json"), QStringLiteral("-")}, 120000);
        QVERIFY2(analyze.code == 0, analyze.err.constData());
        const QJsonObject report = analyze.json();
        const QJsonObject summary = report.value(QStringLiteral("summary")).toObject();
        QCOMPARE(summary.value(QStringLiteral("conntrack_method")).toString(), method);
        const QJsonObject by = summary.value(QStringLiteral("backend_by")).toObject();
        const int established = sent.value(QStringLiteral("connections")).toInt();
        QVERIFY(by.value(QStringLiteral("conntrack")).toInt() >= established);
        QCOMPARE(by.value(QStringLiteral("nat-leg")).toInt(), 0);
        // The connections this traffic opened are those whose SYN is in the capture (an earlier test's
        // stragglers, a SYN/ACK or RST retransmitted into this capture, have none): each has its pod
        // from conntrack, and per pod they are the lab's connections and carry its requests.
        QMap<QString, QString> podOf; // backend ip:port -> pod
        for (const QJsonValue &v : report.value(QStringLiteral("backends")).toArray()) {
            const QJsonObject b = v.toObject();
            QVERIFY2(b.value(QStringLiteral("ip")).toString() != m_lab.vip, "the VIP counted as a backend");
            QVERIFY2(
                !b.value(QStringLiteral("pod")).toString().isEmpty(), QJsonDocument(b).toJson().constData());
            podOf[b.value(QStringLiteral("endpoint")).toString()] = b.value(QStringLiteral("pod")).toString();
        }
        QMap<QString, int> connectionsByPod, requestsByPod;
        int opened = 0;
        for (const QJsonValue &v : report.value(QStringLiteral("flows")).toArray()) {
            const QJsonObject f = v.toObject();
            if (f.value(QStringLiteral("proto")).toString() != QLatin1String("tcp")
                || f.value(QStringLiteral("syn_count")).toInt() == 0)
                continue;
            ++opened;
            QVERIFY2(f.value(QStringLiteral("backend_by")).toString() == QLatin1String("conntrack"),
                QJsonDocument(f).toJson().constData());
            const QString pod = podOf.value(f.value(QStringLiteral("backend")).toString());
            QVERIFY2(!pod.isEmpty(), QJsonDocument(f).toJson().constData());
            ++connectionsByPod[pod];
            const int requests = int(f.value(QStringLiteral("requests")).toArray().size());
            if (requests > 0)
                requestsByPod[pod] += requests;
        }
        QCOMPARE(opened, established);
        QMap<QString, int> sentConnections, sentRequests;
        const QJsonObject podConnections = sent.value(QStringLiteral("pod_connections")).toObject();
        for (auto it = podConnections.begin(); it != podConnections.end(); ++it)
            sentConnections[it.key()] = it.value().toInt();
        const QJsonObject pods = sent.value(QStringLiteral("pods")).toObject();
        for (auto it = pods.begin(); it != pods.end(); ++it)
            sentRequests[it.key()] = it.value().toInt();
        QString figures;
        for (auto it = connectionsByPod.begin(); it != connectionsByPod.end(); ++it)
            figures += QStringLiteral(" %1: %2 connections, %3 requests;")
                           .arg(it.key())
                           .arg(it.value())
                           .arg(requestsByPod.value(it.key()));
        qInfo("%s: %d connections labelled by %s (%lld-byte record);%s", QTest::currentDataTag(), established,
            qPrintable(method), qint64(bytes.size()), qPrintable(figures));
        QCOMPARE(connectionsByPod, sentConnections);
        QCOMPARE(requestsByPod, sentRequests);
        QVERIFY2(sentConnections.size() >= 2, "the lab balanced every connection to one pod");
        QCOMPARE(m_lab.debugPodsLeft(), 0);
    }
};

QTEST_GUILESS_MAIN(TestLabConntrack)
#include "tst_labconntrack.moc"
