#include "timelineplot.h"

#include <qcustomplot.h>

#include <QAction>
#include <QPainter>
#include <QTimer>
#include <QToolBar>

#include <algorithm>
#include <cmath>

namespace lbs::ui {

namespace {
QIcon swatch(const QColor &c)
{
    QPixmap pm(12, 12);
    pm.fill(c);
    return QIcon(pm);
}
} // namespace

TimelinePlot::TimelinePlot(QWidget *parent)
    : PlotView(parent), m_refetch(new QTimer(this)), m_notify(new QTimer(this)), m_selectMode(nullptr)
{
    setWindowTitle(tr("Timeline"));
    QCustomPlot *p = plot();
    p->plotLayout()->clear();
    auto *margins = new QCPMarginGroup(p);
    const QString titles[] = {tr("Traffic"), tr("Events per second"), tr("Time to first byte")};
    for (int i = 0; i < 3; ++i) {
        auto *rect = new QCPAxisRect(p);
        rect->setMarginGroup(QCP::msLeft | QCP::msRight, margins);
        rect->setRangeDrag(Qt::Horizontal);
        rect->setRangeZoom(Qt::Horizontal);
        rect->axis(QCPAxis::atBottom)->setTickLabels(i == 2);
        rect->axis(QCPAxis::atRight)->setVisible(i == 0);
        p->plotLayout()->addElement(i, 0, rect);
        m_rects.push_back(rect);
        connect(rect->axis(QCPAxis::atBottom), qOverload<const QCPRange &>(&QCPAxis::rangeChanged), this,
            [this, rect](const QCPRange &range) {
                if (m_syncing)
                    return;
                m_syncing = true;
                for (QCPAxisRect *other : m_rects)
                    if (other != rect)
                        other->axis(QCPAxis::atBottom)->setRange(range);
                m_syncing = false;
                onAxisRangeChanged();
            });
        rect->axis(QCPAxis::atLeft)->setLabel(titles[i]);
    }
    m_rects[2]->axis(QCPAxis::atBottom)->setLabel(tr("Time since capture start (s)"));
    auto *logTicker = new QCPAxisTickerLog;
    m_rects[2]->axis(QCPAxis::atLeft)->setScaleType(QCPAxis::stLogarithmic);
    m_rects[2]->axis(QCPAxis::atLeft)->setTicker(QSharedPointer<QCPAxisTicker>(logTicker));
    m_rects[2]->axis(QCPAxis::atLeft)->setNumberFormat(QStringLiteral("gb"));
    p->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    p->setSelectionRectMode(QCP::srmNone);
    p->selectionRect()->setBrush(QColor(100, 150, 255, 60));
    // Shift+drag selects a range even outside the "Select range" mode.
    connect(p, &QCustomPlot::mousePress, this, [this](QMouseEvent *event) {
        const bool select = m_selectMode->isChecked() || (event->modifiers() & Qt::ShiftModifier);
        plot()->setSelectionRectMode(select ? QCP::srmZoom : QCP::srmNone);
    });

    m_refetch->setSingleShot(true);
    m_refetch->setInterval(30);
    connect(m_refetch, &QTimer::timeout, this, &TimelinePlot::refetch);
    m_notify->setSingleShot(true);
    m_notify->setInterval(200);
    connect(
        m_notify, &QTimer::timeout, this, [this] { emit visibleRangeChanged(visibleStart(), visibleEnd()); });

    m_selectMode = toolBar()->addAction(tr("Select range"));
    m_selectMode->setCheckable(true);
    m_selectMode->setToolTip(tr("Drag to select a time range (or hold Shift while dragging)"));
    toolBar()->addAction(tr("Reset zoom"), this, &TimelinePlot::resetZoom);
    toolBar()->addSeparator();
    applyPalette();
}

QCPAxisRect *TimelinePlot::panelRect(TimelineSeriesSpec::Panel panel) const
{
    switch (panel) {
    case TimelineSeriesSpec::Traffic:
    case TimelineSeriesSpec::TrafficRight:
        return m_rects[0];
    case TimelineSeriesSpec::Events:
        return m_rects[1];
    case TimelineSeriesSpec::Latency:
        return m_rects[2];
    }
    return m_rects[0];
}

void TimelinePlot::setSource(std::vector<TimelineSeriesSpec> specs, double origin, double length, Fetch fetch)
{
    // A new snapshot while loading keeps what the user chose: the zoomed range (in absolute time)
    // and which series are hidden. Only an unzoomed view follows the growing capture.
    const bool keepRange = m_userZoomed && m_fetch;
    const double keepStart = visibleStart(), keepEnd = visibleEnd();
    for (TimelineSeriesSpec &spec : specs)
        for (const TimelineSeriesSpec &old : m_specs)
            if (old.name == spec.name)
                spec.visible = old.visible;
    // Each snapshot of a loading capture comes with the same series: their graphs and toolbar
    // buttons stay (rebuilding them relaid the toolbar on every snapshot).
    const bool sameSeries = std::equal(specs.begin(), specs.end(), m_specs.begin(), m_specs.end(),
        [](const TimelineSeriesSpec &a, const TimelineSeriesSpec &b) {
            return a.name == b.name && a.unit == b.unit && a.panel == b.panel;
        });
    m_fetch = std::move(fetch);
    m_origin = origin;
    m_length = std::max(length, 1e-3);
    if (!sameSeries)
        rebuildSeries(std::move(specs));
    double lo = 0, hi = m_length;
    if (keepRange) {
        lo = std::clamp(keepStart - m_origin, 0.0, m_length);
        hi = std::clamp(keepEnd - m_origin, lo, m_length);
        if (hi - lo < 1e-6) {
            lo = 0;
            hi = m_length;
        }
    }
    m_syncing = true;
    for (QCPAxisRect *rect : m_rects)
        rect->axis(QCPAxis::atBottom)->setRange(lo, hi);
    m_syncing = false;
    refetch();
}

void TimelinePlot::rebuildSeries(std::vector<TimelineSeriesSpec> specs)
{
    QCustomPlot *p = plot();
    p->clearGraphs();
    for (QAction *a : m_toggles)
        delete a;
    m_toggles.clear();
    m_graphs.clear();
    m_specs = std::move(specs);
    QString leftUnit, rightUnit, eventUnit, latencyUnit;
    for (size_t i = 0; i < m_specs.size(); ++i) {
        const TimelineSeriesSpec &s = m_specs[i];
        QCPAxisRect *rect = panelRect(s.panel);
        QCPAxis *valueAxis
            = rect->axis(s.panel == TimelineSeriesSpec::TrafficRight ? QCPAxis::atRight : QCPAxis::atLeft);
        auto *g = p->addGraph(rect->axis(QCPAxis::atBottom), valueAxis);
        const QColor c = seriesColor(int(i));
        g->setPen(QPen(c, 1.5));
        g->setName(s.name);
        g->setLineStyle(s.panel == TimelineSeriesSpec::Latency ? QCPGraph::lsLine : QCPGraph::lsStepCenter);
        g->setAdaptiveSampling(true);
        g->setVisible(s.visible);
        m_graphs.push_back(g);
        auto *toggle = toolBar()->addAction(swatch(c), s.name);
        toggle->setCheckable(true);
        toggle->setChecked(s.visible);
        toggle->setToolTip(tr("Show or hide %1 (%2)").arg(s.name, s.unit));
        connect(toggle, &QAction::toggled, this, [this, i](bool on) { setSeriesVisible(int(i), on); });
        m_toggles.push_back(toggle);
        switch (s.panel) {
        case TimelineSeriesSpec::Traffic:
            leftUnit = s.unit;
            break;
        case TimelineSeriesSpec::TrafficRight:
            rightUnit = s.unit;
            break;
        case TimelineSeriesSpec::Events:
            eventUnit = s.unit;
            break;
        case TimelineSeriesSpec::Latency:
            latencyUnit = s.unit;
            break;
        }
    }
    toolBar()->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_rects[0]->axis(QCPAxis::atLeft)->setLabel(leftUnit);
    m_rects[0]->axis(QCPAxis::atRight)->setLabel(rightUnit);
    m_rects[0]->axis(QCPAxis::atRight)->setVisible(!rightUnit.isEmpty());
    m_rects[1]->axis(QCPAxis::atLeft)->setLabel(eventUnit);
    m_rects[2]->axis(QCPAxis::atLeft)->setLabel(latencyUnit);
    applyPalette();
}

void TimelinePlot::setMarkers(const std::vector<TimeMarker> &markers)
{
    QCustomPlot *p = plot();
    for (int i = p->itemCount() - 1; i >= 0; --i)
        p->removeItem(i);
    for (const TimeMarker &m : markers) {
        QColor c = m.severity >= 2 ? QColor(220, 50, 50)
            : m.severity == 1      ? QColor(230, 160, 0)
                                   : QColor(90, 140, 230);
        const double width = std::max(m.end - m.start, m_length / 400);
        // Every finding gets a solid strip along the top of each panel; short ones (a spike) also
        // tint the whole panel height. Long ones would drown the data, so they do not.
        const bool shortSpan = width < m_length * 0.2;
        for (QCPAxisRect *rect : m_rects) {
            for (int layer = 0; layer < (shortSpan ? 2 : 1); ++layer) {
                auto *span = new QCPItemRect(p);
                span->setClipAxisRect(rect);
                for (QCPItemPosition *pos : {span->topLeft, span->bottomRight}) {
                    pos->setAxes(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
                    pos->setAxisRect(rect);
                    pos->setTypeY(QCPItemPosition::ptAxisRectRatio);
                }
                span->topLeft->setCoords(m.start - m_origin, 0);
                span->bottomRight->setCoords(m.start - m_origin + width, layer == 0 ? 0.06 : 1);
                QColor fill = c;
                fill.setAlpha(layer == 0 ? 170 : 35);
                span->setBrush(fill);
                span->setPen(Qt::NoPen);
                span->setSelectable(false);
            }
        }
    }
    p->replot(QCustomPlot::rpQueuedReplot);
}

void TimelinePlot::setSeriesVisible(int index, bool visible)
{
    if (index < 0 || index >= int(m_graphs.size()))
        return;
    m_specs[size_t(index)].visible = visible;
    m_graphs[size_t(index)]->setVisible(visible);
    if (m_toggles[size_t(index)]->isChecked() != visible)
        m_toggles[size_t(index)]->setChecked(visible);
    refetch();
}

bool TimelinePlot::isSeriesVisible(int index) const
{
    return index >= 0 && index < int(m_specs.size()) && m_specs[size_t(index)].visible;
}

double TimelinePlot::visibleStart() const
{
    return m_origin + m_rects[0]->axis(QCPAxis::atBottom)->range().lower;
}

double TimelinePlot::visibleEnd() const
{
    return m_origin + m_rects[0]->axis(QCPAxis::atBottom)->range().upper;
}

int TimelinePlot::pointCount(int index) const
{
    if (index < 0 || index >= int(m_graphs.size()))
        return 0;
    return m_graphs[size_t(index)]->dataCount();
}

void TimelinePlot::setVisibleRange(double absStart, double absEnd)
{
    const double lo = absStart - m_origin;
    const double hi = std::max(absEnd - m_origin, lo + 1e-6);
    const QCPRange cur = m_rects[0]->axis(QCPAxis::atBottom)->range();
    if (std::abs(cur.lower - lo) < 1e-9 && std::abs(cur.upper - hi) < 1e-9)
        return;
    m_syncing = true;
    for (QCPAxisRect *rect : m_rects)
        rect->axis(QCPAxis::atBottom)->setRange(lo, hi);
    m_syncing = false;
    m_userZoomed = lo > 1e-9 || hi < m_length - 1e-9;
    refetch();
}

void TimelinePlot::resetZoom()
{
    m_syncing = true;
    for (QCPAxisRect *rect : m_rects)
        rect->axis(QCPAxis::atBottom)->setRange(0, m_length);
    m_syncing = false;
    onAxisRangeChanged();
    m_userZoomed = false;
}

void TimelinePlot::onAxisRangeChanged()
{
    // Keep the view inside the capture; then redraw soon and tell the other views a bit later.
    QCPAxis *x = m_rects[0]->axis(QCPAxis::atBottom);
    QCPRange r = x->range();
    if (r.size() > m_length * 1.05 || r.lower < -m_length * 0.05 || r.upper > m_length * 1.05) {
        const double size = std::min(r.size(), m_length);
        double lo = std::clamp(r.lower, 0.0, m_length - size);
        m_syncing = true;
        for (QCPAxisRect *rect : m_rects)
            rect->axis(QCPAxis::atBottom)->setRange(lo, lo + size);
        m_syncing = false;
    }
    m_userZoomed = true;
    m_refetch->start();
    m_notify->start();
}

void TimelinePlot::refetch()
{
    if (!m_fetch)
        return;
    const QCPRange r = m_rects[0]->axis(QCPAxis::atBottom)->range();
    const int columns = std::max(50, m_rects[0]->width());
    for (size_t i = 0; i < m_graphs.size(); ++i) {
        if (!m_specs[i].visible) {
            m_graphs[i]->data()->clear();
            continue;
        }
        QVector<double> keys, values;
        m_fetch(int(i), r.lower, r.upper, columns, keys, values);
        if (m_specs[i].panel == TimelineSeriesSpec::Latency)
            for (double &v : values)
                if (!(v > 0))
                    v = std::nan("");
        m_graphs[i]->setData(keys, values, true);
    }
    // Value axes follow what is visible.
    for (QCPAxisRect *rect : m_rects) {
        for (QCPAxis *axis : {rect->axis(QCPAxis::atLeft), rect->axis(QCPAxis::atRight)}) {
            bool found = false;
            QCPRange all;
            for (QCPGraph *g : m_graphs) {
                if (g->valueAxis() != axis || !g->visible())
                    continue;
                bool ok = false;
                const QCPRange vr = g->getValueRange(ok, QCP::sdBoth, r);
                if (!ok)
                    continue;
                all = found ? QCPRange(std::min(all.lower, vr.lower), std::max(all.upper, vr.upper)) : vr;
                found = true;
            }
            if (!found)
                continue;
            if (axis->scaleType() == QCPAxis::stLogarithmic)
                axis->setRange(all.lower / 1.5, all.upper * 1.5);
            else
                axis->setRange(0, all.upper > 0 ? all.upper * 1.1 : 1);
        }
    }
    plot()->replot(QCustomPlot::rpQueuedReplot);
}

} // namespace lbs::ui
