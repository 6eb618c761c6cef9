#pragma once
// kubesim: small JSON helpers shared by the handlers (timestamps, dotted-path lookup, serialisation).

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>

namespace kubesim::Json {

/// Now as RFC 3339 UTC with seconds, the format of metadata.creationTimestamp.
QString nowRfc3339();
/// Value at a dotted path like "spec.nodeName"; missing parts give an undefined value.
QJsonValue at(const QJsonObject &obj, const QString &dottedPath);
/// The value at a dotted path as the string a field selector compares with.
QString fieldString(const QJsonObject &obj, const QString &dottedPath);
QByteArray compact(const QJsonObject &obj);
QJsonObject parseObject(const QByteArray &bytes, QString *error);
QString metaString(const QJsonObject &obj, const QString &field);

} // namespace kubesim::Json
