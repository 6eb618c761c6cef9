#include "core/kube/kubeobjects.h"

#include <QJsonArray>

namespace lbs::kube {
namespace {

QMap<QString, QString> stringMap(const QJsonValue &v)
{
    QMap<QString, QString> out;
    const QJsonObject o = v.toObject();
    for (auto it = o.begin(); it != o.end(); ++it)
        out.insert(it.key(), it.value().toString());
    return out;
}

} // namespace

QString LoadBalancerService::vip() const
{
    if (!ingressIps.isEmpty())
        return ingressIps.first();
    return ingressHostnames.value(0);
}

QString LoadBalancerService::portsText() const
{
    QStringList parts;
    for (const ServicePort &p : ports) {
        QString s = QStringLiteral("%1/%2").arg(p.port).arg(p.protocol);
        if (p.nodePort > 0)
            s += QStringLiteral(":%1").arg(p.nodePort);
        parts << s;
    }
    return parts.join(QStringLiteral(","));
}

QJsonObject LoadBalancerService::toJson() const
{
    QJsonArray portArray;
    for (const ServicePort &p : ports)
        portArray.append(QJsonObject {{QStringLiteral("name"), p.name},
            {QStringLiteral("protocol"), p.protocol}, {QStringLiteral("port"), p.port},
            {QStringLiteral("target_port"), p.targetPort}, {QStringLiteral("node_port"), p.nodePort}});
    return QJsonObject {{QStringLiteral("namespace"), nameSpace}, {QStringLiteral("name"), name},
        {QStringLiteral("vip"), vip()},
        {QStringLiteral("ingress_ips"), QJsonArray::fromStringList(ingressIps)},
        {QStringLiteral("ingress_hostnames"), QJsonArray::fromStringList(ingressHostnames)},
        {QStringLiteral("ports"), portArray},
        {QStringLiteral("external_traffic_policy"), externalTrafficPolicy},
        {QStringLiteral("health_check_node_port"), healthCheckNodePort},
        {QStringLiteral("load_balancer_class"), loadBalancerClass}};
}

LoadBalancerService LoadBalancerService::fromJson(const QJsonObject &s)
{
    LoadBalancerService svc;
    const QJsonObject meta = s.value(QStringLiteral("metadata")).toObject();
    const QJsonObject spec = s.value(QStringLiteral("spec")).toObject();
    svc.nameSpace = meta.value(QStringLiteral("namespace")).toString();
    svc.name = meta.value(QStringLiteral("name")).toString();
    svc.uid = meta.value(QStringLiteral("uid")).toString();
    svc.annotations = stringMap(meta.value(QStringLiteral("annotations")));
    svc.type = spec.value(QStringLiteral("type")).toString();
    svc.selector = stringMap(spec.value(QStringLiteral("selector")));
    svc.externalTrafficPolicy
        = spec.value(QStringLiteral("externalTrafficPolicy")).toString(QStringLiteral("Cluster"));
    svc.healthCheckNodePort = spec.value(QStringLiteral("healthCheckNodePort")).toInt();
    svc.loadBalancerClass = spec.value(QStringLiteral("loadBalancerClass")).toString();
    for (const QJsonValue &v : spec.value(QStringLiteral("ports")).toArray()) {
        const QJsonObject p = v.toObject();
        ServicePort port;
        port.name = p.value(QStringLiteral("name")).toString();
        port.protocol = p.value(QStringLiteral("protocol")).toString(QStringLiteral("TCP"));
        port.port = p.value(QStringLiteral("port")).toInt();
        const QJsonValue tp = p.value(QStringLiteral("targetPort"));
        port.targetPort = tp.isDouble() ? QString::number(tp.toInt()) : tp.toString();
        port.nodePort = p.value(QStringLiteral("nodePort")).toInt();
        svc.ports << port;
    }
    const QJsonArray ingress = s.value(QStringLiteral("status"))
                                   .toObject()
                                   .value(QStringLiteral("loadBalancer"))
                                   .toObject()
                                   .value(QStringLiteral("ingress"))
                                   .toArray();
    for (const QJsonValue &v : ingress) {
        const QJsonObject i = v.toObject();
        if (!i.value(QStringLiteral("ip")).toString().isEmpty())
            svc.ingressIps << i.value(QStringLiteral("ip")).toString();
        if (!i.value(QStringLiteral("hostname")).toString().isEmpty())
            svc.ingressHostnames << i.value(QStringLiteral("hostname")).toString();
    }
    return svc;
}

QJsonObject EndpointInfo::toJson() const
{
    return QJsonObject {{QStringLiteral("ip"), ip}, {QStringLiteral("node"), nodeName},
        {QStringLiteral("pod"),
            podName.isEmpty() ? QJsonValue()
                              : QJsonValue(QString(podNamespace + QLatin1Char('/') + podName))},
        {QStringLiteral("ready"), ready}, {QStringLiteral("serving"), serving},
        {QStringLiteral("terminating"), terminating}, {QStringLiteral("ports"), [this] {
                                                           QJsonArray a;
                                                           for (int p : ports)
                                                               a.append(p);
                                                           return a;
                                                       }()}};
}

Result<QList<LoadBalancerService>> listLoadBalancerServices(
    KubeClient &client, const QString &nameSpace, const CancelToken &cancel)
{
    const QString path = nameSpace.isEmpty()
        ? QStringLiteral("/api/v1/services")
        : QStringLiteral("/api/v1/namespaces/%1/services").arg(pathSegment(nameSpace));
    auto items = client.list(path, cancel);
    if (!items)
        return items.error();
    QList<LoadBalancerService> out;
    for (const QJsonValue &v : *items) {
        LoadBalancerService s = LoadBalancerService::fromJson(v.toObject());
        if (s.type == QLatin1String("LoadBalancer"))
            out << s;
    }
    std::sort(out.begin(), out.end(), [](const LoadBalancerService &a, const LoadBalancerService &b) {
        return std::tie(a.nameSpace, a.name) < std::tie(b.nameSpace, b.name);
    });
    return out;
}

Result<QList<EndpointInfo>> serviceEndpoints(
    KubeClient &client, const QString &nameSpace, const QString &name, const CancelToken &cancel)
{
    QList<EndpointInfo> out;
    QUrlQuery q;
    addQueryValue(q, QStringLiteral("labelSelector"), QStringLiteral("kubernetes.io/service-name=") + name);
    auto slices = client.list(
        QStringLiteral("/apis/discovery.k8s.io/v1/namespaces/%1/endpointslices").arg(pathSegment(nameSpace)),
        cancel, q);
    if (slices) {
        for (const QJsonValue &sv : *slices) {
            QList<int> ports;
            for (const QJsonValue &p : sv.toObject().value(QStringLiteral("ports")).toArray())
                if (const int n = p.toObject().value(QStringLiteral("port")).toInt(); n > 0 && n < 65536)
                    ports << n;
            for (const QJsonValue &ev : sv.toObject().value(QStringLiteral("endpoints")).toArray()) {
                const QJsonObject e = ev.toObject();
                const QJsonObject cond = e.value(QStringLiteral("conditions")).toObject();
                const QJsonObject ref = e.value(QStringLiteral("targetRef")).toObject();
                for (const QJsonValue &a : e.value(QStringLiteral("addresses")).toArray()) {
                    EndpointInfo info;
                    info.ip = a.toString();
                    info.nodeName = e.value(QStringLiteral("nodeName")).toString();
                    if (ref.value(QStringLiteral("kind")).toString() == QLatin1String("Pod")) {
                        info.podName = ref.value(QStringLiteral("name")).toString();
                        info.podNamespace = ref.value(QStringLiteral("namespace")).toString(nameSpace);
                    }
                    // Unset ready means ready (API convention for EndpointConditions).
                    info.ready = cond.value(QStringLiteral("ready")).toBool(true);
                    info.serving = cond.value(QStringLiteral("serving")).toBool(info.ready);
                    info.terminating = cond.value(QStringLiteral("terminating")).toBool(false);
                    info.ports = ports;
                    out << info;
                }
            }
        }
        return out;
    }
    // Older clusters: v1 Endpoints (deprecated since 1.33, still served).
    auto ep = client.get(
        QStringLiteral("/api/v1/namespaces/%1/endpoints/%2").arg(pathSegment(nameSpace), pathSegment(name)),
        cancel);
    if (!ep)
        return slices.error();
    for (const QJsonValue &sv : ep->value(QStringLiteral("subsets")).toArray()) {
        const QJsonObject subset = sv.toObject();
        QList<int> ports;
        for (const QJsonValue &p : subset.value(QStringLiteral("ports")).toArray())
            if (const int n = p.toObject().value(QStringLiteral("port")).toInt(); n > 0 && n < 65536)
                ports << n;
        for (const auto &[key, ready] : {std::pair {QStringLiteral("addresses"), true},
                 std::pair {QStringLiteral("notReadyAddresses"), false}}) {
            for (const QJsonValue &a : subset.value(key).toArray()) {
                const QJsonObject ao = a.toObject();
                EndpointInfo info;
                info.ip = ao.value(QStringLiteral("ip")).toString();
                info.nodeName = ao.value(QStringLiteral("nodeName")).toString();
                info.podName = ao.value(QStringLiteral("targetRef"))
                                   .toObject()
                                   .value(QStringLiteral("name"))
                                   .toString();
                info.podNamespace = nameSpace;
                info.ready = ready;
                info.serving = ready;
                info.ports = ports;
                out << info;
            }
        }
    }
    return out;
}

QPair<QString, QString> splitNamespacedName(const QString &text, const QString &defaultNamespace)
{
    const qsizetype slash = text.indexOf(QLatin1Char('/'));
    if (slash < 0)
        return {defaultNamespace, text};
    return {text.left(slash), text.mid(slash + 1)};
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

} // namespace lbs::kube
