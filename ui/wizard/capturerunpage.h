#pragma once
// Wizard page 6: the capture running (the capture page's CaptureController): its state, elapsed time
// against the planned duration, packets, bytes, kernel drops (red once non-zero), the rate as a
// sparkline and the ring's files. "Stop now" ends tcpdump and downloads; "Cancel capture" aborts,
// removing the node's files and the pod. Goes on to the download by itself.

#include "core/capture/capturestate.h"

#include <QElapsedTimer>
#include <QWizardPage>

class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QTimer;

namespace lbs::ui {

class HostKeyPrompt;
class PassphrasePrompt;
class Sparkline;
class TroubleshootWizard;

class WizardCapturePage : public QWizardPage {
    Q_OBJECT
public:
    explicit WizardCapturePage(TroubleshootWizard *wizard);

    void initializePage() override;
    bool isComplete() const override;
    capture::CaptureState state() const { return m_state; }
    QLabel *stateLabel() const { return m_stateLabel; }
    QPushButton *stopButton() const { return m_stop; }
    QPushButton *cancelButton() const { return m_cancel; }
    QPushButton *startOverButton() const { return m_again; }
    QLabel *dropsLabel() const { return m_drops; }

private:
    void onState(capture::CaptureState state, const QString &detail);
    void showRingFile(const QString &name, quint64 size, bool complete);
    void tick();

    TroubleshootWizard *m_wizard;
    QLabel *m_stateLabel, *m_packets, *m_bytes, *m_drops, *m_rate, *m_error;
    QProgressBar *m_progress;
    Sparkline *m_spark;
    QListWidget *m_ring;
    QPushButton *m_stop, *m_cancel, *m_again;
    QTimer *m_timer;
    HostKeyPrompt *m_hostKeys;
    PassphrasePrompt *m_passphrases;
    QElapsedTimer m_elapsed;
    capture::CaptureState m_state = capture::CaptureState::idle;
    double m_duration = 0;
};

} // namespace lbs::ui
