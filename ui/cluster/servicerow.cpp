#include "servicerow.h"

#include <algorithm>

namespace lbs::ui {

QString providerOf(const kube::LoadBalancerService &service)
{
    const auto hasPrefix = [&](QLatin1String prefix) {
        const auto keys = service.annotations.keys();
        return std::any_of(keys.begin(), keys.end(), [&](const QString &k) { return k.startsWith(prefix); });
    };
    const QString &cls = service.loadBalancerClass;
    if (hasPrefix(QLatin1String("service.kubernetes.io/ibm-load-balancer-cloud-provider")))
        return QStringLiteral("IBM keepalived");
    if (hasPrefix(QLatin1String("metallb.universe.tf/")) || hasPrefix(QLatin1String("metallb.io/"))
        || cls.contains(QLatin1String("metallb")))
        return QStringLiteral("MetalLB");
    if (hasPrefix(QLatin1String("kube-vip.io/")) || cls.startsWith(QLatin1String("kube-vip")))
        return QStringLiteral("kube-vip");
    if (!cls.isEmpty())
        return QStringLiteral("cloud (%1)").arg(cls);
    return {};
}

} // namespace lbs::ui
