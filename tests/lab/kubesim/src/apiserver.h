#pragma once
// kubesim: the Kubernetes REST API on top of the store: authentication, authorization, discovery, list/get/
// watch/create/delete, pods/log and pods/exec. Answers in the real API server's shapes (metav1.Status errors
// with the right codes), because the point of kubesim is to test clients against them.

#include "authenticator.h"
#include "httprequest.h"

#include <QJsonObject>
#include <QObject>

namespace kubesim {

class HttpConnection;
class ObjectStore;
class PodRuntime;
struct ResourceInfo;

/// Parsed target of an API path.
struct ApiTarget {
    const ResourceInfo *resource = nullptr;
    QString ns;
    QString name;
    QString subresource;
};

class ApiServer : public QObject {
    Q_OBJECT
public:
    ApiServer(ObjectStore &store, PodRuntime &runtime, Authenticator &auth, QString labDir,
        QObject *parent = nullptr);
    void setPort(int port) { m_port = port; }
    void handle(HttpConnection *conn, const HttpRequest &req);

    /// metav1.Status JSON for an error.
    static QByteArray statusJson(
        int code, const QString &reason, const QString &message, const QJsonObject &details = {});

private:
    void reply(HttpConnection *conn, int code, const QJsonObject &body);
    void error(HttpConnection *conn, int code, const QString &reason, const QString &message,
        const QJsonObject &details = {});
    bool discovery(HttpConnection *conn, const HttpRequest &req, const QStringList &seg);
    void openApi(HttpConnection *conn, const QStringList &seg);
    std::optional<ApiTarget> parseTarget(const QStringList &seg, QString *error) const;
    QString verbFor(const HttpRequest &req, const ApiTarget &t) const;

    void list(HttpConnection *conn, const HttpRequest &req, const ApiTarget &t);
    void get(HttpConnection *conn, const HttpRequest &req, const ApiTarget &t);
    void create(HttpConnection *conn, const HttpRequest &req, const ApiTarget &t);
    void createPod(HttpConnection *conn, const HttpRequest &req, const ApiTarget &t, QJsonObject pod);
    void remove(HttpConnection *conn, const HttpRequest &req, const ApiTarget &t);
    void podLog(HttpConnection *conn, const HttpRequest &req, const ApiTarget &t, const QJsonObject &pod);
    void podExec(HttpConnection *conn, const HttpRequest &req, const ApiTarget &t, const QJsonObject &pod);
    void notFound(HttpConnection *conn, const ApiTarget &t);

    ObjectStore &m_store;
    PodRuntime &m_runtime;
    Authenticator &m_auth;
    QString m_labDir;
    int m_port = 0;
};

} // namespace kubesim
