#include "websocketcodec.h"

#include <QCryptographicHash>

namespace kubesim {

WsDecodeResult WebSocketCodec::decodeClientFrame(const QByteArray &buffer)
{
    WsDecodeResult r;
    if (buffer.size() < 2)
        return r;
    const auto b0 = static_cast<quint8>(buffer[0]);
    const auto b1 = static_cast<quint8>(buffer[1]);
    if (b0 & 0x70) {
        r.state = WsDecodeResult::Error;
        r.error = QStringLiteral("reserved bits set in a WebSocket frame (no extension was negotiated)");
        return r;
    }
    const bool masked = b1 & 0x80;
    if (!masked) {
        r.state = WsDecodeResult::Error;
        r.error = QStringLiteral("client WebSocket frame is not masked (RFC 6455 §5.1 requires it)");
        return r;
    }
    quint64 len = b1 & 0x7F;
    qsizetype pos = 2;
    if (len == 126) {
        if (buffer.size() < 4)
            return r;
        len = (quint64(quint8(buffer[2])) << 8) | quint8(buffer[3]);
        pos = 4;
    } else if (len == 127) {
        if (buffer.size() < 10)
            return r;
        len = 0;
        for (int i = 0; i < 8; ++i)
            len = (len << 8) | quint8(buffer[2 + i]);
        pos = 10;
    }
    if (len > quint64(MaxFramePayload)) {
        r.state = WsDecodeResult::Error;
        r.error = QStringLiteral("WebSocket frame of %1 bytes exceeds kubesim's limit of %2 bytes")
                      .arg(len)
                      .arg(MaxFramePayload);
        return r;
    }
    const quint8 opcode = b0 & 0x0F;
    const bool control = opcode & 0x08;
    if (control && (len > 125 || !(b0 & 0x80))) {
        r.state = WsDecodeResult::Error;
        r.error = QStringLiteral("WebSocket control frame is fragmented or longer than 125 bytes");
        return r;
    }
    if (buffer.size() < pos + 4 + qsizetype(len))
        return r;
    const char *mask = buffer.constData() + pos;
    pos += 4;
    r.frame.payload = buffer.mid(pos, qsizetype(len));
    char *p = r.frame.payload.data();
    for (qsizetype i = 0; i < r.frame.payload.size(); ++i)
        p[i] = char(p[i] ^ mask[i % 4]);
    r.frame.opcode = opcode;
    r.frame.fin = b0 & 0x80;
    r.consumed = pos + qsizetype(len);
    r.state = WsDecodeResult::Frame;
    return r;
}

static QByteArray frameHeader(quint8 opcode, quint64 len, bool fin, bool masked)
{
    QByteArray h;
    h.append(char((fin ? 0x80 : 0x00) | (opcode & 0x0F)));
    const quint8 maskBit = masked ? 0x80 : 0x00;
    if (len < 126) {
        h.append(char(maskBit | quint8(len)));
    } else if (len <= 0xFFFF) {
        h.append(char(maskBit | 126));
        h.append(char((len >> 8) & 0xFF));
        h.append(char(len & 0xFF));
    } else {
        h.append(char(maskBit | 127));
        for (int i = 7; i >= 0; --i)
            h.append(char((len >> (8 * i)) & 0xFF));
    }
    return h;
}

QByteArray WebSocketCodec::encodeServerFrame(quint8 opcode, const QByteArray &payload, bool fin)
{
    return frameHeader(opcode, quint64(payload.size()), fin, false) + payload;
}

QByteArray WebSocketCodec::serverFrameHeader(quint8 opcode, quint64 payloadSize, bool fin)
{
    return frameHeader(opcode, payloadSize, fin, false);
}

QByteArray WebSocketCodec::encodeClientFrame(quint8 opcode, const QByteArray &payload, quint32 mask)
{
    QByteArray out = frameHeader(opcode, quint64(payload.size()), true, true);
    const char m[4] = {char(mask >> 24), char(mask >> 16), char(mask >> 8), char(mask)};
    out.append(m, 4);
    QByteArray body = payload;
    for (qsizetype i = 0; i < body.size(); ++i)
        body[i] = char(body[i] ^ m[i % 4]);
    return out + body;
}

QByteArray WebSocketCodec::acceptKey(const QByteArray &secWebSocketKey)
{
    const QByteArray magic
        = secWebSocketKey.trimmed() + QByteArrayLiteral("258EAFA5-E914-47DA-95CA-C5AB0DC85B11");
    return QCryptographicHash::hash(magic, QCryptographicHash::Sha1).toBase64();
}

ChannelProtocol WebSocketCodec::chooseProtocol(const QByteArray &header)
{
    for (const QByteArray &raw : header.split(',')) {
        const QByteArray p = raw.trimmed();
        if (p == "v5.channel.k8s.io")
            return ChannelProtocol::V5;
        if (p == "v4.channel.k8s.io")
            return ChannelProtocol::V4;
    }
    return ChannelProtocol::None;
}

QByteArray WebSocketCodec::protocolName(ChannelProtocol p)
{
    switch (p) {
    case ChannelProtocol::V5:
        return QByteArrayLiteral("v5.channel.k8s.io");
    case ChannelProtocol::V4:
        return QByteArrayLiteral("v4.channel.k8s.io");
    case ChannelProtocol::None:
        break;
    }
    return {};
}

QByteArray WebSocketCodec::channelMessage(Channel channel, const QByteArray &payload)
{
    QByteArray m;
    m.reserve(payload.size() + 1);
    m.append(char(quint8(channel)));
    m.append(payload);
    return m;
}

bool WebSocketCodec::splitChannelMessage(const QByteArray &message, quint8 *channel, QByteArray *payload)
{
    if (message.isEmpty())
        return false;
    *channel = quint8(message[0]);
    *payload = message.mid(1);
    return true;
}

QByteArray WebSocketCodec::closePayload(quint16 code, const QByteArray &reason)
{
    QByteArray p;
    p.append(char(code >> 8));
    p.append(char(code & 0xFF));
    p.append(reason.left(123));
    return p;
}

} // namespace kubesim
