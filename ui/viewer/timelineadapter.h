#pragma once
// Feeds the engine's Timeline to the TimelinePlot: which series exist, their units, and a fetch
// function that decimates each series to the plot's pixel columns with the engine's decimator.

#include "core/analysis/captureanalysis.h"

#include <memory>

namespace lbs::ui {

class TimelinePlot;
struct TimeMarker;

class TimelineAdapter {
public:
    /// Configures `plot` for the analysis' timeline (keeps visibility choices of the same series).
    static void apply(TimelinePlot *plot, std::shared_ptr<const analysis::CaptureAnalysis> analysis);
    /// Findings with a time span, as markers on the time axis.
    static std::vector<TimeMarker> markers(const analysis::CaptureAnalysis &analysis);
};

} // namespace lbs::ui
