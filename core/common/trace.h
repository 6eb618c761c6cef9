// Opt-in diagnostic trace on stderr, like `kubectl -v=6`: which requests ran and how long they took.
// Enabled per area by LBSCOPE_TRACE (e.g. "http,exec" or "all"). Never prints headers, tokens or bodies.
// Qt-free; no other lbscope module.
#pragma once

#include <string_view>

namespace lbs {

/// True when LBSCOPE_TRACE names `area` (comma separated) or is "all" / "1". Read once.
bool traceEnabled(std::string_view area);

/// Seconds since the first trace call or traceEnabled() check (a monotonic clock).
double traceSeconds();

/// Writes "[+S.SSSs] area: text" to stderr as one line when the area is enabled.
void trace(std::string_view area, std::string_view text);

} // namespace lbs
