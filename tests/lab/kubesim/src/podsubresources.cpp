// kubesim: ApiServer's pods/log and pods/exec handlers.
#include "apiserver.h"
#include "execsession.h"
#include "httpconnection.h"
#include "jsonutil.h"
#include "podlog.h"
#include "podruntime.h"
#include "resources.h"

#include <QFile>
#include <QJsonArray>

namespace kubesim {

namespace {

QString containerName(const QJsonObject &pod)
{
    return pod.value(u"spec")
        .toObject()
        .value(u"containers")
        .toArray()
        .first()
        .toObject()
        .value(u"name")
        .toString();
}

} // namespace

void ApiServer::podLog(
    HttpConnection *conn, const HttpRequest &req, const ApiTarget &t, const QJsonObject &pod)
{
    const QString container = req.queryValue(u"container"_qs, containerName(pod));
    if (container != containerName(pod)) {
        error(conn, 400, u"BadRequest"_qs,
            QStringLiteral("container %1 is not valid for pod %2").arg(container, t.name));
        return;
    }
    if (req.queryBool(u"previous"_qs)) {
        error(conn, 400, u"BadRequest"_qs,
            QStringLiteral("previous terminated container \"%1\" in pod \"%2\" not found")
                .arg(container, t.name));
        return;
    }
    const QJsonObject state = pod.value(u"status")
                                  .toObject()
                                  .value(u"containerStatuses")
                                  .toArray()
                                  .first()
                                  .toObject()
                                  .value(u"state")
                                  .toObject();
    if (state.isEmpty() || state.contains(u"waiting")) {
        const QString reason
            = state.value(u"waiting").toObject().value(u"reason").toString(u"ContainerCreating"_qs);
        error(conn, 400, u"BadRequest"_qs,
            QStringLiteral("container \"%1\" in pod \"%2\" is waiting to start: %3")
                .arg(container, t.name, reason));
        return;
    }
    const int tail = req.hasQuery(u"tailLines"_qs) ? req.queryValue(u"tailLines"_qs).toInt() : -1;
    PodLog *log = m_runtime.log(Json::metaString(pod, u"uid"_qs));
    if (!log) {
        // Pods from lab.json: the network side may keep their output in $LBSCOPE_LAB_DIR/pods/<name>/log.
        QFile f(m_labDir + u"/pods/"_qs + t.name + u"/log"_qs);
        QByteArray data = f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
        PodLog tmp;
        tmp.append(data);
        conn->sendResponse(200, "text/plain", tmp.tail(tail));
        return;
    }
    if (!req.queryBool(u"follow"_qs) || log->finished()) {
        conn->sendResponse(200, "text/plain", log->tail(tail));
        return;
    }
    conn->beginStream(200, "text/plain");
    conn->writeChunk(log->tail(tail));
    auto *guard = new QObject(conn); // lives as long as the follow stream
    connect(log, &PodLog::appended, guard, [conn](const QByteArray &b) { conn->writeChunk(b); });
    connect(log, &PodLog::ended, guard, [conn, guard] {
        conn->endStream();
        guard->deleteLater();
    });
    connect(log, &QObject::destroyed, guard, [conn, guard] {
        conn->endStream();
        guard->deleteLater();
    });
}

void ApiServer::podExec(
    HttpConnection *conn, const HttpRequest &req, const ApiTarget &t, const QJsonObject &pod)
{
    if (req.method != "GET" || !req.isWebSocketUpgrade()) {
        error(conn, 400, u"BadRequest"_qs,
            u"Upgrade request required: kubesim serves exec over WebSocket only (v5.channel.k8s.io, "
            "v4.channel.k8s.io); SPDY is not implemented"_qs);
        return;
    }
    ExecOptions o;
    o.argv = req.queryValues(u"command"_qs);
    o.stdinOpen = req.queryBool(u"stdin"_qs);
    o.stdoutOpen = req.queryBool(u"stdout"_qs);
    o.stderrOpen = req.queryBool(u"stderr"_qs);
    o.tty = req.queryBool(u"tty"_qs);
    if (o.argv.isEmpty()) {
        error(conn, 400, u"BadRequest"_qs, u"you must specify at least one command for the container"_qs);
        return;
    }
    if (!o.stdinOpen && !o.stdoutOpen && !o.stderrOpen) {
        error(conn, 400, u"BadRequest"_qs, u"you must specify at least 1 of stdin, stdout, stderr"_qs);
        return;
    }
    const QString container = req.queryValue(u"container"_qs, containerName(pod));
    if (container != containerName(pod)) {
        error(conn, 400, u"BadRequest"_qs,
            QStringLiteral("container %1 is not valid for pod %2").arg(container, t.name));
        return;
    }
    const ChannelProtocol proto = WebSocketCodec::chooseProtocol(req.header("sec-websocket-protocol"));
    if (proto == ChannelProtocol::None) {
        error(conn, 400, u"BadRequest"_qs,
            QStringLiteral(
                "kubesim speaks v5.channel.k8s.io and v4.channel.k8s.io; the client offered \"%1\"")
                .arg(QString::fromLatin1(req.header("sec-websocket-protocol"))));
        return;
    }
    QString err;
    int code = 500;
    const auto target = m_runtime.execTarget(pod, &err, &code);
    if (!target) {
        error(conn, code, code == 400 ? u"BadRequest"_qs : u"InternalError"_qs, err);
        return;
    }
    conn->acceptWebSocket(req.header("sec-websocket-key"), WebSocketCodec::protocolName(proto));
    (new ExecSession(conn, proto, *target, o, m_labDir))->start();
}

} // namespace kubesim
