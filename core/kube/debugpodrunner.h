#pragma once

#include "core/kube/debugpod.h"
#include "core/kube/nodecommandrunner.h"

#include <map>
#include <memory>

namespace lbs::kube {

/// NodeCommandRunner for the locators: one debug pod per node, created on first use and deleted by
/// removeAll() or the destructor. Commands run in the pod over exec (through `chroot /host` with
/// hostTools), with a 60 s limit each.
class DebugPodRunner final : public NodeCommandRunner {
public:
    DebugPodRunner(KubeClient &client, DebugPodOptions base);
    ~DebugPodRunner() override;

    Result<QByteArray> run(const QString &node, const QStringList &argv, const CancelToken &cancel) override;
    /// Starts the pods of all `nodes` that have none yet, concurrently. On a failure nothing is kept and
    /// run() creates pods one by one, reporting the precise error per node.
    void prepare(const QStringList &nodes, const CancelToken &cancel) override;
    QString transport() const override { return QStringLiteral("debug pod"); }
    /// Deletes every pod made so far; returns the first error.
    Status removeAll(const CancelToken &cancel);

private:
    KubeClient &m_client;
    DebugPodOptions m_base;
    std::map<QString, std::unique_ptr<DebugPod>> m_nodes;
};

} // namespace lbs::kube
