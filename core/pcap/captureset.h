#pragma once
// core/pcap: reading pcap/pcapng captures through libpcap, rotated sets, link-layer decoding,
// BPF filters and packet export. Main header: CaptureSet.
// Must never depend on Qt or on any lbscope module other than core/common.

#include "core/common/error.h"
#include "core/pcap/capturerecord.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lbs::pcap {

/// One capture file of a set. Probe fields are filled by CaptureSet::open; the counters
/// (packets, bytes, lastTsNs, truncated) are filled by a full read (PacketReader / Analyzer).
struct CaptureFileInfo {
    std::string path;
    uint64_t sizeBytes = 0;
    bool pcapng = false;
    bool nanosecond = false; ///< pcap with nanosecond magic (pcapng: per-interface resolution)
    int linktype = -1; ///< DLT of the file (pcapng: of its first interface)
    uint32_t snaplen = 0;
    int64_t firstTsNs = 0; ///< first packet's time; valid when hasPackets
    bool hasPackets = false; ///< at least one packet could be read by the probe
    // filled by a full read:
    uint64_t packets = 0;
    uint64_t bytes = 0; ///< sum of wire lengths
    int64_t lastTsNs = 0;
    bool truncated = false; ///< the file ended inside a record or a record was corrupt
    std::string readError; ///< libpcap's message for that last bad record
    /// The file became shorter while it was read (truncated or rewritten by another process):
    /// truncated is set too, readError says where the reading stopped.
    bool shrank = false;
    uint64_t longRecords = 0; ///< records longer than the snapshot length, read whole
    /// A classic pcap version after 2.x, which libpcap refuses: read as 2.4 without libpcap, as
    /// Wireshark reads it (directpcap.h).
    bool readWithoutLibpcap = false;
};

/// A file left out of a set because a file already in it has the same size, first packet time and
/// link type: a copy.
struct DuplicateFile {
    std::string path; ///< the copy, not read
    std::string sameAs; ///< the file that was read
    /// "duplicate file PATH has the same size and first packet as SAMEAS; it was read once"
    std::string message() const;
};

/// Resolved input of one analysis: ordered files, warnings and the optional manifest.
/// Accepts plain files, rotated sets (x.pcap0..x.pcapN with any digit width, or x.pcap, x.pcap1,
/// ...), a base name whose rotated siblings exist, and directories (with or without
/// manifest.json). Files are ordered by their first packet time, so a wrapped ring reads in true
/// time order; files with the same size and first packet are reported and used once.
struct CaptureSet {
    std::vector<CaptureFileInfo> files;
    std::vector<std::string> warnings;
    std::vector<DuplicateFile> duplicates; ///< files left out as copies; each also has a warning
    std::optional<CaptureRecord> manifest; ///< manifest.json of the capture directory
    std::string manifestPath; ///< where manifest was read from

    /// Error when an input is missing or unreadable (message names the file and libpcap's
    /// reason) or when no capture file remains.
    static Result<CaptureSet> open(const std::vector<std::string> &inputs);
};

/// Probes one file with libpcap (format, link type, snaplen, first packet time).
Result<CaptureFileInfo> probeCaptureFile(const std::string &path);

/// Files of the rotated set `path` belongs to: `base`, `base<digits>` siblings in the same
/// directory (where base is path without trailing digits), sorted by suffix number.
/// Returns just {path} when there are no siblings.
std::vector<std::string> rotationSiblings(const std::string &path);

/// Formats nanoseconds since the epoch as seconds with 9 decimals ("1700000000.123456789").
std::string formatTimestamp(int64_t tsNs);
/// Room formatTimestamp(int64_t, char *) needs.
inline constexpr size_t kTimestampTextBytes = 32;
/// The same text written to `buf` (kTimestampTextBytes); its length. No allocation.
size_t formatTimestamp(int64_t tsNs, char *buf);
/// "2026-11-27 10:04:05.123" in UTC (milliseconds), for human text.
std::string formatUtcTime(int64_t tsNs, bool withDate = true);

} // namespace lbs::pcap
