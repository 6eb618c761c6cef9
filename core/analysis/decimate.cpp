#include "core/analysis/decimate.h"

#include <algorithm>
#include <cmath>

namespace lbs::analysis {

namespace {

// Shared core: values are visited in ascending x; `xAt(i)` gives the key of element i.
template <typename XAt>
std::vector<DecimatedPoint> decimate(
    size_t n, XAt xAt, const double *values, double xMin, double xMax, size_t columns)
{
    std::vector<DecimatedPoint> out;
    if (n == 0 || columns == 0 || !(xMax > xMin))
        return out;
    out.reserve(std::min(n, columns));
    const double width = (xMax - xMin) / static_cast<double>(columns);
    long long current = -1;
    DecimatedPoint pt;
    for (size_t i = 0; i < n; ++i) {
        const double x = xAt(i);
        const double v = values[i];
        if (x < xMin || x > xMax || std::isnan(v))
            continue;
        long long col = static_cast<long long>((x - xMin) / width);
        col = std::min<long long>(col, static_cast<long long>(columns) - 1);
        if (col != current) {
            if (current >= 0)
                out.push_back(pt);
            current = col;
            pt.x = xMin + (static_cast<double>(col) + 0.5) * width;
            pt.min = v;
            pt.max = v;
        } else {
            pt.min = std::min(pt.min, v);
            pt.max = std::max(pt.max, v);
        }
    }
    if (current >= 0)
        out.push_back(pt);
    return out;
}

} // namespace

std::vector<DecimatedPoint> decimateMinMax(const std::vector<double> &keys, const std::vector<double> &values,
    double xMin, double xMax, size_t columns)
{
    const size_t n = std::min(keys.size(), values.size());
    return decimate(
        n, [&](size_t i) { return keys[i]; }, values.data(), xMin, xMax, columns);
}

std::vector<DecimatedPoint> decimateUniform(
    const std::vector<double> &values, double x0, double step, double xMin, double xMax, size_t columns)
{
    if (!(step > 0))
        return {};
    // Only the visible slice is walked.
    const double firstD = std::floor((xMin - x0) / step);
    const size_t first = firstD < 0 ? 0 : static_cast<size_t>(firstD);
    if (first >= values.size())
        return {};
    const double sx0 = x0 + static_cast<double>(first) * step;
    const size_t lastD = static_cast<size_t>(std::max(0.0, std::ceil((xMax - sx0) / step))) + 1;
    const size_t n = std::min(values.size() - first, lastD);
    return decimate(
        n, [&](size_t i) { return sx0 + static_cast<double>(i) * step; }, values.data() + first, xMin, xMax,
        columns);
}

} // namespace lbs::analysis
