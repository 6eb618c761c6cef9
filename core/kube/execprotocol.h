#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <optional>

namespace lbs::kube {

/// The exec/attach WebSocket channel protocol (docs/protocol-notes.md, "Exec over WebSocket"): one byte of
/// channel id before every binary message, a metav1.Status on channel 3 at the end, and (v5 only) a CLOSE
/// signal.
namespace execproto {

enum Channel : quint8 { Stdin = 0, Stdout = 1, Stderr = 2, Error = 3, Resize = 4, Close = 255 };

/// The negotiated subprotocol; anything but v5/v4 is Unknown (lbscope offers no other).
enum class Version { V5, V4, Unknown };

/// What lbscope offers in Sec-WebSocket-Protocol, best first.
QStringList offeredProtocols();
Version versionOf(const QString &subprotocol);

/// [channel][payload]
QByteArray encode(quint8 channel, const QByteArray &payload);
/// v5 CLOSE signal for `channel` (e.g. Stdin: the process sees EOF): exactly [0xFF, channel].
QByteArray encodeClose(quint8 channel);

struct Frame {
    quint8 channel = 0;
    QByteArray payload;
};
/// Splits a binary message; nullopt for an empty message.
std::optional<Frame> decode(const QByteArray &message);

/// The end of a command, from the channel-3 payload.
struct ExitStatus {
    enum Kind { Success, NonZeroExit, Failure } kind = Failure;
    int exitCode = -1; ///< 0 for Success, the code for NonZeroExit, -1 for Failure
    QString message; ///< server text (Failure: why the command never ran)
    QString reason; ///< metav1.Status reason
};
/// Parses a v4/v5 metav1.Status; anything else (empty, plain text) is a Failure.
ExitStatus parseStatus(const QByteArray &payload, Version version);

} // namespace execproto
} // namespace lbs::kube
