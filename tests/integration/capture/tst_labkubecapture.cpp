// Lab integration tests (label lab, needs the lab fixture with kubesim) of what only the Kubernetes
// transport has: the workflow's events from locating to verified files, Ctrl+C while probe debug
// pods locate the VIP, and losing the API server mid-capture (the debug pod and tcpdump are kept and
// --attach takes over) or mid-download (the next fetch resumes to identical bytes). What every
// transport promises is tested per transport in tst_labcapture.
#include "tcprelay.h"
#include "labsupport.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>

using namespace labsupport;

class TestLabKubeCapture : public QObject {
    Q_OBJECT

private:
    QString m_cli = qEnvironmentVariable("LBSCOPE_CLI_UNDER_TEST", QStringLiteral(LBSCOPE_CLI));
    Lab m_lab;
    QTemporaryDir m_tmp;

    // A copy of the lab kubeconfig whose server is `relay`, started towards kubesim; empty on failure.
    QString relayedKubeconfig(TcpRelay &relay)
    {
        QFile orig(m_lab.kubeconfig);
        if (!orig.open(QIODevice::ReadOnly))
            return {};
        QString text = QString::fromUtf8(orig.readAll());
        const QRegularExpression server(QStringLiteral("server: https://127\\.0\\.0\\.1:(\\d+)"));
        const auto m = server.match(text);
        if (!m.hasMatch() || !relay.start(static_cast<quint16>(m.captured(1).toUInt())))
            return {};
        text.replace(m.capturedStart(1), m.capturedLength(1), QString::number(relay.port()));
        const QString relayed = m_tmp.path() + QStringLiteral("/kubeconfig-relayed-") + uniqueName();
        QFile copy(relayed);
        if (!copy.open(QIODevice::WriteOnly))
            return {};
        copy.write(text.toUtf8());
        return relayed;
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(QFile::exists(m_cli), "lbscope-cli is not built");
        QString error;
        QVERIFY2(m_lab.load(error), qPrintable(error));
        if (!m_lab.kubeAvailable())
            QSKIP("the lab runs without kubesim (no kubeconfig): the kube transport cannot be exercised");
        QCOMPARE(m_lab.debugPodsLeft(), 0);
    }

    // --events jsonl over the kube transport: every state of the workflow in order (the probe and the
    // capture debug pods included), tcpdump's counters in the samples while it runs, done last.
    void kubeCaptureEventsShowEveryState()
    {
        const QString out = m_tmp.path() + QStringLiteral("/kube-events");
        QProcess traffic;
        traffic.start(m_lab.labDir + QStringLiteral("/lab"),
            {QStringLiteral("traffic"), QStringLiteral("--rate"), QStringLiteral("30"),
                QStringLiteral("--duration"), QStringLiteral("10")});
        QVERIFY(traffic.waitForStarted());
        const Run cap = run(m_cli,
            QStringList {QStringLiteral("capture"), QStringLiteral("--service"),
                QStringLiteral("default/web"), QStringLiteral("--ring"), QStringLiteral("1x3"),
                QStringLiteral("--duration"), QStringLiteral("5s"), QStringLiteral("--events"),
                QStringLiteral("jsonl"), QStringLiteral("--out"), out}
                + m_lab.kubeArgs());
        traffic.waitForFinished(60000);
        QVERIFY2(cap.code == 0, cap.err.constData());
        QStringList states;
        bool counted = false;
        QJsonObject last;
        for (const QByteArray &line : cap.out.split('\n')) {
            if (line.isEmpty())
                continue;
            QJsonParseError e {};
            const QJsonDocument d = QJsonDocument::fromJson(line, &e);
            QVERIFY2(e.error == QJsonParseError::NoError && d.isObject(), line.constData());
            last = d.object();
            const QString kind = last.value(QStringLiteral("event")).toString();
            if (kind == QStringLiteral("state"))
                states << last.value(QStringLiteral("state")).toString();
            if (kind == QStringLiteral("sample") && last.value(QStringLiteral("alive")).toBool())
                counted = counted || last.value(QStringLiteral("captured")).isDouble();
        }
        QCOMPARE(states.join(QLatin1Char(',')),
            QStringLiteral("locating,connecting,scheduling,checking,starting,capturing,stopping,downloading,"
                           "verified"));
        QVERIFY2(counted, cap.out.constData());
        QCOMPARE(last.value(QStringLiteral("event")).toString(), QStringLiteral("done"));
        QVERIFY(last.value(QStringLiteral("ok")).toBool());
        QCOMPARE(m_lab.debugPodsLeft(), 0);
        m_lab.removeCaptureFiles(readJson(out + QStringLiteral("/manifest.json")));
    }

    // The cluster is asked before anything is created: a user without the right to create pods or
    // exec, or a debug namespace whose PodSecurity level refuses a privileged pod, ends the capture
    // with the fix, and no pod was ever posted (kubesim would have refused it with a 403 of its own,
    // whose text differs).
    void kubeRefusedBeforeAnyPod_data()
    {
        QTest::addColumn<QString>("kubeconfig"); // beside the lab's kubeconfig
        QTest::addColumn<QString>("debugNamespace"); // created labelled enforce=baseline when not lbscope
        QTest::addColumn<QString>("says");
        QTest::addColumn<QString>("fix");
        QTest::newRow("read-only user")
            << QStringLiteral("kubeconfig-viewer") << QStringLiteral("lbscope")
            << QStringLiteral("you may not create pods, delete pods, create pods/exec")
            << QStringLiteral("create role lbscope-capture");
        QTest::newRow("PodSecurity baseline")
            << QStringLiteral("kubeconfig") << QStringLiteral("lbscope-baseline")
            << QStringLiteral("enforces PodSecurity \"baseline\"")
            << QStringLiteral("kubectl label --overwrite namespace lbscope-baseline");
    }

    void kubeRefusedBeforeAnyPod()
    {
        QFETCH(QString, kubeconfig);
        QFETCH(QString, debugNamespace);
        QFETCH(QString, says);
        QFETCH(QString, fix);
        const QString config = QFileInfo(m_lab.kubeconfig).absolutePath() + QLatin1Char('/') + kubeconfig;
        if (debugNamespace != QLatin1String("lbscope")) {
            const QJsonObject ns {{QStringLiteral("apiVersion"), QStringLiteral("v1")},
                {QStringLiteral("kind"), QStringLiteral("Namespace")},
                {QStringLiteral("metadata"),
                    QJsonObject {{QStringLiteral("name"), debugNamespace},
                        {QStringLiteral("labels"),
                            QJsonObject {{QStringLiteral("pod-security.kubernetes.io/enforce"),
                                QStringLiteral("baseline")}}}}}};
            const Run made = labsupport::adminApi(m_lab.kubeconfig, QStringLiteral("POST"),
                QStringLiteral("/api/v1/namespaces"), QJsonDocument(ns).toJson(QJsonDocument::Compact));
            QVERIFY2(made.code == 0, made.err.constData());
        }
        const auto removeNamespace = qScopeGuard([&] {
            if (debugNamespace != QLatin1String("lbscope"))
                labsupport::adminApi(m_lab.kubeconfig, QStringLiteral("DELETE"),
                    QStringLiteral("/api/v1/namespaces/") + debugNamespace);
        });
        const QString out = m_tmp.path() + QStringLiteral("/refused-") + uniqueName();
        const Run cap = run(m_cli,
            {QStringLiteral("capture"), QStringLiteral("--node"), m_lab.node, QStringLiteral("--iface"),
                QStringLiteral("eth1"), QStringLiteral("--duration"), QStringLiteral("2s"),
                QStringLiteral("--debug-namespace"), debugNamespace, QStringLiteral("--out"), out,
                QStringLiteral("--kubeconfig"), config});
        QCOMPARE(cap.code, 1);
        QVERIFY2(cap.err.contains(says.toUtf8()), cap.err.constData());
        QVERIFY2(cap.err.contains(fix.toUtf8()), cap.err.constData());
        QVERIFY2(!cap.err.contains("scheduling"), cap.err.constData());
        QCOMPARE(m_lab.debugPodsLeft(), 0);
    }

    // Ctrl+C while `locate` (or capture --service's locate phase) has probe debug pods running: the
    // pods are deleted before exiting 130, not left until their 600 s deadline.
    void kubeInterruptedLocateLeavesNoProbePod_data()
    {
        QTest::addColumn<QString>("command");
        QTest::newRow("locate") << QStringLiteral("locate");
        QTest::newRow("capture --service") << QStringLiteral("capture");
    }
    void kubeInterruptedLocateLeavesNoProbePod()
    {
        QFETCH(QString, command);
        QCOMPARE(m_lab.debugPodsLeft(), 0);
        QStringList args {command, QStringLiteral("--service"), QStringLiteral("default/web")};
        if (command == QStringLiteral("capture"))
            args << QStringLiteral("--out") << m_tmp.path() + QStringLiteral("/locate-int-") + uniqueName();
        bool interrupted = false;
        // Locating is quick: if it finished before a probe pod was seen, try again (bounded).
        for (int attempt = 0; attempt < 5 && !interrupted; ++attempt) {
            QProcess p;
            p.start(m_cli, args + m_lab.kubeArgs());
            QVERIFY(p.waitForStarted());
            QElapsedTimer t;
            t.start();
            while (p.state() == QProcess::Running && t.elapsed() < 60000 && m_lab.debugPodsLeft() < 1)
                QTest::qWait(20);
            if (p.state() != QProcess::Running || !interrupt(p)) {
                p.waitForFinished(60000);
                qInfo("attempt %d: %s ended before a probe pod was seen", attempt, qPrintable(command));
                QTRY_COMPARE_WITH_TIMEOUT(m_lab.debugPodsLeft(), 0, 30000);
                continue;
            }
            QElapsedTimer stopped;
            stopped.start();
            QVERIFY(p.waitForFinished(60000));
            const QByteArray err = p.readAllStandardError();
            QVERIFY2(p.exitStatus() == QProcess::NormalExit, "killed by SIGINT: no handler was installed");
            QVERIFY2(p.exitCode() == 130,
                qPrintable(QStringLiteral("exit %1: ").arg(p.exitCode()) + QString::fromUtf8(err)));
            QVERIFY2(err.contains("interrupted"), err.constData());
            QTRY_COMPARE_WITH_TIMEOUT(m_lab.debugPodsLeft(), 0, 5000);
            qInfo("%s interrupted with a probe pod running: exit 130 and no pod left after %lld ms",
                qPrintable(command), static_cast<long long>(stopped.elapsed()));
            interrupted = true;
        }
        QVERIFY2(interrupted, "locating never had a probe pod running long enough to interrupt it");
    }

    // Contact with the API server lost mid-capture: the debug pod tcpdump runs from is kept (deleting it
    // would kill tcpdump), the message names it and its deadline, and --attach takes over and removes it.
    void kubeLostContactKeepsPodAndTcpdump()
    {
        QCOMPARE(m_lab.debugPodsLeft(), 0);
        TcpRelay relay;
        const QString relayed = relayedKubeconfig(relay);
        QVERIFY(!relayed.isEmpty());

        const QString out = m_tmp.path() + QStringLiteral("/kube-lost");
        QProcess cap;
        cap.start(m_cli,
            {QStringLiteral("capture"), QStringLiteral("--node"), m_lab.node, QStringLiteral("--iface"),
                QStringLiteral("eth1"), QStringLiteral("--ring"), QStringLiteral("1x2"),
                QStringLiteral("--out"), out, QStringLiteral("--kubeconfig"), relayed});
        QVERIFY(cap.waitForStarted());
        QByteArray err;
        QTRY_VERIFY_WITH_TIMEOUT((err += cap.readAllStandardError()).contains("capturing on"), 120000);
        const QJsonObject state = readJson(out + QStringLiteral("/.lbscope-session.json"));
        const qint64 pid = static_cast<qint64>(state.value(QStringLiteral("pid")).toDouble());
        const QString pod = state.value(QStringLiteral("debug_pod")).toString();
        QVERIFY(pid > 1);
        QVERIFY2(!pod.isEmpty(), "the session record names no debug pod before monitoring");
        relay.drop(1); // the next poll fails; a deletion afterwards would get through
        QTRY_VERIFY_WITH_TIMEOUT(cap.state() == QProcess::NotRunning, 60000);
        err += cap.readAllStandardError();
        qInfo("after the drop: %s", err.right(600).constData());
        QCOMPARE(cap.exitCode(), 1);
        QTest::qWait(3000); // a pod deletion still under way would have finished
        QCOMPARE(m_lab.debugPodsLeft(), 1);
        QVERIFY2(!m_lab.processGone(m_lab.node, pid), "tcpdump was killed with its debug pod");
        QVERIFY2(err.contains("lost contact"), err.constData());
        QVERIFY2(err.contains(QByteArray(QByteArray("the debug pod ") + pod.toUtf8() + " is kept")),
            err.constData());
        QVERIFY2(err.contains("activeDeadlineSeconds"), err.constData());

        const Run att = run(m_cli,
            QStringList {QStringLiteral("capture"), QStringLiteral("--attach"), out,
                QStringLiteral("--duration"), QStringLiteral("2s"), QStringLiteral("--remove-remote")}
                + m_lab.kubeArgs());
        QVERIFY2(att.code == 0, att.err.constData());
        QVERIFY2(att.err.contains("removed the dropped session's debug pod"), att.err.constData());
        QVERIFY(m_lab.processGone(m_lab.node, pid));
        const int left = m_lab.debugPodsLeft();
        if (left != 0) // leave the lab clean either way
            run(m_cli, QStringList {QStringLiteral("cleanup")} + m_lab.kubeArgs());
        QCOMPARE(left, 0);
    }

    void kubeFetchConnectionDroppedMidwayResumesIdentical()
    {
        // The network, not the user, cuts the download: every connection to the API server is reset
        // while the exec stream runs. fetch fails saying it resumes, deletes its pod once the API is
        // reachable again, and the next run continues from the .part to identical bytes.
        const QString remote = QStringLiteral("/var/tmp/lbscope-kube-drop-test.bin");
        QCOMPARE(m_lab.randomFile(remote, 200), 0);
        TcpRelay relay;
        const QString relayed = relayedKubeconfig(relay);
        QVERIFY(!relayed.isEmpty());
        const QString out = m_tmp.path() + QStringLiteral("/kube-drop");
        const QString part = out + QStringLiteral("/lbscope-kube-drop-test.bin.part");
        QProcess fetch;
        fetch.start(m_cli,
            {QStringLiteral("fetch"), QStringLiteral("--node"), m_lab.node, remote, QStringLiteral("--out"),
                out, QStringLiteral("--kubeconfig"), relayed});
        QVERIFY(fetch.waitForStarted());
        waitForPart(fetch, part, 4 * 1024 * 1024);
        QVERIFY2(fetch.state() != QProcess::NotRunning,
            qPrintable(QStringLiteral("fetch ended before the cut (exit %1): %2")
                           .arg(fetch.exitCode())
                           .arg(QString::fromUtf8(fetch.readAllStandardError()))));
        relay.drop(0); // reset every connection; new ones get through again
        QTRY_VERIFY_WITH_TIMEOUT(fetch.state() == QProcess::NotRunning, 60000);
        const QByteArray err = fetch.readAllStandardError();
        QCOMPARE(fetch.exitCode(), 1);
        QVERIFY2(err.contains("it resumes"), err.constData());
        const qint64 partSize = QFileInfo(part).size();
        QVERIFY2(partSize > 0 && partSize < 200 * 1024 * 1024, qPrintable(QString::number(partSize)));
        QTRY_COMPARE_WITH_TIMEOUT(
            m_lab.debugPodsLeft(), 0, 30000); // its pod went once the API answered again
        const Run again = run(m_cli,
            QStringList {QStringLiteral("fetch"), QStringLiteral("--node"), m_lab.node, remote,
                QStringLiteral("--out"), out}
                + m_lab.kubeArgs());
        QVERIFY2(again.code == 0, again.err.constData());
        QVERIFY2(again.err.contains("resumed"), again.err.constData());
        QCOMPARE(
            localSha(out + QStringLiteral("/lbscope-kube-drop-test.bin")), m_lab.nodeSha(m_lab.node, remote));
        QCOMPARE(m_lab.debugPodsLeft(), 0);
        m_lab.nodeExec(m_lab.node, {QStringLiteral("rm"), QStringLiteral("-f"), remote});
    }
};

QTEST_GUILESS_MAIN(TestLabKubeCapture)
#include "tst_labkubecapture.moc"
