#pragma once

#include "core/common/error.h"

#include <QByteArray>
#include <QList>
#include <QNetworkReply>
#include <QSslError>
#include <QString>

namespace lbs::kube {

/// Who was talking to whom, for error messages.
struct ErrorContext {
    QString contextName;
    QString server;
    QString clusterName;
    QString userName;
    QString origin; ///< kubeconfig file of the context
    QString authHint; ///< what to do after a 401 (from Authenticator)
    bool customCa = false;
};

/// A parsed metav1.Status (or a best effort from a non-JSON body).
struct ApiStatus {
    int code = 0;
    QString reason; ///< Forbidden, NotFound, AlreadyExists, Conflict, ...
    QString message; ///< verbatim server text
};

ApiStatus parseApiStatus(int httpStatus, const QByteArray &body);

/// Maps a non-2xx answer to an Error with a hint (401 credentials, 403 RBAC/PodSecurity/SCC verbatim,
/// 404, 409, 5xx). `what` names the operation ("create pod lbscope/x", "GET /api/v1/nodes"). The kind
/// follows the status (apiStatusKind()).
Error mapHttpError(int httpStatus, const QByteArray &body, const QString &what, const ErrorContext &ctx);

/// The ErrorKind of an API answer: by HTTP status (401 Unauthorized, 403 Forbidden, 404 NotFound,
/// 409/410 Conflict, 400/422 BadInput, 429/5xx Unavailable), else by the Status reason.
ErrorKind apiStatusKind(int httpStatus, const QString &reason);

/// Maps a transport failure (refused, DNS, TLS, timeout) to an Error naming the server and the fix;
/// kind Timeout for timeouts, else Unavailable.
Error mapNetworkError(QNetworkReply::NetworkError code, const QString &errorString,
    const QList<QSslError> &sslErrors, const QString &what, const ErrorContext &ctx);

/// The hint for a 403 message: PodSecurity, OpenShift SCC or plain RBAC.
QString forbiddenHint(const QString &message);

} // namespace lbs::kube
