#include "corpuslinks.h"

namespace lbs::gen {

namespace {

void be16(std::vector<uint8_t> &b, uint16_t v)
{
    b.push_back(uint8_t(v >> 8));
    b.push_back(uint8_t(v));
}

void be32(std::vector<uint8_t> &b, uint32_t v)
{
    be16(b, uint16_t(v >> 16));
    be16(b, uint16_t(v));
}

} // namespace

std::vector<uint8_t> corpusLinkFrame(
    int dlt, const std::vector<uint8_t> &ip, bool v6, bool toServer, bool bigEndianFile)
{
    std::vector<uint8_t> f;
    const uint16_t ethertype = v6 ? 0x86DD : 0x0800;
    switch (dlt) {
    case 0: { // DLT_NULL: AF_INET 2, AF_INET6 24 (the BSD value)
        const uint32_t af = v6 ? 24 : 2;
        if (bigEndianFile)
            be32(f, af);
        else
            f = {uint8_t(af), 0, 0, 0};
        break;
    }
    case 108: // DLT_LOOP: the family in network order
        be32(f, v6 ? 24 : 2);
        break;
    case 1: // Ethernet
        f = {0x02, 0, 0, 0, 0x01, uint8_t(toServer ? 1 : 2), 0x02, 0, 0, 0, 0x01, uint8_t(toServer ? 2 : 1)};
        be16(f, ethertype);
        break;
    case 113: // Linux cooked v1: packet type, ARPHRD_ETHER, address length, address, protocol
        be16(f, toServer ? 0 : 4);
        be16(f, 1);
        be16(f, 6);
        f.insert(f.end(), {0x02, 0, 0, 0, 0x01, 0x02, 0, 0});
        be16(f, ethertype);
        break;
    case 276: // Linux cooked v2: protocol, reserved, interface index, ARPHRD_ETHER, type, length, address
        be16(f, ethertype);
        be16(f, 0);
        be32(f, 3);
        be16(f, 1);
        f.push_back(toServer ? 0 : 4);
        f.push_back(6);
        f.insert(f.end(), {0x02, 0, 0, 0, 0x01, 0x02, 0, 0});
        break;
    case 9: // PPP in HDLC-like framing: address, control, protocol
        f = {0xff, 0x03};
        be16(f, v6 ? 0x0057 : 0x0021);
        break;
    case 242: // IP over InfiniBand: source and destination address (20 bytes each), EtherType, reserved
        f.assign(40, 0);
        f[23] = 0x50; // destination QPN
        be16(f, ethertype);
        be16(f, 0);
        break;
    case 7: // ARCNET (BSD): source, destination station, RFC 1201 protocol ID, split flag, sequence
        f = {uint8_t(toServer ? 0x64 : 0x0a), uint8_t(toServer ? 0x0a : 0x64), uint8_t(v6 ? 0xc4 : 0xd4), 0};
        be16(f, 0x0165);
        break;
    case 129: // ARCNET (Linux): the same with a two-byte offset field after the stations
        f = {uint8_t(toServer ? 0x64 : 0x0a), uint8_t(toServer ? 0x0a : 0x64), 0, 0,
            uint8_t(v6 ? 0xc4 : 0xd4), 0};
        be16(f, 0x0166);
        break;
    case 178: // Juniper: "MGC", flags (extensions; 0x01 inbound), extension TLVs, the Ethernet frame
        f = {'M', 'G', 'C', uint8_t(toServer ? 0x81 : 0x80)};
        be16(f, 7);
        f.insert(f.end(), {0x03, 0x01, 0x01, 0x01, 0x02, 0x00, 0x8c}); // media type, interface index
        f.insert(f.end(),
            {0x02, 0, 0, 0, 0x01, uint8_t(toServer ? 1 : 2), 0x02, 0, 0, 0, 0x01, uint8_t(toServer ? 2 : 1)});
        be16(f, ethertype);
        break;
    default: // 12, 14, 101 raw IP; 228 IPv4; 229 IPv6
        break;
    }
    f.insert(f.end(), ip.begin(), ip.end());
    return f;
}

} // namespace lbs::gen
