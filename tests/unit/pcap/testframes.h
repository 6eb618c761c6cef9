#pragma once
// Hand-built frames and capture files for the engine's unit tests (no Qt, no generator):
// link layers, IPv4/IPv6 (+extension headers, fragments, IP-in-IP), TCP with options, UDP, ICMP,
// classic pcap (µs or ns) through libpcap's pcap_dump, and pcapng written byte by byte.

#include <cstdint>
#include <string>
#include <vector>

namespace lbs::testing {

using Bytes = std::vector<uint8_t>;

struct TcpOpts {
    uint16_t mss = 0;
    int wscale = -1;
    bool sackPerm = false;
    int sackBlocks = 0;
    bool timestamps = false;
    uint32_t tsVal = 0, tsEcr = 0;
};

enum Flags : uint8_t { FIN = 1, SYN = 2, RST = 4, PSH = 8, ACK = 16 };

/// TCP header (+options) + payload.
Bytes tcpSegment(uint16_t sport, uint16_t dport, uint8_t flags, uint32_t seq, uint32_t ack, uint16_t win,
    const std::string &payload, const TcpOpts &opts = {});
Bytes udpDatagram(uint16_t sport, uint16_t dport, const std::string &payload);
/// ICMP destination unreachable (type 3) quoting `quotedIp` (its first 28 bytes).
Bytes icmpUnreachable(uint8_t code, const Bytes &quotedIp);

/// IPv4 header around `l4` (protocol proto). fragOffset in 8-byte units.
Bytes ipv4(const std::string &src, const std::string &dst, uint8_t proto, const Bytes &l4,
    bool moreFragments = false, uint16_t fragOffset = 0, uint16_t id = 1);
/// IPv6 header; `extHeaders` lists extension header types (0, 43, 60, 44) inserted before l4.
Bytes ipv6(const std::string &src, const std::string &dst, uint8_t proto, const Bytes &l4,
    const std::vector<uint8_t> &extHeaders = {});

Bytes udpDatagram(uint16_t sport, uint16_t dport, const Bytes &payload);

// Tunnel headers around an inner packet or frame (put the result in IP or UDP yourself).
/// GRE version 0: flags C/K/S present when the optionals are set.
Bytes gre(uint16_t proto, const Bytes &inner, bool checksum = false, int64_t key = -1, int64_t seq = -1);
/// VXLAN header (I flag, VNI) + inner Ethernet frame.
Bytes vxlan(uint32_t vni, const Bytes &frame);
/// Geneve header with `optionWords` 4-byte words of options (one TLV) + inner payload.
Bytes geneve(uint32_t vni, uint16_t proto, const Bytes &inner, int optionWords = 0);
/// ERSPAN type II header (version 1) + frame; put it in gre(0x88be, ..., seq).
Bytes erspan2(uint16_t session, const Bytes &frame);
/// ERSPAN type III header (version 2), optional 8-byte subheader, frame type 0 (Ethernet) or 2 (IP).
Bytes erspan3(uint16_t session, const Bytes &inner, bool subheader, int frameType = 0);

Bytes ethernet(
    const Bytes &l3, uint16_t etherType, const std::vector<uint16_t> &vlans = {}, bool qinq = false);
Bytes sll(const Bytes &l3, uint16_t etherType, uint16_t packetType = 0);
Bytes sll2(const Bytes &l3, uint16_t etherType, uint32_t ifIndex, uint8_t packetType);
Bytes nullLink(const Bytes &l3, uint32_t family, bool bigEndian);

struct Frame {
    int64_t tsNs = 0;
    Bytes data;
    uint32_t wireLen = 0; ///< 0 = data.size()
};

/// Classic pcap through libpcap (pcap_open_dead_with_tstamp_precision + pcap_dump_open).
void writePcap(const std::string &path, int linktype, const std::vector<Frame> &frames, bool nano = true,
    uint32_t snaplen = 262144);
/// pcapng written by hand: SHB, one IDB (if_tsresol 9 when nano, else default µs), EPBs.
void writePcapng(const std::string &path, int linktype, const std::vector<Frame> &frames, bool nano = true);
/// Cuts the last `bytes` bytes off a file (a tcpdump killed mid-record).
void truncateFile(const std::string &path, uint64_t bytes);
void writeFile(const std::string &path, const std::string &content);

/// One TCP connection between a client and a server, Ethernet/IPv4 frames, tracking seq/ack.
class TcpScript {
public:
    TcpScript(std::vector<Frame> &out, std::string client, uint16_t cport, std::string server, uint16_t sport,
        uint32_t cisn = 1000, uint32_t sisn = 5000);
    /// Client/server sends at tsNs with flags; payload advances that side's seq. ACK is set to the
    /// other side's next seq when flags has ACK.
    void c(int64_t tsNs, uint8_t flags, const std::string &payload = {}, uint16_t win = 65535);
    void s(int64_t tsNs, uint8_t flags, const std::string &payload = {}, uint16_t win = 65535);
    /// Sends with an explicit seq (retransmissions, out-of-order) without advancing state.
    void cAt(int64_t tsNs, uint8_t flags, uint32_t seq, const std::string &payload, uint16_t win = 65535);
    void sAt(int64_t tsNs, uint8_t flags, uint32_t seq, const std::string &payload, uint16_t win = 65535);
    /// A pure ACK from the client acknowledging `ack` (dup ACKs).
    void cAck(int64_t tsNs, uint32_t ack, uint16_t win = 65535);
    void sAck(int64_t tsNs, uint32_t ack, uint16_t win = 65535);
    uint32_t cseq() const { return m_cseq; }
    uint32_t sseq() const { return m_sseq; }
    void handshake(int64_t t0, int64_t synAckAfter, int64_t ackAfter);

private:
    void emit(bool fromClient, int64_t tsNs, uint8_t flags, uint32_t seq, uint32_t ack,
        const std::string &payload, uint16_t win);
    std::vector<Frame> &m_out;
    std::string m_client, m_server;
    uint16_t m_cport, m_sport;
    uint32_t m_cseq, m_sseq;
};

/// Seconds → nanoseconds since an arbitrary fixed epoch (2026-01-01 00:00:00 UTC).
constexpr int64_t T(double seconds)
{
    return 1767225600LL * 1000000000LL + static_cast<int64_t>(seconds * 1e9 + (seconds >= 0 ? 0.5 : -0.5));
}

} // namespace lbs::testing
