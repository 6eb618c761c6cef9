#include "contextlistmodel.h"

#include "ui/cluster/topologystyle.h"

#include <QBrush>
#include <QFileInfo>
#include <QFont>
#include <QPalette>

namespace lbs::ui {

ContextListModel::ContextListModel(QObject *parent) : QAbstractItemModel(parent)
{
}

void ContextListModel::setCatalog(ContextCatalog catalog)
{
    beginResetModel();
    m_catalog = std::move(catalog);
    endResetModel();
}

QModelIndex ContextListModel::indexOfContext(const QString &name) const
{
    for (int f = 0; f < m_catalog.files.size(); ++f) {
        const auto &contexts = m_catalog.files[f].contexts;
        for (int c = 0; c < contexts.size(); ++c) {
            if (contexts[c].name == name)
                return createIndex(c, 0, quintptr(f) + 1);
        }
    }
    return {};
}

QModelIndex ContextListModel::index(int row, int column, const QModelIndex &parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    if (!parent.isValid())
        return createIndex(row, column, kFileLevel);
    return createIndex(row, column, quintptr(parent.row()) + 1);
}

QModelIndex ContextListModel::parent(const QModelIndex &child) const
{
    if (!child.isValid() || child.internalId() == kFileLevel)
        return {};
    return createIndex(int(child.internalId() - 1), 0, kFileLevel);
}

int ContextListModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return int(m_catalog.files.size());
    if (parent.column() != 0 || parent.internalId() != kFileLevel)
        return 0;
    return int(m_catalog.files[parent.row()].contexts.size());
}

int ContextListModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

const ContextEntry *ContextListModel::entry(const QModelIndex &index) const
{
    if (!index.isValid() || index.internalId() == kFileLevel)
        return nullptr;
    return &m_catalog.files[int(index.internalId() - 1)].contexts[index.row()];
}

QVariant ContextListModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    if (index.internalId() == kFileLevel) {
        const ContextFile &f = m_catalog.files[index.row()];
        switch (role) {
        case Qt::DisplayRole:
            if (index.column() == NameColumn)
                return QFileInfo(f.path).fileName();
            return f.error.isEmpty() ? f.path : f.error;
        case Qt::ToolTipRole:
            return f.error.isEmpty() ? f.path : QString(f.path + QStringLiteral("\n") + f.error);
        case Qt::ForegroundRole:
            if (!f.error.isEmpty())
                return QBrush(topology::widgetProblemColor());
            return {};
        case Qt::FontRole: {
            QFont font;
            font.setBold(true);
            return font;
        }
        default:
            return {};
        }
    }
    const ContextEntry *e = entry(index);
    switch (role) {
    case Qt::DisplayRole:
        if (index.column() == NameColumn)
            return e->current ? QString(e->name + QStringLiteral("  (current)")) : e->name;
        if (!e->usable)
            return e->reason;
        return QString(
            e->server + (e->auth.isEmpty() ? QString() : QString(QStringLiteral(" · ") + e->auth)));
    case Qt::ToolTipRole: {
        QString tip = QStringLiteral("context %1\ncluster %2 (%3)\nuser %4")
                          .arg(e->name, e->cluster, e->server, e->user);
        if (!e->usable)
            tip += QStringLiteral("\n\ncannot be used: ") + e->reason;
        return tip;
    }
    case Qt::ForegroundRole:
        // The reason stays readable (dark red) although the row is disabled and its name greyed.
        if (!e->usable && index.column() == DetailColumn)
            return QBrush(topology::widgetProblemColor());
        return {};
    case ContextNameRole:
        return e->name;
    case UsableRole:
        return e->usable;
    case ReasonRole:
        return e->reason;
    default:
        return {};
    }
}

Qt::ItemFlags ContextListModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    if (index.internalId() == kFileLevel)
        return Qt::ItemIsEnabled;
    // Disabled items are drawn greyed by every style, the reason stays readable beside them.
    return entry(index)->usable ? Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren
                                : Qt::ItemNeverHasChildren;
}

QVariant ContextListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    return section == NameColumn ? QStringLiteral("Context") : QStringLiteral("Server / why unusable");
}

} // namespace lbs::ui
