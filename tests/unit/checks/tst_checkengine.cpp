// The pre-capture checks against an in-test API server shaped like an IBM classic cluster (keepalived
// pods, EndpointSlices, pods with container ports, events, namespaces, SelfSubjectAccessReviews) and
// scripted `ip -j addr` output per node: a healthy cluster passes every check, and each fault makes
// exactly its check fail (or warn) with the fix that names it. Also: the checks run concurrently (the
// whole run takes about as long as the slowest check), a check that hangs ends at its timeout, and
// the CLI's text and JSON forms.
#include "app/cli/checktext.h"
#include "core/checks/checkengine.h"
#include "core/kube/accessreview.h"
#include "fakeapiserver.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace lbs;
using namespace lbs::checks;
using namespace Qt::StringLiterals;

namespace {

const QString kVip = u"203.0.113.10"_s;

QByteArray ipAddr(bool holdsVip)
{
    QByteArray eth1
        = R"({"ifindex":3,"ifname":"eth1","addr_info":[{"family":"inet","local":"203.0.113.11","prefixlen":24})";
    if (holdsVip)
        eth1 += R"(,{"family":"inet","local":"203.0.113.10","prefixlen":32})";
    return R"([{"ifindex":1,"ifname":"lo","addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":8}]},)"
        + eth1 + "]}]";
}

class ScriptedRunner : public kube::NodeCommandRunner {
public:
    QStringList holders;
    Result<QByteArray> run(const QString &node, const QStringList &argv, const CancelToken &) override
    {
        if (argv.value(1) == QLatin1String("-j") && argv.value(2) == QLatin1String("route"))
            return QByteArray("[]");
        return ipAddr(holders.contains(node));
    }
    QString transport() const override { return u"test runner"_s; }
};

// One cluster state: every field is one fault of the list in the test's data.
struct Cluster {
    QString etp = u"Cluster"_s;
    QStringList unreadyPods; // web-1..web-3
    QStringList crashLoopKeepalived; // nodes whose keepalived pod is in CrashLoopBackOff
    QStringList vipHolders {u"lab-node-1"_s};
    int targetPort = 8080;
    QString debugNsLevel = u"privileged"_s; // "" = no label, "missing" = no namespace
    bool admin = true; // SelfSubjectAccessReviews allowed
    int eventAgeMin = -1; // a Warning event about web-1 this many minutes ago (-1: none)
    bool slowEvents = false; // the events list never finishes
    QString kubeVipHost; // kube-vip instead of IBM: the service's kube-vip.io/vipHost annotation
    QString leaseHolder; // kube-vip's lease kubevip-web
    bool leaseExpired = false;
    QString metalLbNode; // MetalLB instead of IBM: the node its ServiceL2Status names
    QStringList speakerNodes; // nodes running a ready MetalLB speaker
};

QJsonObject pod(const QString &ns, const QString &name, const QString &node, bool ready,
    const QJsonArray &ports, bool crashLoop = false)
{
    QJsonObject container {{u"name"_s, u"c"_s}, {u"ports"_s, ports}};
    QJsonObject cs {{u"name"_s, u"c"_s}, {u"ready"_s, ready}, {u"restartCount"_s, crashLoop ? 7 : 0}};
    cs.insert(u"state"_s,
        crashLoop ? QJsonObject {{u"waiting"_s, QJsonObject {{u"reason"_s, u"CrashLoopBackOff"_s}}}}
                  : QJsonObject {{u"running"_s, QJsonObject {}}});
    return QJsonObject {{u"metadata"_s, QJsonObject {{u"name"_s, name}, {u"namespace"_s, ns}}},
        {u"spec"_s, QJsonObject {{u"nodeName"_s, node}, {u"containers"_s, QJsonArray {container}}}},
        {u"status"_s,
            QJsonObject {{u"phase"_s, u"Running"_s}, {u"containerStatuses"_s, QJsonArray {cs}},
                {u"conditions"_s,
                    QJsonArray {QJsonObject {
                        {u"type"_s, u"Ready"_s}, {u"status"_s, ready ? u"True"_s : u"False"_s}}}}}}};
}

CheckOptions webOptions(const QString &service = u"web"_s)
{
    CheckOptions o;
    o.nameSpace = u"default"_s;
    o.service = service;
    return o;
}

FakeResponse items(const QJsonArray &list)
{
    return FakeResponse::json(200, QJsonDocument(QJsonObject {{u"items"_s, list}}).toJson());
}

FakeResponse route(const FakeRequest &r, const Cluster &c)
{
    const QJsonArray webPorts {QJsonObject {{u"containerPort"_s, 8080}, {u"protocol"_s, u"TCP"_s}}};
    if (r.path == QLatin1String("/api/v1/namespaces/default/services/web")) {
        QJsonObject annotations;
        if (!c.kubeVipHost.isEmpty())
            annotations.insert(u"kube-vip.io/vipHost"_s, c.kubeVipHost);
        const QJsonObject svc {{u"metadata"_s,
                                   QJsonObject {{u"name"_s, u"web"_s}, {u"namespace"_s, u"default"_s},
                                       {u"annotations"_s, annotations}}},
            {u"spec"_s,
                QJsonObject {{u"type"_s, u"LoadBalancer"_s}, {u"externalTrafficPolicy"_s, c.etp},
                    {u"selector"_s, QJsonObject {{u"app"_s, u"web"_s}}},
                    {u"ports"_s,
                        QJsonArray {
                            QJsonObject {{u"name"_s, u"http"_s}, {u"port"_s, 80}, {u"protocol"_s, u"TCP"_s},
                                {u"targetPort"_s, c.targetPort}, {u"nodePort"_s, 30080}}}}}},
            {u"status"_s,
                QJsonObject {{u"loadBalancer"_s,
                    QJsonObject {{u"ingress"_s, QJsonArray {QJsonObject {{u"ip"_s, kVip}}}}}}}}};
        return FakeResponse::json(200, QJsonDocument(svc).toJson());
    }
    if (r.path == QLatin1String("/apis/discovery.k8s.io/v1/namespaces/default/endpointslices")) {
        QJsonArray eps;
        for (int i = 1; i <= 3; ++i) {
            const QString name = u"web-%1"_s.arg(i);
            const bool ready = !c.unreadyPods.contains(name);
            eps.append(QJsonObject {{u"addresses"_s, QJsonArray {u"192.0.2.%1"_s.arg(i)}},
                {u"nodeName"_s, u"lab-node-%1"_s.arg(i)},
                {u"conditions"_s, QJsonObject {{u"ready"_s, ready}, {u"serving"_s, ready}}},
                {u"targetRef"_s,
                    QJsonObject {{u"kind"_s, u"Pod"_s}, {u"name"_s, name}, {u"namespace"_s, u"default"_s}}}});
        }
        return items(QJsonArray {QJsonObject {{u"endpoints"_s, eps}}});
    }
    if (r.path == QLatin1String("/api/v1/namespaces/ibm-system/pods")) {
        if (!c.kubeVipHost.isEmpty() || !c.metalLbNode.isEmpty()
            || r.query(u"labelSelector"_s) != QLatin1String("ibm-cloud-provider-ip=203-0-113-10"))
            return items({});
        QJsonArray list;
        for (const QString &n : {u"lab-node-1"_s, u"lab-node-2"_s}) {
            const bool loop = c.crashLoopKeepalived.contains(n);
            list.append(pod(u"ibm-system"_s, u"ibm-cloud-provider-ip-203-0-113-10-x-"_s + n.right(1), n,
                !loop, {}, loop));
        }
        return items(list);
    }
    if (r.path == QLatin1String("/api/v1/namespaces/default/pods")) {
        if (r.query(u"labelSelector"_s) != QLatin1String("app=web"))
            return items({});
        QJsonArray list;
        for (int i = 1; i <= 3; ++i)
            list.append(pod(u"default"_s, u"web-%1"_s.arg(i), u"lab-node-%1"_s.arg(i),
                !c.unreadyPods.contains(u"web-%1"_s.arg(i)), webPorts));
        return items(list);
    }
    if (r.path == QLatin1String("/apis/coordination.k8s.io/v1/namespaces/default/leases/kubevip-web")
        && !c.leaseHolder.isEmpty()) {
        const QDateTime renewed = QDateTime::currentDateTimeUtc().addSecs(c.leaseExpired ? -600 : -2);
        return FakeResponse::json(200,
            QJsonDocument(
                QJsonObject {{u"spec"_s,
                    QJsonObject {{u"holderIdentity"_s, c.leaseHolder}, {u"leaseDurationSeconds"_s, 15},
                        {u"renewTime"_s, renewed.toString(Qt::ISODateWithMs)}}}})
                .toJson());
    }
    if (r.path == QLatin1String("/apis/metallb.io/v1beta1/servicel2statuses") && !c.metalLbNode.isEmpty())
        return items(QJsonArray {QJsonObject {
            {u"metadata"_s, QJsonObject {{u"name"_s, u"l2-x7k2p"_s}, {u"namespace"_s, u"metallb-system"_s}}},
            {u"status"_s, QJsonObject {{u"node"_s, c.metalLbNode}}}}});
    if (r.path == QLatin1String("/api/v1/pods")) {
        QJsonArray speakers;
        if (r.query(u"labelSelector"_s) == QLatin1String("component=speaker"))
            for (const QString &n : c.speakerNodes)
                speakers.append(pod(u"metallb-system"_s, u"speaker-"_s + n.right(1), n, true, {}));
        return items(speakers);
    }
    if (r.path == QLatin1String("/api/v1/namespaces/default/events")) {
        if (c.slowEvents) {
            FakeResponse slow;
            slow.chunks = {"{\"items\":[", "]}"};
            slow.chunkDelayMs = 30000;
            return slow;
        }
        QJsonArray list;
        if (c.eventAgeMin >= 0 && r.query(u"fieldSelector"_s) == QLatin1String("type=Warning")) {
            const QString when
                = QDateTime::currentDateTimeUtc().addSecs(-60LL * c.eventAgeMin).toString(Qt::ISODate);
            list.append(QJsonObject {{u"type"_s, u"Warning"_s}, {u"reason"_s, u"Unhealthy"_s},
                {u"message"_s, u"Readiness probe failed: HTTP probe failed with statuscode: 503"_s},
                {u"lastTimestamp"_s, when}, {u"count"_s, 4},
                {u"involvedObject"_s, QJsonObject {{u"kind"_s, u"Pod"_s}, {u"name"_s, u"web-1"_s}}}});
            list.append(QJsonObject {{u"type"_s, u"Warning"_s}, {u"reason"_s, u"Unrelated"_s},
                {u"message"_s, u"about another pod"_s}, {u"lastTimestamp"_s, when},
                {u"involvedObject"_s, QJsonObject {{u"kind"_s, u"Pod"_s}, {u"name"_s, u"other"_s}}}});
        }
        return items(list);
    }
    if (r.path == QLatin1String("/api/v1/namespaces/lbscope")) {
        if (c.debugNsLevel == QLatin1String("missing"))
            return FakeResponse::kubeStatus(404, u"NotFound"_s, u"namespaces \"lbscope\" not found"_s);
        QJsonObject labels;
        if (!c.debugNsLevel.isEmpty())
            labels.insert(u"pod-security.kubernetes.io/enforce"_s, c.debugNsLevel);
        return FakeResponse::json(200,
            QJsonDocument(
                QJsonObject {{u"metadata"_s, QJsonObject {{u"name"_s, u"lbscope"_s}, {u"labels"_s, labels}}}})
                .toJson());
    }
    if (r.path == QLatin1String("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews")
        && r.method == "POST") {
        QJsonObject review = QJsonDocument::fromJson(r.body).object();
        const QString verb = review.value(u"spec"_s)
                                 .toObject()
                                 .value(u"resourceAttributes"_s)
                                 .toObject()
                                 .value(u"verb"_s)
                                 .toString();
        const bool allowed = c.admin || verb == QLatin1String("get");
        QJsonObject status {{u"allowed"_s, allowed}};
        if (allowed)
            status.insert(u"reason"_s, u"RBAC: allowed by ClusterRoleBinding \"x\""_s);
        review.insert(u"status"_s, status);
        return FakeResponse::json(201, QJsonDocument(review).toJson());
    }
    return FakeResponse::kubeStatus(404, u"NotFound"_s, r.path + u" not found"_s);
}

struct Run {
    Result<QList<CheckResult>> results = Error {"not run", {}, {}};
    QList<CheckResult> observed;
    qint64 elapsedMs = 0;
};

Run runChecks(const Cluster &cluster, int timeoutMs = 10000)
{
    FakeApiServer server([cluster](const FakeRequest &r) { return route(r, cluster); });
    kube::ResolvedContext ctx;
    ctx.cluster.server = server.url();
    auto client = kube::KubeClient::create(ctx);
    Run run;
    if (!client) {
        run.results = client.error();
        return run;
    }
    CheckOptions options = webOptions();
    options.timeoutMs = timeoutMs;
    CheckEngine engine(**client, options);
    const QStringList holders = cluster.vipHolders;
    engine.setLocate(
        [holders](kube::KubeClient &c, const QString &ns, const QString &name, const CancelToken &t) {
            ScriptedRunner runner;
            runner.holders = holders;
            return kube::LoadBalancerLocator(c, &runner).locate(ns, name, t);
        });
    engine.setObserver([&run](const CheckResult &r) { run.observed << r; });
    QElapsedTimer clock;
    clock.start();
    run.results = engine.run(CancelToken());
    run.elapsedMs = clock.elapsed();
    return run;
}

const CheckResult *find(const QList<CheckResult> &list, const QString &id)
{
    for (const CheckResult &r : list)
        if (r.id == id)
            return &r;
    return nullptr;
}

} // namespace

Q_DECLARE_METATYPE(Cluster)

class TestCheckEngine : public QObject {
    Q_OBJECT
private slots:
    void faults_data()
    {
        QTest::addColumn<Cluster>("cluster");
        QTest::addColumn<QString>("expected"); // id=status of every check that does not pass
        QTest::addColumn<QString>("fixNeedle"); // in the fix of the first check listed
        Cluster c;
        QTest::newRow("healthy") << c << QString() << QString();
        c = {};
        c.unreadyPods = QStringList {u"web-1"_s, u"web-2"_s, u"web-3"_s};
        QTest::newRow("no endpoints")
            << c << u"endpoints-ready=fail"_s << u"kubectl -n default describe pod web-1"_s;
        c = {};
        c.etp = u"Local"_s;
        c.unreadyPods = QStringList {u"web-1"_s};
        QTest::newRow("etp local without endpoint on the VIP node")
            << c << u"etp-local-endpoint=fail,endpoints-ready=warn"_s << u"runs no ready endpoint"_s;
        c = {};
        c.etp = u"Local"_s;
        QTest::newRow("etp local with endpoint") << c << QString() << QString();
        c = {};
        c.crashLoopKeepalived = QStringList {u"lab-node-2"_s};
        QTest::newRow("keepalived pod not running")
            << c << u"provider-agents=fail"_s << u"ibm-system logs ibm-cloud-provider-ip-203-0-113-10-x-2"_s;
        c = {};
        c.vipHolders = QStringList {u"lab-node-1"_s, u"lab-node-2"_s};
        QTest::newRow("VIP on two nodes")
            << c << u"vip-one-node=fail,provider-agrees=skipped,etp-local-endpoint=pass"_s
            << u"split brain"_s;
        c = {};
        c.vipHolders = QStringList {};
        QTest::newRow("VIP on no node")
            << c << u"vip-one-node=fail,provider-agrees=skipped"_s << u"none of the nodes"_s;
        c = {};
        c.crashLoopKeepalived = QStringList {u"lab-node-1"_s};
        QTest::newRow("VIP holder's keepalived pod not ready")
            << c << u"provider-agents=fail,provider-agrees=fail"_s << u"lab-node-1"_s;
        c = {};
        c.targetPort = 8081;
        QTest::newRow("targetPort matches no pod port")
            << c << u"ports-match=fail"_s << u"\"path\":\"/spec/ports/0/targetPort\",\"value\":8080"_s;
        c = {};
        c.debugNsLevel = u"restricted"_s;
        QTest::newRow("debug namespace restricted")
            << c << u"debug-namespace=fail"_s << u"enforces PodSecurity \"restricted\""_s;
        c = {};
        c.debugNsLevel = u""_s;
        QTest::newRow("debug namespace unlabelled")
            << c << u"debug-namespace=warn"_s << u"cluster-wide default"_s;
        c = {};
        c.debugNsLevel = u"missing"_s;
        QTest::newRow("debug namespace missing, may create it") << c << QString() << QString();
        c = {};
        c.debugNsLevel = u"missing"_s;
        c.admin = false;
        QTest::newRow("read-only user") << c << u"capture-rbac=fail,debug-namespace=fail"_s
                                        << u"you may not create pods, delete pods, create pods/exec"_s;
        c = {};
        c.kubeVipHost = u"lab-node-1"_s;
        c.leaseHolder = u"lab-node-1"_s;
        QTest::newRow("kube-vip, lease fresh") << c << QString() << QString();
        c.leaseExpired = true;
        QTest::newRow("kube-vip, lease expired") << c << u"provider-agents=fail"_s << u"has expired"_s;
        c = {};
        c.kubeVipHost = u"lab-node-2"_s;
        c.leaseHolder = u"lab-node-1"_s;
        QTest::newRow("kube-vip annotation names another node")
            << c << u"provider-agrees=fail"_s
            << u"annotation kube-vip.io/vipHost of default/web names lab-node-2"_s;
        c = {};
        c.metalLbNode = u"lab-node-2"_s;
        c.speakerNodes = QStringList {u"lab-node-1"_s, u"lab-node-2"_s, u"lab-node-3"_s};
        QTest::newRow("metallb, speaker on the announcing node")
            << c << u"provider-agrees=skipped"_s << QString();
        c.speakerNodes = QStringList {u"lab-node-1"_s, u"lab-node-3"_s};
        QTest::newRow("metallb, no speaker on the announcing node")
            << c << u"provider-agents=fail,provider-agrees=skipped"_s
            << u"no running, ready MetalLB speaker on lab-node-2"_s;
        c = {};
        c.eventAgeMin = 5;
        QTest::newRow("recent warning event") << c << u"warning-events=warn"_s << u"describe svc web"_s;
        c = {};
        c.eventAgeMin = 180;
        QTest::newRow("old warning event") << c << QString() << QString();
    }

    void faults()
    {
        QFETCH(Cluster, cluster);
        QFETCH(QString, expected);
        QFETCH(QString, fixNeedle);
        const Run run = runChecks(cluster);
        QVERIFY2(run.results.ok(), run.results.ok() ? "" : run.results.error().toString().c_str());
        const QList<CheckResult> &list = run.results.value();
        QCOMPARE(list.size(), CheckEngine::pendingChecks().size());
        QMap<QString, QString> want;
        for (const QString &kv : expected.split(u',', Qt::SkipEmptyParts))
            want.insert(kv.section(u'=', 0, 0), kv.section(u'=', 1));
        for (const CheckResult &r : list) {
            const QString got = statusName(r.status);
            const QString exp = want.value(r.id, u"pass"_s);
            QVERIFY2(got == exp,
                qPrintable(u"%1: %2, expected %3; evidence:\n  %4\nfix: %5"_s.arg(
                    r.id, got, exp, r.evidence.join(u"\n  "_s), r.fix)));
            QVERIFY2(!r.evidence.isEmpty(), qPrintable(r.id + u" has no evidence"_s));
            if (r.status == CheckStatus::Fail || r.status == CheckStatus::Warn)
                QVERIFY2(!r.fix.isEmpty(), qPrintable(r.id + u" has no fix"_s));
        }
        if (!fixNeedle.isEmpty()) {
            const CheckResult *first = find(list, expected.section(u'=', 0, 0));
            QVERIFY(first);
            QVERIFY2(first->fix.contains(fixNeedle), qPrintable(first->fix));
        }
        // The observer saw each check start and finish, and its final state equals the result.
        for (const CheckResult &r : list) {
            const CheckResult *last = nullptr;
            for (const CheckResult &o : run.observed)
                if (o.id == r.id)
                    last = &o;
            QVERIFY2(last, qPrintable(r.id));
            QCOMPARE(last->status, r.status);
        }
    }

    void hangingCheckEndsAtItsTimeout()
    {
        Cluster c;
        c.slowEvents = true;
        const Run run = runChecks(c, 1500);
        QVERIFY(run.results.ok());
        const CheckResult *events = find(run.results.value(), u"warning-events"_s);
        QVERIFY(events);
        QCOMPARE(events->status, CheckStatus::Warn);
        QVERIFY2(events->evidence.join(u' ').contains(u"did not finish within 1.5 s"_s),
            qPrintable(events->evidence.join(u' ')));
        QVERIFY2(run.elapsedMs < 6000, qPrintable(QString::number(run.elapsedMs)));
        // The others were not held up by it.
        for (const CheckResult &r : run.results.value())
            if (r.id != u"warning-events"_s)
                QCOMPARE(statusName(r.status), u"pass"_s);
    }

    void missingServiceIsAnError()
    {
        FakeApiServer server([](const FakeRequest &r) {
            return FakeResponse::kubeStatus(404, u"NotFound"_s, r.path + u" not found"_s);
        });
        kube::ResolvedContext ctx;
        ctx.cluster.server = server.url();
        auto client = kube::KubeClient::create(ctx);
        QVERIFY(client.ok());
        CheckEngine engine(**client, webOptions(u"nope"_s));
        auto r = engine.run(CancelToken());
        QVERIFY(!r.ok());
        QCOMPARE(r.error().kind, ErrorKind::NotFound);
    }

    void locateFailureSkipsTheVipChecks()
    {
        Cluster c;
        FakeApiServer server([c](const FakeRequest &r) { return route(r, c); });
        kube::ResolvedContext ctx;
        ctx.cluster.server = server.url();
        auto client = kube::KubeClient::create(ctx);
        QVERIFY(client.ok());
        CheckEngine engine(**client, webOptions());
        engine.setLocate([](kube::KubeClient &, const QString &, const QString &,
                             const CancelToken &) -> Result<kube::LocateResult> {
            return Error {"no debug pods allowed here", {}, {}};
        });
        auto r = engine.run(CancelToken());
        QVERIFY(r.ok());
        for (const CheckResult &x : r.value()) {
            const bool needsVip = x.id == u"etp-local-endpoint"_s || x.id == u"provider-agents"_s
                || x.id == u"vip-one-node"_s || x.id == u"provider-agrees"_s;
            QCOMPARE(statusName(x.status), needsVip ? u"skipped"_s : u"pass"_s);
            if (needsVip)
                QVERIFY(x.evidence.join(u' ').contains(u"no debug pods allowed here"_s));
        }
    }

    void textAndJson()
    {
        Cluster c;
        c.targetPort = 8081;
        const Run run = runChecks(c);
        QVERIFY(run.results.ok());
        const QJsonObject json = checks::checksJson(u"default/web"_s, run.results.value());
        const QJsonArray list = json.value(u"checks"_s).toArray();
        QCOMPARE(list.size(), run.results.value().size());
        for (const QJsonValue &v : list) {
            const QJsonObject o = v.toObject();
            for (const char *k : {"id", "title", "status", "evidence", "fix"})
                QVERIFY2(o.contains(QLatin1String(k)), k);
            QVERIFY(o.value(u"evidence"_s).isArray());
        }
        QCOMPARE(checks::countStatus(run.results.value(), checks::CheckStatus::Fail), 1);
        const QString text = cli::checksText(u"default/web"_s, run.results.value());
        QVERIFY2(text.contains(u"FAIL     ports-match"_s), qPrintable(text));
        QVERIFY(text.contains(u"fix: targetPort 8081 of service port 80 matches no TCP port"_s));
        QVERIFY(text.contains(u"9 checks: 8 pass, 0 warn, 1 fail, 0 skipped"_s));
        QCOMPARE(checks::countStatus(runChecks(Cluster {}).results.value(), checks::CheckStatus::Fail), 0);
    }

    void accessQueries()
    {
        const auto q = kube::debugPodAccessQueries(u"lbscope"_s);
        QCOMPARE(q.size(), 4);
        QCOMPARE(q.last().kubectl(), u"kubectl auth can-i create pods/exec -n lbscope"_s);
        QCOMPARE(q.last().describe(), u"create pods/exec in namespace lbscope"_s);
    }
};

QTEST_GUILESS_MAIN(TestCheckEngine)
#include "tst_checkengine.moc"
