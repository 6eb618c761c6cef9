#pragma once
// Downloading files that are already on a node (a capture started earlier, files left after a crash):
// resumable, sha256-checked, with a manifest.json like a capture's.

#include "core/capture/captureobserver.h"
#include "core/capture/remotehost.h"
#include "core/common/progress.h"

#include <string>
#include <vector>

namespace lbs::capture {

/// Which files to fetch, where to, and what the manifest records.
struct FetchRequest {
    std::vector<std::string> paths; ///< absolute paths on the node
    std::string outDir; ///< created when missing
    bool removeRemote = false; ///< delete each file on the node once it is verified here
    std::string endpoint; ///< how the node was reached, for manifest.json
    std::string context; ///< kubeconfig context, for manifest.json
};

/// Downloads every file of request.paths into outDir (one stat for all of them first), each resumed
/// from NAME.part and complete only when size and sha256 match the node's. Each verified file goes to
/// observer->fileVerified, each failure to observer->error (the rest are still fetched unless cancel
/// fired), a file that could not be removed to observer->warning. Writes outDir/manifest.json for the
/// files that arrived (with first/last packet times for captures). Returns how many files failed;
/// an Error only when the manifest cannot be written.
Result<int> fetchFiles(RemoteHost &host, const FetchRequest &request, ProgressSink *progress,
    CaptureObserver *observer, const CancelToken &cancel);

} // namespace lbs::capture
