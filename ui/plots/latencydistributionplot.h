#pragma once
// Histogram and CDF of one latency metric with p50/p90/p99 marked; log time axis when the values
// span decades (e.g. a 1 s / 3 s SYN-retry cluster next to sub-millisecond handshakes).

#include "ui/plots/plotview.h"
#include "ui/viewer/latencydistribution.h"

namespace lbs::ui {

class LatencyDistributionPlot : public PlotView {
    Q_OBJECT
public:
    explicit LatencyDistributionPlot(QWidget *parent = nullptr);
    void setDistribution(const LatencyDistribution &d, const QString &metricName);
    const LatencyDistribution &distribution() const { return m_dist; }

private:
    LatencyDistribution m_dist;
};

} // namespace lbs::ui
