#include "accessreview.h"

#include "jsonutil.h"

#include <QJsonArray>

namespace kubesim::AccessReview {
namespace {

QJsonObject status(int code, const QString &reason, const QString &message)
{
    return QJsonObject {{u"kind"_qs, u"Status"_qs}, {u"apiVersion"_qs, u"v1"_qs},
        {u"metadata"_qs, QJsonObject {}}, {u"status"_qs, u"Failure"_qs}, {u"message"_qs, message},
        {u"reason"_qs, reason}, {u"code"_qs, code}};
}

} // namespace

QJsonObject discovery(const QString &path)
{
    const QString group = QString::fromUtf16(Group);
    const QJsonObject gv {{u"groupVersion"_qs, QString(group + u"/v1"_qs)}, {u"version"_qs, u"v1"_qs}};
    if (path == QStringLiteral("apis/") + group)
        return QJsonObject {{u"kind"_qs, u"APIGroup"_qs}, {u"apiVersion"_qs, u"v1"_qs}, {u"name"_qs, group},
            {u"versions"_qs, QJsonArray {gv}}, {u"preferredVersion"_qs, gv}};
    if (path == QStringLiteral("apis/") + group + QStringLiteral("/v1"))
        return QJsonObject {{u"kind"_qs, u"APIResourceList"_qs}, {u"apiVersion"_qs, u"v1"_qs},
            {u"groupVersion"_qs, QString(group + u"/v1"_qs)},
            {u"resources"_qs,
                QJsonArray {QJsonObject {{u"name"_qs, u"selfsubjectaccessreviews"_qs},
                    {u"singularName"_qs, u""_qs}, {u"namespaced"_qs, false},
                    {u"kind"_qs, u"SelfSubjectAccessReview"_qs}, {u"verbs"_qs, QJsonArray {u"create"_qs}}}}}};
    return {};
}

bool isReviewPath(const QStringList &seg)
{
    return seg.size() == 4 && seg[0] == u"apis" && seg[1] == QString::fromUtf16(Group) && seg[2] == u"v1"
        && seg[3] == u"selfsubjectaccessreviews";
}

QPair<int, QJsonObject> review(const UserInfo &user, const QByteArray &body)
{
    QString err;
    QJsonObject obj = Json::parseObject(body, &err);
    if (!err.isEmpty())
        return {400,
            status(400, u"BadRequest"_qs, u"the request body is not a SelfSubjectAccessReview: "_qs + err)};
    if (obj.value(u"kind").toString() != u"SelfSubjectAccessReview")
        return {400,
            status(400, u"BadRequest"_qs,
                QStringLiteral("expected kind SelfSubjectAccessReview in the request body, got \"%1\"")
                    .arg(obj.value(u"kind").toString()))};
    const QJsonObject spec = obj.value(u"spec").toObject();
    const QJsonObject attrs = spec.value(u"resourceAttributes").toObject();
    const QJsonObject nonResource = spec.value(u"nonResourceAttributes").toObject();
    if (attrs.isEmpty() == nonResource.isEmpty())
        return {422,
            status(422, u"Invalid"_qs,
                u"SelfSubjectAccessReview.authorization.k8s.io \"\" is invalid: spec.resourceAttributes: "
                u"Invalid "
                "value: exactly one of nonResourceAttributes or resourceAttributes must be specified"_qs)};
    const QString verb = (attrs.isEmpty() ? nonResource : attrs).value(u"verb").toString();
    const bool allowed = Authenticator::allowed(user, verb);
    QJsonObject st {{u"allowed"_qs, allowed}};
    if (allowed)
        st.insert(u"reason",
            user.isAdmin()
                ? u"RBAC: allowed by ClusterRoleBinding \"cluster-admin\" of ClusterRole \"cluster-admin\" "
                  "to Group \"system:masters\""_qs
                : QStringLiteral("RBAC: allowed by ClusterRoleBinding \"lab-view\" of ClusterRole \"view\" "
                                 "to User \"%1\"")
                      .arg(user.name));
    obj.insert(u"apiVersion", u"authorization.k8s.io/v1"_qs);
    obj.insert(u"metadata", QJsonObject {{u"creationTimestamp"_qs, QJsonValue::Null}});
    obj.insert(u"status", st);
    return {201, obj};
}

} // namespace kubesim::AccessReview
