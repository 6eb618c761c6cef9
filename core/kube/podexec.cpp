#include "core/kube/podexec.h"

#include "core/common/trace.h"
#include "core/kube/execprotocol.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QRegularExpression>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketHandshakeOptions>

#include <algorithm>

namespace lbs::kube {
namespace {

// QWebSocket only exposes a failed upgrade through its error string.
int handshakeStatus(const QString &errorString)
{
    static const QRegularExpression re(QStringLiteral("status code: (\\d{3})"));
    const auto m = re.match(errorString);
    return m.hasMatch() ? m.captured(1).toInt() : 0;
}

bool certificateNames(const QSslCertificate &cert, const QString &name)
{
    const auto alt = cert.subjectAlternativeNames();
    for (auto it = alt.cbegin(); it != alt.cend(); ++it) {
        if (it.value().compare(name, Qt::CaseInsensitive) == 0)
            return true;
    }
    return cert.subjectInfo(QSslCertificate::CommonName).contains(name, Qt::CaseInsensitive);
}

constexpr qint64 kReadBufferBytes = 64 << 10; // below glibc's mmap threshold: buffers are reused
constexpr qint64 kReadBufferMax = qint64(1) << 30; // past this: unbounded (0)
/// The largest exec message accepted (the kubelet sends a few KB per message; a download chunk is
/// well under this): a larger one ends the exec instead of being held in memory.
constexpr quint64 kMaxMessageBytes = quint64(64) << 20;

struct Attempt {
    std::optional<ExecOutcome> outcome;
    std::optional<Error> error;
    int handshakeStatus = 0;
    RequestAuth usedAuth; ///< the credential the handshake carried
};

void appendBounded(QByteArray &buf, const QByteArray &data, std::size_t max, bool &truncated)
{
    const auto room = static_cast<qsizetype>(max) - buf.size();
    if (room <= 0) {
        truncated = truncated || !data.isEmpty();
        return;
    }
    if (data.size() > room) {
        buf.append(data.left(room));
        truncated = true;
    } else {
        buf.append(data);
    }
}

Attempt runOnce(KubeClient &client, const ExecRequest &r, const CancelToken &cancel)
{
    Attempt a;
    const QString what = QStringLiteral("exec in pod %1/%2").arg(r.nameSpace, r.pod);
    auto auth = client.prepareAuth(cancel);
    if (!auth) {
        a.error = auth.error();
        return a;
    }
    a.usedAuth = *auth;
    QUrlQuery q;
    for (const QString &arg : r.command)
        addQueryValue(q, QStringLiteral("command"), arg);
    if (!r.container.isEmpty())
        addQueryValue(q, QStringLiteral("container"), r.container);
    q.addQueryItem(QStringLiteral("stdin"), r.stdinData ? QStringLiteral("true") : QStringLiteral("false"));
    q.addQueryItem(QStringLiteral("stdout"), QStringLiteral("true"));
    q.addQueryItem(QStringLiteral("stderr"), QStringLiteral("true"));
    q.addQueryItem(QStringLiteral("tty"), QStringLiteral("false"));
    QUrl url = client.url(QStringLiteral("/api/v1/namespaces/%1/pods/%2/exec")
                              .arg(pathSegment(r.nameSpace), pathSegment(r.pod)),
        q);
    url.setScheme(url.scheme() == QLatin1String("https") ? QStringLiteral("wss") : QStringLiteral("ws"));
    QNetworkRequest req(url);
    for (const auto &h : auth->headers)
        req.setRawHeader(h.first, h.second);
    req.setRawHeader("User-Agent", "lbscope/0.1");

    QWebSocket ws;
    // Read the socket in bounded slices: QSslSocket otherwise pulls everything the kernel holds (tens of MB
    // on a fast link) through one peek + BIO copy + decrypt before the first message reaches the sink
    // (measured: 3x the client CPU). QWebSocket needs a whole frame in that buffer, so it tracks the
    // largest message seen and grows while nothing arrives (see the poll timer): a server sending frames
    // larger than 64 KiB costs one short stall, never a hang.
    ws.setReadBufferSize(kReadBufferBytes);
    ws.setMaxAllowedIncomingFrameSize(kMaxMessageBytes);
    ws.setMaxAllowedIncomingMessageSize(kMaxMessageBytes);
    ws.setSslConfiguration(client.sslConfiguration(*auth));
    ws.setProxy(client.proxy());
    QEventLoop loop;
    QElapsedTimer clock;
    clock.start();
    if (traceEnabled("exec"))
        trace("exec", QStringLiteral("%1: %2").arg(what, r.command.join(QLatin1Char(' '))).toStdString());
    ExecOutcome out;
    std::optional<execproto::ExitStatus> status;
    execproto::Version version = execproto::Version::Unknown;
    QList<QSslError> sslErrors;
    QString socketError;
    bool consumerStopped = false;
    qint64 readBuffer = kReadBufferBytes;
    qint64 largestMessage = 0;
    bool messageSinceTick = false;
    QElapsedTimer sincePong;
    sincePong.start();
    bool pongLost = false;
    bool unsupportedProtocol = false;

    const QString tlsName = client.context().cluster.tlsServerName;
    QObject::connect(&ws, &QWebSocket::sslErrors, &loop, [&](const QList<QSslError> &errors) {
        sslErrors = errors;
        // tls-server-name: QWebSocket has no peer-verify name, so accept a host-name mismatch only when
        // the (otherwise verified) certificate names tls-server-name.
        if (!tlsName.isEmpty()) {
            bool onlyName = true;
            for (const QSslError &e : errors)
                onlyName = onlyName && e.error() == QSslError::HostNameMismatch
                    && certificateNames(e.certificate(), tlsName);
            if (onlyName)
                ws.ignoreSslErrors(errors);
        }
    });
    QObject::connect(&ws, &QWebSocket::connected, &loop, [&] {
        if (traceEnabled("exec"))
            trace("exec",
                QStringLiteral("%1: connected (%2) after %3 ms")
                    .arg(what, ws.subprotocol())
                    .arg(clock.elapsed())
                    .toStdString());
        out.protocol = ws.subprotocol();
        version = execproto::versionOf(out.protocol);
        if (version == execproto::Version::Unknown) {
            // The server upgraded without choosing v5/v4: it has no exit codes to give. Never run blind.
            unsupportedProtocol = true;
            ws.abort();
            loop.quit();
            return;
        }
        if (r.stdinData) {
            for (qsizetype off = 0; off < r.stdinData->size(); off += 32768)
                ws.sendBinaryMessage(execproto::encode(execproto::Stdin, r.stdinData->mid(off, 32768)));
            if (version == execproto::Version::V5)
                ws.sendBinaryMessage(execproto::encodeClose(execproto::Stdin));
        }
    });
    QObject::connect(&ws, &QWebSocket::binaryMessageReceived, &loop, [&](const QByteArray &message) {
        messageSinceTick = true;
        if (message.size() > largestMessage) // a frame is at most its message
            largestMessage = message.size();
        if (const qint64 want = std::max(kReadBufferBytes, 2 * largestMessage + 16);
            readBuffer != 0 && readBuffer != want) {
            readBuffer = want; // back down after growing while idle
            ws.setReadBufferSize(readBuffer);
        }
        if (message.size() < 2 || consumerStopped)
            return; // nothing, the "stream established" message, or an empty write
        const auto channel = static_cast<quint8>(message.at(0));
        if (channel == execproto::Stdout && r.onStdout) {
            // The hot path of a download: hand the payload over in place, without a copy.
            if (!r.onStdout(message.constData() + 1, static_cast<std::size_t>(message.size() - 1))) {
                consumerStopped = true;
                ws.abort();
            }
            return;
        }
        const QByteArray p = message.mid(1);
        switch (channel) {
        case execproto::Stdout:
            appendBounded(out.out, p, r.maxOut, out.outTruncated);
            break;
        case execproto::Stderr:
            if (r.onStderr && !r.onStderr(p.constData(), static_cast<std::size_t>(p.size()))) {
                consumerStopped = true;
                ws.abort();
            }
            appendBounded(out.err, p, r.maxErr, out.errTruncated);
            break;
        case execproto::Error:
            status = execproto::parseStatus(p, version);
            break;
        default:
            break;
        }
    });
    QObject::connect(
        &ws, &QWebSocket::pong, &loop, [&](quint64, const QByteArray &) { sincePong.restart(); });
    QObject::connect(&ws, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), &loop,
        [&](QAbstractSocket::SocketError) {
            if (socketError.isEmpty())
                socketError = ws.errorString();
            // A refused upgrade (e.g. 400 for a wrong container) leaves the HTTP connection open: QWebSocket
            // reports the error but never disconnects, and the exec would wait for its timeout.
            if (version == execproto::Version::Unknown && out.protocol.isEmpty())
                loop.quit();
        });
    QObject::connect(&ws, &QWebSocket::disconnected, &loop, &QEventLoop::quit);

    bool cancelled = false;
    bool timedOut = false;
    QElapsedTimer sincePing;
    sincePing.start();
    QTimer poll;
    poll.setInterval(25);
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (cancel.isCancelled()) {
            cancelled = true;
        } else if (r.timeoutMs > 0 && clock.elapsed() > r.timeoutMs) {
            timedOut = true;
        } else if (ws.state() == QAbstractSocket::ConnectedState && r.pingIntervalMs > 0
            && sincePong.elapsed() > r.pongTimeoutMs) { // no pings sent: no pongs to wait for
            pongLost = true;
        } else {
            if (ws.state() == QAbstractSocket::ConnectedState && !messageSinceTick && readBuffer != 0) {
                // Nothing for a tick: maybe a frame larger than the read buffer is waiting for room.
                readBuffer = readBuffer >= kReadBufferMax ? 0 : readBuffer * 2;
                ws.setReadBufferSize(readBuffer);
            }
            messageSinceTick = false;
            if (ws.state() == QAbstractSocket::ConnectedState && r.pingIntervalMs > 0
                && sincePing.elapsed() >= r.pingIntervalMs) {
                ws.ping();
                sincePing.restart();
            }
            if (ws.state() == QAbstractSocket::UnconnectedState && !socketError.isEmpty())
                loop.quit();
            return;
        }
        ws.abort();
        loop.quit();
    });
    poll.start();
    QWebSocketHandshakeOptions opts;
    opts.setSubprotocols(execproto::offeredProtocols());
    ws.open(req, opts);
    loop.exec(QEventLoop::ExcludeUserInputEvents);
    poll.stop();
    QObject::disconnect(&ws, nullptr, &loop, nullptr);
    if (ws.state() != QAbstractSocket::UnconnectedState)
        ws.abort();

    if (traceEnabled("exec"))
        trace("exec",
            QStringLiteral("%1: ended after %2 ms, exit status %3")
                .arg(what)
                .arg(clock.elapsed())
                .arg(status ? QString::number(status->exitCode) : QStringLiteral("none"))
                .toStdString());
    if (cancelled) {
        a.error
            = Error {QStringLiteral("%1 cancelled").arg(what).toStdString(), {}, {}, ErrorKind::Cancelled};
        return a;
    }
    if (unsupportedProtocol) {
        a.error = Error {
            QStringLiteral("%1: the API server offers none of v5/v4 exec protocols (Kubernetes < 1.4?); "
                           "it answered with %2")
                .arg(what,
                    out.protocol.isEmpty() ? QStringLiteral("no subprotocol")
                                           : QLatin1Char('\'') + out.protocol + QLatin1Char('\''))
                .toStdString(),
            client.context().cluster.server.toStdString(),
            "lbscope needs v5.channel.k8s.io or v4.channel.k8s.io to read exit codes; the legacy "
            "channel.k8s.io cannot tell success from a cut connection. Upgrade the cluster, or capture over "
            "--ssh",
            ErrorKind::Unsupported};
        return a;
    }
    if (consumerStopped) {
        a.error
            = Error {QStringLiteral("%1 stopped: the receiver of its output gave up").arg(what).toStdString(),
                {}, {}, ErrorKind::Cancelled};
        return a;
    }
    if (timedOut) {
        a.error = Error {QStringLiteral("%1 (%2) did not finish within %3 s")
                             .arg(what, r.command.join(QLatin1Char(' ')))
                             .arg(r.timeoutMs / 1000)
                             .toStdString(),
            {}, "the command may still run on the node; it is stopped with kill or by the pod's deadline",
            ErrorKind::Timeout};
        return a;
    }
    if (pongLost) {
        a.error = Error {QStringLiteral("%1: the API server stopped answering keep-alive pings for %2 s")
                             .arg(what)
                             .arg(QString::number(r.pongTimeoutMs / 1000.0, 'g', 3))
                             .toStdString(),
            {}, "the connection to the cluster was lost; retry", ErrorKind::Unavailable};
        return a;
    }
    if (!status) {
        if (out.protocol.isEmpty() && version == execproto::Version::Unknown) {
            // Never connected: the upgrade failed.
            a.handshakeStatus = handshakeStatus(socketError);
            if (a.handshakeStatus > 0) {
                a.error = mapHttpError(a.handshakeStatus, {}, what, client.errorContext());
                if (a.handshakeStatus == 403)
                    a.error->hint = "exec needs the RBAC verbs get and create on pods/exec in namespace "
                        + r.nameSpace.toStdString();
            } else if (!sslErrors.isEmpty()) {
                a.error = mapNetworkError(QNetworkReply::SslHandshakeFailedError, socketError, sslErrors,
                    what, client.errorContext());
            } else {
                QNetworkReply::NetworkError code = QNetworkReply::UnknownNetworkError;
                if (socketError.contains(QLatin1String("refused"), Qt::CaseInsensitive))
                    code = QNetworkReply::ConnectionRefusedError;
                a.error = mapNetworkError(code, socketError, {}, what, client.errorContext());
            }
            return a;
        }
        if (ws.closeCode() == QWebSocketProtocol::CloseCodeTooMuchData) {
            a.error
                = Error {QStringLiteral("%1 (%2): the API server sent a message larger than %3 MiB; stopped "
                                        "reading")
                             .arg(what, r.command.value(0))
                             .arg(kMaxMessageBytes >> 20)
                             .toStdString(),
                    {}, "is 'server' really a Kubernetes API server?", ErrorKind::Unsupported};
            return a;
        }
        a.error = Error {
            QStringLiteral("%1 (%2) ended without an exit status: the connection was cut, output may be "
                           "incomplete%3")
                .arg(what, r.command.value(0),
                    socketError.isEmpty() ? QString() : QStringLiteral(" (") + socketError + QLatin1Char(')'))
                .toStdString(),
            {}, "retry; if it repeats, a proxy or load balancer may be cutting long WebSocket streams",
            ErrorKind::Unavailable};
        return a;
    }
    out.exitCode = status->exitCode;
    if (status->kind == execproto::ExitStatus::Failure) {
        out.failure = status->message.isEmpty() ? status->reason : status->message;
        // The runtime's words for a command missing from the container (runc, crun, containerd).
        out.commandNotFound = out.failure.contains(QLatin1String("not found"))
            || out.failure.contains(QLatin1String("no such file or directory"), Qt::CaseInsensitive);
    }
    a.outcome = out;
    return a;
}

} // namespace

Result<ExecOutcome> execInPod(KubeClient &client, const ExecRequest &request, const CancelToken &cancel)
{
    if (request.command.isEmpty())
        return Error {"exec needs a command", {}, {}, ErrorKind::BadInput};
    Attempt a = runOnce(client, request, cancel);
    if (a.handshakeStatus == 401 && client.authenticator().refreshAfterUnauthorized(a.usedAuth))
        a = runOnce(client, request, cancel);
    if (a.error)
        return *a.error;
    return *a.outcome;
}

} // namespace lbs::kube
