#pragma once
// Classic pcap records read straight out of a read-only mapping of the file: no copy into a stdio
// buffer, no second copy into libpcap's, no library call per packet. PacketReader uses it for the
// plain case only and hands the file back to libpcap (at the record's offset) for anything else,
// so odd and broken records read, and fail, exactly as libpcap reads them. A file that another
// process truncates while it is mapped ends the reading with a message (shrank()), not the
// process: MappingGuard turns the SIGBUS of a page past the new end into zeros and a flag.

#include "core/pcap/mappingguard.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace lbs::pcap {

/// One classic pcap file mapped for reading. Takes the plain case: one of the four standard
/// magics (either byte order, micro- or nanoseconds), version 2.4 or later, a link type that
/// libpcap passes through untouched, and records whose captured length is within the snapshot
/// length and whose bytes are all in the file. next() stops at the first record that is not
/// plain (and at the end of the mapping); the caller continues from offset() with libpcap. It
/// also stops where the file is found to have shrunk (shrank()); the caller stops there too.
class MappedPcapFile {
public:
    MappedPcapFile() = default;
    ~MappedPcapFile();
    MappedPcapFile(const MappedPcapFile &) = delete;
    MappedPcapFile &operator=(const MappedPcapFile &) = delete;

    /// Maps the file open on `fd` when its header is plain and `dlt` (libpcap's link type for
    /// it) is one libpcap does not rewrite; `snapshot` is libpcap's snapshot length for the file
    /// (pcap_snapshot). False, with nothing mapped, otherwise. `fd` must stay open while mapped
    /// (its size is checked as the reading goes).
    bool open(int fd, int dlt, uint32_t snapshot);
    bool isOpen() const { return m_base != nullptr; }
    /// Unmaps the file.
    void close();
    /// Gives every mapped page back to the kernel (once everything read from the mapping has
    /// been used); the bytes stay readable, from the page cache.
    void releaseAll();

    /// One record as libpcap would return it with nanosecond precision.
    struct Record {
        int64_t tsNs = 0;
        uint32_t capLen = 0;
        uint32_t wireLen = 0; ///< the record's len field, as written
        const uint8_t *data = nullptr;
        uint64_t offset = 0; ///< of the record header
    };
    /// The record at offset(), advancing past it. False when that record is not plain or the
    /// mapping ends there: offset() is then where libpcap has to go on (unless shrank()). Records'
    /// bytes stay valid while the file is mapped (pages given back behind the reader are read
    /// again from the page cache when touched; pages past the end of a file truncated since read
    /// as zeros). A record is returned only if its header could be read; the one record a
    /// truncation cuts can come with zeros for its missing tail.
    bool next(Record &out);
    /// Offset of the next record.
    uint64_t offset() const { return m_pos; }
    /// next() returned false because the file became shorter than it was when opened (truncated,
    /// or truncated and rewritten, by another process): the rest is gone or is not this file's.
    bool shrank() const { return !m_shrinkMessage.empty(); }
    /// What happened, for the file's read error.
    const std::string &shrinkMessage() const { return m_shrinkMessage; }

private:
    uint32_t field(const uint8_t *p) const;
    void releaseBehind(uint64_t offset);
    bool stopIfShrunk(bool faulted);

    const uint8_t *m_base = nullptr;
    MappingGuard m_guard;
    int m_fd = -1;
    std::string m_shrinkMessage;
    uint64_t m_size = 0;
    uint64_t m_pos = 0;
    uint64_t m_released = 0; ///< bytes before this were given back to the kernel (page aligned)
    uint64_t m_populated = 0; ///< bytes before this were prefaulted
    uint32_t m_snapshot = 0;
    bool m_nanosecond = false; ///< the file's fractions are nanoseconds (else microseconds)
    bool m_swapped = false;
};

/// When the regular file open on `fd` is now shorter than it was when opened (`sizeAtOpen`) or
/// than what was already read of it (`readUpTo`): "the file shrank while being read (N bytes when
/// opened, M now: ...); its records from byte `stoppedAt` on were not read". Empty otherwise.
std::string fileShrinkMessage(int fd, uint64_t sizeAtOpen, uint64_t readUpTo, uint64_t stoppedAt);

} // namespace lbs::pcap
