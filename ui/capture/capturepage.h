#pragma once
// The capture page: the plan (CapturePlanForm), then connect and check (a list of checks, each
// green or red with the reason), Start, the live capture (state, time on the Stop button, packets,
// bytes, kernel drops, ring files, a rate sparkline), the download with one bar per file and a mark
// when its sha256 matches, and "Open in viewer". The workflow runs in a CaptureController.
#include "core/capture/captureworkflow.h"
#include "ui/cluster/capturetarget.h"
#include <QElapsedTimer>
#include <QHash>
#include <QWidget>

class QLabel;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QTimer;
class QToolButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace lbs::ui {

class CaptureController;
class CapturePlanForm;
class HostKeyPrompt;
class PassphrasePrompt;
class Sparkline;

class CapturePage : public QWidget {
    Q_OBJECT
public:
    explicit CapturePage(QWidget *parent = nullptr);
    ~CapturePage() override;

    CapturePlanForm *plan() const { return m_plan; }
    CaptureController *controller() const { return m_controller; }
    capture::CaptureState state() const { return m_state; }
    /// A capture is under way (connecting .. downloading).
    bool isBusy() const;
    /// Continues the unfinished capture recorded in dir.
    void reattach(const QString &dir);
    /// The key passphrase typed in the workbench's SSH dialog (kept in memory only).
    void setSshPassphrase(const QString &identityFile, const QString &passphrase);
    PassphrasePrompt *passphrasePrompt() const { return m_passphrases; }

    QPushButton *checkButton() const { return m_check; }
    QPushButton *startButton() const { return m_start; }
    QPushButton *stopButton() const { return m_stop; }
    QPushButton *abortButton() const { return m_abort; }
    QPushButton *openButton() const { return m_open; }
    QListWidget *checks() const { return m_checks; }
    QTreeWidget *files() const { return m_files; }
    QLabel *stateLabel() const { return m_stateLabel; }
    QLabel *dropsLabel() const { return m_drops; }
    Sparkline *sparkline() const { return m_spark; }
    QPlainTextEdit *log() const { return m_log; }

public slots:
    void runChecks();
    void startCapture();
    void stopCapture();
    void abortCapture();
    void detachCapture();

signals:
    void stateChanged(lbs::capture::CaptureState state);
    void checksFinished(bool ok);
    /// "Open in viewer": the capture directory and a tab label.
    void openRequested(const QString &dir, const QString &label);

private:
    void setState(capture::CaptureState state, const QString &detail);
    void addCheck(const QString &text, int status); // 0 running, 1 pass, 2 fail
    void finishRunningCheck(int status, const QString &suffix = {});
    void appendLog(const QString &level, const QString &text);
    QTreeWidgetItem *fileRow(const QString &name);
    void updateButtons();
    void tick();
    /// The worker's questions (unknown host key, key passphrase) asked on the GUI thread.
    void wirePrompts(capture::CaptureRequest &request);

    CaptureController *m_controller;
    CapturePlanForm *m_plan;
    QListWidget *m_checks;
    QLabel *m_stateLabel, *m_packets, *m_bytes, *m_drops, *m_rate;
    Sparkline *m_spark;
    QTreeWidget *m_files;
    QPushButton *m_check, *m_start, *m_stop, *m_abort, *m_open, *m_again;
    QToolButton *m_logToggle;
    QPlainTextEdit *m_log;
    QTimer *m_timer;
    HostKeyPrompt *m_hostKeys;
    PassphrasePrompt *m_passphrases;
    QElapsedTimer m_elapsed;
    capture::CaptureState m_state = capture::CaptureState::idle;
    bool m_checksOk = false;
    quint64 m_verifiedBytes = 0;
    QString m_outDir, m_label;
};

} // namespace lbs::ui
