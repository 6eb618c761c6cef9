#pragma once
// Random access to single packets of a loaded capture (the packet list, details, export): each
// file is opened on first use and kept open between calls, so paging through millions of rows
// costs a seek and a record read per row, not an open. Not thread-safe: one instance per user
// (the GUI's PacketTableModel has its own). Qt-free; the only code besides PacketReader that
// touches libpcap handles.

#include "core/common/error.h"
#include "core/pcap/captureset.h"
#include "core/pcap/packetreader.h"

#include <cstdint>
#include <vector>

struct pcap;

namespace lbs::pcap {

/// Re-reads packets by (file index, record offset) as PacketIndexEntry records them.
class PacketRereader {
public:
    PacketRereader() = default;
    ~PacketRereader();
    PacketRereader(const PacketRereader &) = delete;
    PacketRereader &operator=(const PacketRereader &) = delete;

    /// Forgets the open files (a new capture). `files` must outlive the next reset().
    void reset(const std::vector<CaptureFileInfo> *files);
    /// The packet of file `fileIndex` at `offset` (a PacketIndexEntry); bytes in `buffer`.
    Result<RawPacket> readAt(uint16_t fileIndex, uint64_t offset, std::vector<uint8_t> &buffer);
    /// One packet of `file` without keeping anything open (thread-safe).
    static Result<RawPacket> readOnce(
        const CaptureFileInfo &file, uint16_t fileIndex, uint64_t offset, std::vector<uint8_t> &buffer);

private:
    void closeAll();
    /// A file libpcap refuses (CaptureFileInfo::readWithoutLibpcap), read without it.
    static Result<RawPacket> readDirect(
        const CaptureFileInfo &file, uint16_t fileIndex, uint64_t offset, std::vector<uint8_t> &buffer);
    static Result<RawPacket> readRecord(const CaptureFileInfo &file, struct pcap *&handle, uint16_t fileIndex,
        uint64_t offset, std::vector<uint8_t> &buffer);

    const std::vector<CaptureFileInfo> *m_files = nullptr;
    std::vector<struct pcap *> m_handles; ///< per file; null until first used
};

} // namespace lbs::pcap
