#pragma once

#include "core/common/canceltoken.h"
#include "core/common/error.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace lbs::kube {

/// Runs a read-only command (argv, no shell) on a node and returns its stdout. core/kube cannot reach
/// nodes itself: core/capture implements this over debug pods (or SSH) for the locators.
class NodeCommandRunner {
public:
    virtual ~NodeCommandRunner() = default;
    /// stdout of argv on `node`; a non-zero exit is an Error naming the node and the command.
    virtual Result<QByteArray> run(const QString &node, const QStringList &argv, const CancelToken &cancel)
        = 0;
    /// Called with every node about to be used, so that access can be set up in parallel (debug pods
    /// start concurrently). Failures are reported by run() later.
    virtual void prepare(const QStringList &nodes, const CancelToken &cancel)
    {
        Q_UNUSED(nodes);
        Q_UNUSED(cancel);
    }
    /// "debug pod" / "ssh": how the commands reach the node, for evidence lines.
    virtual QString transport() const = 0;
};

} // namespace lbs::kube
