#include "servicetablemodel.h"

#include "ui/cluster/topologystyle.h"

#include <QBrush>

namespace lbs::ui {

ServiceTableModel::ServiceTableModel(QObject *parent) : QAbstractTableModel(parent)
{
}

void ServiceTableModel::setRows(QList<ServiceRow> rows)
{
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
}

int ServiceTableModel::rowOf(const QString &key) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].service.nameSpace + QLatin1Char('/') + m_rows[i].service.name == key)
            return i;
    }
    return -1;
}

int ServiceTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ServiceTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ServiceTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ServiceRow &r = m_rows[index.row()];
    const kube::LoadBalancerService &s = r.service;
    const bool endpointsKnown = r.totalEndpoints >= 0;
    if (role == ServiceKeyRole)
        return QString(s.nameSpace + QLatin1Char('/') + s.name);
    if (role == Qt::ForegroundRole) {
        if ((index.column() == Vip && s.vip().isEmpty())
            || (index.column() == Endpoints && endpointsKnown && r.readyEndpoints == 0))
            return QBrush(topology::widgetProblemColor());
        return {};
    }
    if (role == Qt::ToolTipRole && index.column() == Endpoints && !r.endpointsError.isEmpty())
        return r.endpointsError;
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Namespace:
        return s.nameSpace;
    case Name:
        return s.name;
    case Vip:
        return s.vip().isEmpty() ? QStringLiteral("<pending>") : s.vip();
    case Ports:
        return s.portsText();
    case Provider: {
        const QString p = providerOf(s);
        return p.isEmpty() ? QStringLiteral("?") : p;
    }
    case TrafficPolicy:
        return s.externalTrafficPolicy;
    case Endpoints:
        if (!r.endpointsError.isEmpty())
            return QStringLiteral("error");
        return endpointsKnown ? QStringLiteral("%1/%2").arg(r.readyEndpoints).arg(r.totalEndpoints)
                              : QStringLiteral("…");
    default:
        return {};
    }
}

QVariant ServiceTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char *const names[]
        = {"Namespace", "Name", "VIP", "Ports", "Provider", "Traffic policy", "Ready/total"};
    return section >= 0 && section < ColumnCount ? QString::fromLatin1(names[section]) : QVariant();
}

} // namespace lbs::ui
