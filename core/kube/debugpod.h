#pragma once
// A privileged host-network debug pod pinned to one node (docs/protocol-notes.md, "Debug pod lifecycle",
// docs/domain-notes.md, "Debug pods on nodes"): created in a namespace that allows it, watched until Running
// with fast, specific failures, and always deleted (RAII guard + explicit remove()). Leftovers are found by
// label and removed by cleanupLeftovers().

#include "core/common/canceltoken.h"
#include "core/kube/kubeclient.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <memory>
#include <utility>
#include <vector>

namespace lbs::kube {

/// Labels and annotations every lbscope debug pod carries.
inline constexpr const char *kManagedByLabel = "app.kubernetes.io/managed-by";
inline constexpr const char *kManagedByValue = "lbscope";
inline constexpr const char *kDefaultDebugImage = "docker.io/nicolaka/netshoot:latest";

/// How to make the pod.
struct DebugPodOptions {
    QString node;
    QString nameSpace
        = QStringLiteral("lbscope"); ///< created (privileged PSA labels) when missing and allowed
    bool createNamespace = true;
    QString image = QString::fromLatin1(kDefaultDebugImage);
    QString imagePullSecret; ///< name of a docker-registry Secret in `nameSpace` (private registries)
    bool hostTools = false; ///< run commands with `chroot /host` (the node's own tcpdump)
    QString hostPathDir
        = QStringLiteral("/var/tmp/lbscope"); ///< mounted at the same path; files survive the pod
    int activeDeadlineSeconds = 4 * 3600; ///< safety net if lbscope dies
    int readyTimeoutMs = 180000;
    QString owner; ///< user@host; defaults to the local user and host name
    QString session; ///< groups the pods of one capture; random when empty
};

/// A running debug pod. Deleted by the destructor unless release()d; remove() deletes it explicitly
/// and reports errors. The KubeClient must outlive the DebugPod.
class DebugPod {
public:
    /// Ensures the namespace, creates the pod and waits until its container runs. On any failure
    /// (including cancel) the pod is deleted before returning.
    static Result<std::unique_ptr<DebugPod>> create(
        KubeClient &client, const DebugPodOptions &options, const CancelToken &cancel);
    /// Like create() for several nodes at once: every pod is POSTed first, then each is awaited, so
    /// the start-up times overlap. On any failure every pod made so far is deleted.
    static Result<std::vector<std::unique_ptr<DebugPod>>> createMany(KubeClient &client,
        const DebugPodOptions &options, const QStringList &nodes, const CancelToken &cancel);
    /// An existing pod (what `kubectl cp` works on), used as it is and never deleted: commands run in
    /// `container` (empty: the kubectl.kubernetes.io/default-container annotation, else the first one).
    /// Fails with a specific message when the pod is missing, not Running or has no such container.
    static Result<std::unique_ptr<DebugPod>> attach(KubeClient &client, const QString &nameSpace,
        const QString &name, const QString &container, const CancelToken &cancel);
    ~DebugPod();
    DebugPod(const DebugPod &) = delete;
    DebugPod &operator=(const DebugPod &) = delete;

    /// Deletes the pod (grace period 1 s) and waits (bounded) until the API no longer has it.
    Status remove(const CancelToken &cancel);
    /// Deletes the existing debug pod nameSpace/name (one a dropped session left behind) as remove()
    /// does; refuses a pod that does not carry app.kubernetes.io/managed-by=lbscope. Gone already = ok.
    static Status removeExisting(
        KubeClient &client, const QString &nameSpace, const QString &name, const CancelToken &cancel);
    /// Keeps the pod: the destructor will not delete it.
    void release() { m_removed = true; }

    QString name() const { return m_name; }
    QString nameSpace() const { return m_nameSpace; }
    QString node() const { return m_node; }
    QString container() const { return m_container; }
    bool attached() const { return m_attached; } ///< an existing pod (attach()), not one we made
    QString image() const { return m_image; }
    bool hostTools() const { return m_hostTools; }
    KubeClient &client() { return m_client; }

    /// The pod object POSTed for `options` (public for tests).
    static QJsonObject podSpec(const DebugPodOptions &options);

private:
    DebugPod(
        KubeClient &client, QString nameSpace, QString name, QString node, QString image, bool hostTools);
    Status waitRunning(const QString &resourceVersion, int timeoutMs, const CancelToken &cancel);
    /// POSTs the pod (the namespace must exist); the returned pod is not running yet.
    static Result<std::pair<std::unique_ptr<DebugPod>, QString>> post(
        KubeClient &client, const DebugPodOptions &options, const CancelToken &cancel);

    KubeClient &m_client;
    QString m_nameSpace;
    QString m_name;
    QString m_node;
    QString m_image;
    bool m_hostTools = false;
    bool m_removed = false;
    bool m_attached = false;
    QString m_container = QStringLiteral("debug");
};

/// Makes sure `nameSpace` exists. Creates it with pod-security.kubernetes.io/{enforce,audit,warn}=privileged
/// (and the OpenShift label-sync opt-out) when missing; `notes` receives what was done.
Status ensureDebugNamespace(KubeClient &client, const QString &nameSpace, bool create,
    const CancelToken &cancel, QStringList *notes = nullptr);

/// What cleanup found and did.
struct CleanupReport {
    QStringList deleted; ///< ns/name
    QStringList failed; ///< "ns/name: reason"
    QStringList kept; ///< "ns/name (owner, phase)": someone else's pod that is still running
    /// {"deleted": [...], "failed": [...], "kept": [...]}
    QJsonObject toJson() const;
};

/// Finds pods labelled app.kubernetes.io/managed-by=lbscope in every namespace (or `nameSpace`) and
/// deletes those whose lbscope/owner annotation is `owner` (this user on this machine) and those that
/// have ended (phase Failed or Succeeded, e.g. past their deadline), as docs/protocol-notes.md, "Debug pod
/// lifecycle" says. A running pod of another owner may be a colleague's capture in progress: it is kept
/// unless `all`.
Result<CleanupReport> cleanupLeftovers(
    KubeClient &client, const QString &nameSpace, const QString &owner, bool all, const CancelToken &cancel);

/// "user@host" of this process.
QString localOwner();

/// The debug pod's activeDeadlineSeconds for a capture of `durationSec` (0 = until stopped): the
/// capture plus an hour for stopping and downloading, never less than the 4 h default; 12 h for an
/// open-ended capture. Past it Kubernetes kills the pod (and tcpdump); the files stay on the node.
int podDeadlineFor(double durationSec);
inline constexpr int kOpenEndedPodDeadlineSec = 12 * 3600;

} // namespace lbs::kube
