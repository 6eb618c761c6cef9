#pragma once

#include "core/capture/debugpod.h"
#include "core/capture/remotehost.h"

namespace lbs::capture {

/// RemoteHost over exec (WebSocket) in a debug pod on the node. The pod runs with hostNetwork and
/// hostPID, so `ip`, `tcpdump` and `kill` act on the node; with hostTools every command runs through
/// `chroot /host` (the node's own binaries). One thread at a time (the KubeClient is not thread-safe).
class KubeRemoteHost final : public RemoteHost {
public:
    /// `pod` must outlive this object.
    explicit KubeRemoteHost(DebugPod &pod);

    Result<CommandResult> run(const std::vector<std::string> &argv, const CancelToken &cancel,
        const RunOptions &options = {}) override;
    Result<CommandResult> stream(const std::vector<std::string> &argv, const ByteSink &onStdout,
        const CancelToken &cancel, const RunOptions &options = {}) override;
    std::string describe() const override;
    std::string nodeName() const override;
    std::string transportName() const override { return "kube"; }

private:
    Result<CommandResult> exec(const std::vector<std::string> &argv, const ByteSink *onStdout,
        const CancelToken &cancel, const RunOptions &options);
    DebugPod &m_pod;
};

} // namespace lbs::capture
