#include "apiserver.h"

#include "accessreview.h"

#include "httpconnection.h"
#include "jsonutil.h"
#include "objectstore.h"
#include "resources.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace kubesim {

ApiServer::ApiServer(
    ObjectStore &store, PodRuntime &runtime, Authenticator &auth, QString labDir, QObject *parent)
    : QObject(parent), m_store(store), m_runtime(runtime), m_auth(auth), m_labDir(std::move(labDir))
{
}

QByteArray ApiServer::statusJson(
    int code, const QString &reason, const QString &message, const QJsonObject &details)
{
    QJsonObject s {{u"kind"_qs, u"Status"_qs}, {u"apiVersion"_qs, u"v1"_qs}, {u"metadata"_qs, QJsonObject {}},
        {u"status"_qs, u"Failure"_qs}, {u"message"_qs, message}, {u"reason"_qs, reason}, {u"code"_qs, code}};
    if (!details.isEmpty())
        s.insert(u"details", details);
    return QJsonDocument(s).toJson(QJsonDocument::Compact);
}

void ApiServer::reply(HttpConnection *conn, int code, const QJsonObject &body)
{
    conn->sendResponse(code, "application/json", QJsonDocument(body).toJson(QJsonDocument::Compact));
}

void ApiServer::error(
    HttpConnection *conn, int code, const QString &reason, const QString &message, const QJsonObject &details)
{
    conn->sendResponse(code, "application/json", statusJson(code, reason, message, details));
}

void ApiServer::notFound(HttpConnection *conn, const ApiTarget &t)
{
    error(conn, 404, u"NotFound"_qs, QStringLiteral("%1 \"%2\" not found").arg(t.resource->name, t.name),
        QJsonObject {{u"name"_qs, t.name}, {u"kind"_qs, t.resource->name}});
}

bool ApiServer::discovery(HttpConnection *conn, const HttpRequest &req, const QStringList &seg)
{
    const QString path = seg.join(u'/');
    if (path == u"version") {
        reply(conn, 200,
            QJsonObject {{u"major"_qs, u"1"_qs}, {u"minor"_qs, u"32"_qs},
                {u"gitVersion"_qs, u"v1.32.4+IKS"_qs}, {u"gitCommit"_qs, u"kubesim"_qs},
                {u"gitTreeState"_qs, u"clean"_qs}, {u"buildDate"_qs, u"2026-01-01T00:00:00Z"_qs},
                {u"goVersion"_qs, u"go1.23.8"_qs}, {u"compiler"_qs, u"gc"_qs},
                {u"platform"_qs, u"linux/amd64"_qs}});
    } else if (path == u"healthz" || path == u"livez" || path == u"readyz") {
        conn->sendResponse(200, "text/plain; charset=utf-8", "ok");
    } else if (path == u"api") {
        reply(conn, 200,
            QJsonObject {{u"kind"_qs, u"APIVersions"_qs}, {u"versions"_qs, QJsonArray {u"v1"_qs}},
                {u"serverAddressByClientCIDRs"_qs,
                    QJsonArray {QJsonObject {{u"clientCIDR"_qs, u"0.0.0.0/0"_qs},
                        {u"serverAddress"_qs, QStringLiteral("127.0.0.1:%1").arg(m_port)}}}}});
    } else if (path == u"api/v1") {
        reply(conn, 200, Resources::resourceList({}, u"v1"_qs));
    } else if (path == u"apis") {
        reply(conn, 200, Resources::apiGroupList());
    } else if (path == u"apis/discovery.k8s.io") {
        reply(conn, 200, Resources::apiGroup(u"discovery.k8s.io"_qs));
    } else if (path == u"apis/discovery.k8s.io/v1") {
        reply(conn, 200, Resources::resourceList(u"discovery.k8s.io"_qs, u"v1"_qs));
    } else if (const QJsonObject d = AccessReview::discovery(path); !d.isEmpty()) {
        reply(conn, 200, d);
    } else if (path.isEmpty()) {
        reply(conn, 200,
            QJsonObject {{u"paths"_qs,
                QJsonArray {u"/api"_qs, u"/api/v1"_qs, u"/apis"_qs, u"/apis/discovery.k8s.io/v1"_qs,
                    u"/apis/authorization.k8s.io/v1"_qs, u"/healthz"_qs, u"/version"_qs}}});
    } else {
        return false;
    }
    Q_UNUSED(req);
    return true;
}

void ApiServer::openApi(HttpConnection *conn, const QStringList &seg)
{
    // Just enough OpenAPI v3 for kubectl's field-validation probe (QueryParamVerifierV3: a PATCH operation
    // tagged with the kind's x-kubernetes-group-version-kind and a fieldValidation query parameter), so that
    // `kubectl apply/create` use server-side validation instead of downloading the protobuf OpenAPI v2.
    const QString path = seg.join(u'/');
    if (path == u"openapi/v3") {
        QJsonObject paths;
        for (const QString &gv : {u"api/v1"_qs, u"apis/discovery.k8s.io/v1"_qs})
            paths.insert(gv,
                QJsonObject {
                    {u"serverRelativeURL"_qs, QString(u"/openapi/v3/"_qs + gv + u"?hash=kubesim1"_qs)}});
        reply(conn, 200, QJsonObject {{u"paths"_qs, paths}});
        return;
    }
    QString group, version;
    if (path == u"openapi/v3/api/v1") {
        version = u"v1"_qs;
    } else if (path == u"openapi/v3/apis/discovery.k8s.io/v1") {
        group = u"discovery.k8s.io"_qs;
        version = u"v1"_qs;
    } else {
        error(
            conn, 404, u"NotFound"_qs, u"kubesim serves only /openapi/v3 and its group-version documents"_qs);
        return;
    }
    const QJsonArray params {QJsonObject {{u"name"_qs, u"fieldValidation"_qs}, {u"in"_qs, u"query"_qs},
        {u"schema"_qs, QJsonObject {{u"type"_qs, u"string"_qs}}}}};
    QJsonObject paths;
    for (const ResourceInfo &r : Resources::all()) {
        if (r.group != group || r.version != version)
            continue;
        const QString base = group.isEmpty() ? u"/api/v1"_qs : QString(u"/apis/"_qs + group + u'/' + version);
        const QString item = r.namespaced
            ? QString(base + u"/namespaces/{namespace}/"_qs + r.name + u"/{name}"_qs)
            : QString(base + u'/' + r.name + u"/{name}"_qs);
        const QJsonObject gvk {{u"group"_qs, group}, {u"version"_qs, version}, {u"kind"_qs, r.kind}};
        paths.insert(item,
            QJsonObject {{u"patch"_qs,
                QJsonObject {{u"x-kubernetes-group-version-kind"_qs, gvk},
                    {u"x-kubernetes-action"_qs, u"patch"_qs}, {u"parameters"_qs, params}}}});
    }
    reply(conn, 200,
        QJsonObject {{u"openapi"_qs, u"3.0.0"_qs},
            {u"info"_qs, QJsonObject {{u"title"_qs, u"Kubernetes"_qs}, {u"version"_qs, u"v1.32.4"_qs}}},
            {u"paths"_qs, paths}});
}

std::optional<ApiTarget> ApiServer::parseTarget(const QStringList &seg, QString *error) const
{
    QString group, version;
    QStringList rest;
    if (seg.size() >= 3 && seg[0] == u"api" && seg[1] == u"v1") {
        version = seg[1];
        rest = seg.mid(2);
    } else if (seg.size() >= 4 && seg[0] == u"apis") {
        group = seg[1];
        version = seg[2];
        rest = seg.mid(3);
    } else {
        *error = u"the server could not find the requested resource"_qs;
        return std::nullopt;
    }
    ApiTarget t;
    if (rest.size() >= 3 && rest[0] == u"namespaces") {
        t.ns = rest[1];
        rest = rest.mid(2);
    }
    t.resource = Resources::find(group, version, rest.value(0));
    if (!t.resource || rest.size() > 3 || (!t.ns.isEmpty() && !t.resource->namespaced)) {
        *error = u"the server could not find the requested resource"_qs;
        return std::nullopt;
    }
    t.name = rest.value(1);
    t.subresource = rest.value(2);
    return t;
}

QString ApiServer::verbFor(const HttpRequest &req, const ApiTarget &t) const
{
    if (t.subresource == u"exec")
        return u"create"_qs; // pods/exec needs create (and get for the upgrade); see docs/protocol-notes.md,
                             // "Exec over WebSocket"
    if (req.method == "GET")
        return t.name.isEmpty() ? (req.queryBool(u"watch"_qs) ? u"watch"_qs : u"list"_qs) : u"get"_qs;
    if (req.method == "POST")
        return u"create"_qs;
    if (req.method == "DELETE")
        return u"delete"_qs;
    if (req.method == "PATCH")
        return u"patch"_qs;
    return u"update"_qs;
}

void ApiServer::handle(HttpConnection *conn, const HttpRequest &req)
{
    const QStringList seg = req.path.split(u'/', Qt::SkipEmptyParts);
    const auto user = m_auth.authenticate(conn->socket(), req.header("authorization"));
    // Like kube-apiserver with anonymous auth: no credentials at all may still read /version and health.
    const bool anonymousOk = req.header("authorization").isEmpty() && req.method == "GET"
        && (req.path == u"/version" || req.path == u"/healthz" || req.path == u"/livez"
            || req.path == u"/readyz");
    if (!user && anonymousOk && discovery(conn, req, seg))
        return;
    if (!user) {
        error(conn, 401, u"Unauthorized"_qs, u"Unauthorized"_qs);
        return;
    }
    if (req.method == "GET" && discovery(conn, req, seg))
        return;
    if (seg.value(0) == u"openapi") {
        openApi(conn, seg);
        return;
    }
    if (AccessReview::isReviewPath(seg)) {
        if (req.method != "POST") {
            error(conn, 405, u"MethodNotAllowed"_qs,
                u"the server does not allow this method on the requested resource"_qs);
            return;
        }
        const auto [code, body] = AccessReview::review(*user, req.header("content-type"), req.body);
        reply(conn, code, body);
        return;
    }
    QString parseError;
    const auto target = parseTarget(seg, &parseError);
    if (!target) {
        error(conn, 404, u"NotFound"_qs, parseError);
        return;
    }
    const ApiTarget &t = *target;
    const QString verb = verbFor(req, t);
    const QString fullResource
        = t.subresource.isEmpty() ? t.resource->name : t.resource->name + u'/' + t.subresource;
    if (!Authenticator::allowed(*user, verb)) {
        QString msg = t.name.isEmpty()
            ? fullResource + u" is forbidden: "_qs
            : QStringLiteral("%1 \"%2\" is forbidden: ").arg(t.resource->name, t.name);
        msg += QStringLiteral("User \"%1\" cannot %2 resource \"%3\" in API group \"%4\"")
                   .arg(user->name, verb, fullResource, t.resource->group);
        msg += t.ns.isEmpty() ? u" at the cluster scope"_qs
                              : QStringLiteral(" in the namespace \"%1\"").arg(t.ns);
        QJsonObject details {{u"kind"_qs, t.resource->name}};
        if (!t.name.isEmpty())
            details.insert(u"name", t.name);
        error(conn, 403, u"Forbidden"_qs, msg, details);
        return;
    }
    if (t.resource->namespaced && !t.ns.isEmpty() && req.method == "POST"
        && !m_store.get(u"namespaces"_qs, {}, t.ns)) {
        error(conn, 404, u"NotFound"_qs, QStringLiteral("namespaces \"%1\" not found").arg(t.ns),
            QJsonObject {{u"name"_qs, t.ns}, {u"kind"_qs, u"namespaces"_qs}});
        return;
    }
    if (!t.subresource.isEmpty()) {
        const auto obj = m_store.get(t.resource->name, t.ns, t.name);
        if (t.resource->name == u"pods" && (t.subresource == u"log" || t.subresource == u"exec")) {
            if (!obj) {
                notFound(conn, t);
                return;
            }
            if (t.subresource == u"log" && req.method == "GET")
                podLog(conn, req, t, *obj);
            else if (t.subresource == u"exec")
                podExec(conn, req, t, *obj);
            else
                error(conn, 405, u"MethodNotAllowed"_qs,
                    u"the server does not allow this method on the requested resource"_qs);
            return;
        }
        if (t.subresource == u"status" && req.method == "GET") {
            if (obj)
                reply(conn, 200, *obj);
            else
                notFound(conn, t);
            return;
        }
        error(conn, 404, u"NotFound"_qs, u"the server could not find the requested resource"_qs);
        return;
    }
    if (req.method == "GET" && t.name.isEmpty())
        list(conn, req, t);
    else if (req.method == "GET")
        get(conn, req, t);
    else if (req.method == "POST" && t.name.isEmpty())
        create(conn, req, t);
    else if (req.method == "DELETE" && !t.name.isEmpty())
        remove(conn, req, t);
    else
        error(conn, 405, u"MethodNotAllowed"_qs,
            QStringLiteral(
                "kubesim does not support %1 on %2 (it serves get, list, watch, create and delete)")
                .arg(QString::fromLatin1(req.method), fullResource));
}

} // namespace kubesim
