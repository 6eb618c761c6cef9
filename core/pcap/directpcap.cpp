#include "core/pcap/directpcap.h"

#include "core/pcap/captureformat.h"

#include <unistd.h>

#include <cstring>

namespace lbs::pcap {

namespace {
constexpr uint32_t kLargestRecord = 262144; // libpcap's MAXIMUM_SNAPLEN: larger ones are errors
constexpr size_t kRecordHeader = 16;

uint32_t field(const uint8_t *p, bool swapped)
{
    uint32_t v;
    std::memcpy(&v, p, sizeof v);
    return swapped ? __builtin_bswap32(v) : v;
}

uint16_t field16(const uint8_t *p, bool swapped)
{
    uint16_t v;
    std::memcpy(&v, p, sizeof v);
    return swapped ? __builtin_bswap16(v) : v;
}

/// The record header at @p offset: false when the file ends inside or right at it.
ssize_t readHeader(int fd, uint64_t offset, uint8_t (&h)[kRecordHeader])
{
    return ::pread(fd, h, sizeof h, static_cast<off_t>(offset));
}

bool readBody(int fd, uint64_t offset, const ClassicPcapLayout &layout, const uint8_t (&h)[kRecordHeader],
    std::vector<uint8_t> &buffer, RawPacket &out, uint64_t &nextOffset)
{
    const uint32_t capLen = field(h + 8, layout.swapped);
    buffer.resize(capLen);
    if (capLen > 0
        && ::pread(fd, buffer.data(), capLen, static_cast<off_t>(offset + kRecordHeader))
            != static_cast<ssize_t>(capLen))
        return false;
    const uint32_t wireLen = field(h + 12, layout.swapped);
    out.tsNs = classicRecordTimeNs(field(h, layout.swapped), field(h + 4, layout.swapped), layout.nanosecond);
    out.capLen = capLen;
    out.wireLen = wireLen < capLen ? capLen : wireLen;
    out.data = buffer.data();
    out.offset = offset;
    nextOffset = offset + kRecordHeader + capLen;
    return true;
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
    layout.versionMajor = field16(header + 4, layout.swapped);
    layout.versionMinor = field16(header + 6, layout.swapped);
    layout.snaplen = field(header + 16, layout.swapped);
    layout.linktype = static_cast<int>(field(header + 20, layout.swapped) & 0xffff);
    return layout;
}

DirectRecord readRecordDirect(int fd, uint64_t offset, const ClassicPcapLayout &layout,
    std::vector<uint8_t> &buffer, RawPacket &out, uint64_t &nextOffset)
{
    uint8_t h[kRecordHeader];
    const ssize_t n = readHeader(fd, offset, h);
    if (n == 0)
        return DirectRecord::End;
    if (n != static_cast<ssize_t>(sizeof h))
        return DirectRecord::Cut;
    if (field(h + 8, layout.swapped) > kLargestRecord)
        return DirectRecord::TooLong;
    return readBody(fd, offset, layout, h, buffer, out, nextOffset) ? DirectRecord::Read : DirectRecord::Cut;
}

std::string directRecordError(DirectRecord r)
{
    switch (r) {
    case DirectRecord::Cut:
        return "truncated dump file: the file ends inside a record";
    case DirectRecord::TooLong:
        return "invalid packet capture length: larger than 262144 bytes";
    default:
        return {};
    }
}

bool readLongRecord(int fd, uint64_t offset, const ClassicPcapLayout &layout, uint32_t snaplen,
    std::vector<uint8_t> &buffer, RawPacket &out, uint64_t &nextOffset)
{
    uint8_t h[kRecordHeader];
    if (readHeader(fd, offset, h) != static_cast<ssize_t>(sizeof h))
        return false;
    const uint32_t capLen = field(h + 8, layout.swapped);
    if (capLen <= snaplen || capLen > kLargestRecord)
        return false;
    return readBody(fd, offset, layout, h, buffer, out, nextOffset);
}

} // namespace lbs::pcap
