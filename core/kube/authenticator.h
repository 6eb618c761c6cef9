#pragma once

#include "core/common/canceltoken.h"
#include "core/kube/execcredential.h"
#include "core/kube/kubeconfig.h"
#include "core/kube/oidctokenprovider.h"

#include <QList>
#include <QPair>
#include <QSslCertificate>
#include <QSslKey>

#include <memory>
#include <mutex>

namespace lbs::kube {

/// What one request carries to authenticate: headers and/or a TLS client certificate.
struct RequestAuth {
    QList<QPair<QByteArray, QByteArray>> headers; ///< Authorization, Impersonate-*; never log the values
    QSslCertificate clientCertificate;
    QSslKey clientKey;
    bool hasClientCertificate() const { return !clientCertificate.isNull(); }
    /// Which credential this is: it changes each time a 401 made the credential be fetched anew.
    quint64 generation = 0;
};

/// Picks and runs the authentication method of a resolved context (docs/protocol-notes.md, "Authentication"):
/// client certificate (data or file; RSA, EC, PKCS#8 keys), token, tokenFile (re-read on every request, the
/// last good value wins), exec plugin, oidc auth-provider, basic auth, plus impersonation headers.
/// Thread-safe: the clients of one context on several threads share one Authenticator
/// (KubeClient::sibling), so an exec plugin runs once for all of them and an OIDC refresh token,
/// which the provider may rotate on use, is redeemed by one thread at a time.
class Authenticator {
public:
    /// Loads certificate and key files now so that errors surface before the first request.
    static Result<std::shared_ptr<Authenticator>> create(const ResolvedContext &context);

    /// Credentials for the next request (may run an exec plugin or refresh an OIDC token).
    Result<RequestAuth> prepare(const CancelToken &cancel);
    /// Called after an HTTP 401 to a request sent with `used`. True when retrying once can help: the
    /// exec plugin is re-run, the token file changed, or another thread already fetched a newer
    /// credential than `used` (then nothing is re-run: forty 401s at once run the plugin once).
    bool refreshAfterUnauthorized(const RequestAuth &used);
    /// "client certificate", "token", "token file /x", "exec plugin 'aws'", "oidc", "basic auth".
    QString method() const;
    /// What the user should do after a 401 with this method.
    QString unauthorizedHint() const;

    ExecCredentialPlugin *execPlugin() { return m_exec.get(); }

private:
    Authenticator() = default;
    Result<QString> currentToken();

    std::mutex m_lock; ///< guards everything below during prepare() and refreshAfterUnauthorized()
    quint64 m_generation = 1;
    UserInfo m_user;
    QString m_contextName;
    QSslCertificate m_cert;
    QSslKey m_key;
    QString m_lastFileToken;
    std::unique_ptr<ExecCredentialPlugin> m_exec;
    std::unique_ptr<OidcTokenProvider> m_oidc;
};

/// Loads a PEM private key of any type lbscope supports (RSA PKCS#1, EC SEC1, PKCS#8 RSA or EC).
QSslKey loadPemKey(const QByteArray &pem);

} // namespace lbs::kube
