#include "testframes.h"

#include <arpa/inet.h>
#include <pcap/pcap.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace lbs::testing {

namespace {

void put16(Bytes &b, uint16_t v)
{
    b.push_back(static_cast<uint8_t>(v >> 8));
    b.push_back(static_cast<uint8_t>(v));
}
void put32(Bytes &b, uint32_t v)
{
    put16(b, static_cast<uint16_t>(v >> 16));
    put16(b, static_cast<uint16_t>(v));
}
void le16(Bytes &b, uint16_t v)
{
    b.push_back(static_cast<uint8_t>(v));
    b.push_back(static_cast<uint8_t>(v >> 8));
}
void le32(Bytes &b, uint32_t v)
{
    le16(b, static_cast<uint16_t>(v));
    le16(b, static_cast<uint16_t>(v >> 16));
}
void append(Bytes &b, const Bytes &x)
{
    b.insert(b.end(), x.begin(), x.end());
}

} // namespace

Bytes tcpSegment(uint16_t sport, uint16_t dport, uint8_t flags, uint32_t seq, uint32_t ack, uint16_t win,
    const std::string &payload, const TcpOpts &o)
{
    Bytes opt;
    if (o.mss) {
        opt.push_back(2);
        opt.push_back(4);
        put16(opt, o.mss);
    }
    if (o.sackPerm) {
        opt.push_back(4);
        opt.push_back(2);
    }
    if (o.timestamps) {
        opt.push_back(8);
        opt.push_back(10);
        put32(opt, o.tsVal);
        put32(opt, o.tsEcr);
    }
    if (o.wscale >= 0) {
        opt.push_back(1); // NOP
        opt.push_back(3);
        opt.push_back(3);
        opt.push_back(static_cast<uint8_t>(o.wscale));
    }
    if (o.sackBlocks > 0) {
        opt.push_back(1);
        opt.push_back(1);
        opt.push_back(5);
        opt.push_back(static_cast<uint8_t>(2 + 8 * o.sackBlocks));
        for (int i = 0; i < o.sackBlocks; ++i) {
            put32(opt, 100u * static_cast<uint32_t>(i));
            put32(opt, 100u * static_cast<uint32_t>(i) + 50);
        }
    }
    while (opt.size() % 4)
        opt.push_back(0);
    Bytes b;
    put16(b, sport);
    put16(b, dport);
    put32(b, seq);
    put32(b, ack);
    b.push_back(static_cast<uint8_t>(((20 + opt.size()) / 4) << 4));
    b.push_back(flags);
    put16(b, win);
    put16(b, 0); // checksum (not verified)
    put16(b, 0);
    append(b, opt);
    b.insert(b.end(), payload.begin(), payload.end());
    return b;
}

Bytes udpDatagram(uint16_t sport, uint16_t dport, const std::string &payload)
{
    Bytes b;
    put16(b, sport);
    put16(b, dport);
    put16(b, static_cast<uint16_t>(8 + payload.size()));
    put16(b, 0);
    b.insert(b.end(), payload.begin(), payload.end());
    return b;
}

Bytes udpDatagram(uint16_t sport, uint16_t dport, const Bytes &payload)
{
    return udpDatagram(sport, dport, std::string(payload.begin(), payload.end()));
}

Bytes gre(uint16_t proto, const Bytes &inner, bool checksum, int64_t key, int64_t seq)
{
    Bytes b;
    put16(b,
        static_cast<uint16_t>((checksum ? 0x8000 : 0) | (key >= 0 ? 0x2000 : 0) | (seq >= 0 ? 0x1000 : 0)));
    put16(b, proto);
    if (checksum)
        put32(b, 0);
    if (key >= 0)
        put32(b, static_cast<uint32_t>(key));
    if (seq >= 0)
        put32(b, static_cast<uint32_t>(seq));
    append(b, inner);
    return b;
}

Bytes vxlan(uint32_t vni, const Bytes &frame)
{
    Bytes b;
    put32(b, 0x08000000);
    put32(b, vni << 8);
    append(b, frame);
    return b;
}

Bytes geneve(uint32_t vni, uint16_t proto, const Bytes &inner, int optionWords)
{
    Bytes b;
    b.push_back(static_cast<uint8_t>(optionWords & 0x3f));
    b.push_back(0);
    put16(b, proto);
    put32(b, vni << 8);
    if (optionWords > 0) { // one option: class 0x0102, type 0x80, length in words after its header
        put16(b, 0x0102);
        b.push_back(0x80);
        b.push_back(static_cast<uint8_t>(optionWords - 1));
        for (int i = 1; i < optionWords; ++i)
            put32(b, 0xa5a5a5a5u);
    }
    append(b, inner);
    return b;
}

Bytes erspan2(uint16_t session, const Bytes &frame)
{
    Bytes b;
    put16(b, 0x1000 | 10); // version 1, VLAN 10
    put16(b, session & 0x03ff);
    put32(b, 7); // index
    append(b, frame);
    return b;
}

Bytes erspan3(uint16_t session, const Bytes &inner, bool subheader, int frameType)
{
    Bytes b;
    put16(b, 0x2000 | 10); // version 2, VLAN 10
    put16(b, session & 0x03ff);
    put32(b, 123456); // timestamp
    put16(b, 0); // SGT
    put16(b, static_cast<uint16_t>(((frameType & 0x1f) << 10) | (subheader ? 1 : 0)));
    if (subheader) {
        put32(b, 0x11111111);
        put32(b, 0x22222222);
    }
    append(b, inner);
    return b;
}

Bytes icmpUnreachable(uint8_t code, const Bytes &quotedIp)
{
    Bytes b {3, code, 0, 0, 0, 0, 0, 0};
    b.insert(b.end(), quotedIp.begin(),
        quotedIp.begin() + static_cast<std::ptrdiff_t>(std::min<size_t>(28, quotedIp.size())));
    return b;
}

Bytes ipv4(const std::string &src, const std::string &dst, uint8_t proto, const Bytes &l4, bool mf,
    uint16_t fragOffset, uint16_t id)
{
    Bytes b;
    b.push_back(0x45);
    b.push_back(0);
    put16(b, static_cast<uint16_t>(20 + l4.size()));
    put16(b, id);
    put16(b, static_cast<uint16_t>((mf ? 0x2000 : 0) | (fragOffset & 0x1fff)));
    b.push_back(64);
    b.push_back(proto);
    put16(b, 0);
    uint8_t a[4];
    if (inet_pton(AF_INET, src.c_str(), a) != 1)
        throw std::runtime_error("bad IPv4 " + src);
    b.insert(b.end(), a, a + 4);
    if (inet_pton(AF_INET, dst.c_str(), a) != 1)
        throw std::runtime_error("bad IPv4 " + dst);
    b.insert(b.end(), a, a + 4);
    append(b, l4);
    return b;
}

Bytes ipv6(const std::string &src, const std::string &dst, uint8_t proto, const Bytes &l4,
    const std::vector<uint8_t> &ext)
{
    Bytes exts;
    for (size_t i = 0; i < ext.size(); ++i) {
        const uint8_t next = i + 1 < ext.size() ? ext[i + 1] : proto;
        if (ext[i] == 44) { // fragment header, offset 0, M=0 (atomic fragment)
            exts.insert(exts.end(), {next, 0, 0, 0, 0, 0, 0, 7});
        } else { // 8-byte options/routing header (PadN)
            exts.insert(exts.end(), {next, 0, 1, 4, 0, 0, 0, 0});
        }
    }
    Bytes b {0x60, 0, 0, 0};
    put16(b, static_cast<uint16_t>(exts.size() + l4.size()));
    b.push_back(ext.empty() ? proto : ext.front());
    b.push_back(64);
    uint8_t a[16];
    if (inet_pton(AF_INET6, src.c_str(), a) != 1)
        throw std::runtime_error("bad IPv6 " + src);
    b.insert(b.end(), a, a + 16);
    if (inet_pton(AF_INET6, dst.c_str(), a) != 1)
        throw std::runtime_error("bad IPv6 " + dst);
    b.insert(b.end(), a, a + 16);
    append(b, exts);
    append(b, l4);
    return b;
}

Bytes ethernet(const Bytes &l3, uint16_t etherType, const std::vector<uint16_t> &vlans, bool qinq)
{
    Bytes b {0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2};
    for (size_t i = 0; i < vlans.size(); ++i) {
        put16(b, (qinq && i == 0) ? 0x88a8 : 0x8100);
        put16(b, vlans[i]);
    }
    put16(b, etherType);
    append(b, l3);
    return b;
}

Bytes sll(const Bytes &l3, uint16_t etherType, uint16_t packetType)
{
    Bytes b;
    put16(b, packetType);
    put16(b, 1); // ARPHRD_ETHER
    put16(b, 6);
    b.insert(b.end(), {0x02, 0, 0, 0, 0, 1, 0, 0});
    put16(b, etherType);
    append(b, l3);
    return b;
}

Bytes sll2(const Bytes &l3, uint16_t etherType, uint32_t ifIndex, uint8_t packetType)
{
    Bytes b;
    put16(b, etherType);
    put16(b, 0);
    put32(b, ifIndex);
    put16(b, 1);
    b.push_back(packetType);
    b.push_back(6);
    b.insert(b.end(), {0x02, 0, 0, 0, 0, 1, 0, 0});
    append(b, l3);
    return b;
}

Bytes nullLink(const Bytes &l3, uint32_t family, bool bigEndian)
{
    Bytes b;
    if (bigEndian)
        put32(b, family);
    else
        le32(b, family);
    append(b, l3);
    return b;
}

void writePcap(
    const std::string &path, int linktype, const std::vector<Frame> &frames, bool nano, uint32_t snaplen)
{
    pcap_t *dead = pcap_open_dead_with_tstamp_precision(
        linktype, static_cast<int>(snaplen), nano ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO);
    pcap_dumper_t *d = pcap_dump_open(dead, path.c_str());
    if (!d)
        throw std::runtime_error("pcap_dump_open " + path + ": " + pcap_geterr(dead));
    for (const Frame &f : frames) {
        struct pcap_pkthdr h { };
        h.ts.tv_sec = static_cast<time_t>(f.tsNs / 1000000000);
        const int64_t frac = f.tsNs % 1000000000;
        h.ts.tv_usec = static_cast<suseconds_t>(nano ? frac : frac / 1000);
        h.caplen = static_cast<uint32_t>(std::min<size_t>(f.data.size(), snaplen));
        h.len = f.wireLen ? f.wireLen : static_cast<uint32_t>(f.data.size());
        pcap_dump(reinterpret_cast<u_char *>(d), &h, f.data.data());
    }
    pcap_dump_close(d);
    pcap_close(dead);
}

void writePcapng(const std::string &path, int linktype, const std::vector<Frame> &frames, bool nano)
{
    Bytes b;
    // Section Header Block
    le32(b, 0x0a0d0d0a);
    le32(b, 28);
    le32(b, 0x1a2b3c4d);
    le16(b, 1);
    le16(b, 0);
    le32(b, 0xffffffff);
    le32(b, 0xffffffff);
    le32(b, 28);
    // Interface Description Block (+ if_tsresol)
    const uint32_t idbLen = nano ? 20 + 8 + 4 : 20;
    le32(b, 1);
    le32(b, idbLen);
    le16(b, static_cast<uint16_t>(linktype));
    le16(b, 0);
    le32(b, 262144);
    if (nano) {
        le16(b, 9); // if_tsresol
        le16(b, 1);
        b.insert(b.end(), {9, 0, 0, 0});
        le16(b, 0); // opt_endofopt
        le16(b, 0);
    }
    le32(b, idbLen);
    for (const Frame &f : frames) {
        const uint32_t cap = static_cast<uint32_t>(f.data.size());
        const uint32_t padded = (cap + 3) & ~3u;
        const uint32_t len = 32 + padded;
        const uint64_t units = nano ? static_cast<uint64_t>(f.tsNs) : static_cast<uint64_t>(f.tsNs / 1000);
        le32(b, 6);
        le32(b, len);
        le32(b, 0);
        le32(b, static_cast<uint32_t>(units >> 32));
        le32(b, static_cast<uint32_t>(units));
        le32(b, cap);
        le32(b, f.wireLen ? f.wireLen : cap);
        append(b, f.data);
        b.insert(b.end(), padded - cap, 0);
        le32(b, len);
    }
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char *>(b.data()), static_cast<std::streamsize>(b.size()));
}

void truncateFile(const std::string &path, uint64_t bytes)
{
    const auto size = std::filesystem::file_size(path);
    std::filesystem::resize_file(path, size > bytes ? size - bytes : 0);
}

void writeFile(const std::string &path, const std::string &content)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
}

TcpScript::TcpScript(std::vector<Frame> &out, std::string client, uint16_t cport, std::string server,
    uint16_t sport, uint32_t cisn, uint32_t sisn)
    : m_out(out), m_client(std::move(client)), m_server(std::move(server)), m_cport(cport), m_sport(sport),
      m_cseq(cisn), m_sseq(sisn)
{
}

void TcpScript::emit(bool fromClient, int64_t tsNs, uint8_t flags, uint32_t seq, uint32_t ack,
    const std::string &payload, uint16_t win)
{
    const Bytes seg = fromClient ? tcpSegment(m_cport, m_sport, flags, seq, ack, win, payload)
                                 : tcpSegment(m_sport, m_cport, flags, seq, ack, win, payload);
    const Bytes ip = fromClient ? ipv4(m_client, m_server, 6, seg) : ipv4(m_server, m_client, 6, seg);
    m_out.push_back(Frame {tsNs, ethernet(ip, 0x0800), 0});
}

void TcpScript::c(int64_t tsNs, uint8_t flags, const std::string &payload, uint16_t win)
{
    emit(true, tsNs, flags, m_cseq, (flags & ACK) ? m_sseq : 0, payload, win);
    m_cseq += static_cast<uint32_t>(payload.size()) + ((flags & (SYN | FIN)) ? 1 : 0);
}

void TcpScript::s(int64_t tsNs, uint8_t flags, const std::string &payload, uint16_t win)
{
    emit(false, tsNs, flags, m_sseq, (flags & ACK) ? m_cseq : 0, payload, win);
    m_sseq += static_cast<uint32_t>(payload.size()) + ((flags & (SYN | FIN)) ? 1 : 0);
}

void TcpScript::cAt(int64_t tsNs, uint8_t flags, uint32_t seq, const std::string &payload, uint16_t win)
{
    emit(true, tsNs, flags, seq, (flags & ACK) ? m_sseq : 0, payload, win);
}

void TcpScript::sAt(int64_t tsNs, uint8_t flags, uint32_t seq, const std::string &payload, uint16_t win)
{
    emit(false, tsNs, flags, seq, (flags & ACK) ? m_cseq : 0, payload, win);
}

void TcpScript::cAck(int64_t tsNs, uint32_t ack, uint16_t win)
{
    emit(true, tsNs, ACK, m_cseq, ack, {}, win);
}

void TcpScript::sAck(int64_t tsNs, uint32_t ack, uint16_t win)
{
    emit(false, tsNs, ACK, m_sseq, ack, {}, win);
}

void TcpScript::handshake(int64_t t0, int64_t synAckAfter, int64_t ackAfter)
{
    c(t0, SYN);
    s(t0 + synAckAfter, SYN | ACK);
    c(t0 + synAckAfter + ackAfter, ACK);
}

} // namespace lbs::testing
