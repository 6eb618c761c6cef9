#pragma once
// Classic pcap records longer than the file's snapshot length. libpcap cuts such a record to the
// snapshot length; Wireshark's reader (wiretap) keeps it whole, as written. The reader and the
// re-reader read them here, whole, so that a file whose header understates its snapshot length
// loses no bytes (docs/decisions.md, "Records longer than the snapshot length").

#include "core/pcap/packetreader.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace lbs::pcap {

/// How a classic pcap file stores its record headers.
struct ClassicPcapLayout {
    bool swapped = false; ///< fields in the other byte order than this host's
    bool nanosecond = false;
};

/// The layout of the classic pcap file open on @p fd (version 2.4 or later); nullopt for pcapng,
/// older versions and anything else.
std::optional<ClassicPcapLayout> classicPcapLayout(int fd);

/// Reads the record at @p offset of the file open on @p fd when its captured length is above
/// @p snaplen (and within libpcap's largest, 262144 bytes) and all its bytes are in the file:
/// `out` then points into @p buffer and @p nextOffset is the offset after the record. False for
/// any other record (libpcap reads it), the end of the file, or a record cut short.
bool readLongRecord(int fd, uint64_t offset, const ClassicPcapLayout &layout, uint32_t snaplen,
    std::vector<uint8_t> &buffer, RawPacket &out, uint64_t &nextOffset);

} // namespace lbs::pcap
