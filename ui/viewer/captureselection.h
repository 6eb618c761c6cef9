#pragma once
// The one shared zoom/selection object of a capture: every view of the capture (timeline, packet
// list, flows table, latency plots, findings) reads and writes the visible time range and the
// selected flows and the flow filter (one backend) here, so restricting one view restricts them all.

#include <QObject>
#include <QString>

#include <cstdint>
#include <vector>

namespace lbs::ui {

class CaptureSelection : public QObject {
    Q_OBJECT
public:
    explicit CaptureSelection(QObject *parent = nullptr);

    /// The whole capture, in absolute seconds. An unrestricted range follows it; a range the user
    /// narrowed is kept (clamped to the new extent), so zooming while a capture loads sticks.
    void setFullRange(double first, double last);
    double fullStart() const { return m_fullStart; }
    double fullEnd() const { return m_fullEnd; }

    /// The time range every view is restricted to (absolute seconds).
    double start() const { return m_start; }
    double end() const { return m_end; }
    /// True when the range is narrower than the capture (by more than a microsecond).
    bool isRestricted() const { return m_start > m_fullStart + 1e-6 || m_end < m_fullEnd - 1e-6; }
    void setRange(double start, double end);
    void resetRange() { setRange(m_fullStart, m_fullEnd); }

    /// Flows selected by the user (flow ids as the engine numbers them); empty = no flow selection.
    const std::vector<uint32_t> &flows() const { return m_flows; }
    void setFlows(std::vector<uint32_t> flows);
    void clearFlows() { setFlows({}); }

    /// The flows every view is narrowed to (a backend chosen in the Backends tab: all legs of its
    /// connections), named for status lines; empty = no such filter. Independent of flows().
    const std::vector<uint32_t> &flowFilter() const { return m_filter; }
    const QString &flowFilterName() const { return m_filterName; }
    bool hasFlowFilter() const { return !m_filterName.isEmpty(); }
    /// True when `flow` passes the filter (always without one).
    bool passesFlowFilter(uint32_t flow) const;
    void setFlowFilter(const QString &name, std::vector<uint32_t> flows);
    void clearFlowFilter() { setFlowFilter({}, {}); }

signals:
    void rangeChanged(double start, double end);
    void flowsChanged();
    void flowFilterChanged();

private:
    double m_fullStart = 0;
    double m_fullEnd = 0;
    double m_start = 0;
    double m_end = 0;
    std::vector<uint32_t> m_flows;
    std::vector<uint32_t> m_filter; ///< sorted, unique
    QString m_filterName;
};

} // namespace lbs::ui
