#pragma once

#include "core/capture/tcpdumpstats.h"
#include "core/common/error.h"
#include "core/pcap/manifest.h"

#include <cstdint>
#include <string>
#include <vector>

namespace lbs::capture {

/// One downloaded file as listed in manifest.json: the schema the analysis reads (core/pcap).
using ManifestFile = pcap::ManifestFile;

/// Everything known about a capture. Written as manifest.json when the capture is complete
/// (docs/contracts.md, "Capture directory and manifest.json"), and as .lbscope-session.json while it runs,
/// so a capture whose connection dropped can be re-attached (`capture --attach DIR`, `fetch`).
struct CaptureRecord {
    std::string state = "planned"; ///< planned, running, stopped, downloaded, failed
    std::string transport; ///< "kube" or "ssh"
    std::string context;
    std::string service;
    std::string vip;
    std::string node;
    std::string endpoint; ///< how to reach the node again (ssh USER@HOST:PORT, or pod name)
    /// kube: "namespace/name" of the debug pod tcpdump was started from; a dropped session leaves it
    /// behind and `capture --attach` deletes it once tcpdump has stopped.
    std::string debugPod;
    std::string iface;
    std::string filter;
    std::vector<std::string> remoteCommand; ///< the full tcpdump argv
    std::string remoteDir;
    std::string remoteBase;
    std::string pidFile;
    std::string stderrFile;
    int64_t pid = 0;
    int ringCount = 0;
    int ringSizeMb = 0;
    int snaplen = 0;
    std::string tcpdumpVersion;
    std::string startTime; ///< ISO 8601 UTC
    std::string stopTime;
    TcpdumpStats stats;
    std::vector<ManifestFile> files;
    std::vector<std::string> warnings;
};

/// ISO 8601 UTC with milliseconds for now ("2026-11-27T03:04:05.123Z").
std::string isoNowUtc();

/// Writes record as JSON to path atomically (temp file + rename).
Status writeRecord(const std::string &path, const CaptureRecord &record);
/// Reads what writeRecord wrote (unknown keys ignored).
Result<CaptureRecord> readRecord(const std::string &path);

/// File names inside a capture directory.
inline constexpr const char *kManifestName = "manifest.json";
inline constexpr const char *kSessionStateName = ".lbscope-session.json";

} // namespace lbs::capture
