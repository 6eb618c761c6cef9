#pragma once
// kubesim: one `pods/exec` over WebSocket (v4/v5.channel.k8s.io, docs/protocol-notes.md, "Exec over
// WebSocket"): runs argv in the pod's node view and relays stdin (channel 0), stdout (1), stderr (2), the
// final metav1.Status (3) and v5's close signal (255). Like the real API server, closing the socket does not
// kill the command, and output moves at the client's pace: stdout is read from the command's pipe in 32 KiB
// messages (the server's io.Copy buffer) only while the connection has room, so a slow client blocks the
// command instead of growing buffers.

#include "podruntime.h"
#include "websocketcodec.h"

#include <QObject>
#include <QPointer>
#include <QProcess>
#include <QSocketNotifier>

namespace kubesim {

class HttpConnection;

struct ExecOptions {
    QStringList argv;
    bool stdinOpen = false;
    bool stdoutOpen = true;
    bool stderrOpen = true;
    bool tty = false;
};

class ExecSession : public QObject {
    Q_OBJECT
public:
    ExecSession(HttpConnection *connection, ChannelProtocol protocol, ExecTarget target, ExecOptions options,
        QString labDir);
    ~ExecSession() override;
    /// Sends the initial empty frame and starts the command; deletes itself when done.
    void start();

    /// metav1.Status JSON kubesim sends on channel 3 for an exit code (0 = Success).
    static QByteArray exitStatusJson(int exitCode, const QStringList &argv);
    /// metav1.Status JSON for a command that could not be started.
    static QByteArray startFailureJson(const QString &message);

private:
    void onWsMessage(const QByteArray &message);
    void pump();
    /// Relays stdout until the pipe is empty (EAGAIN) or about `budget` bytes went out; closes it at EOF.
    void relayStdout(qint64 budget);
    void closeStdoutPipe();
    void onFinished(int exitCode, QProcess::ExitStatus status);
    void finishWith(const QByteArray &statusJson);

    QPointer<HttpConnection> m_conn;
    ChannelProtocol m_protocol;
    ExecTarget m_target;
    ExecOptions m_opts;
    QString m_labDir;
    QProcess *m_proc = nullptr;
    int m_outFd = -1; // read end of the command's stdout pipe (non-blocking)
    QSocketNotifier *m_outNotifier = nullptr;
    bool m_done = false;
};

} // namespace kubesim
