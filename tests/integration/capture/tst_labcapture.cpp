// Lab integration tests for capture and fetch over both transports (label lab, needs the lab fixture):
// SSH and Kubernetes (lbscope's debug pod through kubesim). A capture during `lab traffic` yields
// files identical to the node's and analysable traffic to the VIP; a jump host works; a download cut
// mid-way resumes to identical bytes; a dropped capture is re-attached; a cancelled capture leaves no
// tcpdump (and no debug pod) on the node; hostile filters, interfaces, hosts, node names and paths
// are refused or passed literally, never executed. Debug pods are counted by asking kubesim over
// HTTPS with curl, so no kubectl is needed.
#include "labsupport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#include <csignal>

using namespace labsupport;

// A TCP relay to the API server that can drop every connection and refuse new ones for a while:
// a laptop losing contact with the cluster mid-capture (the TLS passes through untouched).
class ApiRelay : public QObject {
public:
    bool start(quint16 target)
    {
        m_target = target;
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *in = m_server.nextPendingConnection()) {
                if (m_refuse > 0) {
                    --m_refuse;
                    in->abort();
                    in->deleteLater();
                    continue;
                }
                auto *out = new QTcpSocket(in);
                m_sockets << in << out;
                connect(in, &QTcpSocket::readyRead, out, [in, out] {
                    if (out->state() == QAbstractSocket::ConnectedState)
                        out->write(in->readAll());
                });
                connect(out, &QTcpSocket::connected, in, [in, out] { out->write(in->readAll()); });
                connect(out, &QTcpSocket::readyRead, in, [in, out] { in->write(out->readAll()); });
                connect(in, &QTcpSocket::disconnected, out, [out] { out->disconnectFromHost(); });
                connect(out, &QTcpSocket::disconnected, in, [in] { in->disconnectFromHost(); });
                connect(in, &QTcpSocket::disconnected, in, &QObject::deleteLater);
                out->connectToHost(QHostAddress::LocalHost, m_target);
            }
        });
        return m_server.listen(QHostAddress::LocalHost);
    }
    quint16 port() const { return m_server.serverPort(); }
    /// Resets every open connection and refuses the next `count` new ones (then relays again: a
    /// short outage, after which deleting the pod would work).
    void drop(int count)
    {
        m_refuse = count;
        for (const QPointer<QTcpSocket> &s : std::as_const(m_sockets))
            if (s)
                s->abort();
        m_sockets.clear();
    }

private:
    QTcpServer m_server;
    quint16 m_target = 0;
    QList<QPointer<QTcpSocket>> m_sockets;
    int m_refuse = 0;
};

class TestLabCapture : public QObject {
    Q_OBJECT

private:
    // LBSCOPE_CLI_UNDER_TEST runs the same checks against another build (e.g. one from before a fix)
    QString m_cli = qEnvironmentVariable("LBSCOPE_CLI_UNDER_TEST", QStringLiteral(LBSCOPE_CLI));
    QString m_labDir = QStringLiteral(LBSCOPE_LAB_SCRIPT_DIR);
    QJsonObject m_status;
    QString m_node; // VIP holder
    QString m_sshTarget; // root@127.0.0.1:PORT of the holder
    QString m_privateIp; // holder's private address (for the jump test)
    QString m_bastion;
    QString m_key;
    QString m_knownHosts;
    QString m_vip;
    QTemporaryDir m_tmp;

    QStringList sshArgs() const
    {
        return {QStringLiteral("--identity"), m_key, QStringLiteral("--known-hosts"), m_knownHosts,
            QStringLiteral("--ssh-config"), QStringLiteral("none")};
    }
    Run nodeExec(const QString &node, const QStringList &argv)
    {
        return run(
            m_labDir + QStringLiteral("/node-exec"), QStringList {node, QStringLiteral("--")} + argv, 60000);
    }
    QByteArray nodeSha(const QString &node, const QString &path)
    {
        const Run r = nodeExec(node, {QStringLiteral("sha256sum"), path});
        return r.code == 0 ? r.out.left(64) : QByteArray();
    }
    bool remoteProcessGone(const QString &node, qint64 pid)
    {
        const Run r = nodeExec(node, {QStringLiteral("cat"), QStringLiteral("/proc/%1/stat").arg(pid)});
        if (r.code != 0)
            return true;
        const int close = r.out.lastIndexOf(')');
        return close > 0 && (r.out.mid(close + 2, 1) == "Z" || r.out.mid(close + 2, 1) == "X");
    }
    void removeRemoteCapture(const QJsonObject &manifest)
    {
        QStringList paths {manifest.value(QStringLiteral("pid_file")).toString(),
            manifest.value(QStringLiteral("stderr_file")).toString()};
        const QJsonArray files = manifest.value(QStringLiteral("files")).toArray();
        for (const auto &f : files)
            paths << f.toObject().value(QStringLiteral("remote_path")).toString();
        paths.removeAll(QString());
        if (!paths.isEmpty())
            nodeExec(m_node,
                QStringList {QStringLiteral("rm"), QStringLiteral("-f"), QStringLiteral("--")} + paths);
    }

    // `mb` MiB of random bytes at `path` on the VIP node; dd's exit code.
    int randomFileOnNode(const QString &path, int mb)
    {
        return nodeExec(m_node,
            {QStringLiteral("dd"), QStringLiteral("if=/dev/urandom"), QStringLiteral("of=") + path,
                QStringLiteral("bs=1M"), QStringLiteral("count=%1").arg(mb), QStringLiteral("status=none")})
            .code;
    }
    // Waits (at most 120 s) until a running fetch has `minBytes` in its .part, or has ended. The kube exec
    // stream runs at hundreds of MB/s: poll tightly so that the cut lands early in the file.
    static void waitForPart(QProcess &fetch, const QString &part, qint64 minBytes)
    {
        QElapsedTimer waited;
        waited.start();
        while (QFileInfo(part).size() < minBytes && fetch.state() != QProcess::NotRunning
            && waited.elapsed() < 120000)
            QTest::qWait(5);
    }

    // A copy of the lab kubeconfig whose server is `relay`, started towards kubesim; empty on failure.
    QString relayedKubeconfig(ApiRelay &relay)
    {
        QFile orig(m_status.value(QStringLiteral("kubeconfig")).toString());
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
        const Run st
            = run(m_labDir + QStringLiteral("/lab"), {QStringLiteral("status"), QStringLiteral("--json")});
        QVERIFY2(st.code == 0,
            qPrintable(QStringLiteral("the lab is not up (lab status exit %1): %2")
                           .arg(st.code)
                           .arg(QString::fromUtf8(st.err))));
        m_status = QJsonDocument::fromJson(st.out).object();
        m_vip = m_status.value(QStringLiteral("vip")).toString();
        m_key = m_status.value(QStringLiteral("ssh_key")).toString();
        m_knownHosts = m_status.value(QStringLiteral("known_hosts")).toString();
        m_bastion = m_status.value(QStringLiteral("bastion")).toString();
        if (m_status.value(QStringLiteral("bastion")).isObject())
            m_bastion = m_status.value(QStringLiteral("bastion"))
                            .toObject()
                            .value(QStringLiteral("ssh"))
                            .toString();
        const QJsonArray nodes = m_status.value(QStringLiteral("nodes")).toArray();
        for (const auto &n : nodes) {
            const QJsonObject o = n.toObject();
            if (o.value(QStringLiteral("holds_vip")).toBool()) {
                m_node = o.value(QStringLiteral("name")).toString();
                m_sshTarget = o.value(QStringLiteral("ssh")).toString();
                m_privateIp = o.value(QStringLiteral("private_ip")).toString();
            }
        }
        QVERIFY2(!m_node.isEmpty() && !m_sshTarget.isEmpty(), st.out.constData());
        QVERIFY(QFile::exists(m_key));
    }

    void captureDuringTrafficMatchesNodeAndAnalyses()
    {
        const QString out = m_tmp.path() + QStringLiteral("/traffic");
        QProcess traffic;
        traffic.start(m_labDir + QStringLiteral("/lab"),
            {QStringLiteral("traffic"), QStringLiteral("--rate"), QStringLiteral("40"),
                QStringLiteral("--duration"), QStringLiteral("10")});
        QVERIFY(traffic.waitForStarted());
        const Run cap = run(m_cli,
            QStringList {QStringLiteral("capture"), QStringLiteral("--ssh"), m_sshTarget,
                QStringLiteral("--iface"), QStringLiteral("eth1"), QStringLiteral("--filter"),
                QStringLiteral("host ") + m_vip, QStringLiteral("--ring"), QStringLiteral("1x4"),
                QStringLiteral("--duration"), QStringLiteral("6s"), QStringLiteral("--out"), out}
                + sshArgs());
        traffic.waitForFinished(60000);
        QVERIFY2(cap.code == 0, cap.err.constData());
        const QJsonObject m = readJson(out + QStringLiteral("/manifest.json"));
        QCOMPARE(m.value(QStringLiteral("transport")).toString(), QStringLiteral("ssh"));
        QCOMPARE(m.value(QStringLiteral("node")).toString(), m_node);
        QCOMPARE(m.value(QStringLiteral("interface")).toString(), QStringLiteral("eth1"));
        QVERIFY(m.value(QStringLiteral("remote_command"))
                    .toArray()
                    .contains(QJsonValue(QStringLiteral("host ") + m_vip)));
        QVERIFY(
            m.value(QStringLiteral("tcpdump_stats")).toObject().value(QStringLiteral("captured")).toDouble()
            > 0);
        const QJsonArray files = m.value(QStringLiteral("files")).toArray();
        QVERIFY(!files.isEmpty());
        for (const auto &fv : files) {
            const QJsonObject f = fv.toObject();
            const QString local = out + QLatin1Char('/') + f.value(QStringLiteral("name")).toString();
            const QByteArray sha = localSha(local);
            QCOMPARE(sha, f.value(QStringLiteral("sha256")).toString().toUtf8());
            QCOMPARE(sha, nodeSha(m_node, f.value(QStringLiteral("remote_path")).toString()));
            QVERIFY(f.value(QStringLiteral("first_ts")).toDouble() > 1.6e9);
        }
        const QString json = m_tmp.path() + QStringLiteral("/traffic.json");
        const Run an = run(m_cli, {QStringLiteral("analyze"), out, QStringLiteral("--json"), json});
        QVERIFY2(an.code == 0, an.err.constData());
        const QJsonObject a = readJson(json);
        QVERIFY(a.value(QStringLiteral("packets")).toDouble() > 0);
        int toVip = 0;
        const QJsonArray flows = a.value(QStringLiteral("flows")).toArray();
        for (const auto &fl : flows)
            if (fl.toObject().value(QStringLiteral("server")).toString() == m_vip + QStringLiteral(":80"))
                ++toVip;
        QVERIFY2(toVip > 5, qPrintable(QStringLiteral("%1 flows to the VIP").arg(toVip)));
        removeRemoteCapture(m);
    }

    void captureThroughJumpHost()
    {
        if (m_bastion.isEmpty() || m_privateIp.isEmpty())
            QSKIP("lab status names no bastion or private address for the jump-host path");
        const QString out = m_tmp.path() + QStringLiteral("/jump");
        const Run cap = run(m_cli,
            QStringList {QStringLiteral("capture"), QStringLiteral("--ssh"),
                QStringLiteral("root@") + m_privateIp + QStringLiteral(":22"), QStringLiteral("--jump"),
                m_bastion, QStringLiteral("--iface"), QStringLiteral("eth0"), QStringLiteral("--ring"),
                QStringLiteral("1x2"), QStringLiteral("--duration"), QStringLiteral("3s"),
                QStringLiteral("--remove-remote"), QStringLiteral("--out"), out}
                + sshArgs());
        QVERIFY2(cap.code == 0, cap.err.constData());
        const QJsonObject m = readJson(out + QStringLiteral("/manifest.json"));
        QCOMPARE(m.value(QStringLiteral("node")).toString(), m_node);
        QVERIFY(!m.value(QStringLiteral("files")).toArray().isEmpty());
    }

    void fetchCutMidwayResumesIdentical()
    {
        const QString remote = QStringLiteral("/var/tmp/lbscope-resume-test.bin");
        QCOMPARE(randomFileOnNode(remote, 200), 0);
        const QString out = m_tmp.path() + QStringLiteral("/fetch");
        const QString part = out + QStringLiteral("/lbscope-resume-test.bin.part");
        const QStringList args = QStringList {QStringLiteral("fetch"), QStringLiteral("--ssh"), m_sshTarget,
                                     remote, QStringLiteral("--out"), out}
            + sshArgs();
        QProcess fetch;
        fetch.start(m_cli, args);
        QVERIFY(fetch.waitForStarted());
        // cut the transfer once a part of the file arrived
        QTRY_VERIFY_WITH_TIMEOUT(
            QFileInfo(part).size() > 20 * 1024 * 1024 || fetch.state() == QProcess::NotRunning, 120000);
        QVERIFY(interrupt(fetch));
        QVERIFY(fetch.waitForFinished(30000));
        QCOMPARE(fetch.exitCode(), 130);
        const qint64 partSize = QFileInfo(part).size();
        QVERIFY2(partSize > 0 && partSize < 200 * 1024 * 1024, qPrintable(QString::number(partSize)));
        const Run again = run(m_cli, args);
        QVERIFY2(again.code == 0, again.err.constData());
        QVERIFY2(again.err.contains("resumed"), again.err.constData());
        QCOMPARE(localSha(out + QStringLiteral("/lbscope-resume-test.bin")), nodeSha(m_node, remote));
        QVERIFY(!QFile::exists(part));
        nodeExec(m_node, {QStringLiteral("rm"), QStringLiteral("-f"), remote});
    }

    void cancelledCaptureLeavesNoTcpdump()
    {
        const QString out = m_tmp.path() + QStringLiteral("/cancel");
        QProcess cap;
        cap.start(m_cli,
            QStringList {QStringLiteral("capture"), QStringLiteral("--ssh"), m_sshTarget,
                QStringLiteral("--iface"), QStringLiteral("eth1"), QStringLiteral("--ring"),
                QStringLiteral("1x2"), QStringLiteral("--out"), out}
                + sshArgs());
        QVERIFY(cap.waitForStarted());
        QByteArray err;
        QTRY_VERIFY_WITH_TIMEOUT((err += cap.readAllStandardError()).contains("capturing on"), 60000);
        const QJsonObject state = readJson(out + QStringLiteral("/.lbscope-session.json"));
        const qint64 pid = static_cast<qint64>(state.value(QStringLiteral("pid")).toDouble());
        QVERIFY(pid > 1);
        QVERIFY(!remoteProcessGone(m_node, pid));
        QVERIFY(interrupt(cap)); // stop...
        QTest::qWait(50);
        QVERIFY2(interrupt(cap), "the capture ended before the abort"); // ...and abort
        QVERIFY(cap.waitForFinished(60000));
        err += cap.readAllStandardError();
        QCOMPARE(cap.exitCode(), 130);
        QVERIFY(remoteProcessGone(m_node, pid));
        // aborted means cleaned up: no ring files left on the node
        const Run ls = nodeExec(m_node,
            {QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("ls -- \"$1\"* 2>/dev/null | wc -l"),
                QStringLiteral("sh"), state.value(QStringLiteral("remote_base")).toString()});
        QCOMPARE(ls.out.trimmed(), QByteArray("0"));
    }

    void reattachAfterDroppedConnection()
    {
        const QString out = m_tmp.path() + QStringLiteral("/attach");
        QProcess cap;
        cap.start(m_cli,
            QStringList {QStringLiteral("capture"), QStringLiteral("--ssh"), m_sshTarget,
                QStringLiteral("--iface"), QStringLiteral("eth1"), QStringLiteral("--ring"),
                QStringLiteral("1x2"), QStringLiteral("--out"), out}
                + sshArgs());
        QVERIFY(cap.waitForStarted());
        QByteArray err;
        QTRY_VERIFY_WITH_TIMEOUT((err += cap.readAllStandardError()).contains("capturing on"), 60000);
        cap.kill(); // the laptop's connection dies with it
        cap.waitForFinished(5000);
        const QJsonObject state = readJson(out + QStringLiteral("/.lbscope-session.json"));
        const qint64 pid = static_cast<qint64>(state.value(QStringLiteral("pid")).toDouble());
        QVERIFY(!remoteProcessGone(m_node, pid));
        const Run att = run(m_cli,
            QStringList {QStringLiteral("capture"), QStringLiteral("--attach"), out,
                QStringLiteral("--duration"), QStringLiteral("2s"), QStringLiteral("--remove-remote")}
                + sshArgs());
        QVERIFY2(att.code == 0, att.err.constData());
        QVERIFY(remoteProcessGone(m_node, pid));
        QVERIFY(QFile::exists(out + QStringLiteral("/manifest.json")));
    }

    // ---- Kubernetes transport (debug pod through kubesim): skipped only when the lab has no kubesim ----

private:
    QStringList kubeArgs() const
    {
        return {QStringLiteral("--kubeconfig"), m_status.value(QStringLiteral("kubeconfig")).toString()};
    }
    bool kubeAvailable() const
    {
        return QFile::exists(m_status.value(QStringLiteral("kubeconfig")).toString());
    }
    int debugPodsLeft()
    {
        return labsupport::debugPodsLeft(m_status.value(QStringLiteral("kubeconfig")).toString());
    }
    static int flowsTo(const QJsonObject &report, const QString &server)
    {
        int n = 0;
        const QJsonArray flows = report.value(QStringLiteral("flows")).toArray();
        for (const auto &fl : flows)
            if (fl.toObject().value(QStringLiteral("server")).toString() == server)
                ++n;
        return n;
    }
    bool markerAnywhere(const QString &marker)
    {
        if (QFile::exists(marker))
            return true;
        const QJsonArray nodes = m_status.value(QStringLiteral("nodes")).toArray();
        for (const auto &n : nodes) {
            const QString node = n.toObject().value(QStringLiteral("name")).toString();
            if (nodeExec(node, {QStringLiteral("test"), QStringLiteral("-e"), marker}).code == 0)
                return true;
        }
        return false;
    }

private slots:
    void kubeCaptureByServiceMatchesNode()
    {
        if (!kubeAvailable())
            QSKIP("the lab runs without kubesim (no kubeconfig): the kube transport cannot be exercised");
        const QString out = m_tmp.path() + QStringLiteral("/kube");
        QProcess traffic;
        traffic.start(m_labDir + QStringLiteral("/lab"),
            {QStringLiteral("traffic"), QStringLiteral("--rate"), QStringLiteral("30"),
                QStringLiteral("--duration"), QStringLiteral("10")});
        QVERIFY(traffic.waitForStarted());
        const Run cap = run(m_cli,
            QStringList {QStringLiteral("capture"), QStringLiteral("--service"),
                QStringLiteral("default/web"), QStringLiteral("--ring"), QStringLiteral("1x3"),
                QStringLiteral("--duration"), QStringLiteral("5s"), QStringLiteral("--out"), out}
                + kubeArgs());
        traffic.waitForFinished(60000);
        QVERIFY2(cap.code == 0, cap.err.constData());
        const QJsonObject m = readJson(out + QStringLiteral("/manifest.json"));
        QCOMPARE(m.value(QStringLiteral("transport")).toString(), QStringLiteral("kube"));
        QCOMPARE(m.value(QStringLiteral("service")).toString(), QStringLiteral("default/web"));
        QCOMPARE(m.value(QStringLiteral("vip")).toString(), m_vip);
        QCOMPARE(m.value(QStringLiteral("node")).toString(), m_node);
        const QJsonArray files = m.value(QStringLiteral("files")).toArray();
        QVERIFY(!files.isEmpty());
        for (const auto &fv : files) {
            const QJsonObject f = fv.toObject();
            QCOMPARE(localSha(out + QLatin1Char('/') + f.value(QStringLiteral("name")).toString()),
                nodeSha(m_node, f.value(QStringLiteral("remote_path")).toString()));
        }
        // the analysis of what came over the kube transport shows the traffic to the VIP
        const Run an
            = run(m_cli, {QStringLiteral("analyze"), out, QStringLiteral("--json"), QStringLiteral("-")});
        QVERIFY2(an.code == 0, an.err.constData());
        const QJsonObject a = QJsonDocument::fromJson(an.out).object();
        QVERIFY2(a.value(QStringLiteral("packets")).toDouble() > 0, an.out.left(400).constData());
        const int toVip = flowsTo(a, m_vip + QStringLiteral(":80"));
        QVERIFY2(toVip > 5, qPrintable(QStringLiteral("%1 flows to the VIP").arg(toVip)));
        QCOMPARE(debugPodsLeft(), 0);
        removeRemoteCapture(m);
    }

    // --events jsonl over the kube transport: every state of the workflow in order (the probe and the
    // capture debug pods included), tcpdump's counters in the samples while it runs, done last.
    void kubeCaptureEventsShowEveryState()
    {
        if (!kubeAvailable())
            QSKIP("the lab runs without kubesim (no kubeconfig): the kube transport cannot be exercised");
        const QString out = m_tmp.path() + QStringLiteral("/kube-events");
        QProcess traffic;
        traffic.start(m_labDir + QStringLiteral("/lab"),
            {QStringLiteral("traffic"), QStringLiteral("--rate"), QStringLiteral("30"),
                QStringLiteral("--duration"), QStringLiteral("10")});
        QVERIFY(traffic.waitForStarted());
        const Run cap = run(m_cli,
            QStringList {QStringLiteral("capture"), QStringLiteral("--service"),
                QStringLiteral("default/web"), QStringLiteral("--ring"), QStringLiteral("1x3"),
                QStringLiteral("--duration"), QStringLiteral("5s"), QStringLiteral("--events"),
                QStringLiteral("jsonl"), QStringLiteral("--out"), out}
                + kubeArgs());
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
        QCOMPARE(debugPodsLeft(), 0);
        removeRemoteCapture(readJson(out + QStringLiteral("/manifest.json")));
    }

    void kubeCancelledCaptureLeavesNoTcpdumpNoPod()
    {
        if (!kubeAvailable())
            QSKIP("the lab runs without kubesim (no kubeconfig): the kube transport cannot be exercised");
        const QString out = m_tmp.path() + QStringLiteral("/kube-cancel");
        QProcess cap;
        cap.start(m_cli,
            QStringList {QStringLiteral("capture"), QStringLiteral("--node"), m_node,
                QStringLiteral("--iface"), QStringLiteral("eth1"), QStringLiteral("--ring"),
                QStringLiteral("1x2"), QStringLiteral("--out"), out}
                + kubeArgs());
        QVERIFY(cap.waitForStarted());
        QByteArray err;
        QTRY_VERIFY_WITH_TIMEOUT((err += cap.readAllStandardError()).contains("capturing on"), 120000);
        const QJsonObject state = readJson(out + QStringLiteral("/.lbscope-session.json"));
        const qint64 pid = static_cast<qint64>(state.value(QStringLiteral("pid")).toDouble());
        QVERIFY(pid > 1);
        QVERIFY(!remoteProcessGone(m_node, pid));
        QVERIFY2(debugPodsLeft() >= 1, "the running capture's debug pod is not seen by the pod query");
        QVERIFY(interrupt(cap)); // stop...
        QTest::qWait(50);
        QVERIFY2(interrupt(cap), "the capture ended before the abort"); // ...and abort
        QVERIFY(cap.waitForFinished(120000));
        QCOMPARE(cap.exitCode(), 130);
        QVERIFY(remoteProcessGone(m_node, pid));
        QTRY_COMPARE_WITH_TIMEOUT(debugPodsLeft(), 0, 30000);
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
        if (!kubeAvailable())
            QSKIP("the lab runs without kubesim (no kubeconfig): the kube transport cannot be exercised");
        QCOMPARE(debugPodsLeft(), 0);
        QStringList args {command, QStringLiteral("--service"), QStringLiteral("default/web")};
        if (command == QStringLiteral("capture"))
            args << QStringLiteral("--out") << m_tmp.path() + QStringLiteral("/locate-int-") + uniqueName();
        bool interrupted = false;
        // Locating is quick: if it finished before a probe pod was seen, try again (bounded).
        for (int attempt = 0; attempt < 5 && !interrupted; ++attempt) {
            QProcess p;
            p.start(m_cli, args + kubeArgs());
            QVERIFY(p.waitForStarted());
            QElapsedTimer t;
            t.start();
            while (p.state() == QProcess::Running && t.elapsed() < 60000 && debugPodsLeft() < 1)
                QTest::qWait(20);
            if (p.state() != QProcess::Running || !interrupt(p)) {
                p.waitForFinished(60000);
                qInfo("attempt %d: %s ended before a probe pod was seen", attempt, qPrintable(command));
                QTRY_COMPARE_WITH_TIMEOUT(debugPodsLeft(), 0, 30000);
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
            QTRY_COMPARE_WITH_TIMEOUT(debugPodsLeft(), 0, 5000);
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
        if (!kubeAvailable())
            QSKIP("the lab runs without kubesim (no kubeconfig): the kube transport cannot be exercised");
        QCOMPARE(debugPodsLeft(), 0);
        ApiRelay relay;
        const QString relayed = relayedKubeconfig(relay);
        QVERIFY(!relayed.isEmpty());

        const QString out = m_tmp.path() + QStringLiteral("/kube-lost");
        QProcess cap;
        cap.start(m_cli,
            {QStringLiteral("capture"), QStringLiteral("--node"), m_node, QStringLiteral("--iface"),
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
        QCOMPARE(debugPodsLeft(), 1);
        QVERIFY2(!remoteProcessGone(m_node, pid), "tcpdump was killed with its debug pod");
        QVERIFY2(err.contains("lost contact"), err.constData());
        QVERIFY2(err.contains(QByteArray(QByteArray("the debug pod ") + pod.toUtf8() + " is kept")),
            err.constData());
        QVERIFY2(err.contains("activeDeadlineSeconds"), err.constData());

        const Run att = run(m_cli,
            QStringList {QStringLiteral("capture"), QStringLiteral("--attach"), out,
                QStringLiteral("--duration"), QStringLiteral("2s"), QStringLiteral("--remove-remote")}
                + kubeArgs());
        QVERIFY2(att.code == 0, att.err.constData());
        QVERIFY2(att.err.contains("removed the dropped session's debug pod"), att.err.constData());
        QVERIFY(remoteProcessGone(m_node, pid));
        const int left = debugPodsLeft();
        if (left != 0) // leave the lab clean either way
            run(m_cli, QStringList {QStringLiteral("cleanup")} + kubeArgs());
        QCOMPARE(left, 0);
    }

    void kubeFetchCutMidwayResumesIdentical()
    {
        if (!kubeAvailable())
            QSKIP("the lab runs without kubesim (no kubeconfig): the kube transport cannot be exercised");
        const QString remote = QStringLiteral("/var/tmp/lbscope-kube-resume-test.bin");
        QCOMPARE(randomFileOnNode(remote, 300), 0);
        const QString out = m_tmp.path() + QStringLiteral("/kube-fetch");
        const QString part = out + QStringLiteral("/lbscope-kube-resume-test.bin.part");
        const QStringList args = QStringList {QStringLiteral("fetch"), QStringLiteral("--node"), m_node,
                                     remote, QStringLiteral("--out"), out}
            + kubeArgs();
        QProcess fetch;
        fetch.start(m_cli, args);
        QVERIFY(fetch.waitForStarted());
        waitForPart(fetch, part, 4 * 1024 * 1024);
        QVERIFY2(fetch.state() != QProcess::NotRunning,
            qPrintable(QStringLiteral("fetch ended before the cut (exit %1): %2")
                           .arg(fetch.exitCode())
                           .arg(QString::fromUtf8(fetch.readAllStandardError()))));
        QVERIFY(interrupt(fetch));
        QVERIFY(fetch.waitForFinished(60000));
        QCOMPARE(fetch.exitCode(), 130);
        const qint64 partSize = QFileInfo(part).size();
        QVERIFY2(partSize > 0 && partSize < 300 * 1024 * 1024, qPrintable(QString::number(partSize)));
        QTRY_COMPARE_WITH_TIMEOUT(debugPodsLeft(), 0, 30000); // the cut run removed its pod
        const Run again = run(m_cli, args);
        QVERIFY2(again.code == 0, again.err.constData());
        QVERIFY2(again.err.contains("resumed"), again.err.constData());
        QCOMPARE(localSha(out + QStringLiteral("/lbscope-kube-resume-test.bin")), nodeSha(m_node, remote));
        QVERIFY(!QFile::exists(part));
        const QJsonObject m = readJson(out + QStringLiteral("/manifest.json"));
        QCOMPARE(m.value(QStringLiteral("transport")).toString(), QStringLiteral("kube"));
        QCOMPARE(m.value(QStringLiteral("node")).toString(), m_node);
        QCOMPARE(debugPodsLeft(), 0);
        nodeExec(m_node, {QStringLiteral("rm"), QStringLiteral("-f"), remote});
    }

    void kubeFetchConnectionDroppedMidwayResumesIdentical()
    {
        // The network, not the user, cuts the download: every connection to the API server is reset
        // while the exec stream runs. fetch fails saying it resumes, deletes its pod once the API is
        // reachable again, and the next run continues from the .part to identical bytes.
        if (!kubeAvailable())
            QSKIP("the lab runs without kubesim (no kubeconfig): the kube transport cannot be exercised");
        const QString remote = QStringLiteral("/var/tmp/lbscope-kube-drop-test.bin");
        QCOMPARE(randomFileOnNode(remote, 200), 0);
        ApiRelay relay;
        const QString relayed = relayedKubeconfig(relay);
        QVERIFY(!relayed.isEmpty());
        const QString out = m_tmp.path() + QStringLiteral("/kube-drop");
        const QString part = out + QStringLiteral("/lbscope-kube-drop-test.bin.part");
        QProcess fetch;
        fetch.start(m_cli,
            {QStringLiteral("fetch"), QStringLiteral("--node"), m_node, remote, QStringLiteral("--out"), out,
                QStringLiteral("--kubeconfig"), relayed});
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
        QTRY_COMPARE_WITH_TIMEOUT(debugPodsLeft(), 0, 30000); // its pod went once the API answered again
        const Run again = run(m_cli,
            QStringList {QStringLiteral("fetch"), QStringLiteral("--node"), m_node, remote,
                QStringLiteral("--out"), out}
                + kubeArgs());
        QVERIFY2(again.code == 0, again.err.constData());
        QVERIFY2(again.err.contains("resumed"), again.err.constData());
        QCOMPARE(localSha(out + QStringLiteral("/lbscope-kube-drop-test.bin")), nodeSha(m_node, remote));
        QCOMPARE(debugPodsLeft(), 0);
        nodeExec(m_node, {QStringLiteral("rm"), QStringLiteral("-f"), remote});
    }

    void kubeReattachAfterDroppedConnection()
    {
        if (!kubeAvailable())
            QSKIP("the lab runs without kubesim (no kubeconfig): the kube transport cannot be exercised");
        const QString out = m_tmp.path() + QStringLiteral("/kube-attach");
        QProcess cap;
        cap.start(m_cli,
            QStringList {QStringLiteral("capture"), QStringLiteral("--node"), m_node,
                QStringLiteral("--iface"), QStringLiteral("eth1"), QStringLiteral("--ring"),
                QStringLiteral("1x2"), QStringLiteral("--out"), out}
                + kubeArgs());
        QVERIFY(cap.waitForStarted());
        QByteArray err;
        QTRY_VERIFY_WITH_TIMEOUT((err += cap.readAllStandardError()).contains("capturing on"), 120000);
        cap.kill(); // the laptop's connection dies with it: its debug pod stays behind
        cap.waitForFinished(5000);
        QCOMPARE(debugPodsLeft(), 1);
        const QJsonObject state = readJson(out + QStringLiteral("/.lbscope-session.json"));
        const qint64 pid = static_cast<qint64>(state.value(QStringLiteral("pid")).toDouble());
        QVERIFY(pid > 1);
        QVERIFY(!remoteProcessGone(m_node, pid));
        const Run att = run(m_cli,
            QStringList {QStringLiteral("capture"), QStringLiteral("--attach"), out,
                QStringLiteral("--duration"), QStringLiteral("2s"), QStringLiteral("--remove-remote")}
                + kubeArgs());
        QVERIFY2(att.code == 0, att.err.constData());
        QVERIFY2(att.err.contains("re-attached"), att.err.constData());
        QVERIFY2(att.err.contains("removed the dropped session's debug pod"), att.err.constData());
        QVERIFY(remoteProcessGone(m_node, pid));
        const QJsonObject m = readJson(out + QStringLiteral("/manifest.json"));
        QCOMPARE(m.value(QStringLiteral("transport")).toString(), QStringLiteral("kube"));
        QVERIFY(!m.value(QStringLiteral("files")).toArray().isEmpty());
        const int left = debugPodsLeft();
        if (left != 0) // leave the lab clean either way
            run(m_cli, QStringList {QStringLiteral("cleanup")} + kubeArgs());
        QCOMPARE(debugPodsLeft(), 0);
        QCOMPARE(left, 0);
    }

    void kubeHostileInputsAreNeverExecuted_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<QString>("option");
        QTest::addColumn<QString>("value");
        QTest::addColumn<int>("expectedExit");
        const QString m = QStringLiteral("/tmp/pwned-%1").arg(QUuid::createUuid().toString(QUuid::Id128));
        const QString capture = QStringLiteral("capture");
        const QString fetch = QStringLiteral("fetch");
        QTest::newRow("capture node quotes")
            << capture << "--node" << QStringLiteral("lab-node-1'\"; touch %1").arg(m) << 2;
        QTest::newRow("capture node ;")
            << capture << "--node" << QStringLiteral("lab-node-1;touch %1").arg(m) << 2;
        QTest::newRow("capture node $()") << capture << "--node" << QStringLiteral("$(touch %1)").arg(m) << 2;
        QTest::newRow("capture node backticks")
            << capture << "--node" << QStringLiteral("`touch %1`").arg(m) << 2;
        QTest::newRow("capture node newline")
            << capture << "--node" << QStringLiteral("lab-node-1\ntouch %1").arg(m) << 2;
        QTest::newRow("capture iface ;")
            << capture << "--iface" << QStringLiteral("eth1;touch %1").arg(m) << 2;
        QTest::newRow("capture iface $()")
            << capture << "--iface" << QStringLiteral("$(touch %1)").arg(m) << 2;
        QTest::newRow("capture iface newline")
            << capture << "--iface" << QStringLiteral("eth1\ntouch %1").arg(m) << 2;
        QTest::newRow("capture filter $()")
            << capture << "--filter" << QStringLiteral("port 80 or $(touch %1)").arg(m) << 1;
        QTest::newRow("capture filter ; and quotes")
            << capture << "--filter" << QStringLiteral("port 80'; touch %1; echo '\"").arg(m) << 1;
        QTest::newRow("capture filter newline")
            << capture << "--filter" << QStringLiteral("port 80\ntouch %1").arg(m) << 2;
        QTest::newRow("fetch node ;")
            << fetch << "--node" << QStringLiteral("lab-node-1;touch %1").arg(m) << 2;
        QTest::newRow("fetch node $()") << fetch << "--node" << QStringLiteral("$(touch %1)").arg(m) << 2;
        QTest::newRow("fetch node newline")
            << fetch << "--node" << QStringLiteral("lab-node-1\ntouch %1").arg(m) << 2;
        QTest::newRow("fetch path $()")
            << fetch << "PATH" << QStringLiteral("/var/tmp/$(touch %1)").arg(m) << 1;
        QTest::newRow("fetch path ; and quotes")
            << fetch << "PATH" << QStringLiteral("/var/tmp/x'; touch %1; echo '").arg(m) << 1;
    }
    void kubeHostileInputsAreNeverExecuted()
    {
        if (!kubeAvailable())
            QSKIP("the lab runs without kubesim (no kubeconfig): the kube transport cannot be exercised");
        QFETCH(QString, command);
        QFETCH(QString, option);
        QFETCH(QString, value);
        QFETCH(int, expectedExit);
        const QString marker = value.mid(value.indexOf(QStringLiteral("/tmp/pwned-")), 43);
        QVERIFY(!markerAnywhere(marker));
        const QString out
            = m_tmp.path() + QStringLiteral("/kube-hostile-") + QUuid::createUuid().toString(QUuid::Id128);
        QStringList args;
        if (command == QStringLiteral("capture"))
            args = {command, QStringLiteral("--node"), m_node, QStringLiteral("--iface"),
                QStringLiteral("eth1"), QStringLiteral("--ring"), QStringLiteral("1x1"),
                QStringLiteral("--duration"), QStringLiteral("2s"), QStringLiteral("--out"), out};
        else
            args = {command, QStringLiteral("--node"), m_node,
                QStringLiteral("/var/tmp/lbscope-no-such-file"), QStringLiteral("--out"), out};
        if (option == QStringLiteral("PATH")) {
            args[3] = value;
        } else {
            const auto at = args.indexOf(option);
            if (at >= 0)
                args[at + 1] = value;
            else
                args << option << value;
        }
        const Run r = run(m_cli, args + kubeArgs());
        QVERIFY2(r.code == expectedExit || (expectedExit == 1 && r.code == 2),
            qPrintable(QStringLiteral("exit %1: %2").arg(r.code).arg(QString::fromUtf8(r.err))));
        QVERIFY2(!r.err.isEmpty(), "refused without saying why");
        QVERIFY2(!markerAnywhere(marker), qPrintable(marker + QStringLiteral(" was created")));
        QTRY_COMPARE_WITH_TIMEOUT(debugPodsLeft(), 0, 30000);
    }

    void hostileInputsAreNeverExecuted_data()
    {
        QTest::addColumn<QString>("option");
        QTest::addColumn<QString>("value");
        QTest::addColumn<int>("expectedExit");
        const QString m = QStringLiteral("/tmp/pwned-%1").arg(QUuid::createUuid().toString(QUuid::Id128));
        QTest::newRow("filter $()") << "--filter" << QStringLiteral("port 80 or $(touch %1)").arg(m) << 1;
        QTest::newRow("filter backticks") << "--filter" << QStringLiteral("`touch %1`").arg(m) << 1;
        QTest::newRow("filter ; and quotes")
            << "--filter" << QStringLiteral("port 80'; touch %1; echo '\"").arg(m) << 1;
        QTest::newRow("filter newline") << "--filter" << QStringLiteral("port 80\ntouch %1").arg(m) << 2;
        QTest::newRow("iface ;") << "--iface" << QStringLiteral("eth1;touch %1").arg(m) << 2;
        QTest::newRow("iface $()") << "--iface" << QStringLiteral("$(touch %1)").arg(m) << 2;
        QTest::newRow("ssh host ;") << "--ssh" << QStringLiteral("root@127.0.0.1;touch %1").arg(m) << 1;
        QTest::newRow("remote dir") << "--remote-dir" << QStringLiteral("/tmp/$(touch %1)").arg(m) << 2;
    }
    void hostileInputsAreNeverExecuted()
    {
        QFETCH(QString, option);
        QFETCH(QString, value);
        QFETCH(int, expectedExit);
        const QString marker = value.mid(value.indexOf(QStringLiteral("/tmp/pwned-")), 43);
        QStringList args {QStringLiteral("capture"), QStringLiteral("--ssh"), m_sshTarget,
            QStringLiteral("--iface"), QStringLiteral("eth1"), QStringLiteral("--ring"),
            QStringLiteral("1x1"), QStringLiteral("--duration"), QStringLiteral("2s"),
            QStringLiteral("--out"),
            m_tmp.path() + QStringLiteral("/hostile-") + QUuid::createUuid().toString(QUuid::Id128)};
        const auto at = args.indexOf(option);
        if (at >= 0)
            args[at + 1] = value;
        else
            args << option << value;
        const Run r = run(m_cli, args + sshArgs());
        QVERIFY2(r.code == expectedExit || (expectedExit == 1 && r.code == 2),
            qPrintable(QStringLiteral("exit %1: %2").arg(r.code).arg(QString::fromUtf8(r.err))));
        for (const auto &n : m_status.value(QStringLiteral("nodes")).toArray()) {
            const QString node = n.toObject().value(QStringLiteral("name")).toString();
            QVERIFY2(nodeExec(node, {QStringLiteral("test"), QStringLiteral("-e"), marker}).code != 0,
                qPrintable(QStringLiteral("%1 exists on %2").arg(marker, node)));
        }
        QVERIFY(!QFile::exists(marker));
    }
};

QTEST_GUILESS_MAIN(TestLabCapture)
#include "tst_labcapture.moc"
