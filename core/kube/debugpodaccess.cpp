#include "debugpodaccess.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace lbs::kube {

QString accessDecisionText(const AccessDecision &d)
{
    QString out = d.allowed ? QStringLiteral("yes") : QStringLiteral("no");
    if (!d.reason.isEmpty())
        out += QStringLiteral(" (%1)").arg(d.reason);
    if (!d.evaluationError.isEmpty())
        out += QStringLiteral(" [evaluation error: %1]").arg(d.evaluationError);
    return out;
}

QString debugPodRbacProblem(const QStringList &denied, const QString &ns)
{
    return QStringLiteral("you may not %1 in namespace %2, which a capture through a debug pod needs")
        .arg(denied.join(QStringLiteral(", ")), ns);
}

QString debugPodRbacFix(const QString &ns)
{
    return QStringLiteral(
        "ask an admin for a Role there, e.g. kubectl -n %1 create role lbscope-capture --verb=create,get,"
        "list,delete --resource=pods,pods/exec and kubectl -n %1 create rolebinding lbscope-capture "
        "--role=lbscope-capture --user=YOU; or capture over SSH (--ssh) instead")
        .arg(ns);
}

QString podSecurityProblem(const QString &ns, const QString &level)
{
    return QStringLiteral(
        "namespace %1 enforces PodSecurity \"%2\", which refuses the capture's privileged host-network pod")
        .arg(ns, level);
}

QString podSecurityFix(const QString &ns)
{
    return QStringLiteral("label it privileged (kubectl label --overwrite namespace %1 %2=privileged, needs "
                          "the right to patch namespaces) or use a namespace that is, with --debug-namespace")
        .arg(ns, QString::fromLatin1(kPodSecurityEnforceLabel));
}

namespace {

Error refused(const QString &message, const QString &fix, const KubeClient &client)
{
    return Error {
        message.toStdString(), client.describe().toStdString(), fix.toStdString(), ErrorKind::Forbidden};
}

} // namespace

Result<QStringList> verifyDebugPodAccess(
    KubeClient &client, const QString &ns, bool createNamespace, const CancelToken &cancel)
{
    QStringList evidence;
    auto got = client.request(
        "GET", QStringLiteral("/api/v1/namespaces/%1").arg(pathSegment(ns)), {}, {}, {}, cancel);
    if (!got)
        return got.error();
    if (got->status == 404) {
        if (!createNamespace)
            return Error {QStringLiteral("namespace '%1' does not exist").arg(ns).toStdString(),
                client.describe().toStdString(),
                QStringLiteral("create it labelled %1=privileged, or pick another with --debug-namespace")
                    .arg(QString::fromLatin1(kPodSecurityEnforceLabel))
                    .toStdString(),
                ErrorKind::NotFound};
        const AccessQuery q {QStringLiteral("create"), QStringLiteral("namespaces"), {}, {}, {}};
        auto d = reviewAccess(client, q, cancel);
        if (!d && d.error().kind == ErrorKind::Cancelled)
            return d.error();
        if (d && !d->allowed)
            return refused(QStringLiteral("namespace %1 does not exist and you may not create it").arg(ns),
                QStringLiteral("ask an admin for a namespace labelled %1=privileged, or pass one that "
                               "exists with --debug-namespace")
                    .arg(QString::fromLatin1(kPodSecurityEnforceLabel)),
                client);
        evidence << QStringLiteral(
            "namespace %1 does not exist; lbscope creates it labelled privileged (%2: %3)")
                        .arg(ns, q.kubectl(), d ? accessDecisionText(*d) : QStringLiteral("not asked"));
    } else if (got->status == 200) {
        const QJsonObject labels = QJsonDocument::fromJson(got->body)
                                       .object()
                                       .value(QStringLiteral("metadata"))
                                       .toObject()
                                       .value(QStringLiteral("labels"))
                                       .toObject();
        const QString level = labels.value(QString::fromLatin1(kPodSecurityEnforceLabel)).toString();
        if (!level.isEmpty() && level != QLatin1String("privileged"))
            return refused(podSecurityProblem(ns, level), podSecurityFix(ns), client);
        evidence << (level.isEmpty()
                ? QStringLiteral("namespace %1: no PodSecurity enforce label (the cluster default applies)")
                      .arg(ns)
                : QStringLiteral("namespace %1: PodSecurity enforce=privileged").arg(ns));
    } else if (got->status == 403) {
        evidence << QStringLiteral(
            "namespace %1 cannot be read (forbidden): its PodSecurity level is not known")
                        .arg(ns);
    } else {
        evidence << QStringLiteral(
            "namespace %1 cannot be read (HTTP %2): its PodSecurity level is not known")
                        .arg(ns)
                        .arg(got->status);
    }

    QStringList denied;
    for (const AccessQuery &q : debugPodAccessQueries(ns)) {
        auto d = reviewAccess(client, q, cancel);
        if (!d && d.error().kind == ErrorKind::Cancelled)
            return d.error();
        if (!d) {
            evidence << QStringLiteral("%1: cannot be asked (%2)")
                            .arg(q.kubectl(), QString::fromStdString(d.error().message));
            continue;
        }
        evidence << QStringLiteral("%1: %2").arg(q.kubectl(), accessDecisionText(*d));
        if (!d->allowed)
            denied << QStringLiteral("%1 %2%3").arg(q.verb, q.resource,
                q.subresource.isEmpty() ? QString() : QStringLiteral("/") + q.subresource);
    }
    if (!denied.isEmpty())
        return refused(debugPodRbacProblem(denied, ns), debugPodRbacFix(ns), client);
    return evidence;
}

} // namespace lbs::kube
