#pragma once

#include "core/capture/remotehost.h"
#include "core/common/progress.h"
#include "core/pcap/pcaptimes.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lbs::capture {

/// Size and modification time of a remote file (`stat -c '%s %Y'`).
struct RemoteStat {
    uint64_t size = 0;
    int64_t mtime = 0;
};

Result<RemoteStat> statRemote(RemoteHost &host, const std::string &path, const CancelToken &cancel);
/// One `stat` for many paths. Paths that cannot be stat'ed (or whose names do not survive the
/// round trip, e.g. with a newline) are simply missing from the answer: statRemote says why.
Result<std::map<std::string, RemoteStat>> statRemoteMany(
    RemoteHost &host, const std::vector<std::string> &paths, const CancelToken &cancel);
/// `sha256sum -- path`, the 64 hex characters.
Result<std::string> sha256Remote(RemoteHost &host, const std::string &path, const CancelToken &cancel);

/// How a download went.
struct DownloadResult {
    std::string localPath;
    uint64_t size = 0;
    std::string sha256; ///< verified equal to the node's sha256sum
    uint64_t resumedFrom = 0; ///< bytes already present in NAME.part when we started
    uint64_t transferred = 0; ///< bytes moved over the link this time
    double seconds = 0;
    bool alreadyComplete = false; ///< the local file was there with the right sha256
    /// First/last packet times, read from the bytes as they arrived (classic pcap only): callers need
    /// not read the file again. Empty when the scanner could not vouch for it (pcapng, truncated, not a
    /// capture, or already complete): then use readPcapTimes.
    std::optional<pcap::PcapTimes> times;
};

struct DownloadOptions {
    uint64_t rangeBytes = 4ull << 30; ///< one remote command per range (resume is byte-exact anyway)
    int attempts = 3; ///< per range, for short reads while the link is up
    /// Size and mtime already known (a listing of the capture directory, a batched stat): saves one
    /// remote command per file. Trusted for the first attempt only; a sha256 mismatch stats again.
    std::optional<RemoteStat> knownStat;
};

/// Downloads a remote file to localPath with byte-range resume and a sha256 check:
///  - bytes go to localPath + ".part" (with a ".part.meta" recording the remote size and mtime),
///    hashed while written; an existing .part for the same size/mtime is continued, not refetched;
///  - the remote file is read with one streaming command per range (RemoteHost::readRange);
///  - complete only when size and sha256 match the node's; a mismatch re-downloads once from zero;
///  - on error or cancel the bytes received so far stay in .part for the next attempt.
/// Progress goes to sink (bytes done of total, with rate and ETA in the message).
Result<DownloadResult> downloadFile(RemoteHost &host, const std::string &remotePath,
    const std::string &localPath, ProgressSink *sink, const CancelToken &cancel,
    const DownloadOptions &options = {});

} // namespace lbs::capture
