#pragma once
// Runs the pre-capture checks of one LoadBalancer service concurrently, each on its own thread with its
// own API client and a timeout. The VIP is located once (the front end decides how: API only, or with
// `ip -j addr` on the nodes through debug pods) and the checks that need the VIP node start when it is
// known. Synchronous: the CLI calls run() directly, the GUI from a worker thread; progress goes to
// the observer on the calling thread.

#include "core/checks/checkresult.h"
#include "core/common/canceltoken.h"
#include "core/common/error.h"
#include "core/kube/kubeclient.h"
#include "core/kube/loadbalancerlocator.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>

namespace lbs::checks {

struct CheckOptions {
    QString nameSpace;
    QString service;
    QString debugNamespace = QStringLiteral("lbscope");
    int timeoutMs = 20000; ///< per check (and per API request inside it)
    int locateTimeoutMs = 120000; ///< locating may start debug pods on the nodes
    int eventWindowMinutes = 60;
};

/// A fresh client for one check's thread (KubeClient is used by one thread at a time). Default: a
/// sibling of the engine's client, sharing its credentials.
using ClientFactory = std::function<Result<std::unique_ptr<kube::KubeClient>>()>;
/// Locates the VIP of `nameSpace`/`service` through `client`.
using LocateFunction = std::function<Result<kube::LocateResult>(
    kube::KubeClient &client, const QString &nameSpace, const QString &service, const CancelToken &cancel)>;
/// Called on the run() thread when a check starts running and when it has finished.
using CheckObserver = std::function<void(const CheckResult &)>;

class CheckEngine {
public:
    /// `client` reads the service first (on the calling thread) and is the template of the
    /// per-check clients unless setClientFactory() says otherwise.
    CheckEngine(kube::KubeClient &client, CheckOptions options);

    void setClientFactory(ClientFactory factory) { m_factory = std::move(factory); }
    /// Default: kube::LoadBalancerLocator without node access (the API's evidence only).
    void setLocate(LocateFunction locate) { m_locate = std::move(locate); }
    void setObserver(CheckObserver observer) { m_observer = std::move(observer); }

    /// Every check in display order, pending (for showing the list before running it).
    static QList<CheckResult> pendingChecks();

    /// Runs every check and returns them in display order. An Error only when the service cannot be
    /// read (missing, forbidden, unreachable) or on cancel; a check that fails or runs out of time is
    /// a result, not an Error.
    Result<QList<CheckResult>> run(const CancelToken &cancel);
    /// The located VIP after run() (empty method when locating failed).
    const kube::LocateResult &location() const { return m_location; }

private:
    kube::KubeClient &m_client;
    CheckOptions m_options;
    ClientFactory m_factory;
    LocateFunction m_locate;
    CheckObserver m_observer;
    kube::LocateResult m_location;
};

} // namespace lbs::checks
