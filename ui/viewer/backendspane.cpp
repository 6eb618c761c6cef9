#include "backendspane.h"

#include "core/analysis/backends.h"
#include "ui/models/backendtablemodel.h"
#include "ui/plots/latencydistributionplot.h"
#include "ui/plots/plotview.h"
#include "ui/viewer/captureselection.h"
#include "ui/viewer/latencydistribution.h"
#include "ui/widgets/rowtable.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace lbs::ui {

BackendsPane::BackendsPane(CaptureSelection *selection, QWidget *parent)
    : QWidget(parent), m_selection(selection), m_model(new BackendTableModel(this)),
      m_proxy(new QSortFilterProxyModel(this)), m_stack(new QStackedWidget), m_empty(new QLabel),
      m_table(new QTableView), m_status(new QLabel), m_clear(new QPushButton(tr("Show all backends"))),
      m_metric(new QComboBox), m_distribution(new LatencyDistributionPlot),
      m_splitter(new QSplitter(Qt::Vertical))
{
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(BackendTableModel::SortRole);
    m_table->setModel(m_proxy);
    m_table->setObjectName(QStringLiteral("backendTable"));
    setUpRowTable(m_table);
    m_table->sortByColumn(BackendTableModel::Pod, Qt::AscendingOrder);

    m_empty->setObjectName(QStringLiteral("backendsEmpty"));
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setText(tr("One-side capture: no backends to tell apart.\nA capture with --service sees both "
                        "sides of the load balancer (the VIP and the pods), and this tab then lists every "
                        "backend pod with its connections, errors and latencies."));

    m_status->setWordWrap(true);
    m_status->setText(tr("Choose a backend to show only its connections in every view."));
    m_clear->setEnabled(false);
    connect(m_clear, &QPushButton::clicked, this, [this] { m_table->clearSelection(); });
    m_metric->addItem(tr("Handshake RTT"), HandshakeRtt);
    m_metric->addItem(tr("Time to first byte"), Ttfb);
    m_metric->addItem(tr("Response time"), ResponseTime);
    m_metric->setCurrentIndex(Ttfb);
    connect(m_metric, &QComboBox::currentIndexChanged, this, &BackendsPane::rebuildDistribution);

    auto *top = new QWidget;
    auto *topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    auto *row = new QHBoxLayout;
    row->addWidget(m_status, 1);
    row->addWidget(m_clear);
    row->addWidget(new QLabel(tr("Distribution of:")));
    row->addWidget(m_metric);
    topLayout->addLayout(row);
    topLayout->addWidget(m_table, 1);
    m_splitter->addWidget(top);
    m_splitter->addWidget(m_distribution);
    m_splitter->setStretchFactor(0, 1);
    m_splitter->setStretchFactor(1, 2);
    m_splitter->setObjectName(QStringLiteral("backendsSplitter"));
    m_stack->addWidget(m_empty);
    m_stack->addWidget(m_splitter);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_stack);

    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
        &BackendsPane::onRowsSelected);
    connect(m_selection, &CaptureSelection::flowFilterChanged, this, &BackendsPane::syncFromFilter);
}

bool BackendsPane::hasBackends() const
{
    // A one-side capture without an endpoint map lists its servers as backends, but those are the
    // VIP (or whatever the client talked to): nothing to tell apart.
    return m_analysis && !m_analysis->backends.empty()
        && (!m_analysis->connections.empty() || !m_analysis->endpoints.empty());
}

void BackendsPane::setAnalysis(std::shared_ptr<const analysis::CaptureAnalysis> analysis)
{
    m_analysis = std::move(analysis);
    m_model->setAnalysis(hasBackends() ? m_analysis : nullptr);
    m_stack->setCurrentIndex(hasBackends() ? 1 : 0);
    QList<QColor> colors;
    for (size_t i = 0; hasBackends() && i < m_analysis->backends.size(); ++i)
        colors << PlotView::seriesColor(int(i)); // the order setComparison() draws them in
    m_model->setColors(std::move(colors));
    if (hasBackends()) {
        m_table->resizeColumnsToContents();
        for (int c = 0; c < BackendTableModel::ColumnCount; ++c) // room for the sort arrow
            m_table->setColumnWidth(c, m_table->columnWidth(c) + 12);
    }
    rebuildDistribution();
}

void BackendsPane::setMetric(Metric metric)
{
    m_metric->setCurrentIndex(int(metric));
}

std::vector<uint32_t> BackendsPane::backendFlows(const analysis::CaptureAnalysis &a, size_t index)
{
    std::vector<uint32_t> out;
    if (index >= a.backends.size())
        return out;
    for (uint32_t id : a.backends[index].flows) {
        if (id >= a.flows.size())
            continue;
        out.push_back(id);
        const int32_t c = a.flows[id].connection;
        if (c < 0 || size_t(c) >= a.connections.size())
            continue;
        const analysis::NatConnection &conn = a.connections[size_t(c)];
        out.insert(out.end(), conn.legs, conn.legs + conn.legCount);
    }
    return out;
}

void BackendsPane::onRowsSelected()
{
    if (m_syncing || !m_analysis)
        return;
    std::vector<uint32_t> flows;
    QStringList names;
    for (const QModelIndex &i : m_table->selectionModel()->selectedRows()) {
        const int b = i.data(BackendTableModel::BackendRole).toInt();
        const std::vector<uint32_t> f = backendFlows(*m_analysis, size_t(b));
        flows.insert(flows.end(), f.begin(), f.end());
        names << QString::fromStdString(m_analysis->backends[size_t(b)].label());
    }
    m_syncing = true;
    if (names.isEmpty())
        m_selection->clearFlowFilter();
    else
        m_selection->setFlowFilter(
            names.size() == 1 ? names.front() : tr("%n backends", nullptr, int(names.size())),
            std::move(flows));
    m_syncing = false;
    syncFromFilter();
}

void BackendsPane::syncFromFilter()
{
    m_clear->setEnabled(m_selection->hasFlowFilter());
    if (m_selection->hasFlowFilter())
        m_status->setText(tr("Every view shows only %1 (%n flow(s), all legs).", nullptr,
            int(m_selection->flowFilter().size()))
                              .arg(m_selection->flowFilterName()));
    else
        m_status->setText(tr("Choose a backend to show only its connections in every view."));
    if (!m_syncing && !m_selection->hasFlowFilter() && m_table->selectionModel()->hasSelection()) {
        // The filter was cleared elsewhere: drop the table's choice too.
        m_syncing = true;
        m_table->clearSelection();
        m_syncing = false;
    }
}

void BackendsPane::rebuildDistribution()
{
    if (!hasBackends())
        return;
    const analysis::CaptureAnalysis &an = *m_analysis;
    const auto metric = Metric(m_metric->currentData().toInt());
    std::vector<std::pair<QString, LatencyDistribution>> series;
    for (const analysis::Backend &b : an.backends) {
        std::vector<double> values;
        for (uint32_t id : b.flows) {
            if (id >= an.flows.size())
                continue;
            const analysis::Flow &f = analysis::backendFlow(an, an.flows[id]);
            if (metric == HandshakeRtt) {
                if (f.handshakeRttNs)
                    values.push_back(double(*f.handshakeRttNs) / 1e6);
                continue;
            }
            for (const analysis::HttpRequest &r : f.requests) {
                const auto &v = metric == Ttfb ? r.ttfbNs : r.responseNs;
                if (v)
                    values.push_back(double(*v) / 1e6);
            }
        }
        series.emplace_back(QString::fromStdString(b.pod.empty() ? b.endpoint.toString() : b.pod),
            LatencyDistribution::compute(std::move(values)));
    }
    m_distribution->setComparison(series, m_metric->currentText());
}

} // namespace lbs::ui
