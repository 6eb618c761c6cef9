// core/pcap decodePacket through tunnels: IP-in-IP, GRE, ERSPAN, VXLAN, Geneve and VLAN tags
// decode to the inner packet with the outermost tunnel's addresses kept; what is not a tunnel
// (bad headers, non-IP inside, PPTP's GRE) stays the outer packet; nesting is bounded; every cut
// of every encapsulation stays inside the buffer (run under ASan).
#include "core/pcap/decodedpacket.h"
#include "testframes.h"

#include <QTest>

using namespace lbs::testing;
using lbs::pcap::DecodedPacket;
using lbs::pcap::decodePacket;
using lbs::pcap::TunnelKind;

Q_DECLARE_METATYPE(lbs::testing::Bytes)

namespace {

// The inner connection every row carries: 10.244.1.5:41000 -> 10.244.2.7:8080 (or IPv6).
Bytes inner4()
{
    return ipv4("10.244.1.5", "10.244.2.7", 6, tcpSegment(41000, 8080, SYN, 1, 0, 64240, ""));
}
Bytes inner6()
{
    return ipv6("fd00::5", "fd00::7", 6, tcpSegment(41000, 8080, SYN, 1, 0, 64240, ""));
}
Bytes innerEth()
{
    return ethernet(inner4(), 0x0800);
}
// Outer: node 192.0.2.1 -> node 192.0.2.2.
Bytes outer4(uint8_t proto, const Bytes &l4)
{
    return ethernet(ipv4("192.0.2.1", "192.0.2.2", proto, l4), 0x0800);
}
Bytes cat(Bytes a, const Bytes &b)
{
    a.insert(a.end(), b.begin(), b.end());
    return a;
}
Bytes udp4(uint16_t sport, uint16_t dport, const Bytes &payload)
{
    return outer4(17, udpDatagram(sport, dport, payload));
}

} // namespace

class TestTunnels : public QObject {
    Q_OBJECT
private slots:
    void encapsulations_data();
    void encapsulations();
    void notTunnels_data();
    void notTunnels();
    void nestingIsBounded();
    void everyTruncatedPrefixIsSafe();
};

void TestTunnels::encapsulations_data()
{
    QTest::addColumn<int>("linktype");
    QTest::addColumn<Bytes>("frame");
    QTest::addColumn<int>("kind");
    QTest::addColumn<uint32_t>("id");
    QTest::addColumn<QString>("outerSrc");
    QTest::addColumn<int>("depth");
    QTest::addColumn<int>("innerVersion");
    const int ipip = int(TunnelKind::IpInIp), greK = int(TunnelKind::Gre), vx = int(TunnelKind::Vxlan),
              gen = int(TunnelKind::Geneve), ers = int(TunnelKind::Erspan);
    const QString n1 = QStringLiteral("192.0.2.1");
    QTest::newRow("IPv4 in IPv4 (4)") << 1 << outer4(4, inner4()) << ipip << 0u << n1 << 1 << 4;
    QTest::newRow("IPv6 in IPv4 (41)") << 1 << outer4(41, inner6()) << ipip << 0u << n1 << 1 << 6;
    QTest::newRow("IPv4 in IPv6 (4-in-6)")
        << 1 << ethernet(ipv6("2001:db8::1", "2001:db8::2", 4, inner4()), 0x86dd) << ipip << 0u
        << QStringLiteral("2001:db8::1") << 1 << 4;
    QTest::newRow("GRE IPv4") << 1 << outer4(47, gre(0x0800, inner4())) << greK << 0u << n1 << 1 << 4;
    QTest::newRow("GRE checksum+key+seq IPv6")
        << 1 << outer4(47, gre(0x86dd, inner6(), true, 77, 5)) << greK << 77u << n1 << 1 << 6;
    QTest::newRow("GRE Ethernet (0x6558) over IPv6")
        << 1 << ethernet(ipv6("2001:db8::1", "2001:db8::2", 47, gre(0x6558, innerEth(), false, 9)), 0x86dd)
        << greK << 9u << QStringLiteral("2001:db8::1") << 1 << 4;
    QTest::newRow("ERSPAN type I") << 1 << outer4(47, gre(0x88be, innerEth())) << ers << 0u << n1 << 1 << 4;
    QTest::newRow("ERSPAN type II") << 1 << outer4(47, gre(0x88be, erspan2(300, innerEth()), false, -1, 1))
                                    << ers << 300u << n1 << 1 << 4;
    QTest::newRow("ERSPAN type III") << 1
                                     << outer4(47, gre(0x22eb, erspan3(5, innerEth(), false), false, -1, 2))
                                     << ers << 5u << n1 << 1 << 4;
    QTest::newRow("ERSPAN type III subheader, IP frame")
        << 1 << outer4(47, gre(0x22eb, erspan3(6, inner6(), true, 2), false, -1, 3)) << ers << 6u << n1 << 1
        << 6;
    QTest::newRow("VXLAN 4789") << 1 << udp4(51000, 4789, vxlan(4096, innerEth())) << vx << 4096u << n1 << 1
                                << 4;
    QTest::newRow("VXLAN 8472 (Linux, Flannel)")
        << 1 << udp4(51000, 8472, vxlan(1, innerEth())) << vx << 1u << n1 << 1 << 4;
    QTest::newRow("VXLAN reply (source port 4789)")
        << 1 << udp4(4789, 51000, vxlan(7, innerEth())) << vx << 7u << n1 << 1 << 4;
    QTest::newRow("VXLAN over IPv6, VLAN inside")
        << 1
        << ethernet(ipv6("2001:db8::1", "2001:db8::2", 17,
                        udpDatagram(51000, 4789, vxlan(2, ethernet(inner6(), 0x86dd, {42})))),
               0x86dd)
        << vx << 2u << QStringLiteral("2001:db8::1") << 1 << 6;
    QTest::newRow("Geneve Ethernet, options")
        << 1 << udp4(51000, 6081, geneve(99, 0x6558, innerEth(), 4)) << gen << 99u << n1 << 1 << 4;
    QTest::newRow("Geneve IP (GCP)") << 1 << udp4(51000, 6081, geneve(3, 0x0800, inner4())) << gen << 3u << n1
                                     << 1 << 4;
    QTest::newRow("802.1Q outside, VXLAN")
        << 1
        << ethernet(
               ipv4("192.0.2.1", "192.0.2.2", 17, udpDatagram(1, 4789, vxlan(5, innerEth()))), 0x0800, {100})
        << vx << 5u << n1 << 1 << 4;
    QTest::newRow("QinQ 0x9100 tag in SLL, IPIP")
        << 113
        << sll(cat(Bytes {0x00, 0x64, 0x08, 0x00}, ipv4("192.0.2.1", "192.0.2.2", 4, inner4())), 0x9100)
        << ipip << 0u << n1 << 1 << 4;
    QTest::newRow("SLL2 (-i any), VXLAN")
        << 276
        << sll2(ipv4("192.0.2.1", "192.0.2.2", 17, udpDatagram(1, 4789, vxlan(8, innerEth()))), 0x0800, 2, 0)
        << vx << 8u << n1 << 1 << 4;
    QTest::newRow("VXLAN inside GRE: the outermost is kept")
        << 1
        << outer4(47,
               gre(0x0800, ipv4("172.16.0.1", "172.16.0.2", 17, udpDatagram(1, 4789, vxlan(9, innerEth()))),
                   false, 11))
        << greK << 11u << n1 << 2 << 4;
}

void TestTunnels::encapsulations()
{
    QFETCH(int, linktype);
    QFETCH(Bytes, frame);
    QFETCH(int, kind);
    QFETCH(uint32_t, id);
    QFETCH(QString, outerSrc);
    QFETCH(int, depth);
    QFETCH(int, innerVersion);
    DecodedPacket p;
    QVERIFY(decodePacket(linktype, frame.data(), uint32_t(frame.size()), uint32_t(frame.size()), p));
    QVERIFY(p.tunnelled);
    QCOMPARE(int(p.tunnel), kind);
    QCOMPARE(p.tunnelId, id);
    QCOMPARE(QString::fromStdString(p.outerSrc.toString()), outerSrc);
    QVERIFY(p.outerDst.isSet());
    QCOMPARE(int(p.tunnelDepth), depth);
    QCOMPARE(int(p.ipVersion), innerVersion);
    QVERIFY(p.isTcp());
    QCOMPARE(p.srcPort, uint16_t(41000));
    QCOMPARE(p.dstPort, uint16_t(8080));
    QCOMPARE(p.tcpFlags, uint8_t(SYN));
    QCOMPARE(p.payloadLen, 0u);
    QCOMPARE(QString::fromStdString(p.src.toString()),
        innerVersion == 4 ? QStringLiteral("10.244.1.5") : QStringLiteral("fd00::5"));
}

void TestTunnels::notTunnels_data()
{
    QTest::addColumn<Bytes>("frame");
    QTest::addColumn<int>("ipProto");
    QTest::addColumn<int>("srcPort");
    Bytes noIFlag = vxlan(1, innerEth());
    noIFlag[0] = 0;
    const Bytes arp = ethernet(Bytes(28, 0), 0x0806);
    Bytes pptp = gre(0x880b, Bytes(20, 0));
    pptp[1] |= 1; // version 1
    Bytes geneveV1 = geneve(1, 0x6558, innerEth());
    geneveV1[0] |= 0x40;
    QTest::newRow("UDP 4789 without the VXLAN I flag") << udp4(5000, 4789, noIFlag) << 17 << 5000;
    QTest::newRow("VXLAN carrying ARP") << udp4(5000, 4789, vxlan(1, arp)) << 17 << 5000;
    QTest::newRow("VXLAN cut inside the header") << udp4(5000, 4789, Bytes {0x08, 0, 0}) << 17 << 5000;
    QTest::newRow("Geneve version 1") << udp4(5000, 6081, geneveV1) << 17 << 5000;
    QTest::newRow("Geneve options longer than the packet")
        << udp4(5000, 6081, Bytes {0x3f, 0, 0x65, 0x58, 0, 0, 1, 0}) << 17 << 5000;
    QTest::newRow("GRE version 1 (PPTP)") << outer4(47, pptp) << 47 << 0;
    QTest::newRow("GRE with unknown protocol") << outer4(47, gre(0x1234, inner4())) << 47 << 0;
    QTest::newRow("IP-in-IP with garbage inside") << outer4(4, Bytes(30, 0xff)) << 4 << 0;
}

void TestTunnels::notTunnels()
{
    QFETCH(Bytes, frame);
    QFETCH(int, ipProto);
    QFETCH(int, srcPort);
    DecodedPacket p;
    QVERIFY(decodePacket(1, frame.data(), uint32_t(frame.size()), uint32_t(frame.size()), p));
    QVERIFY(!p.tunnelled);
    QCOMPARE(int(p.tunnel), int(TunnelKind::None));
    QCOMPARE(int(p.ipProto), ipProto);
    QCOMPARE(int(p.srcPort), srcPort);
    QCOMPARE(QString::fromStdString(p.src.toString()), QStringLiteral("192.0.2.1"));
}

void TestTunnels::nestingIsBounded()
{
    // 40 levels of IP-in-IP: decoding stops after kMaxTunnelDepth, keeps the outermost addresses
    // and leaves the rest as the payload of the deepest packet it entered.
    Bytes b = inner4();
    for (int i = 0; i < 40; ++i)
        b = ipv4("198.51.100." + std::to_string(i + 1), "203.0.113.1", 4, b);
    DecodedPacket p;
    QVERIFY(decodePacket(12, b.data(), uint32_t(b.size()), uint32_t(b.size()), p));
    QVERIFY(p.tunnelled);
    QCOMPARE(int(p.tunnelDepth), lbs::pcap::kMaxTunnelDepth);
    QCOMPARE(QString::fromStdString(p.outerSrc.toString()), QStringLiteral("198.51.100.40"));
    QCOMPARE(int(p.ipProto), 4);
    QVERIFY(!p.isTcp());
}

void TestTunnels::everyTruncatedPrefixIsSafe()
{
    const std::vector<Bytes> frames = {
        outer4(47, gre(0x6558, innerEth(), true, 1, 2)),
        outer4(47, gre(0x22eb, erspan3(5, innerEth(), true), false, -1, 2)),
        outer4(47, gre(0x88be, erspan2(300, innerEth()), false, -1, 1)),
        udp4(1, 4789, vxlan(1, ethernet(inner4(), 0x0800, {1, 2}, true))),
        udp4(1, 6081, geneve(1, 0x6558, innerEth(), 8)),
        outer4(41, inner6()),
    };
    for (const Bytes &f : frames) {
        for (size_t len = 0; len <= f.size(); ++len) {
            std::vector<uint8_t> buf(f.begin(), f.begin() + static_cast<std::ptrdiff_t>(len));
            DecodedPacket p;
            decodePacket(1, buf.empty() ? nullptr : buf.data(), uint32_t(len), uint32_t(f.size()), p);
            QVERIFY(p.payloadCaptured <= len);
            QVERIFY(int(p.tunnelDepth) <= lbs::pcap::kMaxTunnelDepth);
        }
        DecodedPacket full;
        QVERIFY(decodePacket(1, f.data(), uint32_t(f.size()), uint32_t(f.size()), full));
        QVERIFY(full.isTcp() && full.tunnelled);
    }
}

QTEST_GUILESS_MAIN(TestTunnels)
#include "tst_tunnels.moc"
