// kubeconfig loading and merging as kubectl does it (docs/protocol-notes.md, "kubeconfig").
#include "core/kube/kubeconfigloader.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace lbs::kube;
using namespace Qt::StringLiterals;

namespace {

void writeFile(const QString &path, const QByteArray &text)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
}

// A small kubeconfig: one cluster, user and context named after `tag`.
QByteArray config(const QByteArray &tag, const QByteArray &current, const QByteArray &server,
    const QByteArray &extraUser = {})
{
    QByteArray y = "apiVersion: v1\nkind: Config\n";
    if (!current.isEmpty())
        y += "current-context: " + current + "\n";
    y += "clusters:\n- name: " + tag + "\n  cluster:\n    server: " + server + "\n";
    y += "users:\n- name: " + tag + "\n  user:\n    token: tok-" + tag + "\n" + extraUser;
    y += "contexts:\n- name: " + tag + "\n  context:\n    cluster: " + tag + "\n    user: " + tag + "\n";
    return y;
}

} // namespace

class TestKubeConfig : public QObject {
    Q_OBJECT
private slots:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
    }

    void mergeRules_data()
    {
        QTest::addColumn<QStringList>("fileNames"); // files that exist (content from the table below)
        QTest::addColumn<QString>("kubeconfigEnv"); // ':'-list, names relative to the temp dir
        QTest::addColumn<QString>("expectCurrent");
        QTest::addColumn<QString>("expectSharedServer"); // server of cluster 'shared'
        QTest::addColumn<QString>("expectSharedToken"); // token of user 'shared'
        QTest::addColumn<int>("expectContexts");

        QTest::newRow("first file wins for map entries")
            << QStringList {u"a"_s, u"b"_s} << u"a:b"_s << u"a"_s << u"https://a.example:6443"_s
            << u"tok-shared-a"_s << 3;
        QTest::newRow("order reversed") << QStringList {u"a"_s, u"b"_s} << u"b:a"_s << u"b"_s
                                        << u"https://b.example:6443"_s << u"tok-shared-b"_s << 3;
        QTest::newRow("missing file skipped") << QStringList {u"b"_s} << u"missing:b"_s << u"b"_s
                                              << u"https://b.example:6443"_s << u"tok-shared-b"_s << 1;
        QTest::newRow("duplicates removed, first kept")
            << QStringList {u"a"_s, u"b"_s} << u"b:a:b"_s << u"b"_s << u"https://b.example:6443"_s
            << u"tok-shared-b"_s << 3;
        QTest::newRow("empty entries skipped") << QStringList {u"a"_s, u"b"_s} << u"::a::b:"_s << u"a"_s
                                               << u"https://a.example:6443"_s << u"tok-shared-a"_s << 3;
        QTest::newRow("current-context from first file that sets it")
            << QStringList {u"nocurrent"_s, u"b"_s} << u"nocurrent:b"_s << u"b"_s
            << u"https://n.example:6443"_s << u"tok-shared-n"_s << 2;
        QTest::newRow("empty file is an empty config")
            << QStringList {u"empty"_s, u"a"_s} << u"empty:a"_s << u"a"_s << u"https://a.example:6443"_s
            << u"tok-shared-a"_s << 2;
    }

    void mergeRules()
    {
        QFETCH(QStringList, fileNames);
        QFETCH(QString, kubeconfigEnv);
        QFETCH(QString, expectCurrent);
        QFETCH(QString, expectSharedServer);
        QFETCH(QString, expectSharedToken);
        QFETCH(int, expectContexts);
        const QMap<QString, QByteArray> contents {
            {u"a"_s,
                config("a", "a", "https://a-own.example")
                    + "- name: shared\n  context:\n    cluster: shared\n    user: shared\n"},
            {u"b"_s, config("b", "b", "https://b-own.example")},
            {u"nocurrent"_s, config("n", "", "https://n-own.example")},
            {u"empty"_s, ""},
        };
        // Every file also defines 'shared' cluster and user with its own values; the user stanza of a
        // later file has an extra field that must be discarded whole (not merged).
        for (const QString &name : fileNames) {
            QByteArray y = contents.value(name);
            if (!y.isEmpty()) {
                const QByteArray t = name == QLatin1String("nocurrent") ? "n" : name.toLatin1();
                y.replace("clusters:\n",
                    QByteArray("clusters:\n- name: shared\n  cluster:\n    server: https://" + t
                        + ".example:6443\n"));
                y.replace("users:\n",
                    QByteArray("users:\n- name: shared\n  user:\n    token: tok-shared-" + t
                        + "\n    username: " + t + "\n"));
            }
            writeFile(m_dir->filePath(name), y);
        }
        QStringList env;
        for (const QString &p : kubeconfigEnv.split(QLatin1Char(':')))
            env << (p.isEmpty() ? QString() : m_dir->filePath(p));
        KubeConfigSource src;
        src.kubeconfigEnv = env.join(QLatin1Char(':'));
        auto cfg = KubeConfigLoader::load(src);
        QVERIFY2(cfg.ok(), cfg.ok() ? "" : cfg.error().toString().c_str());
        QCOMPARE(cfg->currentContext, expectCurrent);
        QVERIFY(cfg->cluster(QStringLiteral("shared")));
        QCOMPARE(cfg->cluster(QStringLiteral("shared"))->server, expectSharedServer);
        QCOMPARE(cfg->user(QStringLiteral("shared"))->token, expectSharedToken);
        QCOMPARE(cfg->contexts.size(), expectContexts);
    }

    void perEntryNotPerField()
    {
        // The second file's red-user has a field the first lacks: it must not leak into the result.
        writeFile(m_dir->filePath(u"1"_s), "users:\n- name: red-user\n  user:\n    token: red-token\n");
        writeFile(m_dir->filePath(u"2"_s),
            "users:\n- name: red-user\n  user:\n    token: other\n    as: someone\n");
        KubeConfigSource src;
        src.kubeconfigEnv = m_dir->filePath(u"1"_s) + QLatin1Char(':') + m_dir->filePath(u"2"_s);
        auto cfg = KubeConfigLoader::load(src);
        QVERIFY(cfg.ok());
        QCOMPARE(cfg->user(QStringLiteral("red-user"))->token, QStringLiteral("red-token"));
        QVERIFY(cfg->user(QStringLiteral("red-user"))->as.isEmpty());
        QCOMPARE(cfg->user(QStringLiteral("red-user"))->origin, m_dir->filePath(u"1"_s));
    }

    void relativePaths()
    {
        // Paths resolve against the directory of the file that defines the stanza, not the CWD or the
        // first file; a bare exec command stays a PATH lookup.
        writeFile(m_dir->filePath(u"one/config"_s),
            "current-context: c\ncontexts:\n- name: c\n  context: {cluster: k, user: u}\n");
        writeFile(m_dir->filePath(u"two/sub/config"_s),
            "clusters:\n- name: k\n  cluster:\n    server: https://127.0.0.1:1\n    certificate-authority: "
            "ca.pem\n"
            "users:\n- name: u\n  user:\n    client-certificate: ../certs/c.pem\n    client-key: /abs/k.pem\n"
            "    tokenFile: tok\n- name: e\n  user:\n    exec:\n      apiVersion: "
            "client.authentication.k8s.io/v1beta1\n"
            "      command: ./bin/plugin\n- name: bare\n  user:\n    exec:\n      apiVersion: "
            "client.authentication.k8s.io/v1beta1\n"
            "      command: aws\n");
        KubeConfigSource src;
        src.kubeconfigEnv
            = m_dir->filePath(u"one/config"_s) + QLatin1Char(':') + m_dir->filePath(u"two/sub/config"_s);
        auto cfg = KubeConfigLoader::load(src);
        QVERIFY2(cfg.ok(), cfg.ok() ? "" : cfg.error().toString().c_str());
        const QString sub = m_dir->filePath(u"two/sub"_s);
        QCOMPARE(cfg->cluster(QStringLiteral("k"))->certificateAuthority, sub + QStringLiteral("/ca.pem"));
        QCOMPARE(cfg->user(QStringLiteral("u"))->clientCertificate, m_dir->filePath(u"two/certs/c.pem"_s));
        QCOMPARE(cfg->user(QStringLiteral("u"))->clientKey, QStringLiteral("/abs/k.pem"));
        QCOMPARE(cfg->user(QStringLiteral("u"))->tokenFile, sub + QStringLiteral("/tok"));
        QCOMPARE(cfg->user(QStringLiteral("e"))->exec->command, sub + QStringLiteral("/bin/plugin"));
        QCOMPARE(cfg->user(QStringLiteral("bare"))->exec->command, QStringLiteral("aws"));
        QCOMPARE(cfg->user(QStringLiteral("bare"))->exec->interactiveMode, QStringLiteral("IfAvailable"));
    }

    void explicitPathIsExclusive()
    {
        writeFile(m_dir->filePath(u"a"_s), config("a", "a", "https://a"));
        writeFile(m_dir->filePath(u"b"_s), config("b", "b", "https://b"));
        KubeConfigSource src;
        src.explicitPath = m_dir->filePath(u"b"_s);
        src.kubeconfigEnv = m_dir->filePath(u"a"_s);
        auto cfg = KubeConfigLoader::load(src);
        QVERIFY(cfg.ok());
        QCOMPARE(cfg->currentContext, QStringLiteral("b"));
        QVERIFY(!cfg->context(QStringLiteral("a")));
        src.explicitPath = m_dir->filePath(u"nope"_s);
        auto missing = KubeConfigLoader::load(src);
        QVERIFY(!missing.ok());
        QVERIFY(QString::fromStdString(missing.error().where).endsWith(QLatin1String("nope")));
    }

    void homeDefault()
    {
        writeFile(m_dir->filePath(u".kube/config"_s), config("h", "h", "https://h"));
        KubeConfigSource src;
        src.homeDir = m_dir->path();
        auto cfg = KubeConfigLoader::load(src);
        QVERIFY(cfg.ok());
        QCOMPARE(cfg->currentContext, QStringLiteral("h"));
        src.kubeconfigEnv = QString(); // set but empty: same as unset
        QCOMPARE(KubeConfigLoader::load(src)->currentContext, QStringLiteral("h"));
    }

    void parseErrorsNameTheFile_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QString>("expect");
        QTest::newRow("bad yaml") << QByteArray("clusters: [\n  - {") << "YAML error at line";
        QTest::newRow("not a map") << QByteArray("- a\n- b\n") << "top level is not a YAML mapping";
        QTest::newRow("bad base64") << QByteArray(
            "clusters:\n- name: x\n  cluster:\n    certificate-authority-data: '!!!'\n")
                                    << "not valid base64";
        QTest::newRow("duplicate") << QByteArray("users:\n- name: a\n  user: {}\n- name: a\n  user: {}\n")
                                   << "duplicate name 'a'";
        QTest::newRow("v1 exec without interactiveMode") << QByteArray(
            "users:\n- name: a\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      "
            "command: x\n") << "interactiveMode";
        QTest::newRow("bool field with text")
            << QByteArray("clusters:\n- name: x\n  cluster:\n    insecure-skip-tls-verify: maybe\n")
            << "unexpected value";
    }

    void parseErrorsNameTheFile()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(QString, expect);
        const QString path = m_dir->filePath(u"broken"_s);
        writeFile(path, yaml);
        KubeConfigSource src;
        src.kubeconfigEnv = path;
        auto cfg = KubeConfigLoader::load(src);
        QVERIFY(!cfg.ok());
        const QString text = QString::fromStdString(cfg.error().toString());
        QVERIFY2(text.contains(expect), qPrintable(text));
        QVERIFY2(text.contains(path), qPrintable(text));
    }

    void resolveErrors_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QString>("context");
        QTest::addColumn<QString>("expect");
        const QByteArray base = "clusters:\n- name: k\n  cluster: {server: 'https://127.0.0.1:1'}\nusers:\n- "
                                "name: u\n  user: {token: t}\n";
        QTest::newRow("no current") << base << QString() << "no context chosen";
        QTest::newRow("unknown context") << base << "prod"
                                         << "context 'prod' is not defined";
        QTest::newRow("unknown user")
            << base + "contexts:\n- name: prod\n  context: {cluster: k, user: admin}\n"
            << "prod"
            << "context 'prod' refers to user 'admin' that no kubeconfig defines";
        QTest::newRow("unknown cluster")
            << base + "contexts:\n- name: prod\n  context: {cluster: zz, user: u}\n"
            << "prod"
            << "refers to cluster 'zz'";
        QTest::newRow("bad namespace")
            << base + "contexts:\n- name: c\n  context: {cluster: k, user: u, namespace: Bad_NS}\n"
            << "c"
            << "not a valid DNS label";
        QTest::newRow("two methods") << QByteArray(
            "clusters:\n- name: k\n  cluster: {server: 'https://h'}\nusers:\n- name: u\n  user: {token: t, "
            "username: a, password: b}\n"
            "contexts:\n- name: c\n  context: {cluster: k, user: u}\n")
                                     << "c"
                                     << "more than one authentication method";
        QTest::newRow("insecure plus CA") << QByteArray(
            "clusters:\n- name: k\n  cluster: {server: 'https://h', insecure-skip-tls-verify: true, "
            "certificate-authority: /x}\n"
            "users:\n- name: u\n  user: {}\ncontexts:\n- name: c\n  context: {cluster: k, user: u}\n")
                                          << "c"
                                          << "insecure-skip-tls-verify and a certificate authority";
        QTest::newRow("cert without key")
            << QByteArray("clusters:\n- name: k\n  cluster: {server: 'https://h'}\nusers:\n- name: u\n  "
                          "user: {client-certificate: /c}\n"
                          "contexts:\n- name: c\n  context: {cluster: k, user: u}\n")
            << "c"
            << "no client key";
        QTest::newRow("gcp provider")
            << QByteArray("clusters:\n- name: k\n  cluster: {server: 'https://h'}\nusers:\n- name: u\n  "
                          "user:\n    auth-provider: {name: gcp}\n"
                          "contexts:\n- name: c\n  context: {cluster: k, user: u}\n")
            << "c"
            << "gke-gcloud-auth-plugin";
    }

    void resolveErrors()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(QString, context);
        QFETCH(QString, expect);
        const QString path = m_dir->filePath(u"cfg"_s);
        writeFile(path, yaml);
        auto cfg = KubeConfigLoader::loadFile(path);
        QVERIFY(cfg.ok());
        auto r = cfg->resolve(context);
        QVERIFY(!r.ok());
        const QString text = QString::fromStdString(r.error().toString());
        QVERIFY2(text.contains(expect), qPrintable(text));
        QVERIFY2(text.contains(path), qPrintable(text));
    }

    void resolveFieldsAndWarnings()
    {
        const QByteArray ca
            = QByteArray("-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n").toBase64();
        const QString path = m_dir->filePath(u"full"_s);
        writeFile(path,
            "current-context: c\nclusters:\n- name: k\n  cluster:\n    server: https://h:6443/prefix\n"
            "    tls-server-name: kube.test\n    proxy-url: socks5://127.0.0.1:1080\n    "
            "insecure-skip-tls-verify: true\n"
            "    disable-compression: true\n"
            "users:\n- name: u\n  user:\n    token: t\n    as: alice\n    as-groups: [g1, g2]\n    as-uid: "
            "'42'\n"
            "    as-user-extra: {scopes: [a, b]}\n"
            "- name: o\n  user:\n    auth-provider:\n      name: oidc\n      config: {client-id: kube, "
            "idp-issuer-url: 'https://iam'}\n"
            "contexts:\n- name: c\n  context: {cluster: k, user: u}\n- name: d\n  context: {cluster: k, "
            "user: o, namespace: web}\n");
        auto cfg = KubeConfigLoader::loadFile(path);
        QVERIFY(cfg.ok());
        auto r = cfg->resolve();
        QVERIFY(r.ok());
        QCOMPARE(r->nameSpace, QStringLiteral("default"));
        QCOMPARE(r->cluster.tlsServerName, QStringLiteral("kube.test"));
        QCOMPARE(r->cluster.proxyUrl, QStringLiteral("socks5://127.0.0.1:1080"));
        QVERIFY(r->cluster.disableCompression);
        QCOMPARE(r->user.asGroups, (QStringList {u"g1"_s, u"g2"_s}));
        QCOMPARE(r->user.asUserExtra.value(QStringLiteral("scopes")), (QStringList {u"a"_s, u"b"_s}));
        QCOMPARE(r->warnings.size(), 1);
        QVERIFY(r->warnings.first().contains(QLatin1String("insecure-skip-tls-verify")));
        auto d = cfg->resolve(QStringLiteral("d"));
        QVERIFY(d.ok());
        QCOMPARE(d->nameSpace, QStringLiteral("web"));
        QCOMPARE(d->user.authProvider->config.value(QStringLiteral("client-id")), QStringLiteral("kube"));
        Q_UNUSED(ca);
    }

private:
    std::unique_ptr<QTemporaryDir> m_dir;
};

QTEST_GUILESS_MAIN(TestKubeConfig)
#include "tst_kubeconfig.moc"
