#include "core/analysis/pcapngexport.h"

#include "core/analysis/findingkind.h"
#include "core/pcap/packetreader.h"
#include "core/pcap/pcapngwriter.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <unordered_set>

namespace lbs::analysis {

namespace {

constexpr int kLinktypeSll2 = 276;

/// The interface index of an SLL2 frame (bytes 4..7, big-endian), -1 when too short.
int32_t sll2Interface(const uint8_t *data, uint32_t capLen)
{
    if (capLen < 8)
        return -1;
    return static_cast<int32_t>(
        uint32_t(data[4]) << 24 | uint32_t(data[5]) << 16 | uint32_t(data[6]) << 8 | uint32_t(data[7]));
}

} // namespace

std::string findingComment(const CaptureAnalysis &a, uint32_t flowId)
{
    std::string out;
    for (const Finding &f : a.findings) {
        if (std::find(f.flows.begin(), f.flows.end(), flowId) == f.flows.end())
            continue;
        if (!out.empty())
            out += '\n';
        out += "lbscope finding (" + std::string(findingKindName(f.kind)) + "): " + f.summary;
    }
    return out;
}

Status exportPacketsPcapng(
    const CaptureAnalysis &a, const std::vector<uint32_t> &positions, const std::string &outPath)
{
    // (file, record offset) -> position, for the packets wanted.
    std::vector<std::tuple<uint16_t, uint64_t, uint32_t>> wanted;
    wanted.reserve(positions.size());
    for (uint32_t pos : positions) {
        if (pos >= a.packetIndex.size())
            return Error {"packet position " + std::to_string(pos) + " is outside the packet list", outPath,
                {}, ErrorKind::BadInput};
        const auto &e = a.packetIndex[pos];
        if (e.fileIndex >= a.files.size())
            return Error {"packet refers to an unknown file", outPath, {}, ErrorKind::BadInput};
        wanted.emplace_back(static_cast<uint16_t>(e.fileIndex), static_cast<uint64_t>(e.offset), pos);
    }
    if (wanted.empty())
        return Error {"no packets selected for export", outPath, {}, ErrorKind::BadInput};
    std::sort(wanted.begin(), wanted.end());

    pcap::PcapngWriter writer;
    if (auto st = writer.open(outPath); !st)
        return st;
    // One interface block per (link type, interface) met: SLL2 per recorded interface index,
    // anything else per file.
    std::map<std::pair<int, int64_t>, uint32_t> interfaces;
    std::unordered_set<uint32_t> commented; // flows whose first exported packet was written
    pcap::CaptureSet set;
    set.files = a.files;
    pcap::PacketReader reader(set);
    if (auto st = reader.open(); !st)
        return st;
    pcap::RawPacket raw;
    while (reader.next(raw)) {
        const auto it = std::lower_bound(wanted.begin(), wanted.end(),
            std::make_tuple(
                static_cast<uint16_t>(raw.fileIndex), static_cast<uint64_t>(raw.offset), uint32_t(0)));
        if (it == wanted.end() || std::get<0>(*it) != raw.fileIndex || std::get<1>(*it) != raw.offset)
            continue;
        const pcap::CaptureFileInfo &file = a.files[raw.fileIndex];
        const bool sll2 = file.linktype == kLinktypeSll2;
        const int32_t ifIndex = sll2 ? sll2Interface(raw.data, raw.capLen) : -1;
        const std::pair<int, int64_t> key {
            file.linktype, sll2 ? int64_t(ifIndex) : -1 - int64_t(raw.fileIndex)};
        auto iface = interfaces.find(key);
        if (iface == interfaces.end()) {
            const std::string name = sll2 ? a.interfaceName(ifIndex) : std::string();
            iface = interfaces
                        .emplace(key,
                            writer.addInterface(
                                file.linktype, std::max<uint32_t>(file.snaplen, raw.capLen), name))
                        .first;
        }
        const uint32_t flow = a.packetIndex[std::get<2>(*it)].flowId;
        std::string comment;
        if (flow != pcap::PacketIndexEntry::kNoFlow && commented.insert(flow).second)
            comment = findingComment(a, flow);
        writer.write(iface->second, raw.tsNs, raw.data, raw.capLen, raw.wireLen, comment);
    }
    return writer.close();
}

} // namespace lbs::analysis
