#pragma once

#include "core/capture/debugpod.h"
#include "core/capture/kuberemotehost.h"
#include "core/kube/nodecommandrunner.h"

#include <map>

namespace lbs::capture {

/// NodeCommandRunner for the locators: one debug pod per node, created on first use and deleted by
/// removeAll() or the destructor.
class DebugPodRunner final : public kube::NodeCommandRunner {
public:
    DebugPodRunner(kube::KubeClient &client, DebugPodOptions base);
    ~DebugPodRunner() override;

    Result<QByteArray> run(const QString &node, const QStringList &argv, const CancelToken &cancel) override;
    /// Starts the pods of all `nodes` that have none yet, concurrently. On a failure nothing is kept and
    /// run() creates pods one by one, reporting the precise error per node.
    void prepare(const QStringList &nodes, const CancelToken &cancel) override;
    QString transport() const override { return QStringLiteral("debug pod"); }
    /// Deletes every pod made so far; returns the first error.
    Status removeAll(const CancelToken &cancel);

private:
    struct Entry {
        std::unique_ptr<DebugPod> pod;
        std::unique_ptr<KubeRemoteHost> host;
    };
    kube::KubeClient &m_client;
    DebugPodOptions m_base;
    std::map<QString, Entry> m_nodes;
};

} // namespace lbs::capture
