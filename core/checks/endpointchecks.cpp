// endpoints-ready and etp-local-endpoint: does the service have somewhere to send a connection, and does
// the VIP node have it under externalTrafficPolicy Local.
#include "core/checks/checkcatalogue.h"
#include "core/checks/checkhelpers.h"

namespace lbs::checks {
namespace {

QString endpointLine(const kube::EndpointInfo &e)
{
    return QStringLiteral("  %1 %2 on %3: %4")
        .arg(e.ip, e.podName.isEmpty() ? QStringLiteral("(no pod)") : e.podName,
            e.nodeName.isEmpty() ? QStringLiteral("(no node)") : e.nodeName,
            e.ready ? QStringLiteral("ready")
                    : (e.terminating ? QStringLiteral("terminating") : QStringLiteral("NOT ready")));
}

} // namespace

void checkEndpointsReady(CheckContext &ctx, CheckResult &r)
{
    const CheckInput &in = ctx.input;
    r.evidence << QStringLiteral("read the EndpointSlices of %1 (kubectl -n %2 get endpointslices -l "
                                 "kubernetes.io/service-name=%3)")
                      .arg(serviceRef(in), in.nameSpace, in.service);
    auto eps = kube::serviceEndpoints(ctx.client, in.nameSpace, in.service, ctx.cancel);
    if (!eps) {
        readFailed(r, QStringLiteral("the endpoints of %1").arg(serviceRef(in)), eps.error());
        return;
    }
    int ready = 0;
    QStringList notReady;
    for (const kube::EndpointInfo &e : *eps) {
        r.evidence << endpointLine(e);
        if (e.ready)
            ++ready;
        else
            notReady << (e.podName.isEmpty() ? e.ip : e.podName);
    }
    const QString sel = selectorText(in.svc.selector);
    if (eps->isEmpty()) {
        r.evidence << QStringLiteral("no endpoints at all");
        r.fail(sel.isEmpty()
                ? QStringLiteral("the service has no selector, so its endpoints are managed by hand: add the "
                                 "backends' addresses to its EndpointSlice")
                : QStringLiteral(
                    "no pod matches the selector %1: compare it with the pods' labels (kubectl -n %2 "
                    "get pods --show-labels) and fix the selector or the labels; until then "
                    "kube-proxy rejects every connection to the VIP")
                      .arg(sel, in.nameSpace));
        return;
    }
    r.evidence << QStringLiteral("%1 of %2 endpoints ready").arg(ready).arg(eps->size());
    if (ready == 0) {
        r.fail(QStringLiteral("no endpoint is ready, so kube-proxy rejects every connection to the VIP (the "
                              "client sees \"connection refused\"). Find out why the pods are not ready: "
                              "kubectl -n %1 describe pod %2 (readiness probe, crash loop, missing config), "
                              "fix the pods, and the endpoints follow")
                   .arg(in.nameSpace, notReady.value(0)));
        return;
    }
    if (!notReady.isEmpty()) {
        r.warn(
            QStringLiteral("%1 of %2 endpoints are not ready (%3); traffic goes to the others. Find out why: "
                           "kubectl -n %4 describe pod %5")
                .arg(notReady.size())
                .arg(eps->size())
                .arg(notReady.join(QStringLiteral(", ")), in.nameSpace, notReady.first()));
        return;
    }
    r.pass();
}

void checkEtpLocal(CheckContext &ctx, CheckResult &r)
{
    const kube::LocateResult &loc = *ctx.location;
    r.evidence << QStringLiteral("spec.externalTrafficPolicy of %1: %2")
                      .arg(serviceRef(ctx.input),
                          loc.externalTrafficPolicy.isEmpty() ? QStringLiteral("(unset: Cluster)")
                                                              : loc.externalTrafficPolicy);
    if (loc.externalTrafficPolicy != QLatin1String("Local")) {
        r.evidence << QStringLiteral("every node forwards VIP traffic to any ready endpoint (the client's "
                                     "address is replaced by the node's)");
        r.pass();
        return;
    }
    QStringList readyNodes;
    for (const kube::EndpointInfo &e : loc.endpoints)
        if (e.ready && !readyNodes.contains(e.nodeName))
            readyNodes << e.nodeName;
    r.evidence << QStringLiteral("nodes with a ready endpoint: %1")
                      .arg(readyNodes.isEmpty() ? QStringLiteral("none")
                                                : readyNodes.join(QStringLiteral(", ")));
    if (readyNodes.isEmpty()) {
        r.skip(QStringLiteral("no ready endpoint on any node (see endpoints-ready)"));
        return;
    }
    if (loc.holderNode.isEmpty()) {
        r.skip(QStringLiteral("no single node holds the VIP (see vip-one-node)"));
        return;
    }
    r.evidence << QStringLiteral("VIP %1 is on %2 (%3)").arg(loc.vip, loc.holderNode, loc.method);
    if (readyNodes.contains(loc.holderNode)) {
        r.pass();
        return;
    }
    r.fail(QStringLiteral(
        "the VIP node %1 runs no ready endpoint, so with externalTrafficPolicy Local it drops every "
        "connection "
        "to the VIP (kube-proxy: \"has no local endpoints\"; clients time out). Make a ready pod run on %1 "
        "(more replicas, or pod affinity to the load balancer's nodes), or, if the client's source address "
        "need not be kept, switch to Cluster: kubectl -n %2 patch svc %3 -p "
        "'{\"spec\":{\"externalTrafficPolicy\":\"Cluster\"}}'")
               .arg(loc.holderNode, ctx.input.nameSpace, ctx.input.service));
}

} // namespace lbs::checks
