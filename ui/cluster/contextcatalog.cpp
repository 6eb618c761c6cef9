#include "contextcatalog.h"

#include "core/kube/kubeclient.h"

#include <QDir>
#include <QFileInfo>

namespace lbs::ui {

const ContextEntry *ContextCatalog::find(const QString &name) const
{
    for (const ContextFile &f : files) {
        for (const ContextEntry &c : f.contexts) {
            if (c.name == name)
                return &c;
        }
    }
    return nullptr;
}

QStringList kubeconfigFiles(const kube::KubeConfigSource &source)
{
    if (!source.explicitPath.isEmpty())
        return {source.explicitPath};
    if (source.kubeconfigEnv && !source.kubeconfigEnv->isEmpty())
        return kube::KubeConfigLoader::splitList(*source.kubeconfigEnv);
    return {QDir(source.homeDir).filePath(QStringLiteral(".kube/config"))};
}

ContextCatalog loadContextCatalog(const kube::KubeConfigSource &source)
{
    ContextCatalog catalog;
    QList<kube::KubeConfig> parsed;
    const QStringList paths = kubeconfigFiles(source);
    for (const QString &path : paths) {
        if (!QFileInfo::exists(path) && source.explicitPath.isEmpty()) {
            catalog.missingFiles << path;
            continue;
        }
        ContextFile file;
        file.path = path;
        auto cfg = kube::KubeConfigLoader::loadFile(path);
        if (!cfg)
            file.error = QString::fromStdString(cfg.error().toString());
        else
            parsed << *cfg;
        catalog.files << file;
    }
    // kubectl's merge: the first file to define a name wins; contexts are listed under the file
    // that defined the winning stanza.
    const kube::KubeConfig merged = kube::KubeConfigLoader::merge(parsed);
    catalog.currentContext = merged.currentContext;
    for (const kube::ContextInfo &c : merged.contexts) {
        ContextEntry e;
        e.name = c.name;
        e.cluster = c.cluster;
        e.user = c.user;
        e.nameSpace = c.nameSpace;
        e.current = c.name == merged.currentContext;
        if (const kube::ClusterInfo *cl = merged.cluster(c.cluster))
            e.server = cl->server;
        auto resolved = merged.resolve(c.name);
        if (!resolved) {
            e.reason = QString::fromStdString(resolved.error().message);
        } else {
            auto client = kube::KubeClient::create(*resolved);
            if (!client) {
                e.reason = QString::fromStdString(client.error().message);
                if (!client.error().hint.empty())
                    e.reason += QStringLiteral(" (%1)").arg(QString::fromStdString(client.error().hint));
            } else {
                e.usable = true;
                e.auth = (*client)->authenticator().method();
            }
        }
        for (ContextFile &f : catalog.files) {
            if (f.path == c.origin || QFileInfo(f.path).absoluteFilePath() == c.origin) {
                f.contexts << e;
                e.name.clear();
                break;
            }
        }
        if (!e.name.isEmpty() && !catalog.files.isEmpty())
            catalog.files.first().contexts << e; // origin spelt differently: keep it visible
    }
    return catalog;
}

} // namespace lbs::ui
