#include "core/analysis/percentile.h"

#include <algorithm>
#include <cmath>

namespace lbs::analysis {

size_t nearestRankIndex(size_t count, double q)
{
    const double rank = std::ceil(q * static_cast<double>(count));
    return static_cast<size_t>(std::clamp(rank, 1.0, static_cast<double>(count))) - 1;
}

double percentileOfSorted(std::span<const double> sorted, double q)
{
    if (sorted.empty())
        return std::nan("");
    return sorted[nearestRankIndex(sorted.size(), q)];
}

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return percentileOfSorted(values, 0.5);
}

} // namespace lbs::analysis
