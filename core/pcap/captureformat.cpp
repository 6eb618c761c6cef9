#include "core/pcap/captureformat.h"

#include <cstdio>

namespace lbs::pcap {

CaptureHeader identifyCaptureHeader(const unsigned char *data, size_t size)
{
    CaptureHeader h;
    if (!data || size < kCaptureMagicBytes)
        return h;
    const uint32_t big = uint32_t(data[0]) << 24 | uint32_t(data[1]) << 16 | uint32_t(data[2]) << 8 | data[3];
    const uint32_t little = __builtin_bswap32(big);
    if (big == kPcapNgSectionHeader) {
        h.format = CaptureFormat::PcapNg;
    } else if (big == kPcapMagicMicroseconds || big == kPcapMagicNanoseconds) {
        h.format = CaptureFormat::Pcap;
        h.bigEndian = true;
        h.nanosecond = big == kPcapMagicNanoseconds;
    } else if (little == kPcapMagicMicroseconds || little == kPcapMagicNanoseconds) {
        h.format = CaptureFormat::Pcap;
        h.nanosecond = little == kPcapMagicNanoseconds;
    }
    return h;
}

CaptureHeader identifyCaptureFile(const std::string &path)
{
    unsigned char magic[kCaptureMagicBytes] = {};
    std::FILE *f = std::fopen(path.c_str(), "rb");
    if (!f)
        return {};
    const size_t n = std::fread(magic, 1, sizeof magic, f);
    std::fclose(f);
    return identifyCaptureHeader(magic, n);
}

} // namespace lbs::pcap
