#include "jobrunner.h"

#include <QMetaObject>

#ifdef __linux__
#include <cerrno>
#include <sys/resource.h>
#include <unistd.h>
#endif

namespace lbs::ui {

namespace {
/// Background work yields the cores to the GUI thread: a job's thread (and the threads it starts,
/// which inherit it) runs at a lower scheduling priority, so a redraw or a click is handled at
/// once while both cores analyse a capture, instead of waiting for its share of a core.
void yieldToGuiThread()
{
#ifdef __linux__
    thread_local bool lowered = false;
    if (lowered)
        return;
    lowered = true;
    const int tid = int(gettid());
    errno = 0;
    const int nice = getpriority(PRIO_PROCESS, id_t(tid));
    if (errno == 0 && nice < JobRunner::kJobNice)
        setpriority(PRIO_PROCESS, id_t(tid), JobRunner::kJobNice);
#endif
}
} // namespace

void JobContext::post(std::function<void()> fn) const
{
    if (isStale() || !m_receiver)
        return;
    auto generation = m_generation;
    const quint64 mine = m_mine;
    const CancelToken token = m_token;
    QPointer<QObject> receiver = m_receiver;
    QMetaObject::invokeMethod(
        m_receiver.data(),
        [receiver, generation, mine, token, fn = std::move(fn)] {
            // Checked again here: the job may have gone stale while this call was queued.
            if (receiver && generation->load() == mine && !token.isCancelled())
                fn();
        },
        Qt::QueuedConnection);
}

JobRunner::JobRunner(QObject *parent)
    : QObject(parent), m_generation(std::make_shared<std::atomic<quint64>>(0))
{
    m_pool.setMaxThreadCount(1);
}

JobRunner::~JobRunner()
{
    m_token.cancel();
    m_pool.waitForDone();
}

void JobRunner::run(std::function<void(const JobContext &)> job, std::function<void()> done)
{
    m_token.cancel();
    m_token = CancelToken();
    const quint64 mine = ++*m_generation;
    JobContext ctx(this, m_generation, mine, m_token);
    if (m_running++ == 0)
        emit runningChanged(true);
    QPointer<JobRunner> self(this);
    m_pool.start([ctx, job = std::move(job), done = std::move(done), self] {
        yieldToGuiThread();
        job(ctx);
        if (!self)
            return;
        // Always account for the finished job on the GUI thread, but call done() only when current.
        QMetaObject::invokeMethod(
            self.data(),
            [self, ctx, done] {
                if (!self)
                    return;
                if (!ctx.isStale() && done)
                    done();
                if (--self->m_running == 0)
                    emit self->runningChanged(false);
            },
            Qt::QueuedConnection);
    });
}

void JobRunner::cancel()
{
    m_token.cancel();
    ++*m_generation;
}

void JobRunner::waitForDone()
{
    m_pool.waitForDone();
}

} // namespace lbs::ui
