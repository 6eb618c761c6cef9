#include "fakeapiserver.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QProcess>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTimer>
#include <QUrl>
#include <QUrlQuery>

QString FakeRequest::query(const QString &key) const
{
    const QUrl u(QStringLiteral("http://x") + QString::fromLatin1(target));
    return QUrlQuery(u).queryItemValue(key, QUrl::FullyDecoded);
}

FakeResponse FakeResponse::kubeStatus(int code, const QString &reason, const QString &message)
{
    QJsonObject o {{QStringLiteral("kind"), QStringLiteral("Status")},
        {QStringLiteral("apiVersion"), QStringLiteral("v1")},
        {QStringLiteral("status"), QStringLiteral("Failure")}, {QStringLiteral("message"), message},
        {QStringLiteral("reason"), reason}, {QStringLiteral("code"), code}};
    return json(code, QJsonDocument(o).toJson(QJsonDocument::Compact));
}

FakeApiServer::FakeApiServer(Handler handler, const QSslCertificate &cert, const QSslKey &key,
    bool requireClientCert, const QList<QSslCertificate> &clientCas)
    : m_handler(std::move(handler)), m_cert(cert), m_key(key), m_requireClientCert(requireClientCert),
      m_clientCas(clientCas)
{
    listen(QHostAddress::LocalHost, 0);
}

QString FakeApiServer::url() const
{
    return QStringLiteral("%1://127.0.0.1:%2")
        .arg(m_cert.isNull() ? QStringLiteral("http") : QStringLiteral("https"))
        .arg(serverPort());
}

void FakeApiServer::incomingConnection(qintptr fd)
{
    auto *socket = new QSslSocket(this);
    socket->setSocketDescriptor(fd);
    if (!m_cert.isNull()) {
        QSslConfiguration conf = QSslConfiguration::defaultConfiguration();
        conf.setLocalCertificate(m_cert);
        conf.setPrivateKey(m_key);
        conf.setPeerVerifyMode(m_requireClientCert ? QSslSocket::VerifyPeer : QSslSocket::VerifyNone);
        if (!m_clientCas.isEmpty())
            conf.setCaCertificates(m_clientCas);
        socket->setSslConfiguration(conf);
        connect(socket, &QSslSocket::sslErrors, socket, [](const QList<QSslError> &) {});
        socket->startServerEncryption();
    }
    auto buffer = std::make_shared<QByteArray>();
    connect(socket, &QSslSocket::readyRead, this, [this, socket, buffer] {
        *buffer += socket->readAll();
        const qsizetype end = buffer->indexOf("\r\n\r\n");
        if (end < 0)
            return;
        FakeRequest req;
        const QList<QByteArray> lines = buffer->left(end).split('\n');
        const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
        req.method = first.value(0);
        req.target = first.value(1);
        req.path = QUrl(QStringLiteral("http://x") + QString::fromLatin1(req.target)).path();
        for (int i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines[i].indexOf(':');
            if (colon > 0)
                req.headers.insert(
                    lines[i].left(colon).trimmed().toLower(), lines[i].mid(colon + 1).trimmed());
        }
        const int length = req.headers.value("content-length").toInt();
        if (buffer->size() < end + 4 + length)
            return;
        req.body = buffer->mid(end + 4, length);
        buffer->remove(0, end + 4 + length);
        requests << req;
        const FakeResponse resp = m_handler(req);
        QByteArray head
            = "HTTP/1.1 " + QByteArray::number(resp.status) + " X\r\nContent-Type: application/json\r\n";
        for (const auto &h : resp.headers)
            head += h.first + ": " + h.second + "\r\n";
        if (resp.chunks.isEmpty()) {
            const qint64 announced
                = resp.declaredLength >= 0 ? resp.declaredLength : resp.body.size() + resp.streamBytes;
            head += "Content-Length: " + QByteArray::number(announced)
                + (resp.keepOpen ? "\r\n\r\n" : "\r\nConnection: close\r\n\r\n");
            socket->write(head + resp.body);
            if (resp.streamBytes > 0) {
                // Filler in 1 MiB pieces while less than 4 MiB waits in the socket: a huge answer that
                // the test never holds. Ends when the client goes away or everything was written.
                auto left = std::make_shared<qint64>(resp.streamBytes);
                auto refill = [socket, left] {
                    static const QByteArray piece(1 << 20, 'x');
                    while (*left > 0 && socket->state() == QAbstractSocket::ConnectedState
                        && socket->bytesToWrite() < (4 << 20)) {
                        const qint64 n = std::min<qint64>(*left, piece.size());
                        socket->write(piece.constData(), n);
                        *left -= n;
                    }
                    if (*left == 0)
                        socket->disconnectFromHost();
                };
                connect(socket, &QSslSocket::bytesWritten, socket, refill);
                connect(socket, &QSslSocket::encryptedBytesWritten, socket, refill);
                refill();
                return;
            }
            if (resp.keepOpen)
                return;
        } else {
            head += "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
            socket->write(head);
            // Chunks go out from timers: the client under test runs in this thread's event loop.
            QPointer<QSslSocket> guard(socket);
            for (int i = 0; i <= resp.chunks.size(); ++i) {
                const QByteArray data = i < resp.chunks.size()
                    ? QByteArray::number(resp.chunks[i].size(), 16) + "\r\n" + resp.chunks[i] + "\r\n"
                    : QByteArray("0\r\n\r\n");
                const bool last = i == resp.chunks.size();
                QTimer::singleShot(i * resp.chunkDelayMs, this, [guard, data, last] {
                    if (!guard)
                        return;
                    guard->write(data);
                    if (last)
                        guard->disconnectFromHost();
                });
            }
            return;
        }
        socket->disconnectFromHost();
    });
    connect(socket, &QSslSocket::disconnected, socket, &QObject::deleteLater);
}

namespace {
bool run(const QString &dir, const QStringList &args, QString *error)
{
    QProcess p;
    p.setWorkingDirectory(dir);
    p.start(QStringLiteral("openssl"), args);
    if (!p.waitForFinished(30000) || p.exitCode() != 0) {
        *error = QStringLiteral("openssl %1 failed: %2")
                     .arg(args.join(QLatin1Char(' ')), QString::fromUtf8(p.readAllStandardError()));
        return false;
    }
    return true;
}
QByteArray slurp(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}
} // namespace

bool TestPki::create(const QString &d, QString *error)
{
    dir = d;
    QFile ext(d + QStringLiteral("/server.ext"));
    ext.open(QIODevice::WriteOnly);
    ext.write("subjectAltName=DNS:localhost,DNS:kube.test,IP:127.0.0.1\n");
    ext.close();
    QFile ext2(d + QStringLiteral("/named.ext"));
    ext2.open(QIODevice::WriteOnly);
    ext2.write("subjectAltName=DNS:only-name.test\n");
    ext2.close();
    auto S = [](const char *s) { return QString::fromLatin1(s); };
    const QList<QStringList> steps = {
        {S("req"), S("-x509"), S("-newkey"), S("rsa:2048"), S("-nodes"), S("-keyout"), S("ca.key"), S("-out"),
            S("ca.crt"), S("-days"), S("2"), S("-subj"), S("/CN=test-ca")},
        {S("req"), S("-x509"), S("-newkey"), S("rsa:2048"), S("-nodes"), S("-keyout"), S("other.key"),
            S("-out"), S("other.crt"), S("-days"), S("2"), S("-subj"), S("/CN=other-ca")},
        {S("req"), S("-newkey"), S("rsa:2048"), S("-nodes"), S("-keyout"), S("server.key"), S("-out"),
            S("server.csr"), S("-subj"), S("/CN=kube-apiserver")},
        {S("x509"), S("-req"), S("-in"), S("server.csr"), S("-CA"), S("ca.crt"), S("-CAkey"), S("ca.key"),
            S("-CAcreateserial"), S("-out"), S("server.crt"), S("-days"), S("2"), S("-extfile"),
            S("server.ext")},
        {S("req"), S("-newkey"), S("rsa:2048"), S("-nodes"), S("-keyout"), S("client.key"), S("-out"),
            S("client.csr"), S("-subj"), S("/CN=admin/O=system:masters")},
        {S("x509"), S("-req"), S("-in"), S("client.csr"), S("-CA"), S("ca.crt"), S("-CAkey"), S("ca.key"),
            S("-CAcreateserial"), S("-out"), S("client.crt"), S("-days"), S("2")},
        {S("req"), S("-newkey"), S("ec"), S("-pkeyopt"), S("ec_paramgen_curve:prime256v1"), S("-nodes"),
            S("-keyout"), S("ecclient.key"), S("-out"), S("ecclient.csr"), S("-subj"), S("/CN=ec-admin")},
        {S("x509"), S("-req"), S("-in"), S("ecclient.csr"), S("-CA"), S("ca.crt"), S("-CAkey"), S("ca.key"),
            S("-CAcreateserial"), S("-out"), S("ecclient.crt"), S("-days"), S("2")},
        {S("req"), S("-newkey"), S("rsa:2048"), S("-nodes"), S("-keyout"), S("named.key"), S("-out"),
            S("named.csr"), S("-subj"), S("/CN=only-name.test")},
        {S("x509"), S("-req"), S("-in"), S("named.csr"), S("-CA"), S("ca.crt"), S("-CAkey"), S("ca.key"),
            S("-CAcreateserial"), S("-out"), S("named.crt"), S("-days"), S("2"), S("-extfile"),
            S("named.ext")},
    };
    for (const QStringList &s : steps) {
        if (!run(d, s, error))
            return false;
    }
    caPem = slurp(d + QStringLiteral("/ca.crt"));
    otherCaPem = slurp(d + QStringLiteral("/other.crt"));
    serverCertPem = slurp(d + QStringLiteral("/server.crt"));
    serverKeyPem = slurp(d + QStringLiteral("/server.key"));
    clientCertPem = slurp(d + QStringLiteral("/client.crt"));
    clientKeyPem = slurp(d + QStringLiteral("/client.key"));
    ecClientCertPem = slurp(d + QStringLiteral("/ecclient.crt"));
    ecClientKeyPem = slurp(d + QStringLiteral("/ecclient.key"));
    return !caPem.isEmpty() && !serverKeyPem.isEmpty();
}
