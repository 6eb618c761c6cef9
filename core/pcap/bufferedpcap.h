#pragma once
// Classic pcap records read in large blocks into a buffer of our own: no stdio buffer, no second
// copy into libpcap's, no library call per packet. PacketReader uses it for the plain case only
// and hands the file back to libpcap (at the record's offset) for anything else, so odd and broken
// records read, and fail, exactly as libpcap reads them. A file that another process truncates
// while it is read ends the reading with a message (shrank()); blocks are read with pread, so a
// cut can never fault. (A mapping of the file was used before: on virtual machines whose memory
// the host maps lazily, the first touch of each mapped page costs far more than copying it;
// docs/decisions.md, "Reading classic pcap in blocks".)

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace lbs::pcap {

/// One classic pcap file read block by block. Takes the plain case: one of the four standard
/// magics (either byte order, micro- or nanoseconds), version 2.4 or later, a link type that
/// libpcap passes through untouched, and records whose captured length is within the snapshot
/// length and whose bytes are all in the file as it was when opened. next() stops at the first
/// record that is not plain (and at the size the file had when opened); the caller continues from
/// offset() with libpcap. It also stops where the file is found to have shrunk (shrank()); the
/// caller stops there too.
class BufferedPcapFile {
public:
    /// Bytes read per block (a record longer than what is left of a block is completed first).
    static constexpr size_t kBlockBytes = size_t(256) << 10;

    BufferedPcapFile() = default;
    BufferedPcapFile(const BufferedPcapFile &) = delete;
    BufferedPcapFile &operator=(const BufferedPcapFile &) = delete;

    /// Takes the file open on `fd` when its header is plain and `dlt` (libpcap's link type for
    /// it) is one libpcap does not rewrite; `snapshot` is libpcap's snapshot length for the file
    /// (pcap_snapshot). False otherwise. `fd` must stay open while it is read (its size is checked
    /// as the reading goes); the descriptor's own position is not used.
    bool open(int fd, int dlt, uint32_t snapshot);
    bool isOpen() const { return m_fd >= 0; }
    /// Forgets the file and gives the buffer back.
    void close();

    /// One record as libpcap would return it with nanosecond precision.
    struct Record {
        int64_t tsNs = 0;
        uint32_t capLen = 0;
        uint32_t wireLen = 0; ///< the record's len field, as written
        const uint8_t *data = nullptr;
        uint64_t offset = 0; ///< of the record header
    };
    /// The record at offset(), advancing past it. False when that record is not plain, the file
    /// (as opened) ends there or reading it failed: offset() is then where libpcap has to go on
    /// (unless shrank()). A record's bytes stay valid until the next call.
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
    /// Makes the `need` bytes at m_pos available in the buffer (reading a block), false when the
    /// file, as opened, does not have them or was found to have shrunk.
    bool fill(uint64_t need);

    int m_fd = -1;
    std::vector<uint8_t> m_buffer;
    uint64_t m_bufferStart = 0; ///< file offset of m_buffer[0]
    uint64_t m_bufferEnd = 0; ///< file offset after the last byte in m_buffer
    std::string m_shrinkMessage;
    uint64_t m_size = 0; ///< the file's size when opened
    uint64_t m_pos = 0;
    uint32_t m_snapshot = 0;
    bool m_nanosecond = false; ///< the file's fractions are nanoseconds (else microseconds)
    bool m_swapped = false;
};

/// When the regular file open on `fd` is now shorter than it was when opened (`sizeAtOpen`) or
/// than what was already read of it (`readUpTo`): "the file shrank while being read (N bytes when
/// opened, M now: ...); its records from byte `stoppedAt` on were not read". Empty otherwise.
std::string fileShrinkMessage(int fd, uint64_t sizeAtOpen, uint64_t readUpTo, uint64_t stoppedAt);

} // namespace lbs::pcap
