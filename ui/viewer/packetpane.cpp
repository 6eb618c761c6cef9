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

#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QKeyEvent>
#include <QLabel>
#include <QScrollBar>
#include <QSignalBlocker>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>
#include <limits>

namespace lbs::ui {

PacketPane::PacketPane(CaptureSelection *selection, QWidget *parent)
    : QWidget(parent), m_selection(selection), m_model(new PacketTableModel(this)), m_filter(new FilterBar),
      m_table(new QTableView), m_scroll(new QScrollBar(Qt::Vertical)), m_details(new PacketDetailsView),
      m_hex(new HexView), m_splitter(new QSplitter(Qt::Vertical)), m_status(new QLabel),
      m_runner(new JobRunner(this))
{
    m_table->setModel(m_model);
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
    auto *tableRow = new QHBoxLayout;
    tableRow->setContentsMargins(0, 0, 0, 0);
    tableRow->setSpacing(0);
    tableRow->addWidget(m_table, 1);
    tableRow->addWidget(m_scroll);
    listLayout->addLayout(tableRow, 1);
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

    // The window of rows the model gives Qt follows the scrolling; m_scroll covers every shown packet.
    m_scroll->setObjectName(QStringLiteral("packetListScrollBar"));
    m_scroll->hide();
    QScrollBar *inner = m_table->verticalScrollBar();
    connect(inner, &QScrollBar::valueChanged, this, &PacketPane::onTableScrolled);
    connect(inner, &QScrollBar::rangeChanged, this, &PacketPane::syncListScrollBar);
    connect(m_scroll, &QScrollBar::valueChanged, this, [this](int value) {
        if (!m_syncing)
            scrollToShown(size_t(value));
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, &PacketPane::syncListScrollBar);
    connect(m_model, &QAbstractItemModel::layoutChanged, this, &PacketPane::syncListScrollBar);
    m_table->installEventFilter(this);
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
                selectOnly(row);
            else if (m_model->rowCount() > 0)
                selectOnly(0);
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

void PacketPane::syncListScrollBar()
{
    const size_t shown = m_model->shownCount();
    const bool windowed = isWindowed();
    m_table->setVerticalScrollBarPolicy(windowed ? Qt::ScrollBarAlwaysOff : Qt::ScrollBarAsNeeded);
    m_scroll->setVisible(windowed);
    if (!windowed)
        return;
    const QScrollBar *inner = m_table->verticalScrollBar();
    const int page = std::max(1, inner->pageStep());
    const size_t last = shown > size_t(page) ? shown - size_t(page) : 0;
    const QSignalBlocker block(m_scroll);
    m_scroll->setPageStep(page);
    m_scroll->setSingleStep(std::max(1, inner->singleStep()));
    m_scroll->setRange(0, int(std::min(last, size_t(std::numeric_limits<int>::max()))));
    m_scroll->setValue(int(std::min(m_model->windowStart() + size_t(inner->value()), last)));
}

void PacketPane::onTableScrolled(int value)
{
    // The table scrolled inside the window: the same rule as any other scroll (near an edge of the
    // window, the window moves).
    if (!m_syncing)
        scrollToShown(m_model->windowStart() + size_t(value));
}

void PacketPane::centreWindowOn(size_t shownIndex)
{
    // The packet goes to the top row of a page in the middle of the window.
    const int page = std::max(1, m_table->verticalScrollBar()->pageStep());
    const size_t half = size_t(std::max(0, m_model->rowCount() - page)) / 2;
    m_syncing = true;
    m_model->moveWindow(shownIndex > half ? shownIndex - half : 0);
    m_table->verticalScrollBar()->setValue(int(shownIndex - m_model->windowStart()));
    m_syncing = false;
}

void PacketPane::scrollToShown(size_t shownIndex)
{
    const size_t shown = m_model->shownCount();
    if (shown == 0)
        return;
    shownIndex = std::min(shownIndex, shown - 1);
    const size_t start = m_model->windowStart();
    const size_t rows = size_t(m_model->rowCount());
    const size_t page = size_t(std::max(1, m_table->verticalScrollBar()->pageStep()));
    // Inside the window and, where the window can still move, a quarter of it away from its edges.
    const size_t low = start + (start > 0 ? rows / 4 : 0);
    const size_t high = start + rows - (start + rows < shown ? rows / 4 : 0);
    if (shownIndex < low || shownIndex + page > high) {
        centreWindowOn(shownIndex);
    } else {
        m_syncing = true;
        m_table->verticalScrollBar()->setValue(int(shownIndex - start));
        m_syncing = false;
    }
    syncListScrollBar();
}

void PacketPane::selectOnly(int row)
{
    // Not QTableView::selectRow, which reads the keyboard: with Ctrl held (Ctrl+End) it toggles.
    const QModelIndex index = m_model->index(row, 0);
    m_table->selectionModel()->setCurrentIndex(
        index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_table->scrollTo(index);
}

bool PacketPane::isWindowed() const
{
    return m_model->shownCount() > size_t(m_model->rowCount());
}

int PacketPane::revealPosition(uint32_t position)
{
    const qint64 shown = m_model->shownIndexOf(position);
    if (shown < 0)
        return -1;
    if (m_model->rowOf(position) < 0) {
        centreWindowOn(size_t(shown));
        syncListScrollBar();
    }
    return int(size_t(shown) - m_model->windowStart());
}

bool PacketPane::eventFilter(QObject *watched, QEvent *event)
{
    // Ctrl+Home and Ctrl+End go to the first and last shown packet, not to the window's.
    if (watched == m_table && event->type() == QEvent::KeyPress && isWindowed()) {
        auto *key = static_cast<QKeyEvent *>(event);
        const bool home = key->matches(QKeySequence::MoveToStartOfDocument);
        if (home || key->matches(QKeySequence::MoveToEndOfDocument)) {
            const size_t shown = m_model->shownCount();
            const qint64 pos = m_model->positionAtShown(home ? 0 : shown - 1);
            const int row = pos < 0 ? -1 : revealPosition(uint32_t(pos));
            if (row >= 0)
                selectOnly(row);
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
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
