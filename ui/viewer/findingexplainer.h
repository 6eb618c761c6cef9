#pragma once
// The engine's plain-words explanation of a finding kind (core/analysis/findingexplanation.h) as
// Qt strings for the findings pane and table tooltips.

#include "core/analysis/findingkind.h"

#include <QString>

namespace lbs::ui {

struct Explanation {
    QString headline; ///< one line: what it usually means
    QString details; ///< a paragraph: likely causes and what to check (rich text)
};

class FindingExplainer {
public:
    /// The explanation for an engine finding kind, translated when a translation is loaded.
    static Explanation explain(analysis::FindingKind kind);
};

} // namespace lbs::ui
