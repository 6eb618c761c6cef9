#include "findingfilterproxy.h"

#include "ui/models/findingsmodel.h"

#include <algorithm>

namespace lbs::ui {

FindingFilterProxy::FindingFilterProxy(FindingsModel *source, QObject *parent)
    : QSortFilterProxyModel(parent), m_findings(source)
{
    setSourceModel(source);
    setSortRole(FindingsModel::SortRole);
}

void FindingFilterProxy::setFlowSet(bool active, std::vector<uint32_t> flows)
{
    if (active == m_active && flows == m_flows)
        return;
    m_active = active;
    m_flows = std::move(flows);
    invalidateFilter();
}

bool FindingFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex &) const
{
    if (!m_active)
        return true;
    const analysis::Finding *f = m_findings->finding(sourceRow);
    if (!f || f->flows.empty())
        return true;
    return std::any_of(f->flows.begin(), f->flows.end(),
        [this](uint32_t id) { return std::binary_search(m_flows.begin(), m_flows.end(), id); });
}

} // namespace lbs::ui
