#include "core/kube/oidctokenprovider.h"

#include "core/kube/netwait.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSaveFile>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QUrlQuery>

#include <yaml-cpp/yaml.h>

namespace lbs::kube {
namespace {
const QString kIdToken = QStringLiteral("id-token");
const QString kRefreshToken = QStringLiteral("refresh-token");
} // namespace

OidcTokenProvider::OidcTokenProvider(AuthProviderConfig config, QString userName, QString origin)
    : m_config(std::move(config)), m_user(std::move(userName)), m_origin(std::move(origin))
{
}

Error OidcTokenProvider::error(const QString &message, const QString &hint, ErrorKind kind) const
{
    return Error {QStringLiteral("user '%1' (oidc): %2").arg(m_user, message).toStdString(),
        m_origin.toStdString(), hint.toStdString(), kind};
}

QDateTime OidcTokenProvider::jwtExpiry(const QString &jwt)
{
    const QStringList parts = jwt.split(QLatin1Char('.'));
    if (parts.size() < 2)
        return {};
    auto payload = QByteArray::fromBase64Encoding(
        parts[1].toLatin1(), QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    if (!payload)
        return {};
    const QJsonValue exp = QJsonDocument::fromJson(*payload).object().value(QStringLiteral("exp"));
    if (!exp.isDouble())
        return {};
    return QDateTime::fromSecsSinceEpoch(static_cast<qint64>(exp.toDouble()), Qt::UTC);
}

Result<QString> OidcTokenProvider::idToken(const CancelToken &cancel)
{
    const QString token = m_config.config.value(kIdToken);
    const QDateTime exp = jwtExpiry(token);
    if (!token.isEmpty() && exp.isValid() && QDateTime::currentDateTimeUtc().secsTo(exp) > 10)
        return token;
    return refresh(cancel);
}

Result<QString> OidcTokenProvider::refresh(const CancelToken &cancel)
{
    const QString issuer = m_config.config.value(QStringLiteral("idp-issuer-url"));
    const QString refreshToken = m_config.config.value(kRefreshToken);
    const QString loginHint = issuer.contains(QLatin1String("iam.cloud.ibm.com"))
        ? QStringLiteral("run `ibmcloud login` and `ibmcloud ks cluster config --cluster CLUSTER` again")
        : QStringLiteral("log in again with your OIDC login tool to get a new id-token");
    if (issuer.isEmpty() || refreshToken.isEmpty())
        return error(
            QStringLiteral("the id-token is expired or unreadable and there is no %1 to refresh it")
                .arg(issuer.isEmpty() ? QStringLiteral("idp-issuer-url") : QStringLiteral("refresh-token")),
            loginHint);

    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    QByteArray caPem = QByteArray::fromBase64(
        m_config.config.value(QStringLiteral("idp-certificate-authority-data")).toLatin1());
    if (caPem.isEmpty() && !m_config.config.value(QStringLiteral("idp-certificate-authority")).isEmpty()) {
        QFile f(m_config.config.value(QStringLiteral("idp-certificate-authority")));
        if (f.open(QIODevice::ReadOnly))
            caPem = f.readAll();
    }
    if (!caPem.isEmpty())
        ssl.setCaCertificates(QSslCertificate::fromData(caPem, QSsl::Pem));

    QNetworkAccessManager nam;
    auto fetch = [&](QNetworkRequest req, const QByteArray *form) -> Result<QJsonObject> {
        req.setSslConfiguration(ssl);
        QNetworkReply *reply = form ? nam.post(req, *form) : nam.get(req);
        const WaitOutcome w = waitForReply(reply, cancel, 30000);
        reply->deleteLater();
        if (w == WaitOutcome::Cancelled)
            return error(QStringLiteral("token refresh cancelled"), {}, ErrorKind::Cancelled);
        if (w == WaitOutcome::TimedOut)
            return error(QStringLiteral("no answer from %1 within 30 s").arg(req.url().toString()), loginHint,
                ErrorKind::Timeout);
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray body = reply->readAll();
        if (status != 200)
            return error(QStringLiteral("refreshing the id-token at %1 failed: HTTP %2 %3")
                             .arg(req.url().toString())
                             .arg(status)
                             .arg(status == 0 ? reply->errorString() : QString::fromUtf8(body.left(200))),
                loginHint);
        return QJsonDocument::fromJson(body).object();
    };

    QString base = issuer;
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    auto discovery
        = fetch(QNetworkRequest(QUrl(base + QStringLiteral("/.well-known/openid-configuration"))), nullptr);
    if (!discovery)
        return discovery.error();
    const QString tokenEndpoint = discovery->value(QStringLiteral("token_endpoint")).toString();
    if (tokenEndpoint.isEmpty())
        return error(QStringLiteral("the issuer %1 publishes no token_endpoint").arg(issuer), loginHint);

    const QString clientId = m_config.config.value(QStringLiteral("client-id"));
    const QString clientSecret = m_config.config.value(QStringLiteral("client-secret"));
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("grant_type"), QStringLiteral("refresh_token"));
    q.addQueryItem(
        QStringLiteral("refresh_token"), QString::fromLatin1(QUrl::toPercentEncoding(refreshToken)));
    QNetworkRequest req {QUrl(tokenEndpoint)};
    req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
    // x/oauth2 auto-detects: HTTP Basic client authentication first, then the credentials as form fields.
    QNetworkRequest basic = req;
    basic.setRawHeader("Authorization",
        "Basic "
            + QByteArray(QUrl::toPercentEncoding(clientId) + ':' + QUrl::toPercentEncoding(clientSecret))
                  .toBase64());
    QByteArray form = q.toString(QUrl::FullyEncoded).toLatin1();
    auto tokens = fetch(basic, &form);
    if (!tokens) {
        q.addQueryItem(QStringLiteral("client_id"), QString::fromLatin1(QUrl::toPercentEncoding(clientId)));
        q.addQueryItem(
            QStringLiteral("client_secret"), QString::fromLatin1(QUrl::toPercentEncoding(clientSecret)));
        form = q.toString(QUrl::FullyEncoded).toLatin1();
        tokens = fetch(req, &form);
        if (!tokens)
            return tokens.error();
    }
    const QString idToken = tokens->value(QStringLiteral("id_token")).toString();
    if (idToken.isEmpty())
        return error(QStringLiteral("the token endpoint answered without an id_token"), loginHint);
    ++m_refreshes;
    m_config.config.insert(kIdToken, idToken);
    const QString newRefresh = tokens->value(QStringLiteral("refresh_token")).toString();
    if (!newRefresh.isEmpty())
        m_config.config.insert(kRefreshToken, newRefresh);
    if (m_persist) {
        if (auto s = persist(idToken, m_config.config.value(kRefreshToken)); !s)
            return s.error();
    }
    return idToken;
}

Status OidcTokenProvider::persist(const QString &idToken, const QString &refreshToken)
{
    // Written into the file that defines the user stanza (kubectl's rule for modified values).
    QFile in(m_origin);
    if (!in.open(QIODevice::ReadOnly))
        return error(QStringLiteral("cannot re-read the kubeconfig to store the refreshed id-token"));
    try {
        YAML::Node root = YAML::Load(in.readAll().toStdString());
        bool found = false;
        for (auto u : root["users"]) {
            if (u["name"].as<std::string>() == m_user.toStdString()) {
                YAML::Node cfg = u["user"]["auth-provider"]["config"];
                cfg["id-token"] = idToken.toStdString();
                cfg["refresh-token"] = refreshToken.toStdString();
                found = true;
            }
        }
        if (!found)
            return error(
                QStringLiteral("the user stanza vanished from the kubeconfig; the refreshed token is kept "
                               "in memory only"));
        YAML::Emitter out;
        out << root;
        QSaveFile save(m_origin);
        if (!save.open(QIODevice::WriteOnly) || save.write(out.c_str()) < 0 || !save.commit())
            return error(QStringLiteral("cannot write the refreshed id-token into the kubeconfig: %1")
                             .arg(save.errorString()),
                QStringLiteral("check that the file is writable"));
    } catch (const YAML::Exception &e) {
        return error(QStringLiteral("cannot update the kubeconfig with the refreshed token: %1")
                         .arg(QString::fromStdString(e.msg)));
    }
    return Ok {};
}

} // namespace lbs::kube
