#include "ui/wizard/clusterpage.h"

#include "ui/cluster/contextcatalog.h"
#include "ui/cluster/contextlistmodel.h"
#include "ui/cluster/topologystyle.h"
#include "ui/jobs/jobrunner.h"
#include "ui/wizard/troubleshootwizard.h"

#include <QHeaderView>
#include <QLabel>
#include <QTreeView>
#include <QVBoxLayout>

namespace lbs::ui {

WizardClusterPage::WizardClusterPage(TroubleshootWizard *wizard)
    : m_wizard(wizard), m_jobs(new JobRunner(this)), m_contexts(new ContextListModel(this)),
      m_tree(new QTreeView), m_state(new QLabel)
{
    setTitle(tr("Which cluster?"));
    setSubTitle(tr("Choose the kubeconfig context of the cluster whose load balancer misbehaves. lbscope "
                   "connects and lists its LoadBalancer services; nothing is created yet."));
    m_tree->setModel(m_contexts);
    m_tree->setUniformRowHeights(true);
    m_tree->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_tree->header()->setStretchLastSection(true);
    m_state->setWordWrap(true);
    m_state->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_tree, 1);
    layout->addWidget(m_state);

    connect(m_tree, &QTreeView::clicked, this, [this](const QModelIndex &i) {
        if (i.data(ContextListModel::UsableRole).toBool())
            connectTo(i.data(ContextListModel::ContextNameRole).toString());
    });
    connect(m_tree, &QTreeView::activated, this, [this](const QModelIndex &i) {
        if (i.data(ContextListModel::UsableRole).toBool())
            connectTo(i.data(ContextListModel::ContextNameRole).toString());
    });
    connect(wizard->session(), &ClusterSession::stateChanged, this, &WizardClusterPage::onState);
    m_state->setText(tr("Not connected: choose a context."));
}

void WizardClusterPage::reloadContexts()
{
    const kube::KubeConfigSource source = m_wizard->state().source;
    auto catalog = std::make_shared<ContextCatalog>();
    m_jobs->run([source, catalog](const JobContext &) { *catalog = loadContextCatalog(source); },
        [this, catalog, source] {
            m_contexts->setCatalog(*catalog);
            m_tree->expandAll();
            if (catalog->files.isEmpty())
                m_state->setText(
                    tr("No kubeconfig file found (%1). Set KUBECONFIG or start lbscope with --kubeconfig.")
                        .arg(kubeconfigFiles(source).join(QStringLiteral(", "))));
            const QString preselect
                = m_pending && !m_pendingContext.isEmpty() ? m_pendingContext : catalog->currentContext;
            if (const QModelIndex i = m_contexts->indexOfContext(preselect); i.isValid())
                m_tree->setCurrentIndex(i);
            emit contextsLoaded();
            if (m_pending) {
                m_pending = false;
                if (!preselect.isEmpty())
                    connectTo(preselect);
            }
        });
}

void WizardClusterPage::connectWhenLoaded(const QString &context)
{
    m_pending = true;
    m_pendingContext = context;
    if (!m_jobs->isRunning())
        reloadContexts();
}

void WizardClusterPage::connectTo(const QString &context)
{
    if (m_wizard->session()->contextName() == context
        && m_wizard->session()->state() == ClusterSession::State::Connected)
        return;
    if (const QModelIndex i = m_contexts->indexOfContext(context); i.isValid())
        m_tree->setCurrentIndex(i);
    m_wizard->session()->connectTo(context);
}

void WizardClusterPage::onState(ClusterSession::State state, const QString &message)
{
    m_state->setText(message);
    m_state->setStyleSheet(state == ClusterSession::State::Failed
            ? QStringLiteral("color: %1").arg(topology::widgetProblemColor().name())
            : QString());
    if (state == ClusterSession::State::Connected) {
        m_wizard->state().context = m_wizard->session()->contextName();
        m_wizard->state().server = m_wizard->session()->server();
    }
    emit completeChanged();
    if (state == ClusterSession::State::Connected)
        emit connected();
}

bool WizardClusterPage::isComplete() const
{
    return m_wizard->session()->state() == ClusterSession::State::Connected;
}

} // namespace lbs::ui
