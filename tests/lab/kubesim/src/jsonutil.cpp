#include "jsonutil.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonParseError>

namespace kubesim::Json {

QString nowRfc3339()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
}

QJsonValue at(const QJsonObject &obj, const QString &dottedPath)
{
    QJsonValue cur = obj;
    for (const QString &part : dottedPath.split(u'.')) {
        if (!cur.isObject())
            return QJsonValue(QJsonValue::Undefined);
        cur = cur.toObject().value(part);
    }
    return cur;
}

QString fieldString(const QJsonObject &obj, const QString &dottedPath)
{
    const QJsonValue v = at(obj, dottedPath);
    if (v.isBool())
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    if (v.isDouble())
        return QString::number(v.toDouble());
    return v.toString();
}

QByteArray compact(const QJsonObject &obj)
{
    return QJsonDocument(obj).toJson(QJsonDocument::Compact);
}

QJsonObject parseObject(const QByteArray &bytes, QString *error)
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &pe);
    if (pe.error != QJsonParseError::NoError) {
        *error = QStringLiteral("invalid JSON at offset %1: %2").arg(pe.offset).arg(pe.errorString());
        return {};
    }
    if (!doc.isObject()) {
        *error = QStringLiteral("expected a JSON object");
        return {};
    }
    return doc.object();
}

QString metaString(const QJsonObject &obj, const QString &field)
{
    return obj.value(u"metadata").toObject().value(field).toString();
}

} // namespace kubesim::Json
