#include "loginshellpath.h"

#include <QProcess>

namespace lbs::kube {

namespace {
// Whatever the profile prints first, the PATH follows the last marker.
constexpr auto kMarker = "\x1f"
                         "lbscope-path:";

Error shellError(const QString &shell, const QString &why)
{
    return Error {QStringLiteral("login shell '%1': %2").arg(shell, why).toStdString(), {},
        "exec credential plugins are looked up on this process's PATH only; set PATH in the desktop "
        "session or give users[].user.exec.command as an absolute path"};
}
} // namespace

Result<QString> loginShellPath(const QString &shell, int timeoutMs)
{
    QProcess proc;
    proc.setStandardInputFile(QProcess::nullDevice());
    proc.setProcessChannelMode(QProcess::SeparateChannels);
    proc.start(shell,
        {QStringLiteral("-l"), QStringLiteral("-c"),
            QStringLiteral("printf '%s%s' '") + QLatin1String(kMarker) + QStringLiteral("' \"$PATH\"")});
    if (!proc.waitForStarted(timeoutMs))
        return shellError(shell, QStringLiteral("could not be started: %1").arg(proc.errorString()));
    if (!proc.waitForFinished(timeoutMs)) {
        proc.kill();
        proc.waitForFinished(1000);
        return shellError(shell, QStringLiteral("did not print its PATH within %1 ms").arg(timeoutMs));
    }
    if (proc.exitStatus() != QProcess::NormalExit || proc.exitCode() != 0)
        return shellError(shell, QStringLiteral("exited with code %1").arg(proc.exitCode()));
    const QString out = QString::fromLocal8Bit(proc.readAllStandardOutput());
    const qsizetype at = out.lastIndexOf(QLatin1String(kMarker));
    if (at < 0)
        return shellError(shell, QStringLiteral("printed no PATH"));
    const QString path = out.mid(at + qsizetype(qstrlen(kMarker))).trimmed();
    if (path.isEmpty())
        return shellError(shell, QStringLiteral("has an empty PATH"));
    return path;
}

Result<QString> loginShellPathFromEnvironment(int timeoutMs)
{
    const QString shell = qEnvironmentVariable("SHELL");
    return loginShellPath(shell.isEmpty() ? QStringLiteral("/bin/sh") : shell, timeoutMs);
}

} // namespace lbs::kube
