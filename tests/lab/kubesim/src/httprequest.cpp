#include "httprequest.h"

#include <QUrl>

namespace kubesim {

QString HttpRequest::queryValue(const QString &key, const QString &fallback) const
{
    for (const auto &kv : query) {
        if (kv.first == key)
            return kv.second;
    }
    return fallback;
}

QStringList HttpRequest::queryValues(const QString &key) const
{
    QStringList out;
    for (const auto &kv : query) {
        if (kv.first == key)
            out << kv.second;
    }
    return out;
}

bool HttpRequest::hasQuery(const QString &key) const
{
    for (const auto &kv : query) {
        if (kv.first == key)
            return true;
    }
    return false;
}

bool HttpRequest::queryBool(const QString &key) const
{
    if (!hasQuery(key))
        return false;
    const QString v = queryValue(key).toLower();
    return v != u"0" && v != u"false";
}

bool HttpRequest::isWebSocketUpgrade() const
{
    return header("upgrade").toLower() == "websocket" && header("connection").toLower().contains("upgrade");
}

HttpRequestParser::State HttpRequestParser::fail(const QString &message)
{
    m_error = message;
    return Error;
}

static QString decodeComponent(const QByteArray &raw)
{
    QByteArray plusFixed = raw;
    plusFixed.replace('+', ' ');
    return QUrl::fromPercentEncoding(plusFixed);
}

bool HttpRequestParser::parseHead(const QByteArray &head)
{
    const QList<QByteArray> lines = head.split('\n');
    const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
    if (requestLine.size() != 3 || !requestLine[2].startsWith("HTTP/1.")) {
        m_error
            = QStringLiteral("malformed HTTP request line: \"%1\"").arg(QString::fromLatin1(lines.value(0)));
        return false;
    }
    m_req.method = requestLine[0];
    const QByteArray target = requestLine[1];
    const qsizetype q = target.indexOf('?');
    m_req.path = QUrl::fromPercentEncoding(q < 0 ? target : target.left(q));
    if (q >= 0) {
        for (const QByteArray &pair : target.mid(q + 1).split('&')) {
            if (pair.isEmpty())
                continue;
            const qsizetype eq = pair.indexOf('=');
            const QByteArray k = eq < 0 ? pair : pair.left(eq);
            const QByteArray v = eq < 0 ? QByteArray() : pair.mid(eq + 1);
            m_req.query.append({decodeComponent(k), decodeComponent(v)});
        }
    }
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines[i].trimmed();
        if (line.isEmpty())
            continue;
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0) {
            m_error = QStringLiteral("malformed HTTP header line: \"%1\"").arg(QString::fromLatin1(line));
            return false;
        }
        const QByteArray name = line.left(colon).trimmed().toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (m_req.headers.contains(name))
            m_req.headers[name] += ", " + value;
        else
            m_req.headers.insert(name, value);
    }
    m_chunked = m_req.header("transfer-encoding").toLower().contains("chunked");
    bool ok = true;
    const QByteArray cl = m_req.header("content-length");
    m_contentLength = cl.isEmpty() ? 0 : cl.toLongLong(&ok);
    if (!ok || m_contentLength < 0 || m_contentLength > MaxBodyBytes) {
        m_error = QStringLiteral("unacceptable Content-Length \"%1\" (limit %2 bytes)")
                      .arg(QString::fromLatin1(cl))
                      .arg(MaxBodyBytes);
        return false;
    }
    return true;
}

HttpRequestParser::State HttpRequestParser::readChunkedBody(QByteArray &buffer)
{
    for (;;) {
        const qsizetype eol = buffer.indexOf("\r\n");
        if (eol < 0)
            return NeedMore;
        bool ok = false;
        const qsizetype size = buffer.left(eol).split(';').value(0).trimmed().toLongLong(&ok, 16);
        if (!ok || size < 0)
            return fail(QStringLiteral("malformed chunk size in a chunked request body"));
        if (size == 0) {
            const qsizetype end = buffer.indexOf("\r\n\r\n", eol);
            if (end < 0 && buffer.size() >= eol + 4)
                return NeedMore;
            if (end < 0)
                return NeedMore;
            buffer.remove(0, end + 4);
            return Complete;
        }
        if (buffer.size() < eol + 2 + size + 2)
            return NeedMore;
        if (m_req.body.size() + size > MaxBodyBytes)
            return fail(QStringLiteral("request body exceeds kubesim's limit of %1 bytes").arg(MaxBodyBytes));
        m_req.body.append(buffer.mid(eol + 2, size));
        buffer.remove(0, eol + 2 + size + 2);
    }
}

HttpRequestParser::State HttpRequestParser::feed(QByteArray &buffer)
{
    if (!m_haveHead) {
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0) {
            if (buffer.size() > MaxHeaderBytes)
                return fail(QStringLiteral("HTTP request head larger than %1 bytes").arg(MaxHeaderBytes));
            return NeedMore;
        }
        m_req = HttpRequest();
        if (!parseHead(buffer.left(end)))
            return Error;
        buffer.remove(0, end + 4);
        m_haveHead = true;
    }
    if (m_chunked) {
        const State s = readChunkedBody(buffer);
        if (s == Complete)
            m_haveHead = false;
        return s;
    }
    if (buffer.size() < m_contentLength)
        return NeedMore;
    m_req.body = buffer.left(m_contentLength);
    buffer.remove(0, m_contentLength);
    m_haveHead = false;
    return Complete;
}

} // namespace kubesim
