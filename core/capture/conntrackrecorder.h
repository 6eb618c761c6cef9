#pragma once
// Recording the VIP node's conntrack while tcpdump runs, so that a capture of the VIP's side alone
// still tells which pod each connection went to (docs/decisions.md, "Conntrack labels"). Two methods:
// `conntrack -E` (the kernel's NEW events for the VIP, with timestamps), or, where the tool is missing
// or refused, /proc/net/nf_conntrack read every second, keeping the VIP's entries that were not in the
// previous read. The file goes into the capture's remote directory beside the ring and is downloaded
// and sha256-checked like it.

#include "core/capture/captureplan.h"
#include "core/capture/downloader.h"
#include "core/capture/remotehost.h"
#include "core/common/progress.h"
#include "core/pcap/capturerecord.h"

#include <string>
#include <vector>

namespace lbs::capture {

inline constexpr const char *kConntrackEvents = "conntrack-events";
inline constexpr const char *kConntrackSnapshots = "nf_conntrack-snapshots";
inline constexpr const char *kConntrackNone = "none";

/// The remote file names of a plan's conntrack record (beside its ring, never matched as a ring file).
std::string conntrackFile(const CapturePlan &plan);

/// argv of the events method: a shell that appends `TOOL -L -d VIP -o extended` (the VIP's entries
/// already in the table, each line prefixed "[EPOCH] ") to FILE, then exec's `TOOL -E -e NEW,UPDATE -o
/// timestamp,extended -d VIP >>FILE` (UPDATE too: a connection that reuses a lingering entry's tuple
/// gets no NEW). FILE, TOOL and VIP are positional parameters, never parsed as shell text.
std::vector<std::string> conntrackEventsArgv(
    const std::string &tool, const std::string &vip, const std::string &file);
/// argv of the snapshots method: one awk that reads /proc/net/nf_conntrack every `intervalSec`
/// seconds and appends "[EPOCH.NANOS] LINE" for each entry whose original destination is `vip` and
/// that the previous read did not have. The VIP, the file and the table are awk's ARGV, never program
/// text; `table` is /proc/net/nf_conntrack but for tests of the script on a recorded table.
std::vector<std::string> conntrackSnapshotArgv(const std::string &vip, const std::string &file,
    int intervalSec = 1, const std::string &table = "/proc/net/nf_conntrack");

/// Chooses the method (events when `plan.conntrackTool -L -d VIP` works, else snapshots when
/// /proc/net/nf_conntrack is readable, else none) and fills `rec`. An Error only when the node
/// cannot be asked at all; a node with neither gets method "none" and a note.
Status probeConntrack(
    RemoteHost &host, const CapturePlan &plan, pcap::ConntrackRecord &rec, const CancelToken &cancel);

/// Starts the chosen method detached. When `conntrack -E` dies at once (no CAP_NET_ADMIN, no
/// ctnetlink), falls back to snapshots; the note says so. Returns the warning to show, or empty.
Result<std::string> startConntrack(
    RemoteHost &host, const CapturePlan &plan, pcap::ConntrackRecord &rec, const CancelToken &cancel);

/// Stops the recorder (TERM, then KILL) when the pid is still the recorder's (the pid stays in the
/// record, like tcpdump's). Warnings go to `warnings`. Uses its own bounded time, so it works after a cancel
/// too.
void stopConntrack(RemoteHost &host, pcap::ConntrackRecord &rec, std::vector<std::string> &warnings);

/// Downloads the recorded file into outDir (resumable, size and sha256 checked against the node's)
/// and fills name, size and sha256.
Status downloadConntrack(RemoteHost &host, pcap::ConntrackRecord &rec, const std::string &outDir,
    ProgressSink *sink, const CancelToken &cancel, DownloadResult *downloaded = nullptr);

/// The node files of the record (file, pid file, stderr file), for removal.
std::vector<std::string> conntrackRemoteFiles(const pcap::ConntrackRecord &rec);

} // namespace lbs::capture
