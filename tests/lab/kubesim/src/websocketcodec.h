#pragma once
// kubesim: WebSocket (RFC 6455) server-side framing and the Kubernetes channel protocol on top of it
// (docs/protocol-notes.md, "Exec over WebSocket"). Pure functions over byte arrays, so they can be
// unit-tested without sockets.

#include <QByteArray>
#include <QByteArrayList>
#include <QString>

namespace kubesim {

/// One decoded WebSocket frame.
struct WsFrame {
    enum Opcode : quint8 {
        Continuation = 0x0,
        Text = 0x1,
        Binary = 0x2,
        Close = 0x8,
        Ping = 0x9,
        Pong = 0xA
    };
    quint8 opcode = Binary;
    bool fin = true;
    QByteArray payload;
};

/// Result of trying to decode one frame from the front of a buffer.
struct WsDecodeResult {
    enum State { NeedMore, Frame, Error };
    State state = NeedMore;
    WsFrame frame;
    qsizetype consumed = 0; ///< bytes of the buffer used by the frame (when state == Frame)
    QString error; ///< why the bytes are not a valid client frame (when state == Error)
};

/// The Kubernetes stream channels (apimachinery remotecommand constants).
enum class Channel : quint8 { Stdin = 0, Stdout = 1, Stderr = 2, Error = 3, Resize = 4, Close = 255 };

/// The subprotocols kubesim speaks, in the order it prefers them when a client offers several.
enum class ChannelProtocol { None, V4, V5 };

class WebSocketCodec {
public:
    /// Largest client frame accepted (kubectl sends stdin in 32 KiB pieces); bigger frames are an error.
    static constexpr qsizetype MaxFramePayload = 16 * 1024 * 1024;

    /// Decodes one client frame. Client frames must be masked (RFC 6455 §5.1).
    static WsDecodeResult decodeClientFrame(const QByteArray &buffer);
    /// Encodes one unmasked server frame.
    static QByteArray encodeServerFrame(quint8 opcode, const QByteArray &payload, bool fin = true);
    /// Just the header of an unmasked (server) frame, for writing the payload after it without a copy.
    static QByteArray serverFrameHeader(quint8 opcode, quint64 payloadSize, bool fin = true);
    /// Encodes one masked client frame (used by tests and by kubesim's own probes).
    static QByteArray encodeClientFrame(quint8 opcode, const QByteArray &payload, quint32 mask);

    /// Sec-WebSocket-Accept for a Sec-WebSocket-Key.
    static QByteArray acceptKey(const QByteArray &secWebSocketKey);
    /// Picks the first offered subprotocol kubesim supports (the apiserver rule, docs/protocol-notes.md,
    /// "Exec over WebSocket").
    static ChannelProtocol chooseProtocol(const QByteArray &secWebSocketProtocolHeader);
    static QByteArray protocolName(ChannelProtocol p);

    /// A channel message: one channel byte followed by the payload.
    static QByteArray channelMessage(Channel channel, const QByteArray &payload);
    /// Splits a channel message. Returns false for an empty message (which carries no channel).
    static bool splitChannelMessage(const QByteArray &message, quint8 *channel, QByteArray *payload);

    /// A close-frame payload: 2-byte status code and a reason.
    static QByteArray closePayload(quint16 code, const QByteArray &reason = {});
};

} // namespace kubesim
