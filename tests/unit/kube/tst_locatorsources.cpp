// LoadBalancerLocator's MetalLB and kube-vip sources against an in-test API server that serves the real
// object shapes (docs/domain-notes.md, "Finding the node that holds a VIP"): ServiceL2Status
// (metallb.io/v1beta1, labels metallb.io/service-name and -namespace, status.node, status.interfaces[].name),
// nodeAssigned events, coordination.k8s.io/v1 Leases (kubevip-<service>, kube-vip.io/leaseName,
// plndr-svcs-lock; holderIdentity, renewTime, leaseDurationSeconds) and the kube-vip.io/vipHost annotation.
// Each row says how the holder was decided and what the evidence and problems must say.
#include "core/kube/loadbalancerlocator.h"
#include "fakeapiserver.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <algorithm>

using namespace lbs::kube;
using namespace Qt::StringLiterals;

namespace {

QByteArray ipAddr(bool holdsVip)
{
    QByteArray out
        = R"([{"ifindex":1,"ifname":"lo","addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":8}]},)"
          R"({"ifindex":3,"ifname":"eth1","addr_info":[{"family":"inet","local":"203.0.113.11","prefixlen":24})";
    if (holdsVip)
        out += R"(,{"family":"inet","local":"203.0.113.10","prefixlen":32})";
    return out + "]}]";
}

class ScriptedRunner : public NodeCommandRunner {
public:
    QMap<QString, QByteArray> addr;
    QStringList probed;
    lbs::Result<QByteArray> run(
        const QString &node, const QStringList &argv, const lbs::CancelToken &) override
    {
        if (argv.value(2) == QLatin1String("route"))
            return QByteArray("[]");
        probed << node;
        if (!addr.contains(node))
            return lbs::Error {"node unreachable", node.toStdString(), {}};
        return addr.value(node);
    }
    QString transport() const override { return u"test runner"_s; }
};

QByteArray json(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QByteArray list(const QJsonArray &items)
{
    return json(QJsonObject {{u"items"_s, items}});
}

QJsonObject l2Status(const QString &name, const QString &node, const QString &iface = {})
{
    QJsonObject status {
        {u"node"_s, node}, {u"serviceName"_s, u"web"_s}, {u"serviceNamespace"_s, u"default"_s}};
    if (!iface.isEmpty())
        status.insert(u"interfaces"_s, QJsonArray {QJsonObject {{u"name"_s, iface}}});
    return QJsonObject {{u"apiVersion"_s, u"metallb.io/v1beta1"_s}, {u"kind"_s, u"ServiceL2Status"_s},
        {u"metadata"_s,
            QJsonObject {{u"name"_s, name}, {u"namespace"_s, u"metallb-system"_s},
                {u"labels"_s,
                    QJsonObject {{u"metallb.io/node"_s, node}, {u"metallb.io/service-name"_s, u"web"_s},
                        {u"metallb.io/service-namespace"_s, u"default"_s}}}}},
        {u"status"_s, status}};
}

// A Lease renewed `ageS` seconds ago; `micro`: renewTime as MicroTime with 6 fraction digits.
QByteArray lease(const QString &holder, int ageS, int durationS = 15, bool micro = true)
{
    const QDateTime renewed = QDateTime::currentDateTimeUtc().addSecs(-ageS);
    const QString t = renewed.toString(u"yyyy-MM-ddTHH:mm:ss"_s) + (micro ? u".123456Z"_s : u"Z"_s);
    return json(QJsonObject {{u"apiVersion"_s, u"coordination.k8s.io/v1"_s}, {u"kind"_s, u"Lease"_s},
        {u"spec"_s,
            QJsonObject {{u"holderIdentity"_s, holder}, {u"leaseDurationSeconds"_s, durationS},
                {u"acquireTime"_s, t}, {u"renewTime"_s, t}, {u"leaseTransitions"_s, 2}}}});
}

const QByteArray kAssignedEvents
    = "{\"items\":[{\"reason\":\"nodeAssigned\",\"lastTimestamp\":\"2026-01-02T00:00:00Z\",\"message\":"
      "\"announcing from node \\\"lab-node-3\\\" with protocol \\\"layer2\\\"\"}]}";

// The cluster: service default/web (VIP 203.0.113.10) with the row's annotations and class, ready endpoints
// on every node, no IBM pods; `objects` maps a path to its answer, anything else is a 404 Status.
struct Cluster {
    QJsonObject annotations;
    QString loadBalancerClass;
    QMap<QString, FakeResponse> objects;
};

FakeResponse route(const FakeRequest &r, const Cluster &c)
{
    if (r.path == QLatin1String("/api/v1/namespaces/default/services/web")) {
        QJsonObject spec {{u"type"_s, u"LoadBalancer"_s}, {u"externalTrafficPolicy"_s, u"Cluster"_s},
            {u"ports"_s, QJsonArray {QJsonObject {{u"port"_s, 80}, {u"protocol"_s, u"TCP"_s}}}}};
        if (!c.loadBalancerClass.isEmpty())
            spec.insert(u"loadBalancerClass"_s, c.loadBalancerClass);
        return FakeResponse::json(200,
            json(QJsonObject {{u"metadata"_s,
                                  QJsonObject {{u"name"_s, u"web"_s}, {u"namespace"_s, u"default"_s},
                                      {u"annotations"_s, c.annotations}}},
                {u"spec"_s, spec},
                {u"status"_s,
                    QJsonObject {{u"loadBalancer"_s,
                        QJsonObject {
                            {u"ingress"_s, QJsonArray {QJsonObject {{u"ip"_s, u"203.0.113.10"_s}}}}}}}}}));
    }
    if (r.path.endsWith(QLatin1String("/endpointslices"))) {
        QJsonArray eps;
        for (int i = 1; i <= 3; ++i)
            eps.append(QJsonObject {{u"addresses"_s, QJsonArray {u"192.0.2.%1"_s.arg(i)}},
                {u"nodeName"_s, u"lab-node-%1"_s.arg(i)},
                {u"conditions"_s, QJsonObject {{u"ready"_s, true}}}});
        return FakeResponse::json(200, list(QJsonArray {QJsonObject {{u"endpoints"_s, eps}}}));
    }
    if (r.path == QLatin1String("/api/v1/namespaces/ibm-system/pods")
        || r.path == QLatin1String("/api/v1/pods"))
        return FakeResponse::json(200, R"({"items":[]})");
    if (r.path == QLatin1String("/api/v1/nodes"))
        return FakeResponse::json(200,
            R"({"items":[{"metadata":{"name":"lab-node-1"}},{"metadata":{"name":"lab-node-2"}},{"metadata":{"name":"lab-node-3"}}]})");
    if (c.objects.contains(r.path))
        return c.objects.value(r.path);
    if (r.path == QLatin1String("/api/v1/namespaces/default/events"))
        return FakeResponse::json(200, R"({"items":[]})");
    return FakeResponse::kubeStatus(
        404, u"NotFound"_s, u"the server could not find the requested resource"_s);
}

const QString kL2 = u"/apis/metallb.io/v1beta1/servicel2statuses"_s;
const QString kEvents = u"/api/v1/namespaces/default/events"_s;
const QString kSvcLease = u"/apis/coordination.k8s.io/v1/namespaces/default/leases/kubevip-web"_s;
const QString kGlobalLease = u"/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/plndr-svcs-lock"_s;

struct Outcome {
    lbs::Result<LocateResult> result;
    QList<FakeRequest> requests;
    QStringList probed;
};

Outcome locate(const Cluster &cluster, bool nodeAccess, const QMap<QString, QByteArray> &addr)
{
    FakeApiServer server([&](const FakeRequest &r) { return route(r, cluster); });
    ResolvedContext ctx;
    ctx.context.name = u"t"_s;
    ctx.cluster.server = server.url();
    ctx.user.token = u"x"_s;
    auto client = KubeClient::create(ctx);
    if (!client)
        return {client.error(), {}, {}};
    ScriptedRunner runner;
    runner.addr = addr;
    LoadBalancerLocator locator(**client, nodeAccess ? &runner : nullptr);
    lbs::CancelToken cancel;
    auto r = locator.locate(u"default"_s, u"web"_s, cancel);
    return {r, server.requests, runner.probed};
}

bool requested(const QList<FakeRequest> &requests, const QString &path)
{
    return std::any_of(
        requests.cbegin(), requests.cend(), [&](const FakeRequest &r) { return r.path == path; });
}

} // namespace

class TestLocatorSources : public QObject {
    Q_OBJECT
private slots:
    void metalLb_data()
    {
        QTest::addColumn<FakeResponse>("l2");
        QTest::addColumn<QByteArray>("events");
        QTest::addColumn<QString>("method");
        QTest::addColumn<QString>("holder");
        QTest::addColumn<QString>("evidence");
        QTest::addColumn<QString>("problem"); // empty: no problem may mention MetalLB or the VIP's nodes

        QTest::newRow("ServiceL2Status names the node")
            << FakeResponse::json(200, list({l2Status(u"l2-7xk2p"_s, u"lab-node-2"_s, u"eth1"_s)}))
            << kAssignedEvents << u"metallb-l2"_s << u"lab-node-2"_s
            << u"ServiceL2Status l2-7xk2p: node lab-node-2, interface eth1"_s << QString();
        QTest::newRow("no ServiceL2Status for the service: newest nodeAssigned event")
            << FakeResponse::json(200, R"({"items":[]})") << kAssignedEvents << u"metallb-l2"_s
            << u"lab-node-3"_s
            << u"no MetalLB ServiceL2Status names default/web; trying nodeAssigned events"_s << QString();
        QTest::newRow("no ServiceL2Status, no event: generic probe")
            << FakeResponse::json(200, R"({"items":[]})") << QByteArray(R"({"items":[]})") << u"probe"_s
            << u"lab-node-1"_s << u"no MetalLB ServiceL2Status names default/web"_s << QString();
        QTest::newRow("two ServiceL2Status for the same service")
            << FakeResponse::json(200,
                   list({l2Status(u"l2-aaaaa"_s, u"lab-node-1"_s), l2Status(u"l2-bbbbb"_s, u"lab-node-2"_s)}))
            << kAssignedEvents << u"metallb-l2"_s << QString()
            << u"ServiceL2Status l2-bbbbb: node lab-node-2"_s
            << u"MetalLB announces default/web from 2 nodes at once (ServiceL2Status l2-aaaaa, l2-bbbbb on "
               "lab-node-1, lab-node-2)"_s;
        QTest::newRow("CRD not installed (404): events decide")
            << FakeResponse::kubeStatus(
                   404, u"NotFound"_s, u"the server could not find the requested resource"_s)
            << kAssignedEvents << u"metallb-l2"_s << u"lab-node-3"_s
            << u"MetalLB ServiceL2Status unavailable: the servicel2statuses.metallb.io CRD is not installed"_s
            << QString();
        QTest::newRow("CRD not installed (404), no events: probe says why")
            << FakeResponse::kubeStatus(
                   404, u"NotFound"_s, u"the server could not find the requested resource"_s)
            << QByteArray(R"({"items":[]})") << u"probe"_s << u"lab-node-1"_s
            << u"the servicel2statuses.metallb.io CRD is not installed"_s << QString();
        QTest::newRow("RBAC forbids listing ServiceL2Status (403): events decide")
            << FakeResponse::kubeStatus(403, u"Forbidden"_s,
                   uR"(servicel2statuses.metallb.io is forbidden: User "dev" cannot list resource "servicel2statuses" in API group "metallb.io" at the cluster scope)"_s)
            << kAssignedEvents << u"metallb-l2"_s << u"lab-node-3"_s
            << u"MetalLB ServiceL2Status unavailable: your user may not list servicel2statuses.metallb.io (RBAC)"_s
            << QString();
    }
    void metalLb()
    {
        QFETCH(FakeResponse, l2);
        QFETCH(QByteArray, events);
        QFETCH(QString, method);
        QFETCH(QString, holder);
        QFETCH(QString, evidence);
        QFETCH(QString, problem);
        Cluster c;
        c.objects.insert(kL2, l2);
        c.objects.insert(kEvents, FakeResponse::json(200, events));
        const auto o = locate(c, true,
            {{u"lab-node-1"_s, ipAddr(true)}, {u"lab-node-2"_s, ipAddr(false)},
                {u"lab-node-3"_s, ipAddr(false)}});
        QVERIFY2(o.result.ok(), o.result.ok() ? "" : o.result.error().toString().c_str());
        const LocateResult &r = o.result.value();
        const QString ev = r.evidence.join(u'\n');
        const QString problems = r.problems.join(u'\n');
        QCOMPARE(r.method, method);
        QCOMPARE(r.holderNode, holder);
        QVERIFY2(ev.contains(evidence), qPrintable(ev));
        if (problem.isEmpty())
            QVERIFY2(problems.isEmpty(), qPrintable(problems));
        else
            QVERIFY2(problems.contains(problem), qPrintable(problems));
        // The ServiceL2Status list asks for exactly this service by MetalLB's labels.
        const auto l2Request = std::find_if(
            o.requests.cbegin(), o.requests.cend(), [](const FakeRequest &req) { return req.path == kL2; });
        QVERIFY(l2Request != o.requests.cend());
        QCOMPARE(l2Request->query(u"labelSelector"_s),
            u"metallb.io/service-name=web,metallb.io/service-namespace=default"_s);
        // A ServiceL2Status naming nodes makes the events unnecessary.
        QCOMPARE(requested(o.requests, kEvents), r.evidence.filter(u"ServiceL2Status l2-"_s).isEmpty());
        if (method == QLatin1String("metallb-l2")) {
            // MetalLB puts the VIP on no interface: only the holder's interfaces are read, no VIP probe.
            QVERIFY2(!o.probed.contains(u"lab-node-1"_s) || holder == QLatin1String("lab-node-1"),
                qPrintable(o.probed.join(u',')));
            QVERIFY(ev.contains(u"without adding it to an interface"_s));
        }
        if (QTest::currentDataTag() == QByteArray("two ServiceL2Status for the same service")) {
            QCOMPARE(r.holders, (QStringList {u"lab-node-1"_s, u"lab-node-2"_s}));
            // The CLI prints each problem as "PROBLEM: ..." (tests/unit/cli/tst_locatetext.cpp).
            QVERIFY2(std::any_of(r.problems.cbegin(), r.problems.cend(),
                         [](const QString &p) {
                             return p.startsWith(u"MetalLB announces default/web from 2 nodes"_s);
                         }),
                qPrintable(r.problems.join(u'\n')));
        }
        if (QTest::currentDataTag() == QByteArray("ServiceL2Status names the node"))
            QCOMPARE(r.interface, u"eth1"_s);
    }

    void kubeVip_data()
    {
        QTest::addColumn<QJsonObject>("annotations");
        QTest::addColumn<QString>("lbClass");
        QTest::addColumn<QMap<QString, QByteArray>>("leases"); // path -> Lease
        QTest::addColumn<bool>("nodeAccess");
        QTest::addColumn<QString>("vipOn"); // node whose ip -j addr shows the VIP
        QTest::addColumn<QString>("method");
        QTest::addColumn<QString>("holder");
        QTest::addColumn<QStringList>("candidates");
        QTest::addColumn<QString>("evidence");
        QTest::addColumn<QStringList>("problems"); // each must appear; empty: no problem at all

        using Leases = QMap<QString, QByteArray>;
        const QJsonObject none;
        const QString cls = u"kube-vip.io/kube-vip-class"_s;
        QTest::newRow("per-service lease names the node")
            << none << cls << Leases {{kSvcLease, lease(u"lab-node-2"_s, 3)}} << false << QString()
            << u"kube-vip"_s << u"lab-node-2"_s << QStringList {u"lab-node-2"_s}
            << u"lease default/kubevip-web held by lab-node-2 (renewed "_s << QStringList();
        QTest::newRow("global plndr-svcs-lock, confirmed on the node")
            << none << cls << Leases {{kGlobalLease, lease(u"lab-node-3"_s, 2, 15, false)}} << true
            << u"lab-node-3"_s << u"kube-vip"_s << u"lab-node-3"_s << QStringList {u"lab-node-3"_s}
            << u"lease kube-system/plndr-svcs-lock held by lab-node-3"_s << QStringList();
        QTest::newRow("kube-vip.io/leaseName namespace/name")
            << QJsonObject {{u"kube-vip.io/leaseName"_s, u"kube-vip/web-lease"_s}} << QString()
            << Leases {{u"/apis/coordination.k8s.io/v1/namespaces/kube-vip/leases/web-lease"_s,
                   lease(u"lab-node-1"_s, 1)}}
            << false << QString() << u"kube-vip"_s << u"lab-node-1"_s << QStringList {u"lab-node-1"_s}
            << u"lease kube-vip/web-lease held by lab-node-1"_s << QStringList();
        QTest::newRow("expired lease is not trusted")
            << none << cls << Leases {{kSvcLease, lease(u"lab-node-2"_s, 120)}} << false << QString()
            << u"kube-vip"_s << QString() << QStringList {u"lab-node-2"_s}
            << u"lease default/kubevip-web names lab-node-2 but expired 10"_s
            << QStringList {u"kube-vip lease default/kubevip-web expired 10"_s,
                   u"its holder lab-node-2 is not trusted as the VIP node"_s};
        QTest::newRow("expired lease, the node does not hold the VIP")
            << none << cls << Leases {{kSvcLease, lease(u"lab-node-2"_s, 600, 15, false)}} << true
            << u"lab-node-1"_s << u"kube-vip"_s << QString() << QStringList {u"lab-node-2"_s}
            << u"ip -j addr on lab-node-2 (via test runner): VIP 203.0.113.10 not present"_s
            << QStringList {u"kube-vip lease default/kubevip-web expired"_s, u"was found on no node"_s};
        QTest::newRow("lease missing: the annotation decides")
            << QJsonObject {{u"kube-vip.io/vipHost"_s, u"lab-node-3"_s}} << QString() << Leases {} << false
            << QString() << u"kube-vip"_s << u"lab-node-3"_s << QStringList {u"lab-node-3"_s}
            << u"no kube-vip lease found (looked for default/kubevip-web, kube-system/plndr-svcs-lock)"_s
            << QStringList();
        QTest::newRow("lease missing, no annotation: generic probe")
            << none << cls << Leases {} << true << u"lab-node-1"_s << u"probe"_s << u"lab-node-1"_s
            << QStringList {u"lab-node-1"_s, u"lab-node-2"_s, u"lab-node-3"_s}
            << u"no kube-vip lease found (looked for default/kubevip-web, kube-system/plndr-svcs-lock)"_s
            << QStringList();
        QTest::newRow("annotation and lease disagree, no node access")
            << QJsonObject {{u"kube-vip.io/vipHost"_s, u"lab-node-3"_s}} << QString()
            << Leases {{kSvcLease, lease(u"lab-node-2"_s, 4)}} << false << QString() << u"kube-vip"_s
            << QString() << QStringList {u"lab-node-2"_s, u"lab-node-3"_s}
            << u"service annotation kube-vip.io/vipHost=lab-node-3"_s
            << QStringList {
                   u"annotation kube-vip.io/vipHost=lab-node-3 but lease default/kubevip-web is held by "
                   "lab-node-2"_s,
                   u"neither is trusted without node access"_s};
        QTest::newRow("annotation and lease disagree, the node decides")
            << QJsonObject {{u"kube-vip.io/vipHost"_s, u"lab-node-3"_s}} << QString()
            << Leases {{kSvcLease, lease(u"lab-node-2"_s, 4)}} << true << u"lab-node-2"_s << u"kube-vip"_s
            << u"lab-node-2"_s << QStringList {u"lab-node-2"_s, u"lab-node-3"_s}
            << u"ip -j addr on lab-node-2 (via test runner): VIP 203.0.113.10 on eth1"_s
            << QStringList {
                   u"lease default/kubevip-web is held by lab-node-2"_s, u"both nodes are checked"_s};
        QTest::newRow("annotation and lease agree")
            << QJsonObject {{u"kube-vip.io/vipHost"_s, u"lab-node-2"_s}} << QString()
            << Leases {{kSvcLease, lease(u"lab-node-2"_s, 4)}} << false << QString() << u"kube-vip"_s
            << u"lab-node-2"_s << QStringList {u"lab-node-2"_s}
            << u"lease default/kubevip-web held by lab-node-2"_s << QStringList();
    }
    void kubeVip()
    {
        QFETCH(QJsonObject, annotations);
        QFETCH(QString, lbClass);
        using Leases = QMap<QString, QByteArray>;
        QFETCH(Leases, leases);
        QFETCH(bool, nodeAccess);
        QFETCH(QString, vipOn);
        QFETCH(QString, method);
        QFETCH(QString, holder);
        QFETCH(QStringList, candidates);
        QFETCH(QString, evidence);
        QFETCH(QStringList, problems);
        Cluster c;
        c.annotations = annotations;
        c.loadBalancerClass = lbClass;
        for (auto it = leases.cbegin(); it != leases.cend(); ++it)
            c.objects.insert(it.key(), FakeResponse::json(200, it.value()));
        QMap<QString, QByteArray> addr;
        for (const QString &n : {u"lab-node-1"_s, u"lab-node-2"_s, u"lab-node-3"_s})
            addr.insert(n, ipAddr(n == vipOn));
        const auto o = locate(c, nodeAccess, addr);
        QVERIFY2(o.result.ok(), o.result.ok() ? "" : o.result.error().toString().c_str());
        const LocateResult &r = o.result.value();
        const QString ev = r.evidence.join(u'\n');
        const QString found = r.problems.join(u'\n');
        QCOMPARE(r.method, method);
        QCOMPARE(r.holderNode, holder);
        QCOMPARE(r.candidateNodes, candidates);
        QVERIFY2(ev.contains(evidence), qPrintable(ev));
        if (problems.isEmpty())
            QVERIFY2(found.isEmpty(), qPrintable(found));
        for (const QString &p : problems)
            QVERIFY2(found.contains(p), qPrintable(found));
        if (!holder.isEmpty() && nodeAccess)
            QVERIFY(o.probed.contains(holder)); // confirmed with ip -j addr, not taken on trust
        if (holder.isEmpty() && !nodeAccess)
            QVERIFY2(ev.contains(u"holder not confirmed"_s), qPrintable(ev));
        if (!nodeAccess)
            QCOMPARE(r.holders.isEmpty(), holder.isEmpty());
        // The per-service lease is always looked up before the global one.
        if (method == QLatin1String("kube-vip") && !annotations.contains(u"kube-vip.io/leaseName"_s))
            QVERIFY(requested(o.requests, kSvcLease));
    }

    void leaseTimeFormats_data()
    {
        QTest::addColumn<int>("ageS");
        QTest::addColumn<int>("durationS");
        QTest::addColumn<bool>("micro");
        QTest::addColumn<bool>("expired");
        QTest::newRow("MicroTime, fresh") << 5 << 15 << true << false;
        QTest::newRow("MicroTime, expired") << 30 << 15 << true << true;
        QTest::newRow("seconds, fresh") << 5 << 40 << false << false;
        QTest::newRow("seconds, expired") << 50 << 40 << false << true;
    }
    void leaseTimeFormats()
    {
        QFETCH(int, ageS);
        QFETCH(int, durationS);
        QFETCH(bool, micro);
        QFETCH(bool, expired);
        Cluster c;
        c.loadBalancerClass = u"kube-vip.io/kube-vip-class"_s;
        c.objects.insert(kSvcLease, FakeResponse::json(200, lease(u"lab-node-2"_s, ageS, durationS, micro)));
        const auto o = locate(c, false, {});
        QVERIFY2(o.result.ok(), o.result.ok() ? "" : o.result.error().toString().c_str());
        QCOMPARE(o.result->holderNode.isEmpty(), expired);
        QCOMPARE(o.result->problems.join(u'\n').contains(u"expired"_s), expired);
    }
};

QTEST_GUILESS_MAIN(TestLocatorSources)
#include "tst_locatorsources.moc"
