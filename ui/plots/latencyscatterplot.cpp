#include "latencyscatterplot.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QLabel>
#include <QToolBar>

#include <algorithm>

namespace lbs::ui {

struct ScatterPoints {
    QSharedPointer<QCPGraphDataContainer> data;
    double lo = 0; ///< smallest and largest value, when there is a point
    double hi = 0;
};

LatencyScatterPlot::LatencyScatterPlot(QWidget *parent) : PlotView(parent), m_metric(new QComboBox)
{
    setWindowTitle(tr("Per-flow latency"));
    toolBar()->addWidget(new QLabel(tr(" Metric: ")));
    toolBar()->addWidget(m_metric);
    connect(m_metric, &QComboBox::currentIndexChanged, this, &LatencyScatterPlot::metricChanged);
    QCustomPlot *p = plot();
    p->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom | QCP::iSelectPlottables);
    p->axisRect()->setRangeDrag(Qt::Horizontal | Qt::Vertical);
    p->axisRect()->setRangeZoom(Qt::Horizontal | Qt::Vertical);
    p->xAxis->setLabel(tr("Flow start, seconds since capture start"));
    p->yAxis->setScaleType(QCPAxis::stLogarithmic);
    p->yAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTickerLog));
    p->yAxis->setNumberFormat(QStringLiteral("gb"));
    // The legend sits in a row of its own above the plot: inside the axis rect it hid the very
    // points that matter (failed handshakes plot at the top).
    p->legend->setVisible(true);
    p->axisRect()->insetLayout()->take(p->legend);
    p->plotLayout()->insertRow(0);
    p->plotLayout()->addElement(0, 0, p->legend);
    p->plotLayout()->setRowStretchFactor(0, 0.001);
    p->legend->setFillOrder(QCPLegend::foColumnsFirst);
    p->legend->setWrap(4);
    p->legend->setMargins(QMargins(4, 2, 4, 2));
    p->legend->setSelectableParts(QCPLegend::spNone);
    connect(p, &QCustomPlot::plottableClick, this, [this](QCPAbstractPlottable *plottable, int dataIndex) {
        for (size_t g = 0; g < m_graphs.size(); ++g)
            if (m_graphs[g] == plottable)
                clickPoint(int(g), dataIndex);
    });
    applyPalette();
}

void LatencyScatterPlot::setMetricNames(const QStringList &names)
{
    const QSignalBlocker block(m_metric);
    m_metric->clear();
    m_metric->addItems(names);
}

int LatencyScatterPlot::metric() const
{
    return std::max(0, m_metric->currentIndex());
}

void LatencyScatterPlot::setMetric(int index)
{
    m_metric->setCurrentIndex(index);
}

void LatencyScatterPlot::sortByKey(std::vector<ScatterGroup> &groups)
{
    for (ScatterGroup &g : groups) {
        if (std::is_sorted(g.keys.begin(), g.keys.end())
            && std::all_of(g.values.begin(), g.values.end(), [](double v) { return v > 0; }))
            continue;
        std::vector<int> order(size_t(g.keys.size()));
        for (size_t i = 0; i < order.size(); ++i)
            order[i] = int(i);
        std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return g.keys[a] < g.keys[b]; });
        QVector<double> k, v;
        std::vector<uint32_t> ids;
        for (int i : order) {
            if (!(g.values[i] > 0))
                continue;
            k << g.keys[i];
            v << g.values[i];
            ids.push_back(g.flowIds[size_t(i)]);
        }
        g.keys = std::move(k);
        g.values = std::move(v);
        g.flowIds = std::move(ids);
    }
}

void LatencyScatterPlot::pack(std::vector<ScatterGroup> &groups)
{
    sortByKey(groups); // QCustomPlot keeps points by key: the flow ids stay aligned with them
    for (ScatterGroup &g : groups) {
        if (g.packed)
            continue;
        QVector<QCPGraphData> points(g.keys.size());
        for (qsizetype i = 0; i < g.keys.size(); ++i)
            points[i] = QCPGraphData(g.keys[i], g.values[i]);
        auto packed = std::make_shared<ScatterPoints>();
        if (!g.values.isEmpty()) {
            const auto [minIt, maxIt] = std::minmax_element(g.values.begin(), g.values.end());
            packed->lo = *minIt;
            packed->hi = *maxIt;
        }
        packed->data = QSharedPointer<QCPGraphDataContainer>::create();
        packed->data->set(points, true);
        g.packed = std::move(packed);
        // The graph holds the points now; the flow ids stay, to name the flow of a clicked point.
        g.keys = {};
        g.values = {};
    }
}

void LatencyScatterPlot::setGroups(std::vector<ScatterGroup> groups, const QString &valueLabel, double length)
{
    pack(groups);
    QCustomPlot *p = plot();
    p->clearGraphs();
    m_graphs.clear();
    m_groups = std::move(groups);
    double lo = 0, hi = 0;
    bool any = false;
    for (const ScatterGroup &g : m_groups) {
        auto *graph = p->addGraph();
        const ScatterPoints &points = *g.packed;
        graph->setName(tr("%1 (%2)").arg(g.name).arg(points.data->size()));
        graph->setLineStyle(QCPGraph::lsNone);
        graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, g.color, g.color, 5));
        graph->setPen(QPen(g.color));
        graph->setSelectable(QCP::stSingleData);
        QCPSelectionDecorator *dec = graph->selectionDecorator();
        dec->setScatterStyle(
            QCPScatterStyle(QCPScatterStyle::ssCircle, palette().color(QPalette::Text), Qt::transparent, 11),
            QCPScatterStyle::spAll);
        if (!points.data->isEmpty()) {
            lo = any ? std::min(lo, points.lo) : points.lo;
            hi = any ? std::max(hi, points.hi) : points.hi;
            any = true;
        }
        graph->setData(points.data); // shared: the points are not copied here
        m_graphs.push_back(graph);
    }
    p->yAxis->setLabel(valueLabel);
    p->xAxis->setRange(0, std::max(length, 1e-3));
    if (any)
        p->yAxis->setRange(lo / 2, hi * 2);
    else
        p->yAxis->setRange(0.1, 1000);
    applyPalette();
}

int LatencyScatterPlot::pointCount() const
{
    int n = 0;
    for (const QCPGraph *g : m_graphs)
        n += g->dataCount();
    return n;
}

void LatencyScatterPlot::clickPoint(int group, int index)
{
    if (group < 0 || group >= int(m_groups.size()))
        return;
    const ScatterGroup &g = m_groups[size_t(group)];
    if (index < 0 || index >= int(g.flowIds.size()))
        return;
    emit flowClicked(g.flowIds[size_t(index)]);
}

void LatencyScatterPlot::setVisibleRange(double relStart, double relEnd)
{
    plot()->xAxis->setRange(relStart, std::max(relEnd, relStart + 1e-6));
    plot()->replot(QCustomPlot::rpQueuedReplot);
}

} // namespace lbs::ui
