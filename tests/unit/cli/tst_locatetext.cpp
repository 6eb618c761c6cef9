// The text of `lbscope-cli locate`, line by line, for results built here.
#include "locatetext.h"

#include <QTest>

using namespace Qt::StringLiterals;
using lbs::kube::EndpointInfo;
using lbs::kube::InterfaceRole;
using lbs::kube::LocateResult;

class TestLocateText : public QObject {
    Q_OBJECT

private slots:
    void text_data()
    {
        QTest::addColumn<LocateResult>("result");
        QTest::addColumn<QString>("expected");

        LocateResult held;
        held.nameSpace = u"default"_s;
        held.service = u"web"_s;
        held.vip = u"203.0.113.10"_s;
        held.ports = QStringList {u"80/TCP"_s, u"443/TCP"_s};
        held.externalTrafficPolicy = u"Local"_s;
        held.method = u"ibm-keepalived"_s;
        held.evidence = QStringList {u"keepalived pod ibm-system/k-1 on node lab-node-1: Running, ready"_s,
            u"ip -j addr on lab-node-1 (via debug pod): VIP 203.0.113.10 on eth1"_s};
        held.holderNode = u"lab-node-1"_s;
        held.interface = u"eth1"_s;
        held.standbyNodes = QStringList {u"lab-node-2"_s, u"lab-node-3"_s};
        EndpointInfo ready;
        ready.ip = u"10.244.1.5"_s;
        ready.nodeName = u"lab-node-1"_s;
        ready.podName = u"web-1"_s;
        ready.podNamespace = u"default"_s;
        ready.ready = true;
        EndpointInfo bare;
        bare.ip = u"10.244.2.7"_s;
        held.endpoints = {ready, bare};
        held.interfaces = {InterfaceRole {u"eth1"_s, {u"203.0.113.10/32"_s, u"192.0.2.11/24"_s},
                               u"holds the VIP 203.0.113.10 (capture here for client traffic)"_s, {}},
            InterfaceRole {u"cali0a1"_s, {}, u"pod default/web-1 (10.244.1.5)"_s, u"default/web-1"_s}};
        held.problems = QStringList {u"only 1 keepalived pod for VIP 203.0.113.10"_s};
        QTest::newRow("holder with interface, standbys, endpoints, interfaces and a problem")
            << held
            << u"service    default/web  VIP 203.0.113.10  ports 80/TCP,443/TCP  externalTrafficPolicy "
               u"Local\n"
               "holder     lab-node-1 on eth1\n"
               "standby    lab-node-2, lab-node-3\n"
               "method     ibm-keepalived\n"
               "  evidence: keepalived pod ibm-system/k-1 on node lab-node-1: Running, ready\n"
               "  evidence: ip -j addr on lab-node-1 (via debug pod): VIP 203.0.113.10 on eth1\n"
               "endpoints\n"
               "  10.244.1.5  node lab-node-1  default/web-1\n"
               "  10.244.2.7  node ?    (not ready)\n"
               "interfaces on lab-node-1\n"
               "  eth1  203.0.113.10/32,192.0.2.11/24  holds the VIP 203.0.113.10 (capture here for client "
               "traffic)\n"
               "  cali0a1    pod default/web-1 (10.244.1.5)\n"
               "PROBLEM: only 1 keepalived pod for VIP 203.0.113.10\n"_s;

        LocateResult split;
        split.nameSpace = u"default"_s;
        split.service = u"web"_s;
        split.vip = u"203.0.113.20"_s;
        split.ports = QStringList {u"80/TCP"_s};
        split.externalTrafficPolicy = u"Cluster"_s;
        split.method = u"metallb-l2"_s;
        split.holders = QStringList {u"lab-node-1"_s, u"lab-node-2"_s};
        split.problems = QStringList {
            u"MetalLB announces default/web from 2 nodes at once"_s, u"service has no ready endpoints"_s};
        QTest::newRow("no single holder: unknown, no standby, no interfaces, two problems")
            << split
            << u"service    default/web  VIP 203.0.113.20  ports 80/TCP  externalTrafficPolicy Cluster\n"
               "holder     (unknown)\n"
               "standby    (none)\n"
               "method     metallb-l2\n"
               "endpoints\n"
               "PROBLEM: MetalLB announces default/web from 2 nodes at once\n"
               "PROBLEM: service has no ready endpoints\n"_s;
    }

    void text()
    {
        QFETCH(LocateResult, result);
        QFETCH(QString, expected);
        QCOMPARE(lbs::cli::locateText(result), expected);
    }
};

QTEST_GUILESS_MAIN(TestLocateText)
#include "tst_locatetext.moc"
