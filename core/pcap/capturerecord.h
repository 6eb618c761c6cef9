#pragma once
// The record a capture directory holds about itself (docs/contracts.md, "Capture directory and
// manifest.json"): one schema, read and written here. lbscope-cli capture and the GUI's capture
// page write it as .lbscope-session.json while tcpdump runs (so a dropped session can be
// re-attached) and as manifest.json once the files are downloaded; the analysis reads manifest.json.

#include "core/common/error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lbs::pcap {

/// tcpdump's own counters, printed on stderr when it exits (docs/domain-notes.md, "tcpdump: ring
/// buffer, users, exit"); "tcpdump_stats" in the record. Absent counters stay std::nullopt.
struct TcpdumpStats {
    std::optional<uint64_t> captured;
    std::optional<uint64_t> receivedByFilter;
    std::optional<uint64_t> droppedByKernel;
    std::optional<uint64_t>
        droppedByInterface; ///< printed only when non-zero; absent = 0 if the others are there
    bool complete() const { return captured && receivedByFilter && droppedByKernel; }
};

/// One downloaded capture file ("files").
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

/// One endpoint of the captured service ("endpoints"): the backend pod behind an IP and port, so that
/// the analysis names pods rather than addresses.
struct ServiceEndpoint {
    std::string pod;
    std::string nameSpace; ///< "namespace"
    std::string node;
    std::string ip;
    int port = 0; ///< the target port traffic to the pod goes to (0 = unknown)
};

/// One interface of the captured node ("interfaces"): `tcpdump -i any` (SLL2) records the index of the
/// interface each packet passed, and this names it.
struct CaptureInterface {
    int index = 0;
    std::string name;
    std::vector<std::string> addresses; ///< "203.0.113.11/24"
    std::string role; ///< "holds the VIP", "pod default/web-1", "node address", ...
};

/// The VIP node's conntrack record of the capture ("conntrack"): which pod each connection to the VIP
/// went to, so that a capture of the VIP's side alone still names the backend (docs/decisions.md,
/// "Conntrack labels").
struct ConntrackRecord {
    /// "conntrack-events" (`conntrack -E`), "nf_conntrack-snapshots" (/proc/net/nf_conntrack every
    /// second, where the tool is missing) or "none" (neither was usable: `note` says why).
    std::string method;
    std::string note; ///< why the method was chosen over the other, or why none
    std::string name; ///< the downloaded file inside the capture directory (empty until downloaded)
    std::string remotePath; ///< where it was written on the node
    uint64_t size = 0;
    std::string sha256;
    std::vector<std::string> remoteCommand;
    std::string pidFile;
    std::string stderrFile;
    int64_t pid = 0;
};

/// Everything known about a capture. Every field is optional in the file: absent strings stay
/// empty, absent numbers 0.
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
    std::vector<ServiceEndpoint> endpoints; ///< of the service, when the capture was made for one
    std::vector<CaptureInterface> interfaces; ///< of the node, when it was probed
    std::optional<ConntrackRecord> conntrack; ///< when the plan recorded the node's conntrack
};

/// File names inside a capture directory.
inline constexpr const char *kManifestName = "manifest.json";
inline constexpr const char *kSessionStateName = ".lbscope-session.json";

/// The record as JSON ("format": "lbscope-capture-1"), indented, ending with a newline.
std::string captureRecordJson(const CaptureRecord &record);
/// Parses a record. Unknown keys are ignored; the spellings of early manifests are accepted too
/// ("VIP", "iface", "bpf_filter", "start"/"stop", "tcpdump", files as plain names). Errors name
/// `path` and the JSON problem.
Result<CaptureRecord> parseCaptureRecord(std::string_view text, const std::string &path);

/// Writes the record to `path` atomically (a file beside it, renamed over it).
Status writeCaptureRecord(const std::string &path, const CaptureRecord &record);
/// Reads a record written by writeCaptureRecord (or an earlier lbscope); at most 64 MiB.
Result<CaptureRecord> readCaptureRecord(const std::string &path);

/// ISO 8601 UTC with milliseconds for now ("2026-11-27T03:04:05.123Z"), as start_time/stop_time hold.
std::string isoNowUtc();

} // namespace lbs::pcap
