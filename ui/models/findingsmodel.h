#pragma once
// The engine's findings as a table: severity (icon), kind, summary, number of flows, time span.

#include "core/analysis/captureanalysis.h"

#include <QAbstractTableModel>

#include <memory>

namespace lbs::ui {

class FindingsModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Severity, Kind, Summary, Flows, When, ColumnCount };
    static constexpr int SortRole = Qt::UserRole + 1;

    explicit FindingsModel(QObject *parent = nullptr);
    void setAnalysis(std::shared_ptr<const analysis::CaptureAnalysis> analysis);
    const analysis::Finding *finding(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::shared_ptr<const analysis::CaptureAnalysis> m_analysis;
};

} // namespace lbs::ui
