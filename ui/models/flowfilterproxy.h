#pragma once
// The flow table as shown: filtered by free text (any column's text), by outcome, by the capture's
// selected time range and by a set of flows (one backend's), and sorted by a column. The rows are
// computed in a job (flowrows.h) and swapped in whole, because a capture can hold millions of flows:
// filtering those by text or sorting them by a column takes seconds, and the GUI thread never waits
// for it. Flows come in id order, so no filter and ascending id is the flows' own order, at once.
// Qt sees a window of the shown flows (ui/models/rowwindow.h); FlowsPane moves it as the table
// scrolls. "Shown index" counts the shown flows from the first.

#include "ui/models/flowrows.h"
#include "ui/models/rowwindow.h"

#include <QAbstractProxyModel>

#include <cstdint>
#include <vector>

namespace lbs::ui {

class FlowTableModel;
class JobRunner;

class FlowFilterProxy : public RowWindowModel<QAbstractProxyModel> {
    Q_OBJECT
public:
    explicit FlowFilterProxy(QObject *parent = nullptr);
    /// The source must be a FlowTableModel.
    void setSourceModel(QAbstractItemModel *source) override;

    /// -1: any outcome, else an analysis::FlowOutcome value.
    void setOutcome(int outcome);
    void setText(const QString &text);
    /// Keep flows overlapping [start, end] (absolute seconds); start > end disables.
    void setTimeRange(double start, double end);
    /// Keep only the flows in `flows` (sorted ids) when `active`; inactive keeps every flow.
    void setFlowSet(bool active, std::vector<uint32_t> flows);
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;
    /// A job is computing the rows; rowsUpdated() follows.
    bool isUpdating() const;
    /// Flows shown, in all windows.
    size_t shownCount() const override;
    /// Source rows of every shown flow, in the shown order (all windows).
    std::vector<int> shownSourceRows() const;
    /// Shown index of the source's row `flowRow`, or -1 when it is filtered out.
    qint64 shownIndexOfSource(int flowRow) const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    bool hasChildren(const QModelIndex &parent = {}) const override;
    QModelIndex mapToSource(const QModelIndex &proxyIndex) const override;
    QModelIndex mapFromSource(const QModelIndex &sourceIndex) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QModelIndex sibling(int row, int column, const QModelIndex &idx) const override;

signals:
    /// The shown rows were replaced (after a reset of this model).
    void rowsUpdated();
    /// A job started computing the rows (true), or they are shown (false).
    void updatingChanged(bool updating);

private:
    void setCriteria(FlowRowCriteria criteria);
    /// Shows the flows of the source's analysis as the criteria say: at once when they are the
    /// identity, else once a job has computed the rows (the rows shown stay until then, as a
    /// display filter's packet list does; after a new analysis there are none until then).
    void refresh();
    /// Computes the rows for the current criteria in a job; apply() shows them.
    void startJob();
    void apply(FlowRows rows);
    void setUpdating(bool updating);
    /// Source row of a shown index.
    int sourceRowOfShown(size_t shownIndex) const;

    FlowTableModel *m_flows = nullptr;
    JobRunner *m_runner;
    FlowRowCriteria m_criteria;
    bool m_identity = true;
    bool m_updating = false; ///< a job will deliver the rows for the current criteria
    FlowRows m_rows;
};

} // namespace lbs::ui
