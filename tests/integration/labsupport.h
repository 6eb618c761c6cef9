#pragma once
// What the lab tests (tests/integration and the GUI's lab tests in tests/gui) share: the lab as
// `lab status --json` describes it (the VIP holder, how to reach it over SSH or the Kubernetes API),
// running a process with a bound, commands on a node, signalling a child safely, and asking kubesim
// which lbscope debug pods exist.
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QProcess>
#include <QTest>
#include <QUuid>

#include <csignal>

namespace labsupport {

struct Run {
    int code = -1; ///< exit code; -1 when it crashed or timed out
    QByteArray out;
    QByteArray err;
    qint64 ms = 0; ///< how long it ran
    QJsonObject json() const { return QJsonDocument::fromJson(out).object(); }
};

/// Environment changes for run(): a null value removes the variable.
using EnvChanges = QMap<QString, QString>;

inline Run run(
    const QString &program, const QStringList &args, int timeoutMs = 180000, const EnvChanges &env = {})
{
    QElapsedTimer t;
    t.start();
    QProcess p;
    if (!env.isEmpty()) {
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        for (auto it = env.begin(); it != env.end(); ++it) {
            if (it.value().isNull())
                e.remove(it.key());
            else
                e.insert(it.key(), it.value());
        }
        p.setProcessEnvironment(e);
    }
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

/// A request to kubesim as its admin, over HTTPS with the lab's CA and admin client certificate (curl,
/// not kubectl: CI installs only Debian packages). `body` is sent as JSON when not empty.
inline Run adminApi(
    const QString &kubeconfig, const QString &method, const QString &path, const QByteArray &body = {})
{
    const QString k = QFileInfo(kubeconfig).absolutePath() + QStringLiteral("/kubesim/");
    QFile portFile(k + QStringLiteral("port"));
    if (!portFile.open(QIODevice::ReadOnly))
        return {};
    const int port = portFile.readAll().trimmed().toInt();
    if (port <= 0)
        return {};
    QStringList args {QStringLiteral("-sS"), QStringLiteral("--fail"), QStringLiteral("--max-time"),
        QStringLiteral("20"), QStringLiteral("-X"), method, QStringLiteral("--cacert"),
        k + QStringLiteral("ca.crt"), QStringLiteral("--cert"), k + QStringLiteral("admin.crt"),
        QStringLiteral("--key"), k + QStringLiteral("admin.key")};
    if (!body.isEmpty())
        args << QStringLiteral("-H") << QStringLiteral("Content-Type: application/json")
             << QStringLiteral("--data-binary") << QString::fromUtf8(body);
    args << QStringLiteral("https://127.0.0.1:%1%2").arg(QString::number(port), path);
    return run(QStringLiteral("curl"), args, 30000);
}

/// Pods labelled managed-by=lbscope, asked of kubesim itself. -1 when unanswered.
inline int debugPodsLeft(const QString &kubeconfig)
{
    const Run r = adminApi(kubeconfig, QStringLiteral("GET"),
        QStringLiteral("/api/v1/pods?labelSelector=app.kubernetes.io%2Fmanaged-by%3Dlbscope"));
    if (r.code != 0) {
        qWarning("debug pod query failed (curl exit %d): %s", r.code, r.err.constData());
        return -1;
    }
    const QJsonObject list = QJsonDocument::fromJson(r.out).object();
    if (list.value(QStringLiteral("kind")).toString() != QStringLiteral("PodList"))
        return -1;
    return static_cast<int>(list.value(QStringLiteral("items")).toArray().size());
}

/// `lab ARGS...`, e.g. {"fault", "failover"}.
inline Run lab(const QStringList &args)
{
    return run(QStringLiteral(LBSCOPE_LAB_SCRIPT_DIR "/lab"), args, 120000);
}

/// The lab's state directory (kubeconfig, ssh config, keys): $LBSCOPE_LAB_DIR or /tmp/lbscope-lab.
inline QString stateDir()
{
    return qEnvironmentVariable("LBSCOPE_LAB_DIR", QStringLiteral("/tmp/lbscope-lab"));
}

/// `argv` run on lab node `node` (its network namespace and file view).
inline Run nodeExec(const QString &node, const QStringList &argv)
{
    return run(QStringLiteral(LBSCOPE_LAB_SCRIPT_DIR "/node-exec"),
        QStringList {node, QStringLiteral("--")} + argv, 60000);
}

/// The SSH port of `node`'s loopback forward; 0 when the lab does not say.
inline int sshPort(const QString &node)
{
    const QJsonObject st = lab({QStringLiteral("status"), QStringLiteral("--json")}).json();
    for (const auto &n : st.value(QStringLiteral("nodes")).toArray())
        if (n.toObject().value(QStringLiteral("name")).toString() == node)
            return n.toObject().value(QStringLiteral("ssh")).toString().section(QLatin1Char(':'), -1).toInt();
    return 0;
}

/// Clears the lab's faults on every exit path of a test that injects one.
struct ClearFaults {
    ~ClearFaults() { lab({QStringLiteral("fault"), QStringLiteral("clear")}); }
};

/// The node that holds the VIP now (it moves on failover); empty when the lab does not say.
inline QString vipHolder()
{
    const QJsonObject st = lab({QStringLiteral("status"), QStringLiteral("--json")}).json();
    for (const auto &n : st.value(QStringLiteral("nodes")).toArray())
        if (n.toObject().value(QStringLiteral("holds_vip")).toBool())
            return n.toObject().value(QStringLiteral("name")).toString();
    return {};
}

/// How lbscope-cli reaches the node: SSH, or a debug pod through the Kubernetes API (kubesim).
enum class Transport { Ssh, Kube };

inline const char *transportName(Transport t)
{
    return t == Transport::Ssh ? "ssh" : "kube";
}

/// The running lab, read from `lab status --json`.
class Lab {
public:
    QString labDir = QStringLiteral(LBSCOPE_LAB_SCRIPT_DIR);
    QJsonObject status;
    QString vip;
    QString node; ///< the VIP holder
    QString sshTarget; ///< root@127.0.0.1:PORT of the holder
    QString sshPort; ///< of the holder's loopback forward
    QString privateIp; ///< the holder's private address (behind the bastion)
    qint64 nodePid = 0; ///< the holder's view anchor (its network namespace)
    QString bastion; ///< the jump host's ssh target
    QString key;
    QString knownHosts;
    QString kubeconfig;

    /// Reads the lab's status; false with `error` set when the lab is not up.
    bool load(QString &error)
    {
        const Run st = lab({QStringLiteral("status"), QStringLiteral("--json")});
        if (st.code != 0) {
            error = QStringLiteral("the lab is not up (lab status exit %1): %2")
                        .arg(st.code)
                        .arg(QString::fromUtf8(st.err));
            return false;
        }
        status = QJsonDocument::fromJson(st.out).object();
        vip = status.value(QStringLiteral("vip")).toString();
        key = status.value(QStringLiteral("ssh_key")).toString();
        knownHosts = status.value(QStringLiteral("known_hosts")).toString();
        kubeconfig = status.value(QStringLiteral("kubeconfig")).toString();
        const QJsonValue b = status.value(QStringLiteral("bastion"));
        bastion = b.isObject() ? b.toObject().value(QStringLiteral("ssh")).toString() : b.toString();
        for (const auto &n : status.value(QStringLiteral("nodes")).toArray()) {
            const QJsonObject o = n.toObject();
            if (o.value(QStringLiteral("holds_vip")).toBool()) {
                node = o.value(QStringLiteral("name")).toString();
                sshTarget = o.value(QStringLiteral("ssh")).toString();
                sshPort = sshTarget.section(QLatin1Char(':'), -1);
                privateIp = o.value(QStringLiteral("private_ip")).toString();
                nodePid = static_cast<qint64>(o.value(QStringLiteral("node_pid")).toDouble());
            }
        }
        if (node.isEmpty() || sshPort.toInt() <= 0 || !QFile::exists(key)) {
            error = QStringLiteral("lab status names no VIP holder reachable over SSH: ")
                + QString::fromUtf8(st.out);
            return false;
        }
        return true;
    }

    QStringList nodeNames() const
    {
        QStringList out;
        for (const auto &n : status.value(QStringLiteral("nodes")).toArray())
            out << n.toObject().value(QStringLiteral("name")).toString();
        return out;
    }
    QStringList sshArgs() const
    {
        return {QStringLiteral("--identity"), key, QStringLiteral("--known-hosts"), knownHosts,
            QStringLiteral("--ssh-config"), QStringLiteral("none")};
    }
    QStringList kubeArgs() const { return {QStringLiteral("--kubeconfig"), kubeconfig}; }
    /// The lab runs with kubesim (it can be brought up without it).
    bool kubeAvailable() const { return QFile::exists(kubeconfig); }
    /// The options that make capture or fetch reach the VIP holder over `t` (target first, then
    /// credentials).
    QStringList reach(Transport t) const
    {
        return t == Transport::Ssh ? QStringList {QStringLiteral("--ssh"), sshTarget} + sshArgs()
                                   : QStringList {QStringLiteral("--node"), node} + kubeArgs();
    }
    QStringList credentials(Transport t) const { return t == Transport::Ssh ? sshArgs() : kubeArgs(); }

    Run nodeExec(const QString &on, const QStringList &argv) const { return labsupport::nodeExec(on, argv); }
    QByteArray nodeSha(const QString &on, const QString &path) const
    {
        const Run r = nodeExec(on, {QStringLiteral("sha256sum"), path});
        return r.code == 0 ? r.out.left(64) : QByteArray();
    }
    /// The process is gone (or a zombie) on the node.
    bool processGone(const QString &on, qint64 pid) const
    {
        const Run r = nodeExec(on, {QStringLiteral("cat"), QStringLiteral("/proc/%1/stat").arg(pid)});
        if (r.code != 0)
            return true;
        const int close = r.out.lastIndexOf(')');
        return close > 0 && (r.out.mid(close + 2, 1) == "Z" || r.out.mid(close + 2, 1) == "X");
    }
    /// `path` exists here or on any node.
    bool existsAnywhere(const QString &path) const
    {
        if (QFile::exists(path))
            return true;
        for (const QString &n : nodeNames())
            if (nodeExec(n, {QStringLiteral("test"), QStringLiteral("-e"), path}).code == 0)
                return true;
        return false;
    }
    int debugPodsLeft() const { return labsupport::debugPodsLeft(kubeconfig); }
    /// `mb` MiB of random bytes at `path` on the VIP holder; dd's exit code.
    int randomFile(const QString &path, int mb) const
    {
        return nodeExec(node,
            {QStringLiteral("dd"), QStringLiteral("if=/dev/urandom"), QStringLiteral("of=") + path,
                QStringLiteral("bs=1M"), QStringLiteral("count=%1").arg(mb), QStringLiteral("status=none")})
            .code;
    }
    /// Removes what a capture left on the VIP holder (rotated files, pid and stderr files), as its
    /// manifest lists them.
    void removeCaptureFiles(const QJsonObject &manifest) const
    {
        QStringList paths {manifest.value(QStringLiteral("pid_file")).toString(),
            manifest.value(QStringLiteral("stderr_file")).toString()};
        for (const auto &f : manifest.value(QStringLiteral("files")).toArray())
            paths << f.toObject().value(QStringLiteral("remote_path")).toString();
        paths.removeAll(QString());
        if (!paths.isEmpty())
            nodeExec(
                node, QStringList {QStringLiteral("rm"), QStringLiteral("-f"), QStringLiteral("--")} + paths);
    }
};

/// Waits (at most 120 s) until a running fetch has `minBytes` in its .part, or has ended. The kube exec
/// stream runs at hundreds of MB/s: poll tightly so that the cut lands early in the file.
inline void waitForPart(QProcess &fetch, const QString &part, qint64 minBytes)
{
    QElapsedTimer waited;
    waited.start();
    while (QFileInfo(part).size() < minBytes && fetch.state() != QProcess::NotRunning
        && waited.elapsed() < 120000)
        QTest::qWait(5);
}

/// Waits (at most 90 s) until `capture`, an `lbscope-cli capture --events jsonl`, reports the state
/// "capturing", collecting its events in `events`. False when it ended (or the time ran out) first;
/// `events` then ends with its stderr, for the failure message.
inline bool waitForCapturing(QProcess &capture, QByteArray &events)
{
    const QByteArray capturing = "\"state\":\"capturing\"";
    QElapsedTimer waited;
    waited.start();
    while (
        !events.contains(capturing) && capture.state() != QProcess::NotRunning && waited.elapsed() < 90000) {
        capture.waitForReadyRead(100);
        events += capture.readAllStandardOutput();
    }
    events += capture.readAllStandardOutput();
    if (events.contains(capturing))
        return true;
    events += capture.readAllStandardError();
    return false;
}

/// Skips the running test when `t` is Kube and the lab runs without kubesim.
#define LAB_REQUIRE_TRANSPORT(lab, t)                                                                        \
    do {                                                                                                     \
        if ((t) == labsupport::Transport::Kube && !(lab).kubeAvailable())                                    \
            QSKIP("the lab runs without kubesim (no kubeconfig): the kube transport cannot be exercised");   \
    } while (false)

} // namespace labsupport

Q_DECLARE_METATYPE(labsupport::Transport)
