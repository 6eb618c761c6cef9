#include "core/checks/checkengine.h"

#include "core/checks/checkcatalogue.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QThread>
#include <QTimer>

#include <vector>

namespace lbs::checks {
namespace {

// One thread of work: a check, or locating the VIP. The thread writes only `result`/`located`,
// which are read after QThread::isFinished() says it has ended.
struct Task {
    int index = -1; // into the results; -1 = locating the VIP
    std::unique_ptr<QThread> thread;
    CancelToken cancel;
    QElapsedTimer clock;
    int timeoutMs = 0;
    bool settled = false; // its outcome (or its timeout) has been recorded
    std::shared_ptr<CheckResult> result;
    std::shared_ptr<Result<kube::LocateResult>> located;
};

CheckResult fromDefinition(const CheckDefinition &d)
{
    CheckResult r;
    r.id = d.id;
    r.title = d.title;
    r.why = d.why;
    return r;
}

QString seconds(int ms)
{
    return QString::number(ms / 1000.0, 'g', 3);
}

} // namespace

CheckEngine::CheckEngine(kube::KubeClient &client, CheckOptions options)
    : m_client(client), m_options(std::move(options))
{
}

QList<CheckResult> CheckEngine::pendingChecks()
{
    QList<CheckResult> out;
    for (const CheckDefinition &d : checkCatalogue())
        out << fromDefinition(d);
    return out;
}

Result<QList<CheckResult>> CheckEngine::run(const CancelToken &cancel)
{
    const QList<CheckDefinition> &catalogue = checkCatalogue();
    CheckInput input;
    input.nameSpace = m_options.nameSpace;
    input.service = m_options.service;
    input.debugNamespace = m_options.debugNamespace;
    input.eventWindowMinutes = m_options.eventWindowMinutes;
    auto svc = m_client.get(QStringLiteral("/api/v1/namespaces/%1/services/%2")
                                .arg(kube::pathSegment(input.nameSpace), kube::pathSegment(input.service)),
        cancel);
    if (!svc)
        return svc.error();
    input.serviceObject = *svc;
    input.svc = kube::LoadBalancerService::fromJson(*svc);

    // Every check's client shares the credentials of m_client: one exec plugin run, one OIDC refresh.
    const kube::KubeClient &shared = m_client;
    ClientFactory factory = m_factory ? m_factory : [&shared] { return shared.sibling(); };
    LocateFunction locate = m_locate
        ? m_locate
        : [](kube::KubeClient &c, const QString &ns, const QString &name, const CancelToken &t) {
              return kube::LoadBalancerLocator(c, nullptr).locate(ns, name, t);
          };

    QList<CheckResult> results = pendingChecks();
    std::vector<std::unique_ptr<Task>> tasks;
    m_location = kube::LocateResult {};
    const kube::LocateResult *location = nullptr;
    QString locateFailure; // why the checks that need the VIP node cannot run

    auto startCheck = [&](int i) {
        auto task = std::make_unique<Task>();
        task->index = i;
        task->timeoutMs = m_options.timeoutMs;
        results[i].status = CheckStatus::Running;
        task->result = std::make_shared<CheckResult>(results[i]);
        const CheckFunction fn = catalogue[i].run;
        const int timeoutMs = m_options.timeoutMs;
        task->thread.reset(
            QThread::create([factory, fn, &input, location, c = task->cancel, timeoutMs, out = task->result] {
                auto client = factory();
                if (!client) {
                    out->warn(QStringLiteral("check the kubeconfig and the connection to the cluster"));
                    out->evidence << QStringLiteral("no API client for this check: %1")
                                         .arg(QString::fromStdString(client.error().toString()));
                    return;
                }
                // The check's own deadline ends a hanging request (its cancel token fires then); the
                // request's limit lies beyond it, so that "did not finish within" is what is said, also
                // on a loaded machine where both would otherwise race.
                (*client)->setTimeoutMs(timeoutMs + 1000);
                CheckContext ctx {**client, input, location, c};
                fn(ctx, *out);
                if (!isFinished(out->status))
                    out->skip(QStringLiteral("the check reached no outcome"));
            }));
        task->clock.start();
        task->thread->start();
        if (m_observer)
            m_observer(results[i]);
        tasks.push_back(std::move(task));
    };
    auto skipLocated = [&](int i) {
        results[i].skip(QStringLiteral("needs the VIP node, which was not located: %1").arg(locateFailure));
        if (m_observer)
            m_observer(results[i]);
    };

    // Locating first (it may take longest: debug pods on the nodes), the others alongside.
    {
        auto task = std::make_unique<Task>();
        task->timeoutMs = m_options.locateTimeoutMs;
        task->located = std::make_shared<Result<kube::LocateResult>>(Error {"not located", {}, {}});
        const QString ns = input.nameSpace, name = input.service;
        task->thread.reset(
            QThread::create([factory, locate, ns, name, c = task->cancel, out = task->located] {
                auto client = factory();
                if (!client) {
                    *out = client.error();
                    return;
                }
                *out = locate(**client, ns, name, c);
            }));
        task->clock.start();
        task->thread->start();
        tasks.push_back(std::move(task));
    }
    for (int i = 0; i < catalogue.size(); ++i)
        if (!catalogue[i].needsLocation)
            startCheck(i);

    QEventLoop loop;
    QTimer tick;
    tick.setInterval(20);
    bool cancelled = false;
    QObject::connect(&tick, &QTimer::timeout, &loop, [&] {
        if (cancel.isCancelled() && !cancelled) {
            cancelled = true;
            for (auto &t : tasks)
                t->cancel.cancel();
        }
        bool running = false;
        for (std::size_t k = 0; k < tasks.size(); ++k) {
            Task &t = *tasks[k];
            const bool finished = t.thread->isFinished();
            if (!finished)
                running = true;
            if (t.settled || cancelled)
                continue;
            const bool late = !finished && t.clock.elapsed() > t.timeoutMs;
            if (!finished && !late)
                continue;
            t.settled = true;
            if (late)
                t.cancel.cancel();
            if (t.index < 0) {
                if (finished && t.located->ok()) {
                    m_location = t.located->value();
                    location = &m_location;
                } else {
                    locateFailure = late
                        ? QStringLiteral("locating did not finish within %1 s").arg(seconds(t.timeoutMs))
                        : QString::fromStdString(t.located->error().toString());
                }
                for (int i = 0; i < catalogue.size(); ++i) {
                    if (!catalogue[i].needsLocation)
                        continue;
                    if (location)
                        startCheck(i);
                    else
                        skipLocated(i);
                }
                running = true; // the checks just started
                continue;
            }
            CheckResult &r = results[t.index];
            if (late) {
                r.status = CheckStatus::Warn;
                r.evidence
                    << QStringLiteral("did not finish within %1 s; cancelled").arg(seconds(t.timeoutMs));
                r.fix = QStringLiteral(
                    "the API server (or the cluster behind it) answered too slowly: run the check again, "
                    "or with a longer --timeout");
            } else {
                r = *t.result;
            }
            r.elapsedMs = t.clock.elapsed();
            if (m_observer)
                m_observer(r);
        }
        if (!running)
            loop.quit();
    });
    tick.start();
    loop.exec();
    for (auto &t : tasks)
        t->thread->wait();
    if (cancelled)
        return Error {"checks cancelled", {}, {}, ErrorKind::Cancelled};
    return results;
}

} // namespace lbs::checks
