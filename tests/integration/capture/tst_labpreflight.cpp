// Lab integration tests (label lab, needs the lab fixture) of the capture paths around preflight:
// a non-root SSH login that captures through `sudo -n` (the lab's view user lbsuser), a user whose
// sudo wants a password (lbsnosudo) and one without sudo (lbsnosudobin) — both refused fast, saying
// what to do — and each preflight refusal (interface missing, ring larger than the free disk, a
// filter tcpdump rejects, no tcpdump) over SSH as root, over SSH through sudo, and over the
// Kubernetes debug pod (the image's tools and, with --host-tcpdump, the node's own). Every refusal
// must exit 1 with a message on stderr that names the node and what to do, and leave nothing
// behind: no debug pod (asked of kubesim with curl), no tcpdump in the node's network namespace,
// no file in the remote capture directory.
#include "labsupport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#include <cmath>
#include <csignal>
#include <unistd.h>

using namespace labsupport;

class TestLabPreflight : public QObject {
    Q_OBJECT

private:
    QString m_cli = QStringLiteral(LBSCOPE_CLI);
    Lab m_lab;
    QTemporaryDir m_tmp;

    QString sshTarget(const QString &user) const
    {
        return user + QStringLiteral("@127.0.0.1:") + m_lab.sshPort;
    }
    // tcpdump processes in the node's network namespace (pgrep on the host: 0 when none).
    int tcpdumpsOnNode()
    {
        const Run r = run(QStringLiteral("pgrep"),
            {QStringLiteral("-x"), QStringLiteral("tcpdump"), QStringLiteral("--ns"),
                QString::number(m_lab.nodePid), QStringLiteral("--nslist"), QStringLiteral("net")},
            20000);
        if (r.code == 1)
            return 0;
        if (r.code != 0)
            return -1;
        return static_cast<int>(r.out.trimmed().split('\n').size());
    }
    // Files (of any kind, at any depth) under DIR on the node; 0 also when DIR does not exist.
    int filesIn(const QString &dir)
    {
        const Run r = m_lab.nodeExec(m_lab.node,
            {QStringLiteral("sh"), QStringLiteral("-c"),
                QStringLiteral("[ -d \"$1\" ] || { echo 0; exit 0; }; find \"$1\" -mindepth 1 | wc -l"),
                QStringLiteral("sh"), dir});
        return r.code == 0 ? r.out.trimmed().toInt() : -1;
    }
    QJsonObject viewUser(const QString &sudoRule) const
    {
        for (const auto &u : m_lab.status.value(QStringLiteral("view_users")).toArray())
            if (u.toObject().value(QStringLiteral("sudo")).toString() == sudoRule)
                return u.toObject();
        return {};
    }
    // The capture directory's own files (manifest, session state, rotated pcaps) are readable by
    // and belong to whoever ran lbscope-cli.
    static bool ownedAndReadable(const QString &path)
    {
        const QFileInfo fi(path);
        return fi.exists() && fi.isReadable() && fi.ownerId() == ::geteuid();
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(QFile::exists(m_cli), "lbscope-cli is not built");
        QString error;
        QVERIFY2(m_lab.load(error), qPrintable(error));
        QVERIFY2(m_lab.nodePid > 1, "lab status names no view anchor (node_pid) for the VIP holder");
        QCOMPARE(tcpdumpsOnNode(), 0);
    }

    // ---- a. a non-root login captures through sudo -n; one whose sudo wants a password is refused ----

    void nonRootCaptureThroughSudoMatchesNode()
    {
        const QJsonObject user = viewUser(QStringLiteral("nopasswd"));
        if (user.isEmpty() || !user.value(QStringLiteral("sudo_installed")).toBool())
            QSKIP("the lab has no view user with passwordless sudo (lab status view_users; sudo comes "
                  "from scripts/deps test)");
        const QString login = user.value(QStringLiteral("name")).toString();
        // the login really is not root: lbscope has to go through sudo
        const Run who = run(QStringLiteral("ssh"),
            {QStringLiteral("-i"), m_lab.key, QStringLiteral("-o"),
                QStringLiteral("UserKnownHostsFile=") + m_lab.knownHosts, QStringLiteral("-o"),
                QStringLiteral("StrictHostKeyChecking=yes"), QStringLiteral("-o"),
                QStringLiteral("BatchMode=yes"), QStringLiteral("-p"), m_lab.sshPort,
                login + QStringLiteral("@127.0.0.1"), QStringLiteral("id -u")},
            30000);
        QCOMPARE(who.code, 0);
        QCOMPARE(who.out.trimmed(), QByteArray::number(user.value(QStringLiteral("uid")).toInt()));

        const QString out = m_tmp.path() + QStringLiteral("/sudo-capture");
        QProcess cap;
        cap.start(m_cli,
            QStringList {QStringLiteral("capture"), QStringLiteral("--ssh"), sshTarget(login),
                QStringLiteral("--iface"), QStringLiteral("eth1"), QStringLiteral("--ring"),
                QStringLiteral("1x2"), QStringLiteral("--out"), out}
                + m_lab.sshArgs());
        QVERIFY(cap.waitForStarted());
        QByteArray err;
        QTRY_VERIFY_WITH_TIMEOUT((err += cap.readAllStandardError()).contains("capturing on")
                || cap.state() == QProcess::NotRunning,
            60000);
        err += cap.readAllStandardError();
        QVERIFY2(cap.state() == QProcess::Running, err.constData());
        const QJsonObject state = readJson(out + QStringLiteral("/.lbscope-session.json"));
        const qint64 pid = static_cast<qint64>(state.value(QStringLiteral("pid")).toDouble());
        QVERIFY(pid > 1);
        // tcpdump runs as root on the node (sudo), in a session of its own
        const Run status
            = m_lab.nodeExec(m_lab.node, {QStringLiteral("cat"), QStringLiteral("/proc/%1/status").arg(pid)});
        QVERIFY2(status.code == 0, status.err.constData());
        QVERIFY2(QRegularExpression(QStringLiteral("\\nUid:\\s+0\\s"))
                     .match(QString::fromUtf8(status.out))
                     .hasMatch(),
            status.out.constData());
        QTest::qWait(1500); // some packets (VRRP adverts on eth1, one a second)
        QVERIFY(interrupt(cap)); // stop and download
        QVERIFY(cap.waitForFinished(120000));
        err += cap.readAllStandardError();
        QVERIFY2(cap.exitStatus() == QProcess::NormalExit && cap.exitCode() == 0, err.constData());
        QCOMPARE(tcpdumpsOnNode(), 0);

        const QJsonObject m = readJson(out + QStringLiteral("/manifest.json"));
        QCOMPARE(m.value(QStringLiteral("transport")).toString(), QStringLiteral("ssh"));
        QCOMPARE(m.value(QStringLiteral("node")).toString(), m_lab.node);
        QVERIFY(!m.value(QStringLiteral("tcpdump_version")).toString().isEmpty());
        const QJsonArray files = m.value(QStringLiteral("files")).toArray();
        QVERIFY(!files.isEmpty());
        QVERIFY(ownedAndReadable(out + QStringLiteral("/manifest.json")));
        QStringList remote;
        for (const auto &fv : files) {
            const QJsonObject f = fv.toObject();
            const QString local = out + QLatin1Char('/') + f.value(QStringLiteral("name")).toString();
            const QString path = f.value(QStringLiteral("remote_path")).toString();
            remote << path;
            QVERIFY2(ownedAndReadable(local), qPrintable(local));
            QCOMPARE(localSha(local), f.value(QStringLiteral("sha256")).toString().toUtf8());
            QCOMPARE(localSha(local), m_lab.nodeSha(m_lab.node, path));
            QVERIFY(f.value(QStringLiteral("packets")).toDouble() > 0);
            // written by root through sudo, not by the login user
            QCOMPARE(m_lab
                         .nodeExec(m_lab.node,
                             {QStringLiteral("stat"), QStringLiteral("-c"), QStringLiteral("%u"), path})
                         .out.trimmed(),
                QByteArray("0"));
        }
        // a root-only file on the node is fetched through sudo too
        const QString secret = QStringLiteral("/root/lbscope-sudo-fetch-%1.bin").arg(uniqueName());
        QCOMPARE(m_lab
                     .nodeExec(m_lab.node,
                         {QStringLiteral("sh"), QStringLiteral("-c"),
                             QStringLiteral("umask 077; head -c 3000000 /dev/urandom > \"$1\""),
                             QStringLiteral("sh"), secret})
                     .code,
            0);
        const QString fetchOut = m_tmp.path() + QStringLiteral("/sudo-fetch");
        const Run fetch = run(m_cli,
            QStringList {QStringLiteral("fetch"), QStringLiteral("--ssh"), sshTarget(login), secret,
                QStringLiteral("--out"), fetchOut}
                + m_lab.sshArgs());
        QVERIFY2(fetch.code == 0, fetch.err.constData());
        const QString fetched = fetchOut + QLatin1Char('/') + QFileInfo(secret).fileName();
        QVERIFY(ownedAndReadable(fetched));
        QCOMPARE(localSha(fetched), m_lab.nodeSha(m_lab.node, secret));
        m_lab.nodeExec(m_lab.node,
            QStringList {QStringLiteral("rm"), QStringLiteral("-f"), QStringLiteral("--"), secret,
                state.value(QStringLiteral("pid_file")).toString(),
                state.value(QStringLiteral("stderr_file")).toString()}
                + remote);
    }

    // Through sudo, a dropped capture is re-attached (stopped with sudo kill, its root-owned files
    // downloaded and removed with sudo rm), and an aborted one leaves no tcpdump and no file.
    void nonRootDroppedThenAttachedAndAbortedThroughSudo()
    {
        const QJsonObject user = viewUser(QStringLiteral("nopasswd"));
        if (user.isEmpty() || !user.value(QStringLiteral("sudo_installed")).toBool())
            QSKIP("the lab has no view user with passwordless sudo (lab status view_users; sudo comes "
                  "from scripts/deps test)");
        const QString login = user.value(QStringLiteral("name")).toString();
        for (const bool abort : {false, true}) {
            const QString remoteDir = QStringLiteral("/var/tmp/lbscope-pf-") + uniqueName();
            const QString out
                = m_tmp.path() + (abort ? QStringLiteral("/sudo-abort") : QStringLiteral("/sudo-attach"));
            QProcess cap;
            cap.start(m_cli,
                QStringList {QStringLiteral("capture"), QStringLiteral("--ssh"), sshTarget(login),
                    QStringLiteral("--iface"), QStringLiteral("eth1"), QStringLiteral("--ring"),
                    QStringLiteral("1x2"), QStringLiteral("--remote-dir"), remoteDir, QStringLiteral("--out"),
                    out}
                    + m_lab.sshArgs());
            QVERIFY(cap.waitForStarted());
            QByteArray err;
            QTRY_VERIFY_WITH_TIMEOUT((err += cap.readAllStandardError()).contains("capturing on")
                    || cap.state() == QProcess::NotRunning,
                60000);
            QVERIFY2(cap.state() == QProcess::Running, err.constData());
            const QJsonObject state = readJson(out + QStringLiteral("/.lbscope-session.json"));
            const qint64 pid = static_cast<qint64>(state.value(QStringLiteral("pid")).toDouble());
            QVERIFY(pid > 1);
            QCOMPARE(tcpdumpsOnNode(), 1);
            if (abort) {
                QVERIFY(interrupt(cap)); // stop...
                QTest::qWait(50);
                QVERIFY2(interrupt(cap), "the capture ended before the abort"); // ...and abort
                QVERIFY(cap.waitForFinished(60000));
                err += cap.readAllStandardError();
                QVERIFY2(cap.exitCode() == 130, err.constData());
                QVERIFY2(err.contains("remote files removed"), err.constData());
            } else {
                cap.kill(); // the connection dies with it; tcpdump keeps running as root
                cap.waitForFinished(5000);
                QTest::qWait(500);
                QCOMPARE(tcpdumpsOnNode(), 1);
                const Run att = run(m_cli,
                    QStringList {QStringLiteral("capture"), QStringLiteral("--attach"), out,
                        QStringLiteral("--duration"), QStringLiteral("2s"), QStringLiteral("--remove-remote")}
                        + m_lab.sshArgs());
                QVERIFY2(att.code == 0, att.err.constData());
                QVERIFY2(att.err.contains("re-attached"), att.err.constData());
                const QJsonObject m = readJson(out + QStringLiteral("/manifest.json"));
                QCOMPARE(
                    m.value(QStringLiteral("endpoint")).toString().section(QLatin1Char('@'), 0, 0), login);
                const QJsonArray files = m.value(QStringLiteral("files")).toArray();
                QVERIFY(!files.isEmpty());
                for (const auto &fv : files) {
                    const QString local
                        = out + QLatin1Char('/') + fv.toObject().value(QStringLiteral("name")).toString();
                    QVERIFY2(ownedAndReadable(local), qPrintable(local));
                    QCOMPARE(
                        localSha(local), fv.toObject().value(QStringLiteral("sha256")).toString().toUtf8());
                }
            }
            QCOMPARE(tcpdumpsOnNode(), 0);
            QCOMPARE(filesIn(remoteDir), 0); // root-owned files removed through sudo rm
            m_lab.nodeExec(
                m_lab.node, {QStringLiteral("rm"), QStringLiteral("-rf"), QStringLiteral("--"), remoteDir});
        }
    }

    void nonRootWithoutUsableSudoFailsFast_data()
    {
        QTest::addColumn<QString>("sudoRule");
        QTest::addColumn<QString>("expected");
        QTest::newRow("sudo wants a password")
            << QStringLiteral("password") << QStringLiteral("wants a password, and lbscope runs sudo -n");
        QTest::newRow("sudo not installed")
            << QStringLiteral("absent") << QStringLiteral("is not root, and sudo is not installed there");
    }
    void nonRootWithoutUsableSudoFailsFast()
    {
        QFETCH(QString, sudoRule);
        QFETCH(QString, expected);
        const QJsonObject user = viewUser(sudoRule);
        if (user.isEmpty() || !user.value(QStringLiteral("sudo_installed")).toBool())
            QSKIP(qPrintable(QStringLiteral("the lab has no view user with sudo rule '%1' (lab status "
                                            "view_users; sudo comes from scripts/deps test)")
                                 .arg(sudoRule)));
        const QString login = user.value(QStringLiteral("name")).toString();
        const QString remoteDir = QStringLiteral("/var/tmp/lbscope-pf-") + uniqueName();
        const QString out = m_tmp.path() + QStringLiteral("/nosudo-") + sudoRule;
        const Run cap = run(m_cli,
            QStringList {QStringLiteral("capture"), QStringLiteral("--ssh"), sshTarget(login),
                QStringLiteral("--iface"), QStringLiteral("eth1"), QStringLiteral("--ring"),
                QStringLiteral("1x2"), QStringLiteral("--duration"), QStringLiteral("3s"),
                QStringLiteral("--remote-dir"), remoteDir, QStringLiteral("--out"), out}
                + m_lab.sshArgs(),
            60000);
        QVERIFY2(cap.code == 1,
            qPrintable(QStringLiteral("exit %1: %2").arg(cap.code).arg(QString::fromUtf8(cap.err))));
        qInfo("refused in %lld ms: %s", static_cast<long long>(cap.ms), cap.err.trimmed().constData());
        QVERIFY2(cap.ms < 15000, qPrintable(QStringLiteral("took %1 ms").arg(cap.ms)));
        QVERIFY2(cap.err.contains(expected.toUtf8()), cap.err.constData());
        QVERIFY2(cap.err.contains("log in as root"), cap.err.constData());
        QVERIFY2(cap.err.contains("passwordless sudo"), cap.err.constData()); // what to do
        // honest about what sudo must allow: commands go through `sudo -n -- sh -c`, so a rule listing
        // a few tools does not work
        QVERIFY2(cap.err.contains("NOPASSWD: ALL") && cap.err.contains("sh -c"), cap.err.constData());
        QVERIFY2(!cap.err.contains("tcpdump, kill, stat"), cap.err.constData());
        QVERIFY2(cap.err.contains(QByteArray(QByteArray("127.0.0.1:") + m_lab.sshPort.toUtf8())),
            cap.err.constData()); // where
        QVERIFY2(!cap.err.contains("double free") && !cap.err.contains("Assertion"), cap.err.constData());
        QCOMPARE(tcpdumpsOnNode(), 0);
        QCOMPARE(filesIn(remoteDir), 0);
        QVERIFY2(
            m_lab.nodeExec(m_lab.node, {QStringLiteral("test"), QStringLiteral("-e"), remoteDir}).code != 0,
            "the refused login still created the remote directory");
        QVERIFY(!QFile::exists(out + QStringLiteral("/manifest.json")));
    }

    // ---- b. preflight refusals, over SSH (root, and a login using sudo -n) and over the debug pod ----

    void preflightRefusals_data()
    {
        QTest::addColumn<QString>("transport");
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QStringList>("args");
        for (const QString &transport : {QStringLiteral("ssh"), QStringLiteral("ssh-sudo"),
                 QStringLiteral("kube"), QStringLiteral("kube-host")}) {
            const auto row = [&](const char *name) {
                return &QTest::newRow(qPrintable(transport + QLatin1Char(' ') + QLatin1String(name)));
            };
            *row("no such interface")
                << transport << QStringLiteral("iface")
                << QStringList {QStringLiteral("--iface"), QStringLiteral("lbsnosuch0")};
            *row("ring larger than the disk")
                << transport << QStringLiteral("disk")
                << QStringList {QStringLiteral("--iface"), QStringLiteral("eth1"), QStringLiteral("--ring"),
                       QStringLiteral("100000x1000")};
            *row("filter: port out of range")
                << transport << QStringLiteral("filter")
                << QStringList {QStringLiteral("--iface"), QStringLiteral("eth1"), QStringLiteral("--filter"),
                       QStringLiteral("tcp port 99999")};
            *row("filter: syntax error")
                << transport << QStringLiteral("filter")
                << QStringList {QStringLiteral("--iface"), QStringLiteral("eth1"), QStringLiteral("--filter"),
                       QStringLiteral("tcp and and host")};
            *row("no tcpdump") << transport << QStringLiteral("tcpdump")
                               << QStringList {QStringLiteral("--iface"), QStringLiteral("eth1"),
                                      QStringLiteral("--tcpdump"), QStringLiteral("/nonexistent/tcpdump")};
        }
    }
    void preflightRefusals()
    {
        QFETCH(QString, transport);
        QFETCH(QString, kind);
        QFETCH(QStringList, args);
        if (transport.startsWith(QStringLiteral("kube")) && !m_lab.kubeAvailable())
            QSKIP("the lab runs without kubesim (no kubeconfig): the kube transport cannot be exercised");
        const QString remoteDir = QStringLiteral("/var/tmp/lbscope-pf-") + uniqueName();
        const QString out = m_tmp.path() + QStringLiteral("/pf-") + uniqueName();
        QStringList full {QStringLiteral("capture")};
        if (transport == QStringLiteral("ssh")) {
            full << QStringLiteral("--ssh") << sshTarget(QStringLiteral("root")) << m_lab.sshArgs();
        } else if (transport == QStringLiteral("ssh-sudo")) {
            const QJsonObject user = viewUser(QStringLiteral("nopasswd"));
            if (user.isEmpty() || !user.value(QStringLiteral("sudo_installed")).toBool())
                QSKIP("the lab has no view user with passwordless sudo (lab status view_users; sudo comes "
                      "from scripts/deps test)");
            full << QStringLiteral("--ssh") << sshTarget(user.value(QStringLiteral("name")).toString())
                 << m_lab.sshArgs();
        } else {
            full << QStringLiteral("--node") << m_lab.node << m_lab.kubeArgs();
            if (transport == QStringLiteral("kube-host")) // the node's own tools, chroot /host
                full << QStringLiteral("--host-tcpdump");
        }
        full << args << QStringLiteral("--duration") << QStringLiteral("3s") << QStringLiteral("--remote-dir")
             << remoteDir << QStringLiteral("--out") << out;
        if (!args.contains(QStringLiteral("--ring")))
            full << QStringLiteral("--ring") << QStringLiteral("1x2");
        const Run r = run(m_cli, full, 120000);
        const QString err = QString::fromUtf8(r.err);
        qInfo("refused in %lld ms: %s", static_cast<long long>(r.ms), r.err.trimmed().constData());
        QVERIFY2(r.code == 1, qPrintable(QStringLiteral("exit %1: %2").arg(r.code).arg(err)));
        QVERIFY2(err.contains(QStringLiteral("preflight")) || err.contains(QStringLiteral("could not run")),
            qPrintable(err));
        QVERIFY2(err.contains(m_lab.node), qPrintable(QStringLiteral("the node is not named: ") + err));
        QVERIFY2(!err.contains(QStringLiteral("double free")), qPrintable(err));

        if (kind == QStringLiteral("iface")) {
            QVERIFY2(
                err.contains(QStringLiteral("interface lbsnosuch0 does not exist on node ") + m_lab.node),
                qPrintable(err));
            // what to do: the message lists the node's real interfaces
            const Run links = m_lab.nodeExec(
                m_lab.node, {QStringLiteral("ip"), QStringLiteral("-j"), QStringLiteral("link")});
            const QJsonArray arr = QJsonDocument::fromJson(links.out).array();
            QVERIFY(arr.size() >= 3);
            for (const auto &l : arr) {
                const QString name = l.toObject().value(QStringLiteral("ifname")).toString();
                QVERIFY2(err.contains(name), qPrintable(name + QStringLiteral(" not listed: ") + err));
            }
        } else if (kind == QStringLiteral("disk")) {
            const QRegularExpressionMatch mm
                = QRegularExpression(QStringLiteral("the ring needs (\\d+) MB, (\\d+) MB are free"))
                      .match(err);
            QVERIFY2(mm.hasMatch(), qPrintable(err));
            QVERIFY(mm.captured(1).toLongLong() >= 100000LL * 1000);
            // the free space it names is the node's (df there, give or take other writers)
            const Run df = m_lab.nodeExec(m_lab.node,
                {QStringLiteral("df"), QStringLiteral("-B1"), QStringLiteral("--output=avail"),
                    QStringLiteral("/var/tmp")});
            const double nodeFreeMb = df.out.split('\n').value(1).trimmed().toDouble() / 1e6;
            const double saidMb = mm.captured(2).toDouble();
            QVERIFY2(nodeFreeMb > 0 && std::abs(saidMb - nodeFreeMb) < 0.05 * nodeFreeMb + 200,
                qPrintable(QStringLiteral("said %1 MB free, df says %2 MB").arg(saidMb).arg(nodeFreeMb)));
            QVERIFY2(err.contains(QStringLiteral("smaller --ring")), qPrintable(err));
        } else if (kind == QStringLiteral("filter")) {
            const QString filter = args.value(args.indexOf(QStringLiteral("--filter")) + 1);
            QVERIFY2(err.contains(
                         QStringLiteral("the BPF filter '") + filter + QStringLiteral("' is not accepted")),
                qPrintable(err));
            // tcpdump's own reason, as the node's tcpdump gives it
            const Run own = m_lab.nodeExec(m_lab.node,
                {QStringLiteral("tcpdump"), QStringLiteral("-i"), QStringLiteral("eth1"),
                    QStringLiteral("-d"), QStringLiteral("--"), filter});
            QVERIFY(own.code != 0);
            QString reason = QString::fromUtf8(own.err).trimmed().section(QLatin1Char('\n'), -1);
            reason.remove(QRegularExpression(QStringLiteral("^tcpdump: ")));
            QVERIFY(!reason.isEmpty());
            QVERIFY2(err.contains(reason),
                qPrintable(QStringLiteral("tcpdump said '%1'; lbscope: %2").arg(reason, err)));
            QVERIFY2(err.contains(QStringLiteral("pcap-filter")), qPrintable(err));
        } else if (kind == QStringLiteral("tcpdump")) {
            QVERIFY2(err.contains(QStringLiteral("/nonexistent/tcpdump")), qPrintable(err));
            QVERIFY2(
                err.contains(QStringLiteral("not found")) || err.contains(QStringLiteral("could not run")),
                qPrintable(err));
            // The hint fits the way tcpdump was looked for.
            const QString hint = transport == QStringLiteral("kube-host")
                ? QStringLiteral("leave out --host-tcpdump")
                : transport == QStringLiteral("kube") ? QStringLiteral("(--image)")
                                                      : QStringLiteral("give its path with --tcpdump");
            QVERIFY2(err.contains(hint), qPrintable(QStringLiteral("expected '%1' in: %2").arg(hint, err)));
        }
        // nothing left behind
        QCOMPARE(tcpdumpsOnNode(), 0);
        QCOMPARE(filesIn(remoteDir), 0);
        // nor the directory preflight's mkdir -p made (over the debug pod the hostPath mount makes it)
        if (transport.startsWith(QStringLiteral("ssh")))
            QVERIFY2(
                m_lab.nodeExec(m_lab.node, {QStringLiteral("test"), QStringLiteral("-e"), remoteDir}).code
                    != 0,
                qPrintable(QStringLiteral("the refused preflight left %1 behind").arg(remoteDir)));
        QVERIFY(!QFile::exists(out + QStringLiteral("/manifest.json")));
        if (transport.startsWith(QStringLiteral("kube")))
            QTRY_COMPARE_WITH_TIMEOUT(m_lab.debugPodsLeft(), 0, 30000);
        m_lab.nodeExec(
            m_lab.node, {QStringLiteral("rm"), QStringLiteral("-rf"), QStringLiteral("--"), remoteDir});
    }
};

QTEST_GUILESS_MAIN(TestLabPreflight)
#include "tst_labpreflight.moc"
