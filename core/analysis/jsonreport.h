#pragma once

#include "core/analysis/captureanalysis.h"

#include <string>

namespace lbs::analysis {

/// The `lbscope-cli analyze --json` document (design.md contract): files, totals, flows with
/// requests, timeline series, findings. Timestamps are seconds with 9 decimals, durations µs.
std::string toJsonReport(const CaptureAnalysis &analysis, bool pretty = true);

/// One CSV row per flow with a header line (for --flows-csv).
std::string toFlowsCsv(const CaptureAnalysis &analysis);

/// Human summary: totals, files, top findings, slowest flows and requests.
std::string toTextSummary(const CaptureAnalysis &analysis, size_t maxFindings = 10, size_t maxSlowest = 5);

} // namespace lbs::analysis
