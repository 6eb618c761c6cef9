#include "core/kube/kubevipstrategy.h"

#include "core/kube/probestrategy.h"

#include <QDateTime>
#include <QTimeZone>

#include <algorithm>
#include <utility>

namespace lbs::kube::locator {
namespace {

// Kubernetes Time / MicroTime ("2026-01-02T03:04:05Z", "2026-01-02T03:04:05.123456Z"), UTC.
QDateTime parseKubeTime(const QString &text)
{
    QDateTime t = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!t.isValid() && text.size() >= 19) {
        t = QDateTime::fromString(text.left(19), Qt::ISODate);
        t.setTimeZone(QTimeZone::utc());
    }
    return t.toUTC();
}

// The first kube-vip lease of `names` (namespace, name) that exists and has a holder.
struct KubeVipLease {
    QString ref; // namespace/name
    QString holder;
    bool expired = false; // renewTime + leaseDurationSeconds is in the past
    qint64 expiredForS = 0;
};

KubeVipLease readKubeVipLease(LocatorContext &ctx, LocateResult &r,
    const QList<std::pair<QString, QString>> &names, const CancelToken &cancel)
{
    KubeVipLease out;
    QStringList missing;
    for (const auto &[ns, name] : names) {
        const QString ref = ns + QLatin1Char('/') + name;
        auto lease = ctx.client.get(QStringLiteral("/apis/coordination.k8s.io/v1/namespaces/%1/leases/%2")
                                        .arg(pathSegment(ns), pathSegment(name)),
            cancel);
        if (!lease) {
            if (lease.error().kind == ErrorKind::NotFound)
                missing << ref;
            else
                r.evidence
                    << QStringLiteral("kube-vip lease %1 unreadable: %2").arg(ref, errText(lease.error()));
            continue;
        }
        const QJsonObject spec = lease->value(QStringLiteral("spec")).toObject();
        const QString holder = spec.value(QStringLiteral("holderIdentity")).toString();
        if (holder.isEmpty()) {
            r.evidence << QStringLiteral("kube-vip lease %1 has no holder").arg(ref);
            continue;
        }
        out.ref = ref;
        out.holder = holder;
        const QString renewText = spec.value(QStringLiteral("renewTime"))
                                      .toString(spec.value(QStringLiteral("acquireTime")).toString());
        const QDateTime renewed = parseKubeTime(renewText);
        const int durationS = spec.value(QStringLiteral("leaseDurationSeconds")).toInt();
        if (!renewed.isValid() || durationS <= 0) {
            r.evidence << QStringLiteral(
                "lease %1 held by %2 (no renewTime/leaseDurationSeconds: whether it is current is unknown)")
                              .arg(ref, holder);
            break;
        }
        const qint64 pastEnd = renewed.addSecs(durationS).secsTo(QDateTime::currentDateTimeUtc());
        out.expired = pastEnd > 0;
        out.expiredForS = pastEnd;
        r.evidence << (out.expired
                ? QStringLiteral(
                    "lease %1 names %2 but expired %3 s ago (renewed %4, leaseDurationSeconds %5)")
                      .arg(ref, holder)
                      .arg(pastEnd)
                      .arg(renewText)
                      .arg(durationS)
                : QStringLiteral("lease %1 held by %2 (renewed %3, leaseDurationSeconds %4)")
                      .arg(ref, holder, renewText)
                      .arg(durationS));
        break;
    }
    if (out.holder.isEmpty() && !missing.isEmpty())
        r.evidence << QStringLiteral("no kube-vip lease found (looked for %1)")
                          .arg(missing.join(QStringLiteral(", ")));
    return out;
}

} // namespace

Status KubeVipStrategy::locate(LocatorContext &ctx, LocateResult &r, const LoadBalancerService &svc,
    const CancelToken &cancel, bool &found)
{
    const QString annotated = svc.annotations.value(QStringLiteral("kube-vip.io/vipHost"));
    const bool looksKubeVip = !annotated.isEmpty()
        || svc.loadBalancerClass.startsWith(QLatin1String("kube-vip"))
        || std::any_of(svc.annotations.keyBegin(), svc.annotations.keyEnd(),
            [](const QString &k) { return k.startsWith(QLatin1String("kube-vip.io/")); });
    if (!looksKubeVip)
        return Ok {};
    if (!annotated.isEmpty())
        r.evidence << QStringLiteral("service annotation kube-vip.io/vipHost=%1").arg(annotated);

    // kube-vip's leases (pkg/lease): per-service `kubevip-<service>` in the service's namespace, or the
    // kube-vip.io/leaseName annotation ("name" or "namespace/name"); global election: plndr-svcs-lock.
    QList<std::pair<QString, QString>> leaseNames;
    const QString custom = svc.annotations.value(QStringLiteral("kube-vip.io/leaseName"));
    if (custom.contains(QLatin1Char('/')))
        leaseNames.append({custom.section(QLatin1Char('/'), 0, 0), custom.section(QLatin1Char('/'), 1)});
    else if (!custom.isEmpty())
        leaseNames.append({svc.nameSpace, custom});
    else
        leaseNames.append({svc.nameSpace, QStringLiteral("kubevip-") + svc.name});
    leaseNames.append({QStringLiteral("kube-system"), QStringLiteral("plndr-svcs-lock")});
    const KubeVipLease lease = readKubeVipLease(ctx, r, leaseNames, cancel);

    QStringList candidates;
    bool trusted = false;
    if (!lease.holder.isEmpty() && lease.expired) {
        r.problems << QStringLiteral(
            "kube-vip lease %1 expired %2 s ago: no kube-vip instance renews it, so its holder %3%4 is not "
            "trusted as the VIP node")
                          .arg(lease.ref)
                          .arg(lease.expiredForS)
                          .arg(lease.holder,
                              annotated.isEmpty() || annotated == lease.holder
                                  ? QString()
                                  : QStringLiteral(" (nor the annotation's %1)").arg(annotated));
        candidates << lease.holder;
        if (!annotated.isEmpty() && annotated != lease.holder)
            candidates << annotated;
    } else if (!lease.holder.isEmpty() && !annotated.isEmpty() && annotated != lease.holder) {
        r.problems << QStringLiteral(
            "kube-vip disagrees with itself: annotation kube-vip.io/vipHost=%1 but lease %2 is held by %3 "
            "(one of them is stale, e.g. after a failover)%4")
                          .arg(annotated, lease.ref, lease.holder,
                              ctx.runner ? QStringLiteral("; both nodes are checked")
                                         : QStringLiteral("; neither is trusted without node access"));
        candidates << lease.holder << annotated;
    } else {
        const QString holder = lease.holder.isEmpty() ? annotated : lease.holder;
        if (holder.isEmpty())
            return Ok {};
        candidates << holder;
        trusted = true;
    }
    if (!annotated.isEmpty())
        r.claims.append({ProviderClaim::Annotation,
            QStringLiteral("annotation kube-vip.io/vipHost of %1/%2").arg(svc.nameSpace, svc.name), annotated,
            false, {}});
    if (!lease.holder.isEmpty())
        r.claims.append(
            {ProviderClaim::Lease, QStringLiteral("lease ") + lease.ref, lease.holder, lease.expired,
                lease.expired ? QStringLiteral("expired %1 s ago").arg(lease.expiredForS)
                              : QStringLiteral("current")});
    found = true;
    r.method = QStringLiteral("kube-vip");
    r.candidateNodes << candidates;
    if (!ctx.runner) {
        if (trusted)
            r.holders << candidates.first();
        else
            r.evidence << QStringLiteral("holder not confirmed: no node access to run `ip -j addr` on %1")
                              .arg(candidates.join(QStringLiteral(", ")));
        return Ok {};
    }
    return probeNodes(ctx, r, r.candidateNodes, cancel);
}

} // namespace lbs::kube::locator
