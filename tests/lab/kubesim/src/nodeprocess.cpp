#include "nodeprocess.h"

#include <QDir>
#include <QFile>
#include <QProcessEnvironment>

#include <csignal>
#include <sys/prctl.h>
#include <unistd.h>

namespace kubesim {

void NodeProcess::prepare(QProcess *process, const QStringList &prefix, const QStringList &argv,
    const QString &podUid, const QString &labDir, const QString &hostname,
    const QMap<QString, QString> &extraEnv, int stdoutFd, bool mergeStderr)
{
    QStringList full = prefix + argv;
    process->setProgram(full.takeFirst());
    process->setArguments(full);
    // A container's environment, not kubesim's: only what a runtime sets, plus the markers.
    QProcessEnvironment env;
    env.insert(QStringLiteral("PATH"),
        QStringLiteral("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
    env.insert(QStringLiteral("HOME"), QStringLiteral("/root"));
    env.insert(QStringLiteral("HOSTNAME"), hostname);
    for (auto it = extraEnv.cbegin(); it != extraEnv.cend(); ++it)
        env.insert(it.key(), it.value());
    env.insert(QString::fromLatin1(PodMarkerVar), podUid);
    env.insert(QString::fromLatin1(LabMarkerVar), labDir);
    process->setProcessEnvironment(env);
    process->setChildProcessModifier([stdoutFd, mergeStderr] {
        ::setsid(); // own process group: kill(-pgid) reaches its pipeline
        ::prctl(PR_SET_PDEATHSIG, SIGKILL); // kubesim crashing must not leave it behind
        if (stdoutFd >= 0) { // dup2 clears close-on-exec on the copy; the original closes at exec
            ::dup2(stdoutFd, STDOUT_FILENO);
            if (mergeStderr)
                ::dup2(stdoutFd, STDERR_FILENO);
        }
    });
}

QList<qint64> NodeProcess::pidsWithEnv(const QByteArray &name, const QByteArray &value)
{
    QList<qint64> pids;
    const QByteArray needle = name + '=' + value;
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    const qint64 self = ::getpid();
    for (const QString &e : entries) {
        bool ok = false;
        const qint64 pid = e.toLongLong(&ok);
        if (!ok || pid == self)
            continue;
        QFile f(QStringLiteral("/proc/%1/environ").arg(pid));
        if (!f.open(QIODevice::ReadOnly))
            continue;
        const QByteArray env = f.readAll();
        for (const QByteArray &var : env.split('\0')) {
            if (var == needle) {
                pids << pid;
                break;
            }
        }
    }
    return pids;
}

int NodeProcess::signalPod(const QString &podUid, int sig)
{
    int n = 0;
    for (qint64 pid : pidsWithEnv(PodMarkerVar, podUid.toUtf8()))
        n += ::kill(pid_t(pid), sig) == 0 ? 1 : 0;
    return n;
}

int NodeProcess::signalLab(const QString &labDir, int sig)
{
    int n = 0;
    for (qint64 pid : pidsWithEnv(LabMarkerVar, labDir.toUtf8()))
        n += ::kill(pid_t(pid), sig) == 0 ? 1 : 0;
    return n;
}

bool NodeProcess::alive(qint64 pid)
{
    QFile f(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return false;
    const QByteArray stat = f.readAll();
    const qsizetype paren = stat.lastIndexOf(')');
    return paren > 0 && stat.size() > paren + 2 && stat[paren + 2] != 'Z';
}

} // namespace kubesim
