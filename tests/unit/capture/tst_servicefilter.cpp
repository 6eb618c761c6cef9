// capture::serviceFilter compiled by libpcap for `tcpdump -i any` (SLL2) and run on hand-built frames:
// both sides of the NAT match, so do their VXLAN and IP-in-IP encapsulated copies on the uplink (the
// inner addresses and port are an endpoint's), and nothing else does: other pods' tunnelled traffic,
// the tool's SSH, an endpoint on another port.
#include "core/capture/captureplan.h"
#include "core/pcap/bpffilter.h"
#include "testframes.h"

#include <QTest>

using namespace lbs::testing;

namespace {

constexpr int kSll2 = 276;
const std::vector<lbs::pcap::ServiceEndpoint> kEndpoints {
    {"web-1", "default", "lab-node-1", "192.0.2.2", 8080},
    {"web-3", "default", "lab-node-3", "192.0.2.130", 8080},
};

Bytes tcp4(const std::string &src, uint16_t sport, const std::string &dst, uint16_t dport)
{
    return ipv4(src, dst, 6, tcpSegment(sport, dport, SYN, 1000, 0, 64240, {}));
}

Bytes onAny(const Bytes &l3)
{
    return sll2(l3, 0x0800, 2, 4);
}

/// `inner` in VXLAN (VNI 4096) between two nodes' private addresses, on UDP `port`.
Bytes inVxlan(const Bytes &inner, uint16_t port = 4789)
{
    return onAny(ipv4("198.51.100.11", "198.51.100.13", 17,
        udpDatagram(51000, port, vxlan(4096, ethernet(inner, 0x0800)))));
}

Bytes inIpip(const Bytes &inner)
{
    return onAny(ipv4("198.51.100.11", "198.51.100.13", 4, inner));
}

} // namespace

class TestServiceFilter : public QObject {
    Q_OBJECT

private slots:
    void matches_data()
    {
        QTest::addColumn<QByteArray>("frame");
        QTest::addColumn<bool>("match");
        const auto row = [](const char *name, const Bytes &b, bool m) {
            QTest::newRow(name) << QByteArray(reinterpret_cast<const char *>(b.data()), qsizetype(b.size()))
                                << m;
        };
        const Bytes toPod = tcp4("192.0.2.0", 42644, "192.0.2.130", 8080);
        const Bytes fromPod = tcp4("192.0.2.130", 8080, "192.0.2.0", 42644);
        row("client to VIP", onAny(tcp4("203.0.113.100", 47316, "203.0.113.10", 80)), true);
        row("VIP to client", onAny(tcp4("203.0.113.10", 80, "203.0.113.100", 47316)), true);
        row("to a local pod, plain", onAny(tcp4("198.51.100.11", 40000, "192.0.2.2", 8080)), true);
        row("on the tunnel device, plain", onAny(toPod), true);
        row("VXLAN to a remote pod", inVxlan(toPod), true);
        row("VXLAN from a remote pod", inVxlan(fromPod), true);
        row("VXLAN on Linux's port 8472", inVxlan(toPod, 8472), true);
        row("IP-in-IP to a remote pod", inIpip(toPod), true);
        row("IP-in-IP from a remote pod", inIpip(fromPod), true);
        row("VXLAN to another pod", inVxlan(tcp4("192.0.2.0", 42644, "192.0.2.131", 8080)), false);
        row("VXLAN to the pod on another port", inVxlan(tcp4("192.0.2.0", 42644, "192.0.2.130", 9090)),
            false);
        row("VXLAN from the pod's port to elsewhere", inVxlan(tcp4("192.0.2.131", 8080, "192.0.2.0", 42644)),
            false);
        row("IP-in-IP to another pod", inIpip(tcp4("192.0.2.0", 42644, "192.0.2.66", 8080)), false);
        row("VXLAN carrying UDP to the pod",
            inVxlan(ipv4("192.0.2.0", "192.0.2.130", 17, udpDatagram(42644, 8080, std::string("x")))), false);
        row("the tool's SSH", onAny(tcp4("198.51.100.5", 50022, "198.51.100.11", 22)), false);
        row("the pod on another port, plain", onAny(tcp4("198.51.100.11", 40000, "192.0.2.2", 9090)), false);
    }
    void matches()
    {
        QFETCH(QByteArray, frame);
        QFETCH(bool, match);
        const std::string expr = lbs::capture::serviceFilter("203.0.113.10", {80}, kEndpoints);
        const auto f = lbs::pcap::BpfFilter::compile(expr, {kSll2});
        QVERIFY2(f.ok(), f.ok() ? "" : f.error().message.c_str());
        const auto *d = reinterpret_cast<const uint8_t *>(frame.constData());
        QCOMPARE(f->matches(kSll2, d, uint32_t(frame.size()), uint32_t(frame.size())), match);
    }

    // Addresses that are no IPv4 never reach the tunnel clauses; beyond 128 endpoints they are left
    // out (a BPF program libpcap compiles in under a second).
    void compiles_data()
    {
        QTest::addColumn<int>("endpoints");
        QTest::addColumn<QString>("extraIp");
        QTest::addColumn<bool>("tunnelClauses");
        QTest::newRow("IPv6 endpoint only") << 0 << QStringLiteral("2001:db8::5") << false;
        QTest::newRow("one IPv4") << 1 << QString() << true;
        QTest::newRow("128 IPv4") << 128 << QString() << true;
        QTest::newRow("129 IPv4: plain clauses only") << 129 << QString() << false;
    }
    void compiles()
    {
        QFETCH(int, endpoints);
        QFETCH(QString, extraIp);
        QFETCH(bool, tunnelClauses);
        std::vector<lbs::pcap::ServiceEndpoint> eps;
        for (int i = 0; i < endpoints; ++i)
            eps.push_back({"p", "default", "n",
                "10.1." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1), 8080});
        if (!extraIp.isEmpty())
            eps.push_back({"p", "default", "n", extraIp.toStdString(), 8080});
        const std::string expr = lbs::capture::serviceFilter("203.0.113.10", {80}, eps);
        QCOMPARE(expr.find("port 4789") != std::string::npos, tunnelClauses);
        QCOMPARE(expr.find("ip proto 4") != std::string::npos, tunnelClauses);
        if (extraIp == QLatin1String("2001:db8::5"))
            QVERIFY(expr.find("host 2001:db8::5") != std::string::npos);
        const auto f = lbs::pcap::BpfFilter::compile(expr, {kSll2});
        QVERIFY2(f.ok(), f.ok() ? "" : f.error().message.c_str());
    }
};

QTEST_GUILESS_MAIN(TestServiceFilter)
#include "tst_servicefilter.moc"
