#pragma once
// Table of the engine's flows (one row per flow). DisplayRole is formatted text; SortRole is the
// raw number so sorting by RTT, bytes or retransmits is numeric.

#include "core/analysis/captureanalysis.h"

#include <QAbstractTableModel>

#include <memory>

namespace lbs::ui {

class FlowTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        Id,
        Client,
        Server,
        Proto,
        Outcome,
        Start,
        Duration,
        HandshakeRtt,
        Ttfb,
        Response,
        Requests,
        Retransmits,
        Resets,
        Bytes,
        Packets,
        Path, ///< the tunnel the flow came through, empty when none
        ColumnCount
    };
    static constexpr int SortRole = Qt::UserRole + 1; ///< numeric value (or text for text columns)
    static constexpr int FlowIdRole = Qt::UserRole + 2; ///< quint32 flow id
    static constexpr int OutcomeRole = Qt::UserRole + 3; ///< FlowOutcome as int
    static constexpr int StartRole = Qt::UserRole + 4; ///< first packet, absolute seconds
    static constexpr int EndRole = Qt::UserRole + 5; ///< last packet, absolute seconds

    explicit FlowTableModel(QObject *parent = nullptr);
    void setAnalysis(std::shared_ptr<const analysis::CaptureAnalysis> analysis);
    const std::shared_ptr<const analysis::CaptureAnalysis> &analysis() const { return m_analysis; }
    const analysis::Flow *flow(int row) const;

    /// Worst (largest) TTFB / response time of a flow's HTTP requests, in ms; < 0 when none.
    static double maxTtfbMs(const analysis::Flow &f);
    static double maxResponseMs(const analysis::Flow &f);
    /// A cell's text (DisplayRole) and its sort value (SortRole). They read nothing but their
    /// arguments, so a job may call them on another thread.
    static QString displayText(const analysis::CaptureAnalysis &a, const analysis::Flow &f, int column);
    static QVariant sortValue(const analysis::CaptureAnalysis &a, const analysis::Flow &f, int column);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::shared_ptr<const analysis::CaptureAnalysis> m_analysis;
};

} // namespace lbs::ui
