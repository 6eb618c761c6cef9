#pragma once
// Helpers shared by the capture lab tests (tst_labcapture, tst_labpreflight): running a process with a
// bound, signalling a child safely, and asking kubesim which lbscope debug pods exist.
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QUuid>

#include <csignal>

namespace labsupport {

struct Run {
    int code = -1; ///< exit code; -1 when it crashed or timed out
    QByteArray out;
    QByteArray err;
    qint64 ms = 0; ///< how long it ran
};

inline Run run(const QString &program, const QStringList &args, int timeoutMs = 180000)
{
    QElapsedTimer t;
    t.start();
    QProcess p;
    p.start(program, args);
    Run r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished(5000);
        r.err = "timed out: " + program.toUtf8();
        return r;
    }
    r.ms = t.elapsed();
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

inline QString uniqueName()
{
    return QUuid::createUuid().toString(QUuid::Id128).left(12);
}

/// SIGINT to a child that is still running. A finished QProcess reports pid 0, and kill(0, SIGINT)
/// would interrupt this test's whole process group (ctest, flock, the shell that holds the lab).
inline bool interrupt(QProcess &p)
{
    const qint64 pid = p.processId();
    return pid > 0 && ::kill(static_cast<pid_t>(pid), SIGINT) == 0;
}

inline QJsonObject readJson(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

inline QByteArray localSha(const QString &path)
{
    return run(QStringLiteral("sha256sum"), {path}).out.left(64);
}

/// Pods labelled managed-by=lbscope, asked of kubesim itself over HTTPS with the lab's CA and admin client
/// certificate (curl, not kubectl: CI installs only Debian packages). -1 when unanswered.
inline int debugPodsLeft(const QString &kubeconfig)
{
    const QString k = QFileInfo(kubeconfig).absolutePath() + QStringLiteral("/kubesim/");
    QFile portFile(k + QStringLiteral("port"));
    if (!portFile.open(QIODevice::ReadOnly))
        return -1;
    const int port = portFile.readAll().trimmed().toInt();
    if (port <= 0)
        return -1;
    const Run r = run(QStringLiteral("curl"),
        {QStringLiteral("-sS"), QStringLiteral("--fail"), QStringLiteral("--max-time"), QStringLiteral("20"),
            QStringLiteral("--cacert"), k + QStringLiteral("ca.crt"), QStringLiteral("--cert"),
            k + QStringLiteral("admin.crt"), QStringLiteral("--key"), k + QStringLiteral("admin.key"),
            QStringLiteral(
                "https://127.0.0.1:%1/api/v1/pods?labelSelector=app.kubernetes.io%2Fmanaged-by%3Dlbscope")
                .arg(port)},
        30000);
    if (r.code != 0) {
        qWarning("debug pod query failed (curl exit %d): %s", r.code, r.err.constData());
        return -1;
    }
    const QJsonObject list = QJsonDocument::fromJson(r.out).object();
    if (list.value(QStringLiteral("kind")).toString() != QStringLiteral("PodList"))
        return -1;
    return static_cast<int>(list.value(QStringLiteral("items")).toArray().size());
}

} // namespace labsupport
