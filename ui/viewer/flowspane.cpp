#include "flowspane.h"

#include "core/analysis/flowladder.h"
#include "ui/jobs/jobrunner.h"
#include "ui/models/flowfilterproxy.h"
#include "ui/models/flowtablemodel.h"
#include "ui/viewer/captureselection.h"
#include "ui/widgets/ladderwidget.h"
#include "ui/widgets/rowtable.h"
#include "ui/widgets/rowwindowscroller.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QScrollArea>
#include <QScrollBar>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace lbs::ui {

FlowsPane::FlowsPane(CaptureSelection *selection, QWidget *parent)
    : QWidget(parent), m_selection(selection), m_model(new FlowTableModel(this)),
      m_proxy(new FlowFilterProxy(this)), m_table(new QTableView), m_text(new QLineEdit),
      m_outcome(new QComboBox), m_ladder(new LadderWidget), m_splitter(new QSplitter(Qt::Horizontal)),
      m_runner(new JobRunner(this))
{
    m_proxy->setSourceModel(m_model);
    m_table->setModel(m_proxy);
    m_table->setObjectName(QStringLiteral("flowTable"));
    setUpRowTable(m_table);
    // Qt sees a window of the shown flows; the scroller's bar covers all of them.
    m_scroller = new RowWindowScroller(m_table, m_proxy, this);
    m_scroller->scrollBar()->setObjectName(QStringLiteral("flowListScrollBar"));
    m_table->sortByColumn(FlowTableModel::Id, Qt::AscendingOrder);
    const int cw = fontMetrics().horizontalAdvance(QLatin1Char('0'));
    const int widths[] = {5, 21, 21, 5, 16, 8, 10, 10, 10, 10, 8, 9, 6, 9};
    for (int i = 0; i < int(std::size(widths)); ++i) {
        const int header = fontMetrics().horizontalAdvance(m_model->headerData(i, Qt::Horizontal).toString());
        m_table->setColumnWidth(i, std::max(widths[i] * cw, header + 24) + 14); // room for the sort arrow
    }

    m_text->setPlaceholderText(tr("Filter flows: address, port, outcome…"));
    m_text->setClearButtonEnabled(true);
    m_outcome->addItem(tr("Any outcome"), -1);
    for (auto o : {analysis::FlowOutcome::Complete, analysis::FlowOutcome::Reset,
             analysis::FlowOutcome::FailedHandshake, analysis::FlowOutcome::Incomplete})
        m_outcome->addItem(QString::fromLatin1(analysis::outcomeName(o)), int(o));
    connect(m_text, &QLineEdit::textChanged, m_proxy, &FlowFilterProxy::setText);
    connect(m_outcome, &QComboBox::currentIndexChanged, this,
        [this] { m_proxy->setOutcome(m_outcome->currentData().toInt()); });

    auto *left = new QWidget;
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    // Filtering or sorting millions of flows takes seconds in a job: say so while the old rows stay.
    auto *busy = new QLabel;
    busy->setObjectName(QStringLiteral("flowRowsBusy"));
    busy->hide();
    connect(m_proxy, &FlowFilterProxy::updatingChanged, busy, [this, busy](bool updating) {
        if (updating)
            busy->setText(tr("Sorting and filtering %L1 flows…").arg(m_model->rowCount()));
        busy->setVisible(updating);
    });
    auto *row = new QHBoxLayout;
    row->addWidget(m_text, 1);
    row->addWidget(busy);
    row->addWidget(new QLabel(tr("Outcome:")));
    row->addWidget(m_outcome);
    leftLayout->addLayout(row);
    leftLayout->addLayout(m_scroller->tableWithBar(), 1);
    auto *scroll = new QScrollArea;
    scroll->setWidget(m_ladder);
    scroll->setWidgetResizable(true);
    m_splitter->addWidget(left);
    m_splitter->addWidget(scroll);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    m_splitter->setObjectName(QStringLiteral("flowsSplitter"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_splitter);

    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
        &FlowsPane::onSelectionChanged);
    connect(m_selection, &CaptureSelection::flowsChanged, this, &FlowsPane::syncFromSelection);
    connect(m_selection, &CaptureSelection::flowFilterChanged, this,
        [this] { m_proxy->setFlowSet(m_selection->hasFlowFilter(), m_selection->flowFilter()); });
    // The rows were replaced (filtered, sorted, a new analysis): select the selected flows again.
    connect(m_proxy, &FlowFilterProxy::rowsUpdated, this, &FlowsPane::reselect);
    connect(m_selection, &CaptureSelection::rangeChanged, this, [this](double s, double e) {
        if (m_selection->isRestricted())
            m_proxy->setTimeRange(s, e);
        else
            m_proxy->setTimeRange(1, 0);
    });
}

void FlowsPane::setAnalysis(std::shared_ptr<const analysis::CaptureAnalysis> analysis)
{
    m_analysis = std::move(analysis);
    m_model->setAnalysis(m_analysis);
    m_ladder->clear();
}

bool FlowsPane::isLadderLoading() const
{
    return m_runner->isRunning();
}

bool FlowsPane::isUpdatingRows() const
{
    return m_proxy->isUpdating();
}

void FlowsPane::onSelectionChanged()
{
    if (m_syncing)
        return;
    std::vector<uint32_t> ids;
    for (const QModelIndex &i : m_table->selectionModel()->selectedRows())
        ids.push_back(i.data(FlowTableModel::FlowIdRole).toUInt());
    m_syncing = true;
    m_selection->setFlows(ids);
    m_syncing = false;
    const QModelIndex cur = m_table->currentIndex();
    if (cur.isValid() && m_table->selectionModel()->isRowSelected(cur.row(), {}))
        showLadder(cur.data(FlowTableModel::FlowIdRole).toUInt());
    else if (!ids.empty())
        showLadder(ids.front());
    else
        m_ladder->clear();
}

void FlowsPane::syncFromSelection()
{
    if (m_syncing)
        return;
    // Another view (finding, scatter point) chose the flows: select them here.
    reselect();
    if (!m_selection->flows().empty())
        showLadder(m_selection->flows().front());
    else
        m_ladder->clear();
}

void FlowsPane::reselect()
{
    if (m_syncing)
        return;
    m_syncing = true;
    // The first selected flow that is shown comes into the window (among millions of flows it
    // may lie outside it); those selected outside the window stay selected, not highlighted.
    for (uint32_t id : m_selection->flows()) {
        if (const qint64 shown = m_proxy->shownIndexOfSource(int(id)); shown >= 0) {
            m_scroller->reveal(size_t(shown));
            break;
        }
    }
    QItemSelection sel;
    QModelIndex first;
    for (uint32_t id : m_selection->flows()) {
        if (id >= uint32_t(m_model->rowCount()))
            continue;
        const QModelIndex p = m_proxy->mapFromSource(m_model->index(int(id), 0));
        if (!p.isValid())
            continue;
        sel.select(p, p.siblingAtColumn(FlowTableModel::ColumnCount - 1));
        if (!first.isValid())
            first = p;
    }
    m_table->selectionModel()->select(sel, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    if (first.isValid()) {
        m_table->selectionModel()->setCurrentIndex(first, QItemSelectionModel::NoUpdate);
        m_table->scrollTo(first);
    }
    m_syncing = false;
}

void FlowsPane::showLadder(uint32_t flowId)
{
    if (!m_analysis || flowId >= m_analysis->flows.size())
        return;
    auto an = m_analysis;
    auto out = std::make_shared<analysis::FlowLadder>();
    m_runner->run(
        [an, flowId, out](const JobContext &ctx) {
            *out = analysis::buildFlowLadder(*an, flowId, LadderWidget::maxSteps(), ctx.token());
        },
        [this, an, out] {
            std::vector<LadderStep> steps;
            steps.reserve(out->steps.size());
            for (const analysis::LadderStep &s : out->steps)
                steps.push_back({s.ts, s.fromClient, QString::fromStdString(s.label), s.problem, s.leg,
                    s.inNodeNs >= 0 ? double(s.inNodeNs) * 1e-9 : -1});
            const analysis::Flow &front = an->flows[out->front];
            const analysis::Flow &back = an->flows[out->back];
            if (out->bothLegs)
                m_ladder->setConnection(QString::fromStdString(front.client.toString()),
                    QString::fromStdString(front.server.toString()),
                    QString::fromStdString(back.server.toString()), std::move(steps), out->omitted);
            else
                m_ladder->setFlow(QString::fromStdString(front.client.toString()),
                    QString::fromStdString(front.server.toString()), std::move(steps), out->omitted);
            emit ladderReady();
        });
}

} // namespace lbs::ui
