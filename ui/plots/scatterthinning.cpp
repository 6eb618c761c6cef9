#include "scatterthinning.h"

#include <algorithm>
#include <cmath>

namespace lbs::ui {

namespace {
/// Cell of `offset` from the extent's start among `cells` cells over `span` (0: one cell).
int cellOf(double offset, double span, int cells)
{
    if (!(span > 0))
        return 0;
    const double c = offset * (cells / span);
    return c >= double(cells - 1) ? cells - 1 : std::max(0, int(c));
}
} // namespace

ScatterGrid ScatterGrid::over(
    std::span<const double> keys, std::span<const double> values, int columns, int rows, double valueMargin)
{
    ScatterGrid g;
    g.columns = std::max(1, columns);
    g.rows = std::max(1, rows);
    if (keys.empty() || values.empty())
        return g;
    const auto [minIt, maxIt] = std::minmax_element(values.begin(), values.end());
    const double margin = std::log(std::max(valueMargin, 1.0));
    g.keyLo = keys.front();
    g.keySpan = keys.back() - keys.front();
    g.logLo = std::log(*minIt) - margin;
    g.logSpan = std::log(*maxIt) - std::log(*minIt) + 2 * margin;
    return g;
}

ScatterGrid ScatterGrid::coarser(int factor) const
{
    ScatterGrid g = *this;
    g.columns = std::max(1, columns / std::max(1, factor));
    g.rows = std::max(1, rows / std::max(1, factor));
    return g;
}

std::vector<uint32_t> thinScatter(std::span<const double> keys, std::span<const double> values,
    const ScatterGrid &grid, std::span<const uint32_t> among)
{
    std::vector<uint32_t> kept;
    const size_t n = std::min(keys.size(), values.size());
    // Keys are sorted, so the column only grows: one bit per row of the current column.
    std::vector<uint64_t> taken(size_t(std::max(1, grid.rows) + 63) / 64);
    int column = -1;
    const auto consider = [&](uint32_t i) {
        const int c = cellOf(keys[i] - grid.keyLo, grid.keySpan, grid.columns);
        if (c != column) {
            std::fill(taken.begin(), taken.end(), 0);
            column = c;
        }
        const int r = cellOf(std::log(values[i]) - grid.logLo, grid.logSpan, grid.rows);
        uint64_t &word = taken[size_t(r) / 64];
        const uint64_t bit = uint64_t(1) << (r % 64);
        if (!(word & bit)) {
            word |= bit;
            kept.push_back(i);
        }
    };
    if (among.empty()) {
        for (size_t i = 0; i < n; ++i)
            consider(uint32_t(i));
    } else {
        for (uint32_t i : among)
            if (i < n)
                consider(i);
    }
    return kept;
}

} // namespace lbs::ui
