#include "eventrecorder.h"

#include "jsonutil.h"
#include "objectstore.h"

#include <QDateTime>

namespace kubesim {

void EventRecorder::podEvent(const QJsonObject &pod, const QString &type, const QString &reason,
    const QString &message, const QString &component, const QString &fieldPath)
{
    const QJsonObject meta = pod.value(u"metadata").toObject();
    const QString ns = meta.value(u"namespace").toString();
    const QString name = meta.value(u"name").toString();
    const QString host = Json::fieldString(pod, u"spec.nodeName"_qs);
    const QString now = Json::nowRfc3339();
    const QString evName = QStringLiteral("%1.%2").arg(name).arg(
        quint64(QDateTime::currentMSecsSinceEpoch()) * 1000 + (++m_seq % 1000), 16, 16, QLatin1Char('0'));
    QJsonObject involved {{u"kind"_qs, u"Pod"_qs}, {u"namespace"_qs, ns}, {u"name"_qs, name},
        {u"uid"_qs, meta.value(u"uid")}, {u"apiVersion"_qs, u"v1"_qs},
        {u"resourceVersion"_qs, meta.value(u"resourceVersion")}};
    if (!fieldPath.isEmpty())
        involved.insert(u"fieldPath", fieldPath);
    QJsonObject source {{u"component"_qs, component}};
    if (component == u"kubelet" && !host.isEmpty())
        source.insert(u"host", host);
    const QJsonObject ev {{u"apiVersion"_qs, u"v1"_qs}, {u"kind"_qs, u"Event"_qs},
        {u"metadata"_qs, QJsonObject {{u"name"_qs, evName}, {u"namespace"_qs, ns}}},
        {u"involvedObject"_qs, involved}, {u"reason"_qs, reason}, {u"message"_qs, message},
        {u"source"_qs, source}, {u"firstTimestamp"_qs, now}, {u"lastTimestamp"_qs, now}, {u"count"_qs, 1},
        {u"type"_qs, type}, {u"reportingComponent"_qs, component},
        {u"reportingInstance"_qs, component == u"kubelet" ? host : QString()}};
    m_store.create(u"events"_qs, ev);
}

} // namespace kubesim
