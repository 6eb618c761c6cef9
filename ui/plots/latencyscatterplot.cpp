#include "latencyscatterplot.h"

#include "ui/plots/scatterthinning.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QLabel>
#include <QPainter>
#include <QPixmap>
#include <QToolBar>

#include <algorithm>
#include <cmath>

namespace lbs::ui {

namespace {
/// Groups with fewer points are drawn whole at every zoom: QCustomPlot draws them fast enough.
constexpr qsizetype kThinAbove = 50'000;
/// The finest thinned copy's grid; each next copy halves both sides.
constexpr int kFinestColumns = 2048;
constexpr int kFinestRows = 1024;
constexpr int kThinnedCopies = 4;
/// The largest cell, in pixels on screen, of a copy drawn instead of every point: its diagonal
/// (2.47 px) is less than the radius of a point's disc (5 px across), so the centre of every
/// point lies inside a drawn disc. QCustomPlot's own sampling of a scatter keeps about one point
/// per four pixels of value in each pixel column, so this is finer than what it draws anyway.
constexpr double kLargestCellPx = 1.75;
/// Diameter of a point's disc, in pixels.
constexpr double kDiscSize = 5;

/// A point's disc as QCustomPlot draws it (ssDisc: a 5 px disc with a 1 px outline), drawn once:
/// blitting it costs a tenth of drawing an antialiased ellipse per point (72,000 points: 7 ms
/// against 81).
QPixmap discPixmap(const QColor &color)
{
    QPixmap pixmap(7, 7);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(color);
    painter.setBrush(color);
    painter.drawEllipse(QPointF(3.5, 3.5), kDiscSize / 2, kDiscSize / 2);
    return pixmap;
}
} // namespace

/// A thinned copy of a group's points (ui/plots/scatterthinning.h).
struct ThinnedPoints {
    ScatterGrid grid;
    QSharedPointer<QCPGraphDataContainer> data;
    std::vector<uint32_t> toWhole; ///< index among the whole points of each of `data`'s
};

struct ScatterPoints {
    QSharedPointer<QCPGraphDataContainer> data;
    double lo = 0; ///< smallest and largest value, when there is a point
    double hi = 0;
    std::vector<ThinnedPoints> thinned; ///< finest first; none when the group is drawn whole
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
    connect(p, &QCustomPlot::beforeReplot, this, [this] { chooseDetail(); });
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
        if (g.keys.size() > kThinAbove) {
            const std::span<const double> keys(g.keys.constData(), size_t(g.keys.size()));
            const std::span<const double> values(g.values.constData(), size_t(g.values.size()));
            // Over the first view's extent (setGroups: half the smallest to twice the largest
            // value); each copy thins the finer one, whose points include every cell's first.
            const ScatterGrid finest = ScatterGrid::over(keys, values, kFinestColumns, kFinestRows, 2);
            for (int level = 0; level < kThinnedCopies; ++level) {
                ThinnedPoints copy;
                copy.grid = finest.coarser(1 << level);
                copy.toWhole = thinScatter(keys, values, copy.grid,
                    packed->thinned.empty() ? std::span<const uint32_t>() : packed->thinned.back().toWhole);
                QVector<QCPGraphData> thinned(qsizetype(copy.toWhole.size()));
                for (size_t i = 0; i < copy.toWhole.size(); ++i)
                    thinned[qsizetype(i)] = points[copy.toWhole[i]];
                copy.data = QSharedPointer<QCPGraphDataContainer>::create();
                copy.data->set(thinned, true);
                packed->thinned.push_back(std::move(copy));
            }
        }
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
    m_shownCopy.clear();
    m_groups = std::move(groups);
    double lo = 0, hi = 0;
    bool any = false;
    for (const ScatterGroup &g : m_groups) {
        auto *graph = p->addGraph();
        const ScatterPoints &points = *g.packed;
        graph->setName(tr("%1 (%2)").arg(g.name).arg(points.data->size()));
        graph->setLineStyle(QCPGraph::lsNone);
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
        m_shownCopy.push_back(-1);
    }
    m_pointStyleDpr = 0;
    applyPointStyle(false);
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
    for (const ScatterGroup &g : m_groups)
        n += g.packed->data->size();
    return n;
}

int LatencyScatterPlot::shownPointCount() const
{
    int n = 0;
    for (const QCPGraph *g : m_graphs)
        n += g->dataCount();
    return n;
}

QPointF LatencyScatterPlot::shownPoint(int group, int index) const
{
    if (group < 0 || group >= int(m_graphs.size()) || index < 0
        || index >= m_graphs[size_t(group)]->dataCount())
        return {};
    const QCPGraphData &point = *(m_graphs[size_t(group)]->data()->constBegin() + index);
    return {point.key, point.value};
}

void LatencyScatterPlot::applyPointStyle(bool vector)
{
    // QCustomPlot centres a pixmap by its size in device pixels, so a pixmap is used only where
    // those are the widget's pixels; exports get vector discs (and PNG exports are scaled).
    const double dpr = vector ? -1 : devicePixelRatioF();
    if (dpr == m_pointStyleDpr)
        return;
    m_pointStyleDpr = dpr;
    for (size_t g = 0; g < m_graphs.size(); ++g) {
        const QColor color = m_groups[g].color;
        m_graphs[g]->setScatterStyle(dpr == 1.0
                ? QCPScatterStyle(discPixmap(color))
                : QCPScatterStyle(QCPScatterStyle::ssDisc, color, color, kDiscSize));
    }
}

void LatencyScatterPlot::chooseDetail(bool wholeOnly)
{
    applyPointStyle(wholeOnly);
    const QCustomPlot *p = plot();
    // The plot's size bounds its axis rect's, which this redraw may still change.
    const double widthPx = std::max(1, p->width());
    const double heightPx = std::max(1, p->height());
    const QCPRange x = p->xAxis->range();
    const QCPRange y = p->yAxis->range();
    const double visibleLog = y.lower > 0 && y.upper > y.lower ? std::log(y.upper / y.lower) : 0;
    for (size_t g = 0; g < m_graphs.size(); ++g) {
        const ScatterPoints &points = *m_groups[g].packed;
        // The coarsest copy whose cells are small enough on screen, else every point.
        int copy = -1;
        for (int c = 0; !wholeOnly && x.size() > 0 && visibleLog > 0 && c < int(points.thinned.size()); ++c) {
            const ScatterGrid &grid = points.thinned[size_t(c)].grid;
            const double cellWidthPx = grid.keySpan / grid.columns * widthPx / x.size();
            const double cellHeightPx = grid.logSpan / grid.rows * heightPx / visibleLog;
            if (cellWidthPx <= kLargestCellPx && cellHeightPx <= kLargestCellPx)
                copy = c;
        }
        if (copy == m_shownCopy[g])
            continue;
        QCPGraph *graph = m_graphs[g];
        // The selected point stays selected when it is among the points shown next.
        const QCPDataSelection selection = graph->selection();
        int selected = selection.isEmpty() ? -1 : wholeIndex(g, selection.dataRange().begin());
        if (selected >= 0 && copy >= 0) {
            const std::vector<uint32_t> &map = points.thinned[size_t(copy)].toWhole;
            const auto it = std::lower_bound(map.begin(), map.end(), uint32_t(selected));
            selected = it != map.end() && *it == uint32_t(selected) ? int(it - map.begin()) : -1;
        }
        graph->setData(copy >= 0 ? points.thinned[size_t(copy)].data : points.data);
        m_shownCopy[g] = copy;
        graph->setSelection(
            selected >= 0 ? QCPDataSelection(QCPDataRange(selected, selected + 1)) : QCPDataSelection());
    }
}

void LatencyScatterPlot::prepareExport(bool starting)
{
    chooseDetail(starting);
}

int LatencyScatterPlot::wholeIndex(size_t group, int index) const
{
    const int copy = m_shownCopy[group];
    if (copy < 0)
        return index;
    const std::vector<uint32_t> &map = m_groups[group].packed->thinned[size_t(copy)].toWhole;
    return index >= 0 && size_t(index) < map.size() ? int(map[size_t(index)]) : -1;
}

void LatencyScatterPlot::clickPoint(int group, int index)
{
    if (group < 0 || group >= int(m_groups.size()))
        return;
    const ScatterGroup &g = m_groups[size_t(group)];
    index = wholeIndex(size_t(group), index);
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
