// Lab integration tests (label lab, needs the lab fixture) of what capture and fetch promise over
// every transport, one row per transport: SSH and Kubernetes (lbscope's debug pod through kubesim).
// A capture during `lab traffic` yields files identical to the node's and analysable traffic to the
// VIP; a download cut mid-way resumes to identical bytes; a cancelled capture leaves no tcpdump and
// no ring file (and no debug pod) on the node; a capture whose connection died is re-attached;
// hostile filters, interfaces, hosts, node names and paths are refused or passed literally, never
// executed. The SSH jump host has its own test; what only the Kubernetes transport has (locating,
// its events, losing the API server) is in tst_labkubecapture.
#include "labsupport.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using namespace labsupport;

class TestLabCapture : public QObject {
    Q_OBJECT

private:
    // LBSCOPE_CLI_UNDER_TEST runs the same checks against another build (e.g. one from before a fix)
    QString m_cli = qEnvironmentVariable("LBSCOPE_CLI_UNDER_TEST", QStringLiteral(LBSCOPE_CLI));
    Lab m_lab;
    QTemporaryDir m_tmp;

    QString outDir(const char *what, Transport t) const
    {
        return m_tmp.path()
            + QStringLiteral("/%1-%2-%3")
                  .arg(QLatin1String(what), QLatin1String(transportName(t)), uniqueName());
    }
    static qint64 pidOf(const QJsonObject &record)
    {
        return static_cast<qint64>(record.value(QStringLiteral("pid")).toDouble());
    }
    // Starts `capture` over `t` (interface eth1, a 1x2 ring, no duration) and waits until tcpdump runs;
    // the session record written by then.
    QJsonObject startCapture(QProcess &cap, Transport t, const QString &out)
    {
        cap.start(m_cli,
            QStringList {QStringLiteral("capture"), QStringLiteral("--iface"), QStringLiteral("eth1"),
                QStringLiteral("--ring"), QStringLiteral("1x2"), QStringLiteral("--out"), out}
                + m_lab.reach(t));
        if (!cap.waitForStarted())
            return {};
        QByteArray err;
        QElapsedTimer waited;
        waited.start();
        while (!(err += cap.readAllStandardError()).contains("capturing on")
            && cap.state() == QProcess::Running && waited.elapsed() < 120000)
            QTest::qWait(50);
        if (!err.contains("capturing on"))
            qWarning("capture did not start: %s", err.constData());
        return readJson(out + QStringLiteral("/.lbscope-session.json"));
    }
    static void addTransportRows()
    {
        QTest::addColumn<Transport>("transport");
        QTest::newRow("ssh") << Transport::Ssh;
        QTest::newRow("kube") << Transport::Kube;
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(QFile::exists(m_cli), "lbscope-cli is not built");
        QString error;
        QVERIFY2(m_lab.load(error), qPrintable(error));
    }

    void captureDuringTrafficMatchesNodeAndAnalyses_data() { addTransportRows(); }
    void captureDuringTrafficMatchesNodeAndAnalyses()
    {
        QFETCH(Transport, transport);
        LAB_REQUIRE_TRANSPORT(m_lab, transport);
        const QString out = outDir("traffic", transport);
        QProcess traffic;
        traffic.start(m_lab.labDir + QStringLiteral("/lab"),
            {QStringLiteral("traffic"), QStringLiteral("--rate"), QStringLiteral("40"),
                QStringLiteral("--duration"), QStringLiteral("10")});
        QVERIFY(traffic.waitForStarted());
        // Over SSH the node and interface are given; over Kubernetes the service is located.
        const QStringList where = transport == Transport::Ssh
            ? QStringList {QStringLiteral("--ssh"), m_lab.sshTarget, QStringLiteral("--iface"),
                QStringLiteral("eth1"), QStringLiteral("--filter"), QStringLiteral("host ") + m_lab.vip}
            : QStringList {QStringLiteral("--service"), QStringLiteral("default/web")};
        const Run cap = run(m_cli,
            QStringList {QStringLiteral("capture"), QStringLiteral("--ring"), QStringLiteral("1x4"),
                QStringLiteral("--duration"), QStringLiteral("6s"), QStringLiteral("--out"), out}
                + where + m_lab.credentials(transport));
        traffic.waitForFinished(60000);
        QVERIFY2(cap.code == 0, cap.err.constData());
        const QJsonObject m = readJson(out + QStringLiteral("/manifest.json"));
        QCOMPARE(m.value(QStringLiteral("transport")).toString(), QLatin1String(transportName(transport)));
        QCOMPARE(m.value(QStringLiteral("node")).toString(), m_lab.node);
        // A located service is captured on both sides of the NAT (-i any); a given interface is kept.
        QCOMPARE(m.value(QStringLiteral("interface")).toString(),
            transport == Transport::Ssh ? QStringLiteral("eth1") : QStringLiteral("any"));
        if (transport == Transport::Ssh) {
            QVERIFY(m.value(QStringLiteral("remote_command"))
                        .toArray()
                        .contains(QJsonValue(QStringLiteral("host ") + m_lab.vip)));
        } else {
            QCOMPARE(m.value(QStringLiteral("service")).toString(), QStringLiteral("default/web"));
            QCOMPARE(m.value(QStringLiteral("vip")).toString(), m_lab.vip);
        }
        QVERIFY(
            m.value(QStringLiteral("tcpdump_stats")).toObject().value(QStringLiteral("captured")).toDouble()
            > 0);
        const QJsonArray files = m.value(QStringLiteral("files")).toArray();
        QVERIFY(!files.isEmpty());
        for (const auto &fv : files) {
            const QJsonObject f = fv.toObject();
            const QByteArray sha
                = localSha(out + QLatin1Char('/') + f.value(QStringLiteral("name")).toString());
            QCOMPARE(sha, f.value(QStringLiteral("sha256")).toString().toUtf8());
            QCOMPARE(sha, m_lab.nodeSha(m_lab.node, f.value(QStringLiteral("remote_path")).toString()));
            QVERIFY(f.value(QStringLiteral("first_ts")).toDouble() > 1.6e9);
        }
        const Run an
            = run(m_cli, {QStringLiteral("analyze"), out, QStringLiteral("--json"), QStringLiteral("-")});
        QVERIFY2(an.code == 0, an.err.constData());
        const QJsonObject a = QJsonDocument::fromJson(an.out).object();
        QVERIFY2(a.value(QStringLiteral("packets")).toDouble() > 0, an.out.left(400).constData());
        int toVip = 0;
        for (const auto &fl : a.value(QStringLiteral("flows")).toArray())
            if (fl.toObject().value(QStringLiteral("server")).toString() == m_lab.vip + QStringLiteral(":80"))
                ++toVip;
        QVERIFY2(toVip > 5, qPrintable(QStringLiteral("%1 flows to the VIP").arg(toVip)));
        if (transport == Transport::Kube)
            QCOMPARE(m_lab.debugPodsLeft(), 0);
        m_lab.removeCaptureFiles(m);
    }

    void captureThroughJumpHost()
    {
        if (m_lab.bastion.isEmpty() || m_lab.privateIp.isEmpty())
            QSKIP("lab status names no bastion or private address for the jump-host path");
        const QString out = outDir("jump", Transport::Ssh);
        const Run cap = run(m_cli,
            QStringList {QStringLiteral("capture"), QStringLiteral("--ssh"),
                QStringLiteral("root@") + m_lab.privateIp + QStringLiteral(":22"), QStringLiteral("--jump"),
                m_lab.bastion, QStringLiteral("--iface"), QStringLiteral("eth0"), QStringLiteral("--ring"),
                QStringLiteral("1x2"), QStringLiteral("--duration"), QStringLiteral("3s"),
                QStringLiteral("--remove-remote"), QStringLiteral("--out"), out}
                + m_lab.sshArgs());
        QVERIFY2(cap.code == 0, cap.err.constData());
        const QJsonObject m = readJson(out + QStringLiteral("/manifest.json"));
        QCOMPARE(m.value(QStringLiteral("node")).toString(), m_lab.node);
        QVERIFY(!m.value(QStringLiteral("files")).toArray().isEmpty());
    }

    void fetchCutMidwayResumesIdentical_data() { addTransportRows(); }
    void fetchCutMidwayResumesIdentical()
    {
        QFETCH(Transport, transport);
        LAB_REQUIRE_TRANSPORT(m_lab, transport);
        const QString name
            = QStringLiteral("lbscope-resume-%1.bin").arg(QLatin1String(transportName(transport)));
        const QString remote = QStringLiteral("/var/tmp/") + name;
        constexpr int mb = 300;
        QCOMPARE(m_lab.randomFile(remote, mb), 0);
        const QString out = outDir("fetch", transport);
        const QString part = out + QLatin1Char('/') + name + QStringLiteral(".part");
        const QStringList args = QStringList {QStringLiteral("fetch"), remote, QStringLiteral("--out"), out}
            + m_lab.reach(transport);
        QProcess fetch;
        fetch.start(m_cli, args);
        QVERIFY(fetch.waitForStarted());
        waitForPart(fetch, part, 4 * 1024 * 1024); // cut once part of the file arrived
        QVERIFY2(fetch.state() != QProcess::NotRunning,
            qPrintable(QStringLiteral("fetch ended before the cut (exit %1): %2")
                           .arg(fetch.exitCode())
                           .arg(QString::fromUtf8(fetch.readAllStandardError()))));
        QVERIFY(interrupt(fetch));
        QVERIFY(fetch.waitForFinished(60000));
        QCOMPARE(fetch.exitCode(), 130);
        const qint64 partSize = QFileInfo(part).size();
        QVERIFY2(partSize > 0 && partSize < mb * 1024LL * 1024, qPrintable(QString::number(partSize)));
        if (transport == Transport::Kube)
            QTRY_COMPARE_WITH_TIMEOUT(m_lab.debugPodsLeft(), 0, 30000); // the cut run removed its pod
        const Run again = run(m_cli, args);
        QVERIFY2(again.code == 0, again.err.constData());
        QVERIFY2(again.err.contains("resumed"), again.err.constData());
        QCOMPARE(localSha(out + QLatin1Char('/') + name), m_lab.nodeSha(m_lab.node, remote));
        QVERIFY(!QFile::exists(part));
        const QJsonObject m = readJson(out + QStringLiteral("/manifest.json"));
        QCOMPARE(m.value(QStringLiteral("transport")).toString(), QLatin1String(transportName(transport)));
        QCOMPARE(m.value(QStringLiteral("node")).toString(), m_lab.node);
        if (transport == Transport::Kube)
            QCOMPARE(m_lab.debugPodsLeft(), 0);
        m_lab.nodeExec(m_lab.node, {QStringLiteral("rm"), QStringLiteral("-f"), remote});
    }

    void cancelledCaptureLeavesNothing_data() { addTransportRows(); }
    void cancelledCaptureLeavesNothing()
    {
        QFETCH(Transport, transport);
        LAB_REQUIRE_TRANSPORT(m_lab, transport);
        const QString out = outDir("cancel", transport);
        QProcess cap;
        const QJsonObject state = startCapture(cap, transport, out);
        const qint64 pid = pidOf(state);
        QVERIFY(pid > 1);
        QVERIFY(!m_lab.processGone(m_lab.node, pid));
        if (transport == Transport::Kube)
            QVERIFY2(
                m_lab.debugPodsLeft() >= 1, "the running capture's debug pod is not seen by the pod query");
        QVERIFY(interrupt(cap)); // stop...
        QTest::qWait(50);
        QVERIFY2(interrupt(cap), "the capture ended before the abort"); // ...and abort
        QVERIFY(cap.waitForFinished(120000));
        QCOMPARE(cap.exitCode(), 130);
        QVERIFY(m_lab.processGone(m_lab.node, pid));
        // aborted means cleaned up: no ring files left on the node
        const Run ls = m_lab.nodeExec(m_lab.node,
            {QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("ls -- \"$1\"* 2>/dev/null | wc -l"),
                QStringLiteral("sh"), state.value(QStringLiteral("remote_base")).toString()});
        QCOMPARE(ls.out.trimmed(), QByteArray("0"));
        if (transport == Transport::Kube)
            QTRY_COMPARE_WITH_TIMEOUT(m_lab.debugPodsLeft(), 0, 30000);
    }

    void reattachAfterDroppedConnection_data() { addTransportRows(); }
    void reattachAfterDroppedConnection()
    {
        QFETCH(Transport, transport);
        LAB_REQUIRE_TRANSPORT(m_lab, transport);
        const QString out = outDir("attach", transport);
        QProcess cap;
        const QJsonObject state = startCapture(cap, transport, out);
        cap.kill(); // the laptop's connection dies with it (and a debug pod stays behind)
        cap.waitForFinished(5000);
        const qint64 pid = pidOf(state);
        QVERIFY(pid > 1);
        QVERIFY(!m_lab.processGone(m_lab.node, pid));
        if (transport == Transport::Kube)
            QCOMPARE(m_lab.debugPodsLeft(), 1);
        const Run att = run(m_cli,
            QStringList {QStringLiteral("capture"), QStringLiteral("--attach"), out,
                QStringLiteral("--duration"), QStringLiteral("2s"), QStringLiteral("--remove-remote")}
                + m_lab.credentials(transport));
        QVERIFY2(att.code == 0, att.err.constData());
        QVERIFY2(att.err.contains("re-attached"), att.err.constData());
        QVERIFY(m_lab.processGone(m_lab.node, pid));
        const QJsonObject m = readJson(out + QStringLiteral("/manifest.json"));
        QCOMPARE(m.value(QStringLiteral("transport")).toString(), QLatin1String(transportName(transport)));
        QVERIFY(!m.value(QStringLiteral("files")).toArray().isEmpty());
        if (transport == Transport::Kube) {
            QVERIFY2(att.err.contains("removed the dropped session's debug pod"), att.err.constData());
            const int left = m_lab.debugPodsLeft();
            if (left != 0) // leave the lab clean either way
                run(m_cli, QStringList {QStringLiteral("cleanup")} + m_lab.kubeArgs());
            QCOMPARE(left, 0);
        }
    }

    // Each hostile value replaces one argument of a capture or fetch that would otherwise work.
    void hostileInputsAreNeverExecuted_data()
    {
        QTest::addColumn<Transport>("transport");
        QTest::addColumn<QString>("command");
        QTest::addColumn<QString>("option"); // PATH: fetch's positional argument
        QTest::addColumn<QString>("value");
        QTest::addColumn<int>("expectedExit"); // 1 also accepts 2 (refused as a usage error)
        const QString m = QStringLiteral("/tmp/pwned-%1").arg(QUuid::createUuid().toString(QUuid::Id128));
        const QString capture = QStringLiteral("capture");
        const QString fetch = QStringLiteral("fetch");
        struct Row {
            const char *name;
            QString command;
            const char *option;
            QString value;
            int exit;
        };
        const Row everyTransport[] = {
            {"capture filter $()", capture, "--filter", QStringLiteral("port 80 or $(touch %1)").arg(m), 1},
            {"capture filter backticks", capture, "--filter", QStringLiteral("`touch %1`").arg(m), 1},
            {"capture filter ; and quotes", capture, "--filter",
                QStringLiteral("port 80'; touch %1; echo '\"").arg(m), 1},
            {"capture filter newline", capture, "--filter", QStringLiteral("port 80\ntouch %1").arg(m), 2},
            {"capture iface ;", capture, "--iface", QStringLiteral("eth1;touch %1").arg(m), 2},
            {"capture iface $()", capture, "--iface", QStringLiteral("$(touch %1)").arg(m), 2},
            {"capture iface newline", capture, "--iface", QStringLiteral("eth1\ntouch %1").arg(m), 2},
            {"fetch path $()", fetch, "PATH", QStringLiteral("/var/tmp/$(touch %1)").arg(m), 1},
            {"fetch path ; and quotes", fetch, "PATH", QStringLiteral("/var/tmp/x'; touch %1; echo '").arg(m),
                1},
        };
        for (const Row &r : everyTransport)
            for (Transport t : {Transport::Ssh, Transport::Kube})
                QTest::addRow("%s %s", transportName(t), r.name)
                    << t << r.command << QString::fromLatin1(r.option) << r.value << r.exit;
        const Row ssh[] = {
            {"capture ssh host ;", capture, "--ssh", QStringLiteral("root@127.0.0.1;touch %1").arg(m), 1},
            {"capture remote dir", capture, "--remote-dir", QStringLiteral("/tmp/$(touch %1)").arg(m), 2},
        };
        for (const Row &r : ssh)
            QTest::addRow("ssh %s", r.name)
                << Transport::Ssh << r.command << QString::fromLatin1(r.option) << r.value << r.exit;
        const Row kube[] = {
            {"capture node quotes", capture, "--node", QStringLiteral("lab-node-1'\"; touch %1").arg(m), 2},
            {"capture node ;", capture, "--node", QStringLiteral("lab-node-1;touch %1").arg(m), 2},
            {"capture node $()", capture, "--node", QStringLiteral("$(touch %1)").arg(m), 2},
            {"capture node backticks", capture, "--node", QStringLiteral("`touch %1`").arg(m), 2},
            {"capture node newline", capture, "--node", QStringLiteral("lab-node-1\ntouch %1").arg(m), 2},
            {"fetch node ;", fetch, "--node", QStringLiteral("lab-node-1;touch %1").arg(m), 2},
            {"fetch node $()", fetch, "--node", QStringLiteral("$(touch %1)").arg(m), 2},
            {"fetch node newline", fetch, "--node", QStringLiteral("lab-node-1\ntouch %1").arg(m), 2},
        };
        for (const Row &r : kube)
            QTest::addRow("kube %s", r.name)
                << Transport::Kube << r.command << QString::fromLatin1(r.option) << r.value << r.exit;
    }
    void hostileInputsAreNeverExecuted()
    {
        QFETCH(Transport, transport);
        QFETCH(QString, command);
        QFETCH(QString, option);
        QFETCH(QString, value);
        QFETCH(int, expectedExit);
        LAB_REQUIRE_TRANSPORT(m_lab, transport);
        const QString marker = value.mid(value.indexOf(QStringLiteral("/tmp/pwned-")), 43);
        QVERIFY(!m_lab.existsAnywhere(marker));
        QStringList args {command};
        if (command == QStringLiteral("capture"))
            args << QStringLiteral("--iface") << QStringLiteral("eth1") << QStringLiteral("--ring")
                 << QStringLiteral("1x1") << QStringLiteral("--duration") << QStringLiteral("2s");
        else
            args << QStringLiteral("/var/tmp/lbscope-no-such-file");
        args << QStringLiteral("--out") << outDir("hostile", transport);
        args += m_lab.reach(transport);
        if (option == QStringLiteral("PATH")) {
            args[1] = value;
        } else {
            const auto at = args.indexOf(option);
            if (at >= 0)
                args[at + 1] = value;
            else
                args << option << value;
        }
        const Run r = run(m_cli, args);
        QVERIFY2(r.code == expectedExit || (expectedExit == 1 && r.code == 2),
            qPrintable(QStringLiteral("exit %1: %2").arg(r.code).arg(QString::fromUtf8(r.err))));
        QVERIFY2(!r.err.isEmpty(), "refused without saying why");
        QVERIFY2(!m_lab.existsAnywhere(marker), qPrintable(marker + QStringLiteral(" was created")));
        if (transport == Transport::Kube)
            QTRY_COMPARE_WITH_TIMEOUT(m_lab.debugPodsLeft(), 0, 30000);
    }
};

QTEST_GUILESS_MAIN(TestLabCapture)
#include "tst_labcapture.moc"
