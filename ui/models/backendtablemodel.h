#pragma once
// Table of the analysis' backends (one row per pod ip:port behind the load balancer): pod,
// namespace, node, endpoint, counts and latency percentiles. DisplayRole is formatted text,
// SortRole the raw value so counts and milliseconds sort numerically.

#include "core/analysis/captureanalysis.h"

#include <QAbstractTableModel>
#include <QColor>
#include <QList>

#include <memory>

namespace lbs::ui {

class BackendTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        Pod,
        Namespace,
        Node,
        Endpoint,
        Connections,
        Requests,
        FailedHandshakes,
        Resets,
        Errors5xx,
        HandshakeP50,
        TtfbP50,
        TtfbP95,
        ResponseP50,
        ResponseP95,
        ColumnCount
    };
    static constexpr int SortRole = Qt::UserRole + 1; ///< numeric value (text for text columns)
    static constexpr int BackendRole = Qt::UserRole + 2; ///< int index in CaptureAnalysis::backends

    explicit BackendTableModel(QObject *parent = nullptr);
    void setAnalysis(std::shared_ptr<const analysis::CaptureAnalysis> analysis);
    const analysis::Backend *backend(int row) const;
    /// Colour swatch of each backend (by index) in the Pod column, matching its plotted series.
    void setColors(QList<QColor> colors);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QVariant value(const analysis::Backend &b, int column, bool forSort) const;
    std::shared_ptr<const analysis::CaptureAnalysis> m_analysis;
    QList<QColor> m_colors;
};

} // namespace lbs::ui
