#pragma once
// Wording shared by the findings (findings.cpp, natfindings.cpp).

#include "core/analysis/captureanalysis.h"

#include <string>
#include <vector>

namespace lbs::analysis {

/// "301 ms", "1.1 ms", "647 µs", "2.0 s".
std::string fmtDuration(double ns);
/// Time of day, "10:04:07" or with fractions when not on a whole second.
std::string clockText(int64_t ns);
/// "1 SYN", "3 SYNs".
std::string plural(size_t n, const char *one, const char *many);
Finding makeFinding(Severity sev, FindingKind kind, std::string summary, std::vector<uint32_t> flows = {});

} // namespace lbs::analysis
