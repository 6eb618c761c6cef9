#include "core/kube/kubeerrors.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QUrl>

namespace lbs::kube {

ApiStatus parseApiStatus(int httpStatus, const QByteArray &body)
{
    ApiStatus s;
    s.code = httpStatus;
    const QJsonObject o = QJsonDocument::fromJson(body).object();
    if (o.value(QStringLiteral("kind")).toString() == QLatin1String("Status")) {
        s.reason = o.value(QStringLiteral("reason")).toString();
        s.message = o.value(QStringLiteral("message")).toString();
        if (o.value(QStringLiteral("code")).isDouble())
            s.code = o.value(QStringLiteral("code")).toInt();
    } else {
        s.message = QString::fromUtf8(body.left(300)).trimmed();
    }
    return s;
}

QString forbiddenHint(const QString &message)
{
    if (message.contains(QLatin1String("violates PodSecurity")))
        return QStringLiteral(
            "the namespace's Pod Security level forbids a privileged host-network pod: use a "
            "namespace labelled pod-security.kubernetes.io/enforce=privileged (lbscope creates "
            "'lbscope' when you may create namespaces) or pass --debug-namespace with such a namespace");
    if (message.contains(QLatin1String("security context constraint")))
        return QStringLiteral(
            "OpenShift SCC: the requesting user needs the 'privileged' SCC (e.g. `oc adm policy "
            "add-scc-to-user privileged -z default -n NAMESPACE`, as cluster-admin)");
    return QStringLiteral(
        "your user lacks an RBAC permission: check with `kubectl auth can-i` and ask a cluster "
        "admin for it");
}

ErrorKind apiStatusKind(int httpStatus, const QString &reason)
{
    switch (httpStatus) {
    case 401:
        return ErrorKind::Unauthorized;
    case 403:
        return ErrorKind::Forbidden;
    case 404:
        return ErrorKind::NotFound;
    case 409:
    case 410:
        return ErrorKind::Conflict;
    case 400:
    case 422:
        return ErrorKind::BadInput;
    case 429:
        return ErrorKind::Unavailable;
    default:
        break;
    }
    if (httpStatus >= 500)
        return ErrorKind::Unavailable;
    static const QMap<QString, ErrorKind> byReason {{QStringLiteral("Unauthorized"), ErrorKind::Unauthorized},
        {QStringLiteral("Forbidden"), ErrorKind::Forbidden},
        {QStringLiteral("NotFound"), ErrorKind::NotFound},
        {QStringLiteral("AlreadyExists"), ErrorKind::Conflict},
        {QStringLiteral("Conflict"), ErrorKind::Conflict}, {QStringLiteral("Gone"), ErrorKind::Conflict},
        {QStringLiteral("Expired"), ErrorKind::Conflict}, {QStringLiteral("Invalid"), ErrorKind::BadInput},
        {QStringLiteral("BadRequest"), ErrorKind::BadInput}, {QStringLiteral("Timeout"), ErrorKind::Timeout},
        {QStringLiteral("ServerTimeout"), ErrorKind::Timeout},
        {QStringLiteral("TooManyRequests"), ErrorKind::Unavailable},
        {QStringLiteral("ServiceUnavailable"), ErrorKind::Unavailable},
        {QStringLiteral("InternalError"), ErrorKind::Unavailable}};
    return byReason.value(reason, ErrorKind::Unknown);
}

Error mapHttpError(int httpStatus, const QByteArray &body, const QString &what, const ErrorContext &ctx)
{
    const ApiStatus st = parseApiStatus(httpStatus, body);
    const QString server = QStringLiteral("API server %1 (context '%2')").arg(ctx.server, ctx.contextName);
    const QString detail = st.message.isEmpty() ? QString() : QStringLiteral(": ") + st.message;
    QString message;
    QString hint;
    switch (httpStatus) {
    case 401:
        message = QStringLiteral("%1 rejected the credentials of user '%2' (401 Unauthorized) for %3")
                      .arg(server, ctx.userName, what);
        hint = ctx.authHint;
        break;
    case 403:
        message = QStringLiteral("%1 is forbidden%2").arg(what, detail);
        hint = forbiddenHint(st.message);
        break;
    case 404:
        message = QStringLiteral("%1: not found%2").arg(what, detail);
        hint = QStringLiteral("check the namespace and name (the object may have been deleted)");
        break;
    case 409:
        message = QStringLiteral("%1: conflict%2").arg(what, detail);
        hint = st.reason == QLatin1String("AlreadyExists")
            ? QStringLiteral("the object already exists")
            : QStringLiteral("the object changed meanwhile; retry");
        break;
    case 410:
        message = QStringLiteral("%1: the resource version is too old (410 Gone)%2").arg(what, detail);
        hint = QStringLiteral("list again and resume from the new resourceVersion");
        break;
    case 422:
    case 400:
        message = QStringLiteral("%1 was rejected as invalid (%2)%3").arg(what).arg(httpStatus).arg(detail);
        hint = QStringLiteral("the API server refused the request body");
        break;
    case 429:
        message = QStringLiteral("%1: too many requests (429)%2").arg(what, detail);
        hint = QStringLiteral("the API server is throttling; retry in a moment");
        break;
    default:
        if (httpStatus >= 500) {
            message = QStringLiteral("%1 failed with a server error %2 from %3%4")
                          .arg(what)
                          .arg(httpStatus)
                          .arg(server, detail);
            hint = QStringLiteral(
                "the API server or something in front of it is unhealthy; retry, or check the "
                "control plane");
        } else {
            message = QStringLiteral("%1 failed with HTTP %2 from %3%4")
                          .arg(what)
                          .arg(httpStatus)
                          .arg(server, detail);
        }
    }
    return Error {message.toStdString(), ctx.origin.toStdString(), hint.toStdString(),
        apiStatusKind(httpStatus, st.reason)};
}

Error mapNetworkError(QNetworkReply::NetworkError code, const QString &errorString,
    const QList<QSslError> &sslErrors, const QString &what, const ErrorContext &ctx)
{
    const QString server = QStringLiteral("API server %1 of cluster '%2' (context '%3')")
                               .arg(ctx.server, ctx.clusterName, ctx.contextName);
    QString message;
    QString hint;
    ErrorKind kind = ErrorKind::Unavailable;
    if (!sslErrors.isEmpty() || code == QNetworkReply::SslHandshakeFailedError) {
        QStringList texts;
        bool untrusted = false;
        bool nameMismatch = false;
        bool expired = false;
        for (const QSslError &e : sslErrors) {
            texts << e.errorString();
            switch (e.error()) {
            case QSslError::HostNameMismatch:
                nameMismatch = true;
                break;
            case QSslError::CertificateExpired:
                expired = true;
                break;
            case QSslError::SelfSignedCertificate:
            case QSslError::SelfSignedCertificateInChain:
            case QSslError::UnableToGetLocalIssuerCertificate:
            case QSslError::UnableToGetIssuerCertificate:
            case QSslError::UnableToVerifyFirstCertificate:
            case QSslError::CertificateUntrusted:
                untrusted = true;
                break;
            default:
                break;
            }
        }
        if (texts.isEmpty())
            texts << errorString;
        message = QStringLiteral("TLS verification of %1 failed: %2")
                      .arg(server, texts.join(QStringLiteral("; ")));
        if (untrusted)
            hint = ctx.customCa
                ? QStringLiteral("the server certificate is not signed by the CA in "
                                 "certificate-authority(-data) of cluster '%1': the CA is wrong or "
                                 "stale; fetch the cluster's current kubeconfig")
                      .arg(ctx.clusterName)
                : QStringLiteral("no CA is configured for cluster '%1' and the system roots do not "
                                 "trust the server: add certificate-authority-data")
                      .arg(ctx.clusterName);
        else if (nameMismatch)
            hint = QStringLiteral(
                "the certificate does not name this host: set tls-server-name on cluster '%1' to a "
                "name in the certificate")
                       .arg(ctx.clusterName);
        else if (expired)
            hint = QStringLiteral("the server certificate has expired (or the local clock is wrong)");
        else
            hint = QStringLiteral("check the cluster's CA, certificate and the client certificate");
    } else {
        switch (code) {
        case QNetworkReply::ConnectionRefusedError:
            message = QStringLiteral("cannot connect to %1: connection refused").arg(server);
            hint = QStringLiteral("is the cluster up and is 'server' in %1 right?").arg(ctx.origin);
            break;
        case QNetworkReply::HostNotFoundError:
            message = QStringLiteral("cannot resolve the host of %1").arg(server);
            hint = QStringLiteral("check DNS, VPN, and the server address in %1").arg(ctx.origin);
            break;
        case QNetworkReply::TimeoutError:
        case QNetworkReply::OperationCanceledError:
            message = QStringLiteral("no answer from %1 for %2 (timed out)").arg(server, what);
            kind = ErrorKind::Timeout;
            hint = QStringLiteral("check the network path (VPN, firewall, proxy-url)");
            break;
        case QNetworkReply::ProxyConnectionRefusedError:
        case QNetworkReply::ProxyNotFoundError:
        case QNetworkReply::ProxyTimeoutError:
        case QNetworkReply::ProxyAuthenticationRequiredError:
            message = QStringLiteral("the proxy in front of %1 failed: %2").arg(server, errorString);
            hint = QStringLiteral("check proxy-url of the cluster or the https_proxy environment");
            break;
        case QNetworkReply::RemoteHostClosedError:
            message = QStringLiteral("%1 closed the connection during %2").arg(server, what);
            hint = QStringLiteral("a proxy or load balancer may be cutting it; retry");
            break;
        default:
            message = QStringLiteral("%1 to %2 failed: %3").arg(what, server, errorString);
            hint = QStringLiteral("check the network path to the API server");
        }
    }
    return Error {message.toStdString(), ctx.origin.toStdString(), hint.toStdString(), kind};
}

} // namespace lbs::kube
