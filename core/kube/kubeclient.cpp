#include "core/kube/kubeclient.h"

#include "core/common/trace.h"
#include "core/kube/apirequest.h"
#include "core/kube/kubeconfigloader.h"
#include "core/kube/netwait.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QThread>

namespace lbs::kube {
namespace {

/// The largest answer read from the API server. A page of 500 pods is a few MB; anything past this
/// is not an answer lbscope can use, and reading it would only hold memory.
constexpr qint64 kMaxAnswerBytes = qint64(64) << 20;

/// A header value for a message: printable ASCII only, at most 200 characters.
QString printable(const QByteArray &value)
{
    QString out;
    for (const char c : value.left(200))
        out += (c >= 0x20 && c < 0x7f) ? QLatin1Char(c) : QLatin1Char('?');
    return out;
}

Error clientError(const ResolvedContext &c, const QString &message, const QString &hint)
{
    return Error {message.toStdString(), c.cluster.origin.toStdString(), hint.toStdString()};
}

bool hostMatchesNoProxy(const QString &host, const QString &noProxy)
{
    for (QString entry : noProxy.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        entry = entry.trimmed();
        if (entry == QLatin1String("*"))
            return true;
        if (entry.startsWith(QLatin1Char('.')))
            entry.remove(0, 1);
        if (host == entry || host.endsWith(QLatin1Char('.') + entry))
            return true;
    }
    return false;
}

Result<QNetworkProxy> proxyFor(const ResolvedContext &c, const QUrl &server)
{
    QString proxyUrl = c.cluster.proxyUrl;
    QString source = QStringLiteral("cluster '%1' has proxy-url").arg(c.cluster.name);
    if (proxyUrl.isEmpty()) {
        // client-go falls back to the environment (http_proxy/https_proxy/no_proxy).
        const bool https = server.scheme() == QLatin1String("https");
        // Two named arrays: a ternary over two initializer_lists would leave the loop on a dangling
        // temporary.
        static constexpr const char *httpsVars[] = {"https_proxy", "HTTPS_PROXY"};
        static constexpr const char *httpVars[] = {"http_proxy", "HTTP_PROXY"};
        for (const char *var : https ? httpsVars : httpVars) {
            if (qEnvironmentVariableIsSet(var) && !qEnvironmentVariable(var).isEmpty()) {
                proxyUrl = qEnvironmentVariable(var);
                source = QStringLiteral("for cluster '%1' the environment variable %2 is")
                             .arg(c.cluster.name, QLatin1String(var));
                break;
            }
        }
        const QString noProxy = qEnvironmentVariableIsSet("no_proxy") ? qEnvironmentVariable("no_proxy")
                                                                      : qEnvironmentVariable("NO_PROXY");
        if (proxyUrl.isEmpty() || hostMatchesNoProxy(server.host(), noProxy))
            return QNetworkProxy(QNetworkProxy::NoProxy);
        if (!proxyUrl.contains(QLatin1String("://")))
            proxyUrl.prepend(QStringLiteral("http://")); // Go reads "host:port" as an http proxy
    }
    const QUrl u(proxyUrl);
    const QString shown = u.toDisplayString(QUrl::RemoveUserInfo);
    QNetworkProxy::ProxyType type;
    int defaultPort = 0; // Go's defaults (net/http): 80 for http, 1080 for socks5
    if (u.scheme() == QLatin1String("http")) {
        type = QNetworkProxy::HttpProxy; // CONNECT tunnel; the API traffic inside stays TLS end to end
        defaultPort = 80;
    } else if (u.scheme() == QLatin1String("socks5")) {
        type = QNetworkProxy::Socks5Proxy;
        defaultPort = 1080;
    } else if (u.scheme() == QLatin1String("https")) {
        // Qt speaks plain TCP to an HTTP proxy: an https:// proxy would get its credentials and CONNECT
        // in clear text. Refuse rather than silently downgrade.
        return clientError(c,
            QStringLiteral("%1 '%2': a proxy reached over TLS (https://) is not supported")
                .arg(source, shown),
            QStringLiteral(
                "use an http:// or socks5:// proxy (the API traffic inside the tunnel stays TLS), or "
                "run lbscope where the API server is reachable without it"));
    } else {
        return clientError(c, QStringLiteral("%1 '%2' with an unsupported scheme").arg(source, shown),
            QStringLiteral("use http:// or socks5://"));
    }
    QNetworkProxy p(type, u.host(), static_cast<quint16>(u.port(defaultPort)));
    if (!u.userName().isEmpty()) {
        p.setUser(u.userName());
        p.setPassword(u.password());
    }
    return p;
}

} // namespace

QJsonObject ApiResponse::object() const
{
    return QJsonDocument::fromJson(body).object();
}

QString pathSegment(const QString &s)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(s));
}

void addQueryValue(QUrlQuery &query, const QString &key, const QString &value)
{
    query.addQueryItem(key, QString::fromLatin1(QUrl::toPercentEncoding(value)));
}

KubeClient::~KubeClient() = default;

Result<std::unique_ptr<KubeClient>> KubeClient::create(const ResolvedContext &context)
{
    std::unique_ptr<KubeClient> c(new KubeClient);
    c->m_context = context;
    const ClusterInfo &cl = context.cluster;
    QUrl base(cl.server);
    if (!base.isValid() || base.host().isEmpty()
        || (base.scheme() != QLatin1String("https") && base.scheme() != QLatin1String("http")))
        return clientError(context,
            QStringLiteral("cluster '%1' has an invalid server address '%2'").arg(cl.name, cl.server),
            QStringLiteral("server must look like https://HOST:PORT"));
    // client-go keeps a path prefix and drops query and fragment.
    base.setQuery(QString());
    base.setFragment(QString());
    QString prefix = base.path();
    while (prefix.endsWith(QLatin1Char('/')))
        prefix.chop(1);
    base.setPath(prefix);
    c->m_base = base;

    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    if (cl.insecureSkipTlsVerify) {
        ssl.setPeerVerifyMode(QSslSocket::VerifyNone);
    } else {
        QByteArray caPem = cl.certificateAuthorityData;
        if (caPem.isEmpty() && !cl.certificateAuthority.isEmpty()) {
            QFile f(cl.certificateAuthority);
            if (!f.open(QIODevice::ReadOnly))
                return clientError(context,
                    QStringLiteral("cannot read certificate-authority %1 of cluster '%2': %3")
                        .arg(cl.certificateAuthority, cl.name, f.errorString()),
                    QStringLiteral("relative paths are resolved against the kubeconfig's directory"));
            caPem = f.readAll();
        }
        if (!caPem.isEmpty()) {
            const auto cas = QSslCertificate::fromData(caPem, QSsl::Pem);
            if (cas.isEmpty())
                return clientError(context,
                    QStringLiteral("the certificate authority of cluster '%1' holds no PEM certificate")
                        .arg(cl.name),
                    QStringLiteral("certificate-authority-data is the base64 of the PEM text"));
            ssl.setCaCertificates(cas); // trust only this pool
        }
        ssl.setPeerVerifyMode(QSslSocket::VerifyPeer);
    }
    c->m_ssl = ssl;
    auto proxy = proxyFor(context, base);
    if (!proxy)
        return proxy.error();
    c->m_proxy = *proxy;
    auto auth = Authenticator::create(context);
    if (!auth)
        return auth.error();
    c->m_auth = *auth;
    c->m_nam = std::make_unique<QNetworkAccessManager>();
    c->m_nam->setProxy(c->m_proxy);
    return c;
}

Result<std::unique_ptr<KubeClient>> KubeClient::fromKubeconfig(
    const QString &explicitPath, const QString &contextName)
{
    auto cfg = KubeConfigLoader::load(KubeConfigSource::fromEnvironment(explicitPath));
    if (!cfg)
        return cfg.error();
    auto ctx = cfg->resolve(contextName);
    if (!ctx)
        return ctx.error();
    return create(*ctx);
}

Result<std::unique_ptr<KubeClient>> KubeClient::sibling() const
{
    auto c = create(m_context);
    if (c) {
        (*c)->m_auth = m_auth;
        (*c)->m_timeoutMs = m_timeoutMs;
    }
    return c;
}

QString KubeClient::describe() const
{
    return QStringLiteral("context '%1' (%2)").arg(m_context.context.name, m_context.cluster.server);
}

QStringList KubeClient::warnings() const
{
    return m_context.warnings + m_serverWarnings;
}

void KubeClient::addServerWarning(const QString &warning)
{
    if (!m_serverWarnings.contains(warning))
        m_serverWarnings << warning;
}

ErrorContext KubeClient::errorContext() const
{
    ErrorContext e;
    e.contextName = m_context.context.name;
    e.server = m_context.cluster.server;
    e.clusterName = m_context.cluster.name;
    e.userName = m_context.user.name;
    e.origin = m_context.context.origin;
    e.authHint = m_auth ? m_auth->unauthorizedHint() : QString();
    e.customCa = !m_context.cluster.certificateAuthority.isEmpty()
        || !m_context.cluster.certificateAuthorityData.isEmpty();
    return e;
}

QUrl KubeClient::url(const QString &path, const QUrlQuery &query) const
{
    QUrl u = m_base;
    u.setPath(m_base.path() + path);
    if (!query.isEmpty())
        u.setQuery(query);
    return u;
}

QSslConfiguration KubeClient::sslConfiguration(const RequestAuth &auth) const
{
    QSslConfiguration ssl = m_ssl;
    if (auth.hasClientCertificate()) {
        ssl.setLocalCertificate(auth.clientCertificate);
        ssl.setPrivateKey(auth.clientKey);
    }
    return ssl;
}

Result<ApiResponse> KubeClient::request(const QByteArray &verb, const QString &path, const QUrlQuery &query,
    const QByteArray &body, const QByteArray &contentType, const CancelToken &cancel)
{
    // QNetworkAccessManager is bound to its thread: use a private one when called from elsewhere.
    std::unique_ptr<QNetworkAccessManager> local;
    QNetworkAccessManager *nam = m_nam.get();
    if (m_nam->thread() != QThread::currentThread()) {
        local = std::make_unique<QNetworkAccessManager>();
        local->setProxy(m_proxy);
        nam = local.get();
    }
    const QString what = QStringLiteral("%1 %2").arg(QString::fromLatin1(verb), path);
    for (int attempt = 0; attempt < 2; ++attempt) {
        if (cancel.isCancelled())
            return Error {
                QStringLiteral("%1 cancelled").arg(what).toStdString(), {}, {}, ErrorKind::Cancelled};
        auto auth = m_auth->prepare(cancel);
        if (!auth)
            return auth.error();
        QNetworkRequest req = apiRequest(*this, path, query, *auth);
        if (m_context.cluster.disableCompression)
            req.setRawHeader("Accept-Encoding", "identity");
        if (!contentType.isEmpty())
            req.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
        QElapsedTimer took;
        took.start();
        QNetworkReply *reply = nam->sendCustomRequest(req, verb, body);
        QList<QSslError> sslErrors;
        QObject::connect(reply, &QNetworkReply::sslErrors, reply,
            [&sslErrors](const QList<QSslError> &errors) { sslErrors = errors; });
        // An answer larger than any API object lbscope reads is cut off as soon as it says so or grows past
        // it. The body is taken as it arrives, and the network thread reads at most 1 MiB ahead of us:
        // left to itself it buffers as fast as the server sends, so what a huge answer cost depended on
        // how busy this thread was when the limit was reached.
        bool tooLarge = false;
        QByteArray received;
        reply->setReadBufferSize(qint64(1) << 20);
        const auto stopIfTooLarge = [&tooLarge, reply](qint64 got, qint64 total) {
            if (!tooLarge && (got > kMaxAnswerBytes || total > kMaxAnswerBytes)) {
                tooLarge = true;
                reply->abort();
            }
        };
        QObject::connect(reply, &QNetworkReply::downloadProgress, reply, stopIfTooLarge);
        QObject::connect(reply, &QNetworkReply::readyRead, reply, [&received, stopIfTooLarge, reply] {
            if (reply->isOpen())
                received += reply->readAll();
            stopIfTooLarge(received.size(), -1);
        });
        const WaitOutcome w = waitForReply(reply, cancel, m_timeoutMs);
        std::unique_ptr<QNetworkReply, void (*)(QNetworkReply *)> guard(
            reply, [](QNetworkReply *r) { r->deleteLater(); });
        if (w == WaitOutcome::Cancelled)
            return Error {
                QStringLiteral("%1 cancelled").arg(what).toStdString(), {}, {}, ErrorKind::Cancelled};
        if (w == WaitOutcome::TimedOut)
            return mapNetworkError(QNetworkReply::TimeoutError, {}, {}, what, errorContext());
        if (tooLarge)
            return Error {
                QStringLiteral("%1: the API server's answer is larger than %2 MiB; stopped reading it")
                    .arg(what)
                    .arg(kMaxAnswerBytes >> 20)
                    .toStdString(),
                m_context.cluster.server.toStdString(), "is 'server' really a Kubernetes API server?",
                ErrorKind::Unsupported};
        const QVariant statusAttr = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
        if (statusAttr.isValid() && statusAttr.toInt() >= 300 && statusAttr.toInt() <= 399)
            return Error {
                QStringLiteral("%1: the API server redirected to %2; lbscope does not follow redirects, "
                               "so no credential goes to another address")
                    .arg(what, printable(reply->rawHeader("Location")))
                    .toStdString(),
                m_context.cluster.server.toStdString(),
                "set the cluster's 'server' in kubeconfig to the address the API is served at",
                ErrorKind::Unsupported};
        if (!statusAttr.isValid())
            return mapNetworkError(reply->error(), reply->errorString(), sslErrors, what, errorContext());
        for (const auto &pair : reply->rawHeaderPairs()) {
            if (pair.first.compare("Warning", Qt::CaseInsensitive) == 0)
                addServerWarning(QString::fromUtf8(pair.second));
        }
        ApiResponse r;
        r.status = statusAttr.toInt();
        r.body = received + reply->readAll();
        if (const QVariant announced = reply->header(QNetworkRequest::ContentLengthHeader);
            announced.isValid() && r.body.size() < announced.toLongLong())
            return Error {
                QStringLiteral("%1: the API server closed the connection after %2 of the %3 bytes it "
                               "announced")
                    .arg(what, QString::number(r.body.size()), QString::number(announced.toLongLong()))
                    .toStdString(),
                m_context.cluster.server.toStdString(), "retry; if it repeats, check proxies on the way",
                ErrorKind::Unavailable};
        if (traceEnabled("http"))
            trace("http",
                // One arg() call: the query's %-escapes must not be taken for placeholders.
                QStringLiteral("%1%2 -> %3 (%4 bytes, %5 ms)")
                    .arg(what, query.isEmpty() ? QString() : QLatin1Char('?') + query.toString(),
                        QString::number(r.status), QString::number(r.body.size()),
                        QString::number(took.elapsed()))
                    .toStdString());
        if (r.status == 401 && attempt == 0 && m_auth->refreshAfterUnauthorized(*auth))
            continue;
        return r;
    }
    return Error {QStringLiteral("%1: unreachable").arg(what).toStdString(), {}, {}};
}

Result<QJsonObject> KubeClient::expectJson(const Result<ApiResponse> &r, const QString &what)
{
    if (!r)
        return r.error();
    if (r->status < 200 || r->status > 299)
        return mapHttpError(r->status, r->body, what, errorContext());
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(r->body, &pe);
    if (!doc.isObject())
        return Error {
            QStringLiteral("%1: the API server answered with something that is not a JSON object (%2)")
                .arg(what, pe.errorString())
                .toStdString(),
            m_context.cluster.server.toStdString(), "is 'server' really a Kubernetes API server?"};
    return doc.object();
}

Result<QJsonObject> KubeClient::get(const QString &path, const CancelToken &cancel, const QUrlQuery &query)
{
    return expectJson(request("GET", path, query, {}, {}, cancel), QStringLiteral("GET %1").arg(path));
}

Result<QJsonObject> KubeClient::post(
    const QString &path, const QJsonObject &body, const CancelToken &cancel, const QUrlQuery &query)
{
    return expectJson(request("POST", path, query, QJsonDocument(body).toJson(QJsonDocument::Compact),
                          "application/json", cancel),
        QStringLiteral("POST %1").arg(path));
}

Result<QJsonObject> KubeClient::patch(
    const QString &path, const QJsonObject &body, const CancelToken &cancel, const QByteArray &contentType)
{
    return expectJson(
        request("PATCH", path, {}, QJsonDocument(body).toJson(QJsonDocument::Compact), contentType, cancel),
        QStringLiteral("PATCH %1").arg(path));
}

Result<QJsonObject> KubeClient::remove(
    const QString &path, const CancelToken &cancel, const QJsonObject &options)
{
    const QByteArray body
        = options.isEmpty() ? QByteArray() : QJsonDocument(options).toJson(QJsonDocument::Compact);
    return expectJson(request("DELETE", path, {}, body,
                          body.isEmpty() ? QByteArray() : QByteArray("application/json"), cancel),
        QStringLiteral("DELETE %1").arg(path));
}

Result<QJsonArray> KubeClient::list(
    const QString &path, const CancelToken &cancel, const QUrlQuery &query, QString *resourceVersion)
{
    QJsonArray items;
    QString cont;
    for (int page = 0; page < 10000; ++page) {
        QUrlQuery q = query;
        q.addQueryItem(QStringLiteral("limit"), QStringLiteral("500"));
        if (!cont.isEmpty())
            addQueryValue(q, QStringLiteral("continue"), cont);
        auto r = get(path, cancel, q);
        if (!r)
            return r.error();
        for (const QJsonValue &v : r->value(QStringLiteral("items")).toArray())
            items.append(v);
        const QJsonObject meta = r->value(QStringLiteral("metadata")).toObject();
        if (resourceVersion)
            *resourceVersion = meta.value(QStringLiteral("resourceVersion")).toString();
        const QString next = meta.value(QStringLiteral("continue")).toString();
        if (next.isEmpty())
            return items;
        // A server that hands back the token it was given would be listed until the page limit.
        if (next == cont)
            return Error {QStringLiteral("listing %1: the API server answered page %2 with the same continue "
                                         "token it was asked for; stopped instead of asking again")
                              .arg(path)
                              .arg(page + 1)
                              .toStdString(),
                {}, {}, ErrorKind::Unavailable};
        cont = next;
    }
    return Error {QStringLiteral("listing %1 did not end after 10000 pages").arg(path).toStdString(), {}, {}};
}

} // namespace lbs::kube
