#include "core/kube/loadbalancerlocator.h"

#include "core/kube/ibmkeepalivedstrategy.h"
#include "core/kube/interfacemapping.h"
#include "core/kube/kubevipstrategy.h"
#include "core/kube/locatorproblems.h"
#include "core/kube/metallbstrategy.h"
#include "core/kube/probestrategy.h"

#include <QJsonArray>

#include <initializer_list>

namespace lbs::kube {

QJsonObject InterfaceRole::toJson() const
{
    return QJsonObject {{QStringLiteral("index"), index}, {QStringLiteral("name"), name},
        {QStringLiteral("addresses"), QJsonArray::fromStringList(addresses)}, {QStringLiteral("role"), role},
        {QStringLiteral("pod"), pod.isEmpty() ? QJsonValue() : QJsonValue(pod)}};
}

QJsonObject ProviderClaim::toJson() const
{
    static const char *const kinds[] = {"annotation", "lease", "l2status", "event"};
    return QJsonObject {{QStringLiteral("kind"), QLatin1String(kinds[kind])},
        {QStringLiteral("source"), source}, {QStringLiteral("node"), node}, {QStringLiteral("stale"), stale},
        {QStringLiteral("detail"), detail}};
}

QJsonObject LocateResult::toJson() const
{
    QJsonArray eps;
    for (const EndpointInfo &e : endpoints)
        eps.append(e.toJson());
    QJsonArray ifs;
    for (const InterfaceRole &i : interfaces)
        ifs.append(i.toJson());
    QJsonArray cls;
    for (const ProviderClaim &c : claims)
        cls.append(c.toJson());
    auto orNull = [](const QString &s) { return s.isEmpty() ? QJsonValue() : QJsonValue(s); };
    return QJsonObject {{QStringLiteral("service"), QString(nameSpace + QLatin1Char('/') + service)},
        {QStringLiteral("namespace"), nameSpace}, {QStringLiteral("name"), service},
        {QStringLiteral("vip"), vip}, {QStringLiteral("ports"), QJsonArray::fromStringList(ports)},
        {QStringLiteral("external_traffic_policy"), externalTrafficPolicy},
        {QStringLiteral("method"), method},
        {QStringLiteral("evidence"), QJsonArray::fromStringList(evidence)},
        {QStringLiteral("holder_node"), orNull(holderNode)}, {QStringLiteral("interface"), orNull(interface)},
        {QStringLiteral("holders"), QJsonArray::fromStringList(holders)},
        {QStringLiteral("standby_nodes"), QJsonArray::fromStringList(standbyNodes)},
        {QStringLiteral("candidate_nodes"), QJsonArray::fromStringList(candidateNodes)},
        {QStringLiteral("endpoints"), eps}, {QStringLiteral("interfaces"), ifs},
        {QStringLiteral("problems"), QJsonArray::fromStringList(problems)},
        {QStringLiteral("probed_nodes"), QJsonArray::fromStringList(probedNodes)},
        {QStringLiteral("claims"), cls}};
}

LoadBalancerLocator::LoadBalancerLocator(KubeClient &client, NodeCommandRunner *runner)
    : m_client(client), m_runner(runner)
{
}

Result<LocateResult> LoadBalancerLocator::locate(
    const QString &nameSpace, const QString &service, const CancelToken &cancel)
{
    auto obj = m_client.get(
        QStringLiteral("/api/v1/namespaces/%1/services/%2").arg(pathSegment(nameSpace), pathSegment(service)),
        cancel);
    if (!obj)
        return obj.error();
    const LoadBalancerService svc = LoadBalancerService::fromJson(*obj);
    const QString where = m_client.describe();
    if (svc.type != QLatin1String("LoadBalancer"))
        return Error {QStringLiteral("service %1/%2 is of type %3, not LoadBalancer")
                          .arg(nameSpace, service, svc.type)
                          .toStdString(),
            where.toStdString(),
            "pick a LoadBalancer service (lbscope-cli services lists them) or capture with --node/--iface"};
    if (svc.vip().isEmpty())
        return Error {
            QStringLiteral("service %1/%2 has no external address yet (status.loadBalancer.ingress is empty)")
                .arg(nameSpace, service)
                .toStdString(),
            where.toStdString(), "the load balancer is still pending; check the service's events"};
    LocateResult r;
    r.nameSpace = nameSpace;
    r.service = service;
    r.vip = svc.vip();
    for (const ServicePort &p : svc.ports)
        r.ports << QStringLiteral("%1/%2").arg(p.port).arg(p.protocol);
    r.externalTrafficPolicy = svc.externalTrafficPolicy;
    auto eps = serviceEndpoints(m_client, nameSpace, service, cancel);
    if (eps)
        r.endpoints = *eps;
    else
        r.evidence << QStringLiteral("endpoints unavailable: %1").arg(locator::errText(eps.error()));

    // In this order: IBM and kube-vip name their implementation unambiguously, MetalLB is looked for
    // through CRDs and events, and probing every node is the last resort.
    locator::LocatorContext ctx {m_client, m_runner, {}};
    locator::IbmKeepalivedStrategy ibm;
    locator::KubeVipStrategy kubeVip;
    locator::MetalLbStrategy metalLb;
    locator::ProbeStrategy probe;
    for (locator::LocatorStrategy *strategy :
        std::initializer_list<locator::LocatorStrategy *> {&ibm, &kubeVip, &metalLb, &probe}) {
        bool found = false;
        if (auto s = strategy->locate(ctx, r, svc, cancel, found); !s)
            return s.error();
        if (found)
            break;
        if (cancel.isCancelled())
            return Error {"locate cancelled", {}, {}, ErrorKind::Cancelled};
    }
    if (r.holders.size() == 1)
        r.holderNode = r.holders.first();
    locator::mapInterfaces(ctx, r, cancel);
    locator::checkProblems(r, m_runner != nullptr);
    if (cancel.isCancelled())
        return Error {"locate cancelled", {}, {}, ErrorKind::Cancelled};
    return r;
}

} // namespace lbs::kube
