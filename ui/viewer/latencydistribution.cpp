#include "latencydistribution.h"

#include "core/analysis/percentile.h"

#include <algorithm>
#include <cmath>

namespace lbs::ui {

LatencyDistribution LatencyDistribution::compute(std::vector<double> values, int bins)
{
    LatencyDistribution d;
    values.erase(
        std::remove_if(values.begin(), values.end(), [](double v) { return !(v > 0) || !std::isfinite(v); }),
        values.end());
    if (values.empty() || bins < 1)
        return d;
    std::sort(values.begin(), values.end());
    d.samples = values.size();
    d.p50 = analysis::percentileOfSorted(values, 0.50);
    d.p90 = analysis::percentileOfSorted(values, 0.90);
    d.p99 = analysis::percentileOfSorted(values, 0.99);
    const double lo = values.front();
    double hi = values.back();
    if (hi <= lo)
        hi = lo * 1.01 + 1e-9;
    d.logScale = hi / lo > 10;
    for (int i = 0; i < bins; ++i) {
        const double a = double(i) / bins, b = double(i + 1) / bins;
        if (d.logScale) {
            d.binLower.push_back(lo * std::pow(hi / lo, a));
            d.binUpper.push_back(lo * std::pow(hi / lo, b));
        } else {
            d.binLower.push_back(lo + (hi - lo) * a);
            d.binUpper.push_back(lo + (hi - lo) * b);
        }
    }
    d.counts.assign(size_t(bins), 0);
    size_t bin = 0;
    for (double v : values) {
        while (bin + 1 < size_t(bins) && v >= d.binUpper[bin])
            ++bin;
        d.counts[bin] += 1;
    }
    const size_t step = std::max<size_t>(1, values.size() / 2000);
    for (size_t i = 0; i < values.size(); i += step) {
        d.cdfX.push_back(values[i]);
        d.cdfY.push_back(double(i + 1) / double(values.size()));
    }
    if (d.cdfX.back() != values.back()) {
        d.cdfX.push_back(values.back());
        d.cdfY.push_back(1.0);
    }
    return d;
}

} // namespace lbs::ui
