#include "httpconnection.h"

#include "websocketcodec.h"

#include <QTimer>

namespace kubesim {

HttpConnection::HttpConnection(QSslSocket *socket, QObject *parent) : QObject(parent), m_socket(socket)
{
    socket->setParent(this);
    connect(socket, &QSslSocket::readyRead, this, &HttpConnection::onReadyRead);
    connect(socket, &QSslSocket::disconnected, this, &HttpConnection::finish);
    connect(socket, &QSslSocket::errorOccurred, this, [this](QAbstractSocket::SocketError e) {
        if (e != QAbstractSocket::RemoteHostClosedError)
            qDebug("kubesim: connection error: %s", qPrintable(m_socket->errorString()));
        finish();
    });
    // QSslSocket reports plain bytes as they are encrypted (bytesWritten) and the TLS records as the TCP
    // socket takes them (encryptedBytesWritten); either can be the one that empties pendingOutput().
    const auto drained = [this] {
        if (pendingOutput() < 256 * 1024)
            emit outputDrained();
    };
    connect(socket, &QSslSocket::bytesWritten, this, drained);
    connect(socket, &QSslSocket::encryptedBytesWritten, this, drained);
    if (socket->bytesAvailable() > 0)
        QTimer::singleShot(0, this, &HttpConnection::onReadyRead);
}

HttpConnection::~HttpConnection() = default;

qint64 HttpConnection::pendingOutput() const
{
    return m_socket ? m_socket->bytesToWrite() + m_socket->encryptedBytesToWrite() : 0;
}

void HttpConnection::finish()
{
    if (m_closed)
        return;
    m_closed = true;
    emit closed();
    deleteLater();
}

void HttpConnection::onReadyRead()
{
    if (!m_socket)
        return;
    m_in.append(m_socket->readAll());
    if (m_mode == Mode::WebSocket)
        processWebSocket();
    else
        processHttp();
}

void HttpConnection::processHttp()
{
    // HTTP/1.1 without pipelining: one request at a time; later bytes wait until the answer is done.
    while (!m_busy && m_mode == Mode::Http && !m_closed) {
        const auto state = m_parser.feed(m_in);
        if (state == HttpRequestParser::NeedMore)
            return;
        if (state == HttpRequestParser::Error) {
            const QByteArray body = R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",)"
                                    R"("reason":"BadRequest","code":400,"message":)"
                + ('"' + m_parser.error().toUtf8().replace('"', '\'') + '"') + "}";
            sendResponse(400, "application/json", body, {{"Connection", "close"}});
            m_socket->disconnectFromHost();
            return;
        }
        m_busy = true;
        const HttpRequest req = m_parser.request();
        emit requestReady(this, req);
    }
}

QByteArray HttpConnection::reasonPhrase(int status)
{
    switch (status) {
    case 101:
        return "Switching Protocols";
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 406:
        return "Not Acceptable";
    case 409:
        return "Conflict";
    case 410:
        return "Gone";
    case 415:
        return "Unsupported Media Type";
    case 422:
        return "Unprocessable Entity";
    case 500:
        return "Internal Server Error";
    default:
        return "Status";
    }
}

void HttpConnection::sendResponse(int status, const QByteArray &contentType, const QByteArray &body,
    const QList<QPair<QByteArray, QByteArray>> &extraHeaders)
{
    if (!m_socket || m_closed)
        return;
    QByteArray out = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n";
    out += "Content-Type: " + contentType + "\r\n";
    out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    out += "Cache-Control: no-cache, private\r\n";
    for (const auto &h : extraHeaders)
        out += h.first + ": " + h.second + "\r\n";
    out += "\r\n";
    out += body;
    m_socket->write(out);
    m_busy = false;
    m_mode = Mode::Http;
    if (!m_in.isEmpty())
        QTimer::singleShot(0, this, &HttpConnection::processHttp);
}

void HttpConnection::beginStream(int status, const QByteArray &contentType)
{
    if (!m_socket || m_closed)
        return;
    m_mode = Mode::Streaming;
    QByteArray out = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n";
    out += "Content-Type: " + contentType
        + "\r\nTransfer-Encoding: chunked\r\nCache-Control: no-cache, private\r\n\r\n";
    m_socket->write(out);
}

void HttpConnection::writeChunk(const QByteArray &data)
{
    if (!m_socket || m_closed || data.isEmpty() || m_mode != Mode::Streaming)
        return;
    m_socket->write(QByteArray::number(data.size(), 16) + "\r\n" + data + "\r\n");
}

void HttpConnection::endStream()
{
    if (!m_socket || m_closed || m_mode != Mode::Streaming)
        return;
    m_socket->write("0\r\n\r\n");
    m_mode = Mode::Http;
    m_busy = false;
    if (!m_in.isEmpty())
        QTimer::singleShot(0, this, &HttpConnection::processHttp);
}

void HttpConnection::acceptWebSocket(const QByteArray &secWebSocketKey, const QByteArray &protocol)
{
    if (!m_socket || m_closed)
        return;
    QByteArray out = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n";
    out += "Sec-WebSocket-Accept: " + WebSocketCodec::acceptKey(secWebSocketKey) + "\r\n";
    if (!protocol.isEmpty())
        out += "Sec-WebSocket-Protocol: " + protocol + "\r\n";
    out += "\r\n";
    m_socket->write(out);
    m_mode = Mode::WebSocket;
    if (!m_in.isEmpty())
        QTimer::singleShot(0, this, &HttpConnection::processWebSocket);
}

void HttpConnection::sendWs(const QByteArray &message)
{
    if (!m_socket || m_closed || m_mode != Mode::WebSocket || m_wsCloseSent)
        return;
    m_socket->write(WebSocketCodec::serverFrameHeader(WsFrame::Binary, quint64(message.size())));
    m_socket->write(message);
}

void HttpConnection::closeWs(quint16 code, const QByteArray &reason)
{
    if (!m_socket || m_closed || m_mode != Mode::WebSocket || m_wsCloseSent)
        return;
    m_wsCloseSent = true;
    m_socket->write(
        WebSocketCodec::encodeServerFrame(WsFrame::Close, WebSocketCodec::closePayload(code, reason)));
    // Wait briefly for the client's close reply, then drop the TCP connection ourselves.
    QTimer::singleShot(2000, this, [this] {
        if (m_socket)
            m_socket->disconnectFromHost();
    });
}

void HttpConnection::processWebSocket()
{
    while (m_socket && !m_closed) {
        const WsDecodeResult r = WebSocketCodec::decodeClientFrame(m_in);
        if (r.state == WsDecodeResult::NeedMore)
            return;
        if (r.state == WsDecodeResult::Error) {
            qDebug("kubesim: closing WebSocket: %s", qPrintable(r.error));
            closeWs(1002, r.error.toUtf8());
            m_in.clear();
            return;
        }
        m_in.remove(0, r.consumed);
        const WsFrame &f = r.frame;
        switch (f.opcode) {
        case WsFrame::Ping:
            m_socket->write(WebSocketCodec::encodeServerFrame(WsFrame::Pong, f.payload));
            break;
        case WsFrame::Pong:
            break;
        case WsFrame::Close:
            if (!m_wsCloseSent) {
                m_wsCloseSent = true;
                m_socket->write(WebSocketCodec::encodeServerFrame(WsFrame::Close, f.payload.left(2)));
            }
            m_socket->disconnectFromHost();
            return;
        case WsFrame::Continuation:
            m_wsFragments.append(f.payload);
            if (f.fin) {
                const QByteArray msg = m_wsFragments;
                m_wsFragments.clear();
                emit wsMessage(msg);
            }
            break;
        default:
            if (f.fin) {
                emit wsMessage(f.payload);
            } else {
                m_wsFragmentOpcode = f.opcode;
                m_wsFragments = f.payload;
            }
            break;
        }
    }
}

} // namespace kubesim
