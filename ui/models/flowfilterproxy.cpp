#include "flowfilterproxy.h"

#include "ui/jobs/jobrunner.h"
#include "ui/models/flowtablemodel.h"

#include <memory>

namespace lbs::ui {

FlowFilterProxy::FlowFilterProxy(QObject *parent) : RowWindowModel(parent), m_runner(new JobRunner(this))
{
}

void FlowFilterProxy::setSourceModel(QAbstractItemModel *source)
{
    if (m_flows)
        disconnect(m_flows, nullptr, this, nullptr);
    beginResetModel();
    m_flows = qobject_cast<FlowTableModel *>(source);
    Q_ASSERT(m_flows || !source);
    QAbstractProxyModel::setSourceModel(source);
    endResetModel();
    if (m_flows) {
        // The flow table only ever changes whole (a new analysis): so do these rows.
        connect(m_flows, &QAbstractItemModel::modelAboutToBeReset, this, [this] {
            m_runner->cancel();
            beginResetModel();
        });
        connect(m_flows, &QAbstractItemModel::modelReset, this, [this] {
            m_identity = m_criteria.isIdentity() || !m_flows->analysis();
            m_rows = {};
            m_windowStart = 0;
            endResetModel();
            if (m_identity) {
                setUpdating(false);
                emit rowsUpdated();
            } else {
                startJob();
            }
        });
    }
    refresh();
}

void FlowFilterProxy::setOutcome(int outcome)
{
    FlowRowCriteria c = m_criteria;
    c.outcome = outcome;
    setCriteria(std::move(c));
}

void FlowFilterProxy::setText(const QString &text)
{
    FlowRowCriteria c = m_criteria;
    c.text = text;
    setCriteria(std::move(c));
}

void FlowFilterProxy::setTimeRange(double start, double end)
{
    FlowRowCriteria c = m_criteria;
    c.start = start;
    c.end = end;
    setCriteria(std::move(c));
}

void FlowFilterProxy::setFlowSet(bool active, std::vector<uint32_t> flows)
{
    FlowRowCriteria c = m_criteria;
    c.flowSetActive = active;
    c.flowSet = active ? std::move(flows) : std::vector<uint32_t>();
    setCriteria(std::move(c));
}

void FlowFilterProxy::sort(int column, Qt::SortOrder order)
{
    FlowRowCriteria c = m_criteria;
    // Ascending id (and no column) is the flows' own order.
    c.sortColumn = (column == FlowTableModel::Id && order == Qt::AscendingOrder) ? -1 : column;
    c.order = c.sortColumn < 0 ? Qt::AscendingOrder : order;
    setCriteria(std::move(c));
}

bool FlowFilterProxy::isUpdating() const
{
    return m_updating;
}

void FlowFilterProxy::setUpdating(bool updating)
{
    if (updating == m_updating)
        return;
    m_updating = updating;
    emit updatingChanged(updating);
}

void FlowFilterProxy::setCriteria(FlowRowCriteria criteria)
{
    if (criteria == m_criteria)
        return;
    m_criteria = std::move(criteria);
    refresh();
}

void FlowFilterProxy::refresh()
{
    if (!m_flows || !m_flows->analysis() || m_criteria.isIdentity()) {
        m_runner->cancel();
        beginResetModel();
        m_identity = true;
        m_rows = {};
        m_windowStart = 0;
        endResetModel();
        setUpdating(false);
        emit rowsUpdated();
        return;
    }
    startJob();
}

void FlowFilterProxy::startJob()
{
    setUpdating(true);
    auto analysis = m_flows->analysis();
    auto out = std::make_shared<std::optional<FlowRows>>();
    m_runner->run([analysis, criteria = m_criteria, out](
                      const JobContext &ctx) { *out = computeFlowRows(*analysis, criteria, ctx.token()); },
        [this, out] {
            if (*out)
                apply(std::move(**out));
        });
}

void FlowFilterProxy::apply(FlowRows rows)
{
    beginResetModel();
    m_identity = false;
    m_rows = std::move(rows);
    m_windowStart = 0;
    endResetModel();
    setUpdating(false);
    emit rowsUpdated();
}

QModelIndex FlowFilterProxy::index(int row, int column, const QModelIndex &parent) const
{
    if (parent.isValid() || row < 0 || column < 0 || row >= rowCount() || column >= columnCount())
        return {};
    return createIndex(row, column);
}

QModelIndex FlowFilterProxy::parent(const QModelIndex &) const
{
    return {};
}

QModelIndex FlowFilterProxy::sibling(int row, int column, const QModelIndex &) const
{
    return index(row, column);
}

size_t FlowFilterProxy::shownCount() const
{
    if (!m_flows)
        return 0;
    return m_identity ? size_t(m_flows->rowCount()) : m_rows.rows.size();
}

int FlowFilterProxy::sourceRowOfShown(size_t shownIndex) const
{
    return m_identity ? int(shownIndex) : m_rows.rows[shownIndex];
}

std::vector<int> FlowFilterProxy::shownSourceRows() const
{
    if (!m_identity)
        return m_rows.rows;
    std::vector<int> rows(shownCount());
    for (size_t i = 0; i < rows.size(); ++i)
        rows[i] = int(i);
    return rows;
}

qint64 FlowFilterProxy::shownIndexOfSource(int flowRow) const
{
    if (!m_flows || flowRow < 0 || flowRow >= m_flows->rowCount())
        return -1;
    if (m_identity)
        return flowRow;
    const size_t r = size_t(flowRow);
    return r < m_rows.rowOf.size() && m_rows.rowOf[r] >= 0 ? m_rows.rowOf[r] : -1;
}

int FlowFilterProxy::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid() || !m_flows)
        return 0;
    return windowRowCount();
}

int FlowFilterProxy::columnCount(const QModelIndex &parent) const
{
    return (parent.isValid() || !m_flows) ? 0 : m_flows->columnCount();
}

bool FlowFilterProxy::hasChildren(const QModelIndex &parent) const
{
    return !parent.isValid() && rowCount() > 0;
}

QModelIndex FlowFilterProxy::mapToSource(const QModelIndex &proxyIndex) const
{
    if (!proxyIndex.isValid() || !m_flows || proxyIndex.model() != this)
        return {};
    return m_flows->index(sourceRowOfShown(m_windowStart + size_t(proxyIndex.row())), proxyIndex.column());
}

QModelIndex FlowFilterProxy::mapFromSource(const QModelIndex &sourceIndex) const
{
    if (!sourceIndex.isValid() || !m_flows || sourceIndex.model() != m_flows)
        return {};
    const qint64 shown = shownIndexOfSource(sourceIndex.row());
    const int row = shown < 0 ? -1 : rowOfShown(size_t(shown));
    return row < 0 ? QModelIndex() : index(row, sourceIndex.column());
}

QVariant FlowFilterProxy::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (!m_flows)
        return {};
    if (orientation == Qt::Horizontal)
        return m_flows->headerData(section, orientation, role);
    return QAbstractProxyModel::headerData(section, orientation, role);
}

} // namespace lbs::ui
