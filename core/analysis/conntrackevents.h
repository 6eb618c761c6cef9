#pragma once
// The VIP node's conntrack record of a capture (core/capture/conntrackrecorder.h), read back: each
// line is one connection's original tuple (client -> VIP:port) and reply tuple (pod:targetPort ->
// client, or -> the node after SNAT) with the time it was seen. Two line shapes, one parser:
//   `conntrack -E -o timestamp[,extended]`:
//     [1796603428.868413]     [NEW] ipv4     2 tcp      6 120 SYN_SENT src=C dst=VIP sport=P dport=80
//         [UNREPLIED] src=POD dst=C sport=8080 dport=P
//   snapshots of /proc/net/nf_conntrack, "[EPOCH.NANOS] " + the kernel's line:
//     [1796603428.868413000] ipv4     2 tcp      6 117 TIME_WAIT src=C dst=VIP sport=P dport=80 src=POD ...
// Anything else (junk, cut lines, other protocols, DESTROY events) is skipped and counted.

#include "core/common/error.h"
#include "core/pcap/ipaddress.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lbs::analysis {

struct ConntrackEvent {
    int64_t tsNs = 0; ///< when the event was received, or the snapshot that first had the entry
    uint8_t proto = 0; ///< 6 TCP, 17 UDP
    bool snapshot = false; ///< a /proc/net/nf_conntrack line (no [EVENT] tag)
    pcap::Endpoint origSrc, origDst; ///< client -> VIP:port
    pcap::Endpoint replySrc, replyDst; ///< backend pod:targetPort -> client (or the node, SNAT)
};

struct ConntrackLog {
    std::vector<ConntrackEvent> events; ///< in file order
    uint64_t lines = 0; ///< non-empty lines read
    uint64_t skipped = 0; ///< lines that were not a TCP/UDP entry with a time and both tuples
};

/// One line (without its newline). False, with `out` unspecified, for anything else.
bool parseConntrackLine(std::string_view line, ConntrackEvent &out);
/// Every line of a record.
ConntrackLog parseConntrackLog(std::string_view text);
/// Reads and parses a record file of at most `maxBytes` (Io / BadInput errors name the path).
Result<ConntrackLog> readConntrackLog(const std::string &path, uint64_t maxBytes = 1ull << 30);

} // namespace lbs::analysis
