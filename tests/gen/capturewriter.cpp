// pcap / pcapng writing with tcpdump's -C/-W rotation.

#include "capturewriter.h"

#include <cerrno>
#include <cstring>

namespace lbs::gen {
namespace {

constexpr uint32_t kLinktypeEthernet = 1, kLinktypeSll2 = 276;

void le16(uint8_t *p, uint16_t v)
{
    p[0] = static_cast<uint8_t>(v);
    p[1] = static_cast<uint8_t>(v >> 8);
}
void le32(uint8_t *p, uint32_t v)
{
    le16(p, static_cast<uint16_t>(v));
    le16(p + 2, static_cast<uint16_t>(v >> 16));
}

int digits(int v)
{
    int n = 0;
    for (; v > 0; v /= 10)
        ++n;
    return n;
}

} // namespace

CaptureWriter::CaptureWriter(const Options &options) : m_o(options), m_buffer(1 << 20)
{
}

CaptureWriter::~CaptureWriter()
{
    close();
}

std::string CaptureWriter::fileName(const std::string &base, int fileCount, int count)
{
    const int width = fileCount > 0 ? digits(fileCount - 1) : 0;
    if (count == 0 && width == 0)
        return base;
    std::string n = std::to_string(count);
    if (static_cast<int>(n.size()) < width)
        n.insert(0, static_cast<size_t>(width) - n.size(), '0');
    return base + n;
}

size_t CaptureWriter::firstSurviving() const
{
    if (m_o.fileCount <= 0 || m_files.size() <= static_cast<size_t>(m_o.fileCount))
        return 0;
    return m_files.size() - static_cast<size_t>(m_o.fileCount);
}

bool CaptureWriter::put(const void *data, size_t len)
{
    if (std::fwrite(data, 1, len, m_file) != len) {
        m_error = "cannot write " + m_files.back().path + ": " + std::strerror(errno);
        return false;
    }
    m_size += len;
    m_total += len;
    return true;
}

bool CaptureWriter::open()
{
    WrittenFile f;
    f.path = m_o.rotateBytes > 0 ? fileName(m_o.output, m_o.fileCount, m_count) : m_o.output;
    f.firstIndex = m_packets;
    m_files.push_back(f);
    m_file = std::fopen(f.path.c_str(), "wb");
    if (!m_file) {
        m_error = "cannot create " + f.path + ": " + std::strerror(errno)
            + " (check that the directory exists and is writable)";
        return false;
    }
    std::setvbuf(m_file, m_buffer.data(), _IOFBF, m_buffer.size());
    m_size = 0;
    const uint32_t linktype = m_o.link == LinkType::Ethernet ? kLinktypeEthernet : kLinktypeSll2;
    if (m_o.format == FileFormat::Pcap) {
        uint8_t h[24];
        le32(h, m_o.nanosecond ? 0xa1b23c4d : 0xa1b2c3d4);
        le16(h + 4, 2);
        le16(h + 6, 4);
        le32(h + 8, 0);
        le32(h + 12, 0);
        le32(h + 16, m_o.snaplen);
        le32(h + 20, linktype);
        return put(h, sizeof h);
    }
    uint8_t shb[28] = {};
    le32(shb, 0x0a0d0d0a);
    le32(shb + 4, 28);
    le32(shb + 8, 0x1a2b3c4d);
    le16(shb + 12, 1);
    le16(shb + 14, 0);
    std::memset(shb + 16, 0xff, 8); // section length unknown
    le32(shb + 24, 28);
    uint8_t idb[32] = {};
    const uint32_t idbLen = m_o.nanosecond ? 32 : 20;
    le32(idb, 1);
    le32(idb + 4, idbLen);
    le16(idb + 8, static_cast<uint16_t>(linktype));
    le32(idb + 12, m_o.snaplen);
    if (m_o.nanosecond) {
        le16(idb + 16, 9); // if_tsresol
        le16(idb + 18, 1);
        idb[20] = 9; // 10^-9
        le32(idb + 24, 0); // opt_endofopt
    }
    le32(idb + idbLen - 4, idbLen);
    return put(shb, sizeof shb) && put(idb, idbLen);
}

bool CaptureWriter::write(int64_t tsNs, const uint8_t *frame, uint32_t length)
{
    if (!m_file) {
        if (!m_error.empty() || !open())
            return false;
    } else if (m_o.rotateBytes > 0 && m_size > m_o.rotateBytes) {
        if (!close())
            return false;
        ++m_count;
        if (m_o.fileCount > 0 && m_count >= m_o.fileCount)
            m_count = 0;
        if (!open())
            return false;
    }
    const uint32_t caplen = length < m_o.snaplen ? length : m_o.snaplen;
    const auto sec = static_cast<uint64_t>(tsNs / 1000000000);
    const auto nsec = static_cast<uint64_t>(tsNs % 1000000000);
    bool ok;
    if (m_o.format == FileFormat::Pcap) {
        uint8_t r[16];
        le32(r, static_cast<uint32_t>(sec));
        le32(r + 4, static_cast<uint32_t>(m_o.nanosecond ? nsec : nsec / 1000));
        le32(r + 8, caplen);
        le32(r + 12, length);
        ok = put(r, sizeof r) && put(frame, caplen);
    } else {
        const uint32_t padded = (caplen + 3) & ~3u;
        const uint32_t total = 32 + padded;
        const uint64_t units = m_o.nanosecond ? sec * 1000000000 + nsec : sec * 1000000 + nsec / 1000;
        uint8_t b[28];
        le32(b, 6);
        le32(b + 4, total);
        le32(b + 8, 0);
        le32(b + 12, static_cast<uint32_t>(units >> 32));
        le32(b + 16, static_cast<uint32_t>(units));
        le32(b + 20, caplen);
        le32(b + 24, length);
        const uint8_t zeros[4] = {};
        uint8_t tail[4];
        le32(tail, total);
        ok = put(b, sizeof b) && put(frame, caplen) && put(zeros, padded - caplen) && put(tail, 4);
    }
    if (!ok)
        return false;
    WrittenFile &f = m_files.back();
    if (f.packets == 0)
        f.firstTs = tsNs;
    f.lastTs = tsNs;
    ++f.packets;
    f.bytes = m_size;
    ++m_packets;
    return true;
}

bool CaptureWriter::close()
{
    if (!m_file)
        return m_error.empty();
    const bool ok = std::fclose(m_file) == 0;
    m_file = nullptr;
    if (!ok && m_error.empty())
        m_error = "cannot finish writing " + m_files.back().path + ": " + std::strerror(errno);
    if (!m_files.empty())
        m_files.back().bytes = m_size;
    return ok;
}

} // namespace lbs::gen
