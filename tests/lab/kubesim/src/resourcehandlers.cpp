// kubesim: ApiServer's list/get/create/delete handlers (split from apiserver.cpp to keep files small).
#include "apiserver.h"
#include "httpconnection.h"
#include "jsonutil.h"
#include "labobjects.h"
#include "objectstore.h"
#include "podadmission.h"
#include "podruntime.h"
#include "resources.h"
#include "selector.h"
#include "tableconverter.h"
#include "watchstream.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>

namespace kubesim {

namespace {

QJsonObject withKind(QJsonObject obj, const ResourceInfo &r)
{
    obj.insert(u"kind", r.kind);
    obj.insert(u"apiVersion", r.apiVersion());
    return obj;
}

QString randomSuffix(int n)
{
    static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
    QString s;
    for (int i = 0; i < n; ++i)
        s += QLatin1Char(alphabet[QRandomGenerator::global()->bounded(int(sizeof(alphabet) - 1))]);
    return s;
}

} // namespace

void ApiServer::list(HttpConnection *conn, const HttpRequest &req, const ApiTarget &t)
{
    QString err;
    const auto labels = LabelSelector::parse(req.queryValue(u"labelSelector"_qs), &err);
    if (!labels) {
        error(conn, 400, u"BadRequest"_qs, err);
        return;
    }
    const auto fields = FieldSelector::parse(req.queryValue(u"fieldSelector"_qs), &err);
    if (!fields) {
        error(conn, 400, u"BadRequest"_qs, err);
        return;
    }
    QStringList supported = t.resource->fieldLabels;
    supported << u"metadata.name"_qs << u"metadata.namespace"_qs;
    if (const QString bad = fields->unsupportedKey(supported); !bad.isEmpty()) {
        error(conn, 400, u"BadRequest"_qs, QStringLiteral("field label not supported: %1").arg(bad));
        return;
    }
    const bool table = TableConverter::wantsTable(req.header("accept"));
    if (req.queryBool(u"watch"_qs)) {
        WatchRequest w {t.resource->name, t.ns, *labels, *fields, req.queryValue(u"resourceVersion"_qs),
            req.queryValue(u"timeoutSeconds"_qs, u"1800"_qs).toInt(), table};
        (new WatchStream(conn, m_store, w))->start();
        return;
    }
    QList<QJsonObject> items;
    for (const QJsonObject &obj : m_store.list(t.resource->name, t.ns)) {
        if (!labels->matches(obj.value(u"metadata").toObject().value(u"labels").toObject()))
            continue;
        if (!fields->matches([&obj](const QString &k) { return Json::fieldString(obj, k); }))
            continue;
        items << obj;
    }
    // Paging: the continue token names the last key returned (namespace/name), base64url-encoded.
    const QString cont = req.queryValue(u"continue"_qs);
    if (!cont.isEmpty()) {
        const QString after
            = QString::fromUtf8(QByteArray::fromBase64(cont.toLatin1(), QByteArray::Base64UrlEncoding));
        if (after.isEmpty()) {
            error(conn, 400, u"BadRequest"_qs,
                u"continue key is not valid: the token was not produced by kubesim"_qs);
            return;
        }
        QList<QJsonObject> rest;
        for (const QJsonObject &o : std::as_const(items)) {
            if (Json::metaString(o, u"namespace"_qs) + u'/' + Json::metaString(o, u"name"_qs) > after)
                rest << o;
        }
        items = rest;
    }
    QJsonObject listMeta {{u"resourceVersion"_qs, QString::number(m_store.currentResourceVersion())}};
    const int limit = req.queryValue(u"limit"_qs).toInt();
    if (limit > 0 && items.size() > limit) {
        const qsizetype remaining = items.size() - limit;
        items = items.mid(0, limit);
        const QString last = Json::metaString(items.last(), u"namespace"_qs) + u'/'
            + Json::metaString(items.last(), u"name"_qs);
        listMeta.insert(
            u"continue", QString::fromLatin1(last.toUtf8().toBase64(QByteArray::Base64UrlEncoding)));
        listMeta.insert(u"remainingItemCount", qint64(remaining));
    }
    if (table) {
        reply(conn, 200, TableConverter::toTable(t.resource->name, items, listMeta));
        return;
    }
    QJsonArray arr;
    for (QJsonObject o : std::as_const(items)) {
        o.remove(u"kind");
        o.remove(u"apiVersion");
        arr.append(o);
    }
    reply(conn, 200,
        QJsonObject {{u"kind"_qs, QString(t.resource->kind + u"List"_qs)},
            {u"apiVersion"_qs, t.resource->apiVersion()}, {u"metadata"_qs, listMeta}, {u"items"_qs, arr}});
}

void ApiServer::get(HttpConnection *conn, const HttpRequest &req, const ApiTarget &t)
{
    const auto obj = m_store.get(t.resource->name, t.ns, t.name);
    if (!obj) {
        notFound(conn, t);
        return;
    }
    if (TableConverter::wantsTable(req.header("accept")))
        reply(conn, 200,
            TableConverter::toTable(t.resource->name, {*obj},
                QJsonObject {{u"resourceVersion"_qs, Json::metaString(*obj, u"resourceVersion"_qs)}}));
    else
        reply(conn, 200, withKind(*obj, *t.resource));
}

void ApiServer::create(HttpConnection *conn, const HttpRequest &req, const ApiTarget &t)
{
    if (!req.header("content-type").contains("json")) {
        error(conn, 415, u"UnsupportedMediaType"_qs,
            QStringLiteral("the body of the request was in an unknown format - accepted media types include: "
                           "application/json (got \"%1\")")
                .arg(QString::fromLatin1(req.header("content-type"))));
        return;
    }
    QString err;
    QJsonObject obj = Json::parseObject(req.body, &err);
    if (!err.isEmpty()) {
        error(conn, 400, u"BadRequest"_qs,
            QStringLiteral("the request body is not a %1: %2").arg(t.resource->kind, err));
        return;
    }
    if (obj.value(u"kind").toString() != t.resource->kind) {
        error(conn, 400, u"BadRequest"_qs,
            QStringLiteral("expected kind %1 in the request body, got \"%2\"")
                .arg(t.resource->kind, obj.value(u"kind").toString()));
        return;
    }
    QJsonObject meta = obj.value(u"metadata").toObject();
    if (t.resource->namespaced) {
        const QString bodyNs = meta.value(u"namespace").toString();
        if (!bodyNs.isEmpty() && bodyNs != t.ns) {
            error(conn, 400, u"BadRequest"_qs,
                u"the namespace of the provided object does not match the namespace sent on the request"_qs);
            return;
        }
        meta.insert(u"namespace", t.ns);
    }
    for (const char *k : {"uid", "resourceVersion", "creationTimestamp", "deletionTimestamp"})
        meta.remove(QString::fromLatin1(k));
    if (meta.value(u"name").toString().isEmpty() && !meta.value(u"generateName").toString().isEmpty())
        meta.insert(u"name", QString(meta.value(u"generateName").toString() + randomSuffix(5)));
    obj.insert(u"metadata", meta);
    if (t.resource->name == u"pods") {
        createPod(conn, req, t, obj);
        return;
    }
    if (t.resource->name != u"namespaces") {
        error(conn, 405, u"MethodNotAllowed"_qs,
            QStringLiteral("kubesim serves %1 from lab.json and does not create them").arg(t.resource->name));
        return;
    }
    const QString name = meta.value(u"name").toString();
    if (name.isEmpty()) {
        error(conn, 422, u"Invalid"_qs,
            u"Namespace \"\" is invalid: metadata.name: Required value: name or generateName is required"_qs);
        return;
    }
    QJsonObject labels = meta.value(u"labels").toObject();
    labels.insert(u"kubernetes.io/metadata.name", name);
    meta.insert(u"labels", labels);
    obj.insert(u"metadata", meta);
    obj.insert(u"spec", QJsonObject {{u"finalizers"_qs, QJsonArray {u"kubernetes"_qs}}});
    obj.insert(u"status", QJsonObject {{u"phase"_qs, u"Active"_qs}});
    const auto stored = m_store.create(u"namespaces"_qs, withKind(obj, *t.resource));
    if (!stored) {
        error(conn, 409, u"AlreadyExists"_qs, QStringLiteral("namespaces \"%1\" already exists").arg(name),
            QJsonObject {{u"name"_qs, name}, {u"kind"_qs, u"namespaces"_qs}});
        return;
    }
    reply(conn, 201, *stored);
}

void ApiServer::createPod(HttpConnection *conn, const HttpRequest &req, const ApiTarget &t, QJsonObject pod)
{
    const QString name = Json::metaString(pod, u"name"_qs);
    if (const QString invalid = PodAdmission::validate(pod); !invalid.isEmpty()) {
        QJsonArray causes;
        for (const QString &c : invalid.split(u", "_qs)) {
            causes.append(QJsonObject {{u"reason"_qs, u"FieldValueRequired"_qs},
                {u"message"_qs, c.section(u": "_qs, 1)}, {u"field"_qs, c.section(u": "_qs, 0, 0)}});
        }
        error(conn, 422, u"Invalid"_qs, QStringLiteral("Pod \"%1\" is invalid: %2").arg(name, invalid),
            QJsonObject {{u"name"_qs, name}, {u"kind"_qs, u"Pod"_qs}, {u"causes"_qs, causes}});
        return;
    }
    const auto ns = m_store.get(u"namespaces"_qs, {}, t.ns);
    const QString level = ns->value(u"metadata")
                              .toObject()
                              .value(u"labels")
                              .toObject()
                              .value(u"pod-security.kubernetes.io/enforce")
                              .toString();
    if (const QString v = PodAdmission::podSecurityViolations(pod, level); !v.isEmpty()) {
        error(conn, 403, u"Forbidden"_qs,
            QStringLiteral("pods \"%1\" is forbidden: violates PodSecurity \"%2:latest\": %3")
                .arg(name, level, v),
            QJsonObject {{u"name"_qs, name}, {u"kind"_qs, u"pods"_qs}});
        return;
    }
    pod = PodAdmission::withDefaults(pod);
    if (req.queryValue(u"dryRun"_qs) == u"All") {
        reply(conn, 201, pod);
        return;
    }
    const auto stored = m_store.create(u"pods"_qs, pod);
    if (!stored) {
        error(conn, 409, u"AlreadyExists"_qs, QStringLiteral("pods \"%1\" already exists").arg(name),
            QJsonObject {{u"name"_qs, name}, {u"kind"_qs, u"pods"_qs}});
        return;
    }
    m_runtime.admit(*stored);
    reply(conn, 201, *stored);
}

void ApiServer::remove(HttpConnection *conn, const HttpRequest &req, const ApiTarget &t)
{
    const auto obj = m_store.get(t.resource->name, t.ns, t.name);
    if (!obj) {
        notFound(conn, t);
        return;
    }
    qint64 grace = -1;
    if (req.hasQuery(u"gracePeriodSeconds"_qs))
        grace = req.queryValue(u"gracePeriodSeconds"_qs).toLongLong();
    if (!req.body.isEmpty()) {
        QString err;
        const QJsonObject opts = Json::parseObject(req.body, &err);
        if (opts.contains(u"gracePeriodSeconds"))
            grace = opts.value(u"gracePeriodSeconds").toInteger();
    }
    if (t.resource->name == u"pods") {
        if (m_runtime.model().pod(t.ns, t.name)) {
            error(conn, 405, u"MethodNotAllowed"_qs,
                QStringLiteral(
                    "pod %1/%2 belongs to the lab's data plane (lab.json); change it with tests/lab/lab "
                    "fault, not through the API")
                    .arg(t.ns, t.name));
            return;
        }
        reply(conn, 200, withKind(m_runtime.beginDelete(*obj, grace), *t.resource));
        return;
    }
    if (t.resource->name == u"namespaces") {
        if (LabObjects::build(m_runtime.model()).contains({u"namespaces"_qs, *obj}) || t.name == u"default"
            || t.name.startsWith(u"kube-") || t.name == u"ibm-system") {
            error(conn, 403, u"Forbidden"_qs,
                QStringLiteral("namespaces \"%1\" is forbidden: this namespace may not be "
                               "deleted")
                    .arg(t.name));
            return;
        }
        for (const QJsonObject &pod : m_store.list(u"pods"_qs, t.name))
            m_runtime.beginDelete(pod, 0);
        QJsonObject gone = *obj;
        gone.insert(u"status", QJsonObject {{u"phase"_qs, u"Terminating"_qs}});
        m_store.remove(u"namespaces"_qs, {}, t.name);
        reply(conn, 200, withKind(gone, *t.resource));
        return;
    }
    error(conn, 405, u"MethodNotAllowed"_qs,
        QStringLiteral("kubesim serves %1 from lab.json and does not delete them").arg(t.resource->name));
}

} // namespace kubesim
