#include "accessreview.h"

#include "jsonutil.h"

#include <QHash>
#include <QJsonArray>

#include <optional>

namespace kubesim::AccessReview {
namespace {

QJsonObject status(int code, const QString &reason, const QString &message)
{
    return QJsonObject {{u"kind"_qs, u"Status"_qs}, {u"apiVersion"_qs, u"v1"_qs},
        {u"metadata"_qs, QJsonObject {}}, {u"status"_qs, u"Failure"_qs}, {u"message"_qs, message},
        {u"reason"_qs, reason}, {u"code"_qs, code}};
}

// The length-delimited fields (strings, bytes, messages) of one protocol buffer message, by field number
// (the last one wins); varint and fixed-size fields are skipped. Empty with *ok false when malformed.
QHash<int, QByteArray> protoFields(const QByteArray &msg, bool *ok)
{
    QHash<int, QByteArray> out;
    qsizetype pos = 0;
    auto varint = [&](quint64 *v) {
        *v = 0;
        for (int shift = 0; shift < 64 && pos < msg.size(); shift += 7) {
            const auto b = static_cast<quint8>(msg[pos++]);
            *v |= quint64(b & 0x7f) << shift;
            if (!(b & 0x80))
                return true;
        }
        return false;
    };
    *ok = true;
    while (pos < msg.size()) {
        quint64 key = 0, len = 0;
        if (!varint(&key)) {
            *ok = false;
            return {};
        }
        switch (key & 7) {
        case 0:
            if (!varint(&len))
                *ok = false;
            break;
        case 1:
            pos += 8;
            break;
        case 5:
            pos += 4;
            break;
        case 2:
            if (!varint(&len) || len > quint64(msg.size() - pos)) {
                *ok = false;
                break;
            }
            out.insert(int(key >> 3), msg.mid(pos, qsizetype(len)));
            pos += qsizetype(len);
            break;
        default:
            *ok = false;
        }
        if (!*ok || pos > msg.size()) {
            *ok = false;
            return {};
        }
    }
    return out;
}

// A SelfSubjectAccessReview sent as Kubernetes protobuf (what kubectl's typed client sends): the "k8s\0"
// magic, a runtime.Unknown {typeMeta {apiVersion, kind}, raw}, raw = the review {metadata, spec
// {resourceAttributes {namespace, verb, group, version, resource, subresource, name}, nonResourceAttributes
// {path, verb}}}. Returned in its JSON shape.
std::optional<QJsonObject> reviewFromProtobuf(const QByteArray &body)
{
    if (!body.startsWith(QByteArray("k8s\0", 4)))
        return std::nullopt;
    bool ok = false;
    const auto unknown = protoFields(body.mid(4), &ok);
    if (!ok)
        return std::nullopt;
    const auto typeMeta = protoFields(unknown.value(1), &ok);
    const auto review = ok ? protoFields(unknown.value(2), &ok) : QHash<int, QByteArray> {};
    const auto spec = ok ? protoFields(review.value(2), &ok) : QHash<int, QByteArray> {};
    if (!ok)
        return std::nullopt;
    auto str = [](const QHash<int, QByteArray> &m, int f) { return QString::fromUtf8(m.value(f)); };
    QJsonObject specJson;
    if (spec.contains(1)) {
        const auto a = protoFields(spec.value(1), &ok);
        QJsonObject attrs;
        const char *names[] = {"namespace", "verb", "group", "version", "resource", "subresource", "name"};
        for (int f = 1; f <= 7; ++f)
            attrs.insert(QLatin1String(names[f - 1]), str(a, f));
        specJson.insert(u"resourceAttributes", attrs);
    }
    if (spec.contains(2)) {
        const auto n = protoFields(spec.value(2), &ok);
        specJson.insert(
            u"nonResourceAttributes", QJsonObject {{u"path"_qs, str(n, 1)}, {u"verb"_qs, str(n, 2)}});
    }
    if (!ok)
        return std::nullopt;
    return QJsonObject {
        {u"kind"_qs, str(typeMeta, 2)}, {u"apiVersion"_qs, str(typeMeta, 1)}, {u"spec"_qs, specJson}};
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

QPair<int, QJsonObject> review(const UserInfo &user, const QByteArray &contentType, const QByteArray &body)
{
    QString err;
    QJsonObject obj;
    if (contentType.startsWith("application/vnd.kubernetes.protobuf")) {
        const auto decoded = reviewFromProtobuf(body);
        if (decoded)
            obj = *decoded;
        else
            err = u"malformed protobuf"_qs;
    } else if (contentType.contains("json")) {
        obj = Json::parseObject(body, &err);
    } else {
        return {415,
            status(415, u"UnsupportedMediaType"_qs,
                QStringLiteral(
                    "the body of the request was in an unknown format - accepted media types include: "
                    "application/json, application/vnd.kubernetes.protobuf (got \"%1\")")
                    .arg(QString::fromLatin1(contentType)))};
    }
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
