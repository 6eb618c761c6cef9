#pragma once
// Sorts the findings table and, when a set of flows is chosen (one backend's), keeps only the
// findings about those flows and the capture-wide ones (findings that name no flow).

#include <QSortFilterProxyModel>

#include <cstdint>
#include <vector>

namespace lbs::ui {

class FindingsModel;

class FindingFilterProxy : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit FindingFilterProxy(FindingsModel *source, QObject *parent = nullptr);
    /// Keep only findings naming a flow of `flows` (sorted ids) when `active`.
    void setFlowSet(bool active, std::vector<uint32_t> flows);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    FindingsModel *m_findings;
    bool m_active = false;
    std::vector<uint32_t> m_flows;
};

} // namespace lbs::ui
