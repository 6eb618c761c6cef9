#pragma once

#include "core/common/error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lbs::pcap {

/// One file listed in a capture directory's manifest.json.
struct ManifestFile {
    std::string name;
    uint64_t size = 0;
    std::string sha256;
};

/// What lbscope-cli capture wrote next to the rotated files (docs/contracts.md, "Capture directory and
/// manifest.json"). Every field is optional in the file; absent numbers stay std::nullopt.
struct Manifest {
    std::string path; ///< path of manifest.json
    std::string transport; ///< "kube" or "ssh"
    std::string context;
    std::string service;
    std::string vip;
    std::string node;
    std::string interfaceName;
    std::string filter;
    std::string startTime;
    std::string stopTime;
    std::optional<uint64_t> captured; ///< tcpdump_stats.captured
    std::optional<uint64_t> receivedByFilter; ///< tcpdump_stats.received_by_filter
    std::optional<uint64_t> droppedByKernel; ///< tcpdump_stats.dropped_by_kernel
    std::optional<uint64_t> droppedByInterface; ///< tcpdump_stats.dropped_by_interface
    std::vector<ManifestFile> files;
};

/// Reads manifest.json. Unknown keys are ignored; a missing or malformed file is an Error
/// naming the path and the JSON problem.
Result<Manifest> readManifest(const std::string &path);

} // namespace lbs::pcap
