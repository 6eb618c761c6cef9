#pragma once
// kubesim: hostPath volumes of API-created pods, resolved to the node view of the lab.
//   - mountPath == hostPath.path (e.g. /var/tmp/lbscope): nothing to do, the node view already shows it.
//   - any other mountPath (e.g. hostPath "/" at "/host"): the container runs in a private mount namespace
//     inside the node view, chrooted into a tmpfs under $LBSCOPE_LAB_DIR/nodes/<node>/pods/<uid>/root that
//     holds recursive binds of the view's top-level directories plus each volume at its mountPath. Nothing
//     is created outside the lab directory; exec then enters the main process's mount namespace and root.
//   - type DirectoryOrCreate creates the directory only under a node's /tmp or /var/tmp (in the lab dir).

#include "labmodel.h"

#include <QJsonObject>
#include <QStringList>

namespace kubesim {

class PodVolumes {
public:
    /// Checks and creates (DirectoryOrCreate) the pod's hostPath directories on the node; on failure returns
    /// false with an error in the kubelet's FailedMount style.
    static bool prepare(const QJsonObject &pod, const LabNode &node, const QString &labDir, QString *error);
    /// True when some hostPath volume is mounted at a path other than its own.
    static bool needsSandbox(const QJsonObject &pod);
    /// The argv to put between the node-view prefix and the container's argv for a sandboxed pod.
    static QStringList sandboxArgs(const QJsonObject &pod, const LabNode &node, const QString &labDir);
    /// Where the pod's root directory lives: $LBSCOPE_LAB_DIR/nodes/<node>/pods/<uid>/root.
    static QString podRoot(const QJsonObject &pod, const LabNode &node, const QString &labDir);
    /// The directory of the node's /tmp or /var/tmp on the host for a node path, or empty if it is neither.
    static QString hostPathOf(const QString &nodePath, const LabNode &node, const QString &labDir);
};

} // namespace kubesim
