#pragma once

#include "core/kube/loadbalancerlocator.h"

#include <QString>

namespace lbs::cli {

/// The human form of `lbscope-cli locate`: service line, holder, standbys, method with its evidence,
/// endpoints, the holder's interfaces and one PROBLEM line per problem.
QString locateText(const kube::LocateResult &r);

} // namespace lbs::cli
