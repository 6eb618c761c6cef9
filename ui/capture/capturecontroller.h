#pragma once
// Runs one CaptureWorkflow on a worker thread of its own (every workflow step blocks) and hands each
// observer callback to the GUI thread as a queued call carrying value copies. The worker runs
// locate/connect/check, then waits for start() or abort(); then start/monitor/download/cleanup.
#include "core/capture/captureworkflow.h"
#include <QObject>
#include <QString>
#include <QStringList>
#include <condition_variable>
#include <memory>
#include <mutex>

class QThread;

namespace lbs::ui {

class CaptureController : public QObject {
    Q_OBJECT
public:
    explicit CaptureController(QObject *parent = nullptr);
    ~CaptureController() override;

    /// Starts the worker: connect and preflight. False when one runs already.
    bool begin(const capture::CaptureRequest &request);
    /// After checksDone(true): start tcpdump, monitor, download.
    void start();
    /// Stop tcpdump cleanly and download what it wrote.
    void stop();
    /// End now in any state: tcpdump stopped, its files removed from the node.
    void abort();
    /// Leave tcpdump running; the capture directory keeps the record for a re-attach.
    void detach();
    bool isRunning() const { return m_running; }
    /// The running workflow's abort token (any thread; null before begin()).
    const CancelToken *abortToken() const { return m_workflow ? &m_workflow->abortToken() : nullptr; }
    /// Waits for the worker to end (after abort()/detach()); true when it did within the time.
    bool wait(int msecs);

signals:
    void stateChanged(lbs::capture::CaptureState state, const QString &detail);
    void checksDone(bool ok, const QString &error);
    void preflightPassed(const QStringList &lines);
    /// The cluster allows the debug pod (RBAC, PodSecurity): its answers, one per line.
    void accessChecked(const QStringList &lines);
    void started(qint64 pid, const QString &command);
    void sampled(const lbs::capture::MonitorSample &sample);
    void ringFile(const QString &name, quint64 size, bool complete);
    void downloadProgress(const QString &name, quint64 done, quint64 total);
    void fileVerified(const QString &name, quint64 size, const QString &sha256);
    void logLine(const QString &level, const QString &text);
    void finished(lbs::capture::CaptureState state, const QString &outDir, bool canReattach);

private:
    enum class Decision { none, start, abort };
    void work(capture::CaptureRequest request);
    Decision waitForDecision();
    void workerFinished(capture::CaptureState state, const QString &outDir, bool canReattach);

    class Bridge;
    std::unique_ptr<Bridge> m_bridge;
    std::unique_ptr<capture::CaptureWorkflow> m_workflow; ///< touched by the worker only, but requests
    QThread *m_thread = nullptr;
    bool m_running = false;
    std::mutex m_mutex;
    std::condition_variable m_cv;
    Decision m_decision = Decision::none;
};

} // namespace lbs::ui
