// provider-agents, vip-one-node and provider-agrees: the load balancer implementation's side, from the
// locator's answer (kube::LoadBalancerLocator) and the agents' pods.
#include "core/checks/checkcatalogue.h"
#include "core/checks/checkhelpers.h"

namespace lbs::checks {
namespace {

QString vipDashes(const QString &vip)
{
    QString d = vip;
    return d.replace(QLatin1Char('.'), QLatin1Char('-')).replace(QLatin1Char(':'), QLatin1Char('-'));
}

// The IBM keepalived pods of the VIP (label ibm-cloud-provider-ip=<VIP with dashes>).
Result<QJsonArray> keepalivedPods(CheckContext &ctx, CheckResult &r)
{
    const QString dashes = vipDashes(ctx.location->vip);
    r.evidence << QStringLiteral("read the keepalived pods (kubectl -n ibm-system get pods -l "
                                 "ibm-cloud-provider-ip=%1 -o wide)")
                      .arg(dashes);
    QUrlQuery q;
    kube::addQueryValue(
        q, QStringLiteral("labelSelector"), QStringLiteral("ibm-cloud-provider-ip=") + dashes);
    return ctx.client.list(QStringLiteral("/api/v1/namespaces/ibm-system/pods"), ctx.cancel, q);
}

void ibmAgents(CheckContext &ctx, CheckResult &r)
{
    auto pods = keepalivedPods(ctx, r);
    if (!pods) {
        readFailed(r, QStringLiteral("the keepalived pods in ibm-system"), pods.error());
        return;
    }
    QStringList bad;
    for (const QJsonValue &v : *pods) {
        const QJsonObject p = v.toObject();
        const QString node = podNode(p).isEmpty() ? QStringLiteral("(unscheduled)") : podNode(p);
        r.evidence << QStringLiteral("  %1 on %2: %3").arg(podName(p), node, podState(p));
        if (podPhase(p) != QLatin1String("Running") || !podReady(p))
            bad << QStringLiteral("%1 on %2").arg(podName(p), node);
    }
    if (!bad.isEmpty()) {
        r.fail(QStringLiteral(
            "keepalived is not running and ready in %1: that node cannot take over the VIP (or holds it "
            "without "
            "keepalived watching). Read why: kubectl -n ibm-system describe pod %2 and kubectl -n ibm-system "
            "logs %2 --previous. The Deployment belongs to the IBM Cloud provider: deleting the pod lets it "
            "be "
            "recreated; if it does not recover, open an IBM Cloud support case with that output")
                   .arg(bad.join(QStringLiteral(", ")), bad.first().section(QLatin1Char(' '), 0, 0)));
        return;
    }
    if (pods->size() < 2) {
        r.fail(
            QStringLiteral("only %1 keepalived pod for VIP %2: there is no standby, a failure of its node "
                           "drops the VIP. The provider runs two on nodes with the VIP's VLAN label; check "
                           "that a second such node is schedulable (kubectl get nodes -L publicVLAN,"
                           "privateVLAN,dedicated)")
                .arg(pods->size())
                .arg(ctx.location->vip));
        return;
    }
    r.pass();
}

void metalLbAgents(CheckContext &ctx, CheckResult &r)
{
    const kube::LocateResult &loc = *ctx.location;
    QJsonArray speakers;
    for (const QString &sel :
        {QStringLiteral("component=speaker"), QStringLiteral("app.kubernetes.io/component=speaker")}) {
        r.evidence
            << QStringLiteral("read the MetalLB speakers (kubectl get pods -A -l %1 -o wide)").arg(sel);
        QUrlQuery q;
        kube::addQueryValue(q, QStringLiteral("labelSelector"), sel);
        auto pods = ctx.client.list(QStringLiteral("/api/v1/pods"), ctx.cancel, q);
        if (!pods) {
            readFailed(r, QStringLiteral("the MetalLB speaker pods"), pods.error());
            return;
        }
        for (const QJsonValue &v : *pods)
            speakers.append(v);
        if (!speakers.isEmpty())
            break;
    }
    QStringList missing;
    for (const QString &node : loc.holders) {
        bool ok = false;
        for (const QJsonValue &v : speakers) {
            const QJsonObject p = v.toObject();
            if (podNode(p) != node)
                continue;
            r.evidence << QStringLiteral("  %1 on %2: %3").arg(podName(p), node, podState(p));
            ok = ok || (podPhase(p) == QLatin1String("Running") && podReady(p));
        }
        if (!ok)
            missing << node;
    }
    if (!missing.isEmpty()) {
        r.fail(QStringLiteral(
            "no running, ready MetalLB speaker on %1, which MetalLB names as announcing the VIP: "
            "nobody answers ARP for it there. Read the speaker's state and logs (kubectl -n "
            "metallb-system get pods -o wide; kubectl -n metallb-system logs POD -c speaker)")
                   .arg(missing.join(QStringLiteral(", "))));
        return;
    }
    r.pass();
}

void kubeVipAgents(CheckContext &ctx, CheckResult &r)
{
    bool haveLease = false;
    for (const kube::ProviderClaim &c : ctx.location->claims) {
        if (c.kind != kube::ProviderClaim::Lease)
            continue;
        haveLease = true;
        r.evidence << QStringLiteral("%1 held by %2: %3").arg(c.source, c.node, c.detail);
        if (c.stale) {
            r.fail(
                QStringLiteral("the kube-vip %1 has expired: no kube-vip instance renews it, so nobody "
                               "takes over the VIP if its node fails. Look at the kube-vip pods (kubectl -n "
                               "kube-system get pods -o wide | grep kube-vip) and their logs")
                    .arg(c.source));
            return;
        }
    }
    if (!haveLease) {
        r.evidence << ctx.location->evidence.filter(QStringLiteral("lease"));
        r.warn(
            QStringLiteral("no kube-vip lease was found, so whether kube-vip is alive is unknown: check that "
                           "kube-vip runs with service election (kubectl -n kube-system get leases)"));
        return;
    }
    r.pass();
}

} // namespace

void checkProviderAgents(CheckContext &ctx, CheckResult &r)
{
    const QString method = ctx.location->method;
    r.evidence << QStringLiteral("load balancer implementation: %1").arg(method);
    if (method == QLatin1String("ibm-keepalived"))
        ibmAgents(ctx, r);
    else if (method == QLatin1String("metallb-l2"))
        metalLbAgents(ctx, r);
    else if (method == QLatin1String("kube-vip"))
        kubeVipAgents(ctx, r);
    else
        r.skip(QStringLiteral("no in-cluster agent is known for this load balancer (found by probing the "
                              "nodes): nothing to check"));
}

void checkVipOnOneNode(CheckContext &ctx, CheckResult &r)
{
    const kube::LocateResult &loc = *ctx.location;
    if (loc.method == QLatin1String("metallb-l2")) {
        for (const kube::ProviderClaim &c : loc.claims)
            r.evidence << QStringLiteral("%1: node %2").arg(c.source, c.node);
        r.evidence << QStringLiteral("MetalLB L2 answers ARP for the VIP without adding it to an interface");
        if (loc.holders.size() > 1) {
            r.fail(QStringLiteral("MetalLB announces VIP %1 from %2 nodes at once (%3): clients reach "
                                  "whichever answered ARP last. Check the speakers' memberlist (kubectl -n "
                                  "metallb-system logs -l component=speaker) and that the nodes reach each "
                                  "other on the memberlist port (7946)")
                       .arg(loc.vip)
                       .arg(loc.holders.size())
                       .arg(loc.holders.join(QStringLiteral(", "))));
            return;
        }
        r.pass();
        return;
    }
    const QStringList probes = loc.evidence.filter(QStringLiteral("ip -j addr"));
    if (loc.probedNodes.isEmpty()) {
        r.evidence << probes;
        r.skip(probes.isEmpty()
                ? QStringLiteral("the nodes were not checked (`ip -j addr` needs node access: run without "
                                 "--api-only)")
                : QStringLiteral("`ip -j addr` could not run on the nodes (above), so where the VIP is was "
                                 "not confirmed"));
        return;
    }
    r.evidence << probes;
    if (loc.holders.size() == 1) {
        r.pass();
        return;
    }
    if (loc.holders.isEmpty()) {
        r.fail(QStringLiteral("VIP %1 is on none of the nodes checked (%2): nothing answers for it. The load "
                              "balancer's agents should hold it: see provider-agents and their logs%3")
                   .arg(loc.vip, loc.probedNodes.join(QStringLiteral(", ")),
                       loc.method == QLatin1String("ibm-keepalived")
                           ? QStringLiteral(" (kubectl -n ibm-system logs -l ibm-cloud-provider-ip=%1)")
                                 .arg(vipDashes(loc.vip))
                           : QString()));
        return;
    }
    const QString nodes = loc.holders.join(QStringLiteral(", "));
    if (loc.method == QLatin1String("ibm-keepalived"))
        r.fail(QStringLiteral(
            "VIP %1 is on %2 nodes at once (%3): split brain. The keepalived pods do not hear each other's "
            "VRRP "
            "adverts (IP protocol 112 between the nodes, blocked by a firewall, a Calico or security group "
            "rule, or a broken path), so both act as master. Restore VRRP between %3 (check iptables/Calico "
            "policies for protocol 112); then the lower priority node drops the VIP by itself. Until then, "
            "deleting the keepalived pod on the node that should be standby removes its copy")
                   .arg(loc.vip)
                   .arg(loc.holders.size())
                   .arg(nodes));
    else
        r.fail(QStringLiteral("VIP %1 is on %2 nodes at once (%3): split brain, clients reach whichever "
                              "answered ARP last. Find out which agent added it on each node and remove the "
                              "stale copy (ip addr del %1/32 dev IFACE on that node)")
                   .arg(loc.vip)
                   .arg(loc.holders.size())
                   .arg(nodes));
}

void checkProviderAgrees(CheckContext &ctx, CheckResult &r)
{
    const kube::LocateResult &loc = *ctx.location;
    if (loc.method == QLatin1String("probe")) {
        r.skip(QStringLiteral("no provider record: the VIP node was found only by probing the nodes"));
        return;
    }
    if (loc.method == QLatin1String("metallb-l2")) {
        r.skip(QStringLiteral(
            "MetalLB L2 puts the VIP on no interface, so `ip addr` cannot confirm its record"));
        return;
    }
    if (loc.probedNodes.isEmpty()) {
        r.skip(
            QStringLiteral("the nodes were not checked (`ip -j addr` needs node access; see vip-one-node)"));
        return;
    }
    if (loc.holders.size() != 1) {
        r.skip(QStringLiteral("no single node holds the VIP (see vip-one-node)"));
        return;
    }
    const QString holder = loc.holders.first();
    r.evidence << QStringLiteral("ip -j addr: VIP %1 on %2%3")
                      .arg(loc.vip, holder,
                          loc.interface.isEmpty() ? QString() : QStringLiteral(" ") + loc.interface);
    if (loc.method == QLatin1String("ibm-keepalived")) {
        auto pods = keepalivedPods(ctx, r);
        if (!pods) {
            readFailed(r, QStringLiteral("the keepalived pods in ibm-system"), pods.error());
            return;
        }
        QJsonObject onHolder;
        for (const QJsonValue &v : *pods) {
            r.evidence << QStringLiteral("  %1 on %2: %3")
                              .arg(podName(v.toObject()), podNode(v.toObject()), podState(v.toObject()));
            if (podNode(v.toObject()) == holder)
                onHolder = v.toObject();
        }
        if (onHolder.isEmpty()) {
            r.fail(
                QStringLiteral(
                    "VIP %1 is on %2, where no keepalived pod of it runs: the address is a "
                    "leftover (a keepalived pod removed without releasing it, or added by hand) and "
                    "takes traffic away from the real holder. Remove it on %2: ip addr del %1/32 "
                    "dev %3")
                    .arg(loc.vip, holder, loc.interface.isEmpty() ? QStringLiteral("IFACE") : loc.interface));
            return;
        }
        if (!podReady(onHolder)) {
            r.fail(QStringLiteral(
                "%1 holds VIP %2 but its keepalived pod %3 is not ready: Kubernetes and the "
                "node disagree about who serves the VIP. Read kubectl -n ibm-system describe "
                "pod %3; deleting the pod makes keepalived start over and release or claim the "
                "VIP cleanly")
                       .arg(holder, loc.vip, podName(onHolder)));
            return;
        }
        r.pass();
        return;
    }
    QStringList disagree;
    for (const kube::ProviderClaim &c : loc.claims) {
        r.evidence << QStringLiteral("%1 names %2%3")
                          .arg(c.source, c.node,
                              c.stale ? QStringLiteral(" (stale: %1)").arg(c.detail) : QString());
        if (!c.stale && c.node != holder)
            disagree << QStringLiteral("%1 names %2").arg(c.source, c.node);
    }
    if (loc.claims.isEmpty()) {
        r.skip(QStringLiteral("the provider left no record of the VIP node to compare"));
        return;
    }
    if (!disagree.isEmpty()) {
        r.fail(
            QStringLiteral("the VIP is on %1 but %2: one of them is stale (a failover the provider did not "
                           "record, or an agent that lost its lease without releasing the address). Capture "
                           "on %1, where the address is, and look at the agents' logs")
                .arg(holder, disagree.join(QStringLiteral("; "))));
        return;
    }
    r.pass();
}

} // namespace lbs::checks
