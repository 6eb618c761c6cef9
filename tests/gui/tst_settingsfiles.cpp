// Where lbscope keeps its settings and what it keeps there, checked on the real binary: the settings
// file lives under $XDG_CONFIG_HOME (nothing under $HOME/.config when that is set), --reset-settings
// forgets every setting, and after a cluster session with the request trace on, neither the settings
// files nor the trace hold any credential of the kubeconfig (token, password, client key).
#include "fakeapiserver.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

const QByteArray kToken = "lbs-secret-token-7f3a9c";
const QByteArray kPassword = "lbs-secret-password-2b8e";
const QByteArray kKeyMaterial = "lbs-secret-key-material-41d0";

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool writeAll(const QString &path, const QByteArray &data)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(data) == data.size();
}

/// Every file under `dir`, path → contents.
QMap<QString, QByteArray> filesUnder(const QString &dir)
{
    QMap<QString, QByteArray> out;
    QDirIterator it(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        out.insert(path, readAll(path));
    }
    return out;
}

} // namespace

class TestSettingsFiles : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;

    QProcessEnvironment env(const QString &name) const
    {
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        e.insert(u"HOME"_s, m_tmp.filePath(name + u"/home"_s));
        e.insert(u"XDG_CONFIG_HOME"_s, m_tmp.filePath(name + u"/config"_s));
        e.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
        e.remove(u"KUBECONFIG"_s);
        return e;
    }

    QString settingsFile(const QString &name) const
    {
        return m_tmp.filePath(name + u"/config/lbscope/lbscope.conf"_s);
    }

    /// Runs lbscope with `args` to the end; returns its stderr.
    QByteArray run(const QString &name, const QStringList &args, int *code)
    {
        QProcess p;
        p.setProcessEnvironment(env(name));
        p.start(QStringLiteral(LBSCOPE_APP), args);
        if (!p.waitForFinished(60000)) {
            p.kill();
            p.waitForFinished();
        }
        *code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        return p.readAllStandardError();
    }

private slots:
    void initTestCase() { QVERIFY(m_tmp.isValid()); }

    void settingsFollowXdg()
    {
        int code = 0;
        const QByteArray err
            = run(u"xdg"_s, {u"--exit-after-load"_s, QStringLiteral(LBSCOPE_SAMPLE_PCAP)}, &code);
        QVERIFY2(code == 0, err.constData());
        QVERIFY2(QFile::exists(settingsFile(u"xdg"_s)), err.constData());
        QVERIFY(readAll(settingsFile(u"xdg"_s)).contains("sample.pcap")); // the recent captures
        QVERIFY(!QDir(m_tmp.filePath(u"xdg/home/.config"_s)).exists());
    }

    void resetSettings_data()
    {
        QTest::addColumn<bool>("reset");
        QTest::newRow("without --reset-settings") << false;
        QTest::newRow("--reset-settings") << true;
    }

    void resetSettings()
    {
        QFETCH(bool, reset);
        const QString name = reset ? u"reset"_s : u"keep"_s;
        QVERIFY(writeAll(settingsFile(name),
            "[cluster]\nlastContext=planted-context\nlastService=default/planted\n"
            "[filters]\nhistory=tcp port 4242\n"));
        QStringList args {u"--exit-after-load"_s, QStringLiteral(LBSCOPE_SAMPLE_PCAP)};
        if (reset)
            args.prepend(u"--reset-settings"_s);
        int code = 0;
        const QByteArray err = run(name, args, &code);
        QVERIFY2(code == 0, err.constData());
        const QByteArray after = readAll(settingsFile(name));
        QCOMPARE(after.contains("planted-context"), !reset);
        QCOMPARE(after.contains("tcp port 4242"), !reset);
        QCOMPARE(err.contains("settings reset"), reset);
        if (reset)
            QVERIFY2(err.contains(settingsFile(name).toUtf8()), err.constData());
    }

    void noSecretsAfterClusterSession()
    {
        FakeApiServer server([](const FakeRequest &r) {
            if (r.headers.value("authorization") != "Bearer " + kToken)
                return FakeResponse::kubeStatus(401, u"Unauthorized"_s, u"Unauthorized"_s);
            if (r.path == u"/api/v1/services"_s)
                return FakeResponse::json(200,
                    R"({"kind":"ServiceList","metadata":{},"items":[{"metadata":{"namespace":"default","name":"web"},)"
                    R"("spec":{"type":"LoadBalancer","ports":[{"port":80,"protocol":"TCP"}]},)"
                    R"("status":{"loadBalancer":{"ingress":[{"ip":"192.0.2.10"}]}}}]})");
            return FakeResponse::json(200, R"({"kind":"List","metadata":{},"items":[]})");
        });
        const QByteArray pem
            = "-----BEGIN PRIVATE KEY-----\n" + kKeyMaterial.toBase64() + "\n-----END PRIVATE KEY-----\n";
        const QString kubeconfig = m_tmp.filePath(u"secrets/kubeconfig"_s);
        QVERIFY(writeAll(kubeconfig,
            "apiVersion: v1\nkind: Config\ncurrent-context: token-ctx\n"
            "clusters:\n- name: fake\n  cluster:\n    server: "
                + server.url().toUtf8()
                + "\n"
                  "users:\n"
                  "- name: token-user\n  user:\n    token: "
                + kToken
                + "\n"
                  "- name: basic-user\n  user:\n    username: admin\n    password: "
                + kPassword
                + "\n"
                  "- name: cert-user\n  user:\n    client-certificate-data: "
                + QByteArray("not a cert").toBase64() + "\n    client-key-data: " + pem.toBase64()
                + "\n"
                  "contexts:\n"
                  "- name: token-ctx\n  context:\n    cluster: fake\n    user: token-user\n"
                  "- name: basic-ctx\n  context:\n    cluster: fake\n    user: basic-user\n"
                  "- name: cert-ctx\n  context:\n    cluster: fake\n    user: cert-user\n"));
        const QString ready = m_tmp.filePath(u"secrets/ready"_s);
        QProcess p;
        QProcessEnvironment e = env(u"secrets"_s);
        e.insert(u"LBSCOPE_TRACE"_s, u"all"_s);
        p.setProcessEnvironment(e);
        p.start(QStringLiteral(LBSCOPE_APP),
            {u"--cluster"_s, u"--kubeconfig"_s, kubeconfig, u"--context"_s, u"token-ctx"_s, u"--ready-file"_s,
                ready});
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(ready) || p.state() == QProcess::NotRunning, 60000);
        QTest::qWait(500); // let the session settle: settings written, late traces printed
        p.kill();
        p.waitForFinished();
        const QByteArray trace = p.readAllStandardError();
        QVERIFY2(QFile::exists(ready), trace.constData());
        // The session really ran and was traced, and its choices were written.
        QVERIFY2(trace.contains("/api/v1/services"), trace.constData());
        const QMap<QString, QByteArray> settings = filesUnder(m_tmp.filePath(u"secrets/config"_s));
        QVERIFY(!settings.isEmpty());
        QVERIFY(settings.value(settingsFile(u"secrets"_s)).contains("token-ctx"));
        QVERIFY(!server.requests.isEmpty());
        for (const QByteArray &secret :
            {kToken, kPassword, kKeyMaterial, kKeyMaterial.toBase64(), pem.toBase64().left(40)}) {
            QVERIFY2(!trace.contains(secret), secret.constData());
            for (auto it = settings.cbegin(); it != settings.cend(); ++it)
                QVERIFY2(!it.value().contains(secret), qPrintable(it.key()));
            const QMap<QString, QByteArray> home = filesUnder(m_tmp.filePath(u"secrets/home"_s));
            for (auto it = home.cbegin(); it != home.cend(); ++it)
                QVERIFY2(!it.value().contains(secret), qPrintable(it.key()));
        }
    }
};

QTEST_GUILESS_MAIN(TestSettingsFiles)
#include "tst_settingsfiles.moc"
