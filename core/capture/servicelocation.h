#pragma once
// Where a LoadBalancer service's VIP is held, for capturing there: the Kubernetes locator, probing
// nodes with short-lived debug pods that are always deleted again.

#include "core/capture/remotehostfactory.h"
#include "core/capture/targetoptions.h"
#include "core/common/canceltoken.h"
#include "core/common/error.h"
#include "core/pcap/capturerecord.h"

#include <string>
#include <vector>

#ifdef HAVE_LBSCOPE_KUBE
#include "core/kube/loadbalancerlocator.h"
#endif

namespace lbs::kube {
class KubeClient;
}

namespace lbs::capture {

#ifdef HAVE_LBSCOPE_KUBE
/// The locator's whole answer for `service` through `client`: VIP, holder, interface, standbys,
/// endpoints. probe = true runs `ip -j addr` in short-lived debug pods (options: image, namespace,
/// host tools), deleted before it returns, after a cancel too (a failure to delete goes to warn);
/// probe = false asks the API only. The client's own warnings stay with it (KubeClient::warnings).
Result<kube::LocateResult> locateVip(kube::KubeClient &client, const TargetOptions &options,
    const std::string &service, bool probe, const CancelToken &cancel, const WarningSink &warn);
#endif

/// The node holding a service's VIP, the interface carrying it, the VIP.
struct ServiceLocation {
    std::string node;
    std::string iface;
    std::string vip;
    std::string service; ///< NAMESPACE/NAME
    std::string method; ///< how the locator decided
    std::vector<int> ports; ///< the service's ports on the VIP
    std::vector<pcap::ServiceEndpoint> endpoints; ///< with their target ports
    std::vector<pcap::CaptureInterface> interfaces; ///< of the holder node
};

#ifdef HAVE_LBSCOPE_KUBE
/// The capture's view of a locator answer: holder, interface, VIP, the service's ports, its ready
/// endpoints with their target ports, the holder's interfaces.
ServiceLocation serviceLocationOf(const kube::LocateResult &result);
#endif

/// Locates the VIP holder of `service` (NAMESPACE/NAME, or NAME in the context's namespace). The probe
/// debug pods are deleted before it returns, after a cancel too; a failure to delete them goes to warn.
/// Error when no single node holds the VIP (the hint says how to capture anyway).
Result<ServiceLocation> locateService(const TargetOptions &options, const std::string &service,
    const CancelToken &cancel, const WarningSink &warn);

} // namespace lbs::capture
