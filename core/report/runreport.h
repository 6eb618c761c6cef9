#pragma once
// One troubleshooting run as a self-contained HTML page a person can attach to a ticket: the verdict
// and what to do next, the checks with their evidence and fixes, the capture plan, the capture's
// manifest (node, interface, filter, files with their sha256), the timeline and latency plots, and
// the findings with their plain-word explanations. No script, no external file: the plots are inline
// SVG.

#include "core/analysis/captureanalysis.h"
#include "core/analysis/verdict.h"
#include "core/checks/checkresult.h"

#include <QList>
#include <QPair>
#include <QString>

namespace lbs::report {

struct RunReport {
    QString title; ///< "default/web on lab-cert"
    QString generated; ///< when the report was made, as people read it
    int utcOffsetSeconds = 0; ///< for the times in the plots
    QString verdict; ///< the one sentence
    QString advice; ///< what to do next
    bool problem = false; ///< the verdict names a failure
    QList<checks::CheckResult> checks;
    QList<QPair<QString, QString>> plan; ///< what the capture was: label, value
    const analysis::CaptureAnalysis *analysis = nullptr; ///< the capture (may be null: checks only)
};

/// A report titled `title` and stamped "Made by `program` on <now, local time>", with the local
/// UTC offset for the plots.
RunReport newRunReport(const QString &title, const QString &program);

/// Sets the report's verdict: its sentence, what to do next and whether it names a problem.
void setVerdict(RunReport &report, const analysis::Verdict &verdict);

QString runReportHtml(const RunReport &report);

/// Writes runReportHtml(report) to `path` (UTF-8); an empty string or why it failed.
QString writeRunReport(const RunReport &report, const QString &path);

} // namespace lbs::report
