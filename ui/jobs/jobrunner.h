#pragma once
// The one way the GUI runs background work (after Hotspot's JobTracker):
// a generation counter drops stale results, a QPointer guards the receiver,
// and results are delivered on the GUI thread.

#include "core/common/canceltoken.h"

#include <QObject>
#include <QPointer>
#include <QThreadPool>

#include <atomic>
#include <functional>
#include <memory>

namespace lbs::ui {

/// Handed to a running job: its cancel token and a way to publish partial results.
class JobContext {
public:
    JobContext(
        QObject *receiver, std::shared_ptr<std::atomic<quint64>> generation, quint64 mine, CancelToken token)
        : m_receiver(receiver), m_generation(std::move(generation)), m_mine(mine), m_token(std::move(token))
    {
    }
    const CancelToken &token() const { return m_token; }
    bool isStale() const { return m_token.isCancelled() || m_generation->load() != m_mine; }
    /// Runs fn on the receiver's (GUI) thread, unless the job went stale or the receiver died meanwhile.
    void post(std::function<void()> fn) const;

private:
    QPointer<QObject> m_receiver;
    std::shared_ptr<std::atomic<quint64>> m_generation;
    quint64 m_mine;
    CancelToken m_token;
};

/// Runs at most one current job per runner; starting a new one makes the previous one stale and
/// cancels it. Owns its thread pool, so destroying the runner cancels and waits for its jobs.
class JobRunner : public QObject {
    Q_OBJECT
public:
    /// Nice value of the threads jobs run on (Linux): below the GUI thread's, see jobrunner.cpp.
    static constexpr int kJobNice = 10;
    explicit JobRunner(QObject *parent = nullptr);
    ~JobRunner() override;

    /// Starts job(ctx) on a worker thread; when it returns, done() runs on this object's thread
    /// unless a newer job was started, the job was cancelled, or this runner is gone.
    void run(std::function<void(const JobContext &)> job, std::function<void()> done = {});
    /// Cancels the current job (its results are dropped).
    void cancel();
    bool isRunning() const { return m_running > 0; }
    /// Blocks until every job finished (tests and shutdown only).
    void waitForDone();

signals:
    void runningChanged(bool running);

private:
    QThreadPool m_pool;
    std::shared_ptr<std::atomic<quint64>> m_generation;
    CancelToken m_token;
    int m_running = 0;
};

} // namespace lbs::ui
