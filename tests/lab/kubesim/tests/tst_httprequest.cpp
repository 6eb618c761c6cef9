// Unit tests of kubesim's incremental HTTP/1.1 request parser (what kubectl sends).
#include "httprequest.h"

#include <QTest>

using kubesim::HttpRequest;
using kubesim::HttpRequestParser;

class TestHttpRequest : public QObject {
    Q_OBJECT
private slots:
    void execQuery()
    {
        QByteArray in
            = "GET /api/v1/namespaces/default/pods/dbg/exec?command=sh&command=-c&command=echo%20a%26b"
              "&container=debug&stdin=false&stdout=true&stderr=1&tty=FALSE HTTP/1.1\r\n"
              "Host: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              "Sec-WebSocket-Protocol: v5.channel.k8s.io\r\n\r\n";
        HttpRequestParser p;
        QCOMPARE(p.feed(in), HttpRequestParser::Complete);
        const HttpRequest &r = p.request();
        QCOMPARE(r.method, QByteArray("GET"));
        QCOMPARE(r.path, QStringLiteral("/api/v1/namespaces/default/pods/dbg/exec"));
        QCOMPARE(r.queryValues(QStringLiteral("command")),
            QStringList({QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("echo a&b")}));
        QVERIFY(!r.queryBool(QStringLiteral("stdin")));
        QVERIFY(r.queryBool(QStringLiteral("stdout")));
        QVERIFY(r.queryBool(QStringLiteral("stderr")));
        QVERIFY(!r.queryBool(QStringLiteral("tty")));
        QVERIFY(!r.queryBool(QStringLiteral("missing")));
        QVERIFY(r.isWebSocketUpgrade());
        QCOMPARE(r.header("sec-websocket-protocol"), QByteArray("v5.channel.k8s.io"));
        QVERIFY(in.isEmpty());
    }

    void bodyInPieces_data()
    {
        QTest::addColumn<QByteArray>("raw");
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("content-length")
            << QByteArray("POST /api/v1/namespaces/default/pods HTTP/1.1\r\nContent-Type: "
                          "application/json\r\nContent-Length: 11\r\n\r\n{\"kind\":1}\n")
            << QByteArray("{\"kind\":1}\n");
        QTest::newRow("chunked") << QByteArray("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                                               "4\r\n{\"a\"\r\n3\r\n:1}\r\n0\r\n\r\n")
                                 << QByteArray("{\"a\":1}");
        QTest::newRow("no-body") << QByteArray("DELETE /api/v1/namespaces/default/pods/x HTTP/1.1\r\n\r\n")
                                 << QByteArray();
    }
    void bodyInPieces()
    {
        QFETCH(QByteArray, raw);
        QFETCH(QByteArray, body);
        // Byte by byte: NeedMore until the very last byte, then Complete.
        HttpRequestParser p;
        QByteArray buf;
        for (qsizetype i = 0; i < raw.size(); ++i) {
            buf.append(raw[i]);
            const auto st = p.feed(buf);
            if (i + 1 < raw.size())
                QCOMPARE(st, HttpRequestParser::NeedMore);
            else
                QCOMPARE(st, HttpRequestParser::Complete);
        }
        QCOMPARE(p.request().body, body);
    }

    void twoRequestsBackToBack()
    {
        QByteArray in = "GET /version HTTP/1.1\r\n\r\nGET /api HTTP/1.1\r\n\r\n";
        HttpRequestParser p;
        QCOMPARE(p.feed(in), HttpRequestParser::Complete);
        QCOMPARE(p.request().path, QStringLiteral("/version"));
        QCOMPARE(p.feed(in), HttpRequestParser::Complete);
        QCOMPARE(p.request().path, QStringLiteral("/api"));
    }

    void errors_data()
    {
        QTest::addColumn<QByteArray>("raw");
        QTest::newRow("bad-request-line") << QByteArray("GARBAGE\r\n\r\n");
        QTest::newRow("http2-preface") << QByteArray("PRI * HTTP/2.0\r\n\r\n");
        QTest::newRow("bad-header") << QByteArray("GET / HTTP/1.1\r\nnocolon\r\n\r\n");
        QTest::newRow("huge-length") << QByteArray("POST / HTTP/1.1\r\nContent-Length: 999999999999\r\n\r\n");
        QTest::newRow("negative-length") << QByteArray("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n");
        QTest::newRow("bad-chunk") << QByteArray(
            "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
    }
    void errors()
    {
        QFETCH(QByteArray, raw);
        HttpRequestParser p;
        QCOMPARE(p.feed(raw), HttpRequestParser::Error);
        QVERIFY(!p.error().isEmpty());
    }
};

QTEST_APPLESS_MAIN(TestHttpRequest)
#include "tst_httprequest.moc"
