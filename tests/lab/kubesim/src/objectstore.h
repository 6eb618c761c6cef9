#pragma once
// kubesim: the in-memory object database (what etcd is for a real API server): objects per resource,
// one global resourceVersion counter, and a bounded event history for watches.

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QObject>
#include <QString>
#include <optional>

namespace kubesim {

/// One change, as a watch sends it.
struct WatchEvent {
    qint64 resourceVersion = 0;
    QString type; ///< ADDED, MODIFIED, DELETED
    QString resource; ///< plural resource name, e.g. "pods"
    QJsonObject object; ///< the object after the change (for DELETED: the last state)
    QJsonObject previous; ///< the object before the change (empty for ADDED)
    qint64 recordedMs = 0; ///< when it happened (ms since epoch), for history expiry
};

class ObjectStore : public QObject {
    Q_OBJECT
public:
    explicit ObjectStore(QObject *parent = nullptr);

    /// Adds a new object: fills uid, creationTimestamp and resourceVersion. Returns the stored object,
    /// or nothing if an object with that name exists already.
    std::optional<QJsonObject> create(const QString &resource, QJsonObject object);
    /// Replaces an existing object (new resourceVersion). Returns nothing if it does not exist.
    std::optional<QJsonObject> update(const QString &resource, QJsonObject object);
    /// Creates or updates, keeping uid/creationTimestamp; no event when nothing changed.
    QJsonObject upsert(const QString &resource, QJsonObject object);
    /// Removes an object. Returns its last state, or nothing if it does not exist.
    std::optional<QJsonObject> remove(const QString &resource, const QString &ns, const QString &name);

    std::optional<QJsonObject> get(const QString &resource, const QString &ns, const QString &name) const;
    /// Objects of a resource, sorted by namespace then name; ns empty = all namespaces.
    QList<QJsonObject> list(const QString &resource, const QString &ns = {}) const;

    qint64 currentResourceVersion() const { return m_rv; }
    /// Oldest resourceVersion a watch can still resume from; older ones get 410 Gone.
    qint64 oldestWatchableVersion() const;
    /// History events newer than rv for a resource.
    QList<WatchEvent> eventsSince(const QString &resource, qint64 rv) const;

    static constexpr int HistoryLimit = 4000;
    static constexpr int HistorySeconds = 300;

signals:
    void changed(const kubesim::WatchEvent &event);

private:
    static QString key(const QString &ns, const QString &name) { return ns + u'/' + name; }
    void record(
        const QString &type, const QString &resource, const QJsonObject &obj, const QJsonObject &prev);

    qint64 m_rv = 1000;
    QHash<QString, QMap<QString, QJsonObject>> m_objects;
    QList<WatchEvent> m_history;
    // Versions before kubesim started were never seen: watching from them is "too old" (410 Gone), like a
    // resourceVersion from before an etcd compaction.
    qint64 m_truncatedBefore = 1000;
};

} // namespace kubesim
