// KubeClient's watch: chunked JSON lines, resume from the last resourceVersion, re-list after 410 Gone.
#include "core/kube/kubeclient.h"

#include "core/common/trace.h"
#include "core/kube/apirequest.h"
#include "core/kube/netwait.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QThread>

namespace lbs::kube {

Result<WatchEnd> KubeClient::watch(const QString &path, QUrlQuery query, const QString &resourceVersion,
    const WatchHandler &onEvent, const CancelToken &cancel, int timeoutMs)
{
    std::unique_ptr<QNetworkAccessManager> local;
    QNetworkAccessManager *nam = m_nam.get();
    if (m_nam->thread() != QThread::currentThread()) {
        local = std::make_unique<QNetworkAccessManager>();
        local->setProxy(m_proxy);
        nam = local.get();
    }
    const QString what = QStringLiteral("watch %1").arg(path);
    query.addQueryItem(QStringLiteral("watch"), QStringLiteral("1"));
    query.addQueryItem(QStringLiteral("allowWatchBookmarks"), QStringLiteral("true"));
    if (!resourceVersion.isEmpty())
        addQueryValue(query, QStringLiteral("resourceVersion"), resourceVersion);
    if (timeoutMs > 0)
        query.addQueryItem(QStringLiteral("timeoutSeconds"), QString::number(std::max(1, timeoutMs / 1000)));

    WatchEnd end;
    end.resourceVersion = resourceVersion;
    for (int attempt = 0; attempt < 2; ++attempt) {
        auto auth = m_auth->prepare(cancel);
        if (!auth)
            return auth.error();
        QNetworkRequest req = apiRequest(*this, path, query, *auth);
        req.setRawHeader("Accept-Encoding", "identity"); // stream line by line, no gzip buffering
        QNetworkReply *reply = nam->get(req);
        std::unique_ptr<QNetworkReply, void (*)(QNetworkReply *)> guard(
            reply, [](QNetworkReply *r) { r->deleteLater(); });
        QList<QSslError> sslErrors;
        QObject::connect(reply, &QNetworkReply::sslErrors, reply,
            [&sslErrors](const QList<QSslError> &errors) { sslErrors = errors; });
        QByteArray buffer;
        bool stopped = false;
        bool expired = false;
        std::optional<Error> failure;
        auto onData = [&]() -> bool {
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            if (status != 200)
                return true; // the error body is read at the end
            buffer += reply->readAll();
            qsizetype nl;
            while ((nl = buffer.indexOf('\n')) >= 0) {
                const QByteArray line = buffer.left(nl).trimmed();
                buffer.remove(0, nl + 1);
                if (line.isEmpty())
                    continue;
                const QJsonObject o = QJsonDocument::fromJson(line).object();
                WatchEvent ev {
                    o.value(QStringLiteral("type")).toString(), o.value(QStringLiteral("object")).toObject()};
                if (ev.type == QLatin1String("ERROR")) {
                    const int code = ev.object.value(QStringLiteral("code")).toInt();
                    if (code == 410) {
                        expired = true;
                        return false;
                    }
                    failure = mapHttpError(code, QJsonDocument(ev.object).toJson(), what, errorContext());
                    return false;
                }
                const QString rv = ev.object.value(QStringLiteral("metadata"))
                                       .toObject()
                                       .value(QStringLiteral("resourceVersion"))
                                       .toString();
                if (!rv.isEmpty())
                    end.resourceVersion = rv;
                if (traceEnabled("http"))
                    trace("http", QStringLiteral("%1: %2 event").arg(what, ev.type).toStdString());
                if (ev.type == QLatin1String("BOOKMARK"))
                    continue;
                if (onEvent(ev) == WatchControl::Stop) {
                    stopped = true;
                    return false;
                }
            }
            return true;
        };
        const WaitOutcome w = waitForReply(reply, cancel, timeoutMs > 0 ? timeoutMs + 5000 : 0, onData);
        if (w == WaitOutcome::Cancelled)
            return Error {
                QStringLiteral("%1 cancelled").arg(what).toStdString(), {}, {}, ErrorKind::Cancelled};
        if (failure)
            return *failure;
        if (stopped) {
            end.reason = WatchEnd::Stopped;
            return end;
        }
        if (expired) {
            end.reason = WatchEnd::Expired;
            return end;
        }
        if (w == WaitOutcome::TimedOut) {
            end.reason = WatchEnd::Closed;
            return end;
        }
        const QVariant statusAttr = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
        if (!statusAttr.isValid())
            return mapNetworkError(reply->error(), reply->errorString(), sslErrors, what, errorContext());
        const int status = statusAttr.toInt();
        if (status == 401 && attempt == 0 && m_auth->refreshAfterUnauthorized(*auth))
            continue;
        if (status == 410) {
            end.reason = WatchEnd::Expired;
            return end;
        }
        if (status != 200)
            return mapHttpError(status, reply->readAll(), what, errorContext());
        end.reason = WatchEnd::Closed;
        return end;
    }
    return Error {QStringLiteral("%1: unreachable").arg(what).toStdString(), {}, {}};
}

Status KubeClient::watchLoop(const QString &path, const QUrlQuery &query, QString resourceVersion,
    const std::function<Result<QString>()> &relist, const WatchHandler &onEvent, const CancelToken &cancel,
    int timeoutMs)
{
    QElapsedTimer clock;
    clock.start();
    for (int round = 0; round < 1000; ++round) {
        const qint64 left = timeoutMs - clock.elapsed();
        if (left <= 0)
            return Error {
                QStringLiteral("watch %1 timed out after %2 s").arg(path).arg(timeoutMs / 1000).toStdString(),
                {}, {}, ErrorKind::Timeout};
        auto end = watch(path, query, resourceVersion, onEvent, cancel, static_cast<int>(left));
        if (!end)
            return end.error();
        if (end->reason == WatchEnd::Stopped)
            return Ok {};
        if (end->reason == WatchEnd::Expired) {
            auto rv = relist();
            if (!rv)
                return rv.error();
            resourceVersion = *rv;
        } else {
            resourceVersion = end->resourceVersion;
        }
    }
    return Error {QStringLiteral("watch %1 restarted too often").arg(path).toStdString(), {}, {}};
}

} // namespace lbs::kube
