#pragma once

#include "core/common/error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lbs::pcap {

/// One capture file listed in manifest.json ("files"): written by lbscope-cli capture
/// (core/capture's writeRecord) when it downloads the file, read here by the analysis. The one
/// struct for that entry on both sides.
struct ManifestFile {
    std::string name; ///< file name inside the capture directory
    std::string remotePath; ///< where it was on the node ("remote_path")
    uint64_t size = 0; ///< bytes
    std::string sha256; ///< hex digest of the downloaded bytes
    double firstTs = 0; ///< first packet, seconds since the epoch (0 when the file has none)
    double lastTs = 0; ///< last packet, seconds since the epoch
    uint64_t packets = 0;
    bool truncated = false; ///< the file ends inside a packet record
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
