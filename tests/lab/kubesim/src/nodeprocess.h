#pragma once
// kubesim: starting commands "inside a pod" (in the node view of the lab: nsenter into the node's network and
// mount namespaces) and finding them again to kill them. Every process kubesim starts carries marker
// environment variables (LBSCOPE_KUBESIM_POD=<pod uid>, LBSCOPE_KUBESIM_LAB=<lab dir>); children inherit
// them, so a scan of /proc/*/environ finds everything a pod started, even processes that called setsid() or
// were re-parented. Together with one process group per started command this needs no cgroups.

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QProcess>
#include <QString>
#include <QStringList>

namespace kubesim {

class NodeProcess {
public:
    static constexpr const char *PodMarkerVar = "LBSCOPE_KUBESIM_POD";
    static constexpr const char *LabMarkerVar = "LBSCOPE_KUBESIM_LAB";

    /// Prepares process to run argv behind prefix (e.g. nsenter ... --), in its own session/process group,
    /// with the markers in its environment and SIGKILL on kubesim's death. When stdoutFd >= 0 the child's
    /// stdout (and stderr too when mergeStderr) is that descriptor instead of QProcess's pipe: the caller
    /// reads it at its own pace, so a slow reader blocks the command as a real container runtime does.
    static void prepare(QProcess *process, const QStringList &prefix, const QStringList &argv,
        const QString &podUid, const QString &labDir, const QString &hostname,
        const QMap<QString, QString> &extraEnv = {}, int stdoutFd = -1, bool mergeStderr = false);
    /// Pids of processes whose environment holds exactly NAME=value.
    static QList<qint64> pidsWithEnv(const QByteArray &name, const QByteArray &value);
    /// Sends sig to every process carrying the pod marker; returns how many were signalled.
    static int signalPod(const QString &podUid, int sig);
    /// Sends sig to every process carrying the lab marker.
    static int signalLab(const QString &labDir, int sig);
    /// True while the process exists and is not a zombie.
    static bool alive(qint64 pid);
};

} // namespace kubesim
