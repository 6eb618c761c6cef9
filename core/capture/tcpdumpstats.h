#pragma once

#include "core/pcap/capturerecord.h"

#include <string>

namespace lbs::capture {

/// Parses the last set of counters found in tcpdump's stderr ("N packets captured",
/// "N packets received by filter", "N packets dropped by kernel", "N packets dropped by interface",
/// singular "packet" included): the lines printed when tcpdump exits, and the one line it prints on
/// SIGUSR1 while it runs ("tcpdump: N packets captured, N packets received by filter, ...").
/// Lines that are not counters are ignored.
pcap::TcpdumpStats parseTcpdumpStats(const std::string &stderrText);

/// "tcpdump version 4.99.3" -> "4.99.3"; empty when absent.
std::string parseTcpdumpVersion(const std::string &versionOutput);

} // namespace lbs::capture
