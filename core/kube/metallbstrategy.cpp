#include "core/kube/metallbstrategy.h"

#include <QJsonArray>
#include <QRegularExpression>

namespace lbs::kube::locator {
namespace {

QString eventTime(const QJsonObject &e)
{
    for (const char *k : {"lastTimestamp", "eventTime", "firstTimestamp"}) {
        const QString t = e.value(QLatin1String(k)).toString();
        if (!t.isEmpty())
            return t;
    }
    return e.value(QStringLiteral("metadata"))
        .toObject()
        .value(QStringLiteral("creationTimestamp"))
        .toString();
}

} // namespace

Status MetalLbStrategy::locate(LocatorContext &ctx, LocateResult &r, const LoadBalancerService &svc,
    const CancelToken &cancel, bool &found)
{
    const QString svcRef = svc.nameSpace + QLatin1Char('/') + svc.name;
    QUrlQuery q;
    addQueryValue(q, QStringLiteral("labelSelector"),
        QStringLiteral("metallb.io/service-name=%1,metallb.io/service-namespace=%2")
            .arg(svc.name, svc.nameSpace));
    auto statuses = ctx.client.list(QStringLiteral("/apis/metallb.io/v1beta1/servicel2statuses"), cancel, q);
    if (!statuses) {
        const QString e = errText(statuses.error());
        QString why;
        if (statuses.error().kind == ErrorKind::NotFound)
            why = QStringLiteral(
                ": the servicel2statuses.metallb.io CRD is not installed (no MetalLB, or MetalLB "
                "older than v0.14.4)");
        else if (statuses.error().kind == ErrorKind::Forbidden)
            why = QStringLiteral(": your user may not list servicel2statuses.metallb.io (RBAC)");
        r.evidence << QStringLiteral("MetalLB ServiceL2Status unavailable%1 (%2); trying nodeAssigned events")
                          .arg(why, e);
    } else if (statuses->isEmpty()) {
        r.evidence
            << QStringLiteral("no MetalLB ServiceL2Status names %1; trying nodeAssigned events").arg(svcRef);
    }
    QStringList names;
    for (const QJsonValue &v : statuses ? *statuses : QJsonArray()) {
        const QJsonObject st = v.toObject().value(QStringLiteral("status")).toObject();
        const QString node = st.value(QStringLiteral("node")).toString();
        const QString name = v.toObject()
                                 .value(QStringLiteral("metadata"))
                                 .toObject()
                                 .value(QStringLiteral("name"))
                                 .toString();
        if (node.isEmpty()) {
            r.evidence << QStringLiteral("ServiceL2Status %1 names no node").arg(name);
            continue;
        }
        names << name;
        if (!r.holders.contains(node))
            r.holders << node;
        const QString iface = st.value(QStringLiteral("interfaces"))
                                  .toArray()
                                  .first()
                                  .toObject()
                                  .value(QStringLiteral("name"))
                                  .toString();
        if (!iface.isEmpty())
            r.interface = iface;
        r.claims.append({ProviderClaim::L2Status,
            QStringLiteral("ServiceL2Status %1/%2")
                .arg(v.toObject()
                         .value(QStringLiteral("metadata"))
                         .toObject()
                         .value(QStringLiteral("namespace"))
                         .toString(),
                    name),
            node, false, iface.isEmpty() ? QString() : QStringLiteral("interface ") + iface});
        r.evidence << QStringLiteral("ServiceL2Status %1: node %2%3")
                          .arg(name, node,
                              iface.isEmpty() ? QString() : QStringLiteral(", interface ") + iface);
    }
    if (r.holders.size() > 1)
        r.problems << QStringLiteral(
            "MetalLB announces %1 from %2 nodes at once (ServiceL2Status %3 on %4): several speakers answer "
            "ARP for VIP %5, clients reach whichever answered last")
                          .arg(svcRef)
                          .arg(r.holders.size())
                          .arg(names.join(QStringLiteral(", ")), r.holders.join(QStringLiteral(", ")), r.vip);
    if (r.holders.isEmpty()) {
        QUrlQuery eq;
        addQueryValue(eq, QStringLiteral("fieldSelector"),
            QStringLiteral("involvedObject.name=%1,reason=nodeAssigned").arg(svc.name));
        auto events = ctx.client.list(
            QStringLiteral("/api/v1/namespaces/%1/events").arg(pathSegment(svc.nameSpace)), cancel, eq);
        if (!events)
            r.evidence << QStringLiteral("nodeAssigned events unavailable: %1").arg(errText(events.error()));
        if (events && !events->isEmpty()) {
            QJsonObject newest;
            for (const QJsonValue &v : *events) {
                if (newest.isEmpty() || eventTime(v.toObject()) > eventTime(newest))
                    newest = v.toObject();
            }
            static const QRegularExpression re(QStringLiteral("announcing from node \"([^\"]+)\""));
            const QString msg = newest.value(QStringLiteral("message")).toString();
            const auto m = re.match(msg);
            if (m.hasMatch()) {
                r.holders << m.captured(1);
                r.claims.append(
                    {ProviderClaim::Event, QStringLiteral("newest nodeAssigned event of %1").arg(svcRef),
                        m.captured(1), false, msg});
                r.evidence
                    << QStringLiteral("newest nodeAssigned event (%1): %2").arg(eventTime(newest), msg);
            }
        }
    }
    if (r.holders.isEmpty())
        return Ok {};
    found = true;
    r.method = QStringLiteral("metallb-l2");
    r.candidateNodes = r.holders;
    r.evidence << QStringLiteral("MetalLB L2 answers ARP for the VIP without adding it to an interface");
    return Ok {};
}

} // namespace lbs::kube::locator
