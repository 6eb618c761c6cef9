#include "core/pcap/mappedpcap.h"

#include "core/pcap/captureformat.h"

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <string>

namespace lbs::pcap {

namespace {

constexpr uint64_t kFileHeaderBytes = 24;
constexpr uint64_t kRecordHeaderBytes = 16;
/// Pages behind the reader are unmapped in steps of this much, so that the mapping's resident
/// size stays bounded however large the file is (the page cache keeps the data).
constexpr uint64_t kReleaseStep = uint64_t(2) << 20;
/// ... and only this far behind: records handed to another thread (PacketPipeline, a few batches
/// behind) are still read there, and a page released under them would be mapped again for good.
constexpr uint64_t kReleaseLag = uint64_t(4) << 20;
/// Pages ahead are prefaulted in steps of this much: one call maps thousands of pages, where
/// touching them would take one fault per 64 KiB.
constexpr uint64_t kPopulateStep = uint64_t(1) << 20;
constexpr uint64_t kPage = 4096;

/// Link types libpcap rewrites after reading (byte-swapped or fixed-up pseudo-headers: Linux USB,
/// NFLOG) are left to it; every other link type's bytes are returned as stored.
bool rewrittenByLibpcap(int dlt)
{
    return dlt == 189 || dlt == 220 || dlt == 239;
}

} // namespace

std::string fileShrinkMessage(int fd, uint64_t sizeAtOpen, uint64_t readUpTo, uint64_t stoppedAt)
{
    struct stat st { };
    if (fd < 0 || ::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        return {};
    const uint64_t now = static_cast<uint64_t>(st.st_size);
    if (now >= std::max(sizeAtOpen, readUpTo))
        return {};
    return "the file shrank while being read (" + std::to_string(sizeAtOpen) + " bytes when opened, "
        + std::to_string(now) + " now: truncated or rewritten by another process); its records from byte "
        + std::to_string(stoppedAt) + " on were not read";
}

MappedPcapFile::~MappedPcapFile()
{
    close();
}

void MappedPcapFile::close()
{
    m_guard.remove();
    if (m_base)
        ::munmap(const_cast<uint8_t *>(m_base), m_size);
    m_base = nullptr;
    m_size = 0;
    m_fd = -1;
}

uint32_t MappedPcapFile::field(const uint8_t *p) const
{
    uint32_t v;
    std::memcpy(&v, p, sizeof v);
    return m_swapped ? __builtin_bswap32(v) : v;
}

bool MappedPcapFile::open(int fd, int dlt, uint32_t snapshot)
{
    struct stat st { };
    if (fd < 0 || ::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || uint64_t(st.st_size) < kFileHeaderBytes
        || rewrittenByLibpcap(dlt) || snapshot == 0)
        return false;
    uint8_t header[kFileHeaderBytes];
    if (::pread(fd, header, sizeof header, 0) != static_cast<ssize_t>(sizeof header))
        return false;
    const CaptureHeader h = identifyCaptureHeader(header, sizeof header);
    if (h.format != CaptureFormat::Pcap)
        return false;
    m_swapped = h.bigEndian != (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__);
    const auto u16 = [this](const uint8_t *p) {
        uint16_t v;
        std::memcpy(&v, p, sizeof v);
        return m_swapped ? __builtin_bswap16(v) : v;
    };
    // Before 2.3 (and in some 2.3 files) caplen and len are swapped: libpcap's business.
    if (u16(header + 4) != 2 || u16(header + 6) < 4)
        return false;
    m_size = static_cast<uint64_t>(st.st_size);
    void *base = ::mmap(nullptr, m_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (base == MAP_FAILED) {
        m_size = 0;
        return false;
    }
    if (!m_guard.add(base, m_size)) {
        // Unguarded, a truncation would end the process: libpcap reads the file instead.
        ::munmap(base, m_size);
        m_size = 0;
        return false;
    }
    m_fd = fd;
    m_shrinkMessage.clear();
    ::madvise(base, m_size, MADV_SEQUENTIAL);
    m_base = static_cast<const uint8_t *>(base);
    m_pos = kFileHeaderBytes;
    m_snapshot = snapshot;
    m_nanosecond = h.nanosecond;
    return true;
}

void MappedPcapFile::releaseAll()
{
    if (m_base)
        ::madvise(const_cast<uint8_t *>(m_base), m_size, MADV_DONTNEED);
    m_released = m_size & ~(kPage - 1);
}

void MappedPcapFile::releaseBehind(uint64_t offset)
{
    const uint64_t upTo = offset & ~(kPage - 1);
    if (upTo > m_released) {
        ::madvise(const_cast<uint8_t *>(m_base) + m_released, upTo - m_released, MADV_DONTNEED);
        m_released = upTo;
    }
}

bool MappedPcapFile::stopIfShrunk(bool faulted)
{
    m_shrinkMessage = fileShrinkMessage(m_fd, m_size, m_pos, m_pos);
    if (m_shrinkMessage.empty() && faulted) // truncated, then written again past this point
        m_shrinkMessage = "the file shrank while being read (" + std::to_string(m_size)
            + " bytes when opened; truncated or rewritten by another process); its records from byte "
            + std::to_string(m_pos) + " on were not read";
    return !m_shrinkMessage.empty();
}

bool MappedPcapFile::next(Record &out)
{
    if (!m_shrinkMessage.empty())
        return false;
    if (m_pos >= m_populated && m_populated < m_size) {
        // Once per step: a file that shrank ends here, before pages past its new end are touched
        // (the guard covers the ones touched between two checks).
        if (stopIfShrunk(false))
            return false;
        // Also the moment to give back what was read: the record returned last ends before m_pos.
        if (m_pos > kReleaseLag && m_pos - kReleaseLag - m_released > kReleaseStep)
            releaseBehind(m_pos - kReleaseLag);
        const uint64_t from = m_populated & ~(kPage - 1);
        const uint64_t len = std::min(kPopulateStep, m_size - from);
#ifdef MADV_POPULATE_READ
        ::madvise(const_cast<uint8_t *>(m_base) + from, len, MADV_POPULATE_READ);
#endif
        m_populated = from + len;
    }
    if (m_size - m_pos < kRecordHeaderBytes) {
        stopIfShrunk(m_guard.faulted());
        return false;
    }
    const uint8_t *h = m_base + m_pos;
    const uint32_t rawSec = field(h);
    const uint32_t rawFraction = field(h + 4);
    const uint32_t capLen = field(h + 8);
    const uint32_t wireLen = field(h + 12);
    if (capLen > m_snapshot || m_size - m_pos - kRecordHeaderBytes < capLen) {
        // Not plain, or a header of zeros from past the end of a truncated file, or another
        // file's bytes where the file was rewritten: which one, the file's size tells.
        stopIfShrunk(m_guard.faulted());
        return false;
    }
    // A header read from past the end of a truncated file (zeros): stop before handing it out.
    // The packet's own bytes are not touched here (a cache miss per packet on large packets): a
    // record cut by the truncation reads zeros for its missing tail and the next call stops.
    if (m_guard.faulted()) {
        stopIfShrunk(true);
        return false;
    }
    out.tsNs = classicRecordTimeNs(rawSec, rawFraction, m_nanosecond);
    out.capLen = capLen;
    out.wireLen = wireLen;
    out.data = h + kRecordHeaderBytes;
    out.offset = m_pos;
    m_pos += kRecordHeaderBytes + capLen;
    // The next record's header and the first headers of its packet: fetched from memory while
    // this packet is analysed (record lengths vary, so the hardware does not guess them).
    if (m_size - m_pos >= 128) {
        __builtin_prefetch(m_base + m_pos);
        __builtin_prefetch(m_base + m_pos + 64);
    }
    return true;
}

} // namespace lbs::pcap
