#pragma once
// Which flows the flow table shows, and in which order: the filter (outcome, free text, time range,
// a set of flows) and the sort of the table's column, computed from the analysis alone so that it
// runs off the GUI thread. A capture of millions of flows takes seconds to filter by text or sort by
// a column; the GUI thread only swaps the finished rows in.

#include "core/analysis/captureanalysis.h"
#include "core/common/canceltoken.h"

#include <QString>
#include <Qt>

#include <cstdint>
#include <optional>
#include <vector>

namespace lbs::ui {

struct FlowRowCriteria {
    int outcome = -1; ///< -1: any outcome, else an analysis::FlowOutcome value
    QString text; ///< kept when any column's text contains it, case-insensitively
    double start = 1; ///< keep flows overlapping [start, end] (absolute seconds); start > end: all
    double end = 0;
    bool flowSetActive = false;
    std::vector<uint32_t> flowSet; ///< sorted flow ids, kept when flowSetActive
    int sortColumn = -1; ///< a FlowTableModel::Column, or -1 for the flows' own (id) order
    Qt::SortOrder order = Qt::AscendingOrder;

    bool filters() const { return outcome >= 0 || !text.isEmpty() || start <= end || flowSetActive; }
    /// Nothing filtered and the flows' own order: every flow, row for row.
    bool isIdentity() const { return !filters() && sortColumn < 0; }
    friend bool operator==(const FlowRowCriteria &, const FlowRowCriteria &) = default;
};

/// The rows to show (source rows in display order) and the way back (display row of each source
/// row, -1 when filtered out).
struct FlowRows {
    std::vector<int> rows;
    std::vector<int> rowOf;
};

/// Filters and sorts the flows of @p analysis; nullopt when @p token was cancelled meanwhile.
/// Sorting is stable (equal keys keep the flows' order), numeric for numbers, by address then port
/// for endpoints.
std::optional<FlowRows> computeFlowRows(
    const analysis::CaptureAnalysis &analysis, const FlowRowCriteria &criteria, const CancelToken &token);

} // namespace lbs::ui
