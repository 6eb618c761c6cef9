#pragma once

#include "core/kube/locatorstrategy.h"

namespace lbs::kube::locator {

/// IBM Cloud: keepalived pods in ibm-system labelled ibm-cloud-provider-ip=<VIP with dashes>; the
/// holder is the one whose node carries the VIP (`ip -j addr`).
class IbmKeepalivedStrategy final : public LocatorStrategy {
public:
    Status locate(LocatorContext &ctx, LocateResult &r, const LoadBalancerService &svc,
        const CancelToken &cancel, bool &found) override;
};

} // namespace lbs::kube::locator
