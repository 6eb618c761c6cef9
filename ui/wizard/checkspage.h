#pragma once
// Wizard page 3: the checks an expert runs first (core/checks' CheckEngine, on a worker thread), each
// shown live with its state, why it matters, its evidence and its fix. Complete when every check has
// finished; a failure needs "Continue anyway" (or a fix and "Run again").

#include "core/checks/checkresult.h"

#include <QWizardPage>

class QCheckBox;
class QLabel;
class QPushButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace lbs::ui {

class JobRunner;
class TroubleshootWizard;

class WizardChecksPage : public QWizardPage {
    Q_OBJECT
public:
    explicit WizardChecksPage(TroubleshootWizard *wizard);

    void initializePage() override;
    void cleanupPage() override;
    bool isComplete() const override;
    void runChecks();
    bool isRunning() const;

    QTreeWidget *list() const { return m_list; }
    QCheckBox *continueAnyway() const { return m_continue; }
    QLabel *summary() const { return m_summary; }
    /// The results as shown (pending, running or finished).
    const QList<checks::CheckResult> &results() const { return m_results; }

signals:
    void checksFinished();

private:
    void show(const checks::CheckResult &result);
    void finish(const QString &error);
    QTreeWidgetItem *row(const QString &id);

    TroubleshootWizard *m_wizard;
    JobRunner *m_jobs;
    QTreeWidget *m_list;
    QLabel *m_summary;
    QCheckBox *m_continue;
    QPushButton *m_again;
    QList<checks::CheckResult> m_results;
    bool m_finished = false;
    QString m_ranFor; ///< service key the results are of
};

} // namespace lbs::ui
