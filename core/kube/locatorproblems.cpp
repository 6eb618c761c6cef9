#include "core/kube/locatorproblems.h"

namespace lbs::kube::locator {

void checkProblems(LocateResult &r, bool nodesChecked)
{
    if (r.method != QLatin1String("metallb-l2") && nodesChecked) {
        if (r.holders.isEmpty())
            r.problems << QStringLiteral("VIP %1 was found on no node (checked: %2)")
                              .arg(r.vip, r.candidateNodes.join(QStringLiteral(", ")));
        else if (r.holders.size() > 1)
            r.problems << QStringLiteral(
                "VIP %1 is on %2 nodes at once (%3): split brain, traffic is split or dropped")
                              .arg(r.vip)
                              .arg(r.holders.size())
                              .arg(r.holders.join(QStringLiteral(", ")));
    }
    int ready = 0;
    bool readyOnHolder = false;
    for (const EndpointInfo &e : r.endpoints) {
        if (!e.ready)
            continue;
        ++ready;
        readyOnHolder = readyOnHolder || e.nodeName == r.holderNode;
    }
    if (ready == 0)
        r.problems << QStringLiteral(
            "service has no ready endpoints: kube-proxy rejects every connection to the VIP");
    else if (r.externalTrafficPolicy == QLatin1String("Local") && !r.holderNode.isEmpty() && !readyOnHolder)
        r.problems << QStringLiteral(
            "externalTrafficPolicy is Local but the VIP node %1 runs no ready endpoint: it drops the traffic")
                          .arg(r.holderNode);
}

} // namespace lbs::kube::locator
