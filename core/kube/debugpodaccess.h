#pragma once
// Before a capture creates anything in the cluster: may this user run the capture's privileged debug
// pod in the debug namespace? Asked of the API server (SelfSubjectAccessReview, as `kubectl auth
// can-i` does) and read from the namespace's PodSecurity label. The capture workflow refuses early
// with the fix; the pre-capture checks (core/checks) show the same answers as evidence.

#include "core/common/canceltoken.h"
#include "core/kube/accessreview.h"
#include "core/kube/kubeclient.h"

#include <QString>
#include <QStringList>

namespace lbs::kube {

/// The PodSecurity label that decides whether a privileged pod is admitted.
inline constexpr const char *kPodSecurityEnforceLabel = "pod-security.kubernetes.io/enforce";

/// "yes", "no (reason)", with the authorizer's evaluation error when it had one.
QString accessDecisionText(const AccessDecision &decision);
/// "you may not create pods, create pods/exec in namespace lbscope, which a capture ... needs"
QString debugPodRbacProblem(const QStringList &denied, const QString &nameSpace);
/// What to do about it: the Role to ask an admin for, or SSH.
QString debugPodRbacFix(const QString &nameSpace);
/// "namespace lbscope enforces PodSecurity "baseline", which refuses the capture's privileged ... pod"
QString podSecurityProblem(const QString &nameSpace, const QString &level);
/// What to do about it: the label, or another namespace.
QString podSecurityFix(const QString &nameSpace);

/// Asks whether the capture's debug pod may be created, used and deleted in `nameSpace`, and reads the
/// namespace's PodSecurity enforce level. Returns the evidence (one line per question and answer)
/// when nothing stands in the way; an Error of kind Forbidden with the fix as its hint when a
/// permission is missing or the namespace enforces a level that refuses a privileged pod. A namespace
/// that does not exist passes when `createNamespace` and the user may create namespaces. What cannot be
/// asked (the review itself forbidden, the namespace unreadable) is said in the evidence and left to
/// the pod's creation to tell.
Result<QStringList> verifyDebugPodAccess(
    KubeClient &client, const QString &nameSpace, bool createNamespace, const CancelToken &cancel);

} // namespace lbs::kube
