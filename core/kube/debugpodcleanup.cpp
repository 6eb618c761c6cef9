// cleanupLeftovers(): lbscope debug pods left behind by a dropped session (declared in debugpod.h).
#include "core/kube/debugpod.h"

#include "core/kube/kubeerrors.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace lbs::kube {

Result<CleanupReport> cleanupLeftovers(
    KubeClient &client, const QString &nameSpace, const QString &owner, bool all, const CancelToken &cancel)
{
    QUrlQuery q;
    addQueryValue(q, QStringLiteral("labelSelector"),
        QStringLiteral("%1=%2").arg(
            QString::fromLatin1(kManagedByLabel), QString::fromLatin1(kManagedByValue)));
    auto pods = client.list(nameSpace.isEmpty()
            ? QStringLiteral("/api/v1/pods")
            : QStringLiteral("/api/v1/namespaces/%1/pods").arg(pathSegment(nameSpace)),
        cancel, q);
    if (!pods)
        return pods.error();
    CleanupReport report;
    const QJsonObject opts {{QStringLiteral("apiVersion"), QStringLiteral("v1")},
        {QStringLiteral("kind"), QStringLiteral("DeleteOptions")}, {QStringLiteral("gracePeriodSeconds"), 1}};
    for (const QJsonValue &v : *pods) {
        const QJsonObject meta = v.toObject().value(QStringLiteral("metadata")).toObject();
        const QString ns = meta.value(QStringLiteral("namespace")).toString();
        const QString name = meta.value(QStringLiteral("name")).toString();
        const QString podOwner = meta.value(QStringLiteral("annotations"))
                                     .toObject()
                                     .value(QStringLiteral("lbscope/owner"))
                                     .toString();
        const QString phase = v.toObject()
                                  .value(QStringLiteral("status"))
                                  .toObject()
                                  .value(QStringLiteral("phase"))
                                  .toString();
        const bool ended = phase == QLatin1String("Failed") || phase == QLatin1String("Succeeded");
        if (!all && !ended && podOwner != owner) {
            report.kept << QStringLiteral("%1/%2 (owner %3, %4)")
                               .arg(ns, name, podOwner.isEmpty() ? QStringLiteral("unknown") : podOwner,
                                   phase.isEmpty() ? QStringLiteral("no phase") : phase);
            continue;
        }
        auto r = client.request("DELETE",
            QStringLiteral("/api/v1/namespaces/%1/pods/%2").arg(pathSegment(ns), pathSegment(name)), {},
            QJsonDocument(opts).toJson(QJsonDocument::Compact), "application/json", cancel);
        const QString id = ns + QLatin1Char('/') + name;
        if (r && (r->status == 200 || r->status == 202 || r->status == 404))
            report.deleted << id;
        else if (r)
            report.failed << id + QStringLiteral(": ")
                    + QString::fromStdString(
                        mapHttpError(r->status, r->body, QStringLiteral("delete"), client.errorContext())
                            .message);
        else
            report.failed << id + QStringLiteral(": ") + QString::fromStdString(r.error().message);
    }
    return report;
}

QJsonObject CleanupReport::toJson() const
{
    return QJsonObject {{QStringLiteral("deleted"), QJsonArray::fromStringList(deleted)},
        {QStringLiteral("failed"), QJsonArray::fromStringList(failed)},
        {QStringLiteral("kept"), QJsonArray::fromStringList(kept)}};
}

} // namespace lbs::kube
