// debug-namespace and capture-rbac: may a capture's privileged debug pod be created, used and deleted.
#include "core/checks/checkcatalogue.h"
#include "core/checks/checkhelpers.h"
#include "core/kube/accessreview.h"

namespace lbs::checks {
namespace {

const QString kEnforce = QStringLiteral("pod-security.kubernetes.io/enforce");

QString decisionText(const kube::AccessDecision &d)
{
    QString out = d.allowed ? QStringLiteral("yes") : QStringLiteral("no");
    if (!d.reason.isEmpty())
        out += QStringLiteral(" (%1)").arg(d.reason);
    if (!d.evaluationError.isEmpty())
        out += QStringLiteral(" [evaluation error: %1]").arg(d.evaluationError);
    return out;
}

} // namespace

void checkDebugNamespace(CheckContext &ctx, CheckResult &r)
{
    const QString ns = ctx.input.debugNamespace;
    r.evidence << QStringLiteral(
        "read namespace %1 and its label %2 (kubectl get namespace %1 --show-labels)")
                      .arg(ns, kEnforce);
    auto got = ctx.client.get(QStringLiteral("/api/v1/namespaces/%1").arg(kube::pathSegment(ns)), ctx.cancel);
    if (!got && got.error().kind == ErrorKind::NotFound) {
        const kube::AccessQuery q {QStringLiteral("create"), QStringLiteral("namespaces"), {}, {}, {}};
        r.evidence << QStringLiteral("namespace %1 does not exist; %2:").arg(ns, q.kubectl());
        auto d = kube::reviewAccess(ctx.client, q, ctx.cancel);
        if (!d) {
            readFailed(r, QStringLiteral("whether you may create namespaces"), d.error());
            return;
        }
        r.evidence << QStringLiteral("  %1").arg(decisionText(*d));
        if (d->allowed) {
            r.evidence << QStringLiteral("lbscope creates it labelled %1=privileged").arg(kEnforce);
            r.pass();
            return;
        }
        r.fail(QStringLiteral("namespace %1 does not exist and you may not create it: ask an admin for a "
                              "namespace labelled %2=privileged (kubectl create namespace %1; kubectl label "
                              "namespace %1 %2=privileged) or pass one that exists with --debug-namespace")
                   .arg(ns, kEnforce));
        return;
    }
    if (!got) {
        readFailed(r, QStringLiteral("namespace %1").arg(ns), got.error());
        return;
    }
    const QJsonObject labels
        = got->value(QStringLiteral("metadata")).toObject().value(QStringLiteral("labels")).toObject();
    QStringList psa;
    for (auto it = labels.begin(); it != labels.end(); ++it)
        if (it.key().startsWith(QLatin1String("pod-security.kubernetes.io/")))
            psa << it.key() + QLatin1Char('=') + it.value().toString();
    r.evidence << QStringLiteral("  PodSecurity labels: %1")
                      .arg(psa.isEmpty() ? QStringLiteral("none") : psa.join(QStringLiteral(", ")));
    const QString level = labels.value(kEnforce).toString();
    if (level == QLatin1String("privileged")) {
        r.pass();
        return;
    }
    if (level.isEmpty()) {
        r.warn(QStringLiteral(
            "namespace %1 has no %2 label, so the cluster-wide default applies: privileged "
            "unless the API server's PodSecurity configuration sets another level. Label it to "
            "be sure: kubectl label namespace %1 %2=privileged")
                   .arg(ns, kEnforce));
        return;
    }
    r.fail(QStringLiteral(
        "namespace %1 enforces PodSecurity \"%2\", which refuses the capture's privileged "
        "host-network pod. Label it privileged (kubectl label --overwrite namespace %1 %3=privileged, "
        "needs the right to patch namespaces) or use a namespace that is, with --debug-namespace")
               .arg(ns, level, kEnforce));
}

void checkCaptureRbac(CheckContext &ctx, CheckResult &r)
{
    const QString ns = ctx.input.debugNamespace;
    r.evidence << QStringLiteral(
        "asked the API server (SelfSubjectAccessReview, as kubectl auth can-i does):");
    QStringList denied;
    for (const kube::AccessQuery &q : kube::debugPodAccessQueries(ns)) {
        auto d = kube::reviewAccess(ctx.client, q, ctx.cancel);
        if (!d) {
            readFailed(r, QStringLiteral("whether you may %1").arg(q.describe()), d.error());
            return;
        }
        r.evidence << QStringLiteral("  %1: %2").arg(q.kubectl(), decisionText(*d));
        if (!d->allowed)
            denied << QStringLiteral("%1 %2%3").arg(q.verb, q.resource,
                q.subresource.isEmpty() ? QString() : QStringLiteral("/") + q.subresource);
    }
    if (denied.isEmpty()) {
        r.pass();
        return;
    }
    r.fail(QStringLiteral(
        "you may not %1 in namespace %2, which a capture through a debug pod needs. Ask an admin "
        "for a Role there, e.g. kubectl -n %2 create role lbscope-capture --verb=create,get,list,"
        "delete --resource=pods,pods/exec and kubectl -n %2 create rolebinding lbscope-capture "
        "--role=lbscope-capture --user=YOU; or capture over SSH (--ssh) instead")
               .arg(denied.join(QStringLiteral(", ")), ns));
}

} // namespace lbs::checks
