#pragma once
// The cluster workbench: kubeconfig contexts (grouped by file, unusable ones greyed with their
// reason), the connected context's LoadBalancer services, and the topology picture of the selected
// service, whose interfaces are the capture targets. Every cluster call runs in a JobRunner job.

#include "core/kube/kubeconfigloader.h"
#include "ui/cluster/capturetarget.h"
#include "ui/cluster/clustersession.h"

#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;
class QTreeView;

namespace lbs::ui {

class ContextListModel;
class JobRunner;
class ServiceTableModel;
class TopologyView;

class ClusterView : public QWidget {
    Q_OBJECT
public:
    explicit ClusterView(QWidget *parent = nullptr);
    ~ClusterView() override;

    /// Where kubeconfig comes from (--kubeconfig); reloads the contexts.
    void setSource(const kube::KubeConfigSource &source);
    /// Once the contexts are loaded, connects to `context` (empty: the current one) and, once the
    /// services are listed, locates `service` ("ns/name", may be empty).
    void start(const QString &context, const QString &service);

    ClusterSession *session() const { return m_session; }
    ContextListModel *contextModel() const { return m_contexts; }
    ServiceTableModel *serviceModel() const { return m_services; }
    QTableView *serviceTable() const { return m_serviceTable; }
    QTreeView *contextTree() const { return m_contextTree; }
    TopologyView *topology() const { return m_topology; }
    QLineEdit *serviceFilter() const { return m_filter; }
    /// The selected interface, with the SSH endpoint chosen for captures (if any).
    CaptureTarget currentTarget() const;
    /// The key passphrase typed with the chosen SSH endpoint (memory only; empty = none typed).
    QString sshPassphrase() const { return m_sshPassphrase; }
    /// Captures go over SSH with `choice` from now on (what "Use for captures" in the SSH dialog does).
    void useSshForCaptures(const SshEndpointChoice &choice, const QString &passphrase);
    /// The text of the status line under the picture.
    QString statusText() const;

public slots:
    void reloadContexts();
    void connectSelected();
    void connectTo(const QString &context);
    /// Selects "ns/name" in the table and locates it.
    void showService(const QString &key);
    void locateCurrent();
    void openSshDialog();

signals:
    void contextsLoaded();
    void servicesShown();
    /// Locating finished: the picture or the reason it failed is shown.
    void topologyShown(bool located);
    void targetSelected(const QString &node, const QString &iface);
    /// Double-click on an interface: capture there (currentTarget() has the details).
    void captureRequested(const QString &node, const QString &iface);

private:
    void onState(ClusterSession::State state, const QString &message);
    void onServices(const QList<ServiceRow> &rows);
    void onTarget(const QString &node, const QString &iface);
    void applyProbeSettings();
    QString currentServiceKey() const;

    ClusterSession *m_session;
    JobRunner *m_loadJobs;
    ContextListModel *m_contexts;
    ServiceTableModel *m_services;
    QSortFilterProxyModel *m_serviceProxy;
    QTreeView *m_contextTree;
    QTableView *m_serviceTable;
    QLineEdit *m_filter;
    QLineEdit *m_image;
    QLineEdit *m_pullSecret;
    QLabel *m_state;
    QPushButton *m_connect;
    QPushButton *m_cancel;
    TopologyView *m_topology;
    QLabel *m_unusable;
    CaptureTarget m_target;
    std::optional<SshEndpointChoice> m_ssh;
    QString m_sshPassphrase;
    QString m_pendingContext;
    QString m_pendingService;
    bool m_pendingStart = false;
};

} // namespace lbs::ui
