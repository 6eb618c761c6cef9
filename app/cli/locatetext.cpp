// lbscope-cli locate: the text for people (--json prints LocateResult::toJson()).
#include "locatetext.h"

#include <QStringList>

namespace lbs::cli {

QString locateText(const kube::LocateResult &r)
{
    QStringList out;
    out << QStringLiteral("service    %1/%2  VIP %3  ports %4  externalTrafficPolicy %5")
               .arg(r.nameSpace, r.service, r.vip, r.ports.join(QLatin1Char(',')), r.externalTrafficPolicy);
    out << QStringLiteral("holder     %1%2")
               .arg(r.holderNode.isEmpty() ? QStringLiteral("(unknown)") : r.holderNode,
                   r.interface.isEmpty() ? QString() : QStringLiteral(" on ") + r.interface);
    out << QStringLiteral("standby    %1")
               .arg(r.standbyNodes.isEmpty() ? QStringLiteral("(none)")
                                             : r.standbyNodes.join(QStringLiteral(", ")));
    out << QStringLiteral("method     %1").arg(r.method);
    for (const QString &e : r.evidence)
        out << QStringLiteral("  evidence: %1").arg(e);
    out << QStringLiteral("endpoints");
    for (const kube::EndpointInfo &e : r.endpoints)
        out << QStringLiteral("  %1  node %2  %3%4")
                   .arg(e.ip, e.nodeName.isEmpty() ? QStringLiteral("?") : e.nodeName,
                       e.podName.isEmpty() ? QString() : e.podNamespace + QLatin1Char('/') + e.podName,
                       e.ready ? QString() : QStringLiteral("  (not ready)"));
    if (!r.interfaces.isEmpty()) {
        out << QStringLiteral("interfaces on %1").arg(r.holderNode);
        for (const kube::InterfaceRole &i : r.interfaces)
            out << QStringLiteral("  %1  %2  %3").arg(i.name, i.addresses.join(QLatin1Char(',')), i.role);
    }
    for (const QString &p : r.problems)
        out << QStringLiteral("PROBLEM: %1").arg(p);
    return out.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

} // namespace lbs::cli
