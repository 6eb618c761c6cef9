#pragma once
// Filters the flow table by free text (client, server, outcome, HTTP paths), by outcome, by
// the capture's selected time range and by a set of flows (one backend's); sorts numerically through
// FlowTableModel::SortRole. Flows come in id order, so ascending id is the source's order, unsorted:
// a sort of millions of rows would hold the GUI thread for seconds at the end of each load.

#include <QSortFilterProxyModel>

#include <cstdint>
#include <vector>

namespace lbs::ui {

class FlowFilterProxy : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit FlowFilterProxy(QObject *parent = nullptr);
    /// -1: any outcome, else an analysis::FlowOutcome value.
    void setOutcome(int outcome);
    void setText(const QString &text);
    /// Keep flows overlapping [start, end] (absolute seconds); start > end disables.
    void setTimeRange(double start, double end);
    /// Keep only the flows in `flows` (sorted ids) when `active`; inactive keeps every flow.
    void setFlowSet(bool active, std::vector<uint32_t> flows);
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    int m_outcome = -1;
    QString m_text;
    double m_start = 1;
    double m_end = 0;
    bool m_flowSetActive = false;
    std::vector<uint32_t> m_flowSet;
};

} // namespace lbs::ui
