#include "core/kube/kubeconfig.h"

#include <QJsonArray>
#include <QRegularExpression>

namespace lbs::kube {
namespace {

template <typename T> const T *findByName(const QList<T> &list, const QString &name)
{
    for (const T &item : list) {
        if (item.name == name)
            return &item;
    }
    return nullptr;
}

Error err(const QString &message, const QString &where, const QString &hint)
{
    return Error {message.toStdString(), where.toStdString(), hint.toStdString()};
}

} // namespace

const ClusterInfo *KubeConfig::cluster(const QString &name) const
{
    return findByName(clusters, name);
}

const UserInfo *KubeConfig::user(const QString &name) const
{
    return findByName(users, name);
}

const ContextInfo *KubeConfig::context(const QString &name) const
{
    return findByName(contexts, name);
}

QString KubeConfig::describeFiles() const
{
    if (files.isEmpty())
        return missingFiles.isEmpty()
            ? QStringLiteral("(no kubeconfig file)")
            : QStringLiteral("(none of %1 exists)").arg(missingFiles.join(QStringLiteral(", ")));
    return files.join(QStringLiteral(", "));
}

Result<ResolvedContext> KubeConfig::resolve(const QString &contextName) const
{
    const QString name = contextName.isEmpty() ? currentContext : contextName;
    if (name.isEmpty())
        return err(QStringLiteral("no context chosen: current-context is not set"), describeFiles(),
            QStringLiteral("pass --context NAME (see `lbscope-cli contexts`) or run `kubectl config "
                           "use-context NAME`"));
    const ContextInfo *ctx = context(name);
    if (!ctx) {
        const QString origin = contextName.isEmpty() ? currentContextOrigin : describeFiles();
        return err(QStringLiteral("context '%1' is not defined in any kubeconfig").arg(name), origin,
            QStringLiteral("list the contexts with `lbscope-cli contexts`"));
    }
    ResolvedContext r;
    r.context = *ctx;
    if (ctx->cluster.isEmpty())
        return err(QStringLiteral("context '%1' names no cluster").arg(name), ctx->origin,
            QStringLiteral("set contexts[].context.cluster"));
    if (ctx->user.isEmpty())
        return err(QStringLiteral("context '%1' names no user").arg(name), ctx->origin,
            QStringLiteral("set contexts[].context.user"));
    const ClusterInfo *cl = cluster(ctx->cluster);
    if (!cl)
        return err(QStringLiteral("context '%1' refers to cluster '%2' that no kubeconfig defines")
                       .arg(name, ctx->cluster),
            ctx->origin,
            QStringLiteral("add the cluster or fix the context (files: %1)").arg(describeFiles()));
    const UserInfo *us = user(ctx->user);
    if (!us)
        return err(QStringLiteral("context '%1' refers to user '%2' that no kubeconfig defines")
                       .arg(name, ctx->user),
            ctx->origin, QStringLiteral("add the user or fix the context (files: %1)").arg(describeFiles()));
    r.cluster = *cl;
    r.user = *us;
    r.nameSpace = ctx->nameSpace.isEmpty() ? QStringLiteral("default") : ctx->nameSpace;
    static const QRegularExpression dnsLabel(QStringLiteral("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"));
    if (!dnsLabel.match(r.nameSpace).hasMatch())
        return err(QStringLiteral("context '%1' has namespace '%2', which is not a valid DNS label")
                       .arg(name, r.nameSpace),
            ctx->origin, QStringLiteral("use lower-case letters, digits and '-'"));

    const ClusterInfo &c = r.cluster;
    if (c.server.isEmpty())
        return err(QStringLiteral("cluster '%1' has no server address").arg(c.name), c.origin,
            QStringLiteral("set clusters[].cluster.server to https://HOST:PORT"));
    const bool hasCa = !c.certificateAuthority.isEmpty() || !c.certificateAuthorityData.isEmpty();
    if (c.insecureSkipTlsVerify && hasCa)
        return err(
            QStringLiteral("cluster '%1' sets both insecure-skip-tls-verify and a certificate authority, "
                           "which kubectl refuses")
                .arg(c.name),
            c.origin, QStringLiteral("remove one of them"));
    if (c.insecureSkipTlsVerify)
        r.warnings << QStringLiteral(
            "cluster '%1' (%2) sets insecure-skip-tls-verify: the API server's certificate "
            "is NOT verified and the connection can be intercepted")
                          .arg(c.name, c.origin);
    if (!c.certificateAuthority.isEmpty() && !c.certificateAuthorityData.isEmpty())
        r.warnings << QStringLiteral(
            "cluster '%1': certificate-authority-data will override certificate-authority")
                          .arg(c.name);

    const UserInfo &u = r.user;
    if (!u.clientCertificate.isEmpty() && !u.clientCertificateData.isEmpty())
        r.warnings
            << QStringLiteral("user '%1': client-cert-data will override client-certificate").arg(u.name);
    if (!u.clientKey.isEmpty() && !u.clientKeyData.isEmpty())
        r.warnings << QStringLiteral("user '%1': client-key-data will override client-key").arg(u.name);
    const bool hasCert = !u.clientCertificate.isEmpty() || !u.clientCertificateData.isEmpty();
    const bool hasKey = !u.clientKey.isEmpty() || !u.clientKeyData.isEmpty();
    if (hasCert != hasKey)
        return err(QStringLiteral("user '%1' has a client %2 but no client %3")
                       .arg(u.name, hasCert ? QStringLiteral("certificate") : QStringLiteral("key"),
                           hasCert ? QStringLiteral("key") : QStringLiteral("certificate")),
            u.origin, QStringLiteral("client-key(-data) and client-certificate(-data) go together"));
    int methods = 0;
    methods += (!u.token.isEmpty() || !u.tokenFile.isEmpty()) ? 1 : 0;
    methods += (!u.username.isEmpty() || !u.password.isEmpty()) ? 1 : 0;
    methods += u.authProvider ? 1 : 0;
    methods += u.exec ? 1 : 0;
    if (methods > 1)
        return err(
            QStringLiteral("user '%1' has more than one authentication method (token, username/password, "
                           "auth-provider, exec)")
                .arg(u.name),
            u.origin, QStringLiteral("keep only one of them (a client certificate may be combined)"));
    if (u.authProvider && u.authProvider->name != QLatin1String("oidc"))
        return err(QStringLiteral("user '%1' uses auth-provider '%2', which Kubernetes removed in 1.26")
                       .arg(u.name, u.authProvider->name),
            u.origin,
            u.authProvider->name == QLatin1String("gcp")
                ? QStringLiteral("install gke-gcloud-auth-plugin and run `gcloud container clusters "
                                 "get-credentials` again")
                : QStringLiteral("switch to the provider's exec credential plugin (e.g. kubelogin)"));
    return r;
}

QJsonObject KubeConfig::contextsJson() const
{
    QJsonArray list;
    for (const ContextInfo &c : contexts) {
        const ClusterInfo *info = cluster(c.cluster);
        list.append(QJsonObject {{QStringLiteral("name"), c.name},
            {QStringLiteral("current"), c.name == currentContext}, {QStringLiteral("cluster"), c.cluster},
            {QStringLiteral("user"), c.user}, {QStringLiteral("namespace"), c.nameSpace},
            {QStringLiteral("server"), info ? info->server : QString()}, {QStringLiteral("file"), c.origin}});
    }
    return QJsonObject {{QStringLiteral("current_context"), currentContext},
        {QStringLiteral("files"), QJsonArray::fromStringList(files)}, {QStringLiteral("contexts"), list}};
}

} // namespace lbs::kube
