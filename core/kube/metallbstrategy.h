#pragma once

#include "core/kube/locatorstrategy.h"

namespace lbs::kube::locator {

/// MetalLB L2: ServiceL2Status objects (MetalLB >= v0.14.4) name the announcing node, else the newest
/// nodeAssigned event does. The VIP is on no interface, so nodes are not probed for it.
class MetalLbStrategy final : public LocatorStrategy {
public:
    Status locate(LocatorContext &ctx, LocateResult &r, const LoadBalancerService &svc,
        const CancelToken &cancel, bool &found) override;
};

} // namespace lbs::kube::locator
