#pragma once
// Re-reads single packets of a capture for the packet list, keeping each file open between rows
// (PacketReader::readAt opens the file for every call, which dominated page paints on large
// captures). GUI thread only: one instance per PacketTableModel, no locking.

#include "core/common/error.h"
#include "core/pcap/captureset.h"
#include "core/pcap/packetreader.h"

#include <cstdint>
#include <vector>

struct pcap;

namespace lbs::ui {

class PacketRereader {
public:
    PacketRereader() = default;
    ~PacketRereader();
    PacketRereader(const PacketRereader &) = delete;
    PacketRereader &operator=(const PacketRereader &) = delete;

    /// Forgets the open files (a new capture). `files` must outlive the next reset().
    void reset(const std::vector<pcap::CaptureFileInfo> *files);
    /// The packet of file `fileIndex` at `offset` (a PacketIndexEntry); bytes in `buffer`.
    Result<pcap::RawPacket> readAt(uint16_t fileIndex, uint64_t offset, std::vector<uint8_t> &buffer);

private:
    void closeAll();

    const std::vector<pcap::CaptureFileInfo> *m_files = nullptr;
    std::vector<struct pcap *> m_handles; ///< per file; null until first used
};

} // namespace lbs::ui
