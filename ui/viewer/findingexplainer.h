#pragma once
// Plain-words explanation of what a finding usually means for a Kubernetes load balancer and
// what to check next (docs/domain-notes.md, "Fault signatures"). Text only; the diagnosis itself is the
// engine's.

#include <QString>

#include <string>

namespace lbs::ui {

struct Explanation {
    QString headline; ///< one line: what it usually means
    QString details; ///< a paragraph: likely causes and what to check (rich text)
};

class FindingExplainer {
public:
    /// Picks the explanation for an engine finding kind (e.g. "failed_handshakes"); the summary
    /// refines it (e.g. which side sent the resets).
    static Explanation explain(const std::string &kind, const std::string &summary = {});
};

} // namespace lbs::ui
