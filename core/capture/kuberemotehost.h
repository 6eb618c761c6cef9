#pragma once

#include "core/capture/remotehost.h"
#include "core/kube/debugpod.h"

namespace lbs::capture {

/// RemoteHost over exec (WebSocket) in a debug pod on the node. The pod runs with hostNetwork and
/// hostPID, so `ip`, `tcpdump` and `kill` act on the node; with hostTools every command runs through
/// `chroot /host` (the node's own binaries). One thread at a time (the KubeClient is not thread-safe).
class KubeRemoteHost final : public RemoteHost {
public:
    /// `pod` must outlive this object.
    explicit KubeRemoteHost(kube::DebugPod &pod);
    /// Creates a debug pod on `options.node` and returns a host that owns the client and the pod; the pod
    /// is deleted when the host is destroyed (or earlier with close()).
    static Result<std::unique_ptr<KubeRemoteHost>> open(std::unique_ptr<kube::KubeClient> client,
        const kube::DebugPodOptions &options, const CancelToken &cancel);
    /// A host over an existing pod (`fetch --pod`): commands run in its container, nothing is created
    /// or deleted. Owns the client.
    static Result<std::unique_ptr<KubeRemoteHost>> attach(std::unique_ptr<kube::KubeClient> client,
        const QString &nameSpace, const QString &pod, const QString &container, const CancelToken &cancel);
    ~KubeRemoteHost() override;
    /// Deletes an owned debug pod now and reports errors (the destructor would do it silently).
    Status close(const CancelToken &cancel);
    kube::DebugPod &pod() { return m_pod; }
    /// "namespace/name" of the debug pod.
    std::string podRef() const;
    /// Deletes another lbscope debug pod given as "namespace/name" (left behind by a dropped session);
    /// this host's own pod is never deleted here.
    Status removeOtherPod(const std::string &ref, const CancelToken &cancel);

    Result<CommandResult> run(const std::vector<std::string> &argv, const CancelToken &cancel,
        const RunOptions &options = {}) override;
    Result<CommandResult> stream(const std::vector<std::string> &argv, const ByteSink &onStdout,
        const CancelToken &cancel, const RunOptions &options = {}) override;
    std::string describe() const override;
    std::string nodeName() const override;
    std::string transportName() const override { return "kube"; }
    std::string missingToolHint(const std::string &tool) const override;
    /// "/host" + path in a debug pod running the image's tools (the node's root is mounted there);
    /// the path itself with --host-tcpdump (chroot /host) and in an attached pod (its own files).
    std::string nodePath(const std::string &path) const override;

private:
    Result<CommandResult> exec(const std::vector<std::string> &argv, const ByteSink *onStdout,
        const CancelToken &cancel, const RunOptions &options);
    // Destroyed in reverse order: the pod (deleted through the client) before the client.
    std::unique_ptr<kube::KubeClient> m_ownedClient;
    std::unique_ptr<kube::DebugPod> m_ownedPod;
    kube::DebugPod &m_pod;
};

} // namespace lbs::capture
