#include "core/kube/interfacemapping.h"

#include "core/kube/ipjson.h"

#include <QJsonArray>

namespace lbs::kube::locator {

void mapInterfaces(LocatorContext &ctx, LocateResult &r, const CancelToken &cancel)
{
    if (r.holderNode.isEmpty() || !ctx.runner)
        return;
    if (!ctx.ipAddrByNode.contains(r.holderNode)) {
        auto out = ctx.runner->run(
            r.holderNode, {QStringLiteral("ip"), QStringLiteral("-j"), QStringLiteral("addr")}, cancel);
        if (!out)
            return;
        ctx.ipAddrByNode.insert(r.holderNode, *out);
    }
    auto ifs = parseIpAddr(ctx.ipAddrByNode.value(r.holderNode));
    if (!ifs)
        return;
    QList<IpRoute> routes;
    if (auto out = ctx.runner->run(
            r.holderNode, {QStringLiteral("ip"), QStringLiteral("-j"), QStringLiteral("route")}, cancel)) {
        if (auto parsed = parseIpRoute(*out))
            routes = *parsed;
    }
    QMap<QString, QString> podByIp;
    QUrlQuery q;
    addQueryValue(q, QStringLiteral("fieldSelector"), QStringLiteral("spec.nodeName=") + r.holderNode);
    if (auto pods = ctx.client.list(QStringLiteral("/api/v1/pods"), cancel, q)) {
        for (const QJsonValue &v : *pods) {
            const QJsonObject p = v.toObject();
            if (p.value(QStringLiteral("spec")).toObject().value(QStringLiteral("hostNetwork")).toBool())
                continue;
            const QJsonObject meta = p.value(QStringLiteral("metadata")).toObject();
            const QString ip
                = p.value(QStringLiteral("status")).toObject().value(QStringLiteral("podIP")).toString();
            if (!ip.isEmpty())
                podByIp.insert(ip,
                    meta.value(QStringLiteral("namespace")).toString() + QLatin1Char('/')
                        + meta.value(QStringLiteral("name")).toString());
        }
    }
    for (const IpInterface &i : *ifs) {
        InterfaceRole role;
        role.index = i.index;
        role.name = i.name;
        for (const IpAddress &a : i.addresses)
            role.addresses << QStringLiteral("%1/%2").arg(a.local).arg(a.prefixLength);
        QStringList podIps;
        for (const IpRoute &rt : routes) {
            if (rt.dev == i.name && !rt.dst.isEmpty() && rt.dst != QLatin1String("default"))
                podIps << rt.dst.section(QLatin1Char('/'), 0, 0);
        }
        if (i.name == QLatin1String("lo")) {
            role.role = QStringLiteral("loopback");
        } else if (i.name == QLatin1String("kube-ipvs0")) {
            role.role = QStringLiteral("kube-proxy IPVS dummy: carries every service IP, ignored");
        } else if (i.hasAddress(r.vip)) {
            role.role = QStringLiteral("holds the VIP %1 (capture here for client traffic)").arg(r.vip);
        } else if (i.name.startsWith(QLatin1String("cali")) || i.name.startsWith(QLatin1String("veth"))) {
            QStringList pods;
            for (const QString &ip : podIps)
                pods << (podByIp.contains(ip) ? QStringLiteral("%1 (%2)").arg(podByIp.value(ip), ip) : ip);
            role.pod = podIps.isEmpty() ? QString() : podByIp.value(podIps.first());
            role.role = pods.isEmpty() ? QStringLiteral("pod interface (no route found)")
                                       : QStringLiteral("pod ") + pods.join(QStringLiteral(", "));
        } else if (i.name.startsWith(QLatin1String("tunl")) || i.name.contains(QLatin1String("vxlan"))) {
            role.role = QStringLiteral("overlay tunnel");
        } else if (!i.addresses.isEmpty()) {
            role.role = QStringLiteral("node address");
        } else {
            continue;
        }
        r.interfaces << role;
    }
}

} // namespace lbs::kube::locator
