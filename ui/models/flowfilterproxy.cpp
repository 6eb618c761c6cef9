#include "flowfilterproxy.h"

#include "ui/models/flowtablemodel.h"

#include <algorithm>

namespace lbs::ui {

FlowFilterProxy::FlowFilterProxy(QObject *parent) : QSortFilterProxyModel(parent)
{
    setSortRole(FlowTableModel::SortRole);
    setDynamicSortFilter(false);
}

void FlowFilterProxy::setOutcome(int outcome)
{
    if (outcome == m_outcome)
        return;
    m_outcome = outcome;
    invalidateFilter();
}

void FlowFilterProxy::setText(const QString &text)
{
    if (text == m_text)
        return;
    m_text = text;
    invalidateFilter();
}

void FlowFilterProxy::setTimeRange(double start, double end)
{
    if (start == m_start && end == m_end)
        return;
    m_start = start;
    m_end = end;
    invalidateFilter();
}

void FlowFilterProxy::setFlowSet(bool active, std::vector<uint32_t> flows)
{
    if (active == m_flowSetActive && flows == m_flowSet)
        return;
    m_flowSetActive = active;
    m_flowSet = std::move(flows);
    invalidateFilter();
}

void FlowFilterProxy::sort(int column, Qt::SortOrder order)
{
    if (column == FlowTableModel::Id && order == Qt::AscendingOrder)
        column = -1; // the source's order
    QSortFilterProxyModel::sort(column, order);
}

bool FlowFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QAbstractItemModel *m = sourceModel();
    const QModelIndex first = m->index(sourceRow, 0, sourceParent);
    if (m_flowSetActive
        && !std::binary_search(
            m_flowSet.begin(), m_flowSet.end(), m->data(first, FlowTableModel::FlowIdRole).toUInt()))
        return false;
    if (m_outcome >= 0 && m->data(first, FlowTableModel::OutcomeRole).toInt() != m_outcome)
        return false;
    if (m_start <= m_end) {
        const double s = m->data(first, FlowTableModel::StartRole).toDouble();
        const double e = m->data(first, FlowTableModel::EndRole).toDouble();
        if (e < m_start || s > m_end)
            return false;
    }
    if (!m_text.isEmpty()) {
        for (int c = 0; c < m->columnCount(sourceParent); ++c)
            if (m->data(m->index(sourceRow, c, sourceParent))
                    .toString()
                    .contains(m_text, Qt::CaseInsensitive))
                return true;
        return false;
    }
    return true;
}

} // namespace lbs::ui
