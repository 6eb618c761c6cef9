#pragma once
// One connection to a cluster for the workbench: connects to a context, lists its LoadBalancer
// services and locates a service's VIP, each in a JobRunner job (never on the GUI thread), each
// cancellable. Probe pods made while locating are deleted when locating ends, also on cancel.

#include "core/kube/debugpod.h"
#include "core/kube/kubeconfigloader.h"
#include "core/kube/loadbalancerlocator.h"
#include "ui/cluster/servicerow.h"

#include <QObject>

#include <memory>

namespace lbs::ui {

class JobRunner;
struct ClusterConnection;

class ClusterSession : public QObject {
    Q_OBJECT
public:
    enum class State { Disconnected, Connecting, Connected, Failed };
    Q_ENUM(State)

    explicit ClusterSession(QObject *parent = nullptr);
    ~ClusterSession() override;

    /// Where kubeconfig is read from (--kubeconfig or the environment).
    void setSource(const kube::KubeConfigSource &source) { m_source = source; }
    const kube::KubeConfigSource &source() const { return m_source; }
    /// Options of the probe pods `ip -j addr` runs in while locating.
    void setProbeOptions(const kube::DebugPodOptions &options) { m_probe = options; }
    /// Locate with probe pods on the nodes (default), or from the API's evidence alone.
    void setProbeNodes(bool probe) { m_probeNodes = probe; }

    State state() const { return m_state; }
    QString contextName() const { return m_context; }
    /// The cluster's server URL once connected.
    QString server() const { return m_server; }
    bool isLocating() const;

public slots:
    /// Connects to `context` and lists its services (connectionChanged, then servicesChanged).
    void connectTo(const QString &context);
    void cancelConnect();
    void refreshServices();
    /// Locates ns/name; locateFinished or locateFailed follow.
    void locate(const QString &nameSpace, const QString &name);
    void cancelLocate();

signals:
    void stateChanged(lbs::ui::ClusterSession::State state, const QString &message);
    void servicesChanged(const QList<lbs::ui::ServiceRow> &rows);
    void locateStarted(const QString &nameSpace, const QString &name);
    void locateFinished(const lbs::kube::LocateResult &result);
    /// Also sent when locating was cancelled (message says so and that the probe pods are gone).
    void locateFailed(const QString &message);
    void locatingChanged(bool running);

private:
    void setState(State state, const QString &message);

    kube::KubeConfigSource m_source;
    kube::DebugPodOptions m_probe;
    bool m_probeNodes = true;
    std::shared_ptr<ClusterConnection> m_connection;
    JobRunner *m_connectJobs;
    JobRunner *m_locateJobs;
    State m_state = State::Disconnected;
    QString m_context;
    QString m_server;
};

} // namespace lbs::ui
