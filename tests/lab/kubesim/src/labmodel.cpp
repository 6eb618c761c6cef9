#include "labmodel.h"

#include "jsonutil.h"

#include <QFile>
#include <QJsonArray>

namespace kubesim {

std::optional<LabModel> LabModel::load(const QString &path, QString *error)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2 (did `tests/lab/lab up` write it?)")
                     .arg(path, f.errorString());
        return std::nullopt;
    }
    QString parseError;
    const QJsonObject root = Json::parseObject(f.readAll(), &parseError);
    if (!parseError.isEmpty()) {
        *error = QStringLiteral("%1: %2").arg(path, parseError);
        return std::nullopt;
    }
    auto model = fromJson(root, &parseError);
    if (!model)
        *error = QStringLiteral("%1: %2").arg(path, parseError);
    return model;
}

std::optional<LabModel> LabModel::fromJson(const QJsonObject &root, QString *error)
{
    LabModel m;
    m.dir = root.value(u"dir").toString();
    m.clusterName = root.value(u"cluster_name").toString(QStringLiteral("lbscope-lab"));
    for (const QJsonValue &v : root.value(u"nodes").toArray()) {
        const QJsonObject o = v.toObject();
        LabNode n;
        n.name = o.value(u"name").toString();
        n.netns = o.value(u"netns").toString();
        n.nodePid = o.value(u"node_pid").toInteger();
        n.privateIp = o.value(u"private_ip").toString();
        n.publicIp = o.value(u"public_ip").toString();
        n.labels = o.value(u"labels").toObject();
        n.sshPort = o.value(u"ssh_port").toInt();
        if (n.name.isEmpty()) {
            *error = QStringLiteral("a node entry has no \"name\"");
            return std::nullopt;
        }
        m.nodes << n;
    }
    for (const QJsonValue &v : root.value(u"pods").toArray()) {
        const QJsonObject o = v.toObject();
        LabPod p;
        p.ns = o.value(u"namespace").toString(QStringLiteral("default"));
        p.name = o.value(u"name").toString();
        p.node = o.value(u"node").toString();
        p.ip = o.value(u"ip").toString();
        p.netns = o.value(u"netns").toString();
        p.labels = o.value(u"labels").toObject();
        p.container = o.value(u"container").toString(p.name);
        p.containerPort = o.value(u"container_port").toInt();
        p.hostNetwork = o.value(u"host_network").toBool();
        p.ready = o.value(u"ready").toBool(true);
        p.restartCount = o.value(u"restart_count").toInt();
        p.waiting = o.value(u"waiting").toObject();
        p.uid = o.value(u"uid").toString();
        if (p.name.isEmpty()) {
            *error = QStringLiteral("a pod entry has no \"name\"");
            return std::nullopt;
        }
        m.pods << p;
    }
    for (const QJsonValue &v : root.value(u"services").toArray()) {
        const QJsonObject o = v.toObject();
        LabService s;
        s.ns = o.value(u"namespace").toString(QStringLiteral("default"));
        s.name = o.value(u"name").toString();
        s.uid = o.value(u"uid").toString();
        s.type = o.value(u"type").toString(QStringLiteral("ClusterIP"));
        s.clusterIp = o.value(u"cluster_ip").toString();
        s.vip = o.value(u"vip").toString();
        s.port = o.value(u"port").toInt();
        s.targetPort = o.value(u"target_port").toInt(s.port);
        s.nodePort = o.value(u"node_port").toInt();
        s.externalTrafficPolicy = o.value(u"external_traffic_policy").toString(QStringLiteral("Cluster"));
        s.selector = o.value(u"selector").toObject();
        for (const QJsonValue &e : o.value(u"endpoints").toArray())
            s.endpoints << e.toString();
        m.services << s;
    }
    return m;
}

const LabNode *LabModel::node(const QString &name) const
{
    for (const LabNode &n : nodes) {
        if (n.name == name)
            return &n;
    }
    return nullptr;
}

const LabPod *LabModel::pod(const QString &ns, const QString &name) const
{
    for (const LabPod &p : pods) {
        if (p.ns == ns && p.name == name)
            return &p;
    }
    return nullptr;
}

} // namespace kubesim
