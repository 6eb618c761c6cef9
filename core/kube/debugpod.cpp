#include "core/kube/debugpod.h"

#include "core/kube/kubeerrors.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QHostInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QThread>

#include <QUuid>
#include <algorithm>
#include <cmath>

namespace lbs::kube {
namespace {

const QStringList kFatalWaiting = {QStringLiteral("ErrImagePull"), QStringLiteral("ImagePullBackOff"),
    QStringLiteral("InvalidImageName"), QStringLiteral("CreateContainerConfigError"),
    QStringLiteral("CreateContainerError"), QStringLiteral("RunContainerError"),
    QStringLiteral("CrashLoopBackOff"), QStringLiteral("ErrImageNeverPull")};

QString labelSafe(const QString &s)
{
    QString out = s.left(63);
    out.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9._-]")), QStringLiteral("-"));
    while (!out.isEmpty() && !out.at(0).isLetterOrNumber())
        out.remove(0, 1);
    while (!out.isEmpty() && !out.back().isLetterOrNumber())
        out.chop(1);
    return out;
}

Error podError(const QString &message, const QString &hint, const QString &where = {},
    ErrorKind kind = ErrorKind::Unknown)
{
    return Error {message.toStdString(), where.toStdString(), hint.toStdString(), kind};
}

} // namespace

QString localOwner()
{
    QString user = qEnvironmentVariable("USER");
    if (user.isEmpty())
        user = qEnvironmentVariable("LOGNAME", QStringLiteral("unknown"));
    return user + QLatin1Char('@') + QHostInfo::localHostName();
}

int podDeadlineFor(double durationSec)
{
    if (durationSec <= 0)
        return kOpenEndedPodDeadlineSec;
    const double want = std::ceil(durationSec) + 3600;
    return static_cast<int>(std::max(want, double(DebugPodOptions {}.activeDeadlineSeconds)));
}

QJsonObject DebugPod::podSpec(const DebugPodOptions &o)
{
    const QString session
        = o.session.isEmpty() ? QUuid::createUuid().toString(QUuid::WithoutBraces) : o.session;
    const QJsonObject labels {{QString::fromLatin1(kManagedByLabel), QString::fromLatin1(kManagedByValue)},
        {QStringLiteral("lbscope/session"), labelSafe(session)},
        {QStringLiteral("lbscope/node"), labelSafe(o.node)}};
    const QJsonObject annotations {
        {QStringLiteral("lbscope/owner"), o.owner.isEmpty() ? localOwner() : o.owner},
        {QStringLiteral("lbscope/created"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate)},
        {QStringLiteral("lbscope/purpose"), QStringLiteral("packet capture; safe to delete")}};
    QJsonArray mounts {QJsonObject {{QStringLiteral("name"), QStringLiteral("host")},
        {QStringLiteral("mountPath"), QStringLiteral("/host")}}};
    QJsonArray volumes {QJsonObject {{QStringLiteral("name"), QStringLiteral("host")},
        {QStringLiteral("hostPath"), QJsonObject {{QStringLiteral("path"), QStringLiteral("/")}}}}};
    if (!o.hostPathDir.isEmpty()) {
        mounts.append(QJsonObject {{QStringLiteral("name"), QStringLiteral("captures")},
            {QStringLiteral("mountPath"), o.hostPathDir}});
        volumes.append(QJsonObject {{QStringLiteral("name"), QStringLiteral("captures")},
            {QStringLiteral("hostPath"),
                QJsonObject {{QStringLiteral("path"), o.hostPathDir},
                    {QStringLiteral("type"), QStringLiteral("DirectoryOrCreate")}}}});
    }
    // PID 1 traps TERM so that deletion does not wait for the grace period.
    const QJsonObject container {{QStringLiteral("name"), QStringLiteral("debug")},
        {QStringLiteral("image"), o.image},
        {QStringLiteral("imagePullPolicy"), QStringLiteral("IfNotPresent")},
        {QStringLiteral("command"),
            QJsonArray {QStringLiteral("/bin/sh"), QStringLiteral("-c"),
                QStringLiteral("trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done")}},
        {QStringLiteral("securityContext"),
            QJsonObject {{QStringLiteral("privileged"), true}, {QStringLiteral("runAsUser"), 0}}},
        {QStringLiteral("volumeMounts"), mounts}};
    QJsonObject spec {{QStringLiteral("nodeName"), o.node}, {QStringLiteral("hostNetwork"), true},
        {QStringLiteral("hostPID"), true},
        {QStringLiteral("dnsPolicy"), QStringLiteral("ClusterFirstWithHostNet")},
        {QStringLiteral("restartPolicy"), QStringLiteral("Never")},
        {QStringLiteral("activeDeadlineSeconds"), o.activeDeadlineSeconds},
        {QStringLiteral("terminationGracePeriodSeconds"), 2},
        {QStringLiteral("automountServiceAccountToken"), false},
        {QStringLiteral("enableServiceLinks"), false},
        {QStringLiteral("tolerations"),
            QJsonArray {QJsonObject {{QStringLiteral("operator"), QStringLiteral("Exists")}}}},
        {QStringLiteral("containers"), QJsonArray {container}}, {QStringLiteral("volumes"), volumes}};
    if (!o.imagePullSecret.isEmpty())
        spec.insert(QStringLiteral("imagePullSecrets"),
            QJsonArray {QJsonObject {{QStringLiteral("name"), o.imagePullSecret}}});
    const QJsonObject meta {
        {QStringLiteral("generateName"), QStringLiteral("lbscope-%1-").arg(labelSafe(o.node).left(40))},
        {QStringLiteral("labels"), labels}, {QStringLiteral("annotations"), annotations}};
    return QJsonObject {{QStringLiteral("apiVersion"), QStringLiteral("v1")},
        {QStringLiteral("kind"), QStringLiteral("Pod")}, {QStringLiteral("metadata"), meta},
        {QStringLiteral("spec"), spec}};
}

Status ensureDebugNamespace(
    KubeClient &client, const QString &ns, bool create, const CancelToken &cancel, QStringList *notes)
{
    auto got = client.request(
        "GET", QStringLiteral("/api/v1/namespaces/%1").arg(pathSegment(ns)), {}, {}, {}, cancel);
    if (!got)
        return got.error();
    if (got->status == 200)
        return Ok {};
    if (got->status == 403) {
        // Cannot read namespaces: go on, pod creation will tell whether the namespace works.
        if (notes)
            *notes << QStringLiteral("cannot read namespace %1 (forbidden); trying to use it anyway").arg(ns);
        return Ok {};
    }
    if (got->status != 404)
        return mapHttpError(
            got->status, got->body, QStringLiteral("GET namespace %1").arg(ns), client.errorContext());
    if (!create)
        return podError(QStringLiteral("namespace '%1' does not exist").arg(ns),
            QStringLiteral("create it labelled pod-security.kubernetes.io/enforce=privileged, or pick "
                           "another with --debug-namespace"),
            client.describe(), ErrorKind::NotFound);
    const QJsonObject labels {
        {QStringLiteral("pod-security.kubernetes.io/enforce"), QStringLiteral("privileged")},
        {QStringLiteral("pod-security.kubernetes.io/audit"), QStringLiteral("privileged")},
        {QStringLiteral("pod-security.kubernetes.io/warn"), QStringLiteral("privileged")},
        {QStringLiteral("security.openshift.io/scc.podSecurityLabelSync"), QStringLiteral("false")},
        {QString::fromLatin1(kManagedByLabel), QString::fromLatin1(kManagedByValue)}};
    const QJsonObject nsObj {{QStringLiteral("apiVersion"), QStringLiteral("v1")},
        {QStringLiteral("kind"), QStringLiteral("Namespace")},
        {QStringLiteral("metadata"),
            QJsonObject {{QStringLiteral("name"), ns}, {QStringLiteral("labels"), labels},
                {QStringLiteral("annotations"),
                    QJsonObject {{QStringLiteral("openshift.io/node-selector"), QString()}}}}}};
    auto made = client.request("POST", QStringLiteral("/api/v1/namespaces"), {},
        QJsonDocument(nsObj).toJson(QJsonDocument::Compact), "application/json", cancel);
    if (!made)
        return made.error();
    if (made->status == 201 || made->status == 200 || made->status == 409) {
        if (notes && made->status != 409)
            *notes << QStringLiteral(
                "created namespace %1 with pod-security.kubernetes.io/enforce=privileged")
                          .arg(ns);
        return Ok {};
    }
    Error e = mapHttpError(
        made->status, made->body, QStringLiteral("create namespace %1").arg(ns), client.errorContext());
    if (made->status == 403)
        e.hint = QStringLiteral(
            "you may not create namespaces: ask an admin for a namespace labelled "
            "pod-security.kubernetes.io/enforce=privileged and pass it with --debug-namespace")
                     .toStdString();
    return e;
}

DebugPod::DebugPod(
    KubeClient &client, QString nameSpace, QString name, QString node, QString image, bool hostTools)
    : m_client(client), m_nameSpace(std::move(nameSpace)), m_name(std::move(name)), m_node(std::move(node)),
      m_image(std::move(image)), m_hostTools(hostTools)
{
}

DebugPod::~DebugPod()
{
    if (m_removed)
        return;
    // Cleanup must run even when the caller's token is cancelled: use a fresh one, bounded in time.
    CancelToken fresh;
    (void)remove(fresh);
}

Result<std::pair<std::unique_ptr<DebugPod>, QString>> DebugPod::post(
    KubeClient &client, const DebugPodOptions &options, const CancelToken &cancel)
{
    if (options.node.isEmpty())
        return podError(QStringLiteral("no node given for the debug pod"), QStringLiteral("pass --node NODE"),
            {}, ErrorKind::BadInput);
    const QString podsPath = QStringLiteral("/api/v1/namespaces/%1/pods").arg(pathSegment(options.nameSpace));
    // A session label of our own, so that a pod whose creation we never heard back about can be found.
    DebugPodOptions o = options;
    if (o.session.isEmpty())
        o.session = QUuid::createUuid().toString(QUuid::WithoutBraces);
    auto created = client.request("POST", podsPath, {},
        QJsonDocument(podSpec(o)).toJson(QJsonDocument::Compact), "application/json", cancel);
    if (!created) {
        // Timed out, cancelled or cut after sending: the server may have made the pod anyway. Delete
        // whatever carries this attempt's labels (bounded, with a token of its own: the caller's may be
        // the cancelled one).
        CancelToken fresh;
        QUrlQuery q;
        addQueryValue(q, QStringLiteral("labelSelector"),
            QStringLiteral("%1=%2,lbscope/session=%3,lbscope/node=%4")
                .arg(QString::fromLatin1(kManagedByLabel), QString::fromLatin1(kManagedByValue),
                    labelSafe(o.session), labelSafe(o.node)));
        if (auto made = client.list(podsPath, fresh, q)) {
            for (const QJsonValue &v : *made) {
                const QString name = v.toObject()
                                         .value(QStringLiteral("metadata"))
                                         .toObject()
                                         .value(QStringLiteral("name"))
                                         .toString();
                (void)removeExisting(client, o.nameSpace, name, fresh);
            }
        }
        return created.error();
    }
    const QString what
        = QStringLiteral("create debug pod on node %1 in namespace %2").arg(options.node, options.nameSpace);
    if (created->status != 201 && created->status != 200)
        return mapHttpError(created->status, created->body, what, client.errorContext());
    const QJsonObject meta = created->object().value(QStringLiteral("metadata")).toObject();
    // From here on the guard (destructor) deletes the pod on every failure path.
    std::unique_ptr<DebugPod> pod(new DebugPod(client, options.nameSpace,
        meta.value(QStringLiteral("name")).toString(), options.node, options.image, options.hostTools));
    return std::make_pair(std::move(pod), meta.value(QStringLiteral("resourceVersion")).toString());
}

Result<std::unique_ptr<DebugPod>> DebugPod::attach(KubeClient &client, const QString &nameSpace,
    const QString &name, const QString &container, const CancelToken &cancel)
{
    const QString ref = nameSpace + QLatin1Char('/') + name;
    auto got = client.request("GET",
        QStringLiteral("/api/v1/namespaces/%1/pods/%2").arg(pathSegment(nameSpace), pathSegment(name)), {},
        {}, {}, cancel);
    if (!got)
        return got.error();
    if (got->status == 404)
        return podError(QStringLiteral("pod %1 does not exist").arg(ref),
            QStringLiteral("check the name with: kubectl get pods -n %1").arg(nameSpace), client.describe(),
            ErrorKind::NotFound);
    if (got->status != 200)
        return mapHttpError(
            got->status, got->body, QStringLiteral("get pod %1").arg(ref), client.errorContext());
    const QJsonObject pod = got->object();
    const QString phase
        = pod.value(QStringLiteral("status")).toObject().value(QStringLiteral("phase")).toString();
    if (phase != QLatin1String("Running"))
        return podError(QStringLiteral("pod %1 is %2, not Running: nothing can be run in it")
                            .arg(ref, phase.isEmpty() ? QStringLiteral("in no phase") : phase),
            QStringLiteral("wait until it runs, or fetch from the node with --node"), client.describe());
    const QJsonObject spec = pod.value(QStringLiteral("spec")).toObject();
    QStringList names;
    for (const QJsonValue &c : spec.value(QStringLiteral("containers")).toArray())
        names << c.toObject().value(QStringLiteral("name")).toString();
    QString chosen = container;
    if (chosen.isEmpty())
        chosen = pod.value(QStringLiteral("metadata"))
                     .toObject()
                     .value(QStringLiteral("annotations"))
                     .toObject()
                     .value(QStringLiteral("kubectl.kubernetes.io/default-container"))
                     .toString();
    if (chosen.isEmpty())
        chosen = names.value(0);
    if (!names.contains(chosen))
        return podError(QStringLiteral("pod %1 has no container '%2'").arg(ref, chosen),
            QStringLiteral("its containers: %1").arg(names.join(QStringLiteral(", "))), client.describe(),
            ErrorKind::NotFound);
    std::unique_ptr<DebugPod> p(new DebugPod(
        client, nameSpace, name, spec.value(QStringLiteral("nodeName")).toString(), QString(), false));
    p->m_container = chosen;
    p->m_attached = true;
    p->release(); // not ours: never deleted
    return p;
}

Result<std::unique_ptr<DebugPod>> DebugPod::create(
    KubeClient &client, const DebugPodOptions &options, const CancelToken &cancel)
{
    auto many = createMany(client, options, {options.node}, cancel);
    if (!many)
        return many.error();
    return std::move(many->front());
}

Result<std::vector<std::unique_ptr<DebugPod>>> DebugPod::createMany(
    KubeClient &client, const DebugPodOptions &options, const QStringList &nodes, const CancelToken &cancel)
{
    if (nodes.isEmpty() || nodes.contains(QString()))
        return podError(QStringLiteral("no node given for the debug pod"), QStringLiteral("pass --node NODE"),
            {}, ErrorKind::BadInput);
    if (auto s = ensureDebugNamespace(client, options.nameSpace, options.createNamespace, cancel); !s)
        return s.error();
    std::vector<std::unique_ptr<DebugPod>> pods;
    std::vector<QString> versions;
    for (const QString &node : nodes) {
        DebugPodOptions o = options;
        o.node = node;
        auto posted = post(client, o, cancel);
        if (!posted)
            return posted.error(); // pods already posted are deleted by their guards
        pods.push_back(std::move(posted->first));
        versions.push_back(posted->second);
    }
    for (std::size_t i = 0; i < pods.size(); ++i) {
        if (auto s = pods[i]->waitRunning(versions[i], options.readyTimeoutMs, cancel); !s)
            return s.error();
    }
    return pods;
}

Status DebugPod::waitRunning(const QString &resourceVersion, int timeoutMs, const CancelToken &cancel)
{
    std::optional<Error> failure;
    bool running = false;
    const QString where = QStringLiteral("pod %1/%2 on node %3").arg(m_nameSpace, m_name, m_node);
    auto inspect = [&](const QJsonObject &pod) {
        const QJsonObject st = pod.value(QStringLiteral("status")).toObject();
        const QString phase = st.value(QStringLiteral("phase")).toString();
        for (const QJsonValue &cv : st.value(QStringLiteral("containerStatuses")).toArray()) {
            const QJsonObject state = cv.toObject().value(QStringLiteral("state")).toObject();
            const QJsonObject waiting = state.value(QStringLiteral("waiting")).toObject();
            const QString reason = waiting.value(QStringLiteral("reason")).toString();
            if (kFatalWaiting.contains(reason)) {
                const QString msg = waiting.value(QStringLiteral("message")).toString();
                const bool pull = reason.contains(QLatin1String("Image"));
                failure = podError(pull
                        ? QStringLiteral("image '%1' cannot be pulled on node %2 (%3%4)")
                              .arg(m_image, m_node, reason,
                                  msg.isEmpty() ? QString() : QStringLiteral(": ") + msg)
                        : QStringLiteral("debug container on node %1 cannot start (%2%3)")
                              .arg(m_node, reason, msg.isEmpty() ? QString() : QStringLiteral(": ") + msg),
                    pull ? QStringLiteral(
                        "check the image name, or use --image with an image the node can pull (air-gapped "
                        "clusters: your registry mirror), or --host-tcpdump to use the node's own tools")
                         : QStringLiteral("check the pod's events: kubectl -n %1 describe pod %2")
                               .arg(m_nameSpace, m_name),
                    where);
                return true;
            }
            if (phase == QLatin1String("Running") && state.contains(QStringLiteral("running"))) {
                running = true;
                return true;
            }
        }
        if (phase == QLatin1String("Failed") || phase == QLatin1String("Succeeded")) {
            failure = podError(QStringLiteral("debug pod ended %1 before it could be used (reason %2: %3)")
                                   .arg(phase, st.value(QStringLiteral("reason")).toString(),
                                       st.value(QStringLiteral("message")).toString()),
                QStringLiteral("the node refused or killed it; check node conditions and the pod's events"),
                where);
            return true;
        }
        for (const QJsonValue &c : st.value(QStringLiteral("conditions")).toArray()) {
            const QJsonObject co = c.toObject();
            if (co.value(QStringLiteral("type")).toString() == QLatin1String("PodScheduled")
                && co.value(QStringLiteral("status")).toString() == QLatin1String("False")
                && co.value(QStringLiteral("reason")).toString() == QLatin1String("Unschedulable")) {
                failure = podError(QStringLiteral("debug pod cannot be scheduled on node %1: %2")
                                       .arg(m_node, co.value(QStringLiteral("message")).toString()),
                    QStringLiteral("check that the node exists and is Ready"), where);
                return true;
            }
        }
        return false;
    };
    QUrlQuery q;
    addQueryValue(q, QStringLiteral("fieldSelector"), QStringLiteral("metadata.name=") + m_name);
    const QString podsPath = QStringLiteral("/api/v1/namespaces/%1/pods").arg(pathSegment(m_nameSpace));
    const QString podPath = podsPath + QLatin1Char('/') + pathSegment(m_name);
    auto relist = [&]() -> Result<QString> {
        auto p = m_client.get(podPath, cancel);
        if (!p)
            return p.error();
        inspect(*p);
        return p->value(QStringLiteral("metadata"))
            .toObject()
            .value(QStringLiteral("resourceVersion"))
            .toString();
    };
    auto handler = [&](const WatchEvent &ev) {
        if (ev.type == QLatin1String("DELETED")) {
            failure = podError(QStringLiteral("debug pod was deleted while starting"),
                QStringLiteral("someone or something removed it; retry"), where);
            return WatchControl::Stop;
        }
        return inspect(ev.object) ? WatchControl::Stop : WatchControl::Continue;
    };
    Status watched = m_client.watchLoop(podsPath, q, resourceVersion, relist, handler, cancel, timeoutMs);
    if (failure)
        return *failure;
    if (running)
        return Ok {};
    if (!watched) {
        if (cancel.isCancelled())
            return podError(
                QStringLiteral("creating the debug pod was cancelled"), {}, where, ErrorKind::Cancelled);
        // Timed out or the watch failed: say what the events say.
        QString events;
        QUrlQuery eq;
        addQueryValue(eq, QStringLiteral("fieldSelector"), QStringLiteral("involvedObject.name=") + m_name);
        if (auto ev = m_client.list(
                QStringLiteral("/api/v1/namespaces/%1/events").arg(pathSegment(m_nameSpace)), cancel, eq)) {
            QStringList lines;
            for (const QJsonValue &v : *ev)
                lines << QStringLiteral("%1: %2").arg(v.toObject().value(QStringLiteral("reason")).toString(),
                    v.toObject().value(QStringLiteral("message")).toString());
            events = lines.join(QStringLiteral("; "));
        }
        Error e = watched.error();
        if (!events.isEmpty())
            e.message += " (events: " + events.toStdString() + ")";
        e.where = where.toStdString();
        if (e.hint.empty())
            e.hint = "the pod did not start in time; check the node and the image";
        return e;
    }
    return podError(QStringLiteral("debug pod did not reach Running"), {}, where);
}

Status DebugPod::remove(const CancelToken &cancel)
{
    if (m_removed)
        return Ok {};
    const QString podPath
        = QStringLiteral("/api/v1/namespaces/%1/pods/%2").arg(pathSegment(m_nameSpace), pathSegment(m_name));
    const QJsonObject opts {{QStringLiteral("apiVersion"), QStringLiteral("v1")},
        {QStringLiteral("kind"), QStringLiteral("DeleteOptions")}, {QStringLiteral("gracePeriodSeconds"), 1}};
    auto r = m_client.request("DELETE", podPath, {}, QJsonDocument(opts).toJson(QJsonDocument::Compact),
        "application/json", cancel);
    if (!r)
        return r.error();
    if (r->status != 200 && r->status != 202 && r->status != 404)
        return mapHttpError(r->status, r->body,
            QStringLiteral("delete debug pod %1/%2").arg(m_nameSpace, m_name), m_client.errorContext());
    m_removed = true;
    // Wait (bounded) until the object is gone so that callers can rely on "no pod left".
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < 20000 && !cancel.isCancelled()) {
        auto g = m_client.request("GET", podPath, {}, {}, {}, cancel);
        if (!g || g->status == 404)
            break;
        QThread::msleep(200);
    }
    return Ok {};
}

Status DebugPod::removeExisting(
    KubeClient &client, const QString &nameSpace, const QString &name, const CancelToken &cancel)
{
    const QString what = QStringLiteral("debug pod %1/%2").arg(nameSpace, name);
    if (nameSpace.isEmpty() || name.isEmpty())
        return Error {"no debug pod named", what.toStdString(), {}};
    const QString podPath
        = QStringLiteral("/api/v1/namespaces/%1/pods/%2").arg(pathSegment(nameSpace), pathSegment(name));
    auto g = client.request("GET", podPath, {}, {}, {}, cancel);
    if (!g)
        return g.error();
    if (g->status == 404)
        return Ok {};
    if (g->status != 200)
        return mapHttpError(g->status, g->body, QStringLiteral("get ") + what, client.errorContext());
    const QJsonObject labels = QJsonDocument::fromJson(g->body)
                                   .object()
                                   .value(QStringLiteral("metadata"))
                                   .toObject()
                                   .value(QStringLiteral("labels"))
                                   .toObject();
    if (labels.value(QStringLiteral("app.kubernetes.io/managed-by")).toString() != QStringLiteral("lbscope"))
        return Error {"refusing to delete a pod that lbscope did not create", what.toStdString(),
            "the capture's session file names a foreign pod; delete it yourself if it is really a leftover"};
    DebugPod pod(client, nameSpace, name, {}, {}, false);
    auto s = pod.remove(cancel);
    pod.release();
    return s;
}

} // namespace lbs::kube
