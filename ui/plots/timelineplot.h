#pragma once
// The capture timeline: traffic (packets/s, bytes/s), events (new connections, failed handshakes,
// resets, retransmissions per second) and latency (TTFB p50/p99) in three stacked panels sharing
// one time axis. Every series is switchable. Wheel zooms, drag pans, Shift+drag or "Select range"
// selects a time range; the visible range is what every other view of the capture shows.
// Data come pre-decimated per pixel column from a fetch function (the engine decimates).

#include "ui/plots/plotview.h"

#include <QVector>

#include <functional>
#include <vector>

class QTimer;
class QCPGraph;
class QAction;

namespace lbs::ui {

struct TimelineSeriesSpec {
    enum Panel { Traffic, TrafficRight, Events, Latency };
    QString name; ///< shown in the toolbar, e.g. "Packets/s"
    QString unit; ///< axis unit, e.g. "packets/s"
    Panel panel = Traffic;
    bool visible = true;
};

/// A finding drawn on the time axis as a coloured span.
struct TimeMarker {
    double start = 0; ///< absolute seconds
    double end = 0;
    int severity = 1; ///< 0 info, 1 warning, 2 error
    QString text;
};

class TimelinePlot : public PlotView {
    Q_OBJECT
public:
    /// Fills keys (relative seconds) and values of series `index` for [relStart, relEnd] at `columns` pixels.
    using Fetch = std::function<void(int index, double relStart, double relEnd, int columns,
        QVector<double> &keys, QVector<double> &values)>;

    explicit TimelinePlot(QWidget *parent = nullptr);
    /// origin: absolute time of key 0; [origin, origin+length] is the whole capture. Called again
    /// for every partial snapshot while loading: a range the user zoomed to and hidden series are
    /// kept; an unzoomed view fits the new length.
    void setSource(std::vector<TimelineSeriesSpec> specs, double origin, double length, Fetch fetch);
    void setMarkers(const std::vector<TimeMarker> &markers);
    void setSeriesVisible(int index, bool visible);
    bool isSeriesVisible(int index) const;
    int seriesCount() const { return int(m_specs.size()); }
    /// Visible range in absolute seconds.
    double visibleStart() const;
    double visibleEnd() const;
    /// True once the user zoomed, panned or selected a range (until "Reset zoom").
    bool isZoomed() const { return m_userZoomed; }
    /// Points currently handed to QCustomPlot for series index (after decimation).
    int pointCount(int index) const;

public slots:
    void setVisibleRange(double absStart, double absEnd);
    void resetZoom();

signals:
    /// Emitted (debounced) after the user zoomed, panned or selected a range.
    void visibleRangeChanged(double absStart, double absEnd);

private:
    void refetch();
    /// New graphs and toolbar buttons for `specs`.
    void rebuildSeries(std::vector<TimelineSeriesSpec> specs);
    void onAxisRangeChanged();
    QCPAxisRect *panelRect(TimelineSeriesSpec::Panel panel) const;

    std::vector<TimelineSeriesSpec> m_specs;
    std::vector<QCPGraph *> m_graphs;
    std::vector<QAction *> m_toggles;
    std::vector<QCPAxisRect *> m_rects;
    Fetch m_fetch;
    double m_origin = 0;
    double m_length = 0;
    QTimer *m_refetch;
    QTimer *m_notify;
    QAction *m_selectMode;
    bool m_syncing = false;
    bool m_userZoomed = false; ///< the user zoomed, panned or selected: new snapshots keep the range
};

} // namespace lbs::ui
