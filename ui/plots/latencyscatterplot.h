#pragma once
// Per-flow latency against time: one point per flow (handshake RTT, TTFB or response time),
// coloured by outcome, log value axis. Clicking a point selects its flow.

#include "ui/plots/plotview.h"

#include <QVector>

#include <cstdint>
#include <memory>
#include <vector>

class QCPGraph;
class QCPAbstractPlottable;
class QComboBox;

namespace lbs::ui {

/// A group's points as the graph holds them (QCustomPlot's data container), built off the GUI
/// thread by LatencyScatterPlot::pack so that showing millions of points only hands them over.
struct ScatterPoints;

/// Points of one outcome (one colour).
struct ScatterGroup {
    QString name; ///< e.g. "complete"
    QColor color;
    QVector<double> keys; ///< seconds since capture start (emptied once packed)
    QVector<double> values; ///< milliseconds, > 0 (emptied once packed)
    std::vector<uint32_t> flowIds; ///< flow of each point
    std::shared_ptr<ScatterPoints> packed; ///< keys and values for the graph, once packed
};

class LatencyScatterPlot : public PlotView {
    Q_OBJECT
public:
    explicit LatencyScatterPlot(QWidget *parent = nullptr);
    void setMetricNames(const QStringList &names);
    int metric() const;
    /// Switches the metric as the combo would (emits metricChanged).
    void setMetric(int index);
    /// Shows `groups` (sorted and packed here unless pack() already did).
    void setGroups(std::vector<ScatterGroup> groups, const QString &valueLabel, double length);
    /// Orders each group's points by key (stable, flow ids kept aligned) and drops values that are
    /// not positive (the value axis is logarithmic). Touches no widget: callable on any thread;
    /// a group already in that shape is only checked.
    static void sortByKey(std::vector<ScatterGroup> &groups);
    /// Sorts (sortByKey) and packs each group's points for its graph. Touches no widget.
    static void pack(std::vector<ScatterGroup> &groups);
    int pointCount() const;
    /// Selects the flow of point `index` of group `group` as a click would.
    void clickPoint(int group, int index);

public slots:
    void setVisibleRange(double relStart, double relEnd);

signals:
    void metricChanged(int index);
    void flowClicked(uint32_t flowId);

private:
    std::vector<ScatterGroup> m_groups;
    std::vector<QCPGraph *> m_graphs;
    QComboBox *m_metric;
};

} // namespace lbs::ui
