#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace lbs::capture {

/// tcpdump's own counters, printed on stderr when it exits (docs/domain-notes.md, "tcpdump: ring buffer,
/// users, exit").
struct TcpdumpStats {
    std::optional<uint64_t> captured;
    std::optional<uint64_t> receivedByFilter;
    std::optional<uint64_t> droppedByKernel;
    std::optional<uint64_t>
        droppedByInterface; ///< printed only when non-zero; absent = 0 if the others are there
    bool complete() const { return captured && receivedByFilter && droppedByKernel; }
};

/// Parses the last set of counters found in tcpdump's stderr ("N packets captured",
/// "N packets received by filter", "N packets dropped by kernel", "N packets dropped by interface",
/// singular "packet" included): the lines printed when tcpdump exits, and the one line it prints on
/// SIGUSR1 while it runs ("tcpdump: N packets captured, N packets received by filter, ...").
/// Lines that are not counters are ignored.
TcpdumpStats parseTcpdumpStats(const std::string &stderrText);

/// "tcpdump version 4.99.3" -> "4.99.3"; empty when absent.
std::string parseTcpdumpVersion(const std::string &versionOutput);

} // namespace lbs::capture
