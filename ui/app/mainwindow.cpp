#include "mainwindow.h"

#include "ui/app/exportactions.h"
#include "ui/capture/capturepage.h"
#include "ui/capture/capturetabs.h"
#include "ui/cluster/clusterview.h"
#include "ui/jobs/jobrunner.h"
#include "ui/models/packettablemodel.h"
#include "ui/plots/timelineplot.h"
#include "ui/viewer/capturedocument.h"
#include "ui/viewer/captureselection.h"
#include "ui/viewer/captureview.h"
#include "ui/viewer/flowspane.h"
#include "ui/viewer/inputgrouping.h"
#include "ui/viewer/packetpane.h"
#include "ui/widgets/filterbar.h"
#include "ui/wizard/troubleshootwizard.h"

#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>

namespace lbs::ui {

namespace {
const auto kRecentKey = QStringLiteral("recent/captures");
constexpr int kRecentMax = 10;
const auto kCaptureFilters
    = QT_TRANSLATE_NOOP("MainWindow", "Captures (*.pcap *.pcapng *.cap *.pcap[0-9]* *.dmp);;All files (*)");
} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent), m_stack(new QStackedWidget), m_tabs(new QTabWidget), m_recentMenu(nullptr),
      m_exports(new ExportActions(this)), m_recent(QSettings().value(kRecentKey).toStringList()),
      m_settingsWriter(new JobRunner(this))
{
    setObjectName(QStringLiteral("lbscopeMainWindow"));
    setAcceptDrops(true);
    m_tabs->setTabsClosable(true);
    m_tabs->setMovable(true);
    m_tabs->setDocumentMode(true);
    auto *welcome
        = new QLabel(tr("<h2>lbscope</h2><p>Open a capture with <b>Ctrl+O</b>, drop pcap/pcapng files or a "
                        "capture directory here, or pick one from <b>File › Open Recent</b>.</p>"
                        "<p>Connect to a Kubernetes cluster with <b>Ctrl+K</b> to find and capture "
                        "a load balancer's traffic.</p>"
                        "<p>A service fails and you do not know where to start? "
                        "<a href=\"wizard\">Troubleshoot a service step by step</a> (<b>Ctrl+T</b>): "
                        "checks, a capture on the right node, and a verdict.</p>"
                        "<p>Rotated sets (x.pcap0…x.pcapN) and directories with a manifest.json open as "
                        "one capture.</p>"));
    welcome->setAlignment(Qt::AlignCenter);
    welcome->setObjectName(QStringLiteral("welcome"));
    connect(welcome, &QLabel::linkActivated, this, [this] { showWizard(); });
    welcome->setWordWrap(true);
    m_stack->addWidget(welcome);
    m_stack->addWidget(m_tabs);
    setCentralWidget(m_stack);
    m_captures = new CaptureTabs(this, m_tabs);
    connect(m_tabs, &QTabWidget::tabCloseRequested, this, [this](int i) {
        if (auto *page = qobject_cast<CapturePage *>(m_tabs->widget(i))) {
            if (page->isBusy()) // a running capture is stopped or aborted on its page first
                return statusBar()->showMessage(
                    tr("Stop or abort the capture before closing its page."), 5000);
            m_tabs->removeTab(i);
            return page->deleteLater();
        }
        auto *view = qobject_cast<CaptureView *>(m_tabs->widget(i));
        saveLayout(view);
        m_tabs->removeTab(i);
        if (view) {
            view->document()->cancel();
            view->document()->deleteLater();
            view->deleteLater();
        }
        updateActions();
    });
    connect(m_tabs, &QTabWidget::currentChanged, this, [this] {
        updateActions();
        updateTitle();
    });
    createActions();
    QSettings settings;
    if (!restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray()))
        resize(1400, 900);
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    updateActions();
    updateTitle();
}

MainWindow::~MainWindow() = default;

ClusterView *MainWindow::showCluster()
{
    if (!m_cluster) {
        m_cluster = new ClusterView(this); // kept when its tab is closed: the connection survives
        connect(m_cluster, &ClusterView::captureRequested, this, [this] {
            CapturePage *page = m_captures->openPage(m_cluster->currentTarget());
            if (m_cluster->currentTarget().ssh)
                page->setSshPassphrase(
                    m_cluster->currentTarget().ssh->identityFile, m_cluster->sshPassphrase());
        });
    }
    int i = m_tabs->indexOf(m_cluster);
    if (i < 0)
        i = m_tabs->insertTab(0, m_cluster, tr("Cluster"));
    m_tabs->setCurrentIndex(i);
    m_stack->setCurrentWidget(m_tabs);
    return m_cluster;
}

TroubleshootWizard *MainWindow::showWizard()
{
    if (!m_wizard) {
        m_wizard = new TroubleshootWizard(this);
        m_wizard->setAttribute(Qt::WA_DeleteOnClose);
        connect(m_wizard, &QObject::destroyed, this, [this] { m_wizard = nullptr; });
        connect(m_wizard, &TroubleshootWizard::openCaptureRequested, this,
            [this](const QString &dir, const QString &) {
                openPaths({dir});
                raise();
                activateWindow();
            });
    }
    m_wizard->show();
    m_wizard->raise();
    m_wizard->activateWindow();
    return m_wizard;
}

void MainWindow::createActions()
{
    // Standard keys get every binding the platform has (setShortcuts): a QKeySequence built from a
    // StandardKey keeps only the first, e.g. Ctrl+F4 without Ctrl+W for Close under the Windows scheme.
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(
            QIcon::fromTheme(QStringLiteral("document-open")), tr("&Open…"), this, &MainWindow::openDialog)
        ->setShortcuts(QKeySequence::Open);
    file->addAction(tr("Open &Directory…"), this, &MainWindow::openDirectoryDialog);
    file->addAction(
        tr("Connect to &Cluster…"), QKeySequence(Qt::CTRL | Qt::Key_K), this, &MainWindow::showCluster);
    file->addAction(
        tr("&Troubleshoot a Service…"), QKeySequence(Qt::CTRL | Qt::Key_T), this, [this] { showWizard(); });
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    connect(m_recentMenu, &QMenu::aboutToShow, this, [this] {
        m_recentMenu->clear();
        const QStringList recent = recentCaptures();
        for (const QString &entry : recent) {
            const QStringList inputs = entry.split(QLatin1Char('\n'));
            QString label = inputs.first();
            if (inputs.size() > 1)
                label += tr(" (+%1 files)").arg(inputs.size() - 1);
            m_recentMenu->addAction(label, this, [this, inputs] { openCapture(inputs); });
        }
        if (recent.isEmpty())
            m_recentMenu->addAction(tr("No recent captures"))->setEnabled(false);
        else {
            m_recentMenu->addSeparator();
            m_recentMenu->addAction(tr("Clear list"), this, [this] { storeRecent({}); });
        }
    });
    m_reload = file->addAction(tr("Re&load"), this, &MainWindow::reloadCurrent);
    m_reload->setShortcuts(QKeySequence::Refresh);
    m_close = file->addAction(tr("&Close"), this, &MainWindow::closeCurrent);
    m_close->setShortcuts(QKeySequence::Close);
    file->addSeparator();
    m_exports->addTo(file);
    file->addSeparator();
    file->addAction(tr("&Quit"), this, &QWidget::close)->setShortcuts(QKeySequence::Quit);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    edit->addAction(tr("&Filter Packets…"), this,
            [this] {
                if (CaptureView *v = currentView())
                    v->packets()->filterBar()->focusEditor();
            })
        ->setShortcuts(QKeySequence::Find);
    edit->addAction(tr("Clear Flow and Time Selection"), QKeySequence(Qt::Key_Escape), this, [this] {
        if (CaptureView *v = currentView()) {
            v->document()->selection()->clearFlows();
            v->document()->selection()->resetRange();
        }
    });

    QMenu *view = menuBar()->addMenu(tr("&View"));
    QMenu *timeMenu = view->addMenu(tr("&Time Format"));
    m_timeFormat = new QActionGroup(this);
    const struct {
        QString name;
        PacketTableModel::TimeFormat format;
    } formats[] = {{tr("Absolute (UTC)"), PacketTableModel::TimeFormat::Absolute},
        {tr("Seconds Since Capture Start"), PacketTableModel::TimeFormat::Relative},
        {tr("Seconds Since Previous Packet"), PacketTableModel::TimeFormat::SincePrevious}};
    const int savedFormat = QSettings().value(QStringLiteral("view/timeFormat"), 1).toInt();
    for (int i = 0; i < 3; ++i) {
        QAction *a = timeMenu->addAction(formats[i].name);
        a->setCheckable(true);
        a->setChecked(i == savedFormat);
        a->setData(i);
        m_timeFormat->addAction(a);
    }
    connect(m_timeFormat, &QActionGroup::triggered, this, [this](QAction *a) {
        QSettings().setValue(QStringLiteral("view/timeFormat"), a->data());
        for (CaptureView *v : views())
            v->packets()->model()->setTimeFormat(PacketTableModel::TimeFormat(a->data().toInt()));
    });
    view->addAction(tr("Reset Timeline &Zoom"), QKeySequence(Qt::CTRL | Qt::Key_0), this, [this] {
        if (CaptureView *v = currentView())
            v->timeline()->resetZoom();
    });

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About lbscope"), this, [this] {
        QMessageBox::about(this, tr("About lbscope"),
            tr("<b>lbscope %1</b><p>Kubernetes load balancer capture workbench: packet list, flows, "
               "timeline, latency and findings for pcap/pcapng captures.</p>")
                .arg(QApplication::applicationVersion()));
    });
}

QList<CaptureView *> MainWindow::views() const
{
    QList<CaptureView *> out;
    for (int i = 0; i < m_tabs->count(); ++i)
        if (auto *v = qobject_cast<CaptureView *>(m_tabs->widget(i)))
            out << v;
    return out;
}

CaptureView *MainWindow::currentView() const
{
    return qobject_cast<CaptureView *>(m_tabs->currentWidget());
}

QStringList MainWindow::recentCaptures() const
{
    return m_recent;
}

void MainWindow::storeRecent(QStringList recent)
{
    m_recent = recent;
    // Writing the settings file ends in fdatasync, which waits for the disk: 100 ms when another
    // program has just written a large file (a report), all of it on the GUI thread at the end of
    // a load. The writes run in order on the runner's one thread; the window's destruction waits
    // for the last.
    m_settingsWriter->run([recent = std::move(recent)](const JobContext &) {
        QSettings settings;
        if (recent.isEmpty())
            settings.remove(kRecentKey);
        else
            settings.setValue(kRecentKey, recent);
    });
}

void MainWindow::addRecent(const QStringList &inputs)
{
    QStringList recent = recentCaptures();
    const QString entry = inputs.join(QLatin1Char('\n'));
    recent.removeAll(entry);
    recent.prepend(entry);
    while (recent.size() > kRecentMax)
        recent.removeLast();
    storeRecent(std::move(recent));
}

CaptureView *MainWindow::openCapture(const QStringList &inputs)
{
    QStringList absolute;
    for (const QString &in : inputs)
        absolute << QFileInfo(in).absoluteFilePath();
    auto *doc = new CaptureDocument(absolute, this);
    auto *view = new CaptureView(doc);
    view->packets()->model()->setTimeFormat(
        PacketTableModel::TimeFormat(QSettings().value(QStringLiteral("view/timeFormat"), 1).toInt()));
    const int index = m_tabs->addTab(view, doc->displayName());
    m_tabs->setTabToolTip(index, absolute.join(QLatin1Char('\n')));
    m_tabs->setCurrentIndex(index);
    m_stack->setCurrentWidget(m_tabs);
    restoreLayout(view);
    connect(doc, &CaptureDocument::loaded, this, [this, absolute] {
        addRecent(absolute);
        updateTitle();
    });
    connect(doc, &CaptureDocument::timelineUpdated, this, &MainWindow::updateTitle);
    connect(doc, &CaptureDocument::failed, this,
        [this](const QString &message) { statusBar()->showMessage(message, 10000); });
    doc->load();
    updateActions();
    return view;
}

void MainWindow::showOnLoad(const QString &tab, int flowId)
{
    CaptureView *v = currentView();
    if (!v)
        return;
    const QStringList names = {QStringLiteral("timeline"), QStringLiteral("flows"), QStringLiteral("latency"),
        QStringLiteral("findings"), QStringLiteral("backends")};
    const int index = names.indexOf(tab.toLower());
    connect(v->document(), &CaptureDocument::loaded, v, [v, index, flowId] {
        if (index >= 0)
            v->tabs()->setCurrentIndex(index);
        if (flowId >= 0)
            v->document()->selection()->setFlows({uint32_t(flowId)});
    });
}

void MainWindow::openPaths(const QStringList &paths)
{
    for (const QStringList &group : InputGrouping::group(paths))
        openCapture(group);
}

void MainWindow::openDialog()
{
    QSettings settings;
    const QStringList files = QFileDialog::getOpenFileNames(this, tr("Open Capture"),
        settings.value(QStringLiteral("dialog/lastDir"), QDir::homePath()).toString(), tr(kCaptureFilters));
    if (files.isEmpty())
        return;
    settings.setValue(QStringLiteral("dialog/lastDir"), QFileInfo(files.first()).absolutePath());
    openPaths(files);
}

void MainWindow::openDirectoryDialog()
{
    QSettings settings;
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open Capture Directory"),
        settings.value(QStringLiteral("dialog/lastDir"), QDir::homePath()).toString());
    if (dir.isEmpty())
        return;
    settings.setValue(QStringLiteral("dialog/lastDir"), dir);
    openCapture({dir});
}

void MainWindow::closeCurrent()
{
    if (m_tabs->count() > 0)
        emit m_tabs->tabCloseRequested(m_tabs->currentIndex());
}

void MainWindow::reloadCurrent()
{
    if (CaptureView *v = currentView())
        v->document()->load();
}

void MainWindow::updateActions()
{
    const bool has = currentView() != nullptr;
    m_close->setEnabled(has);
    m_reload->setEnabled(has);
    m_exports->setEnabled(has);
    if (m_tabs->count() == 0)
        m_stack->setCurrentIndex(0);
}

void MainWindow::updateTitle()
{
    CaptureView *v = currentView();
    if (!v) {
        setWindowTitle(tr("lbscope"));
        return;
    }
    const QString context = v->document()->captureContext();
    setWindowTitle(context.isEmpty() ? tr("%1 — lbscope").arg(v->document()->displayName())
                                     : tr("%1 — %2 — lbscope").arg(v->document()->displayName(), context));
}

void MainWindow::saveLayout(CaptureView *view) const
{
    if (!view)
        return;
    QSettings settings;
    for (QSplitter *s : view->findChildren<QSplitter *>())
        if (!s->objectName().isEmpty())
            settings.setValue(QStringLiteral("splitters/") + s->objectName(), s->saveState());
}

void MainWindow::restoreLayout(CaptureView *view) const
{
    QSettings settings;
    bool restoredMain = false;
    for (QSplitter *s : view->findChildren<QSplitter *>()) {
        const QByteArray state = settings.value(QStringLiteral("splitters/") + s->objectName()).toByteArray();
        if (!state.isEmpty() && s->restoreState(state) && s == view->splitter())
            restoredMain = true;
    }
    if (!restoredMain) {
        // First run: plots get a bit more room than the packet list; details/hex below it.
        view->splitter()->setSizes({460, 420});
        view->packets()->splitter()->setSizes({300, 140});
        view->flows()->splitter()->setSizes({800, 450});
    }
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (!m_captures->confirmClose())
        return event->ignore();
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    if (CaptureView *v = currentView())
        saveLayout(v);
    for (CaptureView *v : views())
        v->document()->cancel();
    event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (event->mimeData()->hasUrls())
        for (const QUrl &u : event->mimeData()->urls())
            if (u.isLocalFile()) {
                event->acceptProposedAction();
                return;
            }
}

void MainWindow::dropEvent(QDropEvent *event)
{
    QStringList paths;
    for (const QUrl &u : event->mimeData()->urls())
        if (u.isLocalFile())
            paths << u.toLocalFile();
    if (!paths.isEmpty()) {
        openPaths(paths);
        event->acceptProposedAction();
    }
}

} // namespace lbs::ui
