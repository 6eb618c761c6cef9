#include "packetpane.h"

#include "core/analysis/packetfilter.h"
#include "core/analysis/packetrowquery.h"
#include "core/analysis/pcapngexport.h"
#include "core/pcap/bpffilter.h"
#include "ui/jobs/jobrunner.h"
#include "ui/models/packettablemodel.h"
#include "ui/viewer/captureselection.h"
#include "ui/widgets/filterbar.h"
#include "ui/widgets/hexview.h"
#include "ui/widgets/packetdetailsview.h"
#include "ui/widgets/rowwindowscroller.h"

#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QScrollBar>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>
#include <limits>

namespace lbs::ui {

PacketPane::PacketPane(CaptureSelection *selection, QWidget *parent)
    : QWidget(parent), m_selection(selection), m_model(new PacketTableModel(this)), m_filter(new FilterBar),
      m_table(new QTableView), m_details(new PacketDetailsView), m_hex(new HexView),
      m_splitter(new QSplitter(Qt::Vertical)), m_status(new QLabel), m_runner(new JobRunner(this))
{
    m_table->setModel(m_model);
    // The window of rows the model gives Qt follows the scrolling; the scroller's bar covers every
    // shown packet.
    m_scroller = new RowWindowScroller(m_table, m_model, this);
    m_scroller->scrollBar()->setObjectName(QStringLiteral("packetListScrollBar"));
    m_table->setObjectName(QStringLiteral("packetTable"));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setWordWrap(false);
    m_table->setShowGrid(false);
    m_table->setAlternatingRowColors(true);
    m_table->setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    // Fixed row height: the view never asks every row for its size (millions of rows).
    QHeaderView *vh = m_table->verticalHeader();
    vh->hide();
    vh->setSectionResizeMode(QHeaderView::Fixed);
    vh->setDefaultSectionSize(fontMetrics().height() + 6);
    vh->setMinimumSectionSize(fontMetrics().height() + 2);
    QHeaderView *hh = m_table->horizontalHeader();
    hh->setStretchLastSection(true);
    hh->setHighlightSections(false);
    const int cw = fontMetrics().horizontalAdvance(QLatin1Char('0'));
    const int widths[] = {9, 14, 24, 24, 9, 7};
    for (int i = 0; i < 6; ++i)
        m_table->setColumnWidth(i, widths[i] * cw + 12);

    m_filter->setValidator([this](const QString &expr) -> QString {
        std::vector<int> linktypes;
        if (m_analysis)
            for (const auto &f : m_analysis->files)
                linktypes.push_back(f.linktype);
        if (linktypes.empty())
            linktypes.push_back(1);
        auto compiled = pcap::BpfFilter::compile(expr.toStdString(), linktypes);
        return compiled ? QString() : QString::fromStdString(compiled.error().message);
    });
    connect(m_filter, &FilterBar::filterApplied, this, &PacketPane::applyFilter);

    auto *bottom = new QSplitter(Qt::Horizontal);
    bottom->addWidget(m_details);
    bottom->addWidget(m_hex);
    bottom->setStretchFactor(0, 3);
    bottom->setStretchFactor(1, 2);
    auto *listBox = new QWidget;
    auto *listLayout = new QVBoxLayout(listBox);
    listLayout->setContentsMargins(0, 0, 0, 0);
    listLayout->setSpacing(2);
    listLayout->addWidget(m_filter);
    listLayout->addLayout(m_scroller->tableWithBar(), 1);
    listLayout->addWidget(m_status);
    m_splitter->addWidget(listBox);
    m_splitter->addWidget(bottom);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    m_splitter->setObjectName(QStringLiteral("packetSplitter"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_splitter);

    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
        [this](const QModelIndex &current) {
            const qint64 pos = m_model->positionAt(current.row());
            if (pos < 0)
                m_details->clearPacket();
            else
                m_details->showPacket(m_analysis, uint32_t(pos));
        });
    connect(m_details, &PacketDetailsView::bytesChanged, m_hex, &HexView::setBytes);

    connect(m_selection, &CaptureSelection::rangeChanged, this, &PacketPane::updateRows);
    connect(m_selection, &CaptureSelection::flowsChanged, this, &PacketPane::updateRows);
    connect(m_selection, &CaptureSelection::flowFilterChanged, this, &PacketPane::updateRows);
}

void PacketPane::setAnalysis(std::shared_ptr<const analysis::CaptureAnalysis> analysis)
{
    m_runner->cancel();
    m_analysis = std::move(analysis);
    m_bpfMatches.reset();
    m_bpfExpression.clear();
    m_model->setAnalysis(m_analysis);
    m_details->clearPacket();
    if (!m_filter->text().isEmpty())
        applyFilter(m_filter->text());
    else
        updateRows();
}

bool PacketPane::isUpdating() const
{
    return m_runner->isRunning();
}

void PacketPane::applyFilter(const QString &expression)
{
    if (!m_analysis)
        return;
    m_bpfExpression = expression.trimmed();
    m_bpfMatches.reset();
    if (m_bpfExpression.isEmpty()) {
        updateRows();
        return;
    }
    auto an = m_analysis;
    const std::string expr = m_bpfExpression.toStdString();
    // A heap-held result (not std::optional::emplace of a temporary Result): GCC 12 -O2 reports a
    // false free-nonheap-object for the optional's in-place move.
    auto out = std::make_shared<std::unique_ptr<Result<std::vector<uint32_t>>>>();
    m_status->setText(tr("Filtering %1 packets with '%2'…").arg(an->packetIndex.size()).arg(m_bpfExpression));
    m_runner->run(
        [an, expr, out](const JobContext &ctx) {
            *out = std::make_unique<Result<std::vector<uint32_t>>>(
                analysis::filterPacketIndex(an->files, an->packetIndex, expr, ctx.token()));
        },
        [this, out] {
            if (!*out || !(*out)->ok()) {
                const QString msg = *out ? QString::fromStdString((*out)->error().toString())
                                         : tr("The filter stopped without a result.");
                m_status->setText(msg);
                emit filterFailed(msg);
                return;
            }
            m_bpfMatches = std::make_shared<const std::vector<uint32_t>>(std::move(**out).value());
            updateRows();
        });
}

void PacketPane::updateRows()
{
    if (!m_analysis)
        return;
    auto an = m_analysis;
    auto bpf = m_bpfMatches;
    if (!m_bpfExpression.isEmpty() && !bpf)
        return; // the BPF job will call back
    const bool restricted = m_selection->isRestricted();
    const double start = restricted ? m_selection->start() : 1;
    const double end = restricted ? m_selection->end() : 0;
    // Selected flows inside the flow filter (a backend); without a selection, the filter's flows.
    std::vector<uint32_t> flows = m_selection->flows();
    if (m_selection->hasFlowFilter()) {
        std::erase_if(flows, [this](uint32_t f) { return !m_selection->passesFlowFilter(f); });
        if (flows.empty())
            flows = m_selection->flowFilter();
    }
    const bool none = m_selection->hasFlowFilter() && flows.empty(); // a backend no connection reached
    auto rows = std::make_shared<std::optional<std::vector<uint32_t>>>();
    m_runner->run(
        [an, bpf, start, end, flows, none, rows](const JobContext &ctx) {
            if (none) {
                *rows = std::vector<uint32_t> {};
                return;
            }
            analysis::PacketRowQuery q;
            q.bpfMatches = bpf.get();
            q.start = start;
            q.end = end;
            q.flows = flows;
            *rows = analysis::selectPacketRows(*an, q, ctx.token());
        },
        [this, rows] {
            const qint64 current = m_model->positionAt(m_table->currentIndex().row());
            if (*rows)
                m_model->setRows(std::make_shared<const std::vector<uint32_t>>(std::move(**rows)));
            else
                m_model->setRows(nullptr);
            // Keep the selected packet selected when it is still shown.
            // Otherwise select the first one, so the details and bytes panes are never empty.
            const int row = current >= 0 ? revealPosition(uint32_t(current)) : -1;
            if (row >= 0)
                m_scroller->selectOnly(row);
            else if (m_model->rowCount() > 0)
                m_scroller->selectOnly(0);
            showStatus();
            emit rowsUpdated(m_model->rowCount());
        });
}

void PacketPane::showStatus()
{
    const qsizetype total = m_analysis ? qsizetype(m_analysis->packetIndex.size()) : 0;
    QStringList why;
    if (!m_bpfExpression.isEmpty())
        why << tr("filter '%1'").arg(m_bpfExpression);
    if (m_selection->isRestricted())
        why << tr("time range");
    if (m_selection->hasFlowFilter())
        why << m_selection->flowFilterName();
    if (!m_selection->flows().empty())
        why << tr("%n selected flow(s)", nullptr, int(m_selection->flows().size()));
    if (why.isEmpty())
        m_status->setText(tr("%1 packets").arg(total));
    else
        m_status->setText(tr("Showing %1 of %2 packets (%3)")
                              .arg(m_model->rowCount())
                              .arg(total)
                              .arg(why.join(QStringLiteral(", "))));
}

QScrollBar *PacketPane::listScrollBar() const
{
    return m_scroller->scrollBar();
}

bool PacketPane::isWindowed() const
{
    return m_scroller->isWindowed();
}

void PacketPane::scrollToShown(size_t shownIndex)
{
    m_scroller->scrollToShown(shownIndex);
}

int PacketPane::revealPosition(uint32_t position)
{
    const qint64 shown = m_model->shownIndexOf(position);
    return shown < 0 ? -1 : m_scroller->reveal(size_t(shown));
}

std::vector<uint32_t> PacketPane::selectedPositions() const
{
    std::vector<uint32_t> out;
    for (const QModelIndex &i : m_table->selectionModel()->selectedRows()) {
        const qint64 p = m_model->positionAt(i.row());
        if (p >= 0)
            out.push_back(uint32_t(p));
    }
    std::sort(out.begin(), out.end());
    return out;
}

QString PacketPane::exportPcap(const QString &path, const std::vector<uint32_t> &positions) const
{
    if (!m_analysis)
        return tr("Nothing to export: the capture is not loaded yet.");
    if (positions.empty())
        return tr("Nothing to export: no packets are shown or selected.");
    // pcapng keeps the interface names and carries the findings as packet comments; pcap cannot.
    const Status st = path.endsWith(QLatin1String(".pcapng"), Qt::CaseInsensitive)
        ? analysis::exportPacketsPcapng(*m_analysis, positions, path.toStdString())
        : analysis::exportPackets(m_analysis->files, m_analysis->packetIndex, positions, path.toStdString());
    return st ? QString() : QString::fromStdString(st.error().toString());
}

} // namespace lbs::ui
