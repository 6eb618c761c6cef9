#pragma once
// Thinning of a scatter for drawing: millions of points shown whole land many to a pixel, and
// QCustomPlot walks every one of them on each redraw. A grid over the points' extent (key linear,
// value logarithmic) keeps the first point, in key order, of every cell it has points in; while a
// cell is small on screen against a point's disc, the thinned points draw the same picture.
// Touches no widget: built on the worker thread that gathers the points.

#include <cstdint>
#include <span>
#include <vector>

namespace lbs::ui {

/// Cells over an extent of keys (linear) and values (logarithmic).
struct ScatterGrid {
    int columns = 1;
    int rows = 1;
    double keyLo = 0;
    double keySpan = 0; ///< 0: one column
    double logLo = 0; ///< natural log of the smallest value the grid covers
    double logSpan = 0; ///< 0: one row

    /// A grid of `columns` × `rows` over points from their smallest to their largest key and from
    /// their smallest value divided by `valueMargin` to their largest multiplied by it (the
    /// scatter's first view shows half the smallest to twice the largest value).
    static ScatterGrid over(std::span<const double> keys, std::span<const double> values, int columns,
        int rows, double valueMargin = 1);
    /// The same extent in `factor` times fewer columns and rows.
    ScatterGrid coarser(int factor) const;
};

/// Indices, ascending, of the points to keep: of the points `among` (ascending indices; all when
/// empty), the first of each cell of `grid` that has any. `keys` are sorted ascending and every
/// value is positive (LatencyScatterPlot::sortByKey makes them so); both have the same length.
std::vector<uint32_t> thinScatter(std::span<const double> keys, std::span<const double> values,
    const ScatterGrid &grid, std::span<const uint32_t> among = {});

} // namespace lbs::ui
