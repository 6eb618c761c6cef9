#include "core/pcap/bufferedpcap.h"

#include "core/pcap/captureformat.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace lbs::pcap {

namespace {

constexpr uint64_t kFileHeaderBytes = 24;
constexpr uint64_t kRecordHeaderBytes = 16;

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

void BufferedPcapFile::close()
{
    m_fd = -1;
    m_buffer = {};
    m_bufferStart = m_bufferEnd = 0;
    m_size = 0;
}

uint32_t BufferedPcapFile::field(const uint8_t *p) const
{
    uint32_t v;
    std::memcpy(&v, p, sizeof v);
    return m_swapped ? __builtin_bswap32(v) : v;
}

bool BufferedPcapFile::open(int fd, int dlt, uint32_t snapshot)
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
    m_fd = fd;
    m_size = static_cast<uint64_t>(st.st_size);
    m_shrinkMessage.clear();
    m_pos = m_bufferStart = m_bufferEnd = kFileHeaderBytes;
    m_snapshot = snapshot;
    m_nanosecond = h.nanosecond;
    return true;
}

bool BufferedPcapFile::fill(uint64_t need)
{
    if (m_pos + need > m_size) {
        // The end of the file as it was when opened (a file that grew goes on with libpcap), or
        // of what is left of it.
        m_shrinkMessage = fileShrinkMessage(m_fd, m_size, m_pos, m_pos);
        return false;
    }
    // Once per block: a file that shrank ends here, before bytes past its new end are asked for.
    m_shrinkMessage = fileShrinkMessage(m_fd, m_size, m_pos, m_pos);
    if (!m_shrinkMessage.empty())
        return false;
    const uint64_t kept = m_bufferEnd - m_pos;
    const uint64_t end = std::min(m_size, m_pos + std::max<uint64_t>(need, kBlockBytes));
    if (m_buffer.size() < end - m_pos)
        m_buffer.resize(end - m_pos);
    if (kept > 0)
        std::memmove(m_buffer.data(), m_buffer.data() + (m_pos - m_bufferStart), kept);
    m_bufferStart = m_pos;
    m_bufferEnd = m_pos + kept;
    while (m_bufferEnd < end) {
        const ssize_t n = ::pread(m_fd, m_buffer.data() + (m_bufferEnd - m_bufferStart),
            static_cast<size_t>(end - m_bufferEnd), static_cast<off_t>(m_bufferEnd));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            // Shorter than opened: stop here. Otherwise (a read error) libpcap reads on from this
            // record and reports the error as it would have.
            m_shrinkMessage = fileShrinkMessage(m_fd, m_size, m_bufferEnd, m_pos);
            break;
        }
        m_bufferEnd += static_cast<uint64_t>(n);
    }
    return m_bufferEnd - m_pos >= need && m_shrinkMessage.empty();
}

bool BufferedPcapFile::next(Record &out)
{
    if (!m_shrinkMessage.empty() || m_fd < 0)
        return false;
    if (m_bufferEnd - m_pos < kRecordHeaderBytes && !fill(kRecordHeaderBytes))
        return false;
    const uint8_t *h = m_buffer.data() + (m_pos - m_bufferStart);
    const uint32_t capLen = field(h + 8);
    if (capLen > m_snapshot)
        return false; // not plain: libpcap reads it (and fails on it) as it would have
    if (m_bufferEnd - m_pos < kRecordHeaderBytes + capLen) {
        if (!fill(kRecordHeaderBytes + capLen))
            return false;
        h = m_buffer.data() + (m_pos - m_bufferStart);
    }
    out.tsNs = classicRecordTimeNs(field(h), field(h + 4), m_nanosecond);
    out.capLen = capLen;
    out.wireLen = field(h + 12);
    out.data = h + kRecordHeaderBytes;
    out.offset = m_pos;
    m_pos += kRecordHeaderBytes + capLen;
    return true;
}

} // namespace lbs::pcap
