// The spelling rules every lbscope-cli command shares, run as the real binary: --help lists each option
// of the command, an unknown option or a missing value is a one-line usage error with exit status 2
// that comes before any connection (a silent TCP server stands in for the SSH node and the API server:
// had a command tried to connect, it would hang there), and `--opt=value` means what `--opt value` means.
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

namespace {

struct Run {
    int code = -1; ///< exit code; -2 when killed by a signal, -1 when it timed out
    QByteArray out, err;
    qint64 ms = 0;
};

Run runCli(const QStringList &args)
{
    QElapsedTimer t;
    t.start();
    QProcess p;
    p.start(QStringLiteral(LBSCOPE_CLI), args);
    Run r;
    if (!p.waitForFinished(20000)) {
        p.kill();
        p.waitForFinished(5000);
        r.err = "timed out";
        return r;
    }
    r.ms = t.elapsed();
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

QString describe(const Run &r)
{
    return QStringLiteral("exit %1 after %2 ms: %3").arg(r.code).arg(r.ms).arg(QString::fromUtf8(r.err));
}

} // namespace

class TestCliOptions : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    QTcpServer m_silent; // accepts TCP and never answers
    QString m_kubeconfig; // its only cluster is the silent server

    QString sample() const { return QStringLiteral(LBSCOPE_SAMPLE_PCAP); }

    /// Arguments that make a command ready to run against the silent server (or the sample capture):
    /// everything a command needs, so that only the option under test can stop it.
    QStringList ready(const QString &command) const
    {
        const QString ssh = QStringLiteral("root@127.0.0.1:%1").arg(m_silent.serverPort());
        const QString out = m_tmp.path() + QStringLiteral("/never");
        if (command == QLatin1String("analyze"))
            return {command, sample()};
        if (command == QLatin1String("capture"))
            return {command, QStringLiteral("--ssh"), ssh, QStringLiteral("--ssh-config"),
                QStringLiteral("none"), QStringLiteral("--iface"), QStringLiteral("lo"),
                QStringLiteral("--out"), out};
        if (command == QLatin1String("fetch"))
            return {command, QStringLiteral("--ssh"), ssh, QStringLiteral("--ssh-config"),
                QStringLiteral("none"), QStringLiteral("/var/tmp/x.pcap"), QStringLiteral("--out"), out};
        if (command == QLatin1String("locate") || command == QLatin1String("check"))
            return {command, QStringLiteral("--service"), QStringLiteral("default/web"),
                QStringLiteral("--kubeconfig"), m_kubeconfig};
        return {command, QStringLiteral("--kubeconfig"), m_kubeconfig};
    }

    static void addCommandColumn() { QTest::addColumn<QString>("command"); }
    static QStringList commands()
    {
        return {QStringLiteral("analyze")
#ifdef HAVE_CLUSTER_COMMANDS
                    ,
            QStringLiteral("capture"), QStringLiteral("fetch"), QStringLiteral("contexts"),
            QStringLiteral("services"), QStringLiteral("locate"), QStringLiteral("check"),
            QStringLiteral("cleanup")
#endif
        };
    }

    void checkUsageError(const Run &r, const QString &command, const QString &reason)
    {
        QVERIFY2(r.code == 2, qPrintable(describe(r)));
        QVERIFY2(r.err.startsWith(
                     QString(QStringLiteral("lbscope-cli ") + command + QStringLiteral(": ")).toUtf8()),
            r.err.constData());
        QVERIFY2(r.err.contains(reason.toUtf8()), r.err.constData());
        QCOMPARE(r.err.count('\n'), 1); // one line
        QVERIFY2(r.ms < 5000, qPrintable(describe(r))); // refused before connecting
        QVERIFY(!QFile::exists(m_tmp.path() + QStringLiteral("/never")));
    }

private slots:
    void initTestCase()
    {
        QVERIFY(QFile::exists(QStringLiteral(LBSCOPE_CLI)));
        QVERIFY(m_tmp.isValid());
        QVERIFY(m_silent.listen(QHostAddress::LocalHost));
        m_kubeconfig = m_tmp.path() + QStringLiteral("/kubeconfig");
        QFile kc(m_kubeconfig);
        QVERIFY(kc.open(QIODevice::WriteOnly));
        kc.write(QStringLiteral("apiVersion: v1\nkind: Config\nclusters:\n- name: silent\n  cluster:\n"
                                "    server: https://127.0.0.1:%1\n    insecure-skip-tls-verify: true\n"
                                "users:\n- name: u\n  user:\n    token: not-a-secret\ncontexts:\n"
                                "- name: silent\n  context:\n    cluster: silent\n    user: u\n"
                                "current-context: silent\n")
                     .arg(m_silent.serverPort())
                     .toUtf8());
    }

    void topLevelHelpListsTheCommands()
    {
        const Run r = runCli({QStringLiteral("--help")});
        QCOMPARE(r.code, 0);
        for (const QString &command : commands())
            QVERIFY2(r.out.contains(QString(QStringLiteral("  ") + command + QLatin1Char(' ')).toUtf8()),
                qPrintable(command));
    }

    // ---- each command's --help lists every option of its table ----
    void helpListsEveryOption_data()
    {
        addCommandColumn();
        QTest::addColumn<QStringList>("options");
        const auto row = [](const char *command, const char *options) {
            QTest::newRow(command) << QString::fromLatin1(command)
                                   << QString::fromLatin1(options).split(QLatin1Char(' '));
        };
        row("analyze", "--filter --json --flows-csv --bucket --compact --explain --help");
#ifdef HAVE_CLUSTER_COMMANDS
        const char *ssh = " --ssh --jump --identity --known-hosts --accept-new-host-key --ssh-config";
        const char *pod = " --image --debug-namespace --host-tcpdump";
        row("capture",
            QByteArray(
                QByteArray("--node --service --iface --filter --ring --snaplen --duration --out --attach "
                           "--remote-dir --tcpdump --remove-remote --events --kubeconfig --context")
                + ssh + pod)
                .constData());
        row("fetch",
            QByteArray(QByteArray("--node --pod --container --out --remove-remote --kubeconfig --context")
                + ssh + pod)
                .constData());
        row("contexts", "--kubeconfig --json");
        row("services", "--namespace --kubeconfig --context --json");
        row("locate",
            "--service --api-only --kubeconfig --context --json --image --debug-namespace --host-tcpdump");
        row("check",
            "--service --timeout --api-only --kubeconfig --context --json --image --debug-namespace "
            "--host-tcpdump");
        row("cleanup", "--namespace --all --kubeconfig --context --json");
#endif
    }
    void helpListsEveryOption()
    {
        QFETCH(QString, command);
        QFETCH(QStringList, options);
        const Run r = runCli({command, QStringLiteral("--help")});
        QVERIFY2(r.code == 0, qPrintable(describe(r)));
        QVERIFY2(r.out.startsWith(QString(QStringLiteral("usage: lbscope-cli ") + command).toUtf8()),
            r.out.constData());
        for (const QString &o : options) {
            // an option is listed at the start of a help row, followed by its value name or its text
            const QRegularExpression listed(
                QStringLiteral("\\n  (-\\w,)?%1 ").arg(QRegularExpression::escape(o)));
            QVERIFY2(listed.match(QString::fromUtf8(r.out)).hasMatch(),
                qPrintable(command + QStringLiteral(" --help does not list ") + o));
        }
    }

    // ---- an unknown option is refused, by name, before anything connects ----
    void unknownOptionIsRefused_data()
    {
        addCommandColumn();
        for (const QString &command : commands())
            QTest::newRow(qPrintable(command)) << command;
    }
    void unknownOptionIsRefused()
    {
        QFETCH(QString, command);
        checkUsageError(runCli(ready(command) << QStringLiteral("--frobnicate")), command,
            QStringLiteral("unknown option '--frobnicate'"));
        checkUsageError(runCli(ready(command) << QStringLiteral("--frobnicate=1")), command,
            QStringLiteral("unknown option '--frobnicate=1'"));
    }

    // ---- an option without its value is refused, naming the option ----
    void missingValueIsRefused_data()
    {
        addCommandColumn();
        QTest::addColumn<QString>("option");
        QTest::newRow("analyze --json") << QStringLiteral("analyze") << QStringLiteral("--json");
        QTest::newRow("analyze --bucket") << QStringLiteral("analyze") << QStringLiteral("--bucket");
#ifdef HAVE_CLUSTER_COMMANDS
        QTest::newRow("capture --duration") << QStringLiteral("capture") << QStringLiteral("--duration");
        QTest::newRow("capture --identity") << QStringLiteral("capture") << QStringLiteral("--identity");
        QTest::newRow("fetch --out") << QStringLiteral("fetch") << QStringLiteral("--out");
        QTest::newRow("contexts --kubeconfig")
            << QStringLiteral("contexts") << QStringLiteral("--kubeconfig");
        QTest::newRow("services --namespace") << QStringLiteral("services") << QStringLiteral("--namespace");
        QTest::newRow("locate --image") << QStringLiteral("locate") << QStringLiteral("--image");
        QTest::newRow("cleanup --context") << QStringLiteral("cleanup") << QStringLiteral("--context");
        QTest::newRow("check --timeout") << QStringLiteral("check") << QStringLiteral("--timeout");
#endif
    }
    void missingValueIsRefused()
    {
        QFETCH(QString, command);
        QFETCH(QString, option);
        checkUsageError(runCli(ready(command) << option), command, option + QStringLiteral(" needs a value"));
    }

    // ---- `--opt=value` and `--opt value` are the same ----
    void bothSpellingsAgree_data()
    {
        addCommandColumn();
        QTest::addColumn<QString>("option");
        QTest::addColumn<QString>("value");
        QTest::addColumn<int>("code"); // what both spellings give
        QTest::newRow("analyze --bucket")
            << QStringLiteral("analyze") << QStringLiteral("--bucket") << QStringLiteral("0.5") << 0;
        QTest::newRow("analyze bad --bucket")
            << QStringLiteral("analyze") << QStringLiteral("--bucket") << QStringLiteral("0") << 2;
        QTest::newRow("analyze --json")
            << QStringLiteral("analyze") << QStringLiteral("--json") << QStringLiteral("-") << 0;
#ifdef HAVE_CLUSTER_COMMANDS
        QTest::newRow("capture --snaplen")
            << QStringLiteral("capture") << QStringLiteral("--snaplen") << QStringLiteral("12abc") << 2;
        QTest::newRow("fetch --pod") << QStringLiteral("fetch") << QStringLiteral("--pod")
                                     << QStringLiteral("not-a-pod-ref") << 2;
        QTest::newRow("check --timeout 0")
            << QStringLiteral("check") << QStringLiteral("--timeout") << QStringLiteral("0") << 2;
        for (const char *command : {"contexts", "services", "locate", "check", "cleanup"})
            QTest::newRow(qPrintable(QStringLiteral("%1 --kubeconfig").arg(QLatin1String(command))))
                << QString::fromLatin1(command) << QStringLiteral("--kubeconfig")
                << m_tmp.path() + QStringLiteral("/no-such-kubeconfig") << 1;
#endif
    }
    void bothSpellingsAgree()
    {
        QFETCH(QString, command);
        QFETCH(QString, option);
        QFETCH(QString, value);
        QFETCH(int, code);
        QStringList args = ready(command);
        if (command == QLatin1String("fetch")) // --pod replaces --ssh as the target
            args = QStringList {command, QStringLiteral("/var/tmp/x.pcap"), QStringLiteral("--out"),
                m_tmp.path() + QStringLiteral("/never")};
        const Run joined = runCli(QStringList(args) << option + QLatin1Char('=') + value);
        const Run spaced = runCli(QStringList(args) << option << value);
        QVERIFY2(joined.code == code, qPrintable(describe(joined)));
        QVERIFY2(spaced.code == code, qPrintable(describe(spaced)));
        QCOMPARE(joined.out, spaced.out);
        QCOMPARE(joined.err, spaced.err);
        if (code != 0) // the refusal names the value: it reached the command
            QVERIFY2(spaced.err.contains(value.toUtf8()), spaced.err.constData());
        QVERIFY2(spaced.ms < 5000, qPrintable(describe(spaced)));
    }
};

QTEST_GUILESS_MAIN(TestCliOptions)
#include "tst_clioptions.moc"
