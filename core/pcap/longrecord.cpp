#include "core/pcap/longrecord.h"

#include "core/pcap/captureformat.h"

#include <unistd.h>

#include <cstring>

namespace lbs::pcap {

namespace {
constexpr uint32_t kLargestRecord = 262144; // libpcap's MAXIMUM_SNAPLEN: larger ones are errors

uint32_t field(const uint8_t *p, bool swapped)
{
    uint32_t v;
    std::memcpy(&v, p, sizeof v);
    return swapped ? __builtin_bswap32(v) : v;
}
} // namespace

std::optional<ClassicPcapLayout> classicPcapLayout(int fd)
{
    uint8_t header[24];
    if (fd < 0 || ::pread(fd, header, sizeof header, 0) != static_cast<ssize_t>(sizeof header))
        return std::nullopt;
    const CaptureHeader h = identifyCaptureHeader(header, sizeof header);
    if (h.format != CaptureFormat::Pcap)
        return std::nullopt;
    ClassicPcapLayout layout;
    layout.swapped = h.bigEndian != (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__);
    layout.nanosecond = h.nanosecond;
    const auto u16 = [&](const uint8_t *p) {
        uint16_t v;
        std::memcpy(&v, p, sizeof v);
        return layout.swapped ? __builtin_bswap16(v) : v;
    };
    // Before 2.4 caplen and len may be swapped: libpcap's business.
    if (u16(header + 4) != 2 || u16(header + 6) < 4)
        return std::nullopt;
    return layout;
}

bool readLongRecord(int fd, uint64_t offset, const ClassicPcapLayout &layout, uint32_t snaplen,
    std::vector<uint8_t> &buffer, RawPacket &out, uint64_t &nextOffset)
{
    uint8_t h[16];
    if (::pread(fd, h, sizeof h, static_cast<off_t>(offset)) != static_cast<ssize_t>(sizeof h))
        return false;
    const uint32_t capLen = field(h + 8, layout.swapped);
    if (capLen <= snaplen || capLen > kLargestRecord)
        return false;
    buffer.resize(capLen);
    if (::pread(fd, buffer.data(), capLen, static_cast<off_t>(offset + sizeof h))
        != static_cast<ssize_t>(capLen))
        return false;
    // The time as libpcap gives it for an ordinary record (MappedPcapFile does the same).
    const uint32_t rawSec = field(h, layout.swapped);
    const uint32_t rawFraction = field(h + 4, layout.swapped);
    const int64_t sec = layout.swapped ? int64_t(rawSec) : int64_t(static_cast<int32_t>(rawSec));
    const int64_t fraction
        = layout.swapped ? int64_t(rawFraction) : int64_t(static_cast<int32_t>(rawFraction));
    const uint32_t wireLen = field(h + 12, layout.swapped);
    out.tsNs = sec * 1000000000 + fraction * (layout.nanosecond ? 1 : 1000);
    out.capLen = capLen;
    out.wireLen = wireLen < capLen ? capLen : wireLen;
    out.data = buffer.data();
    out.offset = offset;
    out.stable = false;
    nextOffset = offset + sizeof h + capLen;
    return true;
}

} // namespace lbs::pcap
