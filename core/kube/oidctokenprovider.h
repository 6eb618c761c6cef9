#pragma once

#include "core/common/canceltoken.h"
#include "core/kube/kubeconfig.h"

#include <QDateTime>

namespace lbs::kube {

/// `auth-provider: oidc` (docs/protocol-notes.md, "Authentication"): sends the id-token while its JWT `exp`
/// is more than 10 s away, otherwise refreshes it with the refresh-token at the issuer's token endpoint and
/// writes the new tokens back into the kubeconfig file that defined the user (as kubectl does).
class OidcTokenProvider {
public:
    OidcTokenProvider(AuthProviderConfig config, QString userName, QString origin);

    /// A usable id-token, refreshed first when it expires within 10 s.
    Result<QString> idToken(const CancelToken &cancel);
    /// How many refreshes ran (tests).
    int refreshCount() const { return m_refreshes; }
    /// The `exp` claim of a JWT, invalid when absent or unreadable. Never logs the token.
    static QDateTime jwtExpiry(const QString &jwt);
    /// When false, refreshed tokens stay in memory only (tests, read-only kubeconfigs).
    void setPersist(bool persist) { m_persist = persist; }

private:
    Result<QString> refresh(const CancelToken &cancel);
    Status persist(const QString &idToken, const QString &refreshToken);
    Error error(const QString &message, const QString &hint = {}, ErrorKind kind = ErrorKind::Unknown) const;

    AuthProviderConfig m_config;
    QString m_user;
    QString m_origin;
    int m_refreshes = 0;
    bool m_persist = true;
};

} // namespace lbs::kube
