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

    QJsonObject toJson() const;
    /// Human form for the CLI.
    QString toText() const;
};

/// Finds the node holding a service's VIP (domain.md §2): IBM keepalived pods + `ip -j addr`, MetalLB
/// ServiceL2Status / nodeAssigned events, kube-vip annotation / leases, else probing every node.
class LoadBalancerLocator {
public:
    /// `runner` may be null: then only API evidence is used (no `ip -j addr` checks).
    LoadBalancerLocator(KubeClient &client, NodeCommandRunner *runner);
    Result<LocateResult> locate(const QString &nameSpace, const QString &service, const CancelToken &cancel);

private:
    Status tryIbm(LocateResult &r, const LoadBalancerService &svc, const CancelToken &cancel, bool &found);
    Status tryMetalLb(
        LocateResult &r, const LoadBalancerService &svc, const CancelToken &cancel, bool &found);
    Status tryKubeVip(
        LocateResult &r, const LoadBalancerService &svc, const CancelToken &cancel, bool &found);
    /// The first kube-vip lease of `names` (namespace, name) that exists and has a holder.
    struct KubeVipLease {
        QString ref; ///< namespace/name
        QString holder;
        bool expired = false; ///< renewTime + leaseDurationSeconds is in the past
        qint64 expiredForS = 0;
    };
    KubeVipLease readKubeVipLease(
        LocateResult &r, const QList<std::pair<QString, QString>> &names, const CancelToken &cancel);
    Status probeNodes(LocateResult &r, const QStringList &nodes, const CancelToken &cancel);
    void mapInterfaces(LocateResult &r, const CancelToken &cancel);
    void checkProblems(LocateResult &r);

    KubeClient &m_client;
    NodeCommandRunner *m_runner;
    QMap<QString, QByteArray> m_ipAddrByNode;
};

} // namespace lbs::kube
