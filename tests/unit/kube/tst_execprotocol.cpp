// Exec over WebSocket (docs/protocol-notes.md, "Exec over WebSocket"): channel framing, v5/v4 negotiation,
// channel-3 status, stdin with the v5 CLOSE signal, cancel, and "closed without a status is a failure" -
// against an in-test QWebSocketServer that speaks the API server's framing.
#include "core/kube/execprotocol.h"
#include "core/kube/podexec.h"
#include "fakeapiserver.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QPointer>
#include <QTest>
#include <QTimer>
#include <QUrlQuery>
#include <QWebSocket>
#include <QWebSocketServer>

using namespace lbs::kube;
using namespace Qt::StringLiterals;

namespace {

QByteArray frame(quint8 ch, const QByteArray &payload)
{
    return execproto::encode(ch, payload);
}

const QByteArray kSuccess = R"({"metadata":{},"status":"Success"})";
QByteArray nonZero(int code)
{
    return R"({"metadata":{},"status":"Failure","message":"command terminated with non-zero exit code: error executing command [x], exit code )"
        + QByteArray::number(code)
        + R"(","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":")"
        + QByteArray::number(code) + R"("}]}})";
}

// Plays the API server side: the command (first `command=` value) picks a script.
class ExecServer : public QObject {
public:
    explicit ExecServer(const QStringList &protocols)
        : m_server(u"fake-apiserver"_s, QWebSocketServer::NonSecureMode)
    {
        m_server.setSupportedSubprotocols(protocols);
        m_server.listen(QHostAddress::LocalHost, 0);
        connect(&m_server, &QWebSocketServer::newConnection, this, [this] {
            while (QWebSocket *ws = m_server.nextPendingConnection())
                handle(ws);
        });
    }
    QString url() const { return u"http://127.0.0.1:%1"_s.arg(m_server.serverPort()); }
    QString lastPath;
    QStringList lastCommand;
    QString negotiated;
    QByteArray stdinReceived;
    bool sawStdinClose = false;
    bool clientDisconnected = false;

private:
    void handle(QWebSocket *ws)
    {
        const QUrlQuery q(ws->requestUrl());
        lastPath = ws->requestUrl().path();
        lastCommand.clear();
        for (const auto &item : q.queryItems(QUrl::FullyDecoded)) {
            if (item.first == QLatin1String("command"))
                lastCommand << item.second;
        }
        negotiated = ws->subprotocol();
        connect(ws, &QWebSocket::disconnected, this, [this, ws] {
            clientDisconnected = true;
            ws->deleteLater();
        });
        const QString cmd = lastCommand.value(0);
        ws->sendBinaryMessage(QByteArray(1, '\x01')); // "stream established"
        if (cmd == QLatin1String("ok")) {
            ws->sendBinaryMessage(frame(1, "hello "));
            ws->sendBinaryMessage(frame(1, "world\n"));
            ws->sendBinaryMessage(frame(2, "a warning\n"));
            ws->sendBinaryMessage(frame(3, kSuccess));
            ws->close();
        } else if (cmd == QLatin1String("exit")) {
            ws->sendBinaryMessage(frame(2, "boom\n"));
            ws->sendBinaryMessage(frame(3, nonZero(lastCommand.value(1).toInt())));
            ws->close();
        } else if (cmd == QLatin1String("drop")) {
            ws->sendBinaryMessage(frame(1, "partial"));
            ws->close();
        } else if (cmd == QLatin1String("notfound")) {
            ws->sendBinaryMessage(frame(3,
                "{\"metadata\":{},\"status\":\"Failure\",\"message\":\"exec: \\\"notfound\\\": executable "
                "file not found in $PATH\",\"reason\":\"InternalError\"}"));
            ws->close();
        } else if (cmd == QLatin1String("big")) {
            for (int i = 0; i < 64; ++i)
                ws->sendBinaryMessage(frame(1, QByteArray(16384, 'x')));
            ws->sendBinaryMessage(frame(3, kSuccess));
            ws->close();
        } else if (cmd == QLatin1String("huge")) {
            // Frames far larger than the client's 64 KiB read slices (the real server sends <= 32 KiB).
            ws->sendBinaryMessage(frame(1, QByteArray(3 << 20, 'h')));
            ws->sendBinaryMessage(frame(1, QByteArray(200000, 'i')));
            ws->sendBinaryMessage(frame(3, kSuccess));
            ws->close();
        } else if (cmd == QLatin1String("giant")) {
            // A hostile server: one message past the client's 64 MiB limit, then never a status.
            ws->sendBinaryMessage(frame(1, QByteArray(80 << 20, 'g')));
        } else if (cmd == QLatin1String("cat")) {
            QPointer<QWebSocket> guard(ws);
            connect(ws, &QWebSocket::binaryMessageReceived, this, [this, guard](const QByteArray &m) {
                if (!guard)
                    return;
                if (m == execproto::encodeClose(execproto::Stdin)) {
                    sawStdinClose = true;
                    guard->sendBinaryMessage(frame(1, stdinReceived));
                    guard->sendBinaryMessage(frame(3, kSuccess));
                    guard->close();
                } else if (!m.isEmpty() && m.at(0) == 0) {
                    stdinReceived += m.mid(1);
                }
            });
        } // "sleep": never answers
    }
    QWebSocketServer m_server;
};

std::unique_ptr<KubeClient> clientFor(const QString &url)
{
    ResolvedContext ctx;
    ctx.context.name = u"test"_s;
    ctx.cluster.name = u"test"_s;
    ctx.cluster.server = url;
    ctx.user.name = u"u"_s;
    ctx.user.token = u"secret-token"_s;
    auto c = KubeClient::create(ctx);
    return c.ok() ? std::move(c.value()) : nullptr;
}

ExecRequest request(const QStringList &command)
{
    ExecRequest r;
    r.nameSpace = u"lbscope"_s;
    r.pod = u"dbg-1"_s;
    r.container = u"debug"_s;
    r.command = command;
    r.timeoutMs = 10000;
    return r;
}

} // namespace

class TestExecProtocol : public QObject {
    Q_OBJECT
private slots:
    void framing_data()
    {
        QTest::addColumn<int>("channel");
        QTest::addColumn<QByteArray>("payload");
        QTest::newRow("stdin") << 0 << QByteArray("data");
        QTest::newRow("stdout empty") << 1 << QByteArray();
        QTest::newRow("stderr binary") << 2 << QByteArray("\x00\xff\x01", 3);
        QTest::newRow("status") << 3 << kSuccess;
        QTest::newRow("resize") << 4 << QByteArray(R"({"Width":80,"Height":24})");
    }
    void framing()
    {
        QFETCH(int, channel);
        QFETCH(QByteArray, payload);
        const QByteArray m = execproto::encode(static_cast<quint8>(channel), payload);
        QCOMPARE(m.size(), payload.size() + 1);
        QCOMPARE(static_cast<quint8>(m.at(0)), static_cast<quint8>(channel));
        const auto f = execproto::decode(m);
        QVERIFY(f.has_value());
        QCOMPARE(int(f->channel), channel);
        QCOMPARE(f->payload, payload);
    }
    void closeSignalAndEmpty()
    {
        QCOMPARE(execproto::encodeClose(execproto::Stdin), QByteArray("\xff\x00", 2));
        QVERIFY(!execproto::decode(QByteArray()).has_value());
        QCOMPARE(execproto::offeredProtocols().value(0), u"v5.channel.k8s.io"_s);
        QCOMPARE(execproto::offeredProtocols().value(1), u"v4.channel.k8s.io"_s);
        QVERIFY(execproto::versionOf(u"v4.channel.k8s.io"_s) == execproto::Version::V4);
        // Only v5 and v4 carry a structured exit status: the legacy protocols are never offered.
        QCOMPARE(execproto::offeredProtocols().size(), 2);
        QVERIFY(execproto::versionOf(u"channel.k8s.io"_s) == execproto::Version::Unknown);
        QVERIFY(execproto::versionOf(QString()) == execproto::Version::Unknown);
    }

    void status_data()
    {
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<int>("kind");
        QTest::addColumn<int>("exitCode");
        QTest::newRow("success") << kSuccess << int(execproto::ExitStatus::Success) << 0;
        QTest::newRow("exit 3") << nonZero(3) << int(execproto::ExitStatus::NonZeroExit) << 3;
        QTest::newRow("exit 137") << nonZero(137) << int(execproto::ExitStatus::NonZeroExit) << 137;
        QTest::newRow("internal error")
            << QByteArray(R"({"status":"Failure","message":"no such container","reason":"InternalError"})")
            << int(execproto::ExitStatus::Failure) << -1;
        QTest::newRow("non-zero without cause")
            << QByteArray(R"({"status":"Failure","reason":"NonZeroExitCode"})")
            << int(execproto::ExitStatus::Failure) << -1;
        QTest::newRow("garbage") << QByteArray("{not json") << int(execproto::ExitStatus::Failure) << -1;
        QTest::newRow("plain text (legacy)")
            << QByteArray("command terminated") << int(execproto::ExitStatus::Failure) << -1;
        QTest::newRow("empty") << QByteArray() << int(execproto::ExitStatus::Failure) << -1;
    }
    void status()
    {
        QFETCH(QByteArray, payload);
        QFETCH(int, kind);
        QFETCH(int, exitCode);
        const auto s = execproto::parseStatus(payload, execproto::Version::V5);
        QCOMPARE(int(s.kind), kind);
        QCOMPARE(s.exitCode, exitCode);
    }

    void execOverWebSocket_data()
    {
        QTest::addColumn<QStringList>("serverProtocols");
        QTest::addColumn<QStringList>("command");
        QTest::addColumn<QString>("negotiated");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QByteArray>("out");
        QTest::newRow("v5 success") << QStringList {u"v5.channel.k8s.io"_s} << QStringList {u"ok"_s}
                                    << u"v5.channel.k8s.io"_s << 0 << QByteArray("hello world\n");
        QTest::newRow("v4 fallback") << QStringList {u"v4.channel.k8s.io"_s, u"channel.k8s.io"_s}
                                     << QStringList {u"ok"_s} << u"v4.channel.k8s.io"_s << 0
                                     << QByteArray("hello world\n");
        QTest::newRow("v5 exit 3") << QStringList {u"v5.channel.k8s.io"_s} << QStringList {u"exit"_s, u"3"_s}
                                   << u"v5.channel.k8s.io"_s << 3 << QByteArray();
        QTest::newRow("v4 exit 42") << QStringList {u"v4.channel.k8s.io"_s}
                                    << QStringList {u"exit"_s, u"42"_s} << u"v4.channel.k8s.io"_s << 42
                                    << QByteArray();
        QTest::newRow("command not found")
            << QStringList {u"v5.channel.k8s.io"_s} << QStringList {u"notfound"_s} << u"v5.channel.k8s.io"_s
            << -1 << QByteArray();
    }
    void execOverWebSocket()
    {
        QFETCH(QStringList, serverProtocols);
        QFETCH(QStringList, command);
        QFETCH(QString, negotiated);
        QFETCH(int, exitCode);
        QFETCH(QByteArray, out);
        ExecServer server(serverProtocols);
        auto client = clientFor(server.url());
        QVERIFY(client);
        lbs::CancelToken cancel;
        auto r = execInPod(*client, request(command), cancel);
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().toString().c_str());
        QCOMPARE(r->protocol, negotiated);
        QCOMPARE(r->exitCode, exitCode);
        QCOMPARE(r->out, out);
        QCOMPARE(server.lastPath, u"/api/v1/namespaces/lbscope/pods/dbg-1/exec"_s);
        QCOMPARE(server.lastCommand, command);
        if (exitCode == -1)
            QVERIFY2(r->failure.contains(u"executable file not found"_s), qPrintable(r->failure));
        if (command.first() == QLatin1String("ok"))
            QCOMPARE(r->err, QByteArray("a warning\n"));
    }

    void argvIsEncoded()
    {
        ExecServer server({u"v5.channel.k8s.io"_s});
        auto client = clientFor(server.url());
        lbs::CancelToken cancel;
        const QStringList argv {u"ok"_s, u"a b+c=&%"_s, u"$(rm -rf /)"_s, u"'quoted'"_s};
        auto r = execInPod(*client, request(argv), cancel);
        QVERIFY(r.ok());
        QCOMPARE(server.lastCommand, argv);
    }

    void closedWithoutStatusIsFailure()
    {
        ExecServer server({u"v5.channel.k8s.io"_s});
        auto client = clientFor(server.url());
        lbs::CancelToken cancel;
        auto r = execInPod(*client, request({u"drop"_s}), cancel);
        QVERIFY(!r.ok());
        QVERIFY2(QString::fromStdString(r.error().message).contains(u"without an exit status"_s),
            r.error().message.c_str());
    }

    void legacyOnlyServerIsRefused_data()
    {
        QTest::addColumn<QString>("command");
        QTest::newRow("with a status") << u"ok"_s;
        QTest::newRow("closed without a status") << u"drop"_s; // legacy "success": never again
    }
    void legacyOnlyServerIsRefused()
    {
        // A server that speaks only channel.k8s.io (Kubernetes < 1.4) has no exit codes: never guess.
        QFETCH(QString, command);
        ExecServer server({u"channel.k8s.io"_s});
        auto client = clientFor(server.url());
        lbs::CancelToken cancel;
        auto r = execInPod(*client, request({command}), cancel);
        QVERIFY2(!r.ok(), "a server without v5/v4 must never yield a result");
        QVERIFY2(QString::fromStdString(r.error().message).contains(u"none of v5/v4"_s),
            r.error().toString().c_str());
        QVERIFY(server.negotiated.isEmpty());
    }

    void stdinWithV5Close()
    {
        ExecServer server({u"v5.channel.k8s.io"_s});
        auto client = clientFor(server.url());
        lbs::CancelToken cancel;
        ExecRequest req = request({u"cat"_s});
        req.stdinData = QByteArray(100000, 'z');
        auto r = execInPod(*client, req, cancel);
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().toString().c_str());
        QVERIFY(server.sawStdinClose);
        QCOMPARE(server.stdinReceived.size(), 100000);
        QCOMPARE(r->out, req.stdinData.value());
    }

    void framesLargerThanTheReadBuffer()
    {
        ExecServer server({u"v5.channel.k8s.io"_s});
        auto client = clientFor(server.url());
        lbs::CancelToken cancel;
        ExecRequest req = request({u"huge"_s});
        req.maxOut = 8u << 20;
        QElapsedTimer t;
        t.start();
        auto r = execInPod(*client, req, cancel);
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().toString().c_str());
        QCOMPARE(r->out.size(), (3 << 20) + 200000);
        QCOMPARE(r->out.count('h'), 3 << 20);
        QVERIFY2(t.elapsed() < 3000, qPrintable(QString::number(t.elapsed()))); // a few 25 ms growth steps
    }

    void streamingSinkAndBounds()
    {
        ExecServer server({u"v5.channel.k8s.io"_s});
        auto client = clientFor(server.url());
        lbs::CancelToken cancel;
        ExecRequest req = request({u"big"_s});
        qint64 streamed = 0;
        req.onStdout = [&streamed](const char *, std::size_t n) {
            streamed += static_cast<qint64>(n);
            return true;
        };
        auto r = execInPod(*client, req, cancel);
        QVERIFY(r.ok());
        QCOMPARE(streamed, qint64(64 * 16384));
        QVERIFY(r->out.isEmpty());

        ExecRequest bounded = request({u"big"_s});
        bounded.maxOut = 1000;
        auto b = execInPod(*client, bounded, cancel);
        QVERIFY(b.ok());
        QCOMPARE(b->out.size(), 1000);
        QVERIFY(b->outTruncated);

        ExecRequest stopping = request({u"big"_s});
        stopping.onStdout = [](const char *, std::size_t) { return false; };
        auto s = execInPod(*client, stopping, cancel);
        QVERIFY(!s.ok());
        QVERIFY(QString::fromStdString(s.error().message).contains(u"gave up"_s));
    }

    void cancelClosesTheSocket()
    {
        ExecServer server({u"v5.channel.k8s.io"_s});
        auto client = clientFor(server.url());
        lbs::CancelToken cancel;
        QTimer::singleShot(300, [cancel] { cancel.cancel(); });
        QElapsedTimer t;
        t.start();
        auto r = execInPod(*client, request({u"sleep"_s}), cancel);
        QVERIFY(!r.ok());
        QVERIFY(QString::fromStdString(r.error().message).contains(u"cancelled"_s));
        QVERIFY2(t.elapsed() < 2000, "cancel must reach the socket promptly");
        QTRY_VERIFY_WITH_TIMEOUT(server.clientDisconnected, 3000);
    }

    void timeoutIsAnError()
    {
        ExecServer server({u"v5.channel.k8s.io"_s});
        auto client = clientFor(server.url());
        lbs::CancelToken cancel;
        ExecRequest req = request({u"sleep"_s});
        req.timeoutMs = 400;
        auto r = execInPod(*client, req, cancel);
        QVERIFY(!r.ok());
        QVERIFY(QString::fromStdString(r.error().message).contains(u"did not finish within"_s));
    }

    void oversizedMessageEndsTheExec()
    {
        ExecServer server({u"v5.channel.k8s.io"_s});
        auto client = clientFor(server.url());
        lbs::CancelToken cancel;
        ExecRequest req = request({u"giant"_s});
        req.timeoutMs = 60000;
        QElapsedTimer t;
        t.start();
        auto r = execInPod(*client, req, cancel);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().kind, lbs::ErrorKind::Unsupported);
        QVERIFY2(QString::fromStdString(r.error().message).contains(u"larger than 64 MiB"_s),
            r.error().message.c_str());
        QVERIFY2(t.elapsed() < 20000, qPrintable(QString::number(t.elapsed()))); // not the 60 s timeout
    }

    void handshakeRefused_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("expect");
        QTest::newRow("403") << 403 << u"pods/exec"_s;
        QTest::newRow("404") << 404 << u"not found"_s;
        QTest::newRow("401") << 401 << u"401 Unauthorized"_s;
    }
    void handshakeRefused()
    {
        QFETCH(int, status);
        QFETCH(QString, expect);
        FakeApiServer http([status](const FakeRequest &) {
            return FakeResponse::kubeStatus(status, u"Forbidden"_s, u"pods \"dbg-1\" is forbidden"_s);
        });
        auto client = clientFor(http.url());
        lbs::CancelToken cancel;
        auto r = execInPod(*client, request({u"ok"_s}), cancel);
        QVERIFY(!r.ok());
        const QString text = QString::fromStdString(r.error().toString());
        QVERIFY2(text.contains(expect), qPrintable(text));
        QCOMPARE(http.requests.value(0).headers.value("sec-websocket-protocol"),
            QByteArray("v5.channel.k8s.io, v4.channel.k8s.io"));
        QCOMPARE(http.requests.value(0).headers.value("authorization"), QByteArray("Bearer secret-token"));
        QCOMPARE(http.requests.value(0).method, QByteArray("GET"));
    }

    void refusedConnection()
    {
        quint16 port;
        {
            QTcpServer probe;
            probe.listen(QHostAddress::LocalHost, 0);
            port = probe.serverPort();
        }
        auto client = clientFor(u"http://127.0.0.1:%1"_s.arg(port));
        lbs::CancelToken cancel;
        auto r = execInPod(*client, request({u"ok"_s}), cancel);
        QVERIFY(!r.ok());
        QVERIFY2(QString::fromStdString(r.error().message).contains(u"connection refused"_s),
            r.error().message.c_str());
    }
};

QTEST_GUILESS_MAIN(TestExecProtocol)
#include "tst_execprotocol.moc"
