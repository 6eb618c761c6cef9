#pragma once
// Internal to core/kube: what the load balancer locator's strategies share. Not a public header.

#include "core/common/canceltoken.h"
#include "core/kube/kubeclient.h"
#include "core/kube/kubeobjects.h"
#include "core/kube/loadbalancerlocator.h"
#include "core/kube/nodecommandrunner.h"

#include <QByteArray>
#include <QMap>
#include <QString>

namespace lbs::kube::locator {

/// What one locate() run shares between its steps: the API, node access (may be null) and the
/// `ip -j addr` output read so far per node (the interface mapping reuses it).
struct LocatorContext {
    KubeClient &client;
    NodeCommandRunner *runner;
    QMap<QString, QByteArray> ipAddrByNode;
};

/// One way a load balancer implementation reveals the node holding a VIP. The locator asks each in
/// turn until one sets `found`.
class LocatorStrategy {
public:
    virtual ~LocatorStrategy() = default;
    /// Adds evidence and problems to `r`; sets `found` (and `r.method`) when this implementation
    /// serves the service. An Error stops the whole locate (cancellation, no way to probe).
    virtual Status locate(LocatorContext &ctx, LocateResult &r, const LoadBalancerService &svc,
        const CancelToken &cancel, bool &found)
        = 0;
};

/// The message of an error, for evidence lines.
inline QString errText(const Error &e)
{
    return QString::fromStdString(e.message);
}

} // namespace lbs::kube::locator
