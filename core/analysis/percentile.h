#pragma once
// The one percentile rule of lbscope: nearest rank. The timeline's TTFB p50/p99, the findings'
// medians and the GUI's latency distribution all use it, so a number read in one view is the
// same number in the others and in the JSON report.

#include <cstddef>
#include <span>
#include <vector>

namespace lbs::analysis {

/// Index of the nearest-rank q-quantile among `count` ascending values: ceil(q·count) − 1,
/// clamped to 0..count−1 (q = 0 gives the smallest, q = 1 the largest; q = 0.5 is the lower
/// median). `count` must be at least 1.
size_t nearestRankIndex(size_t count, double q);

/// The nearest-rank q-quantile of ascending-sorted values (no interpolation: always one of the
/// values). NaN when `sorted` is empty.
double percentileOfSorted(std::span<const double> sorted, double q);

/// The lower median of `values` in any order (nearest-rank p50). NaN when empty.
double median(std::vector<double> values);

} // namespace lbs::analysis
