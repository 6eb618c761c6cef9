// REST client against in-test HTTP(S) servers: error mapping (401/403/404/409/5xx, refused, TLS),
// auth selection (cert RSA/EC, token, tokenFile re-read, basic, impersonation), TLS options
// (CA, insecure-skip-tls-verify warning, tls-server-name), path prefix, paging and watch with 410.
#include "core/common/trace.h"
#include "core/kube/kubeclient.h"
#include "core/kube/kubeconfigloader.h"
#include "fakeapiserver.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QNetworkProxy>
#include <QScopeGuard>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTemporaryFile>
#include <QTest>
#include <QTimer>

#include <unistd.h>

#include <cstdio>
#include <memory>

using namespace lbs::kube;
using namespace Qt::StringLiterals;

namespace {

ResolvedContext context(const QString &server)
{
    ResolvedContext ctx;
    ctx.context.name = u"lab-token"_s;
    ctx.context.origin = u"/home/u/.kube/config"_s;
    ctx.cluster.name = u"lab"_s;
    ctx.cluster.server = server;
    ctx.user.name = u"admin"_s;
    ctx.user.token = u"t0k"_s;
    return ctx;
}

QString text(const lbs::Error &e)
{
    return QString::fromStdString(e.toString());
}

// An HTTP CONNECT proxy on 127.0.0.1: records each request line, then relays bytes both ways to the
// host:port it names (only 127.0.0.1 is allowed).
class ConnectProxy : public QTcpServer {
public:
    ConnectProxy() { listen(QHostAddress::LocalHost, 0); }
    QList<QByteArray> requestLines;

protected:
    void incomingConnection(qintptr fd) override
    {
        auto *in = new QTcpSocket(this);
        in->setSocketDescriptor(fd);
        auto head = std::make_shared<QByteArray>();
        auto *out = new QTcpSocket(this);
        connect(in, &QTcpSocket::readyRead, this, [this, in, out, head] {
            if (out->state() != QAbstractSocket::UnconnectedState) {
                out->write(in->readAll());
                return;
            }
            *head += in->readAll();
            const auto end = head->indexOf("\r\n\r\n");
            if (end < 0)
                return;
            const QList<QByteArray> lines = head->left(end).split('\n');
            const QByteArray first = lines.value(0).trimmed();
            requestLines << first;
            const QList<QByteArray> parts = first.split(' ');
            const QByteArray target = parts.value(1);
            const auto colon = target.lastIndexOf(':');
            if (parts.value(0) != "CONNECT" || target.left(colon) != "127.0.0.1") {
                in->write("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
                in->disconnectFromHost();
                return;
            }
            const QByteArray rest = head->mid(end + 4);
            connect(out, &QTcpSocket::connected, in, [in, out, rest] {
                in->write("HTTP/1.1 200 Connection established\r\n\r\n");
                if (!rest.isEmpty())
                    out->write(rest);
            });
            out->connectToHost(QHostAddress::LocalHost, target.mid(colon + 1).toUShort());
        });
        connect(out, &QTcpSocket::readyRead, in, [in, out] { in->write(out->readAll()); });
        connect(out, &QTcpSocket::disconnected, in, &QTcpSocket::disconnectFromHost);
        connect(in, &QTcpSocket::disconnected, out, &QTcpSocket::disconnectFromHost);
    }
};

} // namespace

class TestKubeClient : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        QString error;
        QVERIFY2(m_pki.create(m_tmp.path(), &error), qPrintable(error));
    }

    void httpErrors_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("reason");
        QTest::addColumn<QString>("message");
        QTest::addColumn<QStringList>("expect");
        QTest::newRow("401") << 401 << u"Unauthorized"_s << u"Unauthorized"_s
                             << QStringList {u"rejected the credentials of user 'admin'"_s,
                                    u"token of user 'admin'"_s, u"/home/u/.kube/config"_s};
        QTest::newRow("403 rbac") << 403 << u"Forbidden"_s
                                  << u"nodes is forbidden: User \"bob\" cannot list resource \"nodes\""_s
                                  << QStringList {
                                         u"User \"bob\" cannot list resource \"nodes\""_s, u"RBAC"_s};
        QTest::newRow("403 podsecurity")
            << 403 << u"Forbidden"_s
            << u"pods \"x\" is forbidden: violates PodSecurity \"restricted:latest\": host namespaces (hostNetwork=true)"_s
            << QStringList {u"violates PodSecurity \"restricted:latest\""_s,
                   u"pod-security.kubernetes.io/enforce=privileged"_s};
        QTest::newRow("403 scc")
            << 403 << u"Forbidden"_s
            << u"pods \"x\" is forbidden: unable to validate against any security context constraint: [provider restricted]"_s
            << QStringList {
                   u"unable to validate against any security context constraint"_s, u"privileged' SCC"_s};
        QTest::newRow("404") << 404 << u"NotFound"_s << u"nodes \"n9\" not found"_s
                             << QStringList {u"not found"_s, u"n9"_s};
        QTest::newRow("409") << 409 << u"AlreadyExists"_s << u"namespaces \"lbscope\" already exists"_s
                             << QStringList {u"conflict"_s, u"already exists"_s};
        QTest::newRow("500") << 500 << u"InternalError"_s << u"etcdserver: request timed out"_s
                             << QStringList {u"server error 500"_s, u"etcdserver: request timed out"_s,
                                    u"control plane"_s};
        QTest::newRow("503 html") << 503 << QString() << QString() << QStringList {u"server error 503"_s};
    }
    void httpErrors()
    {
        QFETCH(int, status);
        QFETCH(QString, reason);
        QFETCH(QString, message);
        QFETCH(QStringList, expect);
        FakeApiServer server([&](const FakeRequest &) {
            if (reason.isEmpty())
                return FakeResponse::json(status, "<html>Service Unavailable</html>");
            return FakeResponse::kubeStatus(status, reason, message);
        });
        auto client = KubeClient::create(context(server.url()));
        QVERIFY(client.ok());
        lbs::CancelToken cancel;
        auto r = (*client)->get(u"/api/v1/nodes/n9"_s, cancel);
        QVERIFY(!r.ok());
        for (const QString &e : expect)
            QVERIFY2(text(r.error()).contains(e), qPrintable(text(r.error())));
        // Callers decide by the kind (e.g. a missing CRD), never by the text above.
        const QMap<int, lbs::ErrorKind> kinds {{401, lbs::ErrorKind::Unauthorized},
            {403, lbs::ErrorKind::Forbidden}, {404, lbs::ErrorKind::NotFound},
            {409, lbs::ErrorKind::Conflict}, {500, lbs::ErrorKind::Unavailable},
            {503, lbs::ErrorKind::Unavailable}};
        QVERIFY(kinds.contains(status));
        QCOMPARE(lbs::errorKindName(r.error().kind), lbs::errorKindName(kinds.value(status)));
        QCOMPARE(server.requests.value(0).headers.value("authorization"), QByteArray("Bearer t0k"));
    }

    void connectionRefused()
    {
        quint16 port;
        {
            QTcpServer probe;
            probe.listen(QHostAddress::LocalHost, 0);
            port = probe.serverPort();
        }
        auto client = KubeClient::create(context(u"https://127.0.0.1:%1"_s.arg(port)));
        lbs::CancelToken cancel;
        auto r = (*client)->get(u"/version"_s, cancel);
        QVERIFY(!r.ok());
        QVERIFY2(text(r.error()).contains(u"connection refused"_s), qPrintable(text(r.error())));
        QCOMPARE(lbs::errorKindName(r.error().kind), lbs::errorKindName(lbs::ErrorKind::Unavailable));
        QVERIFY2(text(r.error()).contains(u"cluster 'lab'"_s), qPrintable(text(r.error())));
    }

    void timeoutAndCancel()
    {
        QTcpServer silent; // accepts, never answers
        silent.listen(QHostAddress::LocalHost, 0);
        auto client = KubeClient::create(context(u"http://127.0.0.1:%1"_s.arg(silent.serverPort())));
        (*client)->setTimeoutMs(500);
        lbs::CancelToken cancel;
        auto r = (*client)->get(u"/version"_s, cancel);
        QVERIFY(!r.ok());
        QVERIFY2(text(r.error()).contains(u"timed out"_s), qPrintable(text(r.error())));
        QCOMPARE(lbs::errorKindName(r.error().kind), lbs::errorKindName(lbs::ErrorKind::Timeout));
        (*client)->setTimeoutMs(30000);
        QTimer::singleShot(200, [cancel] { cancel.cancel(); });
        QElapsedTimer t;
        t.start();
        auto c = (*client)->get(u"/version"_s, cancel);
        QVERIFY(!c.ok());
        QVERIFY(text(c.error()).contains(u"cancelled"_s));
        QCOMPARE(lbs::errorKindName(c.error().kind), lbs::errorKindName(lbs::ErrorKind::Cancelled));
        QVERIFY(t.elapsed() < 2000);
    }

    void tls_data()
    {
        QTest::addColumn<QString>("mode");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QString>("expect");
        QTest::newRow("right CA") << u"ca"_s << true << QString();
        QTest::newRow("wrong CA") << u"otherca"_s << false
                                  << u"not signed by the CA in certificate-authority"_s;
        QTest::newRow("no CA, system roots") << u"none"_s << false << u"no CA is configured"_s;
        QTest::newRow("insecure") << u"insecure"_s << true << QString();
        QTest::newRow("tls-server-name") << u"servername"_s << true << QString();
        QTest::newRow("name mismatch") << u"mismatch"_s << false << u"tls-server-name"_s;
        QTest::newRow("CA file relative") << u"cafile"_s << true << QString();
    }
    void tls()
    {
        QFETCH(QString, mode);
        QFETCH(bool, ok);
        QFETCH(QString, expect);
        const bool named = mode == QLatin1String("servername") || mode == QLatin1String("mismatch");
        const QByteArray certPem = named ? slurp(u"named.crt"_s) : m_pki.serverCertPem;
        const QByteArray keyPem = named ? slurp(u"named.key"_s) : m_pki.serverKeyPem;
        FakeApiServer server(
            [](const FakeRequest &) { return FakeResponse::json(200, R"({"major":"1","minor":"32"})"); },
            QSslCertificate(certPem), QSslKey(keyPem, QSsl::Rsa));
        ResolvedContext ctx = context(server.url());
        if (mode == QLatin1String("ca") || named)
            ctx.cluster.certificateAuthorityData = m_pki.caPem;
        if (mode == QLatin1String("otherca"))
            ctx.cluster.certificateAuthorityData = m_pki.otherCaPem;
        if (mode == QLatin1String("cafile"))
            ctx.cluster.certificateAuthority = m_tmp.filePath(u"ca.crt"_s);
        if (mode == QLatin1String("insecure")) {
            ctx.cluster.insecureSkipTlsVerify = true;
            ctx.warnings << u"insecure-skip-tls-verify"_s;
        }
        if (mode == QLatin1String("servername"))
            ctx.cluster.tlsServerName = u"only-name.test"_s;
        auto client = KubeClient::create(ctx);
        QVERIFY(client.ok());
        lbs::CancelToken cancel;
        auto r = (*client)->get(u"/version"_s, cancel);
        QCOMPARE(r.ok(), ok);
        if (!ok) {
            QVERIFY2(
                text(r.error()).contains(u"TLS verification of API server"_s), qPrintable(text(r.error())));
            QVERIFY2(text(r.error()).contains(expect), qPrintable(text(r.error())));
        }
        if (mode == QLatin1String("insecure"))
            QVERIFY((*client)->warnings().join(u' ').contains(u"insecure-skip-tls-verify"_s));
    }

    void proxyUrl_data()
    {
        QTest::addColumn<QString>("proxyUrl");
        QTest::addColumn<int>("type");
        QTest::addColumn<int>("port");
        QTest::addColumn<QString>("expect"); // error text, empty when accepted
        QTest::newRow("http, Go's default port 80")
            << u"http://proxy.example"_s << int(QNetworkProxy::HttpProxy) << 80 << QString();
        QTest::newRow("http with port")
            << u"http://u:p@proxy.example:3128"_s << int(QNetworkProxy::HttpProxy) << 3128 << QString();
        QTest::newRow("socks5, default 1080")
            << u"socks5://proxy.example"_s << int(QNetworkProxy::Socks5Proxy) << 1080 << QString();
        QTest::newRow("https refused: Qt cannot speak TLS to a proxy")
            << u"https://u:hunter2@proxy.example"_s << 0 << 0 << u"use an http:// or socks5:// proxy"_s;
        QTest::newRow("unknown scheme") << u"ftp://proxy.example"_s << 0 << 0 << u"unsupported scheme"_s;
    }
    void proxyUrl()
    {
        QFETCH(QString, proxyUrl);
        QFETCH(int, type);
        QFETCH(int, port);
        QFETCH(QString, expect);
        ResolvedContext ctx = context(u"https://127.0.0.1:6443"_s);
        ctx.cluster.origin = u"/home/u/.kube/config"_s;
        ctx.cluster.proxyUrl = proxyUrl;
        auto client = KubeClient::create(ctx);
        if (expect.isEmpty()) {
            QVERIFY2(client.ok(), client.ok() ? "" : client.error().toString().c_str());
            QCOMPARE(int((*client)->proxy().type()), type);
            QCOMPARE(int((*client)->proxy().port()), port);
            QCOMPARE((*client)->proxy().hostName(), u"proxy.example"_s);
            return;
        }
        QVERIFY(!client.ok());
        const QString t = text(client.error());
        QVERIFY2(t.contains(expect), qPrintable(t));
        QVERIFY2(t.contains(u"cluster 'lab'"_s) && t.contains(u"/home/u/.kube/config"_s), qPrintable(t));
        QVERIFY2(!t.contains(u"hunter2"_s), qPrintable(t)); // proxy credentials never shown
    }

    void proxyFromEnvironment()
    {
        // No proxy-url: client-go's HTTPS_PROXY applies, with the same rules (and "host:port" = http).
        const QByteArray savedLower = qgetenv("https_proxy"), savedUpper = qgetenv("HTTPS_PROXY");
        qunsetenv("https_proxy");
        auto restore = qScopeGuard([&] {
            savedLower.isNull() ? qunsetenv("https_proxy") : qputenv("https_proxy", savedLower);
            savedUpper.isNull() ? qunsetenv("HTTPS_PROXY") : qputenv("HTTPS_PROXY", savedUpper);
        });
        ResolvedContext ctx = context(u"https://127.0.0.1:6443"_s);
        ctx.cluster.origin = u"/home/u/.kube/config"_s;
        qputenv("HTTPS_PROXY", "https://proxy.example");
        auto refused = KubeClient::create(ctx);
        QVERIFY(!refused.ok());
        QVERIFY2(text(refused.error()).contains(u"environment variable HTTPS_PROXY"_s),
            qPrintable(text(refused.error())));
        qputenv("HTTPS_PROXY", "proxy.example:8080");
        auto bare = KubeClient::create(ctx);
        QVERIFY2(bare.ok(), bare.ok() ? "" : bare.error().toString().c_str());
        QCOMPARE((*bare)->proxy().type(), QNetworkProxy::HttpProxy);
        QCOMPARE(int((*bare)->proxy().port()), 8080);
    }

    void requestGoesThroughHttpProxy()
    {
        FakeApiServer server(
            [](const FakeRequest &) { return FakeResponse::json(200, R"({"major":"1","minor":"32"})"); },
            QSslCertificate(m_pki.serverCertPem), QSslKey(m_pki.serverKeyPem, QSsl::Rsa));
        ConnectProxy proxy;
        QVERIFY(proxy.serverPort() != 0);
        ResolvedContext ctx = context(server.url());
        ctx.cluster.certificateAuthorityData = m_pki.caPem;
        ctx.cluster.proxyUrl = u"http://lbs:pr0xy@127.0.0.1:%1"_s.arg(proxy.serverPort());
        auto client = KubeClient::create(ctx);
        QVERIFY2(client.ok(), client.ok() ? "" : client.error().toString().c_str());
        lbs::CancelToken cancel;
        auto r = (*client)->get(u"/version"_s, cancel);
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().toString().c_str());
        QCOMPARE(r->value(u"minor"_s).toString(), u"32"_s);
        QVERIFY(!proxy.requestLines.isEmpty());
        QCOMPARE(proxy.requestLines.value(0),
            QByteArray("CONNECT 127.0.0.1:") + QByteArray::number(server.serverPort()) + " HTTP/1.1");
        QCOMPARE(server.requests.size(), 1);
        QCOMPARE(server.requests.value(0).headers.value("authorization"), QByteArray("Bearer t0k"));
    }

    void insecureWarningFromResolve()
    {
        QTemporaryDir d;
        QFile f(d.filePath(u"cfg"_s));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("current-context: c\nclusters:\n- name: k\n  cluster: {server: 'https://127.0.0.1:1', "
                "insecure-skip-tls-verify: true}\n"
                "users:\n- name: u\n  user: {token: t}\ncontexts:\n- name: c\n  context: {cluster: k, user: "
                "u}\n");
        f.close();
        // Resolve through the real loader: the warning comes from the kubeconfig and names the file.
        auto cfg = KubeConfigLoader::loadFile(d.filePath(u"cfg"_s));
        QVERIFY(cfg.ok());
        auto ctx = cfg->resolve();
        QVERIFY(ctx.ok());
        auto client = KubeClient::create(*ctx);
        QVERIFY(client.ok());
        const QString w = (*client)->warnings().join(u'\n');
        QVERIFY2(
            w.contains(u"insecure-skip-tls-verify"_s) && w.contains(d.filePath(u"cfg"_s)), qPrintable(w));
    }

    void clientCertificates_data()
    {
        QTest::addColumn<bool>("ec");
        QTest::addColumn<bool>("files");
        QTest::newRow("RSA data") << false << false;
        QTest::newRow("EC data") << true << false;
        QTest::newRow("RSA files") << false << true;
    }
    void clientCertificates()
    {
        QFETCH(bool, ec);
        QFETCH(bool, files);
        FakeApiServer server(
            [](const FakeRequest &) {
                return FakeResponse::json(200, R"({"kind":"NamespaceList","items":[]})");
            },
            QSslCertificate(m_pki.serverCertPem), QSslKey(m_pki.serverKeyPem, QSsl::Rsa), true,
            QSslCertificate::fromData(m_pki.caPem));
        ResolvedContext ctx = context(server.url());
        ctx.user.token.clear();
        ctx.cluster.certificateAuthorityData = m_pki.caPem;
        if (files) {
            ctx.user.clientCertificate = m_tmp.filePath(u"client.crt"_s);
            ctx.user.clientKey = m_tmp.filePath(u"client.key"_s);
        } else {
            ctx.user.clientCertificateData = ec ? m_pki.ecClientCertPem : m_pki.clientCertPem;
            ctx.user.clientKeyData = ec ? m_pki.ecClientKeyPem : m_pki.clientKeyPem;
        }
        auto client = KubeClient::create(ctx);
        QVERIFY2(client.ok(), client.ok() ? "" : client.error().toString().c_str());
        QCOMPARE((*client)->authenticator().method(), u"client certificate"_s);
        lbs::CancelToken cancel;
        auto r = (*client)->get(u"/api/v1/namespaces"_s, cancel);
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().toString().c_str());
        // Without a client certificate the server refuses the handshake.
        ResolvedContext none = context(server.url());
        none.cluster.certificateAuthorityData = m_pki.caPem;
        auto anon = KubeClient::create(none);
        QVERIFY(!(*anon)->get(u"/api/v1/namespaces"_s, cancel).ok());
    }

    void badKeyIsReported()
    {
        ResolvedContext ctx = context(u"https://127.0.0.1:1"_s);
        ctx.user.clientCertificateData = m_pki.clientCertPem;
        ctx.user.clientKeyData = "-----BEGIN PRIVATE KEY-----\nnonsense\n-----END PRIVATE KEY-----\n";
        auto client = KubeClient::create(ctx);
        QVERIFY(!client.ok());
        QVERIFY(text(client.error()).contains(u"client key of user 'admin'"_s));
        ctx.user.clientKeyData.clear();
        ctx.user.clientKey = u"/nonexistent/key.pem"_s;
        auto missing = KubeClient::create(ctx);
        QVERIFY(!missing.ok());
        QVERIFY(text(missing.error()).contains(u"/nonexistent/key.pem"_s));
    }

    void authHeaders()
    {
        FakeApiServer server([](const FakeRequest &) { return FakeResponse::json(200, "{}"); });
        lbs::CancelToken cancel;
        // token file: re-read on each request, the last good value wins over token.
        QTemporaryDir d;
        auto writeToken = [&](const QByteArray &t) {
            QFile f(d.filePath(u"token"_s));
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write(t);
        };
        writeToken("file-token-1\n");
        ResolvedContext ctx = context(server.url());
        ctx.user.tokenFile = d.filePath(u"token"_s);
        ctx.user.as = u"alice"_s;
        ctx.user.asGroups = QStringList {u"ops"_s, u"dev"_s};
        auto client = KubeClient::create(ctx);
        QVERIFY((*client)->get(u"/x"_s, cancel).ok());
        writeToken("file-token-2\n");
        QVERIFY((*client)->get(u"/x"_s, cancel).ok());
        writeToken(""); // unreadable/empty now: keep the last good value
        QVERIFY((*client)->get(u"/x"_s, cancel).ok());
        QCOMPARE(server.requests.at(0).headers.value("authorization"), QByteArray("Bearer file-token-1"));
        QCOMPARE(server.requests.at(1).headers.value("authorization"), QByteArray("Bearer file-token-2"));
        QCOMPARE(server.requests.at(2).headers.value("authorization"), QByteArray("Bearer file-token-2"));
        QCOMPARE(server.requests.at(0).headers.value("impersonate-user"), QByteArray("alice"));

        ResolvedContext basic = context(server.url());
        basic.user.token.clear();
        basic.user.username = u"kube"_s;
        basic.user.password = u"p:ss"_s;
        auto b = KubeClient::create(basic);
        QVERIFY((*b)->get(u"/x"_s, cancel).ok());
        QCOMPARE(server.requests.last().headers.value("authorization"),
            "Basic " + QByteArray("kube:p:ss").toBase64());
        QCOMPARE((*b)->authenticator().method(), u"basic auth"_s);
    }

    void tokenFileChangeRetries401()
    {
        QTemporaryDir d;
        QFile f(d.filePath(u"token"_s));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("old");
        f.close();
        int calls = 0;
        FakeApiServer server([&](const FakeRequest &r) {
            if (++calls == 1) {
                // The token rotates on disk while the first request is on its way.
                QFile w(d.filePath(u"token"_s));
                w.open(QIODevice::WriteOnly | QIODevice::Truncate);
                w.write("new");
            }
            return r.headers.value("authorization") == "Bearer new"
                ? FakeResponse::json(200, "{}")
                : FakeResponse::kubeStatus(401, u"Unauthorized"_s, u"Unauthorized"_s);
        });
        ResolvedContext ctx = context(server.url());
        ctx.user.token.clear();
        ctx.user.tokenFile = d.filePath(u"token"_s);
        auto client = KubeClient::create(ctx);
        lbs::CancelToken cancel;
        QVERIFY((*client)->get(u"/x"_s, cancel).ok());
        QCOMPARE(calls, 2);
    }

    void pathPrefixAndPaging()
    {
        FakeApiServer server([](const FakeRequest &r) {
            if (r.path != QLatin1String("/k8s/clusters/c-1/api/v1/pods"))
                return FakeResponse::kubeStatus(404, u"NotFound"_s, r.path);
            const QString cont = r.query(u"continue"_s);
            if (cont.isEmpty())
                return FakeResponse::json(
                    200, R"({"metadata":{"continue":"a+b/c=="},"items":[{"n":1},{"n":2}]})");
            if (cont == QLatin1String("a+b/c=="))
                return FakeResponse::json(200, R"({"metadata":{"resourceVersion":"77"},"items":[{"n":3}]})");
            return FakeResponse::kubeStatus(410, u"Expired"_s, u"bad continue "_s + cont);
        });
        auto client = KubeClient::create(context(server.url() + u"/k8s/clusters/c-1/?ignored=1"_s));
        QVERIFY(client.ok());
        lbs::CancelToken cancel;
        QString rv;
        QUrlQuery q;
        addQueryValue(q, u"labelSelector"_s, u"app.kubernetes.io/managed-by=lbscope"_s);
        auto items = (*client)->list(u"/api/v1/pods"_s, cancel, q, &rv);
        QVERIFY2(items.ok(), items.ok() ? "" : items.error().toString().c_str());
        QCOMPARE(items->size(), 3);
        QCOMPARE(rv, u"77"_s);
        QCOMPARE(server.requests.at(0).query(u"limit"_s), u"500"_s);
        QCOMPARE(server.requests.at(0).query(u"labelSelector"_s), u"app.kubernetes.io/managed-by=lbscope"_s);
    }

    void listStopsOnARepeatedContinueToken()
    {
        // A server that answers every page with the token it was given: two requests, then a clear
        // error instead of 10,000 pages.
        FakeApiServer server([](const FakeRequest &) {
            return FakeResponse::json(200, R"({"metadata":{"continue":"same"},"items":[{"n":1}]})");
        });
        auto client = KubeClient::create(context(server.url()));
        QVERIFY(client.ok());
        lbs::CancelToken cancel;
        auto items = (*client)->list(u"/api/v1/pods"_s, cancel);
        QVERIFY(!items.ok());
        QCOMPARE(items.error().kind, lbs::ErrorKind::Unavailable);
        QVERIFY2(QString::fromStdString(items.error().message).contains(u"same continue token"_s),
            items.error().message.c_str());
        QCOMPARE(server.requests.size(), 2);
    }

    void traceShowsTheQueryAsSent()
    {
        // ctest runs this binary with LBSCOPE_TRACE=http. The trace line of a request whose query holds
        // %-escapes shows them as sent, with the status, size and time in their places.
        QVERIFY2(lbs::traceEnabled("http"), "run with LBSCOPE_TRACE=http (ctest sets it)");
        FakeApiServer server([](const FakeRequest &) { return FakeResponse::json(200, R"({"items":[]})"); });
        auto client = KubeClient::create(context(server.url()));
        QVERIFY(client.ok());
        QTemporaryFile log;
        QVERIFY(log.open());
        std::fflush(stderr);
        const int saved = dup(2);
        dup2(log.handle(), 2);
        lbs::CancelToken cancel;
        QUrlQuery q;
        addQueryValue(q, u"labelSelector"_s, u"kubernetes.io/service-name=web"_s);
        const bool ok = (*client)->list(u"/api/v1/pods"_s, cancel, q).ok();
        std::fflush(stderr);
        dup2(saved, 2);
        close(saved);
        QVERIFY(ok);
        log.seek(0);
        const QString text = QString::fromUtf8(log.readAll());
        QVERIFY2(
            text.contains(u"labelSelector=kubernetes.io%2Fservice-name%3Dweb&limit=500 -> 200 (12 bytes, "_s),
            qPrintable(text));
    }

    void watchResumesAndRelists()
    {
        // 1st watch: two events then the stream ends; 2nd (resumed at rv 11): 410 ERROR event;
        // relist gives rv 20; 3rd watch from 20: the Running event stops the loop.
        int watches = 0;
        QStringList versions;
        FakeApiServer server([&](const FakeRequest &r) {
            if (r.query(u"watch"_s) != QLatin1String("1"))
                return FakeResponse::json(200, R"({"metadata":{"resourceVersion":"20"},"items":[]})");
            versions << r.query(u"resourceVersion"_s);
            FakeResponse resp;
            resp.chunkDelayMs = 20;
            switch (++watches) {
            case 1:
                resp.chunks = {
                    R"({"type":"ADDED","object":{"metadata":{"name":"p","resourceVersion":"10"},"status":{"phase":"Pending"}}})"
                    "\n{\"type\":\"MODIFIED\",\"object\":{\"metadata\":",
                    R"({"name":"p","resourceVersion":"11"},"status":{"phase":"Pending"}}})"
                    "\n"};
                break;
            case 2:
                resp.chunks = {
                    R"({"type":"ERROR","object":{"kind":"Status","code":410,"reason":"Expired","message":"too old resource version"}})"
                    "\n"};
                break;
            default:
                resp.chunks = {R"({"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"21"}}})"
                               "\n",
                    R"({"type":"MODIFIED","object":{"metadata":{"name":"p","resourceVersion":"22"},"status":{"phase":"Running"}}})"
                    "\n"};
            }
            return resp;
        });
        auto client = KubeClient::create(context(server.url()));
        lbs::CancelToken cancel;
        QStringList phases;
        int relists = 0;
        auto status = (*client)->watchLoop(
            u"/api/v1/namespaces/lbscope/pods"_s, {}, u"5"_s,
            [&]() -> lbs::Result<QString> {
                ++relists;
                QString rv;
                auto l = (*client)->list(u"/api/v1/namespaces/lbscope/pods"_s, cancel, {}, &rv);
                if (!l)
                    return l.error();
                return rv;
            },
            [&](const WatchEvent &ev) {
                const QString phase = ev.object.value(u"status"_s).toObject().value(u"phase"_s).toString();
                phases << phase;
                return phase == QLatin1String("Running") ? WatchControl::Stop : WatchControl::Continue;
            },
            cancel, 20000);
        QVERIFY2(status.ok(), status.ok() ? "" : status.error().toString().c_str());
        QCOMPARE(phases, (QStringList {u"Pending"_s, u"Pending"_s, u"Running"_s}));
        QCOMPARE(relists, 1);
        QCOMPARE(versions, (QStringList {u"5"_s, u"11"_s, u"20"_s}));
    }

    void watch410Status()
    {
        FakeApiServer server(
            [](const FakeRequest &) { return FakeResponse::kubeStatus(410, u"Gone"_s, u"too old"_s); });
        auto client = KubeClient::create(context(server.url()));
        lbs::CancelToken cancel;
        auto end = (*client)->watch(
            u"/api/v1/pods"_s, {}, u"1"_s, [](const WatchEvent &) { return WatchControl::Continue; }, cancel,
            5000);
        QVERIFY(end.ok());
        QCOMPARE(end->reason, WatchEnd::Expired);
    }

    void serverWarningsCollected()
    {
        FakeApiServer server([](const FakeRequest &) {
            FakeResponse r = FakeResponse::json(200, "{}");
            r.headers << qMakePair(
                QByteArray("Warning"), QByteArray("299 - \"v1 Endpoints is deprecated in v1.33+\""));
            return r;
        });
        auto client = KubeClient::create(context(server.url()));
        lbs::CancelToken cancel;
        QVERIFY((*client)->get(u"/api/v1/endpoints"_s, cancel).ok());
        QVERIFY((*client)->warnings().join(u' ').contains(u"deprecated"_s));
    }

private:
    QByteArray slurp(const QString &name)
    {
        QFile f(m_tmp.filePath(name));
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }
    QTemporaryDir m_tmp;
    TestPki m_pki;
};

QTEST_GUILESS_MAIN(TestKubeClient)
#include "tst_kubeclient.moc"
