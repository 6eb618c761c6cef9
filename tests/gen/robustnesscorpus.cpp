#include "robustnesscorpus.h"

#include "corpuslinks.h"
#include "framebuilder.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace lbs::gen {

namespace {

using Bytes = std::vector<uint8_t>;

// ---- IP packets of one HTTP exchange ----------------------------------------------------------

const uint8_t kClient4[4] = {203, 0, 113, 100}, kServer4[4] = {203, 0, 113, 10};
const uint8_t kClient6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x64};
const uint8_t kServer6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0a};

void be16(Bytes &b, uint16_t v)
{
    b.push_back(uint8_t(v >> 8));
    b.push_back(uint8_t(v));
}

void be32(Bytes &b, uint32_t v)
{
    be16(b, uint16_t(v >> 16));
    be16(b, uint16_t(v));
}

struct Segment {
    bool toServer;
    uint32_t seq, ack;
    uint8_t flags; // FIN 1, SYN 2, RST 4, PSH 8, ACK 16
    std::string payload;
};

Bytes ipPacket(bool v6, const Segment &s)
{
    const uint8_t *src = v6 ? (s.toServer ? kClient6 : kServer6) : (s.toServer ? kClient4 : kServer4);
    const uint8_t *dst = v6 ? (s.toServer ? kServer6 : kClient6) : (s.toServer ? kServer4 : kClient4);
    const size_t alen = v6 ? 16 : 4;
    Bytes tcp;
    be16(tcp, s.toServer ? 40000 : 80);
    be16(tcp, s.toServer ? 80 : 40000);
    be32(tcp, s.seq);
    be32(tcp, s.ack);
    tcp.push_back(5 << 4);
    tcp.push_back(s.flags);
    be16(tcp, 64240);
    be16(tcp, 0); // checksum, below
    be16(tcp, 0);
    tcp.insert(tcp.end(), s.payload.begin(), s.payload.end());
    Bytes pseudo(src, src + alen);
    pseudo.insert(pseudo.end(), dst, dst + alen);
    be16(pseudo, 6);
    be16(pseudo, uint16_t(tcp.size()));
    const uint16_t sum
        = checksumFinish(checksumAdd(tcp.data(), tcp.size(), checksumAdd(pseudo.data(), pseudo.size(), 0)));
    tcp[16] = uint8_t(sum >> 8);
    tcp[17] = uint8_t(sum);
    Bytes ip;
    if (v6) {
        be32(ip, 0x60000000);
        be16(ip, uint16_t(tcp.size()));
        ip.push_back(6);
        ip.push_back(64);
    } else {
        ip.push_back(0x45);
        ip.push_back(0);
        be16(ip, uint16_t(20 + tcp.size()));
        be16(ip, 1);
        be16(ip, 0x4000);
        ip.push_back(64);
        ip.push_back(6);
        be16(ip, 0);
    }
    ip.insert(ip.end(), src, src + alen);
    ip.insert(ip.end(), dst, dst + alen);
    if (!v6) {
        const uint16_t h = checksumFinish(checksumAdd(ip.data(), ip.size(), 0));
        ip[10] = uint8_t(h >> 8);
        ip[11] = uint8_t(h);
    }
    ip.insert(ip.end(), tcp.begin(), tcp.end());
    return ip;
}

std::vector<Segment> exchange()
{
    const std::string req = "GET /health HTTP/1.1\r\nHost: web\r\n\r\n";
    const std::string resp = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    const uint32_t c = 1000, s = 5000;
    const auto rl = uint32_t(req.size()), pl = uint32_t(resp.size());
    return {{true, c, 0, 2, {}}, {false, s, c + 1, 18, {}}, {true, c + 1, s + 1, 16, {}},
        {true, c + 1, s + 1, 24, req}, {false, s + 1, c + 1 + rl, 24, resp},
        {true, c + 1 + rl, s + 1 + pl, 17, {}}, {false, s + 1 + pl, c + 2 + rl, 17, {}},
        {true, c + 2 + rl, s + 2 + pl, 16, {}}};
}

// ---- link layers ------------------------------------------------------------------------------

struct Frame {
    Bytes bytes;
    bool toServer;
};

std::vector<Frame> framesFor(int dlt, bool bigEndianFile)
{
    std::vector<Frame> out;
    for (const bool v6 : {false, true}) {
        if ((dlt == 228 && v6) || (dlt == 229 && !v6))
            continue;
        for (const Segment &s : exchange())
            out.push_back({corpusLinkFrame(dlt, ipPacket(v6, s), v6, s.toServer, bigEndianFile), s.toServer});
    }
    return out;
}

// ---- containers -------------------------------------------------------------------------------

/// A file being built in one byte order, remembering where each structure starts and ends.
struct File {
    bool big = false;
    Bytes b;
    std::set<size_t> boundaries;
    std::map<std::string, size_t> at; ///< named field offsets, for the out-of-range variants
    void u16(uint16_t v)
    {
        if (big)
            be16(b, v);
        else
            b.insert(b.end(), {uint8_t(v), uint8_t(v >> 8)});
    }
    void u32(uint32_t v)
    {
        if (big)
            be32(b, v);
        else
            b.insert(b.end(), {uint8_t(v), uint8_t(v >> 8), uint8_t(v >> 16), uint8_t(v >> 24)});
    }
    void mark(const std::string &name)
    {
        boundaries.insert(b.size());
        if (!at.count(name))
            at[name] = b.size();
    }
    void set32(size_t offset, uint32_t v)
    {
        for (int i = 0; i < 4; ++i)
            b[offset + size_t(i)] = uint8_t(big ? v >> (24 - 8 * i) : v >> (8 * i));
    }
    void set16(size_t offset, uint16_t v)
    {
        b[offset] = uint8_t(big ? v >> 8 : v);
        b[offset + 1] = uint8_t(big ? v : v >> 8);
    }
};

constexpr uint32_t kEpochSec = 1'796'000'000; // 2026-11-30

File pcapFile(int dlt, const std::vector<Frame> &frames, bool big, bool nanosecond)
{
    File f;
    f.big = big;
    f.mark("magic");
    f.u32(nanosecond ? 0xa1b23c4d : 0xa1b2c3d4);
    f.mark("version");
    f.u16(2);
    f.u16(4);
    f.u32(0);
    f.u32(0);
    f.mark("snaplen");
    f.u32(262144);
    f.mark("linktype");
    f.u32(uint32_t(dlt));
    for (size_t i = 0; i < frames.size(); ++i) {
        const std::string n = std::to_string(i);
        f.mark("rec" + n + ".ts");
        f.u32(kEpochSec + uint32_t(i / 4));
        f.mark("rec" + n + ".frac");
        f.u32(uint32_t(i % 4) * (nanosecond ? 250'000'000u : 250'000u) + 17);
        f.mark("rec" + n + ".caplen");
        f.u32(uint32_t(frames[i].bytes.size()));
        f.mark("rec" + n + ".len");
        f.u32(uint32_t(frames[i].bytes.size()));
        f.mark("rec" + n + ".data");
        f.b.insert(f.b.end(), frames[i].bytes.begin(), frames[i].bytes.end());
    }
    f.mark("end");
    return f;
}

void pcapngBlock(File &f, const std::string &name, uint32_t type, const std::function<void(File &)> &body)
{
    f.mark(name + ".type");
    const size_t start = f.b.size();
    f.u32(type);
    f.mark(name + ".length");
    f.u32(0);
    f.mark(name + ".body");
    body(f);
    while (f.b.size() % 4)
        f.b.push_back(0);
    f.mark(name + ".trailer");
    const auto len = uint32_t(f.b.size() - start + 4);
    f.u32(len);
    f.set32(start + 4, len);
    f.mark(name + ".end");
}

void option(File &f, uint16_t code, const Bytes &value)
{
    f.u16(code);
    f.u16(uint16_t(value.size()));
    f.b.insert(f.b.end(), value.begin(), value.end());
    while (f.b.size() % 4)
        f.b.push_back(0);
}

void pcapngSection(File &f, int dlt, const std::vector<Frame> &frames, const std::string &prefix)
{
    pcapngBlock(f, prefix + "shb", 0x0A0D0D0A, [](File &s) {
        s.mark("shb.bom");
        s.u32(0x1A2B3C4D);
        s.mark("shb.version");
        s.u16(1);
        s.u16(0);
        s.mark("shb.sectionlength");
        s.u32(0xffffffff);
        s.u32(0xffffffff);
    });
    pcapngBlock(f, prefix + "idb", 1, [dlt](File &s) {
        s.mark("idb.linktype");
        s.u16(uint16_t(dlt));
        s.u16(0);
        s.u32(262144);
        s.mark("idb.ifname");
        option(s, 2, {'e', 't', 'h', '1'});
        s.mark("idb.tsresol");
        option(s, 9, {9});
        option(s, 0, {});
    });
    for (size_t i = 0; i < frames.size(); ++i) {
        const uint64_t ts = (uint64_t(kEpochSec) + i / 4) * 1'000'000'000ull + (i % 4) * 250'000'000ull + 17;
        pcapngBlock(f, prefix + "epb" + std::to_string(i), 6, [&, i](File &s) {
            s.mark("epb.ifid");
            s.u32(0);
            s.u32(uint32_t(ts >> 32));
            s.u32(uint32_t(ts));
            s.mark("epb.caplen");
            s.u32(uint32_t(frames[i].bytes.size()));
            s.u32(uint32_t(frames[i].bytes.size()));
            s.b.insert(s.b.end(), frames[i].bytes.begin(), frames[i].bytes.end());
        });
    }
}

File pcapngFile(int dlt, const std::vector<Frame> &frames, bool big)
{
    File f;
    f.big = big;
    pcapngSection(f, dlt, frames, {});
    return f;
}

// ---- the corpus -------------------------------------------------------------------------------

struct Writer {
    std::string dir;
    std::vector<std::string> names;
    std::string error;
    void write(const std::string &name, const Bytes &bytes)
    {
        const std::string path = dir + '/' + name;
        FILE *fp = std::fopen(path.c_str(), "wb");
        if (!fp || std::fwrite(bytes.data(), 1, bytes.size(), fp) != bytes.size() || std::fclose(fp) != 0) {
            if (error.empty())
                error = "cannot write " + path;
            return;
        }
        names.push_back(name);
    }
};

const std::pair<int, const char *> kLinks[] = {{0, "null"}, {1, "ethernet"}, {7, "arcnet"}, {9, "ppp"},
    {12, "raw12"}, {14, "raw14"}, {101, "raw"}, {108, "loop"}, {113, "sll"}, {129, "arcnet-linux"},
    {178, "juniper-ether"}, {228, "ipv4"}, {229, "ipv6"}, {242, "ipoib"}, {276, "sll2"}};

void validFiles(Writer &w)
{
    for (const auto &[dlt, name] : kLinks) {
        const std::string n = name;
        w.write(n + "-le-us.pcap", pcapFile(dlt, framesFor(dlt, false), false, false).b);
        w.write(n + "-be-ns.pcap", pcapFile(dlt, framesFor(dlt, true), true, true).b);
        w.write(n + "-le.pcapng", pcapngFile(dlt, framesFor(dlt, false), false).b);
        w.write(n + "-be.pcapng", pcapngFile(dlt, framesFor(dlt, true), true).b);
    }
}

/// Every cut of @p f at a structure boundary before @p limit, and one byte either side of it.
void cuts(Writer &w, const std::string &stem, const File &f, size_t limit)
{
    std::set<size_t> at;
    for (const size_t b : f.boundaries)
        for (const size_t c : {b - 1, b, b + 1})
            if (b > 0 && b <= limit && c < f.b.size())
                at.insert(c);
    for (const size_t c : at)
        w.write(stem + "-cut-" + std::to_string(c), Bytes(f.b.begin(), f.b.begin() + long(c)));
}

void pcapFields(Writer &w)
{
    const File base = pcapFile(1, framesFor(1, false), false, false);
    const auto variant = [&](const std::string &name, const std::function<void(File &)> &edit) {
        File f = base;
        edit(f);
        w.write("pcap-" + name + ".pcap", f.b);
    };
    const size_t v = base.at.at("version"), snap = base.at.at("snaplen"), lt = base.at.at("linktype");
    const size_t ts = base.at.at("rec0.ts"), frac = base.at.at("rec0.frac");
    const size_t cap = base.at.at("rec0.caplen"), len = base.at.at("rec0.len");
    const uint32_t frame0 = uint32_t(framesFor(1, false)[0].bytes.size());
    variant("version-1.0", [v](File &f) { f.set16(v, 1), f.set16(v + 2, 0); });
    variant("version-3.0", [v](File &f) { f.set16(v, 3); });
    variant("magic-modified", [](File &f) { f.set32(0, 0xa1b2cd34); });
    variant("magic-unknown", [](File &f) { f.set32(0, 0x0badcafe); });
    variant("snaplen-0", [snap](File &f) { f.set32(snap, 0); });
    variant("snaplen-max", [snap](File &f) { f.set32(snap, 0xffffffff); });
    variant("snaplen-below-caplen", [snap](File &f) { f.set32(snap, 40); });
    variant("linktype-unknown", [lt](File &f) { f.set32(lt, 0xfff0); });
    variant("linktype-user0", [lt](File &f) { f.set32(lt, 147); });
    variant("linktype-fcs-bits", [lt](File &f) { f.set32(lt, 0x14000001); });
    variant("caplen-over-wirelen", [len, frame0](File &f) { f.set32(len, frame0 - 10); });
    variant("caplen-huge", [cap](File &f) { f.set32(cap, 0x7fffffff); });
    variant("caplen-0", [cap](File &f) { f.set32(cap, 0); });
    variant("caplen-short", [cap](File &f) { f.set32(cap, 7); });
    variant("wirelen-0", [len](File &f) { f.set32(len, 0); });
    variant("frac-over-second", [frac](File &f) { f.set32(frac, 2'000'000); });
    variant("ts-max", [ts](File &f) { f.set32(ts, 0xffffffff); });
    variant("ts-backwards", [&base](File &f) { f.set32(base.at.at("rec3.ts"), 1'000'000'000); });
    cuts(w, "pcap", base, base.at.at("rec2.ts"));
}

void pcapngFields(Writer &w)
{
    const std::vector<Frame> frames = framesFor(1, false);
    const File base = pcapngFile(1, frames, false);
    const auto variant = [&](const std::string &name, const std::function<void(File &)> &edit) {
        File f = base;
        edit(f);
        w.write("pcapng-" + name + ".pcapng", f.b);
    };
    const auto &a = base.at;
    variant("shb-length-short", [&a](File &f) { f.set32(a.at("shb.length"), 12); });
    variant("shb-length-unaligned", [&a](File &f) { f.set32(a.at("shb.length"), 29); });
    variant("shb-trailer-mismatch", [&a](File &f) { f.set32(a.at("shb.trailer"), 44); });
    variant("shb-bom-wrong", [&a](File &f) { f.set32(a.at("shb.bom"), 0x11223344); });
    variant("shb-version-2", [&a](File &f) { f.set16(a.at("shb.version"), 2); });
    variant("shb-section-length-short", [&a](File &f) {
        f.set32(a.at("shb.sectionlength"), 8);
        f.set32(a.at("shb.sectionlength") + 4, 0);
    });
    variant("idb-missing", [&a](File &f) {
        f.b.erase(f.b.begin() + long(a.at("idb.type")), f.b.begin() + long(a.at("idb.end")));
    });
    variant("idb-linktype-unknown", [&a](File &f) { f.set16(a.at("idb.linktype"), 0xfff0); });
    variant("idb-tsresol-2-63", [&a](File &f) { f.b[a.at("idb.tsresol") + 4] = 0x80 | 63; });
    variant("idb-tsresol-10-127", [&a](File &f) { f.b[a.at("idb.tsresol") + 4] = 127; });
    variant("idb-option-overrun", [&a](File &f) { f.set16(a.at("idb.ifname") + 2, 0xfff0); });
    variant("epb-interface-5", [&a](File &f) { f.set32(a.at("epb.ifid"), 5); });
    variant("epb-caplen-over-block", [&a](File &f) { f.set32(a.at("epb.caplen"), 0xffff); });
    variant("epb-length-huge", [&a](File &f) { f.set32(a.at("epb0.length"), 0x7ffffff0); });
    variant("epb-length-0", [&a](File &f) { f.set32(a.at("epb0.length"), 0); });
    variant("unknown-block", [&a](File &f) {
        File extra;
        pcapngBlock(extra, "x", 0x0BAD0BAD, [](File &s) { s.u32(0x12345678); });
        f.b.insert(f.b.begin() + long(a.at("epb0.type")), extra.b.begin(), extra.b.end());
    });
    variant("second-section-big-endian", [&frames](File &f) {
        File second = pcapngFile(1, frames, true);
        f.b.insert(f.b.end(), second.b.begin(), second.b.end());
    });
    cuts(w, "pcapng", base, base.at.at("epb2.type"));
}

/// One-packet captures whose packet headers are out of range.
void packetFields(Writer &w)
{
    const Bytes syn = ipPacket(false, exchange()[0]);
    const Bytes syn6 = ipPacket(true, exchange()[0]);
    const auto one = [&](const std::string &name, int dlt, Bytes frame) {
        w.write("packet-" + name + ".pcap", pcapFile(dlt, {{std::move(frame), true}}, false, false).b);
    };
    const auto ip4 = [&](const std::string &name, const std::function<void(Bytes &)> &edit) {
        Bytes ip = syn;
        edit(ip);
        one(name, 101, ip);
    };
    ip4("ipv4-ihl-4", [](Bytes &p) { p[0] = 0x44; });
    ip4("ipv4-ihl-15", [](Bytes &p) { p[0] = 0x4f; });
    ip4("ipv4-total-length-max", [](Bytes &p) { p[2] = p[3] = 0xff; });
    ip4("ipv4-total-length-10", [](Bytes &p) { p[2] = 0, p[3] = 10; });
    ip4("ipv4-fragment", [](Bytes &p) { p[6] = 0x20, p[7] = 0x10; });
    ip4("ip-version-7", [](Bytes &p) { p[0] = 0x75; });
    ip4("tcp-offset-4", [](Bytes &p) { p[32] = 4 << 4; });
    ip4("tcp-offset-15", [](Bytes &p) { p[32] = 15 << 4; });
    ip4("tcp-cut-in-header", [](Bytes &p) { p.resize(30); });
    ip4("ipv4-options-overrun", [](Bytes &p) { p[0] = 0x46, p[20] = 0x44, p[21] = 40; });
    Bytes v6huge = syn6;
    v6huge[4] = v6huge[5] = 0xff;
    one("ipv6-payload-length-max", 101, v6huge);
    Bytes chain = syn6; // 20 hop-by-hop headers before TCP
    chain[6] = 0;
    Bytes ext;
    for (int i = 0; i < 20; ++i)
        ext.insert(ext.end(), {uint8_t(i == 19 ? 6 : 0), 0, 0, 0, 0, 0, 0, 0});
    chain.insert(chain.begin() + 40, ext.begin(), ext.end());
    one("ipv6-extension-chain-20", 101, chain);
    Bytes loopExt = syn6; // a routing header claiming a length past the packet
    loopExt[6] = 43;
    loopExt.insert(loopExt.begin() + 40, {6, 255, 0, 0, 0, 0, 0, 0});
    one("ipv6-extension-overrun", 101, loopExt);
    Bytes eth = corpusLinkFrame(1, syn, false, true, false);
    one("ethernet-cut-10", 1, Bytes(eth.begin(), eth.begin() + 10));
    Bytes vlans(eth.begin(), eth.begin() + 12);
    for (int i = 0; i < 10; ++i)
        vlans.insert(vlans.end(), {0x81, 0x00, 0x00, uint8_t(i + 1)});
    vlans.insert(vlans.end(), eth.begin() + 12, eth.end());
    one("ethernet-vlan-stack-10", 1, vlans);
    Bytes sll2 = corpusLinkFrame(276, syn, false, true, false);
    sll2[11] = 255;
    one("sll2-address-length-255", 276, sll2);
    Bytes sll2short(sll2.begin(), sll2.begin() + 12);
    one("sll2-cut-12", 276, sll2short);
    Bytes nullAf = corpusLinkFrame(0, syn, false, true, false);
    nullAf[0] = 99;
    one("null-family-unknown", 0, nullAf);
}

} // namespace

Result<std::vector<std::string>> writeRobustnessCorpus(const std::string &dir)
{
    Writer w {dir, {}, {}};
    validFiles(w);
    pcapFields(w);
    pcapngFields(w);
    packetFields(w);
    if (!w.error.empty())
        return Error {w.error, dir, {}, ErrorKind::Io};
    std::sort(w.names.begin(), w.names.end());
    return w.names;
}

} // namespace lbs::gen
