#pragma once
// Classic pcap records read without libpcap, where libpcap and Wireshark's reader (wiretap)
// disagree and wiretap keeps what is in the file (docs/decisions.md, "Odd headers and records"):
// - a record longer than the file's snapshot length, which libpcap cuts to it and wiretap keeps
//   whole;
// - a file of a later major version than 2 (its records laid out as in 2.4), which libpcap refuses
//   and wiretap reads.

#include "core/pcap/packetreader.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lbs::pcap {

/// A classic pcap file header.
struct ClassicPcapLayout {
    bool swapped = false; ///< fields in the other byte order than this host's
    bool nanosecond = false;
    uint16_t versionMajor = 0;
    uint16_t versionMinor = 0;
    uint32_t snaplen = 0;
    int linktype = -1; ///< the link type field's low 16 bits
    /// Version 2.4 or a later 2.x: libpcap reads the records (and swaps caplen and len before it).
    bool libpcapReads() const { return versionMajor == 2 && versionMinor >= 4; }
    /// A later major version: libpcap refuses the file, wiretap reads it as 2.4.
    bool laterVersion() const { return versionMajor > 2; }
};

/// The header of the classic pcap file open on @p fd; nullopt for pcapng and anything else.
std::optional<ClassicPcapLayout> classicPcapLayout(int fd);

/// What readRecordDirect found at an offset.
enum class DirectRecord { Read, End, Cut, TooLong };

/// Reads the record at @p offset whole (up to libpcap's largest, 262144 bytes): `out` then points
/// into @p buffer and @p nextOffset is the offset after the record. End: no byte left; Cut: the
/// file ends inside the record; TooLong: a captured length above the largest.
DirectRecord readRecordDirect(int fd, uint64_t offset, const ClassicPcapLayout &layout,
    std::vector<uint8_t> &buffer, RawPacket &out, uint64_t &nextOffset);

/// The reason for a record readRecordDirect did not read, in libpcap's words where it has them.
std::string directRecordError(DirectRecord r);

/// readRecordDirect for a record whose captured length is above @p snaplen only; false (nothing
/// read) for any other record, which libpcap reads.
bool readLongRecord(int fd, uint64_t offset, const ClassicPcapLayout &layout, uint32_t snaplen,
    std::vector<uint8_t> &buffer, RawPacket &out, uint64_t &nextOffset);

} // namespace lbs::pcap
