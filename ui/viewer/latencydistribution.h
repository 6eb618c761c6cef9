#pragma once
// Histogram (log-spaced bins), empirical CDF and percentiles of a set of latencies, prepared for
// the distribution plot. Plain data, no Qt: the plot only draws what this computes. Percentiles
// follow the engine's rule (core/analysis/percentile.h), as the timeline's TTFB p50/p99 do.

#include <cstddef>
#include <vector>

namespace lbs::ui {

struct LatencyDistribution {
    std::vector<double> binLower; ///< bin edges, log-spaced when the data span more than a decade
    std::vector<double> binUpper;
    std::vector<double> counts;
    std::vector<double> cdfX; ///< sorted values (at most ~2000 points, evenly subsampled)
    std::vector<double> cdfY; ///< fraction 0..1
    double p50 = 0, p90 = 0, p99 = 0;
    bool logScale = false;
    std::size_t samples = 0;

    /// Builds the distribution of the positive values in `values` (others are ignored).
    static LatencyDistribution compute(std::vector<double> values, int bins = 40);
};

} // namespace lbs::ui
