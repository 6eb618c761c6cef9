#pragma once
// What the troubleshooting wizard's pages hand on to each other: the cluster connection, the chosen
// service and where its VIP lives, the checks' results, the capture request the plan made, and the
// capture directory the download filled.

#include "core/capture/captureworkflow.h"
#include "core/checks/checkresult.h"
#include "core/kube/kubeconfigloader.h"
#include "core/kube/loadbalancerlocator.h"
#include "ui/cluster/capturetarget.h"

#include <QList>
#include <QString>

namespace lbs::ui {

struct WizardState {
    kube::KubeConfigSource source = kube::KubeConfigSource::fromEnvironment();
    QString context; ///< the connected context
    QString server; ///< its API server URL
    QString serviceKey; ///< "namespace/name"
    kube::LocateResult location; ///< where the VIP lives (the service page's picture)
    CaptureTarget target; ///< the interface chosen on the picture (or the VIP's)
    QList<checks::CheckResult> checks;
    capture::CaptureRequest request; ///< what the plan page made
    QString label; ///< what the capture is of, for the viewer's tab
    QString outDir; ///< the capture directory once downloaded
    bool probeNodes = true; ///< locate with `ip -j addr` in probe pods (false: the API's evidence only)
};

} // namespace lbs::ui
