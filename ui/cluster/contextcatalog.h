#pragma once
// The kubeconfig contexts as the cluster workbench lists them: every context of every file kubectl
// would read, grouped by file, each checked on its own so that one broken context or file never
// hides the others. Plain values; loading reads files only (no network), run it off the GUI thread.

#include "core/kube/kubeconfigloader.h"

#include <QList>
#include <QString>

namespace lbs::ui {

/// One context, usable or not.
struct ContextEntry {
    QString name;
    QString cluster;
    QString user;
    QString server;
    QString nameSpace;
    QString auth; ///< "client certificate", "exec plugin 'aws'", ...
    bool current = false;
    bool usable = false;
    QString reason; ///< why it cannot be used (empty when usable)
};

/// One kubeconfig file and its contexts (in file order).
struct ContextFile {
    QString path;
    QString error; ///< the file could not be read or parsed: its contexts are unknown
    QList<ContextEntry> contexts;
};

/// Everything the picker shows.
struct ContextCatalog {
    QList<ContextFile> files;
    QString currentContext;
    QStringList missingFiles; ///< listed in KUBECONFIG but absent
    /// The file and entry of context `name`, or null.
    const ContextEntry *find(const QString &name) const;
};

/// The files kubectl reads for `source`, in priority order (--kubeconfig alone, else KUBECONFIG's
/// list, else ~/.kube/config).
QStringList kubeconfigFiles(const kube::KubeConfigSource &source);
/// Loads and checks every context (resolves it like kubectl, then builds a client without
/// contacting the server: certificates, keys, server URL, proxy, auth method).
ContextCatalog loadContextCatalog(const kube::KubeConfigSource &source);

} // namespace lbs::ui
