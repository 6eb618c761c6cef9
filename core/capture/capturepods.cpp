#include "core/capture/capturepods.h"

#ifdef HAVE_LBSCOPE_KUBE
#include "core/kube/debugpod.h"
#include "core/capture/kuberemotehost.h"
#endif

#include <cstdio>

namespace lbs::capture {

std::string keepCapturePod(
    RemoteHost &host, const std::string &pod, int deadlineSec, const std::string &outDir)
{
#ifdef HAVE_LBSCOPE_KUBE
    auto *kube = dynamic_cast<KubeRemoteHost *>(&host);
    if (!kube || pod.empty())
        return {};
    if (pod == kube->podRef())
        kube->pod().release();
    const int deadline = deadlineSec > 0 ? deadlineSec : kube::DebugPodOptions {}.activeDeadlineSeconds;
    char hours[32];
    std::snprintf(hours, sizeof hours, "%.1f", deadline / 3600.0);
    return "the debug pod " + pod
        + " is kept so that tcpdump keeps running; it ends by itself (stopping tcpdump) at its "
          "activeDeadlineSeconds, "
        + std::to_string(deadline) + " s (" + hours
        + " h) after it started. Continue before then with: lbscope-cli capture --attach " + outDir;
#else
    (void)host;
    (void)pod;
    (void)deadlineSec;
    (void)outDir;
    return {};
#endif
}

Result<bool> removeDroppedPod(RemoteHost &host, const std::string &pod)
{
#ifdef HAVE_LBSCOPE_KUBE
    auto *kube = dynamic_cast<KubeRemoteHost *>(&host);
    if (pod.empty() || !kube)
        return false;
    const CancelToken fresh; // also after an abort
    if (auto s = kube->removeOtherPod(pod, fresh); !s)
        return s.error();
    return true;
#else
    (void)host;
    (void)pod;
    return false;
#endif
}

} // namespace lbs::capture
