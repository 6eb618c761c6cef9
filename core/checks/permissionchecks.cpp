// debug-namespace and capture-rbac: may a capture's privileged debug pod be created, used and deleted.
#include "core/checks/checkcatalogue.h"
#include "core/checks/checkhelpers.h"
#include "core/kube/accessreview.h"
#include "core/kube/debugpodaccess.h"

namespace lbs::checks {
namespace {

const QString kEnforce = QString::fromLatin1(kube::kPodSecurityEnforceLabel);

QString capitalized(QString s)
{
    if (!s.isEmpty())
        s[0] = s[0].toUpper();
    return s;
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
        r.evidence << QStringLiteral("  %1").arg(kube::accessDecisionText(*d));
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
    r.fail(
        kube::podSecurityProblem(ns, level) + QStringLiteral(". ") + capitalized(kube::podSecurityFix(ns)));
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
        r.evidence << QStringLiteral("  %1: %2").arg(q.kubectl(), kube::accessDecisionText(*d));
        if (!d->allowed)
            denied << QStringLiteral("%1 %2%3").arg(q.verb, q.resource,
                q.subresource.isEmpty() ? QString() : QStringLiteral("/") + q.subresource);
    }
    if (denied.isEmpty()) {
        r.pass();
        return;
    }
    r.fail(kube::debugPodRbacProblem(denied, ns) + QStringLiteral(". ")
        + capitalized(kube::debugPodRbacFix(ns)));
}

} // namespace lbs::checks
