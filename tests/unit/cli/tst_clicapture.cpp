// lbscope-cli capture/locate usage and interrupt handling, run as the real binary: numeric options
// parsed strictly (usage errors exit 2 before connecting), a third Ctrl+C says what may be left
// running, and Ctrl+C while locating exits 130 through the cleanup path instead of dying by SIGINT.
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <thread>

namespace {

/// The binary under test; LBSCOPE_CLI_UNDER_TEST runs the same checks against another build (e.g. one
/// from before a fix, to see the test fail).
QString cli()
{
    return qEnvironmentVariable("LBSCOPE_CLI_UNDER_TEST", QStringLiteral(LBSCOPE_CLI));
}

struct Run {
    int code = -1; ///< exit code; -2 when killed by a signal, -1 when it timed out
    QByteArray err;
    qint64 ms = 0;
};

Run runCli(const QStringList &args, int timeoutMs = 30000)
{
    QElapsedTimer t;
    t.start();
    QProcess p;
    p.start(cli(), args);
    Run r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished(5000);
        r.err = "timed out";
        return r;
    }
    r.ms = t.elapsed();
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
    r.err = p.readAllStandardError();
    return r;
}

/// SIGINT to a child that still runs (never to pid 0: that would hit this test's process group).
bool interrupt(QProcess &p)
{
    const qint64 pid = p.processId();
    return pid > 0 && ::kill(static_cast<pid_t>(pid), SIGINT) == 0;
}

} // namespace

class TestCliCapture : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    QTcpServer m_silent; // accepts TCP and never answers: SSH and TLS handshakes hang there
    QStringList m_sshArgs;

    QStringList silentSsh() const
    {
        return {QStringLiteral("--ssh"), QStringLiteral("root@127.0.0.1:%1").arg(m_silent.serverPort())};
    }

private slots:
    void initTestCase()
    {
        QVERIFY(QFile::exists(cli()));
        QVERIFY(m_tmp.isValid());
        QVERIFY(m_silent.listen(QHostAddress::LocalHost));
        m_sshArgs = {QStringLiteral("--ssh-config"), QStringLiteral("none"), QStringLiteral("--known-hosts"),
            m_tmp.path() + QStringLiteral("/known_hosts")};
    }

    // ---- every numeric option of capture is parsed strictly: whole string, in range ----
    void numericOptionsAreStrict_data()
    {
        QTest::addColumn<QStringList>("option");
        QTest::addColumn<QString>("expected");
        const auto row = [](const char *name, QStringList o, const char *e) {
            QTest::newRow(name) << o << QString::fromLatin1(e);
        };
        row("snaplen trailing junk", {QStringLiteral("--snaplen"), QStringLiteral("12abc")},
            "--snaplen '12abc'");
        row("snaplen empty", {QStringLiteral("--snaplen=")}, "--snaplen ''");
        row("snaplen negative", {QStringLiteral("--snaplen"), QStringLiteral("-1")}, "out of range");
        row("snaplen too big", {QStringLiteral("--snaplen"), QStringLiteral("262145")}, "out of range");
        row("snaplen overflow", {QStringLiteral("--snaplen"), QStringLiteral("99999999999")}, "out of range");
        row("snaplen plus sign", {QStringLiteral("--snaplen"), QStringLiteral("+5")}, "not a whole number");
        row("snaplen leading space", {QStringLiteral("--snaplen"), QStringLiteral(" 5")},
            "not a whole number");
        row("snaplen float", {QStringLiteral("--snaplen"), QStringLiteral("1e3")}, "not a whole number");
        row("ring trailing junk", {QStringLiteral("--ring"), QStringLiteral("10x5abc")}, "SIZE_MBxCOUNT");
        row("ring zero", {QStringLiteral("--ring"), QStringLiteral("0x5")}, "SIZE_MBxCOUNT");
        row("duration junk", {QStringLiteral("--duration"), QStringLiteral("5q")}, "unknown unit");
        row("duration negative", {QStringLiteral("--duration"), QStringLiteral("-5")}, "not a duration");
    }
    void numericOptionsAreStrict()
    {
        QFETCH(QStringList, option);
        QFETCH(QString, expected);
        // a silent SSH target: had the command tried to connect, it would hang until the timeout
        const Run r = runCli(QStringList {QStringLiteral("capture")} + silentSsh() + m_sshArgs
                + QStringList {QStringLiteral("--iface"), QStringLiteral("lo"), QStringLiteral("--out"),
                    m_tmp.path() + QStringLiteral("/never")}
                + option,
            20000);
        QVERIFY2(
            r.code == 2, qPrintable(QStringLiteral("exit %1: %2").arg(r.code).arg(QString::fromUtf8(r.err))));
        QVERIFY2(r.err.contains(expected.toUtf8()), r.err.constData());
        QVERIFY2(r.ms < 5000, qPrintable(QStringLiteral("took %1 ms").arg(r.ms)));
        QVERIFY(!QFile::exists(m_tmp.path() + QStringLiteral("/never")));
    }

    void validNumbersAreAccepted()
    {
        // accepted values get past parsing: the command then connects (a closed port: refused, exit 1)
        QTcpServer closed;
        QVERIFY(closed.listen(QHostAddress::LocalHost));
        const quint16 port = closed.serverPort();
        closed.close();
        for (const QString &snap : {QStringLiteral("0"), QStringLiteral("262144"), QStringLiteral("96")}) {
            const Run r = runCli(
                QStringList {QStringLiteral("capture"), QStringLiteral("--ssh"),
                    QStringLiteral("root@127.0.0.1:%1").arg(port), QStringLiteral("--iface"),
                    QStringLiteral("lo"), QStringLiteral("--snaplen"), snap, QStringLiteral("--ring"),
                    QStringLiteral("1x2"), QStringLiteral("--duration"), QStringLiteral("1m30s"),
                    QStringLiteral("--out"), m_tmp.path() + QStringLiteral("/ok-") + snap}
                + m_sshArgs);
            QVERIFY2(r.code == 1,
                qPrintable(QStringLiteral("--snaplen %1: exit %2: %3")
                               .arg(snap)
                               .arg(r.code)
                               .arg(QString::fromUtf8(r.err))));
            QVERIFY2(!r.err.contains("--snaplen"), r.err.constData());
        }
    }

    // ---- the third Ctrl+C exits at once, saying what may be left behind ----
    void thirdInterruptSaysWhatMayBeLeft()
    {
        QProcess p;
        p.start(cli(),
            QStringList {QStringLiteral("capture")} + silentSsh() + m_sshArgs
                + QStringList {QStringLiteral("--iface"), QStringLiteral("lo"), QStringLiteral("--out"),
                    m_tmp.path() + QStringLiteral("/third")});
        QVERIFY(p.waitForStarted(5000));
        // connecting to the silent server: the handlers are installed by then
        QTest::qWait(700);
        QCOMPARE(p.state(), QProcess::Running);
        for (int i = 0; i < 3; ++i) {
            QVERIFY(interrupt(p));
            std::this_thread::sleep_for(std::chrono::milliseconds(15));
        }
        QVERIFY(p.waitForFinished(10000));
        const QByteArray err = p.readAllStandardError();
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 130);
        QVERIFY2(
            err.contains("lbscope-cli: killed; a debug pod or tcpdump may be left running"), err.constData());
        QVERIFY2(
            err.contains("lbscope-cli cleanup") && err.contains("capture --attach DIR"), err.constData());
    }

    // ---- Ctrl+C while locating: exits 130 through the cleanup path (probe pods deleted) ----
    void interruptedLocateExits130()
    {
        QFile kc(m_tmp.path() + QStringLiteral("/kubeconfig"));
        QVERIFY(kc.open(QIODevice::WriteOnly));
        kc.write(
            QStringLiteral("apiVersion: v1\nkind: Config\nclusters:\n- name: silent\n  cluster:\n"
                           "    server: https://127.0.0.1:%1\n    insecure-skip-tls-verify: true\n"
                           "users:\n- name: u\n  user:\n    token: not-a-secret\ncontexts:\n- name: silent\n"
                           "  context:\n    cluster: silent\n    user: u\ncurrent-context: silent\n")
                .arg(m_silent.serverPort())
                .toUtf8());
        kc.close();
        for (const QString &command : {QStringLiteral("locate"), QStringLiteral("capture")}) {
            QProcess p;
            QStringList args {command, QStringLiteral("--service"), QStringLiteral("default/web"),
                QStringLiteral("--kubeconfig"), kc.fileName()};
            if (command == QStringLiteral("capture"))
                args << QStringLiteral("--out") << m_tmp.path() + QStringLiteral("/svc");
            p.start(cli(), args);
            QVERIFY(p.waitForStarted(5000));
            QTest::qWait(1000); // asking the silent API server
            QVERIFY2(p.state() == QProcess::Running, p.readAllStandardError().constData());
            QElapsedTimer t;
            t.start();
            QVERIFY(interrupt(p));
            QVERIFY(p.waitForFinished(15000));
            const QByteArray err = p.readAllStandardError();
            qInfo("%s: interrupted, exited after %lld ms", qPrintable(command),
                static_cast<long long>(t.elapsed()));
            QVERIFY2(p.exitStatus() == QProcess::NormalExit,
                qPrintable(command + QStringLiteral(": killed by SIGINT")));
            QVERIFY2(p.exitCode() == 130,
                qPrintable(
                    command + QStringLiteral(": exit %1: ").arg(p.exitCode()) + QString::fromUtf8(err)));
            QVERIFY2(err.contains("interrupted"), err.constData());
            QVERIFY(!QFile::exists(m_tmp.path() + QStringLiteral("/svc/.lbscope-session.json")));
        }
    }
};

QTEST_GUILESS_MAIN(TestCliCapture)
#include "tst_clicapture.moc"
