// LoadBalancerLocator against an in-test API server and scripted node outputs: IBM keepalived pods +
// `ip -j addr`, split brain, VIP nowhere, kube-vip annotation, MetalLB nodeAssigned event, generic probe,
// ETP Local without a local endpoint, cali* interface -> pod mapping.
#include "core/kube/ipjson.h"
#include "core/kube/loadbalancerlocator.h"
#include "fakeapiserver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace lbs::kube;
using namespace Qt::StringLiterals;

namespace {

QByteArray ipAddr(bool holdsVip, bool ipvs = false)
{
    QByteArray eth1
        = R"({"ifindex":3,"ifname":"eth1","address":"02:00:00:00:01:02","operstate":"UP","addr_info":[{"family":"inet","local":"203.0.113.11","prefixlen":24})";
    if (holdsVip)
        eth1 += R"(,{"family":"inet","local":"203.0.113.10","prefixlen":32})";
    eth1 += "]}";
    QByteArray out
        = R"([{"ifindex":1,"ifname":"lo","addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":8}]},)"
          R"({"ifindex":2,"ifname":"eth0","addr_info":[{"family":"inet","local":"198.51.100.11","prefixlen":24}]},)"
        + eth1 + R"(,{"ifindex":7,"ifname":"cali0a1b2c3d4e5","address":"ee:ee:ee:ee:ee:ee","addr_info":[]})";
    if (ipvs)
        out += R"(,{"ifindex":9,"ifname":"kube-ipvs0","addr_info":[{"family":"inet","local":"203.0.113.10","prefixlen":32}]})";
    return out + "]";
}

const QByteArray kRoutes
    = R"([{"dst":"default","gateway":"203.0.113.1","dev":"eth1"},{"dst":"192.0.2.2","dev":"cali0a1b2c3d4e5","scope":"link"},{"type":"blackhole","dst":"192.0.2.0/26"}])";

class ScriptedRunner : public NodeCommandRunner {
public:
    QMap<QString, QByteArray> addr;
    QStringList calls;
    lbs::Result<QByteArray> run(
        const QString &node, const QStringList &argv, const lbs::CancelToken &) override
    {
        calls << node + u' ' + argv.join(u' ');
        if (argv.value(2) == QLatin1String("route"))
            return kRoutes;
        if (!addr.contains(node))
            return lbs::Error {"node unreachable", node.toStdString(), {}};
        return addr.value(node);
    }
    QString transport() const override { return u"test runner"_s; }
};

struct Scenario {
    QString etp = u"Cluster"_s;
    bool ibm = true;
    QString annotation; // kube-vip.io/vipHost
    bool metallbEvent = false;
    QStringList endpointNodes {u"lab-node-1"_s, u"lab-node-2"_s, u"lab-node-3"_s};
};

FakeResponse route(const FakeRequest &r, const Scenario &s)
{
    if (r.path == QLatin1String("/api/v1/namespaces/default/services/web")) {
        QJsonObject ann;
        if (!s.annotation.isEmpty())
            ann.insert(u"kube-vip.io/vipHost"_s, s.annotation);
        const QJsonObject svc {
            {u"metadata"_s,
                QJsonObject {{u"name"_s, u"web"_s}, {u"namespace"_s, u"default"_s}, {u"annotations"_s, ann}}},
            {u"spec"_s,
                QJsonObject {{u"type"_s, u"LoadBalancer"_s}, {u"externalTrafficPolicy"_s, s.etp},
                    {u"ports"_s,
                        QJsonArray {QJsonObject {
                            {u"port"_s, 80}, {u"protocol"_s, u"TCP"_s}, {u"nodePort"_s, 30080}}}}}},
            {u"status"_s,
                QJsonObject {{u"loadBalancer"_s,
                    QJsonObject {{u"ingress"_s, QJsonArray {QJsonObject {{u"ip"_s, u"203.0.113.10"_s}}}}}}}}};
        return FakeResponse::json(200, QJsonDocument(svc).toJson());
    }
    if (r.path.endsWith(QLatin1String("/endpointslices"))) {
        QJsonArray eps;
        int i = 0;
        for (const QString &n : s.endpointNodes) {
            ++i;
            eps.append(QJsonObject {{u"addresses"_s, QJsonArray {u"192.0.2.%1"_s.arg(i)}}, {u"nodeName"_s, n},
                {u"conditions"_s, QJsonObject {{u"ready"_s, true}}},
                {u"targetRef"_s,
                    QJsonObject {{u"kind"_s, u"Pod"_s}, {u"name"_s, u"web-%1"_s.arg(i)},
                        {u"namespace"_s, u"default"_s}}}});
        }
        return FakeResponse::json(200,
            QJsonDocument(QJsonObject {{u"items"_s, QJsonArray {QJsonObject {{u"endpoints"_s, eps}}}}})
                .toJson());
    }
    if (r.path == QLatin1String("/api/v1/namespaces/ibm-system/pods")) {
        if (!s.ibm || r.query(u"labelSelector"_s) != QLatin1String("ibm-cloud-provider-ip=203-0-113-10"))
            return FakeResponse::json(200, R"({"items":[]})");
        QJsonArray items;
        for (const QString &n : {u"lab-node-1"_s, u"lab-node-2"_s})
            items.append(QJsonObject {
                {u"metadata"_s,
                    QJsonObject {
                        {u"name"_s, QString(u"ibm-cloud-provider-ip-203-0-113-10-x-" + n.right(1))}}},
                {u"spec"_s, QJsonObject {{u"nodeName"_s, n}}},
                {u"status"_s,
                    QJsonObject {{u"phase"_s, u"Running"_s},
                        {u"conditions"_s,
                            QJsonArray {QJsonObject {{u"type"_s, u"Ready"_s}, {u"status"_s, u"True"_s}}}}}}});
        return FakeResponse::json(200, QJsonDocument(QJsonObject {{u"items"_s, items}}).toJson());
    }
    if (r.path == QLatin1String("/api/v1/namespaces/default/events")) {
        if (!s.metallbEvent)
            return FakeResponse::json(200, R"({"items":[]})");
        return FakeResponse::json(200,
            "{\"items\":[{\"reason\":\"nodeAssigned\",\"lastTimestamp\":\"2026-01-01T00:00:00Z\",\"message\":"
            "\"announcing from node \\\"lab-node-2\\\" with protocol \\\"layer2\\\"\"},"
            "{\"reason\":\"nodeAssigned\",\"lastTimestamp\":\"2026-01-02T00:00:00Z\",\"message\":"
            "\"announcing from node \\\"lab-node-3\\\" with protocol \\\"layer2\\\"\"}]}");
    }
    if (r.path == QLatin1String("/api/v1/nodes"))
        return FakeResponse::json(200,
            R"({"items":[{"metadata":{"name":"lab-node-1"}},{"metadata":{"name":"lab-node-2"}},{"metadata":{"name":"lab-node-3"}},)"
            R"({"metadata":{"name":"edge","labels":{"node.kubernetes.io/exclude-from-external-load-balancers":""}}}]})");
    if (r.path == QLatin1String("/api/v1/pods"))
        return FakeResponse::json(200,
            R"({"items":[{"metadata":{"name":"web-7d9c8b-k4x2m","namespace":"default"},"spec":{},"status":{"podIP":"192.0.2.2"}}]})");
    return FakeResponse::kubeStatus(404, u"NotFound"_s, r.path + u" not found"_s);
}

} // namespace

class TestLocator : public QObject {
    Q_OBJECT
private slots:
    void locate_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("ibm: node 1 holds") << u"ibm1"_s;
        QTest::newRow("ibm: split brain") << u"split"_s;
        QTest::newRow("ibm: VIP nowhere") << u"none"_s;
        QTest::newRow("ibm: ipvs dummy ignored") << u"ipvs"_s;
        QTest::newRow("kube-vip annotation") << u"kubevip"_s;
        QTest::newRow("metallb newest event") << u"metallb"_s;
        QTest::newRow("probe all nodes") << u"probe"_s;
        QTest::newRow("etp local without local endpoint") << u"etplocal"_s;
        QTest::newRow("node unreachable") << u"unreachable"_s;
    }
    void locate()
    {
        QFETCH(QString, name);
        Scenario s;
        ScriptedRunner runner;
        runner.addr = {{u"lab-node-1"_s, ipAddr(true)}, {u"lab-node-2"_s, ipAddr(false)},
            {u"lab-node-3"_s, ipAddr(false)}};
        if (name == QLatin1String("split"))
            runner.addr[u"lab-node-2"_s] = ipAddr(true);
        if (name == QLatin1String("none"))
            runner.addr[u"lab-node-1"_s] = ipAddr(false);
        if (name == QLatin1String("ipvs")) {
            runner.addr[u"lab-node-1"_s] = ipAddr(false, true);
            runner.addr[u"lab-node-2"_s] = ipAddr(true, true);
        }
        if (name == QLatin1String("kubevip")) {
            s.ibm = false;
            s.annotation = u"lab-node-3"_s;
            runner.addr[u"lab-node-1"_s] = ipAddr(false);
            runner.addr[u"lab-node-3"_s] = ipAddr(true);
        }
        if (name == QLatin1String("metallb")) {
            s.ibm = false;
            s.metallbEvent = true;
        }
        if (name == QLatin1String("probe"))
            s.ibm = false;
        if (name == QLatin1String("etplocal")) {
            s.etp = u"Local"_s;
            s.endpointNodes = {u"lab-node-2"_s, u"lab-node-3"_s};
        }
        if (name == QLatin1String("unreachable"))
            runner.addr.remove(u"lab-node-2"_s);
        FakeApiServer server([&](const FakeRequest &r) { return route(r, s); });
        ResolvedContext ctx;
        ctx.context.name = u"t"_s;
        ctx.cluster.server = server.url();
        ctx.user.token = u"x"_s;
        auto client = KubeClient::create(ctx);
        QVERIFY(client.ok());
        LoadBalancerLocator locator(**client, &runner);
        lbs::CancelToken cancel;
        auto r = locator.locate(u"default"_s, u"web"_s, cancel);
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().toString().c_str());
        const QString problems = r->problems.join(u'\n');
        const QString evidence = r->evidence.join(u'\n');
        QCOMPARE(r->vip, u"203.0.113.10"_s);
        QCOMPARE(r->endpoints.size(), s.endpointNodes.size());
        if (name == QLatin1String("ibm1") || name == QLatin1String("etplocal")
            || name == QLatin1String("unreachable")) {
            QCOMPARE(r->method, u"ibm-keepalived"_s);
            QCOMPARE(r->holderNode, u"lab-node-1"_s);
            QCOMPARE(r->interface, u"eth1"_s);
            QVERIFY2(
                evidence.contains(u"ip -j addr on lab-node-1 (via test runner): VIP 203.0.113.10 on eth1"_s),
                qPrintable(evidence));
            QVERIFY(evidence.contains(u"keepalived pod ibm-system/ibm-cloud-provider-ip-203-0-113-10-x-2"_s));
        }
        if (name == QLatin1String("ibm1")) {
            QCOMPARE(r->standbyNodes, QStringList {u"lab-node-2"_s});
            QVERIFY2(problems.isEmpty(), qPrintable(problems));
            // cali interface mapped to the pod through the node's routes and the API's pod IPs.
            bool mapped = false;
            for (const InterfaceRole &i : r->interfaces)
                mapped = mapped
                    || (i.name == QLatin1String("cali0a1b2c3d4e5")
                        && i.pod == QLatin1String("default/web-7d9c8b-k4x2m"));
            QVERIFY(mapped);
            const QJsonObject j = r->toJson();
            QCOMPARE(j.value(u"holder_node"_s).toString(), u"lab-node-1"_s);
            QCOMPARE(j.value(u"method"_s).toString(), u"ibm-keepalived"_s);
            QCOMPARE(j.value(u"endpoints"_s).toArray().first().toObject().value(u"node"_s).toString(),
                u"lab-node-1"_s);
            // The CLI prints these as "holder     lab-node-1 on eth1" (tests/unit/cli/tst_locatetext.cpp).
            QCOMPARE(r->holderNode, u"lab-node-1"_s);
            QCOMPARE(r->interface, u"eth1"_s);
        }
        if (name == QLatin1String("split")) {
            QVERIFY(r->holderNode.isEmpty());
            QCOMPARE(r->holders.size(), 2);
            QVERIFY2(problems.contains(u"on 2 nodes at once"_s), qPrintable(problems));
        }
        if (name == QLatin1String("none")) {
            QVERIFY(r->holderNode.isEmpty());
            QVERIFY2(problems.contains(u"found on no node"_s), qPrintable(problems));
        }
        if (name == QLatin1String("ipvs")) {
            QCOMPARE(r->holderNode, u"lab-node-2"_s);
            QVERIFY(evidence.contains(u"kube-ipvs0, ignored"_s));
        }
        if (name == QLatin1String("kubevip")) {
            QCOMPARE(r->method, u"kube-vip"_s);
            QCOMPARE(r->holderNode, u"lab-node-3"_s);
            QVERIFY(evidence.contains(u"kube-vip.io/vipHost=lab-node-3"_s));
        }
        if (name == QLatin1String("metallb")) {
            QCOMPARE(r->method, u"metallb-l2"_s);
            QCOMPARE(r->holderNode, u"lab-node-3"_s); // the newest event wins
            QVERIFY(!runner.calls.join(u' ').contains(u"lab-node-1 ip -j addr"_s));
        }
        if (name == QLatin1String("probe")) {
            QCOMPARE(r->method, u"probe"_s);
            QCOMPARE(r->holderNode, u"lab-node-1"_s);
            QCOMPARE(r->candidateNodes.size(), 3); // the excluded node is not probed
            QVERIFY(r->standbyNodes.isEmpty());
        }
        if (name == QLatin1String("etplocal"))
            QVERIFY2(
                problems.contains(
                    u"externalTrafficPolicy is Local but the VIP node lab-node-1 runs no ready endpoint"_s),
                qPrintable(problems));
        if (name == QLatin1String("unreachable"))
            QVERIFY2(problems.contains(u"could not check node lab-node-2"_s), qPrintable(problems));
    }

    void notALoadBalancer()
    {
        FakeApiServer server([](const FakeRequest &) {
            return FakeResponse::json(
                200, R"({"metadata":{"name":"db","namespace":"default"},"spec":{"type":"ClusterIP"}})");
        });
        ResolvedContext ctx;
        ctx.cluster.server = server.url();
        auto client = KubeClient::create(ctx);
        LoadBalancerLocator locator(**client, nullptr);
        lbs::CancelToken cancel;
        auto r = locator.locate(u"default"_s, u"db"_s, cancel);
        QVERIFY(!r.ok());
        QVERIFY(QString::fromStdString(r.error().message).contains(u"of type ClusterIP, not LoadBalancer"_s));
    }

    void ipJsonErrors()
    {
        QVERIFY(!parseIpAddr("Object \"-j\" is unknown").ok());
        auto ok = parseIpAddr(ipAddr(true));
        QVERIFY(ok.ok());
        QCOMPARE(ok->size(), 4);
        QVERIFY(ok->at(2).hasAddress(u"203.0.113.10"_s));
    }
};

QTEST_GUILESS_MAIN(TestLocator)
#include "tst_locator.moc"
