#include "flowrows.h"

#include "ui/models/flowtablemodel.h"

#include <algorithm>

namespace lbs::ui {

using analysis::Flow;

namespace {

constexpr size_t kCancelCheckEvery = 4096;

bool accepts(const analysis::CaptureAnalysis &a, const Flow &f, const FlowRowCriteria &c)
{
    if (c.flowSetActive && !std::binary_search(c.flowSet.begin(), c.flowSet.end(), f.id))
        return false;
    if (c.outcome >= 0 && int(f.outcome) != c.outcome)
        return false;
    if (c.start <= c.end) {
        const double s = double(f.firstTsNs) * 1e-9;
        const double e = double(f.lastTsNs) * 1e-9;
        if (e < c.start || s > c.end)
            return false;
    }
    if (c.text.isEmpty())
        return true;
    for (int col = 0; col < FlowTableModel::ColumnCount; ++col)
        if (FlowTableModel::displayText(a, f, col).contains(c.text, Qt::CaseInsensitive))
            return true;
    return false;
}

/// A numeric key per shown row for the numeric columns.
double numericKey(const analysis::CaptureAnalysis &a, const Flow &f, int column)
{
    if (column == FlowTableModel::Proto)
        return f.proto; // TCP (6) before UDP (17), as their names sort
    return FlowTableModel::sortValue(a, f, column).toDouble();
}

bool textColumn(int column)
{
    return column == FlowTableModel::Path;
}

} // namespace

std::optional<FlowRows> computeFlowRows(
    const analysis::CaptureAnalysis &a, const FlowRowCriteria &c, const CancelToken &token)
{
    const size_t n = a.flows.size();
    const bool filters = c.filters();
    FlowRows out;
    out.rows.reserve(filters ? 0 : n);
    for (size_t i = 0; i < n; ++i) {
        if (i % kCancelCheckEvery == 0 && token.isCancelled())
            return std::nullopt;
        if (!filters || accepts(a, a.flows[i], c))
            out.rows.push_back(int(i));
    }

    const bool descending = c.order == Qt::DescendingOrder;
    const auto &flows = a.flows;
    const auto sorted = [&](auto less) {
        // Descending keeps equal keys in the flows' order too, as a stable sort on "greater" does.
        if (descending)
            std::stable_sort(out.rows.begin(), out.rows.end(), [&](int x, int y) { return less(y, x); });
        else
            std::stable_sort(out.rows.begin(), out.rows.end(), less);
    };
    // Sorts by a key computed once per shown flow; false when cancelled meanwhile.
    const auto sortedByKey = [&](auto keyOf) {
        std::vector<decltype(keyOf(flows[0]))> keys(n);
        for (size_t k = 0; k < out.rows.size(); ++k) {
            if (k % kCancelCheckEvery == 0 && token.isCancelled())
                return false;
            const size_t r = size_t(out.rows[k]);
            keys[r] = keyOf(flows[r]);
        }
        sorted([&](int x, int y) { return keys[size_t(x)] < keys[size_t(y)]; });
        return true;
    };
    const int column = c.sortColumn;
    bool done = true;
    switch (column) {
    case -1:
        break;
    case FlowTableModel::Client:
        sorted([&](int x, int y) { return flows[size_t(x)].client < flows[size_t(y)].client; });
        break;
    case FlowTableModel::Server:
        sorted([&](int x, int y) { return flows[size_t(x)].server < flows[size_t(y)].server; });
        break;
    default:
        done = textColumn(column)
            ? sortedByKey([&](const Flow &f) { return FlowTableModel::displayText(a, f, column); })
            : sortedByKey([&](const Flow &f) { return numericKey(a, f, column); });
        break;
    }
    if (!done)
        return std::nullopt;
    if (token.isCancelled())
        return std::nullopt;
    out.rowOf.assign(n, -1);
    for (size_t k = 0; k < out.rows.size(); ++k)
        out.rowOf[size_t(out.rows[k])] = int(k);
    return out;
}

} // namespace lbs::ui
