#include "core/checks/checkcatalogue.h"

namespace lbs::checks {

const QList<CheckDefinition> &checkCatalogue()
{
    static const QList<CheckDefinition> list {
        {QStringLiteral("endpoints-ready"), QStringLiteral("Endpoints ready"),
            QStringLiteral("Without a ready endpoint kube-proxy rejects every connection to the VIP."), false,
            checkEndpointsReady},
        {QStringLiteral("etp-local-endpoint"),
            QStringLiteral("externalTrafficPolicy Local has an endpoint on the VIP node"),
            QStringLiteral(
                "With externalTrafficPolicy Local a node forwards only to its own pods: the VIP node "
                "without a ready one drops every connection."),
            true, checkEtpLocal},
        {QStringLiteral("provider-agents"), QStringLiteral("Load balancer agents healthy"),
            QStringLiteral(
                "The agents (IBM keepalived pods, MetalLB speakers, kube-vip) hold and move the VIP; "
                "one that is down leaves no standby or no VIP at all."),
            true, checkProviderAgents},
        {QStringLiteral("vip-one-node"), QStringLiteral("VIP on exactly one node"),
            QStringLiteral("A VIP on no node is unreachable; on two nodes (split brain) clients reach "
                           "whichever answered ARP last and connections break."),
            true, checkVipOnOneNode},
        {QStringLiteral("provider-agrees"), QStringLiteral("Provider's record agrees with the nodes"),
            QStringLiteral("When the provider's own objects name another node than the one holding the VIP, "
                           "one of them is stale and a capture there would see nothing."),
            true, checkProviderAgrees},
        {QStringLiteral("ports-match"), QStringLiteral("Service ports match the pods' ports"),
            QStringLiteral("A targetPort no container listens on makes every connection fail with a reset "
                           "while the endpoints still look ready."),
            false, checkPortsMatch},
        {QStringLiteral("warning-events"), QStringLiteral("No recent Warning events"),
            QStringLiteral("Kubernetes reports failing probes, restarts and load balancer errors as Warning "
                           "events on the service and its pods."),
            false, checkWarningEvents},
        {QStringLiteral("debug-namespace"), QStringLiteral("Debug namespace admits privileged pods"),
            QStringLiteral(
                "The capture runs tcpdump in a privileged host-network pod; PodSecurity baseline or "
                "restricted refuses it."),
            false, checkDebugNamespace},
        {QStringLiteral("capture-rbac"), QStringLiteral("You may create, exec into and delete debug pods"),
            QStringLiteral(
                "A capture creates a pod, runs tcpdump in it over exec and deletes it afterwards."),
            false, checkCaptureRbac},
    };
    return list;
}

} // namespace lbs::checks
