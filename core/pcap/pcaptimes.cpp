#include "core/pcap/pcaptimes.h"

#include "core/pcap/captureformat.h"

#include <pcap/pcap.h>

#include <algorithm>
#include <cstring>

namespace lbs::pcap {

namespace {

/// A time in nanoseconds as manifest.json's seconds (both readers below give it so).
double secondsOf(int64_t tsNs)
{
    return static_cast<double>(tsNs / 1000000000) + static_cast<double>(tsNs % 1000000000) * 1e-9;
}

} // namespace

Result<PcapTimes> readPcapTimes(const std::string &path)
{
    const CaptureHeader header = identifyCaptureFile(path);
    char errbuf[PCAP_ERRBUF_SIZE] = {};
    pcap_t *p = pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_NANO, errbuf);
    if (!p)
        return Error {std::string("cannot read the capture file: ") + errbuf, path, {}};
    PcapTimes t;
    pcap_pkthdr *h = nullptr;
    const u_char *data = nullptr;
    int rc = 0;
    while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
        const double ts = secondsOf(libpcapRecordTimeNs(h->ts.tv_sec, h->ts.tv_usec, header));
        if (t.packets == 0)
            t.firstTs = ts;
        t.lastTs = ts;
        ++t.packets;
    }
    if (rc == PCAP_ERROR)
        t.truncated = true;
    pcap_close(p);
    return t;
}

} // namespace lbs::pcap

namespace lbs::pcap {

namespace {

constexpr std::size_t kFileHeader = 24;
constexpr std::size_t kRecordHeader = 16;
constexpr uint32_t kMaxCaplen = 262144; // libpcap's MAXIMUM_SNAPLEN: never refused below this

} // namespace

uint32_t PcapTimesScanner::u32(const unsigned char *p) const
{
    const uint32_t le = uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
    return m_swapped ? __builtin_bswap32(le) : le;
}

bool PcapTimesScanner::parseHeader()
{
    const pcap::CaptureHeader header = pcap::identifyCaptureHeader(m_pending, sizeof m_pending);
    m_swapped = header.bigEndian; // u32() reads little-endian, then swaps
    m_nano = header.nanosecond;
    if (header.format != pcap::CaptureFormat::Pcap)
        return false; // pcapng or not a capture: libpcap decides
    const auto u16 = [&](const unsigned char *p) {
        const uint16_t v = static_cast<uint16_t>(p[0] | p[1] << 8);
        return m_swapped ? static_cast<uint16_t>(v >> 8 | v << 8) : v;
    };
    // 2.4 only: libpcap swaps caplen/len in older minor versions and refuses other majors.
    return u16(m_pending + 4) == 2 && u16(m_pending + 6) == 4;
}

void PcapTimesScanner::takeRecord(const unsigned char *hdr)
{
    const uint32_t sec = u32(hdr);
    const uint32_t frac = u32(hdr + 4);
    const uint32_t caplen = u32(hdr + 8);
    if (caplen > kMaxCaplen) {
        m_state = State::Refused;
        return;
    }
    // Exactly as readPcapTimes and the analysis read it (unsigned fields, even odd values), or the
    // manifest would disagree with the analysis of the same file.
    const double ts = secondsOf(classicRecordTimeNs(sec, frac, m_nano));
    if (m_times.packets == 0)
        m_times.firstTs = ts;
    m_times.lastTs = ts;
    ++m_times.packets;
    m_skip = caplen;
}

void PcapTimesScanner::feed(const char *data, std::size_t size)
{
    const auto *p = reinterpret_cast<const unsigned char *>(data);
    while (size > 0 && m_state != State::Refused) {
        if (m_skip > 0) {
            const std::size_t n = static_cast<std::size_t>(std::min<uint64_t>(m_skip, size));
            m_skip -= n;
            p += n;
            size -= n;
            continue;
        }
        const std::size_t want = m_state == State::Header ? kFileHeader : kRecordHeader;
        if (m_pendingSize == 0 && size >= want) { // the common case: a whole header in place
            if (m_state == State::Header) {
                std::memcpy(m_pending, p, want);
                m_state = parseHeader() ? State::Records : State::Refused;
            } else {
                takeRecord(p);
            }
            p += want;
            size -= want;
            continue;
        }
        const std::size_t n = std::min(want - m_pendingSize, size);
        std::memcpy(m_pending + m_pendingSize, p, n);
        m_pendingSize += n;
        p += n;
        size -= n;
        if (m_pendingSize < want)
            return;
        m_pendingSize = 0;
        if (m_state == State::Header)
            m_state = parseHeader() ? State::Records : State::Refused;
        else
            takeRecord(m_pending);
    }
}

std::optional<PcapTimes> PcapTimesScanner::result() const
{
    // A file ending inside a header or a packet is truncated: libpcap's exact verdict is left to it.
    if (m_state != State::Records || m_pendingSize != 0 || m_skip != 0)
        return std::nullopt;
    return m_times;
}

} // namespace lbs::pcap
