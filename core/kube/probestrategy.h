#pragma once

#include "core/kube/locatorstrategy.h"

namespace lbs::kube::locator {

/// The fallback when no implementation is recognised: `ip -j addr` on every node that may serve
/// external load balancers. Needs node access.
class ProbeStrategy final : public LocatorStrategy {
public:
    Status locate(LocatorContext &ctx, LocateResult &r, const LoadBalancerService &svc,
        const CancelToken &cancel, bool &found) override;
};

/// Runs `ip -j addr` on each of `nodes` (ctx.runner must be set): nodes carrying the VIP become
/// holders, the others standbys (none for the generic probe). Errors only on cancellation.
Status probeNodes(LocatorContext &ctx, LocateResult &r, const QStringList &nodes, const CancelToken &cancel);

} // namespace lbs::kube::locator
