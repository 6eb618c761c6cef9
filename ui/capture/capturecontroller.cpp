#include "ui/capture/capturecontroller.h"
#include <QDir>
#include <QFile>
#include <QMetaObject>
#include <QPointer>
#include <QThread>
#include <QtGlobal>
#include <chrono>

namespace lbs::ui {

using namespace lbs::capture;

namespace {
QString qs(const std::string &s)
{
    return QString::fromStdString(s);
}
QString baseName(const std::string &path)
{
    const auto slash = path.rfind('/');
    return qs(slash == std::string::npos ? path : path.substr(slash + 1));
}
} // namespace

/// The observer the workflow calls on the worker: every call becomes a queued call on the GUI thread.
class CaptureController::Bridge final : public CaptureObserver {
public:
    explicit Bridge(CaptureController *owner) : m_owner(owner) { }

    template <typename F> void post(F &&f)
    {
        QPointer<CaptureController> owner(m_owner);
        QMetaObject::invokeMethod(
            m_owner,
            [owner, f = std::forward<F>(f)]() {
                if (owner)
                    f(owner.data());
            },
            Qt::QueuedConnection);
    }
    void stateChanged(CaptureState state, const std::string &detail) override
    {
        post([state, d = qs(detail)](CaptureController *c) { emit c->stateChanged(state, d); });
    }
    void accessChecked(const std::vector<std::string> &answers) override
    {
        QStringList lines;
        for (const std::string &a : answers)
            lines << qs(a);
        post([lines](CaptureController *c) { emit c->accessChecked(lines); });
    }
    void preflightPassed(const PreflightReport &r) override
    {
        // Each line is a passed check in the page's list; a failed one arrives as checksDone(false,
        // why) with what to do.
        QStringList lines;
        lines << QStringLiteral("tcpdump present: %1").arg(qs(r.tcpdumpVersion));
        lines << QStringLiteral("%1 interfaces on the node").arg(r.interfaces.size());
        lines << QStringLiteral("free disk: %1 MB").arg(double(r.freeBytes) / 1e6, 0, 'f', 0);
        lines << QStringLiteral("running as uid %1").arg(qs(r.user));
        post([lines](CaptureController *c) { emit c->preflightPassed(lines); });
    }
    void started(const lbs::pcap::CaptureRecord &record) override
    {
        const qint64 pid = record.pid;
        post([pid](CaptureController *c) { emit c->started(pid, QString()); });
    }
    void sample(const MonitorSample &s) override
    {
        post([s](CaptureController *c) { emit c->sampled(s); });
    }
    void ringFile(const RemoteFile &file, bool complete) override
    {
        post([n = baseName(file.path), size = file.size, complete](
                 CaptureController *c) { emit c->ringFile(n, size, complete); });
    }
    void downloadProgress(const std::string &name, const ProgressEvent &e) override
    {
        // At most every 50 ms per file (and its end): the core reports every 0.1 %, far more than a
        // progress bar shows, and each report costs the GUI thread an event and a repaint.
        const auto now = std::chrono::steady_clock::now();
        if (name == m_lastProgressName && e.done < e.total
            && now - m_lastProgress < std::chrono::milliseconds(50))
            return;
        m_lastProgressName = name;
        m_lastProgress = now;
        post([n = qs(name), done = quint64(e.done), total = quint64(e.total)](
                 CaptureController *c) { emit c->downloadProgress(n, done, total); });
    }
    void fileVerified(const VerifiedFile &f) override
    {
        post([n = qs(f.name), size = f.size, sha = qs(f.sha256)](
                 CaptureController *c) { emit c->fileVerified(n, size, sha); });
    }
    void warning(const std::string &text) override { log(QStringLiteral("warning"), text); }
    void info(const std::string &text) override { log(QStringLiteral("info"), text); }
    void error(const std::string &text) override { log(QStringLiteral("error"), text); }
    void log(const QString &level, const std::string &text)
    {
        post([level, t = qs(text)](CaptureController *c) { emit c->logLine(level, t); });
    }

private:
    CaptureController *m_owner;
    std::string m_lastProgressName; ///< worker thread only
    std::chrono::steady_clock::time_point m_lastProgress;
};

CaptureController::CaptureController(QObject *parent)
    : QObject(parent), m_bridge(std::make_unique<Bridge>(this))
{
    qRegisterMetaType<lbs::capture::CaptureState>();
    qRegisterMetaType<lbs::capture::MonitorSample>();
}

CaptureController::~CaptureController()
{
    if (m_thread) {
        abort();
        m_thread->wait();
        delete m_thread;
    }
}

bool CaptureController::begin(const CaptureRequest &request)
{
    if (m_running)
        return false;
    if (m_thread) {
        m_thread->wait();
        delete m_thread;
    }
    {
        std::lock_guard lock(m_mutex);
        m_decision = Decision::none;
    }
    m_workflow = std::make_unique<CaptureWorkflow>(request, m_bridge.get());
    m_running = true;
    m_thread = QThread::create([this, request] { work(request); });
    m_thread->setObjectName(QStringLiteral("capture"));
    m_thread->start();
    return true;
}

void CaptureController::start()
{
    std::lock_guard lock(m_mutex);
    if (m_decision == Decision::none)
        m_decision = Decision::start;
    m_cv.notify_all();
}

void CaptureController::stop()
{
    if (m_workflow)
        m_workflow->requestStop();
}

void CaptureController::abort()
{
    {
        std::lock_guard lock(m_mutex);
        m_decision = Decision::abort;
        m_cv.notify_all();
    }
    if (m_workflow)
        m_workflow->requestAbort();
}

void CaptureController::detach()
{
    if (m_workflow)
        m_workflow->requestDetach();
}

bool CaptureController::wait(int msecs)
{
    return !m_thread || m_thread->wait(QDeadlineTimer(msecs));
}

CaptureController::Decision CaptureController::waitForDecision()
{
    std::unique_lock lock(m_mutex);
    m_cv.wait(lock, [this] { return m_decision != Decision::none; });
    return m_decision;
}

void CaptureController::work(CaptureRequest request)
{
    CaptureWorkflow &wf = *m_workflow;
    const QString outDir = qs(request.outDir);
    auto finish = [&](CaptureState state) {
        const bool reattach = wf.outcome().canReattach;
        // An aborted capture's files are gone from the node: nothing is left to re-attach to.
        if (state == CaptureState::aborted && !reattach)
            QFile::remove(QDir(outDir).filePath(QString::fromLatin1(lbs::pcap::kSessionStateName)));
        m_bridge->post(
            [state, outDir, reattach](CaptureController *c) { c->workerFinished(state, outDir, reattach); });
    };
    auto checksDone = [&](bool ok, const QString &why) {
        m_bridge->post([ok, why](CaptureController *c) { emit c->checksDone(ok, why); });
    };

    Status s = wf.locate();
    if (s)
        s = wf.connect();
    if (s && !request.reattach)
        s = wf.check();
    if (!s) {
        checksDone(false, qs(s.error().toString()));
        wf.cleanup();
        finish(wf.abortToken().isCancelled() ? CaptureState::aborted : CaptureState::failed);
        return;
    }
    checksDone(true, QString());
    if (!request.reattach && waitForDecision() == Decision::abort) {
        wf.cleanup();
        m_bridge->log(QStringLiteral("info"), "aborted before tcpdump started; nothing left on the node");
        m_bridge->stateChanged(CaptureState::aborted, "before start");
        finish(CaptureState::aborted);
        return;
    }
    s = wf.start();
    if (s)
        s = wf.monitor();
    if (s && !isFinal(wf.state()))
        s = wf.download();
    wf.cleanup();
    finish(wf.state());
}

void CaptureController::workerFinished(CaptureState state, const QString &outDir, bool canReattach)
{
    m_running = false;
    emit finished(state, outDir, canReattach);
}

} // namespace lbs::ui
