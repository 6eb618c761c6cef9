#pragma once
// kubesim: SelfSubjectAccessReview (authorization.k8s.io/v1), what `kubectl auth can-i` posts. Decides with
// the same rule as every other request (Authenticator::allowed) and words the reason as RBAC does.

#include "authenticator.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace kubesim::AccessReview {

inline constexpr char16_t Group[] = u"authorization.k8s.io";

/// Discovery of the group: "apis/authorization.k8s.io" (APIGroup) and ".../v1" (APIResourceList);
/// an empty object for any other path.
QJsonObject discovery(const QString &path);
/// True for the path of the reviews: apis/authorization.k8s.io/v1/selfsubjectaccessreviews.
bool isReviewPath(const QStringList &segments);
/// The answer to a POSTed review (JSON, or Kubernetes protobuf as kubectl's typed client sends it): HTTP
/// code and body, always JSON (the review with its status, or a metav1.Status).
QPair<int, QJsonObject> review(const UserInfo &user, const QByteArray &contentType, const QByteArray &body);

} // namespace kubesim::AccessReview
