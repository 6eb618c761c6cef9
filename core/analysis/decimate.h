#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace lbs::analysis {

/// One plot column: the x at its centre and the min/max of the values falling in it.
struct DecimatedPoint {
    double x = 0;
    double min = 0;
    double max = 0;
};

/// Reduces a series to at most `columns` points over [xMin, xMax] (min/max per pixel column)
/// so a plot never draws millions of points. `keys` must be ascending and the same size as
/// `values`; NaN values are skipped; empty columns are omitted. Keys outside the range are ignored.
std::vector<DecimatedPoint> decimateMinMax(const std::vector<double> &keys, const std::vector<double> &values,
    double xMin, double xMax, size_t columns);

/// Same for a uniformly bucketed series (bucket i at x0 + i * step), without building keys.
std::vector<DecimatedPoint> decimateUniform(
    const std::vector<double> &values, double x0, double step, double xMin, double xMax, size_t columns);

} // namespace lbs::analysis
