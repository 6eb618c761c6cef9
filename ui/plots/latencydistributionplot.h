#pragma once
// Histogram and CDF of one latency metric with p50/p90/p99 marked; log time axis when the values
// span decades (e.g. a 1 s / 3 s SYN-retry cluster next to sub-millisecond handshakes); or the
// CDFs of several distributions side by side (one per backend).

#include "ui/plots/plotview.h"
#include "ui/viewer/latencydistribution.h"

#include <utility>
#include <vector>

namespace lbs::ui {

class LatencyDistributionPlot : public PlotView {
    Q_OBJECT
public:
    explicit LatencyDistributionPlot(QWidget *parent = nullptr);
    void setDistribution(const LatencyDistribution &d, const QString &metricName);
    const LatencyDistribution &distribution() const { return m_dist; }
    /// One CDF per named distribution (e.g. one per backend) on a shared axis, p50 marked on each;
    /// distribution() is then the first one. Empty distributions are listed in the legend only.
    void setComparison(
        const std::vector<std::pair<QString, LatencyDistribution>> &series, const QString &metricName);

private:
    LatencyDistribution m_dist;
};

} // namespace lbs::ui
