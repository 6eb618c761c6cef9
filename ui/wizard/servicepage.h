#pragma once
// Wizard page 2: the connected context's LoadBalancer services and, for the chosen one, the
// workbench's topology picture (VIP → nodes → interfaces → pods). Clicking an interface makes it the
// capture target; by default it is the interface holding the VIP. Complete once the VIP is located.

#include "core/kube/loadbalancerlocator.h"
#include "ui/cluster/servicerow.h"

#include <QWizardPage>

class QLabel;
class QTableView;

namespace lbs::ui {

class ServiceTableModel;
class TopologyView;
class TroubleshootWizard;

class WizardServicePage : public QWizardPage {
    Q_OBJECT
public:
    explicit WizardServicePage(TroubleshootWizard *wizard);

    /// Selects "ns/name" once the services are listed, and locates it.
    void selectWhenListed(const QString &key);
    void initializePage() override;
    bool isComplete() const override;
    QTableView *serviceTable() const { return m_table; }
    TopologyView *topology() const { return m_topology; }
    ServiceTableModel *serviceModel() const { return m_model; }

signals:
    void located(bool ok);

private:
    void onServices(const QList<ServiceRow> &rows);
    void locateRow(int row);
    void onLocated(const kube::LocateResult &result);
    void setTarget(const QString &node, const QString &iface);

    TroubleshootWizard *m_wizard;
    ServiceTableModel *m_model;
    QTableView *m_table;
    TopologyView *m_topology;
    QString m_pending;
    bool m_located = false;
};

} // namespace lbs::ui
