// core/pcap decodePacket: every supported link type (ARCNET and Juniper's header included), VLAN/QinQ, IPv6
// extension headers, fragments, IP-in-IP, TCP options, ICMP quotes, and bounds on every truncated prefix.
#include "core/pcap/decodedpacket.h"
#include "testframes.h"

#include <QTest>

#include <arpa/inet.h>

using namespace lbs::testing;
using lbs::pcap::DecodedPacket;
using lbs::pcap::decodePacket;

Q_DECLARE_METATYPE(lbs::testing::Bytes)

class TestDecoder : public QObject {
    Q_OBJECT
private slots:
    void addressText_data();
    void addressText();
    void linkTypes_data();
    void linkTypes();
    void ipv6ExtensionHeaders();
    void fragments();
    void ipInIp_data();
    void ipInIp();
    void tcpOptions();
    void icmpPortUnreachableQuote();
    void everyTruncatedPrefixIsSafe();
    void ethernetPaddingIsNotPayload();
    void impossibleHeaders_data();
    void impossibleHeaders();
};

static Bytes v4tcp()
{
    return ipv4("192.0.2.1", "198.51.100.7", 6, tcpSegment(40000, 80, SYN, 1, 0, 1024, "abc"));
}
static Bytes v6tcp()
{
    return ipv6("2001:db8::1", "2001:db8::2", 6, tcpSegment(40000, 80, SYN, 1, 0, 1024, "abc"));
}

void TestDecoder::linkTypes_data()
{
    QTest::addColumn<int>("linktype");
    QTest::addColumn<Bytes>("frame");
    QTest::addColumn<int>("ipVersion");
    QTest::addColumn<int>("vlans");
    QTest::addColumn<int>("ifIndex");
    QTest::addColumn<int>("pktType");
    QTest::newRow("ethernet") << 1 << ethernet(v4tcp(), 0x0800) << 4 << 0 << -1 << -1;
    QTest::newRow("ethernet-ipv6") << 1 << ethernet(v6tcp(), 0x86dd) << 6 << 0 << -1 << -1;
    QTest::newRow("802.1Q") << 1 << ethernet(v4tcp(), 0x0800, {100}) << 4 << 1 << -1 << -1;
    QTest::newRow("802.1ad QinQ") << 1 << ethernet(v4tcp(), 0x0800, {200, 300}, true) << 4 << 2 << -1 << -1;
    QTest::newRow("SLL") << 113 << sll(v4tcp(), 0x0800, 4) << 4 << 0 << -1 << 4;
    QTest::newRow("SLL2") << 276 << sll2(v6tcp(), 0x86dd, 7, 4) << 6 << 0 << 7 << 4;
    QTest::newRow("RAW 12") << 12 << v4tcp() << 4 << 0 << -1 << -1;
    QTest::newRow("RAW 14") << 14 << v6tcp() << 6 << 0 << -1 << -1;
    QTest::newRow("RAW 101") << 101 << v4tcp() << 4 << 0 << -1 << -1;
    QTest::newRow("IPV4 228") << 228 << v4tcp() << 4 << 0 << -1 << -1;
    QTest::newRow("IPV6 229") << 229 << v6tcp() << 6 << 0 << -1 << -1;
    QTest::newRow("NULL little-endian") << 0 << nullLink(v4tcp(), 2, false) << 4 << 0 << -1 << -1;
    QTest::newRow("NULL big-endian v6") << 0 << nullLink(v6tcp(), 30, true) << 6 << 0 << -1 << -1;
    QTest::newRow("LOOP") << 108 << nullLink(v4tcp(), 2, true) << 4 << 0 << -1 << -1;
    const auto prefixed = [](Bytes head, const Bytes &ip) {
        head.insert(head.end(), ip.begin(), ip.end());
        return head;
    };
    QTest::newRow("PPP HDLC-framed") << 9 << prefixed({0xff, 0x03, 0x00, 0x21}, v4tcp()) << 4 << 0 << -1
                                     << -1;
    QTest::newRow("PPP compressed protocol") << 9 << prefixed({0x57}, v6tcp()) << 6 << 0 << -1 << -1;
    // two MPLS labels (bottom of stack on the second), then IPv4: over PPP and over Ethernet
    const Bytes labels {0x00, 0x01, 0x00, 0x40, 0x00, 0x02, 0x01, 0x40};
    QTest::newRow("PPP MPLS") << 9 << prefixed(prefixed({0xff, 0x03, 0x02, 0x81}, labels), v4tcp()) << 4 << 0
                              << -1 << -1;
    QTest::newRow("Ethernet MPLS") << 1 << ethernet(prefixed(labels, v6tcp()), 0x8847) << 6 << 0 << -1 << -1;
    Bytes ipoib(40, 0);
    ipoib.insert(ipoib.end(), {0x08, 0x00, 0x00, 0x00});
    QTest::newRow("IPoIB") << 242 << prefixed(ipoib, v4tcp()) << 4 << 0 << -1 << -1;
    // ARCNET: source, destination station, protocol ID, split flag, sequence number
    QTest::newRow("ARCNET RFC 1201") << 7 << prefixed({0x01, 0x02, 0xd4, 0x00, 0x01, 0x65}, v4tcp()) << 4 << 0
                                     << -1 << -1;
    QTest::newRow("ARCNET RFC 1201 exception packet")
        << 7 << prefixed({0x01, 0x02, 0xd4, 0xff, 0xff, 0xff, 0xd4, 0x00, 0x01, 0x65}, v4tcp()) << 4 << 0
        << -1 << -1;
    QTest::newRow("ARCNET RFC 1051") << 7 << prefixed({0x01, 0x02, 0xf0}, v4tcp()) << 4 << 0 << -1 << -1;
    QTest::newRow("ARCNET IPv6") << 7 << prefixed({0x01, 0x02, 0xc4, 0x00, 0x00, 0x01}, v6tcp()) << 6 << 0
                                 << -1 << -1;
    QTest::newRow("ARCNET Linux (offset field)")
        << 129 << prefixed({0xbe, 0x50, 0xa8, 0xe7, 0xd4, 0x00, 0x01, 0x66}, v4tcp()) << 4 << 0 << -1 << -1;
    QTest::newRow("ARCNET Linux RFC 1051")
        << 129 << prefixed({0xbe, 0x50, 0x00, 0x00, 0xf0}, v4tcp()) << 4 << 0 << -1 << -1;
    // Juniper: "MGC", flags (0x80 extensions, 0x02 no L2 header), extension length and TLVs
    QTest::newRow("Juniper Ethernet")
        << 178 << prefixed({'M', 'G', 'C', 0x80, 0x00, 0x03, 0x03, 0x01, 0x01}, ethernet(v4tcp(), 0x0800))
        << 4 << 0 << -1 << -1;
    QTest::newRow("Juniper Ethernet without extensions, 802.1Q")
        << 178 << prefixed({'M', 'G', 'C', 0x01}, ethernet(v6tcp(), 0x86dd, {100})) << 6 << 1 << -1 << -1;
    QTest::newRow("Juniper without an L2 header")
        << 178 << prefixed({'M', 'G', 'C', 0x82, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00}, v4tcp()) << 4 << 0 << -1
        << -1;
}

void TestDecoder::linkTypes()
{
    QFETCH(int, linktype);
    QFETCH(Bytes, frame);
    QFETCH(int, ipVersion);
    QFETCH(int, vlans);
    QFETCH(int, ifIndex);
    QFETCH(int, pktType);
    DecodedPacket p;
    QVERIFY(decodePacket(linktype, frame.data(), uint32_t(frame.size()), uint32_t(frame.size()), p));
    QCOMPARE(int(p.ipVersion), ipVersion);
    QVERIFY(p.isTcp());
    QCOMPARE(p.srcPort, uint16_t(40000));
    QCOMPARE(p.dstPort, uint16_t(80));
    QCOMPARE(p.tcpFlags, uint8_t(SYN));
    QCOMPARE(p.payloadLen, 3u);
    QCOMPARE(std::string(reinterpret_cast<const char *>(p.payload), p.payloadCaptured), std::string("abc"));
    QCOMPARE(int(p.vlanCount), vlans);
    if (vlans == 1)
        QCOMPARE(p.vlanIds[0], uint16_t(100));
    if (vlans == 2) {
        QCOMPARE(p.vlanIds[0], uint16_t(200));
        QCOMPARE(p.vlanIds[1], uint16_t(300));
    }
    QCOMPARE(int(p.ifIndex), ifIndex);
    QCOMPARE(int(p.sllPacketType), pktType);
    QCOMPARE(QString::fromStdString(p.src.toString()),
        ipVersion == 4 ? QStringLiteral("192.0.2.1") : QStringLiteral("2001:db8::1"));
}

void TestDecoder::ipv6ExtensionHeaders()
{
    const Bytes ip
        = ipv6("2001:db8::1", "2001:db8::2", 6, tcpSegment(1234, 443, ACK, 9, 9, 100, "xy"), {0, 43, 60});
    DecodedPacket p;
    QVERIFY(decodePacket(229, ip.data(), uint32_t(ip.size()), uint32_t(ip.size()), p));
    QCOMPARE(int(p.ipv6ExtHeaders), 3);
    QVERIFY(p.isTcp());
    QCOMPARE(p.dstPort, uint16_t(443));
    QCOMPARE(p.payloadLen, 2u);
    QVERIFY(!p.fragment);
    // An atomic fragment header (offset 0, M=0) is walked, not treated as a fragment.
    const Bytes ip2 = ipv6("2001:db8::1", "2001:db8::2", 17, udpDatagram(53, 5353, "q"), {44});
    QVERIFY(decodePacket(229, ip2.data(), uint32_t(ip2.size()), uint32_t(ip2.size()), p));
    QVERIFY(p.isUdp());
    QCOMPARE(p.srcPort, uint16_t(53));
}

void TestDecoder::fragments()
{
    const Bytes udp = udpDatagram(5000, 53, std::string(40, 'x'));
    const Bytes first = ipv4("192.0.2.1", "192.0.2.2", 17, Bytes(udp.begin(), udp.begin() + 24), true, 0, 77);
    const Bytes second = ipv4("192.0.2.1", "192.0.2.2", 17, Bytes(udp.begin() + 24, udp.end()), false, 3, 77);
    DecodedPacket p;
    QVERIFY(decodePacket(12, first.data(), uint32_t(first.size()), uint32_t(first.size()), p));
    QVERIFY(p.fragment);
    QVERIFY(p.firstFragment);
    QVERIFY(p.isUdp());
    QCOMPARE(p.dstPort, uint16_t(53));
    QVERIFY(decodePacket(12, second.data(), uint32_t(second.size()), uint32_t(second.size()), p));
    QVERIFY(p.fragment);
    QVERIFY(!p.firstFragment);
    QVERIFY(!p.isUdp()); // no transport header in a later fragment: not mis-parsed as ports
    QCOMPARE(p.srcPort, uint16_t(0));
    QCOMPARE(p.ipId, uint16_t(77));
}

void TestDecoder::ipInIp_data()
{
    QTest::addColumn<Bytes>("packet");
    QTest::addColumn<int>("innerVersion");
    const Bytes inner4 = ipv4("10.0.0.1", "10.0.0.2", 6, tcpSegment(5555, 8080, SYN, 1, 0, 10, ""));
    const Bytes inner6 = ipv6("fd00::1", "fd00::2", 6, tcpSegment(5555, 8080, SYN, 1, 0, 10, ""));
    QTest::newRow("IPv4 in IPv4 (proto 4)") << ipv4("198.51.100.1", "198.51.100.2", 4, inner4) << 4;
    QTest::newRow("IPv6 in IPv4 (proto 41)") << ipv4("198.51.100.1", "198.51.100.2", 41, inner6) << 6;
    QTest::newRow("IPv4 in IPv6 (next 4)") << ipv6("2001:db8::a", "2001:db8::b", 4, inner4) << 4;
}

void TestDecoder::ipInIp()
{
    QFETCH(Bytes, packet);
    QFETCH(int, innerVersion);
    DecodedPacket p;
    QVERIFY(decodePacket(12, packet.data(), uint32_t(packet.size()), uint32_t(packet.size()), p));
    QVERIFY(p.tunnelled);
    QCOMPARE(int(p.ipVersion), innerVersion);
    QVERIFY(p.isTcp());
    QCOMPARE(p.dstPort, uint16_t(8080));
    QVERIFY(p.outerSrc.isSet());
    QVERIFY(p.outerSrc != p.src);
}

void TestDecoder::tcpOptions()
{
    TcpOpts o;
    o.mss = 1460;
    o.wscale = 7;
    o.sackPerm = true;
    o.timestamps = true;
    o.tsVal = 123456;
    o.tsEcr = 654321;
    o.sackBlocks = 2;
    const Bytes ip = ipv4("192.0.2.1", "192.0.2.2", 6, tcpSegment(1, 2, SYN, 0, 0, 64240, "", o));
    DecodedPacket p;
    QVERIFY(decodePacket(12, ip.data(), uint32_t(ip.size()), uint32_t(ip.size()), p));
    QCOMPARE(p.tcpOptions.mss, uint16_t(1460));
    QCOMPARE(int(p.tcpOptions.windowScale), 7);
    QVERIFY(p.tcpOptions.sackPermitted);
    QVERIFY(p.tcpOptions.hasTimestamps);
    QCOMPARE(p.tcpOptions.tsVal, 123456u);
    QCOMPARE(p.tcpOptions.tsEcr, 654321u);
    QCOMPARE(int(p.tcpOptions.sackBlocks), 2);
    QCOMPARE(p.payloadLen, 0u);
}

void TestDecoder::icmpPortUnreachableQuote()
{
    const Bytes syn = ipv4("192.0.2.10", "203.0.113.5", 6, tcpSegment(41000, 80, SYN, 7, 0, 100, ""));
    const Bytes icmp = ipv4("203.0.113.5", "192.0.2.10", 1, icmpUnreachable(3, syn));
    DecodedPacket p;
    QVERIFY(decodePacket(12, icmp.data(), uint32_t(icmp.size()), uint32_t(icmp.size()), p));
    QVERIFY(p.isIcmp());
    QCOMPARE(int(p.icmpType), 3);
    QCOMPARE(int(p.icmpCode), 3);
    QVERIFY(p.icmpQuote.valid);
    QCOMPARE(int(p.icmpQuote.proto), 6);
    QCOMPARE(QString::fromStdString(p.icmpQuote.src.toString()), QStringLiteral("192.0.2.10:41000"));
    QCOMPARE(QString::fromStdString(p.icmpQuote.dst.toString()), QStringLiteral("203.0.113.5:80"));
}

void TestDecoder::everyTruncatedPrefixIsSafe()
{
    // Under ASan this proves no read outside [data, data+len) for every cut of every layer.
    TcpOpts o;
    o.mss = 1400;
    o.timestamps = true;
    const std::vector<std::pair<int, Bytes>> frames = {
        {1,
            ethernet(ipv4("192.0.2.1", "192.0.2.2", 6, tcpSegment(1, 2, SYN, 0, 0, 1, "data", o)), 0x0800,
                {5, 6}, true)},
        {276,
            sll2(ipv6("2001:db8::1", "2001:db8::2", 6, tcpSegment(1, 2, ACK, 0, 0, 1, "zz"), {0, 60, 44}),
                0x86dd, 3, 0)},
        {12,
            ipv4(
                "198.51.100.1", "198.51.100.2", 4, ipv4("10.0.0.1", "10.0.0.2", 17, udpDatagram(1, 2, "u")))},
        {12,
            ipv4("203.0.113.5", "192.0.2.10", 1,
                icmpUnreachable(
                    3, ipv4("192.0.2.10", "203.0.113.5", 6, tcpSegment(1, 2, SYN, 0, 0, 1, ""))))},
        {0, nullLink(ipv6("::1", "::1", 58, Bytes {128, 0, 0, 0, 0, 1, 0, 1}), 24, false)},
        {7,
            [] {
                Bytes f {0x01, 0x02, 0xd4, 0xff, 0xff, 0xff, 0xd4, 0x00, 0x01, 0x65};
                const Bytes ip = ipv4("192.0.2.1", "192.0.2.2", 6, tcpSegment(1, 2, SYN, 0, 0, 1, ""));
                f.insert(f.end(), ip.begin(), ip.end());
                return f;
            }()},
        {178,
            [] {
                Bytes f {'M', 'G', 'C', 0x80, 0x00, 0x03, 0x03, 0x01, 0x01};
                const Bytes e
                    = ethernet(ipv4("192.0.2.1", "192.0.2.2", 6, tcpSegment(1, 2, SYN, 0, 0, 1, "")), 0x0800);
                f.insert(f.end(), e.begin(), e.end());
                return f;
            }()},
    };
    int decoded = 0;
    for (const auto &[lt, f] : frames) {
        for (size_t len = 0; len <= f.size(); ++len) {
            // Copy into an exactly sized heap buffer so ASan sees any overrun.
            std::vector<uint8_t> buf(f.begin(), f.begin() + static_cast<std::ptrdiff_t>(len));
            DecodedPacket p;
            decoded
                += decodePacket(lt, buf.empty() ? nullptr : buf.data(), uint32_t(len), uint32_t(f.size()), p);
            QVERIFY(p.payloadCaptured <= len);
        }
        DecodedPacket full;
        QVERIFY(decodePacket(lt, f.data(), uint32_t(f.size()), uint32_t(f.size()), full));
        QVERIFY(full.layer == lbs::pcap::DecodeLayer::Transport);
    }
    QVERIFY(decoded > 0);
}

void TestDecoder::ethernetPaddingIsNotPayload()
{
    Bytes f = ethernet(ipv4("192.0.2.1", "192.0.2.2", 6, tcpSegment(1, 2, ACK, 0, 0, 1, "")), 0x0800);
    f.resize(60, 0); // minimum Ethernet frame: 6 bytes of padding
    DecodedPacket p;
    QVERIFY(decodePacket(1, f.data(), uint32_t(f.size()), uint32_t(f.size()), p));
    QCOMPARE(p.payloadLen, 0u);
    QCOMPARE(p.payloadCaptured, 0u);
}

void TestDecoder::impossibleHeaders_data()
{
    // v4tcp(): a 20-byte IPv4 header, a 20-byte TCP header and 3 bytes of payload. Each row sets
    // one length field, and captures the first `captured` bytes of the packet (0: all of it).
    QTest::addColumn<int>("totalLength"); // -1: as built (43)
    QTest::addColumn<int>("tcpOffsetWords"); // -1: as built (5)
    QTest::addColumn<int>("captured");
    QTest::addColumn<bool>("tcp");
    QTest::addColumn<bool>("malformed");
    QTest::addColumn<bool>("truncated");
    QTest::newRow("as built") << -1 << -1 << 0 << true << false << false;
    QTest::newRow("IPv4 total length 0 (TSO)") << 0 << -1 << 0 << true << false << false;
    QTest::newRow("IPv4 total length 10") << 10 << -1 << 0 << false << true << true;
    QTest::newRow("IPv4 total length 19") << 19 << -1 << 0 << false << true << true;
    QTest::newRow("IPv4 total length 20") << 20 << -1 << 0 << false << true << true;
    QTest::newRow("TCP offset 15 beyond the segment") << 40 << 15 << 0 << false << true << true;
    QTest::newRow("TCP offset 10 within the segment, cut by the snaplen")
        << 100 << 10 << 50 << true << false << true;
    QTest::newRow("TCP offset 4") << -1 << 4 << 0 << false << false << true;
}

void TestDecoder::impossibleHeaders()
{
    QFETCH(int, totalLength);
    QFETCH(int, tcpOffsetWords);
    QFETCH(int, captured);
    QFETCH(bool, tcp);
    QFETCH(bool, malformed);
    QFETCH(bool, truncated);
    Bytes f = v4tcp();
    const uint32_t wire = uint32_t(f.size());
    if (totalLength >= 0) {
        f[2] = uint8_t(totalLength >> 8);
        f[3] = uint8_t(totalLength);
    }
    if (tcpOffsetWords >= 0)
        f[32] = uint8_t((tcpOffsetWords << 4) | (f[32] & 0x0f));
    if (captured > 0)
        f.resize(size_t(captured));
    DecodedPacket p;
    QVERIFY(decodePacket(12, f.data(), uint32_t(f.size()), wire, p));
    QCOMPARE(p.ipVersion, uint8_t(4));
    QCOMPARE(p.isTcp(), tcp);
    QCOMPARE(p.malformed, malformed);
    QCOMPARE(p.headersTruncated, truncated);
}

void TestDecoder::addressText_data()
{
    QTest::addColumn<QString>("address");
    QTest::addColumn<int>("port");
    for (const char *a : {"0.0.0.0", "9.10.99.100", "255.255.255.255", "10.0.0.2", "192.0.2.11", "100.64.1.9",
             "2001:db8::1", "::ffff:192.0.2.1"})
        QTest::newRow(a) << QString::fromUtf8(a) << 8080;
    QTest::newRow("port 0") << QStringLiteral("198.51.100.7") << 0;
    QTest::newRow("port 65535") << QStringLiteral("198.51.100.7") << 65535;
}

void TestDecoder::addressText()
{
    QFETCH(QString, address);
    QFETCH(int, port);
    // The text is inet_ntop's (IPv4 is formatted by hand, without sprintf).
    const lbs::pcap::IpAddress ip = lbs::pcap::IpAddress::parse(address.toStdString());
    QVERIFY(ip.family == 4 || ip.family == 6);
    char expected[INET6_ADDRSTRLEN] = {};
    QVERIFY(inet_ntop(ip.family == 4 ? AF_INET : AF_INET6, ip.bytes.data(), expected, sizeof expected));
    QCOMPARE(ip.toString(), std::string(expected));
    const std::string withPort = ip.family == 6 ? "[" + std::string(expected) + "]:" + std::to_string(port)
                                                : std::string(expected) + ":" + std::to_string(port);
    QCOMPARE((lbs::pcap::Endpoint {ip, static_cast<uint16_t>(port)}.toString()), withPort);
}

QTEST_GUILESS_MAIN(TestDecoder)
#include "tst_decoder.moc"
