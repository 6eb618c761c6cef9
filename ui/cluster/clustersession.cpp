#include "clustersession.h"

#include "core/kube/debugpodrunner.h"
#include "core/kube/kubeclient.h"
#include "core/kube/kubeobjects.h"
#include "ui/cluster/loginshellsetup.h"
#include "ui/jobs/jobrunner.h"

#include <mutex>

namespace lbs::ui {

/// The client of the connected context. KubeClient is not thread-safe: every job locks `mutex`.
struct ClusterConnection {
    std::unique_ptr<kube::KubeClient> client;
    std::mutex mutex;
};

namespace {

QString text(const Error &e)
{
    return QString::fromStdString(e.toString());
}

// The services with their endpoint counts; a failed endpoint count stays on its row.
Result<QList<ServiceRow>> listServices(kube::KubeClient &client, const CancelToken &cancel)
{
    auto services = kube::listLoadBalancerServices(client, {}, cancel);
    if (!services)
        return services.error();
    QList<ServiceRow> rows;
    for (const auto &s : *services) {
        ServiceRow row;
        row.service = s;
        auto eps = kube::serviceEndpoints(client, s.nameSpace, s.name, cancel);
        if (eps) {
            row.totalEndpoints = int(eps->size());
            row.readyEndpoints
                = int(std::count_if(eps->begin(), eps->end(), [](const auto &e) { return e.ready; }));
        } else {
            row.endpointsError = text(eps.error());
        }
        if (cancel.isCancelled())
            break;
        rows << row;
    }
    return rows;
}

} // namespace

ClusterSession::ClusterSession(QObject *parent)
    : QObject(parent), m_source(kube::KubeConfigSource::fromEnvironment()),
      m_connectJobs(new JobRunner(this)), m_locateJobs(new JobRunner(this))
{
    m_probe.hostPathDir.clear(); // locating writes nothing on the node
    m_probe.activeDeadlineSeconds = 600;
    connect(m_locateJobs, &JobRunner::runningChanged, this, &ClusterSession::locatingChanged);
}

ClusterSession::~ClusterSession()
{
    // The runners' destructors cancel and wait: a running locate still deletes its probe pods.
    delete m_locateJobs;
    delete m_connectJobs;
}

bool ClusterSession::isLocating() const
{
    return m_locateJobs->isRunning();
}

void ClusterSession::setState(State state, const QString &message)
{
    m_state = state;
    emit stateChanged(state, message);
}

void ClusterSession::connectTo(const QString &context)
{
    m_context = context;
    m_server.clear();
    m_connection.reset();
    setState(State::Connecting, QStringLiteral("Connecting to %1…").arg(context));
    const kube::KubeConfigSource source = m_source;
    auto connection = std::make_shared<ClusterConnection>();
    auto rows = std::make_shared<QList<ServiceRow>>();
    auto failure = std::make_shared<QString>();
    m_connectJobs->run(
        [source, context, connection, rows, failure](const JobContext &job) {
            // Exec plugins are looked up on the login shell's PATH too; say so when it is unknown.
            const QString loginShell = waitForLoginShellPath();
            const auto fail = [&](const Error &e) {
                *failure = text(e);
                if (!loginShell.isEmpty() && failure->contains(QLatin1String("not found on PATH")))
                    *failure += QStringLiteral("\n") + loginShell;
            };
            auto cfg = kube::KubeConfigLoader::load(source);
            if (!cfg) {
                fail(cfg.error());
                return;
            }
            auto resolved = cfg->resolve(context);
            if (!resolved) {
                fail(resolved.error());
                return;
            }
            auto client = kube::KubeClient::create(*resolved);
            if (!client) {
                fail(client.error());
                return;
            }
            // The first request proves the connection (and runs an exec plugin, if any).
            auto listed = listServices(**client, job.token());
            if (!listed) {
                fail(listed.error());
                return;
            }
            *rows = *listed;
            connection->client = std::move(*client);
        },
        [this, connection, rows, failure] {
            if (!failure->isEmpty()) {
                setState(State::Failed, *failure);
                return;
            }
            m_connection = connection;
            m_server = connection->client->context().cluster.server;
            setState(State::Connected,
                QStringLiteral("Connected to %1 (%2), %3 LoadBalancer service(s)")
                    .arg(m_context, m_server)
                    .arg(rows->size()));
            emit servicesChanged(*rows);
        });
}

void ClusterSession::cancelConnect()
{
    if (!m_connectJobs->isRunning())
        return;
    m_connectJobs->cancel();
    if (m_state == State::Connecting)
        setState(m_connection ? State::Connected : State::Disconnected,
            QStringLiteral("Connecting to %1 was cancelled").arg(m_context));
}

void ClusterSession::refreshServices()
{
    if (!m_connection)
        return;
    auto connection = m_connection;
    auto rows = std::make_shared<Result<QList<ServiceRow>>>(QList<ServiceRow>());
    m_connectJobs->run(
        [connection, rows](const JobContext &job) {
            const std::lock_guard lock(connection->mutex);
            *rows = listServices(*connection->client, job.token());
        },
        [this, rows] {
            if (!*rows)
                setState(State::Failed, text(rows->error()));
            else
                emit servicesChanged(**rows);
        });
}

void ClusterSession::locate(const QString &nameSpace, const QString &name)
{
    if (!m_connection) {
        emit locateFailed(QStringLiteral("not connected: choose a context and connect first"));
        return;
    }
    emit locateStarted(nameSpace, name);
    auto connection = m_connection;
    const kube::DebugPodOptions probe = m_probe;
    const bool probeNodes = m_probeNodes;
    auto result = std::make_shared<Result<kube::LocateResult>>(kube::LocateResult());
    auto cleanupWarning = std::make_shared<QString>();
    m_locateJobs->run(
        [connection, probe, probeNodes, nameSpace, name, result, cleanupWarning](const JobContext &job) {
            const std::lock_guard lock(connection->mutex);
            kube::DebugPodRunner runner(*connection->client, probe);
            kube::LoadBalancerLocator locator(*connection->client, probeNodes ? &runner : nullptr);
            *result = locator.locate(nameSpace, name, job.token());
            const CancelToken fresh; // deleting must work after a cancel too
            if (auto s = runner.removeAll(fresh); !s)
                *cleanupWarning = text(s.error());
        },
        [this, result, cleanupWarning] {
            if (!*result) {
                emit locateFailed(text(result->error())
                    + (cleanupWarning->isEmpty() ? QString() : QStringLiteral("\n") + *cleanupWarning));
                return;
            }
            kube::LocateResult r = **result;
            if (!cleanupWarning->isEmpty())
                r.problems << QStringLiteral("probe pods not deleted: ") + *cleanupWarning;
            emit locateFinished(r);
        });
}

void ClusterSession::cancelLocate()
{
    if (!m_locateJobs->isRunning())
        return;
    m_locateJobs->cancel();
    emit locateFailed(QStringLiteral("Locating was cancelled; its probe pods are being deleted"));
}

} // namespace lbs::ui
