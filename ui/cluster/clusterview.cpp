#include "clusterview.h"

#include "ui/cluster/clustersettings.h"
#include "ui/cluster/contextlistmodel.h"
#include "ui/cluster/servicetablemodel.h"
#include "ui/cluster/sshnodedialog.h"
#include "ui/cluster/topologyscene.h"
#include "ui/cluster/topologystyle.h"
#include "ui/cluster/topologyview.h"
#include "ui/jobs/jobrunner.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QTreeView>
#include <QVBoxLayout>

namespace lbs::ui {

ClusterView::ClusterView(QWidget *parent)
    : QWidget(parent), m_session(new ClusterSession(this)), m_loadJobs(new JobRunner(this)),
      m_contexts(new ContextListModel(this)), m_services(new ServiceTableModel(this)),
      m_serviceProxy(new QSortFilterProxyModel(this)), m_contextTree(new QTreeView),
      m_serviceTable(new QTableView), m_filter(new QLineEdit), m_image(new QLineEdit),
      m_pullSecret(new QLineEdit), m_state(new QLabel), m_connect(new QPushButton(tr("Connect"))),
      m_cancel(new QPushButton(tr("Cancel"))), m_topology(new TopologyView), m_unusable(new QLabel)
{
    m_contextTree->setModel(m_contexts);
    m_contextTree->setUniformRowHeights(true);
    m_contextTree->setAlternatingRowColors(true);
    m_contextTree->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_contextTree->header()->setStretchLastSection(true);
    m_contextTree->setToolTip(tr("Greyed contexts cannot be used; the reason is beside them."));
    m_serviceProxy->setSourceModel(m_services);
    m_serviceProxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_serviceProxy->setFilterKeyColumn(-1);
    m_serviceTable->setModel(m_serviceProxy);
    m_serviceTable->setSortingEnabled(true);
    m_serviceTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_serviceTable->setSelectionMode(QAbstractItemView::SingleSelection);
    m_serviceTable->verticalHeader()->hide();
    m_serviceTable->horizontalHeader()->setStretchLastSection(true);
    m_filter->setPlaceholderText(tr("Filter services (namespace, name, VIP, provider…)"));
    m_filter->setClearButtonEnabled(true);
    m_image->setPlaceholderText(QString::fromLatin1(kube::kDefaultDebugImage));
    m_pullSecret->setPlaceholderText(tr("none"));
    m_image->setToolTip(tr("Image of the short-lived pods that find the VIP and of the capture pods; "
                           "remembered for this cluster"));
    m_pullSecret->setToolTip(tr("docker-registry Secret for a private registry, in the debug namespace"));
    m_cancel->setEnabled(false);
    m_state->setWordWrap(true);
    m_state->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *sshButton = new QPushButton(tr("SSH to Node…"));
    auto *captureButton = new QPushButton(tr("Capture…"));
    captureButton->setToolTip(tr("Open a capture page for the selected interface"));
    auto *reload = new QPushButton(tr("Reload kubeconfig"));
    auto *top = new QHBoxLayout;
    top->addWidget(m_state, 1);
    top->addWidget(reload);
    top->addWidget(m_connect);
    top->addWidget(m_cancel);
    top->addWidget(sshButton);
    top->addWidget(captureButton);

    auto *left = new QWidget;
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(new QLabel(tr("<b>Contexts</b> (by kubeconfig file)")));
    leftLayout->addWidget(m_contextTree, 1);
    // The reasons in full, wrapped: the tree's column may be too narrow for them.
    m_unusable->setWordWrap(true);
    m_unusable->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_unusable->setStyleSheet(QStringLiteral("color: %1").arg(topology::widgetProblemColor().name()));
    m_unusable->hide();
    leftLayout->addWidget(m_unusable);
    auto *probe = new QHBoxLayout;
    probe->addWidget(new QLabel(tr("Debug pod image")));
    probe->addWidget(m_image, 2);
    probe->addWidget(new QLabel(tr("pull secret")));
    probe->addWidget(m_pullSecret, 1);
    leftLayout->addLayout(probe);
    m_image->setToolTip(tr("Image of the short-lived pods that run `ip addr` on the nodes while locating; "
                           "remembered per cluster"));

    auto *services = new QWidget;
    auto *servicesLayout = new QVBoxLayout(services);
    servicesLayout->setContentsMargins(0, 0, 0, 0);
    servicesLayout->addWidget(new QLabel(tr("<b>LoadBalancer services</b>")));
    servicesLayout->addWidget(m_filter);
    servicesLayout->addWidget(m_serviceTable, 1);
    // Contexts and services side by side on top; the picture, which is wide, gets the full width.
    auto *top2 = new QSplitter(Qt::Horizontal);
    top2->addWidget(left);
    top2->addWidget(services);
    top2->setSizes({600, 900});
    auto *split = new QSplitter(Qt::Vertical);
    split->addWidget(top2);
    split->addWidget(m_topology);
    split->setSizes({250, 750});
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(split, 1);

    connect(reload, &QPushButton::clicked, this, &ClusterView::reloadContexts);
    connect(m_connect, &QPushButton::clicked, this, &ClusterView::connectSelected);
    connect(m_cancel, &QPushButton::clicked, m_session, &ClusterSession::cancelConnect);
    connect(sshButton, &QPushButton::clicked, this, &ClusterView::openSshDialog);
    connect(captureButton, &QPushButton::clicked, this, [this] {
        if (!m_target.isValid())
            return m_topology->setStatus(
                tr("Click an interface on the picture first: it becomes the capture target."));
        emit captureRequested(m_target.node, m_target.iface);
    });
    connect(m_contextTree, &QTreeView::doubleClicked, this, &ClusterView::connectSelected);
    connect(m_filter, &QLineEdit::textChanged, m_serviceProxy, &QSortFilterProxyModel::setFilterFixedString);
    connect(m_serviceTable->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
        [this](const QModelIndex &current) {
            if (current.isValid())
                locateCurrent();
        });
    connect(m_session, &ClusterSession::stateChanged, this, &ClusterView::onState);
    connect(m_session, &ClusterSession::servicesChanged, this, &ClusterView::onServices);
    connect(m_session, &ClusterSession::locatingChanged, this, [this](bool running) {
        m_topology->setBusy(
            running, running ? tr("Locating the VIP (probe pods are deleted afterwards)…") : QString());
    });
    connect(m_session, &ClusterSession::locateFinished, this, [this](const kube::LocateResult &r) {
        m_topology->setResult(r);
        m_topology->setStatus(r.holderNode.isEmpty()
                ? tr("No single node holds the VIP of %1/%2: see the problems in red.")
                      .arg(r.nameSpace, r.service)
                : tr("%1 holds the VIP %2 on %3. Click an interface to choose the capture target.")
                      .arg(r.holderNode, r.vip, r.interface));
        emit topologyShown(true);
    });
    connect(m_session, &ClusterSession::locateFailed, this, [this](const QString &message) {
        m_topology->showMessage(message, true);
        m_topology->setStatus(message);
        emit topologyShown(false);
    });
    connect(m_topology, &TopologyView::refreshRequested, this, &ClusterView::locateCurrent);
    connect(m_topology, &TopologyView::cancelRequested, m_session, &ClusterSession::cancelLocate);
    connect(m_topology, &TopologyView::targetSelected, this, &ClusterView::onTarget);
    connect(
        m_topology, &TopologyView::captureRequested, this, [this](const QString &node, const QString &iface) {
            onTarget(node, iface);
            m_topology->setStatus(tr("Capture requested on %1 (the capture page takes it from here).")
                                      .arg(m_target.describe()));
            emit captureRequested(node, iface);
        });
    const auto saveProbe = [this] {
        if (m_session->state() != ClusterSession::State::Connected)
            return;
        clustersettings::setDebugImage(m_session->server(), m_image->text().trimmed());
        clustersettings::setPullSecret(m_session->server(), m_pullSecret->text().trimmed());
        applyProbeSettings();
    };
    connect(m_image, &QLineEdit::editingFinished, this, saveProbe);
    connect(m_pullSecret, &QLineEdit::editingFinished, this, saveProbe);
    m_topology->setRefreshEnabled(false);
    onState(ClusterSession::State::Disconnected, tr("Not connected: choose a context."));
    reloadContexts();
}

ClusterView::~ClusterView() = default;

void ClusterView::setSource(const kube::KubeConfigSource &source)
{
    m_session->setSource(source);
    reloadContexts();
}

void ClusterView::start(const QString &context, const QString &service)
{
    m_pendingStart = true;
    m_pendingContext = context;
    m_pendingService = service;
    if (!m_loadJobs->isRunning())
        reloadContexts();
}

void ClusterView::reloadContexts()
{
    const kube::KubeConfigSource source = m_session->source();
    auto catalog = std::make_shared<ContextCatalog>();
    m_loadJobs->run([source, catalog](const JobContext &) { *catalog = loadContextCatalog(source); },
        [this, catalog, source] {
            m_contexts->setCatalog(*catalog);
            QStringList unusable;
            for (const ContextFile &f : catalog->files) {
                if (!f.error.isEmpty())
                    unusable << f.error;
                for (const ContextEntry &e : f.contexts) {
                    if (!e.usable)
                        unusable << tr("%1 cannot be used: %2").arg(e.name, e.reason);
                }
            }
            m_unusable->setText(unusable.join(QLatin1Char('\n')));
            m_unusable->setVisible(!unusable.isEmpty());
            m_contextTree->expandAll();
            QString preselect = m_session->contextName();
            if (preselect.isEmpty())
                preselect = catalog->currentContext;
            if (const QModelIndex i = m_contexts->indexOfContext(preselect); i.isValid())
                m_contextTree->setCurrentIndex(i);
            if (catalog->files.isEmpty())
                m_state->setText(
                    tr("No kubeconfig file found (%1). Set KUBECONFIG or start lbscope with --kubeconfig.")
                        .arg(kubeconfigFiles(source).join(QStringLiteral(", "))));
            emit contextsLoaded();
            if (m_pendingStart) {
                m_pendingStart = false;
                const QString context
                    = m_pendingContext.isEmpty() ? catalog->currentContext : m_pendingContext;
                if (!context.isEmpty())
                    connectTo(context);
            }
        });
}

void ClusterView::connectSelected()
{
    const QModelIndex i = m_contextTree->currentIndex();
    if (!i.isValid() || !m_contexts->data(i, ContextListModel::UsableRole).toBool())
        return;
    connectTo(m_contexts->data(i, ContextListModel::ContextNameRole).toString());
}

void ClusterView::connectTo(const QString &context)
{
    if (const QModelIndex i = m_contexts->indexOfContext(context); i.isValid())
        m_contextTree->setCurrentIndex(i);
    m_services->setRows({});
    m_topology->showMessage(tr("Choose a service to see where its VIP lives."));
    m_session->connectTo(context);
}

void ClusterView::onState(ClusterSession::State state, const QString &message)
{
    const bool busy = state == ClusterSession::State::Connecting;
    m_cancel->setEnabled(busy);
    m_connect->setEnabled(!busy);
    m_state->setText(message);
    m_state->setStyleSheet(state == ClusterSession::State::Failed
            ? QStringLiteral("color: %1").arg(topology::widgetProblemColor().name())
            : QString());
    m_topology->setRefreshEnabled(state == ClusterSession::State::Connected);
    if (state == ClusterSession::State::Connected) {
        clustersettings::setLastContext(m_session->contextName());
        m_image->setText(clustersettings::debugImage(m_session->server()));
        m_pullSecret->setText(clustersettings::pullSecret(m_session->server()));
        applyProbeSettings();
    }
}

void ClusterView::applyProbeSettings()
{
    kube::DebugPodOptions o;
    o.hostPathDir.clear();
    o.activeDeadlineSeconds = 600;
    if (!m_image->text().trimmed().isEmpty())
        o.image = m_image->text().trimmed();
    o.imagePullSecret = m_pullSecret->text().trimmed();
    m_session->setProbeOptions(o);
}

void ClusterView::onServices(const QList<ServiceRow> &rows)
{
    const QString keep = currentServiceKey();
    m_services->setRows(rows);
    m_serviceTable->resizeColumnsToContents();
    emit servicesShown();
    QString want = m_pendingService.isEmpty() ? keep : m_pendingService;
    m_pendingService.clear();
    if (!want.isEmpty())
        showService(want);
}

QString ClusterView::currentServiceKey() const
{
    const QModelIndex i = m_serviceTable->currentIndex();
    return i.isValid() ? i.data(ServiceTableModel::ServiceKeyRole).toString() : QString();
}

void ClusterView::showService(const QString &key)
{
    const int row = m_services->rowOf(key);
    if (row < 0) {
        m_topology->showMessage(
            tr("Service %1 is not a LoadBalancer service of %2.").arg(key, m_session->contextName()), true);
        return;
    }
    const QModelIndex proxyIndex = m_serviceProxy->mapFromSource(m_services->index(row, 0));
    if (m_serviceTable->currentIndex().row() == proxyIndex.row() && proxyIndex.isValid())
        locateCurrent();
    else
        m_serviceTable->setCurrentIndex(proxyIndex); // locates through currentRowChanged
}

void ClusterView::locateCurrent()
{
    const QString key = currentServiceKey();
    if (key.isEmpty())
        return;
    clustersettings::setLastService(key);
    const auto [ns, name] = kube::splitNamespacedName(key, QStringLiteral("default"));
    m_session->locate(ns, name);
}

void ClusterView::onTarget(const QString &node, const QString &iface)
{
    const kube::LocateResult &r = m_topology->scene()->result();
    CaptureTarget t;
    t.kubeconfig = m_session->source().explicitPath;
    t.context = m_session->contextName();
    t.nameSpace = r.nameSpace;
    t.service = r.service;
    t.vip = r.vip;
    t.node = node;
    t.iface = iface;
    for (const kube::InterfaceRole &i : r.interfaces) {
        if (i.name == iface)
            t.role = i.pod.isEmpty() ? i.role : QStringLiteral("pod ") + i.pod;
    }
    m_target = t;
    m_topology->setStatus(tr("Capture target: %1. Double-click it to capture there.").arg(t.describe()));
    emit targetSelected(node, iface);
}

QString ClusterView::statusText() const
{
    return m_topology->status();
}

void ClusterView::openSshDialog()
{
    auto *dialog = new SshNodeDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    if (m_target.isValid()) {
        // The chosen capture node; its name is often an ssh config alias or resolvable.
        SshEndpointChoice c = dialog->endpoint();
        c.host = m_target.node;
        dialog->setEndpoint(c);
    }
    connect(dialog, &SshNodeDialog::endpointChosen, this, &ClusterView::useSshForCaptures);
    dialog->show();
}

CaptureTarget ClusterView::currentTarget() const
{
    CaptureTarget t = m_target;
    t.ssh = m_ssh;
    t.debugImage = m_image->text().trimmed();
    t.pullSecret = m_pullSecret->text().trimmed();
    return t;
}

void ClusterView::useSshForCaptures(const SshEndpointChoice &choice, const QString &passphrase)
{
    m_ssh = choice;
    m_sshPassphrase = passphrase;
    m_topology->setStatus(
        tr("Captures go over SSH to %1%2.")
            .arg(choice.host, choice.jump.isEmpty() ? QString() : tr(" via %1").arg(choice.jump)));
}

} // namespace lbs::ui
