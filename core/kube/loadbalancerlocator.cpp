#include "core/kube/loadbalancerlocator.h"

#include "core/kube/ipjson.h"

#include <QDateTime>
#include <QJsonArray>
#include <QRegularExpression>
#include <QSet>
#include <QTimeZone>

namespace lbs::kube {
namespace {

QString errText(const Error &e)
{
    return QString::fromStdString(e.message);
}

bool podReady(const QJsonObject &pod)
{
    for (const QJsonValue &c :
        pod.value(QStringLiteral("status")).toObject().value(QStringLiteral("conditions")).toArray()) {
        const QJsonObject o = c.toObject();
        if (o.value(QStringLiteral("type")).toString() == QLatin1String("Ready"))
            return o.value(QStringLiteral("status")).toString() == QLatin1String("True");
    }
    return false;
}

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

// Kubernetes Time / MicroTime ("2026-01-02T03:04:05Z", "2026-01-02T03:04:05.123456Z"), UTC.
QDateTime parseKubeTime(const QString &text)
{
    QDateTime t = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!t.isValid() && text.size() >= 19) {
        t = QDateTime::fromString(text.left(19), Qt::ISODate);
        t.setTimeZone(QTimeZone::utc());
    }
    return t.toUTC();
}

} // namespace

QJsonObject InterfaceRole::toJson() const
{
    return QJsonObject {{QStringLiteral("name"), name},
        {QStringLiteral("addresses"), QJsonArray::fromStringList(addresses)}, {QStringLiteral("role"), role},
        {QStringLiteral("pod"), pod.isEmpty() ? QJsonValue() : QJsonValue(pod)}};
}

QJsonObject LocateResult::toJson() const
{
    QJsonArray eps;
    for (const EndpointInfo &e : endpoints)
        eps.append(e.toJson());
    QJsonArray ifs;
    for (const InterfaceRole &i : interfaces)
        ifs.append(i.toJson());
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
        {QStringLiteral("problems"), QJsonArray::fromStringList(problems)}};
}

QString LocateResult::toText() const
{
    QStringList out;
    out << QStringLiteral("service    %1/%2  VIP %3  ports %4  externalTrafficPolicy %5")
               .arg(nameSpace, service, vip, ports.join(QLatin1Char(',')), externalTrafficPolicy);
    out << QStringLiteral("holder     %1%2")
               .arg(holderNode.isEmpty() ? QStringLiteral("(unknown)") : holderNode,
                   interface.isEmpty() ? QString() : QStringLiteral(" on ") + interface);
    out << QStringLiteral("standby    %1")
               .arg(standbyNodes.isEmpty() ? QStringLiteral("(none)")
                                           : standbyNodes.join(QStringLiteral(", ")));
    out << QStringLiteral("method     %1").arg(method);
    for (const QString &e : evidence)
        out << QStringLiteral("  evidence: %1").arg(e);
    out << QStringLiteral("endpoints");
    for (const EndpointInfo &e : endpoints)
        out << QStringLiteral("  %1  node %2  %3%4")
                   .arg(e.ip, e.nodeName.isEmpty() ? QStringLiteral("?") : e.nodeName,
                       e.podName.isEmpty() ? QString() : e.podNamespace + QLatin1Char('/') + e.podName,
                       e.ready ? QString() : QStringLiteral("  (not ready)"));
    if (!interfaces.isEmpty()) {
        out << QStringLiteral("interfaces on %1").arg(holderNode);
        for (const InterfaceRole &i : interfaces)
            out << QStringLiteral("  %1  %2  %3").arg(i.name, i.addresses.join(QLatin1Char(',')), i.role);
    }
    for (const QString &p : problems)
        out << QStringLiteral("PROBLEM: %1").arg(p);
    return out.join(QLatin1Char('\n')) + QLatin1Char('\n');
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
        r.evidence << QStringLiteral("endpoints unavailable: %1").arg(errText(eps.error()));

    bool found = false;
    using Step = Status (LoadBalancerLocator::*)(
        LocateResult &, const LoadBalancerService &, const CancelToken &, bool &);
    for (Step step :
        {&LoadBalancerLocator::tryIbm, &LoadBalancerLocator::tryKubeVip, &LoadBalancerLocator::tryMetalLb}) {
        if (auto s = (this->*step)(r, svc, cancel, found); !s)
            return s.error();
        if (found)
            break;
        if (cancel.isCancelled())
            return Error {"locate cancelled", {}, {}};
    }
    if (!found) {
        r.method = QStringLiteral("probe");
        if (!m_runner)
            return Error {
                QStringLiteral(
                    "no load balancer implementation identified for %1/%2 (no IBM keepalived pods, kube-vip "
                    "or MetalLB status), and probing nodes needs node access")
                    .arg(nameSpace, service)
                    .toStdString(),
                where.toStdString(),
                "allow debug pods (or use SSH) so lbscope can run `ip -j addr` on the nodes"};
        auto nodes = m_client.list(QStringLiteral("/api/v1/nodes"), cancel);
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
        if (auto s = probeNodes(r, r.candidateNodes, cancel); !s)
            return s.error();
    }
    if (r.holders.size() == 1)
        r.holderNode = r.holders.first();
    mapInterfaces(r, cancel);
    checkProblems(r);
    if (cancel.isCancelled())
        return Error {"locate cancelled", {}, {}};
    return r;
}

Status LoadBalancerLocator::tryIbm(
    LocateResult &r, const LoadBalancerService &svc, const CancelToken &cancel, bool &found)
{
    QString dashes = r.vip;
    dashes.replace(QLatin1Char('.'), QLatin1Char('-')).replace(QLatin1Char(':'), QLatin1Char('-'));
    QUrlQuery q;
    addQueryValue(q, QStringLiteral("labelSelector"), QStringLiteral("ibm-cloud-provider-ip=") + dashes);
    auto pods = m_client.list(QStringLiteral("/api/v1/namespaces/ibm-system/pods"), cancel, q);
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
    if (!m_runner) {
        r.evidence << QStringLiteral("holder not confirmed: no node access to run `ip -j addr`");
        r.problems << QStringLiteral("which keepalived node holds the VIP was not checked (no node access)");
        return Ok {};
    }
    return probeNodes(r, r.candidateNodes, cancel);
}

Status LoadBalancerLocator::tryKubeVip(
    LocateResult &r, const LoadBalancerService &svc, const CancelToken &cancel, bool &found)
{
    const QString annotated = svc.annotations.value(QStringLiteral("kube-vip.io/vipHost"));
    const bool looksKubeVip = !annotated.isEmpty()
        || svc.loadBalancerClass.startsWith(QLatin1String("kube-vip"))
        || std::any_of(svc.annotations.keyBegin(), svc.annotations.keyEnd(),
            [](const QString &k) { return k.startsWith(QLatin1String("kube-vip.io/")); });
    if (!looksKubeVip)
        return Ok {};
    if (!annotated.isEmpty())
        r.evidence << QStringLiteral("service annotation kube-vip.io/vipHost=%1").arg(annotated);

    // kube-vip's leases (pkg/lease): per-service `kubevip-<service>` in the service's namespace, or the
    // kube-vip.io/leaseName annotation ("name" or "namespace/name"); global election: plndr-svcs-lock.
    QList<std::pair<QString, QString>> leaseNames;
    const QString custom = svc.annotations.value(QStringLiteral("kube-vip.io/leaseName"));
    if (custom.contains(QLatin1Char('/')))
        leaseNames.append({custom.section(QLatin1Char('/'), 0, 0), custom.section(QLatin1Char('/'), 1)});
    else if (!custom.isEmpty())
        leaseNames.append({svc.nameSpace, custom});
    else
        leaseNames.append({svc.nameSpace, QStringLiteral("kubevip-") + svc.name});
    leaseNames.append({QStringLiteral("kube-system"), QStringLiteral("plndr-svcs-lock")});
    const KubeVipLease lease = readKubeVipLease(r, leaseNames, cancel);

    QStringList candidates;
    bool trusted = false;
    if (!lease.holder.isEmpty() && lease.expired) {
        r.problems << QStringLiteral(
            "kube-vip lease %1 expired %2 s ago: no kube-vip instance renews it, so its holder %3%4 is not "
            "trusted as the VIP node")
                          .arg(lease.ref)
                          .arg(lease.expiredForS)
                          .arg(lease.holder,
                              annotated.isEmpty() || annotated == lease.holder
                                  ? QString()
                                  : QStringLiteral(" (nor the annotation's %1)").arg(annotated));
        candidates << lease.holder;
        if (!annotated.isEmpty() && annotated != lease.holder)
            candidates << annotated;
    } else if (!lease.holder.isEmpty() && !annotated.isEmpty() && annotated != lease.holder) {
        r.problems << QStringLiteral(
            "kube-vip disagrees with itself: annotation kube-vip.io/vipHost=%1 but lease %2 is held by %3 "
            "(one of them is stale, e.g. after a failover)%4")
                          .arg(annotated, lease.ref, lease.holder,
                              m_runner ? QStringLiteral("; both nodes are checked")
                                       : QStringLiteral("; neither is trusted without node access"));
        candidates << lease.holder << annotated;
    } else {
        const QString holder = lease.holder.isEmpty() ? annotated : lease.holder;
        if (holder.isEmpty())
            return Ok {};
        candidates << holder;
        trusted = true;
    }
    found = true;
    r.method = QStringLiteral("kube-vip");
    r.candidateNodes << candidates;
    if (!m_runner) {
        if (trusted)
            r.holders << candidates.first();
        else
            r.evidence << QStringLiteral("holder not confirmed: no node access to run `ip -j addr` on %1")
                              .arg(candidates.join(QStringLiteral(", ")));
        return Ok {};
    }
    return probeNodes(r, r.candidateNodes, cancel);
}

LoadBalancerLocator::KubeVipLease LoadBalancerLocator::readKubeVipLease(
    LocateResult &r, const QList<std::pair<QString, QString>> &names, const CancelToken &cancel)
{
    KubeVipLease out;
    QStringList missing;
    for (const auto &[ns, name] : names) {
        const QString ref = ns + QLatin1Char('/') + name;
        auto lease = m_client.get(QStringLiteral("/apis/coordination.k8s.io/v1/namespaces/%1/leases/%2")
                                      .arg(pathSegment(ns), pathSegment(name)),
            cancel);
        if (!lease) {
            if (QString::fromStdString(lease.error().message).contains(QLatin1String("not found")))
                missing << ref;
            else
                r.evidence
                    << QStringLiteral("kube-vip lease %1 unreadable: %2").arg(ref, errText(lease.error()));
            continue;
        }
        const QJsonObject spec = lease->value(QStringLiteral("spec")).toObject();
        const QString holder = spec.value(QStringLiteral("holderIdentity")).toString();
        if (holder.isEmpty()) {
            r.evidence << QStringLiteral("kube-vip lease %1 has no holder").arg(ref);
            continue;
        }
        out.ref = ref;
        out.holder = holder;
        const QString renewText = spec.value(QStringLiteral("renewTime"))
                                      .toString(spec.value(QStringLiteral("acquireTime")).toString());
        const QDateTime renewed = parseKubeTime(renewText);
        const int durationS = spec.value(QStringLiteral("leaseDurationSeconds")).toInt();
        if (!renewed.isValid() || durationS <= 0) {
            r.evidence << QStringLiteral(
                "lease %1 held by %2 (no renewTime/leaseDurationSeconds: whether it is current is unknown)")
                              .arg(ref, holder);
            break;
        }
        const qint64 pastEnd = renewed.addSecs(durationS).secsTo(QDateTime::currentDateTimeUtc());
        out.expired = pastEnd > 0;
        out.expiredForS = pastEnd;
        r.evidence << (out.expired
                ? QStringLiteral(
                    "lease %1 names %2 but expired %3 s ago (renewed %4, leaseDurationSeconds %5)")
                      .arg(ref, holder)
                      .arg(pastEnd)
                      .arg(renewText)
                      .arg(durationS)
                : QStringLiteral("lease %1 held by %2 (renewed %3, leaseDurationSeconds %4)")
                      .arg(ref, holder, renewText)
                      .arg(durationS));
        break;
    }
    if (out.holder.isEmpty() && !missing.isEmpty())
        r.evidence << QStringLiteral("no kube-vip lease found (looked for %1)")
                          .arg(missing.join(QStringLiteral(", ")));
    return out;
}

Status LoadBalancerLocator::tryMetalLb(
    LocateResult &r, const LoadBalancerService &svc, const CancelToken &cancel, bool &found)
{
    const QString svcRef = svc.nameSpace + QLatin1Char('/') + svc.name;
    QUrlQuery q;
    addQueryValue(q, QStringLiteral("labelSelector"),
        QStringLiteral("metallb.io/service-name=%1,metallb.io/service-namespace=%2")
            .arg(svc.name, svc.nameSpace));
    auto statuses = m_client.list(QStringLiteral("/apis/metallb.io/v1beta1/servicel2statuses"), cancel, q);
    if (!statuses) {
        const QString e = errText(statuses.error());
        QString why;
        if (e.contains(QLatin1String("not found")))
            why = QStringLiteral(
                ": the servicel2statuses.metallb.io CRD is not installed (no MetalLB, or MetalLB "
                "older than v0.14.4)");
        else if (e.contains(QLatin1String("forbidden")))
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
        auto events = m_client.list(
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

Status LoadBalancerLocator::probeNodes(LocateResult &r, const QStringList &nodes, const CancelToken &cancel)
{
    m_runner->prepare(nodes, cancel);
    for (const QString &node : nodes) {
        if (cancel.isCancelled())
            return Error {"locate cancelled", {}, {}};
        auto out = m_runner->run(
            node, {QStringLiteral("ip"), QStringLiteral("-j"), QStringLiteral("addr")}, cancel);
        if (!out) {
            if (cancel.isCancelled())
                return out.error();
            r.evidence << QStringLiteral("ip -j addr on %1 failed: %2").arg(node, errText(out.error()));
            r.problems << QStringLiteral("could not check node %1: %2")
                              .arg(node, QString::fromStdString(out.error().toString()));
            continue;
        }
        m_ipAddrByNode.insert(node, *out);
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
                              .arg(node, m_runner->transport(), r.vip, ipvsNote);
            if (!r.standbyNodes.contains(node))
                r.standbyNodes << node;
        } else {
            r.evidence << QStringLiteral("ip -j addr on %1 (via %2): VIP %3 on %4%5")
                              .arg(node, m_runner->transport(), r.vip, on.join(QStringLiteral(", ")),
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

void LoadBalancerLocator::mapInterfaces(LocateResult &r, const CancelToken &cancel)
{
    if (r.holderNode.isEmpty() || !m_runner)
        return;
    if (!m_ipAddrByNode.contains(r.holderNode)) {
        auto out = m_runner->run(
            r.holderNode, {QStringLiteral("ip"), QStringLiteral("-j"), QStringLiteral("addr")}, cancel);
        if (!out)
            return;
        m_ipAddrByNode.insert(r.holderNode, *out);
    }
    auto ifs = parseIpAddr(m_ipAddrByNode.value(r.holderNode));
    if (!ifs)
        return;
    QList<IpRoute> routes;
    if (auto out = m_runner->run(
            r.holderNode, {QStringLiteral("ip"), QStringLiteral("-j"), QStringLiteral("route")}, cancel)) {
        if (auto parsed = parseIpRoute(*out))
            routes = *parsed;
    }
    QMap<QString, QString> podByIp;
    QUrlQuery q;
    addQueryValue(q, QStringLiteral("fieldSelector"), QStringLiteral("spec.nodeName=") + r.holderNode);
    if (auto pods = m_client.list(QStringLiteral("/api/v1/pods"), cancel, q)) {
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

void LoadBalancerLocator::checkProblems(LocateResult &r)
{
    if (r.method != QLatin1String("metallb-l2") && m_runner) {
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

} // namespace lbs::kube
