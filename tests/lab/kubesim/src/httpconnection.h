#pragma once
// kubesim: one client connection. Parses HTTP/1.1 requests, writes plain, chunked (watch, log follow)
// and WebSocket (exec) responses. Routing lives in ApiServer; this class only moves bytes.

#include "httprequest.h"

#include <QObject>
#include <QPointer>
#include <QSslSocket>

namespace kubesim {

class HttpConnection : public QObject {
    Q_OBJECT
public:
    HttpConnection(QSslSocket *socket, QObject *parent = nullptr);
    ~HttpConnection() override;

    /// A complete response with Content-Length.
    void sendResponse(int status, const QByteArray &contentType, const QByteArray &body,
        const QList<QPair<QByteArray, QByteArray>> &extraHeaders = {});
    /// Starts a chunked response; the connection stays busy until endStream().
    void beginStream(int status, const QByteArray &contentType);
    void writeChunk(const QByteArray &data);
    void endStream();
    /// Answers a WebSocket upgrade (101) with the chosen subprotocol; afterwards wsMessage() carries
    /// complete client messages and sendWs()/closeWs() write frames.
    void acceptWebSocket(const QByteArray &secWebSocketKey, const QByteArray &protocol);
    void sendWs(const QByteArray &message);
    void closeWs(quint16 code, const QByteArray &reason = {});

    QSslSocket *socket() const { return m_socket; }
    qint64 pendingOutput() const;
    bool isOpen() const { return !m_closed; }

signals:
    void requestReady(kubesim::HttpConnection *connection, const kubesim::HttpRequest &request);
    void wsMessage(const QByteArray &message);
    void outputDrained();
    void closed();

private:
    enum class Mode { Http, Streaming, WebSocket };
    void onReadyRead();
    void processHttp();
    void processWebSocket();
    void finish();
    static QByteArray reasonPhrase(int status);

    QPointer<QSslSocket> m_socket;
    QByteArray m_in;
    HttpRequestParser m_parser;
    Mode m_mode = Mode::Http;
    bool m_busy = false; // a request is being answered asynchronously
    bool m_closed = false;
    bool m_wsCloseSent = false;
    QByteArray m_wsFragments;
    quint8 m_wsFragmentOpcode = 0;
};

} // namespace kubesim
