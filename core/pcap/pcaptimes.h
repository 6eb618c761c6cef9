#pragma once

#include "core/common/error.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace lbs::pcap {

/// First and last packet time of a downloaded capture file, for manifest.json.
struct PcapTimes {
    double firstTs = 0; ///< seconds since the epoch, nanosecond precision kept where the file has it
    double lastTs = 0;
    uint64_t packets = 0;
    bool truncated = false; ///< the last record is cut short (tcpdump killed hard)
};

/// Reads every record header of a pcap/pcapng file with libpcap.
Result<PcapTimes> readPcapTimes(const std::string &path);

/// Computes the same PcapTimes as readPcapTimes from the bytes of a file as they stream past (during a
/// download), so that a downloaded capture need not be read a second time. Handles classic pcap
/// (either byte order, micro- or nanosecond magic). Anything else it does not vouch for: pcapng, an
/// unknown magic, a record longer than libpcap accepts, or a file ending inside a record make
/// result() empty, and the caller reads the file with readPcapTimes instead.
class PcapTimesScanner {
public:
    void feed(const char *data, std::size_t size);
    /// The times once every byte was fed; nullopt when the file is not one this scanner vouches for.
    std::optional<PcapTimes> result() const;

private:
    bool parseHeader();
    void takeRecord(const unsigned char *hdr);
    uint32_t u32(const unsigned char *p) const;

    enum class State { Header, Records, Refused } m_state = State::Header;
    unsigned char m_pending[24] = {}; ///< a file or record header split across feed() calls
    std::size_t m_pendingSize = 0;
    uint64_t m_skip = 0; ///< packet bytes still to pass over
    bool m_swapped = false;
    bool m_nano = false;
    PcapTimes m_times;
};

} // namespace lbs::pcap
