#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lbs::capture {

/// One file of a tcpdump ring as listed on the node.
struct RemoteFile {
    std::string path; ///< full remote path
    uint64_t size = 0;
    int64_t mtime = 0; ///< seconds since the epoch
    int index = -1; ///< rotation suffix (x.pcap3 -> 3); -1 for the unsuffixed first file
};

/// Width of tcpdump's rotation suffix for -W count: the number of digits of (count-1), 0 for count 1
/// (docs/domain-notes.md, "tcpdump: ring buffer, users, exit": -W 10 -> 0..9, -W 11 -> 00..10).
int rotationSuffixWidth(int ringCount);

/// True when path is base itself (ringCount 1) or base followed by exactly width digits.
bool isRotationFile(const std::string &path, const std::string &base, int ringCount);

/// Parses `stat -c '%n %s %Y'` lines, keeps the files of the ring (other names, the pid and stderr
/// files, garbage lines are skipped) and orders them oldest first by mtime, then by index.
/// Once the ring wrapped names no longer sort by time; the analysis orders by first packet anyway.
std::vector<RemoteFile> parseRotationListing(
    const std::string &statOutput, const std::string &base, int ringCount);

/// The remote command listing the ring (argv; the glob is on a quoted prefix inside sh -c).
std::vector<std::string> rotationListingCommand(const std::string &base);

} // namespace lbs::capture
