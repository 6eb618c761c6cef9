#pragma once
// kubesim: one HTTP/1.1 request as kubectl sends it, and an incremental parser for it.

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QPair>
#include <QString>
#include <QStringList>

namespace kubesim {

struct HttpRequest {
    QByteArray method;
    QString path; ///< percent-decoded path, no query
    QList<QPair<QString, QString>> query; ///< decoded, in order, repeated keys kept (exec's command=)
    QMap<QByteArray, QByteArray> headers; ///< lower-case names
    QByteArray body;

    QString queryValue(const QString &key, const QString &fallback = {}) const;
    QStringList queryValues(const QString &key) const;
    bool hasQuery(const QString &key) const;
    /// Kubernetes boolean query parsing: anything but "0"/"false" (any case) is true; absent is false.
    bool queryBool(const QString &key) const;
    QByteArray header(const QByteArray &lowerName) const { return headers.value(lowerName); }
    bool isWebSocketUpgrade() const;
};

class HttpRequestParser {
public:
    enum State { NeedMore, Complete, Error };
    /// Consumes bytes from the front of buffer; when Complete, request() holds the parsed request.
    State feed(QByteArray &buffer);
    const HttpRequest &request() const { return m_req; }
    const QString &error() const { return m_error; }

    static constexpr qsizetype MaxHeaderBytes = 64 * 1024;
    static constexpr qsizetype MaxBodyBytes = 8 * 1024 * 1024;

private:
    State fail(const QString &message);
    bool parseHead(const QByteArray &head);
    State readChunkedBody(QByteArray &buffer);

    HttpRequest m_req;
    QString m_error;
    bool m_haveHead = false;
    bool m_chunked = false;
    qsizetype m_contentLength = 0;
};

} // namespace kubesim
