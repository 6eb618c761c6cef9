// Exec over wss:// and REST calls honour the kubeconfig's tls-server-name: the API server's certificate names
// only "only-name.test" while the client dials 127.0.0.1. With tls-server-name set to that name the exec
// runs; without it (or with a name the certificate does not carry) it fails with a TLS error that says so.
#include "core/kube/execprotocol.h"
#include "core/kube/podexec.h"
#include "fakeapiserver.h"

#include <QFile>
#include <QSslConfiguration>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>
#include <QWebSocketServer>

using namespace lbs::kube;
using namespace Qt::StringLiterals;

namespace {

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// A wss:// API server for exec that answers every command with "tls ok" and a Success status.
class TlsExecServer : public QObject {
public:
    TlsExecServer(const QSslCertificate &cert, const QSslKey &key)
        : m_server(u"fake-apiserver"_s, QWebSocketServer::SecureMode)
    {
        QSslConfiguration conf = QSslConfiguration::defaultConfiguration();
        conf.setLocalCertificate(cert);
        conf.setPrivateKey(key);
        conf.setPeerVerifyMode(QSslSocket::VerifyNone);
        m_server.setSslConfiguration(conf);
        m_server.setSupportedSubprotocols({u"v5.channel.k8s.io"_s});
        m_server.listen(QHostAddress::LocalHost, 0);
        connect(&m_server, &QWebSocketServer::newConnection, this, [this] {
            while (QWebSocket *ws = m_server.nextPendingConnection()) {
                ++execs;
                connect(ws, &QWebSocket::disconnected, ws, &QObject::deleteLater);
                ws->sendBinaryMessage(QByteArray(1, '\x01'));
                ws->sendBinaryMessage(execproto::encode(execproto::Stdout, "tls ok\n"));
                ws->sendBinaryMessage(
                    execproto::encode(execproto::Error, R"({"metadata":{},"status":"Success"})"));
                ws->close();
            }
        });
    }
    quint16 port() const { return m_server.serverPort(); }
    int execs = 0;

private:
    QWebSocketServer m_server;
};

} // namespace

class TestExecTls : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QString error;
        QVERIFY2(m_pki.create(m_dir.path(), &error), qPrintable(error));
        // named.crt (made by TestPki) carries only DNS:only-name.test: not 127.0.0.1, not localhost.
        m_cert = QSslCertificate(readAll(m_dir.filePath(u"named.crt"_s)));
        m_key = QSslKey(readAll(m_dir.filePath(u"named.key"_s)), QSsl::Rsa);
        QVERIFY(!m_cert.isNull());
        QVERIFY(!m_key.isNull());
        QVERIFY(m_cert.subjectAlternativeNames().values(QSsl::DnsEntry).contains(u"only-name.test"_s));
        QVERIFY(!m_cert.subjectAlternativeNames().contains(QSsl::IpAddressEntry));
    }

    void tlsServerName_data()
    {
        QTest::addColumn<QString>("tlsServerName");
        QTest::addColumn<bool>("succeeds");
        QTest::newRow("tls-server-name names the certificate") << u"only-name.test"_s << true;
        QTest::newRow("no tls-server-name: 127.0.0.1 is not in the certificate") << QString() << false;
        QTest::newRow("tls-server-name the certificate does not carry") << u"other-name.test"_s << false;
    }
    void tlsServerName()
    {
        QFETCH(QString, tlsServerName);
        QFETCH(bool, succeeds);
        TlsExecServer server(m_cert, m_key);
        QVERIFY(server.port() != 0);
        ResolvedContext ctx;
        ctx.context.name = u"tls"_s;
        ctx.cluster.name = u"tls"_s;
        ctx.cluster.server = u"https://127.0.0.1:%1"_s.arg(server.port());
        ctx.cluster.certificateAuthorityData = m_pki.caPem;
        ctx.cluster.tlsServerName = tlsServerName;
        ctx.user.name = u"u"_s;
        ctx.user.token = u"secret-token"_s;
        auto client = KubeClient::create(ctx);
        QVERIFY2(client.ok(), client.ok() ? "" : client.error().toString().c_str());

        ExecRequest r;
        r.nameSpace = u"lbscope"_s;
        r.pod = u"dbg-1"_s;
        r.command = QStringList {u"true"_s};
        r.timeoutMs = 10000;
        lbs::CancelToken cancel;
        auto out = execInPod(*client.value(), r, cancel);
        if (succeeds) {
            QVERIFY2(out.ok(), out.ok() ? "" : out.error().toString().c_str());
            QCOMPARE(out->exitCode, 0);
            QCOMPARE(out->out, QByteArray("tls ok\n"));
            QCOMPARE(server.execs, 1);
            return;
        }
        QVERIFY(!out.ok());
        const QString text = QString::fromStdString(out.error().toString());
        QVERIFY2(text.contains(u"TLS verification of"_s), qPrintable(text));
        QVERIFY2(text.contains(u"tls-server-name"_s), qPrintable(text)); // the hint names the fix
        QCOMPARE(server.execs, 0); // the upgrade never reached the server
    }

    void restTlsServerName_data() { tlsServerName_data(); }
    void restTlsServerName()
    {
        // The same check for plain REST calls (QNetworkRequest::setPeerVerifyName).
        QFETCH(QString, tlsServerName);
        QFETCH(bool, succeeds);
        FakeApiServer server(
            [](const FakeRequest &) { return FakeResponse::json(200, R"({"kind":"NodeList","items":[]})"); },
            m_cert, m_key);
        ResolvedContext ctx;
        ctx.context.name = u"tls"_s;
        ctx.cluster.name = u"tls"_s;
        ctx.cluster.server = server.url();
        ctx.cluster.certificateAuthorityData = m_pki.caPem;
        ctx.cluster.tlsServerName = tlsServerName;
        ctx.user.name = u"u"_s;
        ctx.user.token = u"secret-token"_s;
        QVERIFY2(ctx.cluster.server.startsWith(u"https://127.0.0.1:"_s), qPrintable(ctx.cluster.server));
        auto client = KubeClient::create(ctx);
        QVERIFY2(client.ok(), client.ok() ? "" : client.error().toString().c_str());
        lbs::CancelToken cancel;
        auto nodes = client.value()->get(u"/api/v1/nodes"_s, cancel);
        if (succeeds) {
            QVERIFY2(nodes.ok(), nodes.ok() ? "" : nodes.error().toString().c_str());
            QCOMPARE(server.requests.size(), 1);
            QCOMPARE(server.requests.value(0).path, u"/api/v1/nodes"_s);
            return;
        }
        QVERIFY(!nodes.ok());
        const QString text = QString::fromStdString(nodes.error().toString());
        QVERIFY2(text.contains(u"TLS verification of"_s), qPrintable(text));
        QVERIFY2(text.contains(u"tls-server-name"_s), qPrintable(text));
        QCOMPARE(server.requests.size(), 0);
    }

private:
    QTemporaryDir m_dir;
    TestPki m_pki;
    QSslCertificate m_cert;
    QSslKey m_key;
};

QTEST_GUILESS_MAIN(TestExecTls)
#include "tst_exectls.moc"
