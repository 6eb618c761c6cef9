#include "captureview.h"

#include "ui/models/csvexport.h"
#include "ui/models/findingfilterproxy.h"
#include "ui/models/findingsmodel.h"
#include "ui/models/flowfilterproxy.h"
#include "ui/models/flowtablemodel.h"
#include "ui/models/packettablemodel.h"
#include "ui/plots/latencydistributionplot.h"
#include "ui/plots/latencyscatterplot.h"
#include "ui/plots/timelineplot.h"
#include "ui/viewer/backendspane.h"
#include "ui/viewer/capturedocument.h"
#include "ui/viewer/captureselection.h"
#include "ui/viewer/findingspane.h"
#include "ui/viewer/flowspane.h"
#include "ui/viewer/latencypane.h"
#include "ui/viewer/packetpane.h"
#include "ui/viewer/timelineadapter.h"
#include "ui/widgets/messagebanner.h"

#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace lbs::ui {

CaptureView::CaptureView(CaptureDocument *document, QWidget *parent)
    : QWidget(parent), m_document(document), m_header(new QLabel), m_banner(new MessageBanner),
      m_progressRow(new QWidget), m_progress(new QProgressBar), m_progressText(new QLabel),
      m_cancel(new QPushButton(tr("Cancel"))), m_splitter(new QSplitter(Qt::Vertical)),
      m_tabs(new QTabWidget), m_timeline(new TimelinePlot), m_flows(new FlowsPane(document->selection())),
      m_latency(new LatencyPane(document->selection())), m_findings(new FindingsPane(document->selection())),
      m_backends(new BackendsPane(document->selection())), m_packets(new PacketPane(document->selection()))
{
    m_header->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_header->setWordWrap(true);
    m_header->setContentsMargins(4, 2, 4, 2);
    auto *progressLayout = new QHBoxLayout(m_progressRow);
    progressLayout->setContentsMargins(4, 0, 4, 0);
    m_progress->setRange(0, 1000);
    m_progress->setTextVisible(true);
    progressLayout->addWidget(m_progress, 2);
    progressLayout->addWidget(m_progressText, 3);
    progressLayout->addWidget(m_cancel);
    connect(m_cancel, &QPushButton::clicked, document, &CaptureDocument::cancel);

    m_tabs->setDocumentMode(true);
    m_tabs->addTab(m_timeline, tr("Timeline"));
    m_tabs->addTab(m_flows, tr("Flows"));
    m_tabs->addTab(m_latency, tr("Latency"));
    m_tabs->addTab(m_findings, tr("Findings"));
    m_tabs->addTab(m_backends, tr("Backends"));
    for (int i = FlowsTab; i <= BackendsTab; ++i)
        m_tabs->setTabEnabled(i, false);
    m_splitter->addWidget(m_tabs);
    m_splitter->addWidget(m_packets);
    m_splitter->setStretchFactor(0, 1);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setObjectName(QStringLiteral("viewSplitter"));
    m_packets->setEnabled(false);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(m_header);
    layout->addWidget(m_banner);
    layout->addWidget(m_progressRow);
    layout->addWidget(m_splitter, 1);

    CaptureSelection *sel = document->selection();
    connect(m_timeline, &TimelinePlot::visibleRangeChanged, sel, &CaptureSelection::setRange);
    connect(sel, &CaptureSelection::rangeChanged, m_timeline, &TimelinePlot::setVisibleRange);
    connect(sel, &CaptureSelection::flowFilterChanged, this, [this] {
        // The Flows tab says when a backend narrows it.
        const auto &an = m_document->analysis();
        if (!an || !an->complete)
            return;
        const CaptureSelection *s = m_document->selection();
        m_tabs->setTabText(FlowsTab,
            s->hasFlowFilter() ? tr("Flows (%1 of %2)").arg(s->flowFilter().size()).arg(an->flows.size())
                               : tr("Flows (%1)").arg(an->flows.size()));
    });
    connect(document, &CaptureDocument::timelineUpdated, this, &CaptureView::onTimelineUpdated);
    connect(document, &CaptureDocument::loaded, this, &CaptureView::onLoaded);
    connect(document, &CaptureDocument::failed, this, &CaptureView::onFailed);
    connect(document, &CaptureDocument::progress, this, &CaptureView::onProgress);
    connect(document, &CaptureDocument::stateChanged, this, [this](CaptureDocument::State s) {
        const bool busy = s == CaptureDocument::State::Loading || s == CaptureDocument::State::TimelineReady;
        m_progressRow->setVisible(busy);
        if (s == CaptureDocument::State::Loading) {
            m_progress->setValue(0);
            m_progressText->setText(tr("Opening %1…").arg(m_document->inputs().join(QStringLiteral(", "))));
            m_banner->hide();
        } else if (s == CaptureDocument::State::TimelineReady) {
            m_progressText->setText(tr("Timeline ready; finishing flows, HTTP and findings…"));
        }
    });
    updateHeader();
}

void CaptureView::updateHeader()
{
    const QString context = m_document->captureContext();
    QString text = QStringLiteral("<b>%1</b>").arg(m_document->displayName().toHtmlEscaped());
    if (!context.isEmpty())
        text += QStringLiteral(" — ") + context.toHtmlEscaped();
    if (const auto &an = m_document->analysis(); an && an->packets) {
        const double secs = double(an->lastTsNs - an->firstTsNs) * 1e-9;
        text += tr(" — %1 packets, %2 flows, %3 s, %n file(s)", nullptr, int(an->files.size()))
                    .arg(an->packets)
                    .arg(an->complete ? QString::number(an->flows.size()) : tr("…"))
                    .arg(secs, 0, 'f', 1);
    }
    m_header->setText(text);
}

void CaptureView::onProgress(double fraction, double eta, const QString &message)
{
    if (fraction < 0) {
        m_progress->setRange(0, 0);
    } else {
        m_progress->setRange(0, 1000);
        m_progress->setValue(int(fraction * 1000));
    }
    QString text = message;
    if (eta >= 0)
        text += tr(" — about %1 s left").arg(eta, 0, 'f', eta < 10 ? 1 : 0);
    m_progressText->setText(text);
}

void CaptureView::onTimelineUpdated()
{
    const auto &an = m_document->analysis();
    if (!an)
        return;
    TimelineAdapter::apply(m_timeline, an);
    updateHeader();
}

void CaptureView::onLoaded()
{
    const auto &an = m_document->analysis();
    m_packets->setEnabled(true);
    for (int i = FlowsTab; i <= BackendsTab; ++i)
        m_tabs->setTabEnabled(i, true);
    m_flows->setAnalysis(an);
    m_latency->setAnalysis(an);
    m_findings->setAnalysis(an);
    m_packets->setAnalysis(an);
    m_backends->setAnalysis(an);
    m_tabs->setTabText(BackendsTab,
        !m_backends->hasBackends() ? tr("Backends") : tr("Backends (%1)").arg(an->backends.size()));
    m_tabs->setTabText(FlowsTab, tr("Flows (%1)").arg(an->flows.size()));
    m_tabs->setTabText(FindingsTab, tr("Findings (%1)").arg(an->findings.size()));
    const QStringList warnings = m_document->warnings();
    if (!warnings.isEmpty())
        m_banner->showMessage(MessageBanner::Level::Warning, warnings.join(QLatin1Char('\n')));
    updateHeader();
}

void CaptureView::onFailed(const QString &message)
{
    m_progressRow->hide();
    m_banner->showMessage(m_document->state() == CaptureDocument::State::Cancelled
            ? MessageBanner::Level::Info
            : MessageBanner::Level::Error,
        message);
}

QList<QPair<QString, PlotView *>> CaptureView::plots() const
{
    return {{tr("timeline"), m_timeline}, {tr("latency-scatter"), m_latency->scatter()},
        {tr("latency-distribution"), m_latency->distribution()}};
}

PlotView *CaptureView::currentPlot() const
{
    switch (m_tabs->currentIndex()) {
    case TimelineTab:
        return m_timeline;
    case LatencyTab:
        return m_latency->scatter();
    case BackendsTab:
        return m_backends->distribution();
    default:
        return nullptr;
    }
}

QString CaptureView::exportFlowsCsv(const QString &path) const
{
    // Every shown flow in the shown order, not only the window of them the table holds.
    const std::vector<int> rows = m_flows->proxy()->shownSourceRows();
    return CsvExport::write(m_flows->model(), path, &rows);
}

QString CaptureView::exportFindingsCsv(const QString &path) const
{
    return CsvExport::write(m_findings->table()->model(), path);
}

QString CaptureView::exportPackets(const QString &path, bool selectedOnly) const
{
    return m_packets->exportPcap(
        path, selectedOnly ? m_packets->selectedPositions() : m_packets->model()->shownPositions());
}

void CaptureView::renderAllViews()
{
    const int current = m_tabs->currentIndex();
    for (int i = 0; i < m_tabs->count(); ++i) {
        m_tabs->setCurrentIndex(i);
        m_tabs->currentWidget()->grab();
    }
    m_tabs->setCurrentIndex(current);
    m_packets->grab();
}

} // namespace lbs::ui
