#pragma once
// kubesim: writes core/v1 Events about pods, as the scheduler and the kubelet do
// (Scheduled, Pulling, Pulled, Created, Started, Killing, FailedScheduling, Failed, BackOff,
// DeadlineExceeded).

#include <QJsonObject>
#include <QString>

namespace kubesim {

class ObjectStore;

class EventRecorder {
public:
    explicit EventRecorder(ObjectStore &store) : m_store(store) { }
    /// Records an event about a pod; component is "kubelet" or "default-scheduler".
    void podEvent(const QJsonObject &pod, const QString &type, const QString &reason, const QString &message,
        const QString &component, const QString &fieldPath = {});

private:
    ObjectStore &m_store;
    quint64 m_seq = 0;
};

} // namespace kubesim
