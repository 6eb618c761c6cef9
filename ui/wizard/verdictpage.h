#pragma once
// Wizard page 8: the verdict. The downloaded capture is analysed off the GUI thread; one sentence
// (core/analysis/verdict) says what failed, how, when, where and to which backend, then the findings
// with their plain-word explanations, and "Open in viewer".

#include <QWizardPage>

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

signals:
    void verdictShown(const QString &sentence);

private:
    TroubleshootWizard *m_wizard;
    JobRunner *m_jobs;
    QLabel *m_verdict;
    QTextBrowser *m_findings;
    QPushButton *m_open;
    bool m_done = false;
};

} // namespace lbs::ui
