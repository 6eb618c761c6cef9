#pragma once
// kubesim: the resource types kubesim serves, for discovery and routing.

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace kubesim {

struct ResourceInfo {
    QString name; ///< plural, e.g. "pods"
    QString kind; ///< e.g. "Pod"
    QString group; ///< "" for core
    QString version; ///< "v1"
    bool namespaced = true;
    QStringList shortNames;
    QStringList verbs;
    QStringList fieldLabels; ///< field selector keys besides metadata.name / metadata.namespace

    QString apiVersion() const { return group.isEmpty() ? version : group + u'/' + version; }
};

class Resources {
public:
    static const QList<ResourceInfo> &all();
    static const ResourceInfo *find(const QString &group, const QString &version, const QString &name);
    /// APIResourceList for a group/version (discovery).
    static QJsonObject resourceList(const QString &group, const QString &version);
    static QJsonObject apiGroupList();
    static QJsonObject apiGroup(const QString &group);
};

} // namespace kubesim
