#include "watchstream.h"

#include "httpconnection.h"
#include "jsonutil.h"
#include "tableconverter.h"

#include <QJsonDocument>
#include <QTimer>

namespace kubesim {

WatchStream::WatchStream(HttpConnection *connection, ObjectStore &store, WatchRequest request)
    : QObject(connection), m_conn(connection), m_store(store), m_req(std::move(request))
{
}

bool WatchStream::matches(const QJsonObject &obj) const
{
    const QJsonObject meta = obj.value(u"metadata").toObject();
    if (!m_req.ns.isEmpty() && meta.value(u"namespace").toString() != m_req.ns)
        return false;
    if (!m_req.labels.matches(meta.value(u"labels").toObject()))
        return false;
    return m_req.fields.matches([&obj](const QString &k) { return Json::fieldString(obj, k); });
}

void WatchStream::send(const QString &type, const QJsonObject &obj)
{
    if (!m_conn)
        return;
    const bool table = m_req.table && type != u"ERROR";
    const QJsonObject payload = table
        ? TableConverter::toTable(m_req.resource, {obj},
            QJsonObject {{u"resourceVersion"_qs, Json::metaString(obj, u"resourceVersion"_qs)}})
        : obj;
    const QJsonObject ev {{u"type"_qs, type}, {u"object"_qs, payload}};
    m_conn->writeChunk(QJsonDocument(ev).toJson(QJsonDocument::Compact) + '\n');
}

void WatchStream::start()
{
    m_conn->beginStream(200, "application/json");
    connect(m_conn, &HttpConnection::closed, this, [this] { m_stopped = true; });
    bool ok = false;
    const qint64 rv = m_req.resourceVersion.toLongLong(&ok);
    if (m_req.resourceVersion.isEmpty() || (ok && rv == 0)) {
        for (const QJsonObject &obj : m_store.list(m_req.resource, m_req.ns)) {
            if (matches(obj))
                send(u"ADDED"_qs, obj);
        }
    } else if (!ok || rv < m_store.oldestWatchableVersion()) {
        const QJsonObject status {{u"kind"_qs, u"Status"_qs}, {u"apiVersion"_qs, u"v1"_qs},
            {u"metadata"_qs, QJsonObject {}}, {u"status"_qs, u"Failure"_qs},
            {u"message"_qs,
                QStringLiteral("too old resource version: %1 (%2)")
                    .arg(m_req.resourceVersion)
                    .arg(m_store.oldestWatchableVersion())},
            {u"reason"_qs, u"Expired"_qs}, {u"code"_qs, 410}};
        send(u"ERROR"_qs, status);
        stop();
        return;
    } else {
        for (const WatchEvent &ev : m_store.eventsSince(m_req.resource, rv))
            onChange(ev);
    }
    connect(&m_store, &ObjectStore::changed, this, &WatchStream::onChange);
    QTimer::singleShot(qMax(1, m_req.timeoutSeconds) * 1000, this, &WatchStream::stop);
}

void WatchStream::onChange(const WatchEvent &ev)
{
    if (m_stopped || ev.resource != m_req.resource)
        return;
    const bool now = matches(ev.object);
    const bool before = !ev.previous.isEmpty() && matches(ev.previous);
    if (ev.type == u"MODIFIED") {
        // An object that starts or stops matching a selector appears as ADDED or DELETED (apiserver rule).
        if (now && before)
            send(ev.type, ev.object);
        else if (now)
            send(u"ADDED"_qs, ev.object);
        else if (before)
            send(u"DELETED"_qs, ev.object);
    } else if (now) {
        send(ev.type, ev.object);
    }
}

void WatchStream::stop()
{
    if (m_stopped)
        return;
    m_stopped = true;
    disconnect(&m_store, nullptr, this, nullptr);
    if (m_conn)
        m_conn->endStream();
    deleteLater();
}

} // namespace kubesim
