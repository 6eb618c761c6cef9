#pragma once
// kubesim: one `?watch=true` response: newline-delimited {"type","object"} events over a chunked response,
// starting from a resourceVersion (history replay, or synthetic ADDED events for "0"/unset), with the
// 410 Gone ERROR event for versions older than the history, and timeoutSeconds.

#include "objectstore.h"
#include "selector.h"

#include <QObject>
#include <QPointer>

namespace kubesim {

class HttpConnection;

struct WatchRequest {
    QString resource;
    QString ns; ///< empty: all namespaces
    LabelSelector labels;
    FieldSelector fields;
    QString resourceVersion; ///< as sent; empty or "0" = start with the current state
    int timeoutSeconds = 1800;
    bool table = false; ///< wrap objects in meta.k8s.io Tables (kubectl get --watch)
};

class WatchStream : public QObject {
    Q_OBJECT
public:
    WatchStream(HttpConnection *connection, ObjectStore &store, WatchRequest request);
    void start();
    /// Whether an object is visible to this watch.
    bool matches(const QJsonObject &obj) const;

private:
    void onChange(const WatchEvent &ev);
    void send(const QString &type, const QJsonObject &obj);
    void stop();

    QPointer<HttpConnection> m_conn;
    ObjectStore &m_store;
    WatchRequest m_req;
    bool m_stopped = false;
};

} // namespace kubesim
