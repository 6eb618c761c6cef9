// What lbscope-cli says about itself, from its option tables: the man page lists every option --help
// lists and renders without groff warnings; `__complete` answers bash, zsh, fish and kubectl's plugin
// completion (commands, options, contexts from kubeconfig, files and directories where the value is
// a path), and the scripts of `completion bash|fish` really complete in those shells; kubectl's
// global options are moved where lbscope-cli takes them when it runs as kubectl-lbscope.
#include "app/clikit/kubectlplugin.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

namespace {

struct Run {
    int code = -1;
    QString out, err;
};

Run run(const QString &program, const QStringList &args,
    const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(program, args);
    Run r;
    if (!p.waitForFinished(30000)) {
        p.kill();
        p.waitForFinished();
        return r;
    }
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

const QString kCli = QStringLiteral(LBSCOPE_CLI);

} // namespace

class TestCliDocs : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    QProcessEnvironment m_env;

private slots:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        // A kubeconfig with two contexts whose cluster is never contacted (contexts are local values).
        QFile kc(m_tmp.path() + QStringLiteral("/kubeconfig"));
        QVERIFY(kc.open(QIODevice::WriteOnly));
        kc.write("apiVersion: v1\nkind: Config\ncurrent-context: alpha\n"
                 "clusters:\n- name: c\n  cluster:\n    server: https://192.0.2.1:6443\n"
                 "users:\n- name: u\n  user:\n    token: not-a-secret\n"
                 "contexts:\n- name: alpha\n  context: {cluster: c, user: u}\n"
                 "- name: beta-prod\n  context: {cluster: c, user: u, namespace: web}\n"
                 "- name: \"arn:aws:eks:eu-west-1:123456789012:cluster/shop\"\n  context: {cluster: c, user: "
                 "u}\n");
        kc.close();
        m_env = QProcessEnvironment::systemEnvironment();
        m_env.insert(QStringLiteral("KUBECONFIG"), kc.fileName());
        m_env.insert(
            QStringLiteral("PATH"), QFileInfo(kCli).absolutePath() + QStringLiteral(":/usr/bin:/bin"));
    }

    void manPageListsEveryOptionOfHelp()
    {
        const Run man = run(kCli, {QStringLiteral("--man")});
        QCOMPARE(man.code, 0);
        const Run help = run(kCli, {QStringLiteral("--help")});
        static const QRegularExpression commandLine(
            QStringLiteral("^  ([a-z]+) "), QRegularExpression::MultilineOption);
        QStringList commands;
        for (auto it = commandLine.globalMatch(help.out); it.hasNext();)
            commands << it.next().captured(1);
        QVERIFY2(commands.size() >= 8, qPrintable(help.out));
        static const QRegularExpression option(QStringLiteral("(?<![\\w-])--[a-z][a-z0-9-]+"));
        for (const QString &c : commands) {
            const Run h = run(kCli, {c, QStringLiteral("--help")});
            QCOMPARE(h.code, 0);
            QVERIFY2(man.out.contains(QStringLiteral(".SS ") + c), qPrintable(c));
            for (auto it = option.globalMatch(h.out); it.hasNext();) {
                QString name = it.next().captured(0);
                name.replace(QLatin1Char('-'), QStringLiteral("\\-"));
                QVERIFY2(man.out.contains(name), qPrintable(c + QStringLiteral(": ") + name));
            }
        }
        // groff reads it without a warning.
        const QString page = m_tmp.path() + QStringLiteral("/lbscope-cli.1");
        QFile f(page);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(man.out.toUtf8());
        f.close();
        const Run groff = run(QStringLiteral("groff"),
            {QStringLiteral("-man"), QStringLiteral("-Tutf8"), QStringLiteral("-ww"), QStringLiteral("-z"),
                page});
        QCOMPARE(groff.code, 0);
        QVERIFY2(groff.err.isEmpty(), qPrintable(groff.err));
    }

    void completes_data()
    {
        QTest::addColumn<QStringList>("words");
        QTest::addColumn<QStringList>("candidates");
        QTest::addColumn<QString>("directive");

        QTest::newRow("command") << QStringList {QStringLiteral("loc")}
                                 << QStringList {QStringLiteral("locate")} << ":4";
        QTest::newRow("commands c") << QStringList {QStringLiteral("c")}
                                    << QStringList {QStringLiteral("capture"), QStringLiteral("contexts"),
                                           QStringLiteral("cleanup"), QStringLiteral("completion"),
                                           QStringLiteral("check")}
                                    << ":4";
        QTest::newRow("option") << QStringList {QStringLiteral("locate"), QStringLiteral("--ser")}
                                << QStringList {QStringLiteral("--service")} << ":4";
        QTest::newRow("context value")
            << QStringList {QStringLiteral("locate"), QStringLiteral("--context"), QString()}
            << QStringList {QStringLiteral("alpha"), QStringLiteral("beta-prod"),
                   QStringLiteral("arn:aws:eks:eu-west-1:123456789012:cluster/shop")}
            << ":4";
        QTest::newRow("context=value")
            << QStringList {QStringLiteral("services"), QStringLiteral("--context=b")}
            << QStringList {QStringLiteral("--context=beta-prod")} << ":4";
        QTest::newRow("capture files")
            << QStringList {QStringLiteral("analyze"), QString()} << QStringList {} << ":0";
        QTest::newRow("report file") << QStringList {QStringLiteral("analyze"), QStringLiteral("--json"),
            QString()} << QStringList {}
                                     << ":0";
        QTest::newRow("output directory") << QStringList {QStringLiteral("capture"), QStringLiteral("--out"),
            QString()} << QStringList {} << ":16";
        // As kubectl's plugin completion hands them over: kubectl's global options first.
        QTest::newRow("plugin: command after --context")
            << QStringList {QStringLiteral("--context"), QStringLiteral("alpha"), QStringLiteral("loc")}
            << QStringList {QStringLiteral("locate")} << ":4";
        QTest::newRow("plugin: --context value")
            << QStringList {QStringLiteral("--context"), QStringLiteral("be")}
            << QStringList {QStringLiteral("beta-prod")} << ":4";
        QTest::newRow("plugin: option after -n") << QStringList {QStringLiteral("-n"), QStringLiteral("shop"),
            QStringLiteral("locate"), QStringLiteral("--ser")}
                                                 << QStringList {QStringLiteral("--service")} << ":4";
        QTest::newRow("shell") << QStringList {QStringLiteral("completion"), QStringLiteral("--he")}
                               << QStringList {QStringLiteral("--help")} << ":4";
    }

    void completes()
    {
        QFETCH(QStringList, words);
        QFETCH(QStringList, candidates);
        QFETCH(QString, directive);
        const Run r = run(kCli, QStringList {QStringLiteral("__complete")} + words, m_env);
        QCOMPARE(r.code, 0);
        QStringList lines = r.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QVERIFY2(!lines.isEmpty(), qPrintable(r.err));
        QCOMPARE(lines.takeLast(), directive);
        lines.sort();
        candidates.sort();
        QCOMPARE(lines, candidates);
    }

    void shellsComplete_data()
    {
        QTest::addColumn<QString>("shell");
        QTest::addColumn<QString>("line"); // what is typed before TAB
        QTest::addColumn<QString>("expected");
        QTest::newRow("bash command") << "bash"
                                      << "lbscope-cli loc"
                                      << "locate";
        QTest::newRow("bash context") << "bash"
                                      << "lbscope-cli locate --context be"
                                      << "beta-prod";
        QTest::newRow("fish command") << "fish"
                                      << "lbscope-cli loc"
                                      << "locate";
        QTest::newRow("fish context") << "fish"
                                      << "lbscope-cli locate --context be"
                                      << "beta-prod";
    }

    void shellsComplete()
    {
        QFETCH(QString, shell);
        QFETCH(QString, line);
        QFETCH(QString, expected);
        if (QStandardPaths::findExecutable(shell).isEmpty())
            QFAIL(qPrintable(shell + QStringLiteral(" is not installed (scripts/deps test installs it)")));
        QString script;
        if (shell == QLatin1String("bash")) {
            // COMP_WORDS as readline splits the line: at blanks, and '=' and ':' are words of their own.
            QStringList words {QString()};
            for (const QChar c : line) {
                if (c == QLatin1Char(' ')) {
                    if (!words.last().isEmpty())
                        words << QString();
                } else if (c == QLatin1Char('=') || c == QLatin1Char(':')) {
                    if (!words.last().isEmpty())
                        words << QString();
                    words.last() = c;
                    words << QString();
                } else {
                    words.last() += c;
                }
            }
            if (words.last().isEmpty() && !line.endsWith(QLatin1Char(' ')))
                words.removeLast();
            QStringList quoted;
            for (const QString &w : words)
                quoted << QLatin1Char('\'') + w + QLatin1Char('\'');
            script = QStringLiteral(
                "source <(lbscope-cli completion bash)\nCOMP_LINE='%1'\nCOMP_POINT=${#COMP_LINE}\n"
                "COMP_WORDS=(%2)\nCOMP_CWORD=%3\n_lbscope_cli\necho \"${COMPREPLY[*]}\"\n")
                         .arg(line, quoted.join(QLatin1Char(' ')))
                         .arg(words.size() - 1);
        } else {
            script = QStringLiteral("lbscope-cli completion fish | source\ncomplete -C '%1'\n").arg(line);
        }
        const Run r = run(shell, {QStringLiteral("-c"), script}, m_env);
        QCOMPARE(r.code, 0);
        QCOMPARE(r.out.trimmed().section(QLatin1Char('\t'), 0, 0), expected);
    }

    void zshScriptParses()
    {
        if (QStandardPaths::findExecutable(QStringLiteral("zsh")).isEmpty())
            QFAIL("zsh is not installed (scripts/deps test installs it)");
        const Run script = run(kCli, {QStringLiteral("completion"), QStringLiteral("zsh")});
        QCOMPARE(script.code, 0);
        QVERIFY(script.out.startsWith(QLatin1String("#compdef lbscope-cli\n")));
        const QString path = m_tmp.path() + QStringLiteral("/_lbscope-cli");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(script.out.toUtf8());
        f.close();
        const Run r = run(QStringLiteral("zsh"), {QStringLiteral("-n"), path});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.err.isEmpty(), qPrintable(r.err));
    }

    void kubectlPluginArguments_data()
    {
        QTest::addColumn<QStringList>("given");
        QTest::addColumn<QStringList>("expected");
        QTest::addColumn<QString>("error");
        const auto l = [](const char *s) {
            return QString::fromLatin1(s).split(QLatin1Char(' '), Qt::SkipEmptyParts);
        };
        QTest::newRow("context before the command") << l("--context prod locate --service default/web")
                                                    << l("locate --context prod --service default/web") << "";
        QTest::newRow("kubeconfig=") << l("--kubeconfig=/k locate --service a/b")
                                     << l("locate --kubeconfig /k --service a/b") << "";
        QTest::newRow("-n names the service's namespace")
            << l("locate -n shop --service web") << l("locate --service shop/web") << "";
        QTest::newRow("-n before the command")
            << l("-n shop locate --service=web") << l("locate --service=shop/web") << "";
        QTest::newRow("-nNS glued, as kubectl takes it")
            << l("locate -nshop --service web") << l("locate --service shop/web") << "";
        QTest::newRow("-n=NS") << l("-n=shop locate --service web") << l("locate --service shop/web") << "";
        QTest::newRow("namespace in the name wins")
            << l("locate -n shop --service other/web") << l("locate --service other/web") << "";
        QTest::newRow("services keeps its own -n")
            << l("-n shop services") << l("services --namespace shop") << "";
        QTest::newRow("-n where it means nothing")
            << l("verify -n shop /tmp/x") << QStringList {} << "lbscope verify takes no namespace (-n)";
        QTest::newRow("-n without a value")
            << l("locate --service web -n") << QStringList {} << "-n needs a value";
        QTest::newRow("unknown global option")
            << l("--cluster x locate") << QStringList {} << "unknown option '--cluster' before the command";
        QTest::newRow("no rewrite") << l("analyze a.pcap --json -") << l("analyze a.pcap --json -") << "";
    }

    void kubectlPluginArguments()
    {
        QFETCH(QStringList, given);
        QFETCH(QStringList, expected);
        QFETCH(QString, error);
        using lbs::clikit::CommandDescription;
        using lbs::clikit::OptionDescription;
        const std::vector<CommandDescription> commands {
            {"locate", "", "", "", {OptionDescription {{"--service"}, "NS/NAME", "", false, true, false}}},
            {"services", "", "", "",
                {OptionDescription {{"-n", "--namespace"}, "NS", "", false, false, false}}},
            {"verify", "", "", "", {OptionDescription {{"DIR"}, "DIR", "", true, true, true}}},
            {"analyze", "", "", "", {}},
        };
        std::vector<std::string> words;
        for (const QString &g : given)
            words.push_back(g.toStdString());
        const std::string why = lbs::clikit::rewriteKubectlPluginArgs(words, commands);
        QCOMPARE(QString::fromStdString(why), error);
        if (!error.isEmpty())
            return;
        QStringList got;
        for (const std::string &w : words)
            got << QString::fromStdString(w);
        QCOMPARE(got, expected);
    }

    void runsAsKubectlPlugin()
    {
        // Through a link named kubectl-lbscope, as kubectl's plugin discovery runs it: the context
        // given before the command reaches it (and, not being in the kubeconfig, is refused by name).
        const QString link = m_tmp.path() + QStringLiteral("/kubectl-lbscope");
        QVERIFY(QFile::link(kCli, link));
        const Run r = run(
            link, {QStringLiteral("--context"), QStringLiteral("gamma"), QStringLiteral("services")}, m_env);
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QLatin1String("gamma")), qPrintable(r.err));
        const Run help = run(link, {QStringLiteral("--help")}, m_env);
        QCOMPARE(help.code, 0);
        QVERIFY(help.out.contains(QLatin1String("locate")));
    }
};

QTEST_GUILESS_MAIN(TestCliDocs)
#include "tst_clidocs.moc"
