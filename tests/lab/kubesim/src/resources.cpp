#include "resources.h"

#include <QJsonArray>

namespace kubesim {

const QList<ResourceInfo> &Resources::all()
{
    static const QList<ResourceInfo> list = [] {
        const QStringList ro {u"get"_qs, u"list"_qs, u"watch"_qs};
        const QStringList rw {u"create"_qs, u"delete"_qs, u"get"_qs, u"list"_qs, u"watch"_qs};
        return QList<ResourceInfo> {
            {u"namespaces"_qs, u"Namespace"_qs, {}, u"v1"_qs, false, {u"ns"_qs}, rw, {u"status.phase"_qs}},
            {u"nodes"_qs, u"Node"_qs, {}, u"v1"_qs, false, {u"no"_qs}, ro, {u"spec.unschedulable"_qs}},
            {u"pods"_qs, u"Pod"_qs, {}, u"v1"_qs, true, {u"po"_qs}, rw,
                {u"spec.nodeName"_qs, u"status.phase"_qs, u"spec.restartPolicy"_qs, u"spec.schedulerName"_qs,
                    u"spec.serviceAccountName"_qs, u"spec.hostNetwork"_qs, u"status.podIP"_qs,
                    u"status.nominatedNodeName"_qs}},
            {u"services"_qs, u"Service"_qs, {}, u"v1"_qs, true, {u"svc"_qs}, ro, {}},
            {u"events"_qs, u"Event"_qs, {}, u"v1"_qs, true, {u"ev"_qs}, ro,
                {u"involvedObject.kind"_qs, u"involvedObject.namespace"_qs, u"involvedObject.name"_qs,
                    u"involvedObject.uid"_qs, u"involvedObject.apiVersion"_qs,
                    u"involvedObject.resourceVersion"_qs, u"involvedObject.fieldPath"_qs, u"reason"_qs,
                    u"reportingComponent"_qs, u"source"_qs, u"type"_qs}},
            {u"endpointslices"_qs, u"EndpointSlice"_qs, u"discovery.k8s.io"_qs, u"v1"_qs, true, {}, ro, {}},
        };
    }();
    return list;
}

const ResourceInfo *Resources::find(const QString &group, const QString &version, const QString &name)
{
    for (const ResourceInfo &r : all()) {
        if (r.group == group && r.version == version && r.name == name)
            return &r;
    }
    return nullptr;
}

QJsonObject Resources::resourceList(const QString &group, const QString &version)
{
    QJsonArray resources;
    for (const ResourceInfo &r : all()) {
        if (r.group != group || r.version != version)
            continue;
        QJsonObject o {{u"name"_qs, r.name}, {u"singularName"_qs, r.kind.toLower()},
            {u"namespaced"_qs, r.namespaced}, {u"kind"_qs, r.kind},
            {u"verbs"_qs, QJsonArray::fromStringList(r.verbs)}};
        if (!r.shortNames.isEmpty())
            o.insert(u"shortNames", QJsonArray::fromStringList(r.shortNames));
        if (r.name == u"pods")
            o.insert(u"categories", QJsonArray {u"all"_qs});
        if (r.name == u"services")
            o.insert(u"categories", QJsonArray {u"all"_qs});
        resources.append(o);
        auto sub = [&](const QString &suffix, const QString &kind, const QStringList &verbs) {
            resources.append(QJsonObject {{u"name"_qs, QString(r.name + u'/' + suffix)},
                {u"singularName"_qs, u""_qs}, {u"namespaced"_qs, r.namespaced}, {u"kind"_qs, kind},
                {u"verbs"_qs, QJsonArray::fromStringList(verbs)}});
        };
        if (r.name == u"pods") {
            sub(u"exec"_qs, u"PodExecOptions"_qs, {u"create"_qs, u"get"_qs});
            sub(u"log"_qs, u"Pod"_qs, {u"get"_qs});
            sub(u"status"_qs, u"Pod"_qs, {u"get"_qs});
        } else if (r.group.isEmpty()) {
            sub(u"status"_qs, r.kind, {u"get"_qs});
        }
    }
    return QJsonObject {{u"kind"_qs, u"APIResourceList"_qs}, {u"apiVersion"_qs, u"v1"_qs},
        {u"groupVersion"_qs, group.isEmpty() ? version : QString(group + u'/' + version)},
        {u"resources"_qs, resources}};
}

QJsonObject Resources::apiGroup(const QString &group)
{
    const QJsonObject gv {{u"groupVersion"_qs, QString(group + u"/v1"_qs)}, {u"version"_qs, u"v1"_qs}};
    return QJsonObject {{u"kind"_qs, u"APIGroup"_qs}, {u"apiVersion"_qs, u"v1"_qs}, {u"name"_qs, group},
        {u"versions"_qs, QJsonArray {gv}}, {u"preferredVersion"_qs, gv}};
}

QJsonObject Resources::apiGroupList()
{
    QJsonObject g = apiGroup(u"discovery.k8s.io"_qs);
    g.remove(u"kind");
    g.remove(u"apiVersion");
    QJsonObject authz = apiGroup(u"authorization.k8s.io"_qs);
    authz.remove(u"kind");
    authz.remove(u"apiVersion");
    return QJsonObject {{u"kind"_qs, u"APIGroupList"_qs}, {u"apiVersion"_qs, u"v1"_qs},
        {u"groups"_qs, QJsonArray {g, authz}}};
}

} // namespace kubesim
