#include "core/analysis/captureanalysis.h"

#include <cmath>

namespace lbs::analysis {

const char *outcomeName(FlowOutcome o)
{
    switch (o) {
    case FlowOutcome::Complete:
        return "complete";
    case FlowOutcome::Reset:
        return "reset";
    case FlowOutcome::FailedHandshake:
        return "failed_handshake";
    case FlowOutcome::Incomplete:
        break;
    }
    return "incomplete";
}

const char *severityName(Severity s)
{
    switch (s) {
    case Severity::Error:
        return "error";
    case Severity::Warning:
        return "warning";
    case Severity::Info:
        break;
    }
    return "info";
}

int64_t Timeline::bucketStartNs(size_t i) const
{
    return t0Ns + static_cast<int64_t>(std::llround(static_cast<double>(i) * bucketSeconds * 1e9));
}

} // namespace lbs::analysis
