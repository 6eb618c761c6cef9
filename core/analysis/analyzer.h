#pragma once
// core/analysis: flows, TCP analysis (Wireshark rules), HTTP/1.x latency, timeline series,
// findings and reports over a CaptureSet. Main header: Analyzer.
// Must never depend on Qt, on widgets or on core/kube|ssh|capture; only core/pcap and core/common.

#include "core/analysis/captureanalysis.h"
#include "core/common/canceltoken.h"
#include "core/common/error.h"
#include "core/common/progress.h"
#include "core/pcap/captureset.h"

#include <functional>
#include <string>
#include <vector>

namespace lbs::analysis {

struct AnalyzerOptions {
    std::string filter; ///< tcpdump-syntax BPF filter, empty = all packets
    double bucketSeconds = 1.0; ///< timeline bucket, 0.001 .. 3600
    /// The timeline's length at most: a capture spanning more buckets gets a bucket doubled until it
    /// fits (with a warning).
    size_t maxTimelineBuckets = size_t(1) << 17;
    bool keepPacketIndex = true; ///< fill CaptureAnalysis::packetIndex (32 bytes per packet)
    /// Read, filter and decode on a second thread when the machine has two cores (the result is
    /// the same either way).
    bool readAhead = true;
    /// The service's endpoints (pod names for the backends); empty: manifest.json `endpoints`.
    std::vector<EndpointInfo> endpoints {};
};

/// Stages published while running (cheap results first).
enum class AnalysisStage {
    Partial, ///< reading: summary and timeline so far (no flows, no packet index)
    Timeline, ///< reading done: final summary, files and timeline
    Complete, ///< everything: flows, HTTP, findings, packet index
};

/// Runs the whole analysis in one pass over the merged packets. Not thread-safe per instance;
/// run it on a worker thread and poll/cancel through the token.
class Analyzer {
public:
    using StageCallback = std::function<void(AnalysisStage, const CaptureAnalysis &)>;

    explicit Analyzer(AnalyzerOptions options = {});

    /// Errors: unreadable file, invalid filter (pcap_geterr text), bucket out of range,
    /// cancelled ("analysis cancelled"). `onStage` (optional) receives snapshots; `progress`
    /// (optional) receives throttled byte progress.
    Result<CaptureAnalysis> run(const pcap::CaptureSet &set, const CancelToken &cancel = {},
        ProgressSink *progress = nullptr, const StageCallback &onStage = {});

private:
    AnalyzerOptions m_options;
};

/// Convenience: CaptureSet::open + Analyzer::run.
Result<CaptureAnalysis> analyzeFiles(
    const std::vector<std::string> &inputs, const AnalyzerOptions &options = {});

} // namespace lbs::analysis
