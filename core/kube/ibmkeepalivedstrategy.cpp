#include "core/kube/ibmkeepalivedstrategy.h"

#include "core/kube/kubeobjects.h"
#include "core/kube/probestrategy.h"

#include <QJsonArray>

namespace lbs::kube::locator {

Status IbmKeepalivedStrategy::locate(LocatorContext &ctx, LocateResult &r, const LoadBalancerService &svc,
    const CancelToken &cancel, bool &found)
{
    QString dashes = r.vip;
    dashes.replace(QLatin1Char('.'), QLatin1Char('-')).replace(QLatin1Char(':'), QLatin1Char('-'));
    QUrlQuery q;
    addQueryValue(q, QStringLiteral("labelSelector"), QStringLiteral("ibm-cloud-provider-ip=") + dashes);
    auto pods = ctx.client.list(QStringLiteral("/api/v1/namespaces/ibm-system/pods"), cancel, q);
    if (!pods) {
        r.evidence << QStringLiteral("IBM check skipped: %1").arg(errText(pods.error()));
        return Ok {};
    }
    if (pods->isEmpty())
        return Ok {};
    found = true;
    r.method = QStringLiteral("ibm-keepalived");
    Q_UNUSED(svc);
    int ready = 0;
    for (const QJsonValue &v : *pods) {
        const QJsonObject p = v.toObject();
        const QString name
            = p.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("name")).toString();
        const QString node
            = p.value(QStringLiteral("spec")).toObject().value(QStringLiteral("nodeName")).toString();
        const QString phase
            = p.value(QStringLiteral("status")).toObject().value(QStringLiteral("phase")).toString();
        const bool isReady = podReady(p);
        ready += isReady ? 1 : 0;
        r.evidence << QStringLiteral(
            "keepalived pod ibm-system/%1 (label ibm-cloud-provider-ip=%2) on node %3: %4%5")
                          .arg(name, dashes, node.isEmpty() ? QStringLiteral("(unscheduled)") : node, phase,
                              isReady ? QStringLiteral(", ready") : QStringLiteral(", NOT ready"));
        if (!node.isEmpty() && !r.candidateNodes.contains(node))
            r.candidateNodes << node;
    }
    if (pods->size() < 2)
        r.problems << QStringLiteral(
            "only %1 keepalived pod for VIP %2: no standby, a node failure drops the VIP")
                          .arg(pods->size())
                          .arg(r.vip);
    if (ready < pods->size())
        r.problems << QStringLiteral("%1 of %2 keepalived pods are not ready")
                          .arg(pods->size() - ready)
                          .arg(pods->size());
    if (!ctx.runner) {
        r.evidence << QStringLiteral("holder not confirmed: no node access to run `ip -j addr`");
        r.problems << QStringLiteral("which keepalived node holds the VIP was not checked (no node access)");
        return Ok {};
    }
    return probeNodes(ctx, r, r.candidateNodes, cancel);
}

} // namespace lbs::kube::locator
