// Exec credential plugins (docs/protocol-notes.md, "Authentication"): run non-interactively with
// KUBERNETES_EXEC_INFO, cache until expirationTimestamp, re-run once after a 401. The plugin is a real script
// written by the test.
#include "core/kube/execcredential.h"
#include "core/kube/kubeclient.h"
#include "core/kube/loginshellpath.h"
#include "fakeapiserver.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <memory>
#include <vector>

using namespace lbs::kube;
using namespace Qt::StringLiterals;

namespace {

// The plugin counts its runs, records its input, and prints token "tok-<run>" with the expiry from
// $EXP (empty: none) in API version $VERSION.
const QByteArray kPlugin
    = "#!/bin/sh\n"
      "dir=$(dirname \"$0\")\n"
      "n=$(( $(cat \"$dir/count\" 2>/dev/null || echo 0) + 1 ))\n"
      "echo $n > \"$dir/count\"\n"
      "printf '%s' \"$KUBERNETES_EXEC_INFO\" > \"$dir/info\"\n"
      "printf '%s' \"$FOO\" > \"$dir/foo\"\n"
      "if read line; then echo \"stdin was not empty\" >&2; exit 3; fi\n"
      "[ -n \"$ECHO_ARGS\" ] && echo \"usage error in: $*\" >&2\n"
      "[ -n \"$FAIL\" ] && { echo \"token service unreachable: $FAIL\" >&2; exit 1; }\n"
      "exp=\"\"\n"
      "[ -n \"$EXP\" ] && exp=\",\\\"expirationTimestamp\\\":\\\"$EXP\\\"\"\n"
      "echo "
      "\"{\\\"apiVersion\\\":\\\"${VERSION:-client.authentication.k8s.io/"
      "v1}\\\",\\\"kind\\\":\\\"ExecCredential\\\",\\\"status\\\":{\\\"token\\\":\\\"tok-$n\\\"$exp}}\"\n";

} // namespace

class TestExecCredential : public QObject {
    Q_OBJECT
private slots:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QFile f(m_dir->filePath(u"plugin"_s));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(kPlugin);
        f.close();
        f.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    }

    void cachedWithoutExpiry()
    {
        ExecCredentialPlugin p(config(), u"u"_s, u"/k/config"_s, {});
        lbs::CancelToken cancel;
        auto a = p.get(cancel);
        QVERIFY2(a.ok(), a.ok() ? "" : a.error().toString().c_str());
        QCOMPARE(a->token, u"tok-1"_s);
        QCOMPARE(p.get(cancel)->token, u"tok-1"_s);
        QCOMPARE(p.runCount(), 1);
        p.invalidate();
        QCOMPARE(p.get(cancel)->token, u"tok-2"_s);
        QCOMPARE(p.runCount(), 2);
    }

    void cachedUntilExpiry()
    {
        const QDateTime exp = QDateTime::currentDateTimeUtc().addMSecs(1500);
        ExecConfig c = config({{u"EXP"_s, exp.toString(Qt::ISODateWithMs)}});
        ExecCredentialPlugin p(c, u"u"_s, u"/k/config"_s, {});
        lbs::CancelToken cancel;
        QCOMPARE(p.get(cancel)->token, u"tok-1"_s);
        QCOMPARE(
            p.get(cancel)->expiry, QDateTime::fromString(exp.toString(Qt::ISODateWithMs), Qt::ISODateWithMs));
        QCOMPARE(p.get(cancel)->token, u"tok-1"_s);
        QTest::qWait(1700);
        QCOMPARE(p.get(cancel)->token, u"tok-2"_s);
        QCOMPARE(p.runCount(), 2);
    }

    void execInfoAndEnv()
    {
        ExecConfig c = config({{u"FOO"_s, u"bar"_s}});
        c.provideClusterInfo = true;
        ClusterInfo cl;
        cl.server = u"https://127.0.0.1:6443"_s;
        cl.certificateAuthorityData = "PEMDATA";
        cl.execExtension = QJsonObject {{u"audience"_s, u"lab"_s}};
        ExecCredentialPlugin p(c, u"u"_s, u"/k/config"_s, cl);
        lbs::CancelToken cancel;
        QVERIFY(p.get(cancel).ok());
        QFile info(m_dir->filePath(u"info"_s));
        QVERIFY(info.open(QIODevice::ReadOnly));
        const QJsonObject o = QJsonDocument::fromJson(info.readAll()).object();
        QCOMPARE(o.value(u"kind"_s).toString(), u"ExecCredential"_s);
        QCOMPARE(o.value(u"apiVersion"_s).toString(), u"client.authentication.k8s.io/v1"_s);
        const QJsonObject spec = o.value(u"spec"_s).toObject();
        QCOMPARE(spec.value(u"interactive"_s).toBool(true), false);
        QCOMPARE(spec.value(u"cluster"_s).toObject().value(u"server"_s).toString(), cl.server);
        QCOMPARE(spec.value(u"cluster"_s).toObject().value(u"certificate-authority-data"_s).toString(),
            QString::fromLatin1(QByteArray("PEMDATA").toBase64()));
        QCOMPARE(
            spec.value(u"cluster"_s).toObject().value(u"config"_s).toObject().value(u"audience"_s).toString(),
            u"lab"_s);
        QFile foo(m_dir->filePath(u"foo"_s));
        QVERIFY(foo.open(QIODevice::ReadOnly));
        QCOMPARE(foo.readAll(), QByteArray("bar"));
    }

    void errors_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<QString>("mode");
        QTest::addColumn<QString>("extraEnvName");
        QTest::addColumn<QString>("extraEnvValue");
        QTest::addColumn<QString>("expect");
        QTest::newRow("not on PATH")
            << u"lbscope-no-such-plugin"_s << u"Never"_s << QString() << QString()
            << u"exec plugin 'lbscope-no-such-plugin' not found on PATH (install the IBM"_s;
        QTest::newRow("interactive Always")
            << QString() << u"Always"_s << QString() << QString() << u"interactive terminal"_s;
        QTest::newRow("version mismatch")
            << QString() << u"Never"_s << u"VERSION"_s << u"client.authentication.k8s.io/v1beta1"_s
            << u"plugin returned version client.authentication.k8s.io/v1beta1"_s;
        QTest::newRow("plugin fails") << QString() << u"IfAvailable"_s << u"FAIL"_s << u"503"_s
                                      << u"failed with exit code 1: token service unreachable: 503"_s;
    }

    void errors()
    {
        QFETCH(QString, command);
        QFETCH(QString, mode);
        QFETCH(QString, extraEnvName);
        QFETCH(QString, extraEnvValue);
        QFETCH(QString, expect);
        ExecConfig c
            = config(extraEnvName.isEmpty() ? QList<QPair<QString, QString>> {}
                                            : QList<QPair<QString, QString>> {{extraEnvName, extraEnvValue}});
        if (!command.isEmpty())
            c.command = command;
        c.interactiveMode = mode;
        c.installHint = u"install the IBM Cloud CLI"_s;
        ExecCredentialPlugin p(c, u"admin"_s, u"/home/u/.kube/config"_s, {});
        lbs::CancelToken cancel;
        auto r = p.get(cancel);
        QVERIFY(!r.ok());
        const QString text = QString::fromStdString(r.error().toString());
        QVERIFY2(text.contains(expect), qPrintable(text));
        QVERIFY2(text.contains(u"/home/u/.kube/config"_s), qPrintable(text));
        QVERIFY2(text.contains(u"user 'admin'"_s), qPrintable(text));
    }

    void failureHidesArguments()
    {
        // Plugin args often carry secrets (--client-secret X): the error shows the command and how many
        // arguments it had, never their values - not even where the plugin echoes them on stderr.
        ExecConfig c = config({{u"FAIL"_s, u"503"_s}, {u"ECHO_ARGS"_s, u"1"_s}});
        c.args = QStringList {u"get-token"_s, u"--client-secret"_s, u"S3cr3t-h19-value"_s,
            u"--password=pw-h19-value"_s, u"-v"_s};
        ExecCredentialPlugin p(c, u"admin"_s, u"/home/u/.kube/config"_s, {});
        lbs::CancelToken cancel;
        auto r = p.get(cancel);
        QVERIFY(!r.ok());
        const QString text = QString::fromStdString(r.error().toString());
        QVERIFY2(!text.contains(u"S3cr3t-h19-value"_s), qPrintable(text));
        QVERIFY2(!text.contains(u"pw-h19-value"_s), qPrintable(text));
        QVERIFY2(!text.contains(u"get-token"_s), qPrintable(text));
        QVERIFY2(text.contains(u"token service unreachable: 503"_s), qPrintable(text)); // its own words stay
        QVERIFY2(text.contains(u"5 arguments"_s), qPrintable(text));
        QVERIFY2(text.contains(m_dir->filePath(u"plugin"_s)), qPrintable(text)); // the command, to rerun
    }

    void outputValidation_data()
    {
        QTest::addColumn<QByteArray>("output");
        QTest::addColumn<QString>("expect");
        QTest::newRow("no status") << QByteArray(
            R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential"})")
                                   << u"without status"_s;
        QTest::newRow("cert without key") << QByteArray(
            R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"clientCertificateData":"x"}})")
                                          << u"without its key"_s;
        QTest::newRow("empty status") << QByteArray(
            R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{}})")
                                      << u"neither a token"_s;
        QTest::newRow("not json") << QByteArray("Please log in at https://example")
                                  << u"not an ExecCredential"_s;
        QTest::newRow("bad expiry") << QByteArray(
            R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"t","expirationTimestamp":"soon"}})")
                                    << u"unreadable expirationTimestamp"_s;
    }

    void outputValidation()
    {
        QFETCH(QByteArray, output);
        QFETCH(QString, expect);
        ExecCredentialPlugin p(config(), u"u"_s, u"/k"_s, {});
        auto r = p.parseOutput(output);
        QVERIFY(!r.ok());
        QVERIFY2(QString::fromStdString(r.error().message).contains(expect), r.error().message.c_str());
    }

    void rfc3339()
    {
        QCOMPARE(parseRfc3339(u"2026-01-01T00:00:00Z"_s), QDateTime(QDate(2026, 1, 1), QTime(0, 0), Qt::UTC));
        QCOMPARE(parseRfc3339(u"2026-01-01T00:00:00.123456789Z"_s),
            QDateTime(QDate(2026, 1, 1), QTime(0, 0, 0, 123), Qt::UTC));
        QCOMPARE(parseRfc3339(u"2026-01-01T02:00:00+02:00"_s).toUTC(),
            QDateTime(QDate(2026, 1, 1), QTime(0, 0), Qt::UTC));
    }

    // A 401 makes the client re-run the plugin once and retry with the new token.
    void rerunOn401()
    {
        FakeApiServer server([](const FakeRequest &r) {
            if (r.headers.value("authorization") == "Bearer tok-2")
                return FakeResponse::json(200, R"({"kind":"NodeList","items":[]})");
            return FakeResponse::kubeStatus(401, u"Unauthorized"_s, u"Unauthorized"_s);
        });
        auto client = KubeClient::create(execContext(server.url()));
        QVERIFY(client.ok());
        lbs::CancelToken cancel;
        auto nodes = (*client)->get(u"/api/v1/nodes"_s, cancel);
        QVERIFY2(nodes.ok(), nodes.ok() ? "" : nodes.error().toString().c_str());
        QCOMPARE(server.requests.size(), 2);
        QCOMPARE((*client)->authenticator().execPlugin()->runCount(), 2);
        // Cached now: a second request does not run the plugin.
        QVERIFY((*client)->get(u"/api/v1/nodes"_s, cancel).ok());
        QCOMPARE((*client)->authenticator().execPlugin()->runCount(), 2);
    }

    // Clients of one context on several threads share one credential: when all of them get a 401 at
    // once, the plugin is re-run once (not once per thread) and every request succeeds with the new
    // token. With a refresh token that the provider rotates on use, one redemption per thread would
    // leave all but one with a dead token.
    void siblingsShareOneCredential_data()
    {
        QTest::addColumn<int>("threads");
        QTest::newRow("2 threads") << 2;
        QTest::newRow("6 threads") << 6;
    }

    void siblingsShareOneCredential()
    {
        QFETCH(int, threads);
        FakeApiServer server([](const FakeRequest &r) {
            if (r.headers.value("authorization") == "Bearer tok-2")
                return FakeResponse::json(200, R"({"kind":"NodeList","items":[]})");
            return FakeResponse::kubeStatus(401, u"Unauthorized"_s, u"Unauthorized"_s);
        });
        auto client = KubeClient::create(execContext(server.url()));
        QVERIFY(client.ok());
        lbs::CancelToken cancel;
        QVERIFY((*client)->authenticator().prepare(cancel).ok()); // tok-1, which the server refuses
        std::vector<std::unique_ptr<QThread>> workers;
        QAtomicInt ok = 0;
        for (int i = 0; i < threads; ++i) {
            auto sibling = (*client)->sibling();
            QVERIFY(sibling.ok());
            workers.emplace_back(QThread::create([c = std::shared_ptr<KubeClient>(std::move(*sibling)), &ok] {
                lbs::CancelToken never;
                if (c->get(u"/api/v1/nodes"_s, never).ok())
                    ok.fetchAndAddOrdered(1);
            }));
            workers.back()->start();
        }
        for (auto &w : workers)
            QTRY_VERIFY_WITH_TIMEOUT(w->isFinished(), 20000);
        QCOMPARE(ok.loadAcquire(), threads);
        QCOMPARE((*client)->authenticator().execPlugin()->runCount(), 2);
    }

    // When the re-run credential is rejected too, the 401 surfaces with the user's name and a hint.
    void persistent401()
    {
        FakeApiServer server([](const FakeRequest &) {
            return FakeResponse::kubeStatus(401, u"Unauthorized"_s, u"Unauthorized"_s);
        });
        ResolvedContext ctx;
        ctx.context.name = u"lab-exec"_s;
        ctx.context.origin = u"/k/config"_s;
        ctx.cluster.server = server.url();
        ctx.user.name = u"exec-user"_s;
        ctx.user.exec = config();
        auto client = KubeClient::create(ctx);
        QVERIFY(client.ok());
        lbs::CancelToken cancel;
        auto nodes = (*client)->get(u"/api/v1/nodes"_s, cancel);
        QVERIFY(!nodes.ok());
        const QString text = QString::fromStdString(nodes.error().toString());
        QVERIFY2(
            text.contains(u"401 Unauthorized"_s) && text.contains(u"user 'exec-user'"_s), qPrintable(text));
        QVERIFY2(text.contains(u"log in with the plugin again"_s), qPrintable(text));
        QCOMPARE(server.requests.size(), 2);
    }

    // A bare plugin name is looked up in the search path (the login shell's PATH) before the
    // process's own PATH, and the plugin runs with both.
    void pluginOnSearchPath()
    {
        const QString pluginDir = m_dir->filePath(u"sdk/bin"_s);
        QVERIFY(QDir().mkpath(pluginDir));
        QVERIFY(QFile::copy(m_dir->filePath(u"plugin"_s), pluginDir + u"/lbscope-test-auth"_s));
        ExecConfig c = config();
        c.command = u"lbscope-test-auth"_s;
        lbs::CancelToken cancel;
        {
            ExecCredentialPlugin p(c, u"u"_s, u"/k/config"_s, {});
            auto r = p.get(cancel);
            QVERIFY(!r.ok());
            QVERIFY2(QString::fromStdString(r.error().toString()).contains(u"not found on PATH"_s),
                r.error().toString().c_str());
        }
        setExecPluginSearchPath(pluginDir);
        const auto reset = qScopeGuard([] { setExecPluginSearchPath({}); });
        c.env = {{u"FOO"_s, u"x"_s}};
        ExecCredentialPlugin p(c, u"u"_s, u"/k/config"_s, {});
        auto r = p.get(cancel);
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().toString().c_str());
        QCOMPARE(r->token, u"tok-1"_s);
    }

    void mergedPath_data()
    {
        QTest::addColumn<QString>("search");
        QTest::addColumn<QString>("process");
        QTest::addColumn<QString>("expect");
        QTest::newRow("no search path") << QString() << u"/usr/bin:/bin"_s << u"/usr/bin:/bin"_s;
        QTest::newRow("search first")
            << u"/home/u/bin:/usr/bin"_s << u"/usr/bin:/bin"_s << u"/home/u/bin:/usr/bin:/bin"_s;
        QTest::newRow("empty entries dropped") << u":/opt/x::"_s << u"/bin:"_s << u"/opt/x:/bin"_s;
    }

    void mergedPath()
    {
        QFETCH(QString, search);
        QFETCH(QString, process);
        QFETCH(QString, expect);
        QCOMPARE(mergedExecPath(search, process), expect);
    }

    // The login shell's PATH, whatever its profile prints before; failures name the shell.
    void loginShell_data()
    {
        QTest::addColumn<QByteArray>("script");
        QTest::addColumn<int>("timeoutMs");
        QTest::addColumn<QString>("expect"); // PATH, or "error: <part of the message>"
        const QByteArray runsCommand = "PATH=/opt/sdk/bin:/usr/bin:/bin; export PATH; "
                                       "[ \"$1\" = -l ] && [ \"$2\" = -c ] || exit 9; eval \"$3\"\n";
        QTest::newRow("plain") << QByteArray("#!/bin/sh\n" + runsCommand) << 5000
                               << u"/opt/sdk/bin:/usr/bin:/bin"_s;
        QTest::newRow("banner first")
            << QByteArray("#!/bin/sh\necho 'Welcome! PATH=/not/this'\n" + runsCommand) << 5000
            << u"/opt/sdk/bin:/usr/bin:/bin"_s;
        QTest::newRow("hangs") << QByteArray("#!/bin/sh\nexec sleep 20\n") << 300
                               << u"error: did not print its PATH within 300 ms"_s;
        QTest::newRow("fails") << QByteArray("#!/bin/sh\nexit 3\n") << 5000 << u"error: exited with code 3"_s;
        QTest::newRow("prints nothing")
            << QByteArray("#!/bin/sh\nexit 0\n") << 5000 << u"error: printed no PATH"_s;
    }

    void loginShell()
    {
        QFETCH(QByteArray, script);
        QFETCH(int, timeoutMs);
        QFETCH(QString, expect);
        const QString shell = m_dir->filePath(u"shell"_s);
        QFile f(shell);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(script);
        f.close();
        f.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        auto r = loginShellPath(shell, timeoutMs);
        if (expect.startsWith(u"error: "_s)) {
            QVERIFY(!r.ok());
            const QString text = QString::fromStdString(r.error().toString());
            QVERIFY2(text.contains(expect.mid(7)) && text.contains(shell), qPrintable(text));
        } else {
            QVERIFY2(r.ok(), r.ok() ? "" : r.error().toString().c_str());
            QCOMPARE(*r, expect);
        }
    }

    void missingShell()
    {
        auto r = loginShellPath(m_dir->filePath(u"no-such-shell"_s), 2000);
        QVERIFY(!r.ok());
        QVERIFY2(QString::fromStdString(r.error().toString()).contains(u"could not be started"_s),
            r.error().toString().c_str());
    }

private:
    /// Context lab-exec on `server`, its user authenticated by the counting plugin.
    ResolvedContext execContext(const QString &server)
    {
        ResolvedContext ctx;
        ctx.context.name = u"lab-exec"_s;
        ctx.cluster.name = u"lab"_s;
        ctx.cluster.server = server;
        ctx.user.name = u"exec-user"_s;
        ctx.user.exec = config();
        return ctx;
    }

    ExecConfig config(const QList<QPair<QString, QString>> &env = {})
    {
        ExecConfig c;
        c.apiVersion = u"client.authentication.k8s.io/v1"_s;
        c.command = m_dir->filePath(u"plugin"_s);
        c.interactiveMode = u"Never"_s;
        c.env = env;
        return c;
    }
    std::unique_ptr<QTemporaryDir> m_dir;
};

QTEST_GUILESS_MAIN(TestExecCredential)
#include "tst_execcredential.moc"
