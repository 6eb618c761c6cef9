#pragma once
// The report's plots as inline SVG (no script, no external file): the timeline (packets per bucket,
// with failed handshakes, resets and retransmissions marked) and the distribution of HTTP first-byte
// times on a logarithmic axis.

#include "core/analysis/captureanalysis.h"

#include <QString>
#include <QStringList>

namespace lbs::report {

/// Packets per bucket as bars; failed handshakes + resets (red) and retransmissions (orange) as lines.
/// Times on the axis as HH:MM:SS at `utcOffsetSeconds`. Empty string when the timeline is empty.
QString timelineSvg(
    const analysis::Timeline &timeline, int utcOffsetSeconds, int width = 900, int height = 220);

/// Histogram of the HTTP requests' first-byte times (log buckets from 0.1 ms to 10 s). Empty string
/// when no request has one.
QString latencySvg(const analysis::CaptureAnalysis &analysis, int width = 900, int height = 200);

} // namespace lbs::report
