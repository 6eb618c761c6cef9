// Unit tests of kubesim's WebSocket framing and Kubernetes channel protocol helpers.
#include "execsession.h"
#include "websocketcodec.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using kubesim::Channel;
using kubesim::ChannelProtocol;
using kubesim::WebSocketCodec;
using kubesim::WsDecodeResult;
using kubesim::WsFrame;

class TestWebSocketCodec : public QObject {
    Q_OBJECT
private slots:
    void acceptKeyRfcExample()
    {
        // RFC 6455 §1.3 example.
        QCOMPARE(WebSocketCodec::acceptKey("dGhlIHNhbXBsZSBub25jZQ=="),
            QByteArray("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
    }

    void roundTrip_data()
    {
        QTest::addColumn<int>("size");
        QTest::newRow("empty") << 0;
        QTest::newRow("small") << 5;
        QTest::newRow("125") << 125;
        QTest::newRow("126-16bit") << 126;
        QTest::newRow("65535") << 65535;
        QTest::newRow("65536-64bit") << 65536;
        QTest::newRow("1MiB") << 1024 * 1024;
    }
    void roundTrip()
    {
        QFETCH(int, size);
        QByteArray payload(size, Qt::Uninitialized);
        for (int i = 0; i < size; ++i)
            payload[i] = char(i * 7);
        const QByteArray msg = WebSocketCodec::channelMessage(Channel::Stdin, payload);
        QByteArray wire = WebSocketCodec::encodeClientFrame(WsFrame::Binary, msg, 0x12345678u) + "tail";
        // Every strict prefix needs more bytes.
        for (qsizetype cut : {qsizetype(0), qsizetype(1), wire.size() / 2, wire.size() - 5}) {
            if (cut >= 0 && cut < wire.size() - 4)
                QCOMPARE(WebSocketCodec::decodeClientFrame(wire.left(cut)).state, WsDecodeResult::NeedMore);
        }
        const WsDecodeResult r = WebSocketCodec::decodeClientFrame(wire);
        QCOMPARE(r.state, WsDecodeResult::Frame);
        QCOMPARE(r.consumed, wire.size() - 4);
        QCOMPARE(r.frame.opcode, quint8(WsFrame::Binary));
        QVERIFY(r.frame.fin);
        quint8 ch = 99;
        QByteArray body;
        QVERIFY(WebSocketCodec::splitChannelMessage(r.frame.payload, &ch, &body));
        QCOMPARE(ch, quint8(0));
        QCOMPARE(body, payload);
    }

    void serverFrameHeader_data()
    {
        QTest::addColumn<int>("size");
        QTest::addColumn<QByteArray>("header");
        QTest::newRow("7bit") << 3 << QByteArray::fromHex("8203");
        QTest::newRow("16bit") << 300 << QByteArray::fromHex("827e012c");
        QTest::newRow("64bit") << 70000 << QByteArray::fromHex("827f0000000000011170");
    }
    void serverFrameHeader()
    {
        QFETCH(int, size);
        QFETCH(QByteArray, header);
        const QByteArray f = WebSocketCodec::encodeServerFrame(WsFrame::Binary, QByteArray(size, 'x'));
        QCOMPARE(f.left(header.size()), header);
        QCOMPARE(f.size(), header.size() + size);
    }

    void rejectsBadClientFrames()
    {
        QByteArray unmasked = WebSocketCodec::encodeServerFrame(WsFrame::Binary, "abc");
        QCOMPARE(WebSocketCodec::decodeClientFrame(unmasked).state, WsDecodeResult::Error);
        QByteArray rsv = WebSocketCodec::encodeClientFrame(WsFrame::Binary, "abc", 1);
        rsv[0] = char(quint8(rsv[0]) | 0x40);
        QCOMPARE(WebSocketCodec::decodeClientFrame(rsv).state, WsDecodeResult::Error);
        QByteArray bigPing = WebSocketCodec::encodeClientFrame(WsFrame::Ping, QByteArray(200, 'p'), 1);
        QCOMPARE(WebSocketCodec::decodeClientFrame(bigPing).state, WsDecodeResult::Error);
    }

    void v5CloseSignal()
    {
        // The v5 CLOSE message for stdin is exactly [0xFF, 0x00].
        const QByteArray msg = WebSocketCodec::channelMessage(Channel::Close, QByteArray(1, '\0'));
        QCOMPARE(msg, QByteArray::fromHex("ff00"));
        quint8 ch = 0;
        QByteArray payload;
        QVERIFY(WebSocketCodec::splitChannelMessage(msg, &ch, &payload));
        QCOMPARE(ch, quint8(255));
        QCOMPARE(payload, QByteArray(1, '\0'));
        QVERIFY(!WebSocketCodec::splitChannelMessage(QByteArray(), &ch, &payload));
    }

    void protocolNegotiation_data()
    {
        QTest::addColumn<QByteArray>("offered");
        QTest::addColumn<int>("chosen");
        QTest::newRow("kubectl-v5") << QByteArray("v5.channel.k8s.io") << int(ChannelProtocol::V5);
        QTest::newRow("v5-then-v4") << QByteArray("v5.channel.k8s.io, v4.channel.k8s.io")
                                    << int(ChannelProtocol::V5);
        QTest::newRow("v4-first") << QByteArray("v4.channel.k8s.io,v5.channel.k8s.io")
                                  << int(ChannelProtocol::V4);
        QTest::newRow("base64-skipped")
            << QByteArray("v4.base64.channel.k8s.io, v4.channel.k8s.io") << int(ChannelProtocol::V4);
        QTest::newRow("none") << QByteArray("channel.k8s.io") << int(ChannelProtocol::None);
        QTest::newRow("empty") << QByteArray() << int(ChannelProtocol::None);
    }
    void protocolNegotiation()
    {
        QFETCH(QByteArray, offered);
        QFETCH(int, chosen);
        QCOMPARE(int(WebSocketCodec::chooseProtocol(offered)), chosen);
    }

    void exitStatus()
    {
        const QJsonObject ok = QJsonDocument::fromJson(kubesim::ExecSession::exitStatusJson(0, {})).object();
        QCOMPARE(ok.value(QStringLiteral("status")).toString(), QStringLiteral("Success"));
        const QJsonObject fail = QJsonDocument::fromJson(
            kubesim::ExecSession::exitStatusJson(3, {QStringLiteral("sh"), QStringLiteral("-c")}))
                                     .object();
        QCOMPARE(fail.value(QStringLiteral("status")).toString(), QStringLiteral("Failure"));
        QCOMPARE(fail.value(QStringLiteral("reason")).toString(), QStringLiteral("NonZeroExitCode"));
        const QJsonObject cause = fail.value(QStringLiteral("details"))
                                      .toObject()
                                      .value(QStringLiteral("causes"))
                                      .toArray()
                                      .first()
                                      .toObject();
        QCOMPARE(cause.value(QStringLiteral("reason")).toString(), QStringLiteral("ExitCode"));
        QCOMPARE(cause.value(QStringLiteral("message")).toString(), QStringLiteral("3"));
    }

    void closePayload()
    {
        QCOMPARE(WebSocketCodec::closePayload(1000), QByteArray::fromHex("03e8"));
        QCOMPARE(WebSocketCodec::closePayload(1002, "x").size(), 3);
    }
};

QTEST_APPLESS_MAIN(TestWebSocketCodec)
#include "tst_websocketcodec.moc"
