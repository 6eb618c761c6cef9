#pragma once
// Wizard page 7: the capture's files coming down, one progress bar each, each marked once its sha256
// matches the node's. Complete when every file is verified.

#include "core/capture/capturestate.h"

#include <QWizardPage>

class QLabel;
class QTreeWidget;
class QTreeWidgetItem;

namespace lbs::ui {

class TroubleshootWizard;

class WizardDownloadPage : public QWizardPage {
    Q_OBJECT
public:
    explicit WizardDownloadPage(TroubleshootWizard *wizard);

    bool isComplete() const override;
    QTreeWidget *files() const { return m_files; }
    QLabel *stateLabel() const { return m_state; }

signals:
    void verified();

private:
    QTreeWidgetItem *fileRow(const QString &name);

    TroubleshootWizard *m_wizard;
    QTreeWidget *m_files;
    QLabel *m_state;
    capture::CaptureState m_final = capture::CaptureState::idle;
};

} // namespace lbs::ui
