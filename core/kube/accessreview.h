#pragma once
// What the current user may do, asked of the API server itself (SelfSubjectAccessReview, what
// `kubectl auth can-i` does): RBAC, webhooks and every other authorizer answer, not a guess from Roles.

#include "core/common/canceltoken.h"
#include "core/kube/kubeclient.h"

#include <QList>
#include <QString>

namespace lbs::kube {

/// One question: may I `verb` `resource`/`subresource` (in `group`) in `nameSpace`?
struct AccessQuery {
    QString verb;
    QString resource;
    QString subresource;
    QString group; ///< "" = the core group
    QString nameSpace; ///< "" = cluster scope
    /// "create pods/exec in namespace lbscope"
    QString describe() const;
    /// The kubectl command that asks the same: "kubectl auth can-i create pods/exec -n lbscope"
    QString kubectl() const;
};

/// The server's answer.
struct AccessDecision {
    bool allowed = false;
    bool denied = false; ///< an authorizer said no explicitly (RBAC never does: it only does not allow)
    QString reason; ///< the authorizer's explanation, may be empty
    QString evaluationError; ///< set when the authorizer could not decide completely
};

/// Posts a SelfSubjectAccessReview for `query`. Errors are transport failures and non-2xx answers
/// (a user who may not even create the review gets a Forbidden error).
Result<AccessDecision> reviewAccess(KubeClient &client, const AccessQuery &query, const CancelToken &cancel);

/// What a capture through a debug pod needs in `nameSpace`: create, get and delete pods, and create
/// pods/exec (commands in the pod run over exec).
QList<AccessQuery> debugPodAccessQueries(const QString &nameSpace);

} // namespace lbs::kube
