#pragma once
// Wizard page 5, the commit page: exactly what "Start capture" creates, where, and for how long (the
// privileged debug pod, its namespace, node, image, command, duration, deadline, disk on the node and
// the local directory). Nothing is created before it; there is no going back after it.

#include <QWizardPage>

class QLabel;

namespace lbs::ui {

class TroubleshootWizard;

class WizardCommitPage : public QWizardPage {
    Q_OBJECT
public:
    explicit WizardCommitPage(TroubleshootWizard *wizard);

    void initializePage() override;
    QLabel *details() const { return m_details; }

private:
    TroubleshootWizard *m_wizard;
    QLabel *m_details;
};

} // namespace lbs::ui
