// Lab test: pods/exec over WebSocket at the byte level (docs/protocol-notes.md, "Exec over WebSocket"),
// v5.channel.k8s.io and v4.channel.k8s.io, against the running lab's kubesim. Talks raw TLS so that every
// frame can be checked.
#include "websocketcodec.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSslKey>
#include <QSslSocket>
#include <QTest>
#include <QUrl>

using kubesim::Channel;
using kubesim::WebSocketCodec;
using kubesim::WsFrame;

namespace {

struct ExecResult {
    int httpStatus = 0;
    QByteArray protocol;
    QList<QByteArray> messages; // binary messages in order (channel byte + payload)
    bool closedNormally = false;
    QByteArray stdoutData, stderrData;
    QJsonObject status;
};

class LabClient {
public:
    bool init(QString *error)
    {
        m_lab = qEnvironmentVariable("LBSCOPE_LAB_DIR", QStringLiteral("/tmp/lbscope-lab"));
        const QString k = m_lab + QStringLiteral("/kubesim/");
        QFile port(k + QStringLiteral("port")), ca(k + QStringLiteral("ca.crt")),
            crt(k + QStringLiteral("admin.crt")), key(k + QStringLiteral("admin.key")),
            lab(m_lab + QStringLiteral("/lab.json"));
        for (QFile *f : {&port, &ca, &crt, &key, &lab}) {
            if (!f->open(QIODevice::ReadOnly)) {
                *error = QStringLiteral("%1: %2 (is the lab up?)").arg(f->fileName(), f->errorString());
                return false;
            }
        }
        m_port = quint16(port.readAll().trimmed().toUInt());
        m_ca = QSslCertificate::fromData(ca.readAll());
        m_cert = QSslCertificate(crt.readAll());
        m_key = QSslKey(key.readAll(), QSsl::Ec);
        for (const QJsonValue &p :
            QJsonDocument::fromJson(lab.readAll()).object().value(QStringLiteral("pods")).toArray()) {
            if (p.toObject().value(QStringLiteral("host_network")).toBool()) {
                m_podNs = p.toObject().value(QStringLiteral("namespace")).toString();
                m_pod = p.toObject().value(QStringLiteral("name")).toString();
                break;
            }
        }
        if (m_pod.isEmpty()) {
            *error = QStringLiteral("lab.json has no host-network pod to exec into");
            return false;
        }
        return true;
    }

    ExecResult exec(const QStringList &argv, const QByteArray &protocols, bool withStdin,
        const QByteArray &stdinData, bool sendClose)
    {
        ExecResult r;
        QSslSocket s;
        QSslConfiguration conf = s.sslConfiguration();
        conf.setCaCertificates(m_ca);
        conf.setLocalCertificate(m_cert);
        conf.setPrivateKey(m_key);
        s.setSslConfiguration(conf);
        s.connectToHostEncrypted(QStringLiteral("127.0.0.1"), m_port, QStringLiteral("localhost"));
        if (!s.waitForEncrypted(10000))
            return r;
        QString query;
        for (const QString &a : argv)
            query += QStringLiteral("command=%1&").arg(QString::fromLatin1(QUrl::toPercentEncoding(a)));
        query += QStringLiteral("stdout=true&stderr=true&stdin=%1").arg(withStdin ? u"true" : u"false");
        const QByteArray req = "GET /api/v1/namespaces/" + m_podNs.toUtf8() + "/pods/" + m_pod.toUtf8()
            + "/exec?" + query.toUtf8()
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
            + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + "Sec-WebSocket-Protocol: " + protocols + "\r\n\r\n";
        s.write(req);
        QByteArray in;
        QElapsedTimer t;
        t.start();
        while (!in.contains("\r\n\r\n") && t.elapsed() < 10000) {
            if (!s.waitForReadyRead(10000))
                break;
            in += s.readAll();
        }
        const qsizetype headEnd = in.indexOf("\r\n\r\n");
        if (headEnd < 0)
            return r;
        const QByteArray head = in.left(headEnd);
        in.remove(0, headEnd + 4);
        r.httpStatus = head.mid(9, 3).toInt();
        for (const QByteArray &line : head.split('\n')) {
            if (line.toLower().startsWith("sec-websocket-protocol:"))
                r.protocol = line.mid(23).trimmed();
        }
        if (r.httpStatus != 101)
            return r;
        if (withStdin) {
            s.write(WebSocketCodec::encodeClientFrame(
                WsFrame::Binary, WebSocketCodec::channelMessage(Channel::Stdin, stdinData), 0xA1B2C3D4u));
            if (sendClose)
                s.write(WebSocketCodec::encodeClientFrame(
                    WsFrame::Binary, QByteArray::fromHex("ff00"), 0x01020304u));
        }
        // Read server frames (unmasked) until the close frame or a timeout.
        while (t.elapsed() < 20000) {
            while (in.size() >= 2) {
                const quint8 op = quint8(in[0]) & 0x0F;
                quint64 len = quint8(in[1]) & 0x7F;
                qsizetype pos = 2;
                if (len == 126) {
                    if (in.size() < 4)
                        break;
                    len = (quint64(quint8(in[2])) << 8) | quint8(in[3]);
                    pos = 4;
                } else if (len == 127) {
                    if (in.size() < 10)
                        break;
                    len = 0;
                    for (int i = 0; i < 8; ++i)
                        len = (len << 8) | quint8(in[2 + i]);
                    pos = 10;
                }
                if (in.size() < pos + qsizetype(len))
                    break;
                const QByteArray payload = in.mid(pos, qsizetype(len));
                in.remove(0, pos + qsizetype(len));
                if (op == WsFrame::Close) {
                    r.closedNormally
                        = payload.size() >= 2 && ((quint8(payload[0]) << 8) | quint8(payload[1])) == 1000;
                    finish(r);
                    return r;
                }
                if (op == WsFrame::Binary)
                    r.messages << payload;
            }
            if (!s.waitForReadyRead(5000) && s.state() != QAbstractSocket::ConnectedState)
                break;
            in += s.readAll();
        }
        finish(r);
        return r;
    }

private:
    static void finish(ExecResult &r)
    {
        for (const QByteArray &m : std::as_const(r.messages)) {
            const quint8 ch = quint8(m.at(0));
            if (ch == 1)
                r.stdoutData += m.mid(1);
            else if (ch == 2)
                r.stderrData += m.mid(1);
            else if (ch == 3)
                r.status = QJsonDocument::fromJson(m.mid(1)).object();
        }
    }

    QString m_lab, m_pod, m_podNs;
    quint16 m_port = 0;
    QList<QSslCertificate> m_ca;
    QSslCertificate m_cert;
    QSslKey m_key;
};

} // namespace

class TestExecProtocol : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_client.init(&error), qPrintable(error));
    }

    void exitCodes_data()
    {
        QTest::addColumn<QByteArray>("protocols");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("v5") << QByteArray("v5.channel.k8s.io") << QByteArray("v5.channel.k8s.io");
        QTest::newRow("v4") << QByteArray("v4.channel.k8s.io") << QByteArray("v4.channel.k8s.io");
        QTest::newRow("v5-preferred")
            << QByteArray("v5.channel.k8s.io, v4.channel.k8s.io") << QByteArray("v5.channel.k8s.io");
    }
    void exitCodes()
    {
        QFETCH(QByteArray, protocols);
        QFETCH(QByteArray, expected);
        const ExecResult ok = m_client.exec(
            {QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("printf out; printf err >&2")},
            protocols, false, {}, false);
        QCOMPARE(ok.httpStatus, 101);
        QCOMPARE(ok.protocol, expected);
        QVERIFY(!ok.messages.isEmpty());
        QCOMPARE(ok.messages.first(), QByteArray(1, '\x01')); // the initial empty frame on stdout
        QCOMPARE(ok.stdoutData, QByteArray("out"));
        QCOMPARE(ok.stderrData, QByteArray("err"));
        QCOMPARE(ok.status.value(QStringLiteral("status")).toString(), QStringLiteral("Success"));
        QCOMPARE(quint8(ok.messages.last().at(0)), quint8(3)); // the status is the last message
        QVERIFY(ok.closedNormally);

        const ExecResult fail
            = m_client.exec({QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("exit 42")},
                protocols, false, {}, false);
        QCOMPARE(fail.status.value(QStringLiteral("status")).toString(), QStringLiteral("Failure"));
        QCOMPARE(fail.status.value(QStringLiteral("reason")).toString(), QStringLiteral("NonZeroExitCode"));
        const QJsonObject cause = fail.status.value(QStringLiteral("details"))
                                      .toObject()
                                      .value(QStringLiteral("causes"))
                                      .toArray()
                                      .first()
                                      .toObject();
        QCOMPARE(cause.value(QStringLiteral("reason")).toString(), QStringLiteral("ExitCode"));
        QCOMPARE(cause.value(QStringLiteral("message")).toString(), QStringLiteral("42"));
        QVERIFY(fail.closedNormally);
    }

    void v5StdinClose()
    {
        // cat only ends when stdin reaches EOF: that needs the v5 CLOSE message [0xFF, 0x00].
        const QByteArray data = QByteArray("stdin through channel 0\n").repeated(1000);
        const ExecResult r = m_client.exec({QStringLiteral("cat")}, "v5.channel.k8s.io", true, data, true);
        QCOMPARE(r.httpStatus, 101);
        QCOMPARE(r.stdoutData, data);
        QCOMPARE(r.status.value(QStringLiteral("status")).toString(), QStringLiteral("Success"));
    }

    void unsupportedProtocolIsRejected()
    {
        const ExecResult r = m_client.exec({QStringLiteral("true")}, "channel.k8s.io", false, {}, false);
        QCOMPARE(r.httpStatus, 400);
    }

private:
    LabClient m_client;
};

QTEST_GUILESS_MAIN(TestExecProtocol)
#include "tst_execprotocol.moc"
