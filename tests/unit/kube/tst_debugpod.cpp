// Debug pods against an in-test API server: the pod spec of docs/protocol-notes.md, "Debug pod lifecycle",
// the privileged namespace, fast failures (image pull, admission, scheduling) and the RAII/explicit delete on
// every path.
#include "core/capture/kuberemotehost.h"
#include "core/kube/debugpod.h"
#include "fakeapiserver.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>
#include <QTimer>

using namespace lbs;
using namespace Qt::StringLiterals;

namespace {

// A tiny pods API: namespaces (existing or not), pod create (or a scripted refusal), a watch stream
// whose events come from `statuses`, GET and DELETE of the pod.
struct PodApi {
    bool namespaceExists = true;
    int createStatus = 201;
    QByteArray createBody;
    QList<QJsonObject> statuses; // one watch event per entry
    bool deleted = false;
    QJsonObject createdNamespace;
    QJsonObject createdPod;

    FakeResponse handle(const FakeRequest &r)
    {
        const QString ns = u"/api/v1/namespaces/lbscope"_s;
        if (r.method == "GET" && r.path == ns)
            return namespaceExists
                ? FakeResponse::json(200, R"({"metadata":{"name":"lbscope"}})")
                : FakeResponse::kubeStatus(404, u"NotFound"_s, u"namespaces \"lbscope\" not found"_s);
        if (r.method == "POST" && r.path == QLatin1String("/api/v1/namespaces")) {
            createdNamespace = QJsonDocument::fromJson(r.body).object();
            namespaceExists = true;
            return FakeResponse::json(201, r.body);
        }
        if (r.method == "POST" && r.path == ns + u"/pods"_s) {
            createdPod = QJsonDocument::fromJson(r.body).object();
            if (createStatus != 201)
                return FakeResponse::json(createStatus, createBody);
            return FakeResponse::json(201,
                R"({"metadata":{"name":"lbscope-n1-abcde","namespace":"lbscope","resourceVersion":"100"}})");
        }
        if (r.method == "GET" && r.query(u"watch"_s) == QLatin1String("1")) {
            FakeResponse resp;
            resp.chunkDelayMs = 30;
            int rv = 101;
            for (const QJsonObject &st : statuses) {
                const QJsonObject pod {{u"metadata"_s,
                                           QJsonObject {{u"name"_s, u"lbscope-n1-abcde"_s},
                                               {u"resourceVersion"_s, QString::number(rv++)}}},
                    {u"status"_s, st}};
                resp.chunks << QJsonDocument(QJsonObject {{u"type"_s, u"MODIFIED"_s}, {u"object"_s, pod}})
                                   .toJson(QJsonDocument::Compact)
                        + '\n';
            }
            if (resp.chunks.isEmpty())
                resp.chunkDelayMs = 0;
            return resp;
        }
        if (r.method == "DELETE" && r.path == ns + u"/pods/lbscope-n1-abcde"_s) {
            deleted = true;
            return FakeResponse::json(200, "{}");
        }
        if (r.method == "GET" && r.path == ns + u"/pods/lbscope-n1-abcde"_s)
            return deleted
                ? FakeResponse::kubeStatus(404, u"NotFound"_s, u"gone"_s)
                : FakeResponse::json(200,
                    R"({"metadata":{"name":"lbscope-n1-abcde","resourceVersion":"150"},"status":{"phase":"Pending"}})");
        if (r.path.endsWith(QLatin1String("/events")))
            return FakeResponse::json(200, R"({"items":[{"reason":"Pulling","message":"Pulling image"}]})");
        return FakeResponse::kubeStatus(404, u"NotFound"_s, r.path);
    }
};

QJsonObject waiting(const QString &reason, const QString &message)
{
    return QJsonObject {{u"phase"_s, u"Pending"_s},
        {u"containerStatuses"_s,
            QJsonArray {QJsonObject {{u"name"_s, u"debug"_s},
                {u"state"_s,
                    QJsonObject {
                        {u"waiting"_s, QJsonObject {{u"reason"_s, reason}, {u"message"_s, message}}}}}}}}};
}

QJsonObject running()
{
    return QJsonObject {{u"phase"_s, u"Running"_s},
        {u"containerStatuses"_s,
            QJsonArray {QJsonObject {
                {u"name"_s, u"debug"_s}, {u"state"_s, QJsonObject {{u"running"_s, QJsonObject {}}}}}}}};
}

std::unique_ptr<kube::KubeClient> client(const QString &url)
{
    kube::ResolvedContext ctx;
    ctx.context.name = u"t"_s;
    ctx.cluster.server = url;
    ctx.user.token = u"x"_s;
    return std::move(kube::KubeClient::create(ctx).value());
}

} // namespace

class TestDebugPod : public QObject {
    Q_OBJECT
private slots:
    void podSpec()
    {
        kube::DebugPodOptions o;
        o.node = u"10.1.2.3"_s;
        o.owner = u"alice@laptop"_s;
        o.session = u"s-1"_s;
        const QJsonObject p = kube::DebugPod::podSpec(o);
        const QJsonObject meta = p.value(u"metadata"_s).toObject();
        const QJsonObject spec = p.value(u"spec"_s).toObject();
        QCOMPARE(meta.value(u"labels"_s).toObject().value(u"app.kubernetes.io/managed-by"_s).toString(),
            u"lbscope"_s);
        QCOMPARE(
            meta.value(u"annotations"_s).toObject().value(u"lbscope/owner"_s).toString(), u"alice@laptop"_s);
        QVERIFY(!meta.value(u"annotations"_s).toObject().value(u"lbscope/created"_s).toString().isEmpty());
        QCOMPARE(spec.value(u"nodeName"_s).toString(), u"10.1.2.3"_s);
        QVERIFY(spec.value(u"hostNetwork"_s).toBool());
        QVERIFY(spec.value(u"hostPID"_s).toBool());
        QCOMPARE(spec.value(u"restartPolicy"_s).toString(), u"Never"_s);
        QCOMPARE(spec.value(u"activeDeadlineSeconds"_s).toInt(), 4 * 3600);
        QCOMPARE(spec.value(u"tolerations"_s).toArray().first().toObject().value(u"operator"_s).toString(),
            u"Exists"_s);
        const QJsonObject c = spec.value(u"containers"_s).toArray().first().toObject();
        QVERIFY(c.value(u"securityContext"_s).toObject().value(u"privileged"_s).toBool());
        QCOMPARE(c.value(u"image"_s).toString(), QString::fromLatin1(kube::kDefaultDebugImage));
        QStringList paths;
        for (const QJsonValue &v : spec.value(u"volumes"_s).toArray())
            paths << v.toObject().value(u"hostPath"_s).toObject().value(u"path"_s).toString();
        QCOMPARE(paths, (QStringList {u"/"_s, u"/var/tmp/lbscope"_s}));
        QVERIFY(!spec.contains(u"imagePullSecrets"_s));
    }

    // Air-gapped clusters: a private image and the Secret to pull it with.
    void podSpecPullSecret()
    {
        kube::DebugPodOptions o;
        o.node = u"n1"_s;
        o.image = u"registry.local/netshoot:1"_s;
        o.imagePullSecret = u"regcred"_s;
        const QJsonObject spec = kube::DebugPod::podSpec(o).value(u"spec"_s).toObject();
        QCOMPARE(spec.value(u"imagePullSecrets"_s).toArray(),
            (QJsonArray {QJsonObject {{u"name"_s, u"regcred"_s}}}));
        QCOMPARE(spec.value(u"containers"_s).toArray().first().toObject().value(u"image"_s).toString(),
            u"registry.local/netshoot:1"_s);
    }

    void createsPrivilegedNamespaceAndRuns()
    {
        PodApi api;
        api.namespaceExists = false;
        api.statuses = {waiting(u"ContainerCreating"_s, {}), running()};
        FakeApiServer server([&](const FakeRequest &r) { return api.handle(r); });
        auto c = client(server.url());
        CancelToken cancel;
        kube::DebugPodOptions o;
        o.node = u"n1"_s;
        {
            auto pod = kube::DebugPod::create(*c, o, cancel);
            QVERIFY2(pod.ok(), pod.ok() ? "" : pod.error().toString().c_str());
            QCOMPARE((*pod)->name(), u"lbscope-n1-abcde"_s);
            const QJsonObject labels
                = api.createdNamespace.value(u"metadata"_s).toObject().value(u"labels"_s).toObject();
            QCOMPARE(labels.value(u"pod-security.kubernetes.io/enforce"_s).toString(), u"privileged"_s);
            QCOMPARE(api.createdPod.value(u"spec"_s).toObject().value(u"nodeName"_s).toString(), u"n1"_s);
            capture::KubeRemoteHost host(**pod);
            // The image's tools see the node's files under /host, not at their own path.
            QCOMPARE(host.nodePath("/var/log/syslog"), std::string("/host/var/log/syslog"));
            QCOMPARE(host.describe(), std::string("node n1 (via pod lbscope/lbscope-n1-abcde)"));
            QVERIFY(!api.deleted);
        } // the guard deletes
        QVERIFY(api.deleted);
    }

    void fastFailures_data()
    {
        QTest::addColumn<QString>("reason");
        QTest::addColumn<QString>("expect");
        QTest::newRow("ErrImagePull")
            << u"ErrImagePull"_s
            << u"image 'docker.io/nicolaka/netshoot:latest' cannot be pulled on node n1 (ErrImagePull"_s;
        QTest::newRow("ImagePullBackOff") << u"ImagePullBackOff"_s << u"cannot be pulled"_s;
        QTest::newRow("CreateContainerError")
            << u"CreateContainerError"_s << u"cannot start (CreateContainerError"_s;
        QTest::newRow("Failed phase") << u"Failed"_s << u"ended Failed"_s;
        QTest::newRow("Unschedulable")
            << u"Unschedulable"_s << u"cannot be scheduled on node n1: 0/3 nodes are available"_s;
    }
    void fastFailures()
    {
        QFETCH(QString, reason);
        QFETCH(QString, expect);
        PodApi api;
        if (reason == QLatin1String("Failed"))
            api.statuses = {QJsonObject {{u"phase"_s, u"Failed"_s}, {u"reason"_s, u"OutOfcpu"_s},
                {u"message"_s, u"node has no cpu"_s}}};
        else if (reason == QLatin1String("Unschedulable"))
            api.statuses = {QJsonObject {{u"phase"_s, u"Pending"_s},
                {u"conditions"_s,
                    QJsonArray {QJsonObject {{u"type"_s, u"PodScheduled"_s}, {u"status"_s, u"False"_s},
                        {u"reason"_s, u"Unschedulable"_s}, {u"message"_s, u"0/3 nodes are available"_s}}}}}};
        else
            api.statuses = {waiting(reason, u"rpc error: not found"_s)};
        FakeApiServer server([&](const FakeRequest &r) { return api.handle(r); });
        auto c = client(server.url());
        CancelToken cancel;
        kube::DebugPodOptions o;
        o.node = u"n1"_s;
        QElapsedTimer t;
        t.start();
        auto pod = kube::DebugPod::create(*c, o, cancel);
        QVERIFY(!pod.ok());
        QVERIFY2(
            QString::fromStdString(pod.error().toString()).contains(expect), pod.error().toString().c_str());
        QVERIFY(t.elapsed() < 5000);
        QVERIFY2(api.deleted, "a pod that failed to start must be deleted");
    }

    void admissionRejected()
    {
        PodApi api;
        api.createStatus = 403;
        api.createBody
            = "{\"kind\":\"Status\",\"status\":\"Failure\",\"reason\":\"Forbidden\",\"code\":403,\"message\":"
              "\"pods \\\"x\\\" is forbidden: violates PodSecurity \\\"baseline:latest\\\": host namespaces "
              "(hostNetwork=true, hostPID=true)\"}";
        FakeApiServer server([&](const FakeRequest &r) { return api.handle(r); });
        auto c = client(server.url());
        CancelToken cancel;
        kube::DebugPodOptions o;
        o.node = u"n1"_s;
        auto pod = kube::DebugPod::create(*c, o, cancel);
        QVERIFY(!pod.ok());
        const QString text = QString::fromStdString(pod.error().toString());
        QVERIFY2(
            text.contains(u"violates PodSecurity \"baseline:latest\": host namespaces"_s), qPrintable(text));
        QVERIFY2(text.contains(u"enforce=privileged"_s), qPrintable(text));
    }

    void cancelWhileWaitingDeletes()
    {
        PodApi api; // the watch never reports Running
        api.statuses = {waiting(u"ContainerCreating"_s, {})};
        FakeApiServer server([&](const FakeRequest &r) { return api.handle(r); });
        auto c = client(server.url());
        CancelToken cancel;
        QTimer::singleShot(400, [cancel] { cancel.cancel(); });
        kube::DebugPodOptions o;
        o.node = u"n1"_s;
        o.readyTimeoutMs = 20000;
        auto pod = kube::DebugPod::create(*c, o, cancel);
        QVERIFY(!pod.ok());
        QVERIFY2(api.deleted, "cancel must still delete the pod (with a fresh token)");
    }

    void timeoutNamesTheEvents()
    {
        PodApi api;
        api.statuses = {waiting(u"ContainerCreating"_s, {})};
        FakeApiServer server([&](const FakeRequest &r) { return api.handle(r); });
        auto c = client(server.url());
        CancelToken cancel;
        kube::DebugPodOptions o;
        o.node = u"n1"_s;
        o.readyTimeoutMs = 1500;
        auto pod = kube::DebugPod::create(*c, o, cancel);
        QVERIFY(!pod.ok());
        QVERIFY2(QString::fromStdString(pod.error().toString()).contains(u"Pulling: Pulling image"_s),
            pod.error().toString().c_str());
        QVERIFY(api.deleted);
    }

    void attachToExistingPod_data()
    {
        QTest::addColumn<QByteArray>("pod"); // GET answer body; empty: 404
        QTest::addColumn<QString>("container"); // --container
        QTest::addColumn<QString>("chosen"); // expected container, or empty when attach must fail
        QTest::addColumn<QString>("error"); // part of the expected message
        const QByteArray twoContainers
            = R"({"metadata":{"name":"src","annotations":{"kubectl.kubernetes.io/default-container":"files"}},
                 "spec":{"nodeName":"n7","containers":[{"name":"side"},{"name":"files"}]},
                 "status":{"phase":"Running"}})";
        const QByteArray plain = R"({"metadata":{"name":"src"},"spec":{"nodeName":"n7",
                 "containers":[{"name":"side"},{"name":"files"}]},"status":{"phase":"Running"}})";
        QTest::newRow("annotation names the default")
            << twoContainers << QString() << u"files"_s << QString();
        QTest::newRow("first container without annotation") << plain << QString() << u"side"_s << QString();
        QTest::newRow("explicit container") << twoContainers << u"side"_s << u"side"_s << QString();
        QTest::newRow("no such container") << twoContainers << u"nope"_s << QString()
                                           << u"has no container 'nope' (its containers: side, files)"_s;
        QTest::newRow("not running") << QByteArray(
            R"({"metadata":{"name":"src"},"spec":{"containers":[{"name":"a"}]},
                 "status":{"phase":"Pending"}})")
                                     << QString() << QString()
                                     << u"pod default/src is Pending, not Running"_s;
        QTest::newRow("missing") << QByteArray() << QString() << QString()
                                 << u"pod default/src does not exist"_s;
    }

    void attachToExistingPod()
    {
        QFETCH(QByteArray, pod);
        QFETCH(QString, container);
        QFETCH(QString, chosen);
        QFETCH(QString, error);
        QString execContainer;
        FakeApiServer server([&](const FakeRequest &r) {
            if (r.method == "GET" && r.path == u"/api/v1/namespaces/default/pods/src"_s)
                return pod.isEmpty()
                    ? FakeResponse::kubeStatus(404, u"NotFound"_s, u"pods \"src\" not found"_s)
                    : FakeResponse::json(200, pod);
            if (r.path.endsWith(u"/exec"_s)) {
                // Refuse the upgrade as a real API server does for a bad request, and keep the connection:
                // the client must not wait for a close that never comes.
                execContainer = r.query(u"container"_s);
                FakeResponse refused = FakeResponse::kubeStatus(400, u"BadRequest"_s, u"no"_s);
                refused.keepOpen = true;
                return refused;
            }
            return FakeResponse::kubeStatus(404, u"NotFound"_s, r.path);
        });
        CancelToken cancel;
        auto host = capture::KubeRemoteHost::attach(
            client(server.url()), u"default"_s, u"src"_s, container, cancel);
        for (const FakeRequest &r : server.requests)
            QVERIFY2(r.method == "GET", "attach must neither create nor delete anything");
        if (chosen.isEmpty()) {
            QVERIFY(!host.ok());
            QVERIFY2(QString::fromStdString(host.error().toString()).contains(error),
                host.error().toString().c_str());
            return;
        }
        QVERIFY2(host.ok(), host.ok() ? "" : host.error().toString().c_str());
        QCOMPARE((*host)->nodeName(), std::string("n7"));
        QCOMPARE((*host)->nodePath("/data/x.pcap"), std::string("/data/x.pcap")); // the pod's own files
        QCOMPARE(QString::fromStdString((*host)->describe()),
            u"pod default/src (container %1, node n7)"_s.arg(chosen));
        QElapsedTimer t;
        t.start();
        auto r = (*host)->run({"true"}, cancel);
        QVERIFY(!r.ok());
        QVERIFY2(t.elapsed() < 5000, qPrintable(u"a refused upgrade took %1 ms to fail"_s.arg(t.elapsed())));
        QCOMPARE(execContainer, chosen);
        host.value().reset();
        for (const FakeRequest &req : server.requests)
            QVERIFY2(req.method == "GET", "the attached pod must never be deleted");
    }

    void deadlineFitsTheCapture_data()
    {
        QTest::addColumn<double>("duration");
        QTest::addColumn<int>("deadline");
        QTest::newRow("open-ended") << 0.0 << 12 * 3600;
        QTest::newRow("a minute: the 4 h floor") << 60.0 << 4 * 3600;
        QTest::newRow("5 h: plus an hour") << 5 * 3600.0 << 6 * 3600;
        QTest::newRow("7 days") << 7 * 24 * 3600.0 << 7 * 24 * 3600 + 3600;
        QTest::newRow("fractional seconds round up") << 4 * 3600 + 0.5 << 5 * 3600 + 1;
    }
    void deadlineFitsTheCapture()
    {
        QFETCH(double, duration);
        QFETCH(int, deadline);
        QCOMPARE(kube::podDeadlineFor(duration), deadline);
        kube::DebugPodOptions o;
        o.node = u"n1"_s;
        o.activeDeadlineSeconds = kube::podDeadlineFor(duration);
        QCOMPARE(
            kube::DebugPod::podSpec(o).value(u"spec"_s).toObject().value(u"activeDeadlineSeconds"_s).toInt(),
            deadline);
    }

    void podMadeWhileTheAnswerWasLostIsDeleted()
    {
        // The server makes the pod, but its answer never arrives (cancelled here; a timeout or a cut
        // connection is the same): the pod carries this attempt's labels and is found and deleted.
        QJsonObject made;
        bool deleted = false;
        QString selector;
        FakeApiServer server([&](const FakeRequest &r) {
            const QString pods = u"/api/v1/namespaces/lbscope/pods"_s;
            if (r.method == "GET" && r.path == u"/api/v1/namespaces/lbscope"_s)
                return FakeResponse::json(200, R"({"metadata":{"name":"lbscope"}})");
            if (r.method == "POST" && r.path == pods) {
                made = QJsonDocument::fromJson(r.body).object();
                QJsonObject meta = made.value(u"metadata"_s).toObject();
                meta.insert(u"name"_s, u"lbscope-n1-lost1"_s);
                made.insert(u"metadata"_s, meta);
                FakeResponse slow;
                slow.chunks << QJsonDocument(made).toJson(QJsonDocument::Compact);
                slow.chunkDelayMs = 5000; // the answer comes too late
                slow.status = 201;
                return slow;
            }
            if (r.method == "GET" && r.path == pods) {
                selector = r.query(u"labelSelector"_s);
                const QJsonArray items = made.isEmpty() || deleted ? QJsonArray {} : QJsonArray {made};
                return FakeResponse::json(200,
                    QJsonDocument(QJsonObject {{u"kind"_s, u"PodList"_s}, {u"items"_s, items},
                                      {u"metadata"_s, QJsonObject {{u"resourceVersion"_s, u"7"_s}}}})
                        .toJson(QJsonDocument::Compact));
            }
            if (r.path == pods + u"/lbscope-n1-lost1"_s) {
                if (r.method == "DELETE") {
                    deleted = true;
                    return FakeResponse::json(200, "{}");
                }
                return deleted ? FakeResponse::kubeStatus(404, u"NotFound"_s, u"gone"_s)
                               : FakeResponse::json(200, QJsonDocument(made).toJson(QJsonDocument::Compact));
            }
            return FakeResponse::kubeStatus(404, u"NotFound"_s, r.path);
        });
        auto c = client(server.url());
        CancelToken cancel;
        QTimer::singleShot(300, [&] { cancel.cancel(); });
        kube::DebugPodOptions o;
        o.node = u"n1"_s;
        auto pod = kube::DebugPod::create(*c, o, cancel);
        QVERIFY(!pod.ok());
        QVERIFY2(deleted, "the pod made while the answer was lost is still there");
        QVERIFY2(selector.contains(u"lbscope/session="_s) && selector.contains(u"lbscope/node=n1"_s),
            qPrintable(selector));
    }
};

QTEST_GUILESS_MAIN(TestDebugPod)
#include "tst_debugpod.moc"
