#pragma once
// kubesim: the lab as the network side describes it in $LBSCOPE_LAB_DIR/lab.json (tests/lab/README.md),
// parsed into plain structs.

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

namespace kubesim {

struct LabNode {
    QString name;
    QString netns;
    qint64 nodePid = 0;
    QString privateIp;
    QString publicIp;
    QJsonObject labels;
    int sshPort = 0;
};

struct LabPod {
    QString ns;
    QString name;
    QString node;
    QString ip;
    QString netns;
    QJsonObject labels;
    QString container;
    int containerPort = 0;
    bool hostNetwork = false;
    bool ready = true;
    QString uid;
    int restartCount = 0;
    QJsonObject waiting; ///< {reason, message}: the container is not running (CrashLoopBackOff)
};

struct LabService {
    QString ns;
    QString name;
    QString uid;
    QString type;
    QString clusterIp;
    QString vip;
    int port = 0;
    int targetPort = 0;
    int nodePort = 0;
    QString externalTrafficPolicy;
    QJsonObject selector;
    QStringList endpoints;
};

struct LabModel {
    QString dir;
    QString clusterName;
    QList<LabNode> nodes;
    QList<LabPod> pods;
    QList<LabService> services;

    /// Reads lab.json; on failure returns nothing and sets *error naming the file and the problem.
    static std::optional<LabModel> load(const QString &path, QString *error);
    static std::optional<LabModel> fromJson(const QJsonObject &root, QString *error);
    const LabNode *node(const QString &name) const;
    const LabPod *pod(const QString &ns, const QString &name) const;
};

} // namespace kubesim
