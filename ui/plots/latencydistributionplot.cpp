#include "latencydistributionplot.h"

#include <qcustomplot.h>

#include <cmath>

namespace lbs::ui {

LatencyDistributionPlot::LatencyDistributionPlot(QWidget *parent) : PlotView(parent)
{
    setWindowTitle(tr("Latency distribution"));
    toolBar()->hide();
    QCustomPlot *p = plot();
    p->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    p->axisRect()->setRangeDrag(Qt::Horizontal);
    p->axisRect()->setRangeZoom(Qt::Horizontal);
    p->yAxis->setLabel(tr("Flows per bin"));
    p->yAxis2->setVisible(true);
    p->yAxis2->setLabel(tr("Cumulative fraction"));
    p->yAxis2->setRange(0, 1.02);
    p->legend->setVisible(true);
    p->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignRight);
    applyPalette();
}

void LatencyDistributionPlot::setDistribution(const LatencyDistribution &d, const QString &metricName)
{
    m_dist = d;
    QCustomPlot *p = plot();
    p->clearPlottables();
    p->clearItems();
    p->xAxis->setLabel(tr("%1 (ms)").arg(metricName));
    if (d.logScale) {
        p->xAxis->setScaleType(QCPAxis::stLogarithmic);
        p->xAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTickerLog));
        p->xAxis->setNumberFormat(QStringLiteral("gb"));
    } else {
        p->xAxis->setScaleType(QCPAxis::stLinear);
        p->xAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
        p->xAxis->setNumberFormat(QStringLiteral("g"));
    }
    if (d.samples == 0) {
        p->xAxis->setRange(d.logScale ? 0.1 : 0, 1000);
        p->yAxis->setRange(0, 1);
        p->replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    const QColor histColor = seriesColor(0);
    const QColor cdfColor = seriesColor(1);
    // Histogram as a step graph over bin edges (bars do not suit log-spaced bins).
    auto *hist = p->addGraph(p->xAxis, p->yAxis);
    hist->setName(tr("%n flow(s)", nullptr, int(d.samples)));
    QVector<double> hk, hv;
    double maxCount = 0;
    for (size_t i = 0; i < d.counts.size(); ++i) {
        hk << d.binLower[i] << d.binUpper[i];
        hv << d.counts[i] << d.counts[i];
        maxCount = std::max(maxCount, d.counts[i]);
    }
    hist->setData(hk, hv, true);
    hist->setPen(QPen(histColor, 1.5));
    QColor fill = histColor;
    fill.setAlpha(80);
    hist->setBrush(fill);
    auto *cdf = p->addGraph(p->xAxis, p->yAxis2);
    cdf->setName(tr("CDF"));
    cdf->setData(
        QVector<double>(d.cdfX.begin(), d.cdfX.end()), QVector<double>(d.cdfY.begin(), d.cdfY.end()), true);
    cdf->setPen(QPen(cdfColor, 2));
    cdf->setLineStyle(QCPGraph::lsStepLeft);
    const double lo = d.binLower.front(), hi = d.binUpper.back();
    if (d.logScale)
        p->xAxis->setRange(lo / 1.3, hi * 1.3);
    else
        p->xAxis->setRange(lo - (hi - lo) * 0.05, hi + (hi - lo) * 0.05);
    p->yAxis->setRange(0, maxCount * 1.15);
    const struct {
        double v;
        const char *name;
    } marks[] = {{d.p50, "p50"}, {d.p90, "p90"}, {d.p99, "p99"}};
    const QColor text = palette().color(QPalette::Text);
    int row = 0;
    for (const auto &m : marks) {
        auto *line = new QCPItemStraightLine(p);
        line->point1->setCoords(m.v, 0);
        line->point2->setCoords(m.v, 1);
        line->setPen(QPen(text, 1, Qt::DashLine));
        auto *label = new QCPItemText(p);
        label->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
        label->position->setCoords(m.v, 0.04 + 0.07 * row++);
        // Labels near the right edge go to the left of their line so they are never clipped.
        const QCPRange r = p->xAxis->range();
        const double frac = d.logScale ? std::log(m.v / r.lower) / std::log(r.upper / r.lower)
                                       : (m.v - r.lower) / (r.upper - r.lower);
        const bool leftOfLine = frac > 0.6;
        label->setPositionAlignment((leftOfLine ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignTop);
        label->setText(leftOfLine
                ? QStringLiteral("%1 = %2 ms ").arg(QLatin1String(m.name)).arg(m.v, 0, 'g', 3)
                : QStringLiteral(" %1 = %2 ms").arg(QLatin1String(m.name)).arg(m.v, 0, 'g', 3));
        label->setColor(text);
    }
    applyPalette();
}

void LatencyDistributionPlot::setComparison(
    const std::vector<std::pair<QString, LatencyDistribution>> &series, const QString &metricName)
{
    m_dist = series.empty() ? LatencyDistribution {} : series.front().second;
    QCustomPlot *p = plot();
    p->clearPlottables();
    p->clearItems();
    p->xAxis->setLabel(tr("%1 (ms)").arg(metricName));
    p->yAxis->setLabel(tr("Cumulative fraction"));
    p->yAxis2->setVisible(false);
    p->yAxis->setRange(0, 1.02);
    double lo = 0, hi = 0;
    for (const auto &[name, d] : series) {
        if (d.samples == 0)
            continue;
        lo = lo > 0 ? std::min(lo, d.cdfX.front()) : d.cdfX.front();
        hi = std::max(hi, d.cdfX.back());
    }
    const bool log = lo > 0 && hi / lo > 10;
    p->xAxis->setScaleType(log ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
    p->xAxis->setTicker(QSharedPointer<QCPAxisTicker>(log ? new QCPAxisTickerLog : new QCPAxisTicker));
    p->xAxis->setNumberFormat(log ? QStringLiteral("gb") : QStringLiteral("g"));
    if (hi <= lo)
        hi = lo * 1.1 + 1;
    if (log)
        p->xAxis->setRange(lo / 1.3, hi * 1.3);
    else
        p->xAxis->setRange(std::max(0.0, lo - (hi - lo) * 0.05), hi + (hi - lo) * 0.05);
    int i = 0;
    for (const auto &[name, d] : series) {
        const QColor color = seriesColor(i++);
        auto *g = p->addGraph(p->xAxis, p->yAxis);
        g->setName(d.samples
                ? tr("%1: p50 %2 ms (%n)", nullptr, int(d.samples)).arg(name).arg(d.p50, 0, 'g', 3)
                : tr("%1: no samples").arg(name));
        g->setPen(QPen(color, 2));
        g->setLineStyle(QCPGraph::lsStepLeft);
        if (d.samples == 0)
            continue;
        // Start each curve at 0 so a single-sample backend still draws a step.
        QVector<double> x {d.cdfX.front()}, y {0};
        x.append(QVector<double>(d.cdfX.begin(), d.cdfX.end()));
        y.append(QVector<double>(d.cdfY.begin(), d.cdfY.end()));
        g->setData(x, y, true);
        auto *mark = new QCPItemLine(p);
        mark->start->setCoords(d.p50, 0);
        mark->end->setCoords(d.p50, 0.5);
        mark->setPen(QPen(color, 1, Qt::DashLine));
    }
    applyPalette();
}

} // namespace lbs::ui
