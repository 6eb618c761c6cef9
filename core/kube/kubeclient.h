#pragma once
// core/kube: a native Kubernetes client for lbscope. kubeconfig as kubectl reads it, every auth method a
// desktop app can run, REST + paging + watch over QNetworkAccessManager, exec over WebSocket, and the
// load balancer locators. Uses QtCore/QtNetwork/QtWebSockets and yaml-cpp; must never depend on Qt
// Widgets/Gui, core/capture, core/ssh or ui/.
//
// Every call is synchronous (a local event loop inside) so that the CLI calls it directly and the GUI
// from a worker thread; each takes a CancelToken that aborts the request in flight.

#include "core/common/canceltoken.h"
#include "core/kube/authenticator.h"
#include "core/kube/kubeconfig.h"
#include "core/kube/kubeerrors.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QNetworkProxy>
#include <QSslConfiguration>
#include <QUrl>
#include <QUrlQuery>

#include <functional>
#include <memory>

class QNetworkAccessManager;
class QNetworkRequest;

namespace lbs::kube {

/// A raw API answer (any HTTP status).
struct ApiResponse {
    int status = 0;
    QByteArray body;
    QJsonObject object() const;
};

/// One event of a watch stream.
struct WatchEvent {
    QString type; ///< ADDED, MODIFIED, DELETED, BOOKMARK, ERROR
    QJsonObject object;
};

enum class WatchControl { Continue, Stop };
using WatchHandler = std::function<WatchControl(const WatchEvent &)>;

/// Why one watch request ended.
struct WatchEnd {
    enum Reason { Stopped, Expired, Closed } reason = Closed;
    QString resourceVersion; ///< last one seen (resume point)
};

/// A connection to one cluster as one user (one resolved context). Not thread-safe: use it from one
/// thread at a time (it may be used from a thread other than the creating one).
class KubeClient {
public:
    static Result<std::unique_ptr<KubeClient>> create(const ResolvedContext &context);
    /// Loads kubeconfig like kubectl (`explicitPath` = --kubeconfig, else KUBECONFIG, else
    /// ~/.kube/config), resolves `contextName` (empty: current-context) and connects.
    static Result<std::unique_ptr<KubeClient>> fromKubeconfig(
        const QString &explicitPath, const QString &contextName);
    /// Another client of the same context for another thread, sharing this one's credentials (one
    /// exec plugin run, one OIDC refresh for both).
    Result<std::unique_ptr<KubeClient>> sibling() const;
    ~KubeClient();

    const ResolvedContext &context() const { return m_context; }
    /// "context 'lab-cert' (https://127.0.0.1:6443)"
    QString describe() const;
    /// Config warnings (insecure-skip-tls-verify...) and the API server's Warning headers seen so far.
    QStringList warnings() const;
    Authenticator &authenticator() { return *m_auth; }
    ErrorContext errorContext() const;
    /// Per-request timeout for REST calls (default 30 s). Watches and exec take their own.
    void setTimeoutMs(int ms) { m_timeoutMs = ms; }

    /// Any verb; returns the answer whatever its status. Errors are transport failures only. A 401 is
    /// retried once after re-running an exec plugin / re-reading a token file.
    Result<ApiResponse> request(const QByteArray &verb, const QString &path, const QUrlQuery &query,
        const QByteArray &body, const QByteArray &contentType, const CancelToken &cancel);

    /// GET a JSON object; non-2xx answers become Errors with hints.
    Result<QJsonObject> get(const QString &path, const CancelToken &cancel, const QUrlQuery &query = {});
    Result<QJsonObject> post(
        const QString &path, const QJsonObject &body, const CancelToken &cancel, const QUrlQuery &query = {});
    /// JSON merge patch by default.
    Result<QJsonObject> patch(const QString &path, const QJsonObject &body, const CancelToken &cancel,
        const QByteArray &contentType = QByteArrayLiteral("application/merge-patch+json"));
    Result<QJsonObject> remove(
        const QString &path, const CancelToken &cancel, const QJsonObject &options = {});
    /// All items of a list, following `continue` tokens (limit per page 500). `resourceVersion`
    /// receives the list's version for a following watch.
    Result<QJsonArray> list(const QString &path, const CancelToken &cancel, const QUrlQuery &query = {},
        QString *resourceVersion = nullptr);

    /// One watch request (watch=1, bookmarks on). Ends when the handler stops it, the server closes the
    /// stream (Closed) or the version is too old (Expired: HTTP 410 or an ERROR event with code 410).
    Result<WatchEnd> watch(const QString &path, QUrlQuery query, const QString &resourceVersion,
        const WatchHandler &onEvent, const CancelToken &cancel, int timeoutMs);
    /// Watches until the handler stops or `timeoutMs` passes: resumes from the last version after
    /// the stream closes, and after 410 Gone calls `relist` (which returns a fresh version) and goes on.
    Status watchLoop(const QString &path, const QUrlQuery &query, QString resourceVersion,
        const std::function<Result<QString>()> &relist, const WatchHandler &onEvent,
        const CancelToken &cancel, int timeoutMs);

    /// Full URL for an API path ("/api/v1/nodes"), keeping a path prefix of the server URL.
    QUrl url(const QString &path, const QUrlQuery &query = {}) const;
    /// TLS settings of this cluster, plus the client certificate of `auth` when it has one.
    QSslConfiguration sslConfiguration(const RequestAuth &auth) const;
    QNetworkProxy proxy() const { return m_proxy; }
    /// For exec: credentials of the next request.
    Result<RequestAuth> prepareAuth(const CancelToken &cancel) { return m_auth->prepare(cancel); }
    void addServerWarning(const QString &warning);

private:
    KubeClient() = default;
    Result<QJsonObject> expectJson(const Result<ApiResponse> &r, const QString &what);

    ResolvedContext m_context;
    std::shared_ptr<Authenticator> m_auth;
    QSslConfiguration m_ssl;
    QNetworkProxy m_proxy;
    QUrl m_base;
    std::unique_ptr<QNetworkAccessManager> m_nam;
    QStringList m_serverWarnings;
    int m_timeoutMs = 30000;
};

/// Percent-encodes one path segment (names are DNS labels, but be safe).
QString pathSegment(const QString &s);
/// Adds key=value to a query with the value fully percent-encoded. Use it for every value: QUrlQuery
/// leaves '+' alone, which the API server would read as a space.
void addQueryValue(QUrlQuery &query, const QString &key, const QString &value);

} // namespace lbs::kube
