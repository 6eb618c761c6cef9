#pragma once

#include "core/common/error.h"
#include "core/pcap/captureset.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace lbs::pcap {

/// One packet as read: its bytes are valid until the next call on the reader that returned it.
struct RawPacket {
    int64_t tsNs = 0;
    uint32_t capLen = 0;
    uint32_t wireLen = 0;
    const uint8_t *data = nullptr;
    uint16_t fileIndex = 0;
    uint64_t offset = 0; ///< record offset, the key for PacketReader::readAt
    int linktype = -1;
};

/// Reads every file of a CaptureSet and yields packets merged by timestamp across files
/// (k-way merge; ties keep file order). Allocation-free per packet. Reading a file stops at its
/// first bad record: the file is marked truncated with libpcap's message and every earlier
/// packet is kept. Per-file counters are updated in files() as packets are delivered.
class PacketReader {
public:
    explicit PacketReader(const CaptureSet &set);
    ~PacketReader();
    PacketReader(const PacketReader &) = delete;
    PacketReader &operator=(const PacketReader &) = delete;

    /// Opens every file. Error names the file and libpcap's reason.
    Status open();
    /// Next packet in merged time order; false at the end of all files.
    bool next(RawPacket &out);
    /// Files with counters so far (complete after next() returned false).
    const std::vector<CaptureFileInfo> &files() const { return m_files; }
    /// Bytes consumed so far over all files (for progress).
    uint64_t bytesRead() const;
    uint64_t totalBytes() const;

    /// Random re-read of one packet of a file, by the offset a RawPacket/PacketIndexEntry
    /// recorded. Opens the file itself (thread-safe with respect to other readers). The bytes
    /// are copied into `buffer`; the result's data points into it.
    static Result<RawPacket> readAt(
        const CaptureFileInfo &file, uint16_t fileIndex, uint64_t offset, std::vector<uint8_t> &buffer);

private:
    struct Source;
    bool advance(Source &s);

    std::vector<CaptureFileInfo> m_files;
    std::vector<std::unique_ptr<Source>> m_sources;
    std::vector<uint16_t> m_heap; ///< indices of sources with a pending packet, min-heap by time
    int m_current = -1; ///< source whose packet was returned last (advanced lazily)
};

} // namespace lbs::pcap
