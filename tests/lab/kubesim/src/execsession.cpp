#include "execsession.h"

#include "httpconnection.h"
#include "nodeprocess.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace kubesim {

namespace {
// The API server copies each stream with io.Copy (32 KiB reads) and writes one WebSocket message per read.
constexpr qint64 MaxMessage = 32 * 1024; // bytes of output per WebSocket message
// It blocks in write() when the client is slow; kubesim stops reading the pipe above this much unsent output
// and resumes on HttpConnection::outputDrained.
constexpr qint64 HighWater = 512 * 1024;
} // namespace

ExecSession::ExecSession(HttpConnection *connection, ChannelProtocol protocol, ExecTarget target,
    ExecOptions options, QString labDir)
    : m_conn(connection), m_protocol(protocol), m_target(std::move(target)), m_opts(std::move(options)),
      m_labDir(std::move(labDir))
{
    connect(connection, &HttpConnection::wsMessage, this, &ExecSession::onWsMessage);
    connect(connection, &HttpConnection::outputDrained, this, &ExecSession::pump);
}

QByteArray ExecSession::exitStatusJson(int exitCode, const QStringList &argv)
{
    QJsonObject s {{u"metadata"_qs, QJsonObject {}}};
    if (exitCode == 0) {
        s.insert(u"status", u"Success"_qs);
    } else {
        s.insert(u"status", u"Failure"_qs);
        s.insert(u"message",
            QStringLiteral("command terminated with non-zero exit code: error executing command "
                           "[%1], exit code %2")
                .arg(argv.join(u' '))
                .arg(exitCode));
        s.insert(u"reason", u"NonZeroExitCode"_qs);
        s.insert(u"details",
            QJsonObject {{u"causes"_qs,
                QJsonArray {QJsonObject {
                    {u"reason"_qs, u"ExitCode"_qs}, {u"message"_qs, QString::number(exitCode)}}}}});
    }
    return QJsonDocument(s).toJson(QJsonDocument::Compact);
}

QByteArray ExecSession::startFailureJson(const QString &message)
{
    const QJsonObject s {{u"metadata"_qs, QJsonObject {}}, {u"status"_qs, u"Failure"_qs},
        {u"message"_qs,
            QStringLiteral("Internal error occurred: error executing command in container: %1").arg(message)},
        {u"reason"_qs, u"InternalError"_qs},
        {u"details"_qs, QJsonObject {{u"causes"_qs, QJsonArray {QJsonObject {{u"message"_qs, message}}}}}},
        {u"code"_qs, 500}};
    return QJsonDocument(s).toJson(QJsonDocument::Compact);
}

void ExecSession::start()
{
    if (!m_conn) {
        deleteLater();
        return;
    }
    // Announce the stream: an empty message on the lowest channel the client reads (docs/protocol-notes.md,
    // "Exec over WebSocket").
    const Channel first
        = m_opts.stdoutOpen ? Channel::Stdout : (m_opts.stderrOpen ? Channel::Stderr : Channel::Error);
    m_conn->sendWs(WebSocketCodec::channelMessage(first, {}));

    const QString exe = m_opts.argv.value(0);
    const bool nodeLocalPath = exe.startsWith(u"/tmp/") || exe.startsWith(u"/var/tmp/");
    const bool found = exe.contains(u'/') ? (nodeLocalPath || QFileInfo(exe).isExecutable())
                                          : !QStandardPaths::findExecutable(exe).isEmpty();
    if (exe.isEmpty() || !found) {
        finishWith(
            startFailureJson(QStringLiteral("failed to exec in container: failed to start exec: OCI runtime "
                                            "exec failed: exec failed: unable to start container process: "
                                            "exec: \"%1\": executable file not found in $PATH: unknown")
                                 .arg(exe)));
        return;
    }
    int fds[2] = {-1, -1};
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        finishWith(startFailureJson(QStringLiteral("cannot create the stdout pipe: %1")
                                        .arg(QString::fromLocal8Bit(::strerror(errno)))));
        return;
    }
    ::fcntl(fds[0], F_SETFL, ::fcntl(fds[0], F_GETFL) | O_NONBLOCK);
    m_outFd = fds[0];
    m_proc = new QProcess(this);
    if (m_opts.tty)
        m_proc->setProcessChannelMode(QProcess::MergedChannels);
    NodeProcess::prepare(m_proc, m_target.prefix, m_opts.argv, m_target.podUid, m_labDir, m_target.hostname,
        m_target.env, fds[1], m_opts.tty);
    m_outNotifier = new QSocketNotifier(m_outFd, QSocketNotifier::Read, this);
    connect(m_outNotifier, &QSocketNotifier::activated, this, &ExecSession::pump);
    connect(m_proc, &QProcess::readyReadStandardError, this, &ExecSession::pump);
    connect(m_proc, &QProcess::finished, this, &ExecSession::onFinished);
    m_proc->start();
    ::close(fds[1]); // the child holds the write end now: EOF comes when it (and its children) exit
    if (!m_opts.stdinOpen)
        m_proc->closeWriteChannel();
}

ExecSession::~ExecSession()
{
    closeStdoutPipe();
}

void ExecSession::closeStdoutPipe()
{
    if (m_outNotifier) {
        m_outNotifier->setEnabled(false);
        delete m_outNotifier;
        m_outNotifier = nullptr;
    }
    if (m_outFd >= 0) {
        ::close(m_outFd);
        m_outFd = -1;
    }
}

void ExecSession::relayStdout(qint64 budget)
{
    while (m_outFd >= 0 && budget > 0) {
        QByteArray msg(1 + MaxMessage, Qt::Uninitialized);
        msg[0] = char(quint8(Channel::Stdout));
        const ssize_t n = ::read(m_outFd, msg.data() + 1, size_t(MaxMessage));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return;
        if (n <= 0) { // EOF (or a read error, which ends the stream the same way)
            closeStdoutPipe();
            return;
        }
        msg.resize(1 + n);
        if (m_conn && (m_opts.stdoutOpen || m_opts.tty))
            m_conn->sendWs(msg);
        budget -= n;
    }
}

void ExecSession::onWsMessage(const QByteArray &message)
{
    quint8 ch = 0;
    QByteArray payload;
    if (!m_proc || !WebSocketCodec::splitChannelMessage(message, &ch, &payload))
        return;
    if (ch == quint8(Channel::Stdin) && m_opts.stdinOpen) {
        m_proc->write(payload);
    } else if (ch == quint8(Channel::Close) && m_protocol == ChannelProtocol::V5) {
        if (payload.size() != 1) {
            if (m_conn)
                m_conn->closeWs(1002, "v5 close signal must be exactly 2 bytes");
            return;
        }
        if (quint8(payload[0]) == quint8(Channel::Stdin))
            m_proc->closeWriteChannel();
    }
    // Channel 4 (resize) and unknown channels are ignored, as the real server does without a TTY.
}

void ExecSession::pump()
{
    if (!m_proc || !m_conn || m_done)
        return;
    const qint64 room = HighWater - m_conn->pendingOutput();
    if (room > 0)
        relayStdout(room);
    // Paused while the connection is full; HttpConnection::outputDrained calls pump() again.
    if (m_outNotifier)
        m_outNotifier->setEnabled(m_conn->pendingOutput() < HighWater);
    const QByteArray err = m_proc->readAllStandardError();
    if (!err.isEmpty() && m_opts.stderrOpen && !m_opts.tty)
        m_conn->sendWs(WebSocketCodec::channelMessage(Channel::Stderr, err));
}

void ExecSession::onFinished(int exitCode, QProcess::ExitStatus status)
{
    // Relay whatever is still buffered before the status, ignoring the high-water mark this once.
    if (m_conn) {
        // What the command wrote before it exited: at most a pipe's worth, unless a background child of it
        // keeps writing (bounded, like the rest of the stream after the exit status).
        relayStdout(4 * 1024 * 1024);
        const QByteArray err = m_proc->readAllStandardError();
        if (!err.isEmpty() && m_opts.stderrOpen && !m_opts.tty)
            m_conn->sendWs(WebSocketCodec::channelMessage(Channel::Stderr, err));
    }
    const int code = status == QProcess::CrashExit ? 128 + (exitCode > 0 ? exitCode : 9) : exitCode;
    finishWith(exitStatusJson(code, m_opts.argv));
}

void ExecSession::finishWith(const QByteArray &statusJson)
{
    if (m_done)
        return;
    m_done = true;
    if (m_conn) {
        m_conn->sendWs(WebSocketCodec::channelMessage(Channel::Error, statusJson));
        m_conn->closeWs(1000);
    }
    deleteLater();
}

} // namespace kubesim
