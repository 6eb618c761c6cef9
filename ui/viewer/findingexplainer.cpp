#include "findingexplainer.h"

#include "core/analysis/findingexplanation.h"

#include <QCoreApplication>

namespace lbs::ui {

Explanation FindingExplainer::explain(analysis::FindingKind kind)
{
    const analysis::FindingExplanation &ex = analysis::explainFinding(kind);
    // The engine's English text is the translation key.
    return {QCoreApplication::translate("FindingExplainer", ex.headline.c_str()),
        QCoreApplication::translate("FindingExplainer", ex.details.c_str())};
}

} // namespace lbs::ui
