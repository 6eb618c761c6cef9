#pragma once
// What the cluster workbench hands to a capture: where to capture and why there. The capture page
// takes it from ClusterView::captureRequested.

#include "ui/cluster/clustersettings.h"

#include <QString>

#include <optional>

namespace lbs::ui {

struct CaptureTarget {
    QString kubeconfig; ///< the kubeconfig file given with --kubeconfig (empty: KUBECONFIG, ~/.kube/config)
    QString context; ///< kubeconfig context
    QString nameSpace; ///< of the service
    QString service;
    QString vip;
    QString node;
    QString iface;
    QString role; ///< what the interface serves ("holds the VIP", "pod default/web-1", ...)
    QString debugImage; ///< the debug pod image chosen for this cluster (empty: the default)
    QString pullSecret; ///< its image pull secret (empty: none)
    /// Set when the workbench's SSH dialog chose SSH for captures: the capture page starts with it.
    std::optional<SshEndpointChoice> ssh;

    bool isValid() const { return !node.isEmpty() && !iface.isEmpty(); }
    /// "eth1 on lab-node-1 (holds the VIP)"
    QString describe() const
    {
        return role.isEmpty() ? QStringLiteral("%1 on %2").arg(iface, node)
                              : QStringLiteral("%1 on %2 (%3)").arg(iface, node, role);
    }
    bool operator==(const CaptureTarget &) const = default;
};

} // namespace lbs::ui
