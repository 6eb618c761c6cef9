#pragma once
// Tree model of the context picker: kubeconfig files at the top level, their contexts below.
// A context that cannot be used is disabled (greyed) and shows its reason in the second column.

#include "ui/cluster/contextcatalog.h"

#include <QAbstractItemModel>

namespace lbs::ui {

class ContextListModel : public QAbstractItemModel {
    Q_OBJECT
public:
    enum Column { NameColumn, DetailColumn, ColumnCount };
    enum Role { ContextNameRole = Qt::UserRole + 1, UsableRole, ReasonRole };

    explicit ContextListModel(QObject *parent = nullptr);

    void setCatalog(ContextCatalog catalog);
    const ContextCatalog &catalog() const { return m_catalog; }
    /// Index (column 0) of context `name`, invalid when absent.
    QModelIndex indexOfContext(const QString &name) const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    static constexpr quintptr kFileLevel = 0; ///< internalId of file rows; context rows hold file + 1
    const ContextEntry *entry(const QModelIndex &index) const;

    ContextCatalog m_catalog;
};

} // namespace lbs::ui
