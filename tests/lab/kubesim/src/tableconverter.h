#pragma once
// kubesim: server-side printing (meta.k8s.io/v1 Table), what `kubectl get` asks for with
// Accept: application/json;as=Table;v=v1;g=meta.k8s.io.

#include <QJsonObject>
#include <QList>

namespace kubesim {

class TableConverter {
public:
    /// A Table of the objects of a resource with kubectl's usual columns; listMeta is copied into metadata.
    static QJsonObject toTable(
        const QString &resource, const QList<QJsonObject> &objects, const QJsonObject &listMeta);
    /// True when an Accept header asks for a Table.
    static bool wantsTable(const QByteArray &accept);
};

} // namespace kubesim
