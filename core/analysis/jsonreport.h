#pragma once

#include "core/analysis/captureanalysis.h"

#include <functional>
#include <string>
#include <string_view>

namespace lbs::analysis {

/// The `lbscope-cli analyze --json` document (docs/contracts.md): files, totals, flows with
/// requests, timeline series, findings. Timestamps are seconds with 9 decimals, durations µs.
std::string toJsonReport(const CaptureAnalysis &analysis, bool pretty = true);

/// The same document streamed to `sink` in chunks of about 1 MiB (the whole report is never held
/// in memory). Returns false as soon as the sink returns false.
bool writeJsonReport(
    const CaptureAnalysis &analysis, bool pretty, const std::function<bool(std::string_view)> &sink);

/// One CSV row per flow with a header line (for --flows-csv).
std::string toFlowsCsv(const CaptureAnalysis &analysis);

/// What the human summary shows.
struct TextSummaryOptions {
    size_t maxFindings = 10;
    size_t maxSlowest = 5;
    bool explain = false; ///< each finding followed by its plain-text explanation (findingexplanation.h)
};

/// Human summary: totals, files, top findings, slowest flows and requests.
std::string toTextSummary(const CaptureAnalysis &analysis, const TextSummaryOptions &options = {});

} // namespace lbs::analysis
