#include "core/kube/accessreview.h"

namespace lbs::kube {

QString AccessQuery::describe() const
{
    QString what = subresource.isEmpty() ? resource : resource + QLatin1Char('/') + subresource;
    if (!group.isEmpty())
        what += QLatin1Char('.') + group;
    return QStringLiteral("%1 %2 %3")
        .arg(verb, what,
            nameSpace.isEmpty() ? QStringLiteral("at the cluster scope")
                                : QStringLiteral("in namespace %1").arg(nameSpace));
}

QString AccessQuery::kubectl() const
{
    QString what = resource;
    if (!group.isEmpty())
        what += QLatin1Char('.') + group;
    if (!subresource.isEmpty())
        what += QLatin1Char('/') + subresource;
    return QStringLiteral("kubectl auth can-i %1 %2%3")
        .arg(verb, what, nameSpace.isEmpty() ? QString() : QStringLiteral(" -n ") + nameSpace);
}

Result<AccessDecision> reviewAccess(KubeClient &client, const AccessQuery &query, const CancelToken &cancel)
{
    QJsonObject attributes {{QStringLiteral("verb"), query.verb},
        {QStringLiteral("resource"), query.resource}, {QStringLiteral("group"), query.group}};
    if (!query.subresource.isEmpty())
        attributes.insert(QStringLiteral("subresource"), query.subresource);
    if (!query.nameSpace.isEmpty())
        attributes.insert(QStringLiteral("namespace"), query.nameSpace);
    const QJsonObject review {{QStringLiteral("apiVersion"), QStringLiteral("authorization.k8s.io/v1")},
        {QStringLiteral("kind"), QStringLiteral("SelfSubjectAccessReview")},
        {QStringLiteral("spec"), QJsonObject {{QStringLiteral("resourceAttributes"), attributes}}}};
    auto answer = client.post(
        QStringLiteral("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"), review, cancel);
    if (!answer)
        return answer.error();
    const QJsonObject status = answer->value(QStringLiteral("status")).toObject();
    if (!status.contains(QStringLiteral("allowed")))
        return Error {QStringLiteral("the SelfSubjectAccessReview for %1 came back without a decision")
                          .arg(query.describe())
                          .toStdString(),
            client.describe().toStdString(), {}, ErrorKind::Unsupported};
    AccessDecision d;
    d.allowed = status.value(QStringLiteral("allowed")).toBool();
    d.denied = status.value(QStringLiteral("denied")).toBool();
    d.reason = status.value(QStringLiteral("reason")).toString();
    d.evaluationError = status.value(QStringLiteral("evaluationError")).toString();
    return d;
}

QList<AccessQuery> debugPodAccessQueries(const QString &nameSpace)
{
    const QString pods = QStringLiteral("pods");
    return {{QStringLiteral("create"), pods, {}, {}, nameSpace},
        {QStringLiteral("get"), pods, {}, {}, nameSpace}, {QStringLiteral("delete"), pods, {}, {}, nameSpace},
        {QStringLiteral("create"), pods, QStringLiteral("exec"), {}, nameSpace}};
}

} // namespace lbs::kube
