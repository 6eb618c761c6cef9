#include "core/analysis/packetfilter.h"

#include "core/pcap/bpffilter.h"
#include "core/pcap/packetreader.h"
#include "core/pcap/pcapwriter.h"

#include <algorithm>

namespace lbs::analysis {

namespace {

// Sorted record offsets per file of the wanted entries.
using OffsetSets = std::vector<std::vector<uint64_t>>;

bool contains(const OffsetSets &sets, uint16_t file, uint64_t offset)
{
    if (file >= sets.size())
        return false;
    const auto &v = sets[file];
    return std::binary_search(v.begin(), v.end(), offset);
}

} // namespace

Result<std::vector<uint32_t>> filterPacketIndex(const std::vector<pcap::CaptureFileInfo> &files,
    const pcap::PacketIndex &index, const std::string &expression, const CancelToken &cancel)
{
    std::vector<int> linktypes;
    uint32_t snaplen = 0;
    for (const auto &f : files) {
        linktypes.push_back(f.linktype);
        snaplen = std::max(snaplen, f.snaplen);
    }
    auto filter = pcap::BpfFilter::compile(expression, linktypes, snaplen);
    if (!filter)
        return filter.error();
    std::vector<uint32_t> out;
    if (filter->isEmpty()) {
        out.resize(index.size());
        for (uint32_t i = 0; i < out.size(); ++i)
            out[i] = i;
        return out;
    }
    pcap::CaptureSet set;
    set.files = files;
    pcap::PacketReader reader(set);
    if (auto st = reader.open(); !st)
        return st.error();
    OffsetSets matched(files.size());
    pcap::RawPacket raw;
    uint64_t n = 0;
    while (reader.next(raw)) {
        if ((++n & 4095) == 0 && cancel.isCancelled())
            return Error {"filtering cancelled", {}, {}};
        if (filter->matches(raw.linktype, raw.data, raw.capLen, raw.wireLen))
            matched[raw.fileIndex].push_back(raw.offset);
    }
    for (auto &v : matched)
        std::sort(v.begin(), v.end());
    for (uint32_t i = 0; i < index.size(); ++i)
        if (contains(matched, static_cast<uint16_t>(index[i].fileIndex), index[i].offset))
            out.push_back(i);
    return out;
}

Status exportPackets(const std::vector<pcap::CaptureFileInfo> &files, const pcap::PacketIndex &index,
    const std::vector<uint32_t> &positions, const std::string &outPath)
{
    OffsetSets wanted(files.size());
    int linktype = -1;
    uint32_t snaplen = 0;
    for (uint32_t pos : positions) {
        if (pos >= index.size())
            return Error {
                "packet position " + std::to_string(pos) + " is outside the packet list", outPath, {}};
        const auto &e = index[pos];
        if (e.fileIndex >= files.size())
            return Error {"packet refers to an unknown file", outPath, {}};
        const auto &f = files[e.fileIndex];
        if (linktype >= 0 && f.linktype != linktype)
            return Error {"selected packets have different link types; a pcap file holds one", outPath,
                "export the packets of one interface type at a time"};
        linktype = f.linktype;
        snaplen = std::max(snaplen, f.snaplen);
        wanted[e.fileIndex].push_back(e.offset);
    }
    for (auto &v : wanted)
        std::sort(v.begin(), v.end());
    if (linktype < 0)
        return Error {"no packets selected for export", outPath, {}};
    pcap::PcapWriter writer;
    if (auto st = writer.open(outPath, linktype, snaplen); !st)
        return st;
    pcap::CaptureSet set;
    set.files = files;
    pcap::PacketReader reader(set);
    if (auto st = reader.open(); !st)
        return st;
    pcap::RawPacket raw;
    while (reader.next(raw))
        if (contains(wanted, raw.fileIndex, raw.offset))
            writer.write(raw.tsNs, raw.data, raw.capLen, raw.wireLen);
    return writer.close();
}

} // namespace lbs::analysis
