#pragma once

#include "core/common/canceltoken.h"
#include "core/kube/kubeclient.h"
#include "core/kube/kubeobjects.h"
#include "core/kube/nodecommandrunner.h"

namespace lbs::kube {

/// An interface on the VIP node and what it serves.
struct InterfaceRole {
    QString name;
    QStringList addresses;
    QString role; ///< "holds the VIP", "pod default/web-1", "node address", "IPVS dummy (ignored)", ...
    QString pod; ///< ns/name for cali* interfaces
    int index = 0; ///< the kernel's ifindex (what `tcpdump -i any` records per packet)
    QJsonObject toJson() const;
};

/// What one of the provider's own objects says about the VIP node (kube-vip's annotation and lease,
/// MetalLB's ServiceL2Status and nodeAssigned event), as the locator read it.
struct ProviderClaim {
    enum Kind { Annotation, Lease, L2Status, Event } kind = Annotation;
    QString source; ///< "lease kube-system/plndr-svcs-lock", "annotation kube-vip.io/vipHost", ...
    QString node;
    bool stale = false; ///< the object is out of date (an expired lease)
    QString detail; ///< the object's own words (renew time, event message)
    QJsonObject toJson() const;
};

/// Where the VIP of a LoadBalancer service lives and how that was decided.
struct LocateResult {
    QString nameSpace;
    QString service;
    QString vip;
    QStringList ports;
    QString externalTrafficPolicy;
    QString method; ///< ibm-keepalived | metallb-l2 | kube-vip | probe
    QStringList evidence;
    QString holderNode; ///< empty when no node or several nodes hold it (see problems)
    QString interface; ///< interface carrying the VIP on the holder
    QStringList holders; ///< every node found with the VIP (normally one)
    QStringList standbyNodes;
    QStringList candidateNodes;
    QList<EndpointInfo> endpoints;
    QList<InterfaceRole> interfaces; ///< of the holder node
    QStringList problems;
    QStringList probedNodes; ///< nodes whose `ip -j addr` was read
    QList<ProviderClaim> claims; ///< the provider's own record of the VIP node (none for IBM, probe)

    QJsonObject toJson() const;
};

/// Finds the node holding a service's VIP: IBM keepalived pods + `ip -j addr`, kube-vip annotation /
/// leases, MetalLB ServiceL2Status / nodeAssigned events, else probing every node. One strategy per
/// implementation (ibmkeepalivedstrategy.cpp, kubevipstrategy.cpp, metallbstrategy.cpp,
/// probestrategy.cpp), then the holder's interfaces are mapped and the problems checked.
class LoadBalancerLocator {
public:
    /// `runner` may be null: then only API evidence is used (no `ip -j addr` checks).
    LoadBalancerLocator(KubeClient &client, NodeCommandRunner *runner);
    Result<LocateResult> locate(const QString &nameSpace, const QString &service, const CancelToken &cancel);

private:
    KubeClient &m_client;
    NodeCommandRunner *m_runner;
};

} // namespace lbs::kube
