#pragma once
// Writing a report (JSON, CSV, text) to a file or standard output without ever destroying a capture:
// a path that names an input capture, or any capture file, is refused before anything is written.
// No Qt.

#include "core/common/error.h"
#include "core/pcap/captureset.h"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace lbs::analysis {

/// Why writing a report to `out` would destroy a capture: `out` is one of `inputs`, or an existing
/// pcap/pcapng file. Empty when `out` is safe (a new file, a non-capture file, "-" or empty).
std::string reportOutputHazard(const std::string &out, const std::vector<pcap::CaptureFileInfo> &inputs);

/// Hands a sink to `produce`, which writes the report through it in chunks (the sink returns false
/// once writing failed).
using ReportProducer = std::function<bool(const std::function<bool(std::string_view)> &sink)>;

/// Writes what `produce` gives to `path` ("-" = standard output). A regular file is written beside
/// `path` first and renamed over it only when complete, so a failing disk leaves neither half a report
/// nor a lost earlier one; FIFOs and devices are written directly. Error (kind Io, where = the file or
/// "standard output"): "cannot create output file: REASON" or "could not write the whole file: REASON".
Status writeReportFile(const std::string &path, const ReportProducer &produce);

} // namespace lbs::analysis
