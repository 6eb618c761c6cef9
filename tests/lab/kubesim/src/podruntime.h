#pragma once
// kubesim: what the scheduler and the kubelet do for pods created through the API. Schedules them onto lab
// nodes, runs the main container's command in the node view (nsenter into the node's network and mount
// namespaces), feeds its output to the pod log, enforces activeDeadlineSeconds, and on deletion kills every
// process the pod started (main and exec'd). Pods from lab.json are not run here; exec into them is resolved
// too.

#include "labmodel.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QProcess>
#include <QTimer>

namespace kubesim {

class EventRecorder;
class ObjectStore;
class PodLog;

/// How to run a command in a pod: the argv prefix that enters its namespaces, plus the pod's marker.
struct ExecTarget {
    QStringList prefix;
    QString podUid;
    QString hostname;
    QMap<QString, QString> env;
};

class PodRuntime : public QObject {
    Q_OBJECT
public:
    PodRuntime(ObjectStore &store, EventRecorder &events, QString labDir, QObject *parent = nullptr);
    ~PodRuntime() override;

    void setModel(const LabModel &model) { m_model = model; }
    const LabModel &model() const { return m_model; }

    /// Starts the lifecycle of a pod just stored by a create request.
    void admit(const QJsonObject &pod);
    /// Graceful delete: marks the pod terminating, signals its processes, removes it when they are gone
    /// (or after the grace period, with SIGKILL). gracePeriod < 0 means the pod's own setting.
    QJsonObject beginDelete(const QJsonObject &pod, qint64 gracePeriod);
    /// The pod's main-container log, or nullptr for pods kubesim does not run.
    PodLog *log(const QString &uid) const;
    /// Where exec for this pod runs; on failure returns nothing and sets *error (HTTP code in *code).
    std::optional<ExecTarget> execTarget(const QJsonObject &pod, QString *error, int *code) const;
    /// Kills every process of every pod (kubesim is exiting).
    void shutdown();

private:
    struct Running {
        QString ns, name, uid, node;
        QPointer<QProcess> main;
        PodLog *log = nullptr;
        QTimer *deadline = nullptr;
        QTimer *graceTimer = nullptr;
        bool deleting = false;
        bool mainExited = false;
        bool sandboxed = false; ///< runs chrooted in its own pod root (PodVolumes)
        QString startedAt;
    };

    void schedule(const QString &uid);
    void pullAndStart(const QString &uid);
    void startContainer(const QString &uid);
    void markRunning(const QString &uid);
    void onMainFinished(const QString &uid, int exitCode, QProcess::ExitStatus status);
    void deadlineExceeded(const QString &uid);
    void finalizeDelete(const QString &uid);
    std::optional<QJsonObject> current(const QString &uid) const;
    void updateStatus(
        const QString &uid, const std::function<void(QJsonObject &status, QJsonObject &pod)> &fn);
    QJsonObject containerStatus(const QJsonObject &pod, const QJsonObject &state, bool ready) const;
    const LabNode *nodeFor(const QJsonObject &pod) const;
    static QStringList nodePrefix(const LabNode &node, const QString &netns = {});

    ObjectStore &m_store;
    EventRecorder &m_events;
    QString m_labDir;
    LabModel m_model;
    QHash<QString, Running> m_pods; // by uid
    int m_nextNode = 0;
};

} // namespace kubesim
