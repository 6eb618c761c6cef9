// execInPod's keep-alive pings (docs/protocol-notes.md, "Exec over WebSocket": client-go pings every 5 s and
// gives up after ~61 s without a pong) against a hand-written WebSocket server on 127.0.0.1. QWebSocketServer
// answers pings by itself and never shows them, so this server does the RFC 6455 upgrade and framing itself:
// it can count and time every ping, answer or ignore it, and stay silent or send the channel-3 status late.
#include "core/kube/execprotocol.h"
#include "core/kube/podexec.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

using namespace lbs::kube;
using namespace Qt::StringLiterals;

namespace {

QByteArray frame(quint8 opcode, const QByteArray &payload)
{
    QByteArray f;
    f.append(static_cast<char>(0x80 | opcode)); // FIN, server frames are not masked
    if (payload.size() < 126) {
        f.append(static_cast<char>(payload.size()));
    } else {
        f.append(static_cast<char>(126));
        f.append(static_cast<char>((payload.size() >> 8) & 0xff));
        f.append(static_cast<char>(payload.size() & 0xff));
    }
    return f + payload;
}

class PingServer : public QTcpServer {
public:
    bool answerPings = true;
    int statusAfterMs = -1; ///< < 0: never send a status, stay silent
    QByteArray status;
    QList<qint64> pingTimes; ///< ms since the upgrade
    QByteArray offered; ///< Sec-WebSocket-Protocol the client sent
    bool upgraded = false;

    PingServer() { listen(QHostAddress::LocalHost, 0); }

protected:
    void incomingConnection(qintptr fd) override
    {
        auto *s = new QTcpSocket(this);
        s->setSocketDescriptor(fd);
        connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
        auto buffer = std::make_shared<QByteArray>();
        auto handshaken = std::make_shared<bool>(false);
        connect(s, &QTcpSocket::readyRead, this, [this, s, buffer, handshaken] {
            *buffer += s->readAll();
            if (!*handshaken && !handshake(s, *buffer, *handshaken))
                return;
            readFrames(s, *buffer);
        });
    }

private:
    bool handshake(QTcpSocket *s, QByteArray &buffer, bool &done)
    {
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return false;
        QByteArray key;
        for (const QByteArray &line : buffer.left(end).split('\n')) {
            const QByteArray lower = line.toLower();
            if (lower.startsWith("sec-websocket-key:"))
                key = line.mid(18).trimmed();
            if (lower.startsWith("sec-websocket-protocol:"))
                offered = line.mid(23).trimmed();
        }
        buffer.remove(0, end + 4);
        const QByteArray accept = QCryptographicHash::hash(
            QByteArray(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"), QCryptographicHash::Sha1)
                                      .toBase64();
        s->write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 "Sec-WebSocket-Accept: "
            + accept + "\r\nSec-WebSocket-Protocol: v5.channel.k8s.io\r\n\r\n");
        done = true;
        upgraded = true;
        m_clock.start();
        if (statusAfterMs >= 0) {
            QPointer<QTcpSocket> guard(s);
            QTimer::singleShot(statusAfterMs, Qt::PreciseTimer, this, [this, guard] {
                if (!guard)
                    return;
                guard->write(frame(0x2, execproto::encode(execproto::Error, status)));
                guard->write(frame(0x8, QByteArray("\x03\xe8", 2))); // close 1000
                guard->disconnectFromHost();
            });
        }
        return true;
    }

    void readFrames(QTcpSocket *s, QByteArray &b)
    {
        while (b.size() >= 2) {
            const auto opcode = static_cast<quint8>(b.at(0)) & 0x0f;
            const bool masked = (static_cast<quint8>(b.at(1)) & 0x80) != 0;
            qint64 len = static_cast<quint8>(b.at(1)) & 0x7f;
            qsizetype pos = 2;
            if (len == 126) {
                if (b.size() < 4)
                    return;
                len = (static_cast<quint8>(b.at(2)) << 8) | static_cast<quint8>(b.at(3));
                pos = 4;
            } else if (len == 127) {
                if (b.size() < 10)
                    return;
                len = 0;
                for (int i = 0; i < 8; ++i)
                    len = (len << 8) | static_cast<quint8>(b.at(2 + i));
                pos = 10;
            }
            const qsizetype maskAt = pos;
            if (masked)
                pos += 4;
            if (b.size() < pos + len)
                return;
            QByteArray payload = b.mid(pos, len);
            for (qsizetype i = 0; masked && i < payload.size(); ++i)
                payload[i] = static_cast<char>(payload.at(i) ^ b.at(maskAt + (i % 4)));
            b.remove(0, pos + len);
            if (opcode == 0x9) { // ping
                pingTimes << m_clock.elapsed();
                if (answerPings)
                    s->write(frame(0xA, payload));
            } else if (opcode == 0x8) { // close
                s->disconnectFromHost();
                return;
            }
        }
    }

    QElapsedTimer m_clock;
};

const QByteArray kExit3
    = R"({"metadata":{},"status":"Failure","message":"command terminated with non-zero exit code: error executing command [sleep 2], exit code 3","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"3"}]}})";

lbs::Result<std::unique_ptr<KubeClient>> clientFor(const PingServer &server)
{
    ResolvedContext ctx;
    ctx.context.name = u"t"_s;
    ctx.cluster.server = u"http://127.0.0.1:%1"_s.arg(server.serverPort());
    ctx.user.token = u"x"_s;
    return KubeClient::create(ctx);
}

ExecRequest quietCommand(int pingIntervalMs, int pongTimeoutMs)
{
    ExecRequest r;
    r.nameSpace = u"lbscope"_s;
    r.pod = u"dbg-1"_s;
    r.command = QStringList {u"sleep"_s, u"2"_s};
    r.timeoutMs = 20000;
    r.pingIntervalMs = pingIntervalMs;
    r.pongTimeoutMs = pongTimeoutMs;
    return r;
}

} // namespace

class TestExecKeepAlive : public QObject {
    Q_OBJECT
private slots:
    void unansweredPingsFail_data()
    {
        QTest::addColumn<int>("pingIntervalMs");
        QTest::addColumn<int>("pongTimeoutMs");
        QTest::newRow("ping 100 ms, give up after 800 ms") << 100 << 800;
        QTest::newRow("ping 200 ms, give up after 1500 ms") << 200 << 1500;
    }
    void unansweredPingsFail()
    {
        QFETCH(int, pingIntervalMs);
        QFETCH(int, pongTimeoutMs);
        PingServer server;
        server.answerPings = false; // upgrade done, then nothing at all: no pong, no output, no status
        auto client = clientFor(server);
        QVERIFY(client.ok());
        lbs::CancelToken cancel;
        QElapsedTimer t;
        t.start();
        auto out = execInPod(**client, quietCommand(pingIntervalMs, pongTimeoutMs), cancel);
        const qint64 took = t.elapsed();
        QVERIFY(server.upgraded);
        QVERIFY(server.offered.contains("v5.channel.k8s.io"));
        QVERIFY2(!out.ok(), "a connection that stopped answering pings must not end as success");
        const QString text = QString::fromStdString(out.error().toString());
        QVERIFY2(text.contains(u"stopped answering keep-alive pings"_s), qPrintable(text));
        QVERIFY2(text.contains(u"exec in pod lbscope/dbg-1"_s), qPrintable(text));
        // Within ~pongTimeoutMs, not at the 20 s command timeout.
        QVERIFY2(
            took >= pongTimeoutMs - 50 && took < pongTimeoutMs + 1500, qPrintable(QString::number(took)));
        // The pings went out at the interval until the client gave up.
        const int expected = pongTimeoutMs / pingIntervalMs;
        QVERIFY2(server.pingTimes.size() >= expected / 2 && server.pingTimes.size() <= expected + 1,
            qPrintable(u"%1 pings, expected about %2"_s.arg(server.pingTimes.size()).arg(expected)));
    }

    void answeredPingsKeepAQuietCommandAlive_data()
    {
        QTest::addColumn<int>("pingIntervalMs");
        QTest::addColumn<int>("pongTimeoutMs");
        QTest::addColumn<int>("statusAfterMs");
        QTest::newRow("ping 100 ms, pong timeout 400 ms, status after 1500 ms") << 100 << 400 << 1500;
        QTest::newRow("ping 250 ms, pong timeout 700 ms, status after 2000 ms") << 250 << 700 << 2000;
    }
    void answeredPingsKeepAQuietCommandAlive()
    {
        QFETCH(int, pingIntervalMs);
        QFETCH(int, pongTimeoutMs);
        QFETCH(int, statusAfterMs);
        PingServer server;
        server.statusAfterMs = statusAfterMs; // nothing but pongs until then
        server.status = kExit3;
        auto client = clientFor(server);
        QVERIFY(client.ok());
        lbs::CancelToken cancel;
        QElapsedTimer t;
        t.start();
        auto out = execInPod(**client, quietCommand(pingIntervalMs, pongTimeoutMs), cancel);
        const qint64 took = t.elapsed();
        QVERIFY2(out.ok(), out.ok() ? "" : out.error().toString().c_str());
        QCOMPARE(out->exitCode, 3);
        QCOMPARE(out->protocol, u"v5.channel.k8s.io"_s);
        QVERIFY2(took >= statusAfterMs, qPrintable(QString::number(took)));
        QVERIFY(took > 2 * pongTimeoutMs); // alive well past the pong timeout

        // Pings at the interval: count, and the gaps between them (the client polls every 25 ms; bounds leave
        // room for a loaded machine, but pings sent on every poll tick or only now and then fail).
        const QList<qint64> &p = server.pingTimes;
        const int expected = statusAfterMs / pingIntervalMs;
        QVERIFY2(p.size() >= expected / 2 && p.size() <= expected + 1,
            qPrintable(u"%1 pings, expected about %2"_s.arg(p.size()).arg(expected)));
        qint64 widest = 0;
        for (int i = 1; i < p.size(); ++i) {
            const qint64 gap = p[i] - p[i - 1];
            QVERIFY2(gap >= pingIntervalMs / 2,
                qPrintable(u"ping %1 came %2 ms after the previous"_s.arg(i).arg(gap)));
            widest = std::max(widest, gap);
        }
        QVERIFY2(widest < pongTimeoutMs, qPrintable(QString::number(widest)));
        const double mean = double(p.last() - p.first()) / (p.size() - 1);
        QVERIFY2(
            mean >= pingIntervalMs - 10 && mean <= pingIntervalMs * 2.0, qPrintable(QString::number(mean)));
    }

    void closedAfterPongsWithoutStatusIsFailure()
    {
        // Pongs keep coming, then the socket closes with no channel-3 status: never success.
        PingServer server;
        server.statusAfterMs = 600;
        server.status = QByteArray(); // an empty channel-3 message carries no status
        auto client = clientFor(server);
        QVERIFY(client.ok());
        lbs::CancelToken cancel;
        auto out = execInPod(**client, quietCommand(100, 400), cancel);
        QVERIFY(!out.ok());
        const QString text = QString::fromStdString(out.error().toString());
        QVERIFY2(text.contains(u"ended without an exit status"_s), qPrintable(text));
        QVERIFY(server.pingTimes.size() >= 3);
    }
};

QTEST_GUILESS_MAIN(TestExecKeepAlive)
#include "tst_execkeepalive.moc"
