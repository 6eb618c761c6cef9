#pragma once
// The run's report (core/report's HTML) as a PDF: the same page laid out by QTextDocument, its inline
// SVG plots drawn into images first (QTextDocument draws no SVG).

#include <QString>

namespace lbs::ui {

/// Writes `html` to `path` as an A4 PDF; an empty string or why it failed.
QString writeReportPdf(const QString &html, const QString &path);

} // namespace lbs::ui
