#pragma once

#include "core/kube/loadbalancerlocator.h"

namespace lbs::kube::locator {

/// Adds the problems that follow from the whole result: VIP on no node or on several (when nodes were
/// checked), no ready endpoint, externalTrafficPolicy Local without an endpoint on the holder.
void checkProblems(LocateResult &r, bool nodesChecked);

} // namespace lbs::kube::locator
