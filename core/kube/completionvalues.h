#pragma once
// Values a shell offers while the user types an option of lbscope-cli (tab completion): what kubectl's
// own completion offers for the same kind of value, read the same way.

#include <QString>

#include <string>
#include <vector>

namespace lbs::kube {

/// Candidates for the value of `option` (long name): --context lists the contexts of the kubeconfig
/// (`kubeconfig`, else KUBECONFIG, else ~/.kube/config); --namespace and --node list the cluster's
/// namespaces and nodes; --service lists its LoadBalancer services as NS/NAME. The cluster is that of
/// `context` (else the current context), each request limited to `timeoutMs`. Anything that fails (no
/// kubeconfig, an unreachable or refusing cluster) gives no candidates: completion never errors.
std::vector<std::string> completionValues(
    const std::string &option, const QString &kubeconfig, const QString &context, int timeoutMs);

} // namespace lbs::kube
