#pragma once

#include "core/common/canceltoken.h"
#include "core/kube/kubeclient.h"

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

namespace lbs::kube {

/// One `spec.ports[]` entry of a Service.
struct ServicePort {
    QString name;
    QString protocol;
    int port = 0;
    QString targetPort;
    int nodePort = 0;
};

/// The parts of a LoadBalancer Service lbscope uses (docs/domain-notes.md, "Finding the node that holds a
/// VIP").
struct LoadBalancerService {
    QString nameSpace;
    QString name;
    QString uid;
    QString type;
    QStringList ingressIps;
    QStringList ingressHostnames;
    QList<ServicePort> ports;
    QString externalTrafficPolicy; ///< Cluster | Local
    int healthCheckNodePort = 0;
    QString loadBalancerClass;
    QMap<QString, QString> annotations;
    QMap<QString, QString> selector;

    /// First ingress IP (or hostname), empty while pending.
    QString vip() const;
    /// "80/TCP:30080, 443/TCP:30443"
    QString portsText() const;
    QJsonObject toJson() const;
    static LoadBalancerService fromJson(const QJsonObject &service);
};

/// One endpoint of a Service with the node that runs it.
struct EndpointInfo {
    QString ip;
    QString nodeName;
    QString podName;
    QString podNamespace;
    bool ready = false;
    bool serving = false;
    bool terminating = false;
    QList<int> ports; ///< the ports traffic reaches it on (the slice's resolved target ports)
    QJsonObject toJson() const;
};

/// LoadBalancer services of one namespace (empty: all namespaces).
Result<QList<LoadBalancerService>> listLoadBalancerServices(
    KubeClient &client, const QString &nameSpace, const CancelToken &cancel);
/// Endpoints from EndpointSlices (discovery.k8s.io/v1), falling back to v1 Endpoints.
Result<QList<EndpointInfo>> serviceEndpoints(
    KubeClient &client, const QString &nameSpace, const QString &name, const CancelToken &cancel);
/// "ns/name" -> {ns, name}; a bare name gets `defaultNamespace`.
QPair<QString, QString> splitNamespacedName(const QString &text, const QString &defaultNamespace);

/// The pod's Ready condition (status.conditions[type=Ready].status == "True").
bool podReady(const QJsonObject &pod);

} // namespace lbs::kube
