// auth-provider oidc (docs/protocol-notes.md, "Authentication"): the id-token is used while its exp is > 10 s
// away, otherwise it is refreshed at the issuer's token endpoint (discovery, refresh_token grant) and written
// back into the kubeconfig file that defines the user.
#include "core/kube/kubeclient.h"
#include "core/kube/kubeconfigloader.h"
#include "core/kube/oidctokenprovider.h"
#include "fakeapiserver.h"

#include <QDateTime>
#include <QFile>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

using namespace lbs::kube;
using namespace Qt::StringLiterals;

namespace {

QString jwt(qint64 exp, const QString &tag)
{
    const auto enc = [](const QByteArray &b) {
        return QString::fromLatin1(
            b.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
    };
    return enc(R"({"alg":"RS256"})") + u'.'
        + enc(QJsonDocument(
            QJsonObject {{u"iss"_s, u"https://iam.example"_s}, {u"exp"_s, exp}, {u"sub"_s, tag}})
                  .toJson(QJsonDocument::Compact))
        + u".c2ln"_s;
}

} // namespace

class TestOidc : public QObject {
    Q_OBJECT
private slots:
    void expiryClaim()
    {
        QCOMPARE(OidcTokenProvider::jwtExpiry(jwt(1767225600, u"a"_s)),
            QDateTime::fromSecsSinceEpoch(1767225600, Qt::UTC));
        QVERIFY(!OidcTokenProvider::jwtExpiry(u"not-a-jwt"_s).isValid());
        QVERIFY(!OidcTokenProvider::jwtExpiry(u"a.!!!.c"_s).isValid());
    }

    void refreshAndPersist()
    {
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        const QString fresh = jwt(now + 3600, u"fresh"_s);
        int tokenCalls = 0;
        QByteArray tokenAuth;
        QString grant;
        FakeApiServer *self = nullptr;
        FakeApiServer server([&](const FakeRequest &r) {
            if (r.path == QLatin1String("/.well-known/openid-configuration"))
                return FakeResponse::json(200,
                    QJsonDocument(QJsonObject {{u"token_endpoint"_s, QString(self->url() + u"/token"_s)}})
                        .toJson());
            if (r.path == QLatin1String("/token")) {
                ++tokenCalls;
                tokenAuth = r.headers.value("authorization");
                grant = QUrlQuery(QString::fromLatin1(r.body)).queryItemValue(u"grant_type"_s);
                return FakeResponse::json(200,
                    QJsonDocument(QJsonObject {{u"id_token"_s, fresh}, {u"refresh_token"_s, u"rt-2"_s}})
                        .toJson());
            }
            if (r.headers.value("authorization") == "Bearer " + fresh.toLatin1())
                return FakeResponse::json(200, R"({"kind":"NamespaceList","items":[]})");
            return FakeResponse::kubeStatus(401, u"Unauthorized"_s, u"Unauthorized"_s);
        });
        self = &server;
        QTemporaryDir dir;
        const QString path = dir.filePath(u"config"_s);
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QStringLiteral(
            "current-context: c\nclusters:\n- name: k\n  cluster: {server: '%1'}\n"
            "users:\n- name: me@example.com/acct/iam.cloud.ibm.com-identity\n  user:\n    auth-provider:\n"
            "      name: oidc\n      config:\n        client-id: kube\n        client-secret: kube\n"
            "        id-token: %2\n        idp-issuer-url: %1\n        refresh-token: rt-1\n"
            "contexts:\n- name: c\n  context: {cluster: k, user: "
            "me@example.com/acct/iam.cloud.ibm.com-identity}\n")
                    .arg(server.url(), jwt(now - 60, u"old"_s))
                    .toUtf8());
        f.close();
        auto cfg = KubeConfigLoader::loadFile(path);
        QVERIFY(cfg.ok());
        auto ctx = cfg->resolve();
        QVERIFY(ctx.ok());
        auto client = KubeClient::create(*ctx);
        QVERIFY(client.ok());
        lbs::CancelToken cancel;
        auto r = (*client)->get(u"/api/v1/namespaces"_s, cancel);
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().toString().c_str());
        QCOMPARE(tokenCalls, 1);
        QCOMPARE(grant, u"refresh_token"_s);
        QCOMPARE(tokenAuth, "Basic " + QByteArray("kube:kube").toBase64());
        // Written back into the file that defines the user; a reload sees the new tokens.
        auto again = KubeConfigLoader::loadFile(path);
        QVERIFY(again.ok());
        const auto *u = again->user(u"me@example.com/acct/iam.cloud.ibm.com-identity"_s);
        QVERIFY(u);
        QCOMPARE(u->authProvider->config.value(u"id-token"_s), fresh);
        QCOMPARE(u->authProvider->config.value(u"refresh-token"_s), u"rt-2"_s);
        // Still valid: no second refresh.
        QVERIFY((*client)->get(u"/api/v1/namespaces"_s, cancel).ok());
        QCOMPARE(tokenCalls, 1);
    }

    void validTokenIsNotRefreshed()
    {
        AuthProviderConfig c;
        c.name = u"oidc"_s;
        c.config.insert(u"id-token"_s, jwt(QDateTime::currentSecsSinceEpoch() + 600, u"ok"_s));
        OidcTokenProvider p(c, u"u"_s, u"/k"_s);
        lbs::CancelToken cancel;
        auto t = p.idToken(cancel);
        QVERIFY(t.ok());
        QCOMPARE(p.refreshCount(), 0);
    }

    void expiredWithoutRefreshToken()
    {
        AuthProviderConfig c;
        c.name = u"oidc"_s;
        c.config.insert(u"id-token"_s,
            jwt(QDateTime::currentSecsSinceEpoch() + 5, u"almost"_s)); // within the 10 s margin
        c.config.insert(u"idp-issuer-url"_s, u"https://iam.cloud.ibm.com/identity"_s);
        OidcTokenProvider p(c, u"u"_s, u"/home/u/.kube/config"_s);
        p.setPersist(false);
        lbs::CancelToken cancel;
        auto t = p.idToken(cancel);
        QVERIFY(!t.ok());
        const QString text = QString::fromStdString(t.error().toString());
        QVERIFY2(text.contains(u"no refresh-token"_s) && text.contains(u"ibmcloud ks cluster config"_s),
            qPrintable(text));
    }

    void tokenEndpointRejects()
    {
        FakeApiServer *self = nullptr;
        FakeApiServer server([&](const FakeRequest &r) {
            if (r.path == QLatin1String("/.well-known/openid-configuration"))
                return FakeResponse::json(200,
                    QJsonDocument(QJsonObject {{u"token_endpoint"_s, QString(self->url() + u"/token"_s)}})
                        .toJson());
            return FakeResponse::json(400, R"({"error":"invalid_grant"})");
        });
        self = &server;
        AuthProviderConfig c;
        c.name = u"oidc"_s;
        c.config.insert(u"idp-issuer-url"_s, server.url());
        c.config.insert(u"refresh-token"_s, u"rt"_s);
        c.config.insert(u"client-id"_s, u"kube"_s);
        OidcTokenProvider p(c, u"u"_s, u"/k"_s);
        p.setPersist(false);
        lbs::CancelToken cancel;
        auto t = p.idToken(cancel);
        QVERIFY(!t.ok());
        QVERIFY2(QString::fromStdString(t.error().message).contains(u"invalid_grant"_s),
            t.error().message.c_str());
        QCOMPARE(server.requests.size(), 3); // discovery, Basic attempt, form attempt
    }
};

QTEST_GUILESS_MAIN(TestOidc)
#include "tst_oidc.moc"
