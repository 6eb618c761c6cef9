#pragma once
// The LoadBalancer services of the connected context, one row per service (value snapshots).

#include "ui/cluster/servicerow.h"

#include <QAbstractTableModel>

namespace lbs::ui {

class ServiceTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Namespace, Name, Vip, Ports, Provider, TrafficPolicy, Endpoints, ColumnCount };
    /// "namespace/name" of the row, on every column.
    static constexpr int ServiceKeyRole = Qt::UserRole + 1;

    explicit ServiceTableModel(QObject *parent = nullptr);

    void setRows(QList<ServiceRow> rows);
    const QList<ServiceRow> &rows() const { return m_rows; }
    /// Row of "namespace/name", -1 when absent.
    int rowOf(const QString &key) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<ServiceRow> m_rows;
};

} // namespace lbs::ui
