#include "objectstore.h"

#include "jsonutil.h"

#include <QDateTime>
#include <QUuid>

namespace kubesim {

ObjectStore::ObjectStore(QObject *parent) : QObject(parent)
{
}

void ObjectStore::record(
    const QString &type, const QString &resource, const QJsonObject &obj, const QJsonObject &prev)
{
    WatchEvent ev {m_rv, type, resource, obj, prev, 0};
    ev.recordedMs = QDateTime::currentMSecsSinceEpoch();
    m_history.append(ev);
    // Keep at most HistoryLimit events and HistorySeconds of history (etcd compacts after ~5 minutes).
    while (!m_history.isEmpty()
        && (m_history.size() > HistoryLimit
            || ev.recordedMs - m_history.first().recordedMs > HistorySeconds * 1000)) {
        m_truncatedBefore = m_history.first().resourceVersion;
        m_history.removeFirst();
    }
    emit changed(ev);
}

std::optional<QJsonObject> ObjectStore::create(const QString &resource, QJsonObject object)
{
    QJsonObject meta = object.value(u"metadata").toObject();
    const QString ns = meta.value(u"namespace").toString();
    const QString name = meta.value(u"name").toString();
    auto &bucket = m_objects[resource];
    if (bucket.contains(key(ns, name)))
        return std::nullopt;
    if (!meta.contains(u"uid"))
        meta.insert(u"uid", QUuid::createUuid().toString(QUuid::WithoutBraces));
    if (!meta.contains(u"creationTimestamp"))
        meta.insert(u"creationTimestamp", Json::nowRfc3339());
    meta.insert(u"resourceVersion", QString::number(++m_rv));
    object.insert(u"metadata", meta);
    bucket.insert(key(ns, name), object);
    record(QStringLiteral("ADDED"), resource, object, {});
    return object;
}

std::optional<QJsonObject> ObjectStore::update(const QString &resource, QJsonObject object)
{
    QJsonObject meta = object.value(u"metadata").toObject();
    const QString k = key(meta.value(u"namespace").toString(), meta.value(u"name").toString());
    auto &bucket = m_objects[resource];
    auto it = bucket.find(k);
    if (it == bucket.end())
        return std::nullopt;
    const QJsonObject prev = *it;
    meta.insert(u"resourceVersion", QString::number(++m_rv));
    object.insert(u"metadata", meta);
    *it = object;
    record(QStringLiteral("MODIFIED"), resource, object, prev);
    return object;
}

QJsonObject ObjectStore::upsert(const QString &resource, QJsonObject object)
{
    QJsonObject meta = object.value(u"metadata").toObject();
    const auto existing = get(resource, meta.value(u"namespace").toString(), meta.value(u"name").toString());
    if (!existing)
        return *create(resource, object);
    const QJsonObject oldMeta = existing->value(u"metadata").toObject();
    meta.insert(u"uid", oldMeta.value(u"uid"));
    meta.insert(u"creationTimestamp", oldMeta.value(u"creationTimestamp"));
    meta.insert(u"resourceVersion", oldMeta.value(u"resourceVersion"));
    object.insert(u"metadata", meta);
    if (object == *existing)
        return *existing;
    return *update(resource, object);
}

std::optional<QJsonObject> ObjectStore::remove(
    const QString &resource, const QString &ns, const QString &name)
{
    auto &bucket = m_objects[resource];
    auto it = bucket.find(key(ns, name));
    if (it == bucket.end())
        return std::nullopt;
    QJsonObject obj = *it;
    bucket.erase(it);
    QJsonObject meta = obj.value(u"metadata").toObject();
    meta.insert(u"resourceVersion", QString::number(++m_rv));
    obj.insert(u"metadata", meta);
    record(QStringLiteral("DELETED"), resource, obj, obj);
    return obj;
}

std::optional<QJsonObject> ObjectStore::get(
    const QString &resource, const QString &ns, const QString &name) const
{
    const auto bucket = m_objects.constFind(resource);
    if (bucket == m_objects.cend())
        return std::nullopt;
    const auto it = bucket->constFind(key(ns, name));
    if (it == bucket->cend())
        return std::nullopt;
    return *it;
}

QList<QJsonObject> ObjectStore::list(const QString &resource, const QString &ns) const
{
    QList<QJsonObject> out;
    const auto bucket = m_objects.constFind(resource);
    if (bucket == m_objects.cend())
        return out;
    for (auto it = bucket->cbegin(); it != bucket->cend(); ++it) {
        if (ns.isEmpty() || it.key().startsWith(ns + u'/'))
            out << it.value();
    }
    return out;
}

qint64 ObjectStore::oldestWatchableVersion() const
{
    return m_truncatedBefore;
}

QList<WatchEvent> ObjectStore::eventsSince(const QString &resource, qint64 rv) const
{
    QList<WatchEvent> out;
    for (const WatchEvent &ev : m_history) {
        if (ev.resourceVersion > rv && ev.resource == resource)
            out << ev;
    }
    return out;
}

} // namespace kubesim
