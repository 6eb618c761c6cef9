#include "ui/wizard/servicepage.h"

#include "ui/cluster/clustersession.h"
#include "ui/cluster/servicetablemodel.h"
#include "ui/cluster/topologyscene.h"
#include "ui/cluster/topologyview.h"
#include "ui/wizard/troubleshootwizard.h"

#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace lbs::ui {

WizardServicePage::WizardServicePage(TroubleshootWizard *wizard)
    : m_wizard(wizard), m_model(new ServiceTableModel(this)), m_table(new QTableView),
      m_topology(new TopologyView)
{
    setTitle(tr("Which service?"));
    setSubTitle(tr("Choose the LoadBalancer service that fails. lbscope finds the node holding its VIP "
                   "(short-lived probe pods run `ip addr` on the nodes and are deleted again) and draws "
                   "the path: VIP → node → interface → pods. Click an interface to capture there instead."));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    auto *split = new QSplitter(Qt::Vertical);
    split->addWidget(m_table);
    split->addWidget(m_topology);
    split->setSizes({140, 460});
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(split, 1);

    ClusterSession *session = wizard->session();
    connect(session, &ClusterSession::servicesChanged, this, &WizardServicePage::onServices);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
        [this](const QModelIndex &current) {
            if (current.isValid())
                locateRow(current.row());
        });
    connect(session, &ClusterSession::locatingChanged, this, [this](bool running) {
        m_topology->setBusy(
            running, running ? tr("Locating the VIP (probe pods are deleted afterwards)…") : QString());
    });
    connect(session, &ClusterSession::locateFinished, this, &WizardServicePage::onLocated);
    connect(session, &ClusterSession::locateFailed, this, [this](const QString &message) {
        m_located = false;
        m_topology->showMessage(message, true);
        m_topology->setStatus(message);
        emit completeChanged();
        emit located(false);
    });
    connect(m_topology, &TopologyView::refreshRequested, this, [this] {
        if (m_table->currentIndex().isValid())
            locateRow(m_table->currentIndex().row());
    });
    connect(m_topology, &TopologyView::cancelRequested, session, &ClusterSession::cancelLocate);
    connect(m_topology, &TopologyView::targetSelected, this, &WizardServicePage::setTarget);
    connect(
        m_topology, &TopologyView::captureRequested, this, [this](const QString &node, const QString &iface) {
            setTarget(node, iface);
            if (m_located)
                m_wizard->next();
        });
    m_topology->showMessage(tr("Choose a service to see where its VIP lives."));
}

void WizardServicePage::initializePage()
{
    m_table->resizeColumnsToContents();
}

void WizardServicePage::selectWhenListed(const QString &key)
{
    m_pending = key;
    if (m_model->rowOf(key) >= 0)
        onServices(m_model->rows());
}

void WizardServicePage::onServices(const QList<ServiceRow> &rows)
{
    if (&rows != &m_model->rows())
        m_model->setRows(rows);
    m_table->resizeColumnsToContents();
    if (m_pending.isEmpty())
        return;
    const int row = m_model->rowOf(m_pending);
    if (row < 0) {
        m_topology->showMessage(tr("Service %1 is not a LoadBalancer service of %2.")
                                    .arg(m_pending, m_wizard->session()->contextName()),
            true);
        m_pending.clear();
        return;
    }
    m_pending.clear();
    if (m_table->currentIndex().row() == row)
        locateRow(row);
    else
        m_table->setCurrentIndex(m_model->index(row, 0));
}

void WizardServicePage::locateRow(int row)
{
    const QString key = m_model->index(row, 0).data(ServiceTableModel::ServiceKeyRole).toString();
    const auto [ns, name] = kube::splitNamespacedName(key, QStringLiteral("default"));
    m_located = false;
    m_wizard->state().serviceKey = key;
    m_wizard->state().target = CaptureTarget();
    emit completeChanged();
    m_wizard->session()->setProbeNodes(m_wizard->state().probeNodes);
    m_wizard->session()->locate(ns, name);
}

void WizardServicePage::onLocated(const kube::LocateResult &r)
{
    m_wizard->state().location = r;
    m_topology->setResult(r);
    m_located = true;
    if (!r.holderNode.isEmpty() && !r.interface.isEmpty())
        m_topology->scene()->selectTarget(r.holderNode, r.interface); // sets the target
    else
        m_topology->setStatus(tr("No single node holds the VIP of %1/%2 (see the problems in red); the "
                                 "checks on the next page say why. Click an interface to capture there.")
                                  .arg(r.nameSpace, r.service));
    emit completeChanged();
    emit located(true);
}

void WizardServicePage::setTarget(const QString &node, const QString &iface)
{
    const kube::LocateResult &r = m_wizard->state().location;
    CaptureTarget t;
    t.kubeconfig = m_wizard->state().source.explicitPath;
    t.context = m_wizard->state().context;
    t.nameSpace = r.nameSpace;
    t.service = r.service;
    t.vip = r.vip;
    t.node = node;
    t.iface = iface;
    for (const kube::InterfaceRole &i : r.interfaces)
        if (i.name == iface)
            t.role = i.pod.isEmpty() ? i.role : QStringLiteral("pod ") + i.pod;
    m_wizard->state().target = t;
    m_topology->setStatus(
        tr("Capture target: %1. Next runs the checks an expert runs first.").arg(t.describe()));
}

bool WizardServicePage::isComplete() const
{
    return m_located;
}

} // namespace lbs::ui
