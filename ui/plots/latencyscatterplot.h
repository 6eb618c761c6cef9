#pragma once
// Per-flow latency against time: one point per flow (handshake RTT, TTFB or response time),
// coloured by outcome, log value axis. Clicking a point selects its flow. A group of many points
// also keeps thinned copies (ui/plots/scatterthinning.h) at four grid sizes; each redraw draws
// the coarsest whose cells are small enough that every point's centre lies inside a drawn disc:
// the overview of millions of points redraws in milliseconds, and zooming in shows every point.

#include "ui/plots/plotview.h"

#include <QPointF>
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
    /// Points of every group.
    int pointCount() const;
    /// Points the graphs draw now: pointCount() unless thinned copies are shown.
    int shownPointCount() const;
    /// Key and value of point `index` of those group `group` shows now (null if there is none).
    QPointF shownPoint(int group, int index) const;
    /// Selects the flow of point `index` of the points group `group` shows now, as a click would.
    void clickPoint(int group, int index);

public slots:
    void setVisibleRange(double relStart, double relEnd);

signals:
    void metricChanged(int index);
    void flowClicked(uint32_t flowId);

protected:
    void prepareExport(bool starting) override;

private:
    /// Before each redraw: gives each graph the fewest of its points (a thinned copy or all) that
    /// draw the same picture at the plot's size and ranges, and keeps a selected point selected.
    void chooseDetail(bool wholeOnly = false);
    /// Gives every graph its points' look: a prepared disc pixmap on screen, vector discs when
    /// `vector` (exports) or where the screen's pixels are not the widget's (high DPI).
    void applyPointStyle(bool vector);
    /// Index among the group's whole points of point `index` of those its graph shows.
    int wholeIndex(size_t group, int index) const;

    std::vector<ScatterGroup> m_groups;
    std::vector<QCPGraph *> m_graphs;
    double m_pointStyleDpr = 0; ///< the pixel ratio the points' look was made for; -1: vector
    std::vector<int> m_shownCopy; ///< per group: the thinned copy shown, -1 for all points
    QComboBox *m_metric;
};

} // namespace lbs::ui
