#include "core/kube/authenticator.h"

#include <QFile>

namespace lbs::kube {
namespace {

Result<QByteArray> readFile(const QString &path, const QString &what, const UserInfo &u)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Error {QStringLiteral("cannot read the %1 of user '%2' at %3: %4")
                          .arg(what, u.name, path, f.errorString())
                          .toStdString(),
            u.origin.toStdString(),
            QStringLiteral("relative paths are resolved against the kubeconfig's directory").toStdString()};
    return f.readAll();
}

} // namespace

QSslKey loadPemKey(const QByteArray &pem)
{
    for (QSsl::KeyAlgorithm alg : {QSsl::Rsa, QSsl::Ec, QSsl::Dsa}) {
        QSslKey key(pem, alg, QSsl::Pem, QSsl::PrivateKey);
        if (!key.isNull())
            return key;
    }
    return {};
}

Result<std::shared_ptr<Authenticator>> Authenticator::create(const ResolvedContext &context)
{
    std::shared_ptr<Authenticator> a(new Authenticator);
    a->m_user = context.user;
    a->m_contextName = context.context.name;
    const UserInfo &u = a->m_user;
    if (!u.clientCertificateData.isEmpty() || !u.clientCertificate.isEmpty()) {
        QByteArray certPem = u.clientCertificateData;
        if (certPem.isEmpty()) {
            auto r = readFile(u.clientCertificate, QStringLiteral("client certificate"), u);
            if (!r)
                return r.error();
            certPem = *r;
        }
        QByteArray keyPem = u.clientKeyData;
        if (keyPem.isEmpty()) {
            auto r = readFile(u.clientKey, QStringLiteral("client key"), u);
            if (!r)
                return r.error();
            keyPem = *r;
        }
        const auto certs = QSslCertificate::fromData(certPem, QSsl::Pem);
        if (certs.isEmpty())
            return Error {QStringLiteral("the client certificate of user '%1' is not a PEM certificate")
                              .arg(u.name)
                              .toStdString(),
                u.origin.toStdString(), "check client-certificate(-data)"};
        a->m_cert = certs.first();
        a->m_key = loadPemKey(keyPem);
        if (a->m_key.isNull())
            return Error {
                QStringLiteral("the client key of user '%1' is not an unencrypted PEM RSA or EC private key")
                    .arg(u.name)
                    .toStdString(),
                u.origin.toStdString(), "check client-key(-data); encrypted keys are not supported"};
    }
    if (u.exec)
        a->m_exec = std::make_unique<ExecCredentialPlugin>(*u.exec, u.name, u.origin, context.cluster);
    if (u.authProvider && u.authProvider->name == QLatin1String("oidc"))
        a->m_oidc = std::make_unique<OidcTokenProvider>(*u.authProvider, u.name, u.origin);
    return a;
}

Result<QString> Authenticator::currentToken()
{
    // types.go: when both are set, the token file is re-read and its last good value wins over token.
    if (!m_user.tokenFile.isEmpty()) {
        QFile f(m_user.tokenFile);
        if (f.open(QIODevice::ReadOnly)) {
            const QString t = QString::fromUtf8(f.readAll()).trimmed();
            if (!t.isEmpty())
                m_lastFileToken = t;
        }
        if (m_lastFileToken.isEmpty() && m_user.token.isEmpty())
            return Error {QStringLiteral("cannot read the token file of user '%1' at %2: %3")
                              .arg(m_user.name, m_user.tokenFile, f.errorString())
                              .toStdString(),
                m_user.origin.toStdString(), "check users[].user.tokenFile"};
    }
    return m_lastFileToken.isEmpty() ? m_user.token : m_lastFileToken;
}

Result<RequestAuth> Authenticator::prepare(const CancelToken &cancel)
{
    const std::lock_guard<std::mutex> hold(m_lock);
    RequestAuth auth;
    auth.generation = m_generation;
    auth.clientCertificate = m_cert;
    auth.clientKey = m_key;
    if (m_exec) {
        auto c = m_exec->get(cancel);
        if (!c)
            return c.error();
        if (!c->token.isEmpty())
            auth.headers.append({"Authorization", "Bearer " + c->token.toUtf8()});
        if (!c->clientCertificatePem.isEmpty()) {
            const auto certs = QSslCertificate::fromData(c->clientCertificatePem, QSsl::Pem);
            auth.clientKey = loadPemKey(c->clientKeyPem);
            if (certs.isEmpty() || auth.clientKey.isNull())
                return Error {
                    QStringLiteral("user '%1': the exec plugin returned a client certificate or key that is "
                                   "not valid PEM")
                        .arg(m_user.name)
                        .toStdString(),
                    m_user.origin.toStdString(), {}};
            auth.clientCertificate = certs.first();
        }
    } else if (m_oidc) {
        auto t = m_oidc->idToken(cancel);
        if (!t)
            return t.error();
        auth.headers.append({"Authorization", "Bearer " + t->toUtf8()});
    } else if (!m_user.token.isEmpty() || !m_user.tokenFile.isEmpty()) {
        auto t = currentToken();
        if (!t)
            return t.error();
        auth.headers.append({"Authorization", "Bearer " + t->toUtf8()});
    } else if (!m_user.username.isEmpty() || !m_user.password.isEmpty()) {
        auth.headers.append({"Authorization",
            "Basic " + (m_user.username + QLatin1Char(':') + m_user.password).toUtf8().toBase64()});
    }
    if (!m_user.as.isEmpty())
        auth.headers.append({"Impersonate-User", m_user.as.toUtf8()});
    if (!m_user.asUid.isEmpty())
        auth.headers.append({"Impersonate-Uid", m_user.asUid.toUtf8()});
    for (const QString &g : m_user.asGroups)
        auth.headers.append({"Impersonate-Group", g.toUtf8()});
    for (auto it = m_user.asUserExtra.cbegin(); it != m_user.asUserExtra.cend(); ++it) {
        for (const QString &v : it.value())
            auth.headers.append({"Impersonate-Extra-" + QUrl::toPercentEncoding(it.key()), v.toUtf8()});
    }
    return auth;
}

bool Authenticator::refreshAfterUnauthorized(const RequestAuth &used)
{
    const std::lock_guard<std::mutex> hold(m_lock);
    if (used.generation != m_generation)
        return true; // another request already fetched a newer credential
    if (m_exec) {
        ++m_generation;
        // Re-run the plugin for the next attempt (client-go maybeRefreshCreds); the caller retries a
        // request only once, so this runs at most once per failed request.
        m_exec->invalidate();
        return true;
    }
    if (!m_user.tokenFile.isEmpty()) {
        const QString before = m_lastFileToken;
        QFile f(m_user.tokenFile);
        if (f.open(QIODevice::ReadOnly)) {
            const QString t = QString::fromUtf8(f.readAll()).trimmed();
            return !t.isEmpty() && t != before;
        }
    }
    return false;
}

QString Authenticator::method() const
{
    if (m_exec)
        return QStringLiteral("exec plugin '%1'").arg(m_user.exec->command);
    if (m_oidc)
        return QStringLiteral("oidc id-token");
    if (!m_user.tokenFile.isEmpty())
        return QStringLiteral("token file %1").arg(m_user.tokenFile);
    if (!m_user.token.isEmpty())
        return QStringLiteral("bearer token");
    if (!m_user.username.isEmpty())
        return QStringLiteral("basic auth");
    if (!m_cert.isNull())
        return QStringLiteral("client certificate");
    return QStringLiteral("no credentials");
}

QString Authenticator::unauthorizedHint() const
{
    const QString where = m_user.origin;
    if (m_exec) {
        const QString cmd = m_user.exec->command;
        if (cmd.contains(QLatin1String("ibmcloud")))
            return QStringLiteral(
                "run `ibmcloud login` and `ibmcloud ks cluster config --cluster CLUSTER` again");
        return QStringLiteral(
            "the exec plugin '%1' of user '%2' returned a credential the server rejects; log in "
            "with the plugin again")
            .arg(cmd, m_user.name);
    }
    if (m_oidc) {
        if (m_user.authProvider->config.value(QStringLiteral("idp-issuer-url"))
                .contains(QLatin1String("cloud.ibm.com")))
            return QStringLiteral(
                "run `ibmcloud ks cluster config --cluster CLUSTER` again to refresh user '%1'")
                .arg(m_user.name);
        return QStringLiteral("log in again with your OIDC tool to refresh user '%1' in %2")
            .arg(m_user.name, where);
    }
    if (!m_user.token.isEmpty() || !m_user.tokenFile.isEmpty())
        return QStringLiteral(
            "the token of user '%1' in %2 is wrong or expired: get a fresh one (e.g. `oc login` or "
            "`kubectl create token`)")
            .arg(m_user.name, where);
    if (!m_cert.isNull())
        return QStringLiteral(
            "the client certificate of user '%1' in %2 is not accepted (expired %3?): fetch a new "
            "admin kubeconfig")
            .arg(m_user.name, where, m_cert.expiryDate().toString(Qt::ISODate));
    return QStringLiteral(
        "user '%1' in %2 has no credentials: add a token, client certificate or exec plugin")
        .arg(m_user.name, where);
}

} // namespace lbs::kube
