#pragma once
// Wizard page 8: the verdict. The downloaded capture is analysed off the GUI thread; one sentence
// (core/analysis/verdict) says what failed, how, when, where and to which backend, then the findings
// with their plain-word explanations, "Open in viewer", and "Export report…" (core/report's HTML).

#include "core/analysis/captureanalysis.h"
#include "core/analysis/verdict.h"

#include <QWizardPage>

#include <memory>

class QLabel;
class QPushButton;
class QTextBrowser;

namespace lbs::ui {

class JobRunner;
class TroubleshootWizard;

class WizardVerdictPage : public QWizardPage {
    Q_OBJECT
public:
    explicit WizardVerdictPage(TroubleshootWizard *wizard);

    void initializePage() override;
    bool isComplete() const override;
    QLabel *verdict() const { return m_verdict; }
    QTextBrowser *findings() const { return m_findings; }
    QPushButton *openButton() const { return m_open; }
    QPushButton *exportButton() const { return m_export; }
    /// Writes the whole run (core/report) to `path`, as PDF when it ends in .pdf, else HTML: an empty
    /// string or why it failed.
    QString exportReport(const QString &path) const;

signals:
    void verdictShown(const QString &sentence);

private:
    TroubleshootWizard *m_wizard;
    JobRunner *m_jobs;
    QLabel *m_verdict;
    QTextBrowser *m_findings;
    QPushButton *m_open;
    QPushButton *m_export;
    bool m_done = false;
    std::shared_ptr<const analysis::CaptureAnalysis> m_analysis;
    analysis::Verdict m_shown; ///< the verdict on screen (the exported report's)
};

} // namespace lbs::ui
