#pragma once

#include "core/common/error.h"

#include <cstdint>
#include <string>

namespace lbs::capture {

/// First and last packet time of a downloaded capture file, for manifest.json.
struct PcapTimes {
    double firstTs = 0; ///< seconds since the epoch, nanosecond precision kept where the file has it
    double lastTs = 0;
    uint64_t packets = 0;
    bool truncated = false; ///< the last record is cut short (tcpdump killed hard)
};

/// Reads every record header of a pcap/pcapng file with libpcap.
Result<PcapTimes> readPcapTimes(const std::string &path);

} // namespace lbs::capture
