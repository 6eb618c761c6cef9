#pragma once
// An in-test HTTP(S) server on 127.0.0.1 for core/kube tests: real sockets, real TLS, scripted answers.

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QObject>
#include <QSslCertificate>
#include <QSslKey>
#include <QString>
#include <QTcpServer>

#include <functional>

/// What the client sent.
struct FakeRequest {
    QByteArray method;
    QByteArray target; ///< path?query as sent
    QString path; ///< decoded path
    QMap<QByteArray, QByteArray> headers; ///< lower-case names
    QByteArray body;
    QString query(const QString &key) const; ///< fully decoded value
};

/// What to answer. `chunks` non-empty: sent with chunked encoding, one chunk per element, with
/// `chunkDelayMs` between them (watch streams).
struct FakeResponse {
    int status = 200;
    QByteArray body;
    QList<QByteArray> chunks;
    int chunkDelayMs = 0;
    QList<QPair<QByteArray, QByteArray>> headers;
    bool keepOpen
        = false; ///< keep the connection after a plain answer (as Go's server does on a refused upgrade)
    qint64 streamBytes = 0; ///< after `body`, this many filler bytes, written as the socket drains
    qint64 declaredLength = -1; ///< Content-Length to announce instead of the real one (truncated answers)
    static FakeResponse json(int status, const QByteArray &body)
    {
        return FakeResponse {status, body, {}, 0, {}, false, 0, -1};
    }
    static FakeResponse kubeStatus(int code, const QString &reason, const QString &message);
};

class FakeApiServer : public QTcpServer {
    Q_OBJECT
public:
    using Handler = std::function<FakeResponse(const FakeRequest &)>;
    /// TLS when cert/key are given.
    explicit FakeApiServer(Handler handler, const QSslCertificate &cert = QSslCertificate(),
        const QSslKey &key = QSslKey(), bool requireClientCert = false,
        const QList<QSslCertificate> &clientCas = {});
    QString url() const;
    QList<FakeRequest> requests;

protected:
    void incomingConnection(qintptr fd) override;

private:
    void serve(QTcpSocket *socket);
    Handler m_handler;
    QSslCertificate m_cert;
    QSslKey m_key;
    bool m_requireClientCert;
    QList<QSslCertificate> m_clientCas;
};

/// Test PKI made with the openssl CLI in a temp dir: a CA, a server cert for 127.0.0.1/localhost/
/// "kube.test", a second unrelated CA, and a client cert (RSA) and an EC client key pair.
struct TestPki {
    QString dir;
    QByteArray caPem, otherCaPem, serverCertPem, serverKeyPem, clientCertPem, clientKeyPem, ecClientCertPem,
        ecClientKeyPem;
    bool create(const QString &dir, QString *error);
};
