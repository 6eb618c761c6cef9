#include "labobjects.h"

#include "jsonutil.h"
#include "objectstore.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QUuid>

namespace kubesim {

namespace {

QString stableUid(const QString &seed)
{
    return QUuid::createUuidV5(QUuid(QStringLiteral("{5b0e6d8e-0c1f-4d2e-9a51-6b3f1c2d7e90}")), seed)
        .toString(QUuid::WithoutBraces);
}

QString shortHash(const QString &seed, int len)
{
    static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
    QByteArray h = QCryptographicHash::hash(seed.toUtf8(), QCryptographicHash::Sha512);
    while (h.size() < len)
        h += QCryptographicHash::hash(h, QCryptographicHash::Sha512);
    QString out;
    for (int i = 0; i < len; ++i)
        out += QLatin1Char(alphabet[quint8(h[i]) % (sizeof(alphabet) - 1)]);
    return out;
}

QJsonObject meta(const QString &ns, const QString &name, const QJsonObject &labels = {})
{
    QJsonObject m {{u"name"_qs, name}};
    if (!ns.isEmpty())
        m.insert(u"namespace", ns);
    if (!labels.isEmpty())
        m.insert(u"labels", labels);
    return m;
}

QJsonObject namespaceObject(const QString &name, const QJsonObject &extraLabels = {})
{
    QJsonObject labels = extraLabels;
    labels.insert(u"kubernetes.io/metadata.name", name);
    return QJsonObject {{u"apiVersion"_qs, u"v1"_qs}, {u"kind"_qs, u"Namespace"_qs},
        {u"metadata"_qs, meta({}, name, labels)},
        {u"spec"_qs, QJsonObject {{u"finalizers"_qs, QJsonArray {u"kubernetes"_qs}}}},
        {u"status"_qs, QJsonObject {{u"phase"_qs, u"Active"_qs}}}};
}

// A container that runs, or (lab fault keepalived-down) one the kubelet keeps restarting.
QJsonObject containerState(const LabPod &pod, const QString &started)
{
    if (pod.waiting.isEmpty())
        return QJsonObject {{u"running"_qs, QJsonObject {{u"startedAt"_qs, started}}}};
    return QJsonObject {{u"waiting"_qs, pod.waiting}};
}

QJsonObject lastState(const LabPod &pod, const QString &started)
{
    if (pod.waiting.isEmpty())
        return {};
    return QJsonObject {{u"terminated"_qs,
        QJsonObject {{u"exitCode"_qs, 1}, {u"reason"_qs, u"Error"_qs}, {u"startedAt"_qs, started},
            {u"finishedAt"_qs, started}}}};
}

} // namespace

QJsonObject LabObjects::nodeObject(const LabNode &node, int index, const QString &clusterName)
{
    const QString workerId
        = QStringLiteral("kube-%1-%2-w%3").arg(shortHash(clusterName, 20), u"default"_qs).arg(index + 1);
    QJsonObject labels {{u"kubernetes.io/hostname"_qs, node.name}, {u"kubernetes.io/os"_qs, u"linux"_qs},
        {u"kubernetes.io/arch"_qs, u"amd64"_qs}, {u"beta.kubernetes.io/os"_qs, u"linux"_qs},
        {u"beta.kubernetes.io/arch"_qs, u"amd64"_qs},
        {u"node.kubernetes.io/instance-type"_qs, u"b3c.4x16"_qs},
        {u"topology.kubernetes.io/region"_qs, u"eu-de"_qs}, {u"topology.kubernetes.io/zone"_qs, u"fra02"_qs},
        {u"ibm-cloud.kubernetes.io/worker-id"_qs, workerId},
        {u"ibm-cloud.kubernetes.io/worker-pool-name"_qs, u"default"_qs},
        {u"ibm-cloud.kubernetes.io/machine-type"_qs, u"b3c.4x16.encrypted"_qs},
        {u"ibm-cloud.kubernetes.io/internal-ip"_qs, node.privateIp},
        {u"ibm-cloud.kubernetes.io/external-ip"_qs, node.publicIp},
        {u"ibm-cloud.kubernetes.io/zone"_qs, u"fra02"_qs},
        {u"ibm-cloud.kubernetes.io/region"_qs, u"eu-de"_qs},
        {u"ibm-cloud.kubernetes.io/os"_qs, u"UBUNTU_24_64"_qs}, {u"publicVLAN"_qs, u"2711001"_qs},
        {u"privateVLAN"_qs, u"2711003"_qs}, {u"arch"_qs, u"amd64"_qs}};
    for (auto it = node.labels.begin(); it != node.labels.end(); ++it)
        labels.insert(it.key(), it.value());
    QJsonArray addresses;
    if (!node.privateIp.isEmpty())
        addresses.append(QJsonObject {{u"type"_qs, u"InternalIP"_qs}, {u"address"_qs, node.privateIp}});
    if (!node.publicIp.isEmpty())
        addresses.append(QJsonObject {{u"type"_qs, u"ExternalIP"_qs}, {u"address"_qs, node.publicIp}});
    addresses.append(QJsonObject {{u"type"_qs, u"Hostname"_qs}, {u"address"_qs, node.privateIp}});
    const QString ts = u"2026-01-01T00:00:00Z"_qs;
    QJsonArray conditions;
    struct Cond {
        const char *type, *status, *reason, *message;
    };
    for (const Cond &c : {Cond {"MemoryPressure", "False", "KubeletHasSufficientMemory",
                              "kubelet has sufficient memory available"},
             Cond {"DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"},
             Cond {"PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"},
             Cond {"Ready", "True", "KubeletReady", "kubelet is posting ready status"}}) {
        conditions.append(QJsonObject {{u"type"_qs, QString::fromLatin1(c.type)},
            {u"status"_qs, QString::fromLatin1(c.status)}, {u"lastHeartbeatTime"_qs, ts},
            {u"lastTransitionTime"_qs, ts}, {u"reason"_qs, QString::fromLatin1(c.reason)},
            {u"message"_qs, QString::fromLatin1(c.message)}});
    }
    const QJsonObject capacity {{u"cpu"_qs, u"4"_qs}, {u"memory"_qs, u"16386852Ki"_qs},
        {u"pods"_qs, u"110"_qs}, {u"ephemeral-storage"_qs, u"101430960Ki"_qs}};
    QJsonObject m = meta({}, node.name, labels);
    m.insert(u"uid", stableUid(u"node/" + node.name));
    m.insert(u"creationTimestamp", ts);
    return QJsonObject {{u"apiVersion"_qs, u"v1"_qs}, {u"kind"_qs, u"Node"_qs}, {u"metadata"_qs, m},
        {u"spec"_qs,
            QJsonObject {{u"providerID"_qs,
                             QString(u"ibm://0123456789abcdef0123456789abcdef///"_qs
                                 + shortHash(clusterName, 20) + u'/' + workerId)},
                {u"podCIDR"_qs, u"192.0.2.0/26"_qs}}},
        {u"status"_qs,
            QJsonObject {{u"addresses"_qs, addresses}, {u"conditions"_qs, conditions},
                {u"capacity"_qs, capacity}, {u"allocatable"_qs, capacity},
                {u"nodeInfo"_qs,
                    QJsonObject {{u"kubeletVersion"_qs, u"v1.32.4+IKS"_qs},
                        {u"kubeProxyVersion"_qs, u"v1.32.4+IKS"_qs},
                        {u"osImage"_qs, u"Ubuntu 24.04.2 LTS"_qs},
                        {u"kernelVersion"_qs, u"6.8.0-60-generic"_qs},
                        {u"containerRuntimeVersion"_qs, u"containerd://1.7.27"_qs},
                        {u"operatingSystem"_qs, u"linux"_qs}, {u"architecture"_qs, u"amd64"_qs},
                        {u"machineID"_qs, shortHash(node.name, 32)},
                        {u"systemUUID"_qs, stableUid(u"sys/" + node.name)},
                        {u"bootID"_qs, stableUid(u"boot/" + node.name)}}}}}};
}

QJsonObject LabObjects::podObject(const LabPod &pod, const LabModel &model)
{
    const bool keepalived = pod.labels.value(u"ibm-cloud-provider-lb-app").toString() == u"keepalived";
    const LabNode *node = model.node(pod.node);
    QJsonObject container {{u"name"_qs, pod.container}, {u"imagePullPolicy"_qs, u"IfNotPresent"_qs},
        {u"terminationMessagePath"_qs, u"/dev/termination-log"_qs},
        {u"terminationMessagePolicy"_qs, u"File"_qs}};
    QJsonObject spec {{u"nodeName"_qs, pod.node}, {u"restartPolicy"_qs, u"Always"_qs},
        {u"dnsPolicy"_qs, pod.hostNetwork ? u"ClusterFirstWithHostNet"_qs : u"ClusterFirst"_qs},
        {u"schedulerName"_qs, u"default-scheduler"_qs}, {u"serviceAccountName"_qs, u"default"_qs},
        {u"terminationGracePeriodSeconds"_qs, 30}};
    QString image;
    QJsonObject meta = ::kubesim::meta(pod.ns, pod.name, pod.labels);
    if (keepalived) {
        image = u"icr.io/armada-master/keepalived:2328"_qs;
        const QString vip = pod.labels.value(u"ibm-cloud-provider-ip").toString().replace(u'-', u'.');
        container.insert(u"env",
            QJsonArray {QJsonObject {{u"name"_qs, u"VIRTUAL_IP"_qs}, {u"value"_qs, vip}},
                QJsonObject {{u"name"_qs, u"FEATURES"_qs}, {u"value"_qs, u""_qs}}});
        container.insert(u"securityContext",
            QJsonObject {{u"runAsUser"_qs, 2000},
                {u"capabilities"_qs,
                    QJsonObject {{u"add"_qs, QJsonArray {u"NET_ADMIN"_qs, u"NET_RAW"_qs}}}}});
        container.insert(u"volumeMounts",
            QJsonArray {QJsonObject {{u"name"_qs, u"status"_qs}, {u"mountPath"_qs, u"/status"_qs}}});
        spec.insert(u"volumes",
            QJsonArray {QJsonObject {{u"name"_qs, u"status"_qs},
                {u"hostPath"_qs, QJsonObject {{u"path"_qs, u"/tmp/keepalived"_qs}, {u"type"_qs, u""_qs}}}}});
        spec.insert(u"priorityClassName", u"ibm-app-cluster-critical"_qs);
        spec.insert(u"serviceAccountName", u"ibm-cloud-provider-lb"_qs);
        spec.insert(u"tolerations",
            QJsonArray {QJsonObject {{u"key"_qs, u"dedicated"_qs}, {u"operator"_qs, u"Exists"_qs}}});
        QString rs = pod.name.section(u'-', 0, -2);
        meta.insert(u"ownerReferences",
            QJsonArray {QJsonObject {{u"apiVersion"_qs, u"apps/v1"_qs}, {u"kind"_qs, u"ReplicaSet"_qs},
                {u"name"_qs, rs}, {u"uid"_qs, stableUid(u"rs/" + rs)}, {u"controller"_qs, true},
                {u"blockOwnerDeletion"_qs, true}}});
    } else {
        image = u"registry.lab.example/lbscope/web:1.0"_qs;
        if (pod.containerPort > 0)
            container.insert(u"ports",
                QJsonArray {
                    QJsonObject {{u"containerPort"_qs, pod.containerPort}, {u"protocol"_qs, u"TCP"_qs}}});
    }
    container.insert(u"image", image);
    spec.insert(u"containers", QJsonArray {container});
    if (pod.hostNetwork)
        spec.insert(u"hostNetwork", true);
    meta.insert(u"uid", pod.uid.isEmpty() ? stableUid(u"pod/" + pod.ns + u'/' + pod.name) : pod.uid);
    const QString started = u"2026-01-01T00:00:05Z"_qs;
    const QString ready = pod.ready ? u"True"_qs : u"False"_qs;
    QJsonArray conditions;
    for (const auto &c :
        {std::pair {u"PodReadyToStartContainers"_qs, u"True"_qs}, {u"Initialized"_qs, u"True"_qs},
            {u"Ready"_qs, ready}, {u"ContainersReady"_qs, ready}, {u"PodScheduled"_qs, u"True"_qs}})
        conditions.append(QJsonObject {
            {u"type"_qs, c.first}, {u"status"_qs, c.second}, {u"lastTransitionTime"_qs, started}});
    const QString podIp = pod.hostNetwork && node ? node->privateIp : pod.ip;
    QJsonObject status {{u"phase"_qs, u"Running"_qs}, {u"conditions"_qs, conditions},
        {u"hostIP"_qs, node ? node->privateIp : QString()},
        {u"hostIPs"_qs, QJsonArray {QJsonObject {{u"ip"_qs, node ? node->privateIp : QString()}}}},
        {u"podIP"_qs, podIp}, {u"podIPs"_qs, QJsonArray {QJsonObject {{u"ip"_qs, podIp}}}},
        {u"startTime"_qs, started}, {u"qosClass"_qs, u"BestEffort"_qs},
        {u"containerStatuses"_qs,
            QJsonArray {QJsonObject {{u"name"_qs, pod.container}, {u"ready"_qs, pod.ready},
                {u"started"_qs, pod.waiting.isEmpty()}, {u"restartCount"_qs, pod.restartCount},
                {u"image"_qs, image}, {u"imageID"_qs, QString(image + u"@sha256:"_qs + shortHash(image, 64))},
                {u"containerID"_qs, QString(u"containerd://"_qs + shortHash(pod.name, 64))},
                {u"state"_qs, containerState(pod, started)}, {u"lastState"_qs, lastState(pod, started)}}}}};
    meta.insert(u"creationTimestamp", u"2026-01-01T00:00:01Z"_qs);
    return QJsonObject {{u"apiVersion"_qs, u"v1"_qs}, {u"kind"_qs, u"Pod"_qs}, {u"metadata"_qs, meta},
        {u"spec"_qs, spec}, {u"status"_qs, status}};
}

QJsonObject LabObjects::serviceObject(const LabService &svc)
{
    QJsonObject port {
        {u"protocol"_qs, u"TCP"_qs}, {u"port"_qs, svc.port}, {u"targetPort"_qs, svc.targetPort}};
    if (svc.nodePort > 0)
        port.insert(u"nodePort", svc.nodePort);
    QJsonObject spec {{u"type"_qs, svc.type}, {u"clusterIP"_qs, svc.clusterIp},
        {u"clusterIPs"_qs, QJsonArray {svc.clusterIp}}, {u"ports"_qs, QJsonArray {port}},
        {u"selector"_qs, svc.selector}, {u"sessionAffinity"_qs, u"None"_qs},
        {u"ipFamilies"_qs, QJsonArray {u"IPv4"_qs}}, {u"ipFamilyPolicy"_qs, u"SingleStack"_qs},
        {u"internalTrafficPolicy"_qs, u"Cluster"_qs}};
    QJsonObject status {{u"loadBalancer"_qs, QJsonObject {}}};
    QJsonObject m = meta(svc.ns, svc.name);
    if (svc.type == u"LoadBalancer") {
        spec.insert(u"externalTrafficPolicy", svc.externalTrafficPolicy);
        spec.insert(u"allocateLoadBalancerNodePorts", true);
        if (svc.externalTrafficPolicy == u"Local")
            spec.insert(u"healthCheckNodePort", 31080);
        if (!svc.vip.isEmpty())
            status.insert(u"loadBalancer",
                QJsonObject {{u"ingress"_qs,
                    QJsonArray {QJsonObject {{u"ip"_qs, svc.vip}, {u"ipMode"_qs, u"VIP"_qs}}}}});
        m.insert(u"annotations",
            QJsonObject {{u"service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type"_qs, u"public"_qs},
                {u"service.kubernetes.io/ibm-load-balancer-cloud-provider-zone"_qs, u"fra02"_qs}});
    }
    m.insert(u"uid", svc.uid.isEmpty() ? stableUid(u"svc/" + svc.ns + u'/' + svc.name) : svc.uid);
    m.insert(u"creationTimestamp", u"2026-01-01T00:00:02Z"_qs);
    return QJsonObject {{u"apiVersion"_qs, u"v1"_qs}, {u"kind"_qs, u"Service"_qs}, {u"metadata"_qs, m},
        {u"spec"_qs, spec}, {u"status"_qs, status}};
}

QJsonObject LabObjects::endpointSliceObject(const LabService &svc, const LabModel &model)
{
    QJsonArray endpoints;
    for (const LabPod &pod : model.pods) {
        if (pod.ns != svc.ns || svc.selector.isEmpty())
            continue;
        bool selected = true;
        for (auto it = svc.selector.begin(); it != svc.selector.end(); ++it)
            selected = selected && pod.labels.value(it.key()) == it.value();
        if (!selected)
            continue;
        const bool ready = svc.endpoints.contains(pod.name);
        const QString uid = pod.uid.isEmpty() ? stableUid(u"pod/" + pod.ns + u'/' + pod.name) : pod.uid;
        endpoints.append(QJsonObject {{u"addresses"_qs, QJsonArray {pod.ip}},
            {u"conditions"_qs,
                QJsonObject {{u"ready"_qs, ready}, {u"serving"_qs, ready}, {u"terminating"_qs, false}}},
            {u"nodeName"_qs, pod.node}, {u"zone"_qs, u"fra02"_qs},
            {u"targetRef"_qs,
                QJsonObject {{u"kind"_qs, u"Pod"_qs}, {u"namespace"_qs, pod.ns}, {u"name"_qs, pod.name},
                    {u"uid"_qs, uid}}}});
    }
    const QString svcUid = svc.uid.isEmpty() ? stableUid(u"svc/" + svc.ns + u'/' + svc.name) : svc.uid;
    QJsonObject m = meta(svc.ns, svc.name + u'-' + shortHash(svc.ns + svc.name, 5),
        QJsonObject {{u"kubernetes.io/service-name"_qs, svc.name},
            {u"endpointslice.kubernetes.io/managed-by"_qs, u"endpointslice-controller.k8s.io"_qs}});
    m.insert(u"generateName", QString(svc.name + u'-'));
    m.insert(u"ownerReferences",
        QJsonArray {
            QJsonObject {{u"apiVersion"_qs, u"v1"_qs}, {u"kind"_qs, u"Service"_qs}, {u"name"_qs, svc.name},
                {u"uid"_qs, svcUid}, {u"controller"_qs, true}, {u"blockOwnerDeletion"_qs, true}}});
    return QJsonObject {{u"apiVersion"_qs, u"discovery.k8s.io/v1"_qs}, {u"kind"_qs, u"EndpointSlice"_qs},
        {u"metadata"_qs, m}, {u"addressType"_qs, u"IPv4"_qs}, {u"endpoints"_qs, endpoints},
        {u"ports"_qs,
            QJsonArray {QJsonObject {
                {u"name"_qs, u""_qs}, {u"port"_qs, svc.targetPort}, {u"protocol"_qs, u"TCP"_qs}}}}};
}

QList<QPair<QString, QJsonObject>> LabObjects::build(const LabModel &model)
{
    QList<QPair<QString, QJsonObject>> out;
    for (const char *ns : {"default", "kube-system", "kube-public", "kube-node-lease", "ibm-system"})
        out.append({u"namespaces"_qs, namespaceObject(QString::fromLatin1(ns))});
    out.append({u"namespaces"_qs,
        namespaceObject(QString::fromLatin1(RestrictedNamespace),
            QJsonObject {{u"pod-security.kubernetes.io/enforce"_qs, u"restricted"_qs},
                {u"pod-security.kubernetes.io/enforce-version"_qs, u"latest"_qs}})});
    out.append({u"namespaces"_qs,
        namespaceObject(QString::fromLatin1(BaselineNamespace),
            QJsonObject {{u"pod-security.kubernetes.io/enforce"_qs, u"baseline"_qs}})});
    for (int i = 0; i < model.nodes.size(); ++i)
        out.append({u"nodes"_qs, nodeObject(model.nodes[i], i, model.clusterName)});
    for (const LabPod &p : model.pods)
        out.append({u"pods"_qs, podObject(p, model)});
    for (const LabService &s : model.services) {
        out.append({u"services"_qs, serviceObject(s)});
        out.append({u"endpointslices"_qs, endpointSliceObject(s, model)});
    }
    return out;
}

void LabObjects::sync(const LabModel &model, ObjectStore &store)
{
    QSet<QString> now;
    for (const auto &[resource, obj] : build(model)) {
        const QString ns = Json::metaString(obj, u"namespace"_qs);
        const QString name = Json::metaString(obj, u"name"_qs);
        now.insert(resource + u'|' + ns + u'|' + name);
        // Namespaces created through the API are left alone if they already exist.
        if (resource == u"namespaces" && store.get(resource, ns, name)
            && !m_owned.contains(resource + u"||" + name))
            continue;
        store.upsert(resource, obj);
    }
    for (const QString &k : std::as_const(m_owned)) {
        if (now.contains(k))
            continue;
        const QStringList parts = k.split(u'|');
        store.remove(parts[0], parts[1], parts[2]);
    }
    m_owned = now;
}

} // namespace kubesim
