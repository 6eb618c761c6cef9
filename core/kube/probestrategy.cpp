#include "core/kube/probestrategy.h"

#include "core/kube/ipjson.h"

#include <QJsonArray>

namespace lbs::kube::locator {

Status ProbeStrategy::locate(LocatorContext &ctx, LocateResult &r, const LoadBalancerService &svc,
    const CancelToken &cancel, bool &found)
{
    Q_UNUSED(svc);
    r.method = QStringLiteral("probe");
    if (!ctx.runner)
        return Error {
            QStringLiteral(
                "no load balancer implementation identified for %1/%2 (no IBM keepalived pods, kube-vip "
                "or MetalLB status), and probing nodes needs node access")
                .arg(r.nameSpace, r.service)
                .toStdString(),
            ctx.client.describe().toStdString(),
            "allow debug pods (or use SSH) so lbscope can run `ip -j addr` on the nodes"};
    auto nodes = ctx.client.list(QStringLiteral("/api/v1/nodes"), cancel);
    if (!nodes)
        return nodes.error();
    for (const QJsonValue &n : *nodes) {
        const QJsonObject meta = n.toObject().value(QStringLiteral("metadata")).toObject();
        if (meta.value(QStringLiteral("labels"))
                .toObject()
                .contains(QStringLiteral("node.kubernetes.io/exclude-from-external-load-balancers")))
            continue;
        r.candidateNodes << meta.value(QStringLiteral("name")).toString();
    }
    r.evidence << QStringLiteral("no IBM keepalived pods, kube-vip or MetalLB status: probing %1 node(s)")
                      .arg(r.candidateNodes.size());
    found = true;
    return probeNodes(ctx, r, r.candidateNodes, cancel);
}

Status probeNodes(LocatorContext &ctx, LocateResult &r, const QStringList &nodes, const CancelToken &cancel)
{
    ctx.runner->prepare(nodes, cancel);
    for (const QString &node : nodes) {
        if (cancel.isCancelled())
            return Error {"locate cancelled", {}, {}, ErrorKind::Cancelled};
        auto out = ctx.runner->run(
            node, {QStringLiteral("ip"), QStringLiteral("-j"), QStringLiteral("addr")}, cancel);
        if (!out) {
            if (cancel.isCancelled())
                return out.error();
            r.evidence << QStringLiteral("ip -j addr on %1 failed: %2").arg(node, errText(out.error()));
            r.problems << QStringLiteral("could not check node %1: %2")
                              .arg(node, QString::fromStdString(out.error().toString()));
            continue;
        }
        ctx.ipAddrByNode.insert(node, *out);
        if (!r.probedNodes.contains(node))
            r.probedNodes << node;
        auto ifs = parseIpAddr(*out);
        if (!ifs) {
            r.problems << QStringLiteral("node %1: %2").arg(node, errText(ifs.error()));
            continue;
        }
        QStringList on;
        bool onIpvs = false;
        for (const IpInterface &i : *ifs) {
            if (!i.hasAddress(r.vip))
                continue;
            if (i.name == QLatin1String("kube-ipvs0")) {
                onIpvs = true;
                continue;
            }
            on << i.name;
        }
        const QString ipvsNote = onIpvs ? QStringLiteral(" (also on kube-ipvs0, ignored)") : QString();
        if (on.isEmpty()) {
            r.evidence << QStringLiteral("ip -j addr on %1 (via %2): VIP %3 not present%4")
                              .arg(node, ctx.runner->transport(), r.vip, ipvsNote);
            if (!r.standbyNodes.contains(node))
                r.standbyNodes << node;
        } else {
            r.evidence << QStringLiteral("ip -j addr on %1 (via %2): VIP %3 on %4%5")
                              .arg(node, ctx.runner->transport(), r.vip, on.join(QStringLiteral(", ")),
                                  ipvsNote);
            r.holders << node;
            if (r.interface.isEmpty())
                r.interface = on.first();
        }
    }
    // For the generic probe, nodes without the VIP are not standbys of anything.
    if (r.method == QLatin1String("probe"))
        r.standbyNodes.clear();
    return Ok {};
}

} // namespace lbs::kube::locator
