#include "tableconverter.h"

#include "jsonutil.h"

#include <QDateTime>
#include <QJsonArray>

namespace kubesim {

namespace {

QString age(const QJsonObject &obj)
{
    const QDateTime t = QDateTime::fromString(Json::metaString(obj, u"creationTimestamp"_qs), Qt::ISODate);
    if (!t.isValid())
        return u"<unknown>"_qs;
    const qint64 s = t.secsTo(QDateTime::currentDateTimeUtc());
    if (s < 120)
        return QString::number(s) + u's';
    if (s < 7200)
        return QString::number(s / 60) + u'm';
    if (s < 172800)
        return QString::number(s / 3600) + u'h';
    return QString::number(s / 86400) + u'd';
}

QJsonObject column(const QString &name, const QString &type = u"string"_qs, int priority = 0)
{
    return QJsonObject {{u"name"_qs, name}, {u"type"_qs, type},
        {u"format"_qs, name == u"Name" ? u"name"_qs : u""_qs}, {u"description"_qs, name},
        {u"priority"_qs, priority}};
}

QString podStatus(const QJsonObject &pod)
{
    if (!Json::metaString(pod, u"deletionTimestamp"_qs).isEmpty())
        return u"Terminating"_qs;
    const QJsonObject status = pod.value(u"status").toObject();
    if (!status.value(u"reason").toString().isEmpty())
        return status.value(u"reason").toString();
    const QJsonObject cs = status.value(u"containerStatuses").toArray().first().toObject();
    const QJsonObject state = cs.value(u"state").toObject();
    if (state.contains(u"waiting"))
        return state.value(u"waiting").toObject().value(u"reason").toString();
    if (state.contains(u"terminated"))
        return state.value(u"terminated").toObject().value(u"reason").toString();
    return status.value(u"phase").toString();
}

} // namespace

bool TableConverter::wantsTable(const QByteArray &accept)
{
    return accept.contains("as=Table");
}

QJsonObject TableConverter::toTable(
    const QString &resource, const QList<QJsonObject> &objects, const QJsonObject &listMeta)
{
    QJsonArray cols {column(u"Name"_qs)};
    if (resource == u"pods")
        cols = {column(u"Name"_qs), column(u"Ready"_qs), column(u"Status"_qs), column(u"Restarts"_qs),
            column(u"Age"_qs), column(u"IP"_qs, u"string"_qs, 1), column(u"Node"_qs, u"string"_qs, 1)};
    else if (resource == u"nodes")
        cols = {column(u"Name"_qs), column(u"Status"_qs), column(u"Roles"_qs), column(u"Age"_qs),
            column(u"Version"_qs), column(u"Internal-IP"_qs, u"string"_qs, 1),
            column(u"External-IP"_qs, u"string"_qs, 1)};
    else if (resource == u"services")
        cols = {column(u"Name"_qs), column(u"Type"_qs), column(u"Cluster-IP"_qs), column(u"External-IP"_qs),
            column(u"Port(s)"_qs), column(u"Age"_qs), column(u"Selector"_qs, u"string"_qs, 1)};
    else if (resource == u"namespaces")
        cols = {column(u"Name"_qs), column(u"Status"_qs), column(u"Age"_qs)};
    else if (resource == u"events")
        cols = {column(u"Last Seen"_qs), column(u"Type"_qs), column(u"Reason"_qs), column(u"Object"_qs),
            column(u"Message"_qs)};
    else
        cols.append(column(u"Age"_qs));
    QJsonArray rows;
    for (const QJsonObject &o : objects) {
        const QString name = Json::metaString(o, u"name"_qs);
        QJsonArray cells {name};
        if (resource == u"pods") {
            const QJsonArray cs = o.value(u"status").toObject().value(u"containerStatuses").toArray();
            int ready = 0;
            for (const QJsonValue &c : cs)
                ready += c.toObject().value(u"ready").toBool() ? 1 : 0;
            const qsizetype total = o.value(u"spec").toObject().value(u"containers").toArray().size();
            cells = {name, QStringLiteral("%1/%2").arg(ready).arg(total), podStatus(o), 0, age(o),
                Json::fieldString(o, u"status.podIP"_qs), Json::fieldString(o, u"spec.nodeName"_qs)};
        } else if (resource == u"nodes") {
            QString internal, external;
            for (const QJsonValue &a : o.value(u"status").toObject().value(u"addresses").toArray()) {
                if (a.toObject().value(u"type").toString() == u"InternalIP")
                    internal = a.toObject().value(u"address").toString();
                if (a.toObject().value(u"type").toString() == u"ExternalIP")
                    external = a.toObject().value(u"address").toString();
            }
            cells = {name, u"Ready"_qs, u"<none>"_qs, age(o),
                Json::fieldString(o, u"status.nodeInfo.kubeletVersion"_qs), internal, external};
        } else if (resource == u"services") {
            QStringList ports;
            for (const QJsonValue &p : o.value(u"spec").toObject().value(u"ports").toArray()) {
                const QJsonObject po = p.toObject();
                QString s = QString::number(po.value(u"port").toInt());
                if (po.contains(u"nodePort"))
                    s += u':' + QString::number(po.value(u"nodePort").toInt());
                ports << s + u'/' + po.value(u"protocol").toString(u"TCP"_qs);
            }
            const QString ext = o.value(u"status")
                                    .toObject()
                                    .value(u"loadBalancer")
                                    .toObject()
                                    .value(u"ingress")
                                    .toArray()
                                    .first()
                                    .toObject()
                                    .value(u"ip")
                                    .toString(u"<none>"_qs);
            QStringList sel;
            const QJsonObject selector = o.value(u"spec").toObject().value(u"selector").toObject();
            for (auto it = selector.begin(); it != selector.end(); ++it)
                sel << it.key() + u'=' + it.value().toString();
            cells = {name, Json::fieldString(o, u"spec.type"_qs), Json::fieldString(o, u"spec.clusterIP"_qs),
                ext, ports.join(u','), age(o), sel.join(u',')};
        } else if (resource == u"namespaces") {
            cells = {name, Json::fieldString(o, u"status.phase"_qs), age(o)};
        } else if (resource == u"events") {
            cells = {age(o), o.value(u"type").toString(), o.value(u"reason").toString(),
                QString(u"pod/"_qs + Json::fieldString(o, u"involvedObject.name"_qs)),
                o.value(u"message").toString()};
        } else {
            cells.append(age(o));
        }
        QJsonObject partial {{u"kind"_qs, u"PartialObjectMetadata"_qs},
            {u"apiVersion"_qs, u"meta.k8s.io/v1"_qs}, {u"metadata"_qs, o.value(u"metadata")}};
        rows.append(QJsonObject {{u"cells"_qs, cells}, {u"object"_qs, partial}});
    }
    return QJsonObject {{u"kind"_qs, u"Table"_qs}, {u"apiVersion"_qs, u"meta.k8s.io/v1"_qs},
        {u"metadata"_qs, listMeta}, {u"columnDefinitions"_qs, cols}, {u"rows"_qs, rows}};
}

} // namespace kubesim
