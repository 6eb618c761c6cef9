#pragma once
// What the first bytes of a capture file say about its format: classic pcap (either byte order,
// micro- or nanosecond timestamps) or pcapng. The one place that knows the magic numbers; readers,
// the capture download checks and the CLI's stream check all ask it.

#include <cstddef>
#include <cstdint>
#include <string>

namespace lbs::pcap {

/// The container format announced by a file's first four bytes.
enum class CaptureFormat : uint8_t {
    Unknown, ///< not a capture file this tool reads (or fewer than four bytes)
    Pcap, ///< classic libpcap format
    PcapNg, ///< pcapng (starts with a section header block)
};

/// Bytes identifyCaptureHeader() needs.
inline constexpr size_t kCaptureMagicBytes = 4;

/// The magic numbers as read from the file's first four bytes in the writer's byte order.
inline constexpr uint32_t kPcapMagicMicroseconds = 0xa1b2c3d4;
inline constexpr uint32_t kPcapMagicNanoseconds = 0xa1b23c4d;
/// pcapng section header block type (the same bytes in either byte order).
inline constexpr uint32_t kPcapNgSectionHeader = 0x0a0d0d0a;

/// A capture file's format as its first bytes announce it.
struct CaptureHeader {
    CaptureFormat format = CaptureFormat::Unknown;
    /// Classic pcap with nanosecond timestamps (magic 0xa1b23c4d); false for microseconds and
    /// for pcapng, whose resolution is per interface.
    bool nanosecond = false;
    /// Classic pcap written big-endian (bytes a1 b2 …): its header and record fields are
    /// big-endian. False for little-endian files and for pcapng.
    bool bigEndian = false;
    bool isCapture() const { return format != CaptureFormat::Unknown; }
    bool operator==(const CaptureHeader &) const = default;
};

/// A classic pcap record's time in nanoseconds since 1970. The format defines both of its fields as
/// unsigned 32-bit numbers, and Wireshark reads them so: 0xffffffff seconds is in 2106, not one
/// second before 1970. Every reader of classic pcap gives this time.
inline int64_t classicRecordTimeNs(uint32_t seconds, uint32_t fraction, bool nanosecond)
{
    return int64_t(seconds) * 1000000000 + int64_t(fraction) * (nanosecond ? 1 : 1000);
}

/// A record's time as libpcap hands it out (`seconds` and `nanoseconds` being its pcap_pkthdr
/// fields, the file opened with nanosecond precision), in nanoseconds since 1970. libpcap 1.10
/// sign-extends both fields of a classic pcap file written in the host's byte order; for such a
/// file this gives back the unsigned values on disk (classicRecordTimeNs). A pcapng time is 64-bit
/// and is taken as it is.
inline int64_t libpcapRecordTimeNs(int64_t seconds, int64_t nanoseconds, const CaptureHeader &file)
{
    if (file.format != CaptureFormat::Pcap)
        return seconds * 1000000000 + nanoseconds;
    const int64_t scale = file.nanosecond ? 1 : 1000; // libpcap scaled a microsecond fraction
    return classicRecordTimeNs(
        static_cast<uint32_t>(seconds), static_cast<uint32_t>(nanoseconds / scale), file.nanosecond);
}

/// Identifies the format from the first `size` bytes of a file; Unknown when fewer than
/// kCaptureMagicBytes are given or the magic is none of pcap's four or pcapng's.
CaptureHeader identifyCaptureHeader(const unsigned char *data, size_t size);

/// Reads the first bytes of the file at `path` and identifies them; Unknown when the file cannot
/// be read or is shorter than kCaptureMagicBytes.
CaptureHeader identifyCaptureFile(const std::string &path);

} // namespace lbs::pcap
