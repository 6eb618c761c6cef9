#include "podruntime.h"

#include "eventrecorder.h"
#include "jsonutil.h"
#include "nodeprocess.h"
#include "objectstore.h"
#include "podlog.h"
#include "podvolumes.h"
#include "selector.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QThread>

#include <csignal>
#include <memory>

namespace kubesim {

namespace {

QString firstContainerName(const QJsonObject &pod)
{
    return pod.value(u"spec")
        .toObject()
        .value(u"containers")
        .toArray()
        .first()
        .toObject()
        .value(u"name")
        .toString();
}

QJsonObject firstContainer(const QJsonObject &pod)
{
    return pod.value(u"spec").toObject().value(u"containers").toArray().first().toObject();
}

QJsonArray setCondition(QJsonArray conditions, const QString &type, bool value, const QString &reason = {},
    const QString &message = {})
{
    QJsonObject c {{u"type"_qs, type}, {u"status"_qs, value ? u"True"_qs : u"False"_qs},
        {u"lastProbeTime"_qs, QJsonValue::Null}, {u"lastTransitionTime"_qs, Json::nowRfc3339()}};
    if (!reason.isEmpty())
        c.insert(u"reason", reason);
    if (!message.isEmpty())
        c.insert(u"message", message);
    for (qsizetype i = 0; i < conditions.size(); ++i) {
        if (conditions[i].toObject().value(u"type").toString() == type) {
            conditions[i] = c;
            return conditions;
        }
    }
    conditions.append(c);
    return conditions;
}

QMap<QString, QString> containerEnv(const QJsonObject &pod)
{
    QMap<QString, QString> env;
    for (const QJsonValue &v : firstContainer(pod).value(u"env").toArray())
        env.insert(v.toObject().value(u"name").toString(), v.toObject().value(u"value").toString());
    env.remove(QString());
    return env;
}

} // namespace

PodRuntime::PodRuntime(ObjectStore &store, EventRecorder &events, QString labDir, QObject *parent)
    : QObject(parent), m_store(store), m_events(events), m_labDir(std::move(labDir))
{
}

PodRuntime::~PodRuntime()
{
    shutdown();
}

std::optional<QJsonObject> PodRuntime::current(const QString &uid) const
{
    const auto it = m_pods.constFind(uid);
    if (it == m_pods.cend())
        return std::nullopt;
    auto pod = m_store.get(u"pods"_qs, it->ns, it->name);
    if (!pod || Json::metaString(*pod, u"uid"_qs) != uid)
        return std::nullopt;
    return pod;
}

void PodRuntime::updateStatus(const QString &uid, const std::function<void(QJsonObject &, QJsonObject &)> &fn)
{
    auto pod = current(uid);
    if (!pod)
        return;
    QJsonObject status = pod->value(u"status").toObject();
    fn(status, *pod);
    pod->insert(u"status", status);
    m_store.update(u"pods"_qs, *pod);
}

QJsonObject PodRuntime::containerStatus(const QJsonObject &pod, const QJsonObject &state, bool ready) const
{
    const QJsonObject c = firstContainer(pod);
    const QString image = c.value(u"image").toString();
    QJsonObject s {{u"name"_qs, c.value(u"name")}, {u"image"_qs, image},
        {u"imageID"_qs, state.contains(u"waiting") ? QString() : image + u"@sha256:0"_qs},
        {u"ready"_qs, ready}, {u"started"_qs, state.contains(u"running")}, {u"restartCount"_qs, 0},
        {u"state"_qs, state}};
    if (!state.contains(u"waiting"))
        s.insert(
            u"containerID", QString(u"containerd://"_qs + Json::metaString(pod, u"uid"_qs).remove(u'-')));
    return s;
}

const LabNode *PodRuntime::nodeFor(const QJsonObject &pod) const
{
    return m_model.node(Json::fieldString(pod, u"spec.nodeName"_qs));
}

QStringList PodRuntime::nodePrefix(const LabNode &node, const QString &netns)
{
    QStringList p {u"nsenter"_qs, u"-t"_qs, QString::number(node.nodePid), u"-m"_qs, u"-u"_qs};
    if (netns.isEmpty())
        p << u"-n"_qs;
    else
        p << u"--net=/run/netns/"_qs + netns;
    p << u"--"_qs;
    return p;
}

void PodRuntime::admit(const QJsonObject &pod)
{
    Running r;
    r.ns = Json::metaString(pod, u"namespace"_qs);
    r.name = Json::metaString(pod, u"name"_qs);
    r.uid = Json::metaString(pod, u"uid"_qs);
    r.log = new PodLog(this);
    m_pods.insert(r.uid, r);
    const QString uid = r.uid;
    QTimer::singleShot(50, this, [this, uid] { schedule(uid); });
}

void PodRuntime::schedule(const QString &uid)
{
    auto pod = current(uid);
    if (!pod || m_pods[uid].deleting)
        return;
    QJsonObject spec = pod->value(u"spec").toObject();
    const QString wanted = spec.value(u"nodeName").toString();
    const QList<QJsonObject> nodes = m_store.list(u"nodes"_qs);
    const int n = int(nodes.size());
    QString chosen;
    QString failure;
    if (!wanted.isEmpty()) {
        if (m_model.node(wanted))
            chosen = wanted;
        else
            failure = QStringLiteral(
                "0/%1 nodes are available: node \"%2\" not found. preemption: 0/%1 nodes are "
                "available: %1 Preemption is not helpful for scheduling.")
                          .arg(n)
                          .arg(wanted);
    } else {
        const QJsonObject selector = spec.value(u"nodeSelector").toObject();
        QList<QString> candidates;
        for (const QJsonObject &node : nodes) {
            const QJsonObject labels = node.value(u"metadata").toObject().value(u"labels").toObject();
            bool ok = true;
            for (auto it = selector.begin(); it != selector.end(); ++it)
                ok = ok && labels.value(it.key()) == it.value();
            if (ok && m_model.node(Json::metaString(node, u"name"_qs)))
                candidates << Json::metaString(node, u"name"_qs);
        }
        if (candidates.isEmpty())
            failure = QStringLiteral(
                "0/%1 nodes are available: %1 node(s) didn't match Pod's node affinity/selector. "
                "preemption: 0/%1 nodes are available: %1 Preemption is not helpful for "
                "scheduling.")
                          .arg(n);
        else
            chosen = candidates[m_nextNode++ % candidates.size()];
    }
    if (chosen.isEmpty()) {
        m_events.podEvent(*pod, u"Warning"_qs, u"FailedScheduling"_qs, failure, u"default-scheduler"_qs);
        updateStatus(uid, [&](QJsonObject &status, QJsonObject &) {
            status.insert(u"phase", u"Pending"_qs);
            status.insert(u"conditions",
                setCondition(status.value(u"conditions").toArray(), u"PodScheduled"_qs, false,
                    u"Unschedulable"_qs, failure));
        });
        return;
    }
    m_pods[uid].node = chosen;
    spec.insert(u"nodeName", chosen);
    pod->insert(u"spec", spec);
    QJsonObject status = pod->value(u"status").toObject();
    status.insert(
        u"conditions", setCondition(status.value(u"conditions").toArray(), u"PodScheduled"_qs, true));
    pod->insert(u"status", status);
    m_store.update(u"pods"_qs, *pod);
    if (wanted.isEmpty())
        m_events.podEvent(*pod, u"Normal"_qs, u"Scheduled"_qs,
            QStringLiteral("Successfully assigned %1/%2 to %3").arg(m_pods[uid].ns, m_pods[uid].name, chosen),
            u"default-scheduler"_qs);
    QTimer::singleShot(100, this, [this, uid] { pullAndStart(uid); });
}

void PodRuntime::pullAndStart(const QString &uid)
{
    auto pod = current(uid);
    if (!pod || m_pods[uid].deleting)
        return;
    const QJsonObject c = firstContainer(*pod);
    const QString image = c.value(u"image").toString();
    const QString name = c.value(u"name").toString();
    const QString fieldPath = QStringLiteral("spec.containers{%1}").arg(name);
    const QString hostIp = nodeFor(*pod) ? nodeFor(*pod)->privateIp : QString();
    updateStatus(uid, [&](QJsonObject &status, QJsonObject &p) {
        status.insert(u"hostIP", hostIp);
        status.insert(u"hostIPs", QJsonArray {QJsonObject {{u"ip"_qs, hostIp}}});
        status.insert(u"startTime", Json::nowRfc3339());
        status.insert(u"containerStatuses",
            QJsonArray {containerStatus(p,
                QJsonObject {{u"waiting"_qs, QJsonObject {{u"reason"_qs, u"ContainerCreating"_qs}}}},
                false)});
        for (const char *t : {"PodReadyToStartContainers", "Initialized"})
            status.insert(u"conditions",
                setCondition(status.value(u"conditions").toArray(), QString::fromLatin1(t), true));
    });
    m_events.podEvent(*pod, u"Normal"_qs, u"Pulling"_qs, QStringLiteral("Pulling image \"%1\"").arg(image),
        u"kubelet"_qs, fieldPath);
    if (image.contains(u"doesnotexist")) {
        QTimer::singleShot(300, this, [this, uid, image, fieldPath] {
            auto p = current(uid);
            if (!p || m_pods[uid].deleting)
                return;
            const QString msg
                = QStringLiteral("failed to pull and unpack image \"%1\": failed to resolve reference "
                                 "\"%1\": %1: not found")
                      .arg(image);
            m_events.podEvent(*p, u"Warning"_qs, u"Failed"_qs,
                QStringLiteral("Failed to pull image \"%1\": rpc error: code = NotFound desc = %2")
                    .arg(image, msg),
                u"kubelet"_qs, fieldPath);
            m_events.podEvent(
                *p, u"Warning"_qs, u"Failed"_qs, u"Error: ErrImagePull"_qs, u"kubelet"_qs, fieldPath);
            updateStatus(uid, [&](QJsonObject &status, QJsonObject &pp) {
                status.insert(u"containerStatuses",
                    QJsonArray {containerStatus(pp,
                        QJsonObject {{u"waiting"_qs,
                            QJsonObject {{u"reason"_qs, u"ErrImagePull"_qs}, {u"message"_qs, msg}}}},
                        false)});
            });
            QTimer::singleShot(1000, this, [this, uid, image, fieldPath] {
                auto p2 = current(uid);
                if (!p2 || m_pods[uid].deleting)
                    return;
                m_events.podEvent(*p2, u"Normal"_qs, u"BackOff"_qs,
                    QStringLiteral("Back-off pulling image \"%1\"").arg(image), u"kubelet"_qs, fieldPath);
                m_events.podEvent(*p2, u"Warning"_qs, u"Failed"_qs, u"Error: ImagePullBackOff"_qs,
                    u"kubelet"_qs, fieldPath);
                updateStatus(uid, [&](QJsonObject &status, QJsonObject &pp) {
                    const QString m = QStringLiteral("Back-off pulling image \"%1\"").arg(image);
                    status.insert(u"containerStatuses",
                        QJsonArray {containerStatus(pp,
                            QJsonObject {{u"waiting"_qs,
                                QJsonObject {{u"reason"_qs, u"ImagePullBackOff"_qs}, {u"message"_qs, m}}}},
                            false)});
                });
            });
        });
        return;
    }
    m_events.podEvent(*pod, u"Normal"_qs, u"Pulled"_qs,
        QStringLiteral("Container image \"%1\" already present on machine").arg(image), u"kubelet"_qs,
        fieldPath);
    m_events.podEvent(*pod, u"Normal"_qs, u"Created"_qs, QStringLiteral("Created container: %1").arg(name),
        u"kubelet"_qs, fieldPath);
    startContainer(uid);
}

void PodRuntime::startContainer(const QString &uid)
{
    auto pod = current(uid);
    if (!pod)
        return;
    Running &r = m_pods[uid];
    const LabNode *node = nodeFor(*pod);
    const QJsonObject c = firstContainer(*pod);
    QStringList argv;
    for (const QJsonValue &v : c.value(u"command").toArray())
        argv << v.toString();
    for (const QJsonValue &v : c.value(u"args").toArray())
        argv << v.toString();
    if (argv.isEmpty()) // stands in for the image's default entrypoint: keep the container up
        argv = QStringList {u"sleep"_qs, u"infinity"_qs};
    QString volumeError;
    if (!PodVolumes::prepare(*pod, *node, m_labDir, &volumeError)) {
        m_events.podEvent(*pod, u"Warning"_qs, u"FailedMount"_qs, volumeError, u"kubelet"_qs);
        return;
    }
    r.sandboxed = PodVolumes::needsSandbox(*pod);
    QStringList prefix = nodePrefix(*node);
    if (r.sandboxed)
        prefix += PodVolumes::sandboxArgs(*pod, *node, m_labDir);
    auto *proc = new QProcess(this);
    proc->setProcessChannelMode(QProcess::MergedChannels);
    const bool hostNet = pod->value(u"spec").toObject().value(u"hostNetwork").toBool();
    NodeProcess::prepare(
        proc, prefix, argv, uid, m_labDir, hostNet ? node->name : r.name, containerEnv(*pod));
    PodLog *log = r.log;
    connect(proc, &QProcess::readyRead, log, [proc, log] { log->append(proc->readAll()); });
    connect(proc, &QProcess::finished, this,
        [this, uid](int code, QProcess::ExitStatus st) { onMainFinished(uid, code, st); });
    r.main = proc;
    proc->start();
    if (!proc->waitForStarted(5000)) {
        const QString msg = QStringLiteral("failed to start %1 in the node view of %2: %3")
                                .arg(argv.first(), node->name, proc->errorString());
        m_events.podEvent(*pod, u"Warning"_qs, u"Failed"_qs, u"Error: "_qs + msg, u"kubelet"_qs);
        updateStatus(uid, [&](QJsonObject &status, QJsonObject &p) {
            status.insert(u"containerStatuses",
                QJsonArray {containerStatus(p,
                    QJsonObject {{u"waiting"_qs,
                        QJsonObject {{u"reason"_qs, u"RunContainerError"_qs}, {u"message"_qs, msg}}}},
                    false)});
        });
        return;
    }
    if (!r.sandboxed) {
        markRunning(uid);
        return;
    }
    // A sandboxed container is ready once its main process has chrooted into the pod root; exec before that
    // would land in the plain node view. Poll (bounded) instead of reporting Running too early.
    const QString root = QFileInfo(PodVolumes::podRoot(*pod, *node, m_labDir)).canonicalFilePath();
    auto *poll = new QTimer(this);
    auto tries = std::make_shared<int>(0);
    connect(poll, &QTimer::timeout, this, [this, uid, root, poll, tries] {
        const auto it = m_pods.constFind(uid);
        if (it == m_pods.cend() || !it->main || it->main->state() != QProcess::Running || ++*tries > 250) {
            poll->deleteLater();
            return;
        }
        if (QFileInfo(QStringLiteral("/proc/%1/root").arg(it->main->processId())).symLinkTarget() == root) {
            poll->deleteLater();
            markRunning(uid);
        }
    });
    poll->start(20);
}

void PodRuntime::markRunning(const QString &uid)
{
    auto pod = current(uid);
    if (!pod || m_pods[uid].deleting)
        return;
    Running &r = m_pods[uid];
    const LabNode *node = nodeFor(*pod);
    const QJsonObject c = firstContainer(*pod);
    const bool hostNet = pod->value(u"spec").toObject().value(u"hostNetwork").toBool();
    r.startedAt = Json::nowRfc3339();
    const QString podIp = hostNet || !node ? (node ? node->privateIp : QString()) : node->privateIp;
    updateStatus(uid, [&](QJsonObject &status, QJsonObject &p) {
        status.insert(u"phase", u"Running"_qs);
        status.insert(u"podIP", podIp);
        status.insert(u"podIPs", QJsonArray {QJsonObject {{u"ip"_qs, podIp}}});
        status.insert(u"qosClass", u"BestEffort"_qs);
        for (const char *t : {"Ready", "ContainersReady"})
            status.insert(u"conditions",
                setCondition(status.value(u"conditions").toArray(), QString::fromLatin1(t), true));
        status.insert(u"containerStatuses",
            QJsonArray {containerStatus(p,
                QJsonObject {{u"running"_qs, QJsonObject {{u"startedAt"_qs, m_pods[uid].startedAt}}}},
                true)});
    });
    m_events.podEvent(*pod, u"Normal"_qs, u"Started"_qs,
        QStringLiteral("Started container %1").arg(c.value(u"name").toString()), u"kubelet"_qs,
        QStringLiteral("spec.containers{%1}").arg(c.value(u"name").toString()));
    const qint64 deadline = pod->value(u"spec").toObject().value(u"activeDeadlineSeconds").toInteger();
    if (deadline > 0) {
        r.deadline = new QTimer(this);
        r.deadline->setSingleShot(true);
        connect(r.deadline, &QTimer::timeout, this, [this, uid] { deadlineExceeded(uid); });
        r.deadline->start(int(qMin<qint64>(deadline, 86400 * 20) * 1000));
    }
}

void PodRuntime::onMainFinished(const QString &uid, int exitCode, QProcess::ExitStatus st)
{
    if (!m_pods.contains(uid))
        return;
    Running &r = m_pods[uid];
    r.mainExited = true;
    if (r.main)
        r.log->append(r.main->readAll());
    // The container is gone: whatever was exec'd in it goes too (a real runtime kills the whole cgroup).
    NodeProcess::signalPod(uid, SIGKILL);
    r.log->finish();
    if (r.deadline)
        r.deadline->stop();
    if (r.deleting) {
        finalizeDelete(uid);
        return;
    }
    auto pod = current(uid);
    if (!pod || pod->value(u"status").toObject().value(u"reason").toString() == u"DeadlineExceeded")
        return;
    const int code = st == QProcess::CrashExit ? 137 : exitCode;
    updateStatus(uid, [&](QJsonObject &status, QJsonObject &p) {
        status.insert(u"phase", code == 0 ? u"Succeeded"_qs : u"Failed"_qs);
        for (const char *t : {"Ready", "ContainersReady"})
            status.insert(u"conditions",
                setCondition(status.value(u"conditions").toArray(), QString::fromLatin1(t), false,
                    u"PodCompleted"_qs));
        status.insert(u"containerStatuses",
            QJsonArray {containerStatus(p,
                QJsonObject {{u"terminated"_qs,
                    QJsonObject {{u"exitCode"_qs, code},
                        {u"reason"_qs, code == 0 ? u"Completed"_qs : u"Error"_qs},
                        {u"startedAt"_qs, m_pods[uid].startedAt}, {u"finishedAt"_qs, Json::nowRfc3339()}}}},
                false)});
    });
}

void PodRuntime::deadlineExceeded(const QString &uid)
{
    auto pod = current(uid);
    if (!pod || m_pods[uid].deleting)
        return;
    const QString msg = u"Pod was active on the node longer than the specified deadline"_qs;
    m_events.podEvent(*pod, u"Normal"_qs, u"DeadlineExceeded"_qs, msg, u"kubelet"_qs);
    updateStatus(uid, [&](QJsonObject &status, QJsonObject &p) {
        status.insert(u"phase", u"Failed"_qs);
        status.insert(u"reason", u"DeadlineExceeded"_qs);
        status.insert(u"message", msg);
        for (const char *t : {"Ready", "ContainersReady"})
            status.insert(u"conditions",
                setCondition(
                    status.value(u"conditions").toArray(), QString::fromLatin1(t), false, u"PodFailed"_qs));
        status.insert(u"containerStatuses",
            QJsonArray {containerStatus(p,
                QJsonObject {{u"terminated"_qs,
                    QJsonObject {{u"exitCode"_qs, 137}, {u"reason"_qs, u"Error"_qs},
                        {u"startedAt"_qs, m_pods[uid].startedAt}, {u"finishedAt"_qs, Json::nowRfc3339()}}}},
                false)});
    });
    m_events.podEvent(*pod, u"Normal"_qs, u"Killing"_qs,
        QStringLiteral("Stopping container %1").arg(firstContainerName(*pod)), u"kubelet"_qs);
    Running &r = m_pods[uid];
    NodeProcess::signalPod(uid, SIGKILL);
    if (r.main && r.main->state() != QProcess::NotRunning)
        r.main->kill();
}

QJsonObject PodRuntime::beginDelete(const QJsonObject &podIn, qint64 gracePeriod)
{
    const QString uid = Json::metaString(podIn, u"uid"_qs);
    QJsonObject pod = podIn;
    if (gracePeriod < 0)
        gracePeriod = pod.value(u"spec").toObject().value(u"terminationGracePeriodSeconds").toInteger(30);
    auto it = m_pods.find(uid);
    const bool running = it != m_pods.end() && it->main && it->main->state() != QProcess::NotRunning;
    QJsonObject meta = pod.value(u"metadata").toObject();
    meta.insert(
        u"deletionTimestamp", QDateTime::currentDateTimeUtc().addSecs(gracePeriod).toString(Qt::ISODate));
    meta.insert(u"deletionGracePeriodSeconds", gracePeriod);
    pod.insert(u"metadata", meta);
    if (it == m_pods.end()) {
        m_store.remove(u"pods"_qs, meta.value(u"namespace").toString(), meta.value(u"name").toString());
        return pod;
    }
    it->deleting = true;
    if (!running || gracePeriod == 0) {
        pod = m_store.update(u"pods"_qs, pod).value_or(pod);
        finalizeDelete(uid);
        return pod;
    }
    pod = m_store.update(u"pods"_qs, pod).value_or(pod);
    m_events.podEvent(pod, u"Normal"_qs, u"Killing"_qs,
        QStringLiteral("Stopping container %1").arg(firstContainerName(pod)), u"kubelet"_qs,
        QStringLiteral("spec.containers{%1}").arg(firstContainerName(pod)));
    NodeProcess::signalPod(uid, SIGTERM);
    if (it->main)
        ::kill(pid_t(it->main->processId()), SIGTERM);
    it->graceTimer = new QTimer(this);
    it->graceTimer->setSingleShot(true);
    connect(it->graceTimer, &QTimer::timeout, this, [this, uid] { finalizeDelete(uid); });
    it->graceTimer->start(int(qMin<qint64>(gracePeriod, 3600) * 1000));
    return pod;
}

void PodRuntime::finalizeDelete(const QString &uid)
{
    auto it = m_pods.find(uid);
    if (it == m_pods.end())
        return;
    Running r = *it;
    m_pods.erase(it);
    // Kill everything the pod started and wait (bounded) until none of it is left.
    for (int i = 0; i < 50; ++i) {
        if (NodeProcess::signalPod(uid, SIGKILL) == 0)
            break;
        QThread::msleep(20);
    }
    if (r.main) {
        r.main->disconnect(this);
        if (r.main->state() != QProcess::NotRunning) {
            r.main->kill();
            r.main->waitForFinished(1000);
        }
        r.main->deleteLater();
    }
    delete r.deadline;
    delete r.graceTimer;
    r.log->finish();
    r.log->deleteLater();
    if (!r.node.isEmpty())
        QDir(m_labDir + u"/nodes/"_qs + r.node + u"/pods/"_qs + uid).removeRecursively();
    m_store.remove(u"pods"_qs, r.ns, r.name);
}

PodLog *PodRuntime::log(const QString &uid) const
{
    const auto it = m_pods.constFind(uid);
    return it == m_pods.cend() ? nullptr : it->log;
}

std::optional<ExecTarget> PodRuntime::execTarget(const QJsonObject &pod, QString *error, int *code) const
{
    const QString uid = Json::metaString(pod, u"uid"_qs);
    const QString ns = Json::metaString(pod, u"namespace"_qs);
    const QString name = Json::metaString(pod, u"name"_qs);
    const QString phase = Json::fieldString(pod, u"status.phase"_qs);
    if (phase == u"Succeeded" || phase == u"Failed") {
        *code = 400;
        *error = QStringLiteral("cannot exec into a container in a completed pod; current phase is %1")
                     .arg(phase);
        return std::nullopt;
    }
    ExecTarget t;
    t.podUid = uid;
    const LabNode *node = nodeFor(pod);
    QString netns;
    const bool hostNet = pod.value(u"spec").toObject().value(u"hostNetwork").toBool();
    if (const auto it = m_pods.constFind(uid); it != m_pods.cend()) {
        if (!it->main || it->main->state() != QProcess::Running) {
            *code = 400;
            *error = QStringLiteral("unable to upgrade connection: container not found (\"%1\")")
                         .arg(firstContainerName(pod));
            return std::nullopt;
        }
    } else if (const LabPod *lp = m_model.pod(ns, name)) {
        if (!lp->hostNetwork)
            netns = lp->netns;
    } else {
        *code = 500;
        *error = QStringLiteral("kubesim does not know how to run commands in pod %1/%2").arg(ns, name);
        return std::nullopt;
    }
    if (!node || node->nodePid <= 0 || !NodeProcess::alive(node->nodePid)) {
        *code = 500;
        *error
            = QStringLiteral("the node view of %1 (node_pid %2 in lab.json) is not running: is the lab up?")
                  .arg(node ? node->name : Json::fieldString(pod, u"spec.nodeName"_qs))
                  .arg(node ? node->nodePid : 0);
        return std::nullopt;
    }
    t.prefix = nodePrefix(*node, netns);
    if (const auto it = m_pods.constFind(uid); it != m_pods.cend() && it->sandboxed) {
        // Enter the main container's own mount namespace and root (the pod root with its volumes).
        t.prefix = QStringList {u"nsenter"_qs, u"-t"_qs, QString::number(it->main->processId()), u"-n"_qs,
            u"-m"_qs, u"-u"_qs, u"-r"_qs, u"-w"_qs, u"--"_qs};
    }
    t.hostname = hostNet ? node->name : name;
    t.env = containerEnv(pod);
    return t;
}

void PodRuntime::shutdown()
{
    for (auto it = m_pods.begin(); it != m_pods.end(); ++it) {
        NodeProcess::signalPod(it->uid, SIGKILL);
        if (it->main && it->main->state() != QProcess::NotRunning) {
            it->main->disconnect(this);
            it->main->kill();
            it->main->waitForFinished(1000);
        }
    }
}

} // namespace kubesim
