#pragma once

#include "core/kube/locatorstrategy.h"

namespace lbs::kube::locator {

/// Fills `r.interfaces` with the holder node's interfaces and what each serves (the VIP, a pod found
/// through the node's routes and the API's pod IPs, tunnels, node addresses). Needs node access;
/// failures leave the list empty.
void mapInterfaces(LocatorContext &ctx, LocateResult &r, const CancelToken &cancel);

} // namespace lbs::kube::locator
