#pragma once
// Plain-words explanation of what a finding usually means for a Kubernetes load balancer and
// what to check next. Text only; the diagnosis itself is in findings.cpp.

#include "core/analysis/findingkind.h"

#include <string>

namespace lbs::analysis {

/// What a finding kind usually means. `details` uses a small HTML subset (<p>, <ul>, <li>, <b>,
/// <i>, <code>) that the GUI renders as it is; explanationPlainText() turns it into terminal text.
struct FindingExplanation {
    std::string headline; ///< one sentence: what it usually means
    std::string details; ///< likely causes and what to check (HTML subset above)
};

/// The explanation for `kind` (never empty).
const FindingExplanation &explainFinding(FindingKind kind);

/// `ex` as plain text for a terminal: the headline, then the details without markup, paragraphs
/// separated by a blank line, list items as "- ", lines wrapped at `width` columns and each line
/// prefixed by `indent`.
std::string explanationPlainText(
    const FindingExplanation &ex, const std::string &indent = {}, size_t width = 80);

} // namespace lbs::analysis
