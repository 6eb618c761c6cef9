#pragma once

#include "core/kube/locatorstrategy.h"

namespace lbs::kube::locator {

/// kube-vip: the kube-vip.io/vipHost annotation and the leader lease (per service or global); when
/// they disagree or the lease has expired, both candidates are checked with `ip -j addr`.
class KubeVipStrategy final : public LocatorStrategy {
public:
    Status locate(LocatorContext &ctx, LocateResult &r, const LoadBalancerService &svc,
        const CancelToken &cancel, bool &found) override;
};

} // namespace lbs::kube::locator
