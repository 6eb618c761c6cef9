#pragma once
// core/kube: kubeconfig model. Plain values as kubectl reads them (docs/protocol-notes.md, "kubeconfig");
// every stanza remembers the file that defined it so that messages can name it and relative paths resolve
// against it.

#include "core/common/error.h"

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace lbs::kube {

/// One `clusters[].cluster` stanza. Paths are already absolute (resolved against `origin`'s directory).
struct ClusterInfo {
    QString name;
    QString origin; ///< kubeconfig file that defined this stanza
    QString server;
    QString tlsServerName;
    bool insecureSkipTlsVerify = false;
    QString certificateAuthority; ///< path
    QByteArray certificateAuthorityData; ///< decoded PEM bytes
    QString proxyUrl;
    bool disableCompression = false;
    QJsonValue execExtension; ///< extension "client.authentication.k8s.io/exec", for provideClusterInfo
};

/// `users[].user.exec`: an exec credential plugin.
struct ExecConfig {
    QString apiVersion;
    QString command; ///< absolute when the config gave a path with a separator, else a bare name for PATH
    QStringList args;
    QList<QPair<QString, QString>> env;
    QString interactiveMode; ///< Never | IfAvailable | Always (defaulted per apiVersion)
    bool provideClusterInfo = false;
    QString installHint;
};

/// `users[].user.auth-provider`.
struct AuthProviderConfig {
    QString name;
    QMap<QString, QString> config;
};

/// One `users[].user` stanza (Go: AuthInfo).
struct UserInfo {
    QString name;
    QString origin;
    QString clientCertificate; ///< path
    QByteArray clientCertificateData;
    QString clientKey; ///< path
    QByteArray clientKeyData;
    QString token;
    QString tokenFile; ///< path
    QString as;
    QString asUid;
    QStringList asGroups;
    QMap<QString, QStringList> asUserExtra;
    QString username;
    QString password;
    std::optional<AuthProviderConfig> authProvider;
    std::optional<ExecConfig> exec;
};

/// One `contexts[].context` stanza.
struct ContextInfo {
    QString name;
    QString origin;
    QString cluster;
    QString user;
    QString nameSpace; ///< may be empty (means "default")
};

/// A context with its cluster and user looked up and checked.
struct ResolvedContext {
    ContextInfo context;
    ClusterInfo cluster;
    UserInfo user;
    QString nameSpace; ///< context namespace or "default"
    QStringList warnings; ///< e.g. insecure-skip-tls-verify, data-overrides-file
};

/// The merged view of every kubeconfig file loaded (first file wins for every key).
struct KubeConfig {
    QStringList files; ///< files actually loaded, in KUBECONFIG order
    QStringList missingFiles; ///< listed but absent (skipped)
    QString currentContext;
    QString currentContextOrigin;
    QList<ClusterInfo> clusters; ///< in order of first appearance
    QList<UserInfo> users;
    QList<ContextInfo> contexts;

    const ClusterInfo *cluster(const QString &name) const;
    const UserInfo *user(const QString &name) const;
    const ContextInfo *context(const QString &name) const;

    /// Looks up `contextName` (or current-context when empty) and checks it like client-go does.
    /// Errors name the file and say what to do.
    Result<ResolvedContext> resolve(const QString &contextName = {}) const;

    /// "f1, f2" or "(no kubeconfig file)": for messages.
    QString describeFiles() const;

    /// {"current_context", "files", "contexts": [{"name", "current", "cluster", "user", "namespace",
    /// "server", "file"}]}: names and places only, never a credential.
    QJsonObject contextsJson() const;
};

} // namespace lbs::kube
