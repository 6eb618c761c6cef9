#include "core/kube/execprotocol.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace lbs::kube::execproto {

QStringList offeredProtocols()
{
    // The API server (>= 1.30) terminates v5 itself; older servers and kubelets speak v4 (structured exit
    // codes, Kubernetes >= 1.4). The legacy channel.k8s.io (v1-v3) is never offered: it has no exit code and
    // reports success by saying nothing, so a cut connection would pass for a successful command.
    return {QStringLiteral("v5.channel.k8s.io"), QStringLiteral("v4.channel.k8s.io")};
}

Version versionOf(const QString &subprotocol)
{
    if (subprotocol == QLatin1String("v5.channel.k8s.io"))
        return Version::V5;
    if (subprotocol == QLatin1String("v4.channel.k8s.io"))
        return Version::V4;
    return Version::Unknown;
}

QByteArray encode(quint8 channel, const QByteArray &payload)
{
    QByteArray out;
    out.reserve(payload.size() + 1);
    out.append(static_cast<char>(channel));
    out.append(payload);
    return out;
}

QByteArray encodeClose(quint8 channel)
{
    QByteArray out;
    out.append(static_cast<char>(Close));
    out.append(static_cast<char>(channel));
    return out;
}

std::optional<Frame> decode(const QByteArray &message)
{
    if (message.isEmpty())
        return std::nullopt;
    return Frame {static_cast<quint8>(message.at(0)), message.mid(1)};
}

ExitStatus parseStatus(const QByteArray &payload, Version /*version*/)
{
    ExitStatus s;
    QJsonParseError pe;
    const QJsonObject o = QJsonDocument::fromJson(payload, &pe).object();
    if (pe.error != QJsonParseError::NoError) {
        s.message = QStringLiteral("unreadable exec status: %1").arg(QString::fromUtf8(payload.left(200)));
        return s;
    }
    const QString status = o.value(QStringLiteral("status")).toString();
    s.message = o.value(QStringLiteral("message")).toString();
    s.reason = o.value(QStringLiteral("reason")).toString();
    if (status == QLatin1String("Success")) {
        s.kind = ExitStatus::Success;
        s.exitCode = 0;
        return s;
    }
    if (s.reason == QLatin1String("NonZeroExitCode")) {
        // StatusCause.Type serializes as "reason"; the code is the cause's message.
        const QJsonArray causes
            = o.value(QStringLiteral("details")).toObject().value(QStringLiteral("causes")).toArray();
        for (const QJsonValue &c : causes) {
            const QJsonObject cause = c.toObject();
            if (cause.value(QStringLiteral("reason")).toString() == QLatin1String("ExitCode")) {
                bool ok = false;
                const int code = cause.value(QStringLiteral("message")).toString().toInt(&ok);
                if (ok && code >= 0 && code <= 255) {
                    s.kind = ExitStatus::NonZeroExit;
                    s.exitCode = code;
                    return s;
                }
            }
        }
    }
    s.kind = ExitStatus::Failure;
    s.exitCode = -1;
    return s;
}

} // namespace lbs::kube::execproto
