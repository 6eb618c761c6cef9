// warning-events: recent Warning events about the service and the pods it selects.
#include "core/checks/checkcatalogue.h"
#include "core/checks/checkhelpers.h"

#include <QSet>

#include <algorithm>

namespace lbs::checks {
namespace {

QDateTime eventTime(const QJsonObject &e)
{
    const QString series
        = e.value(QStringLiteral("series")).toObject().value(QStringLiteral("lastObservedTime")).toString();
    for (const QString &t : {e.value(QStringLiteral("lastTimestamp")).toString(), series,
             e.value(QStringLiteral("eventTime")).toString(),
             e.value(QStringLiteral("firstTimestamp")).toString(),
             e.value(QStringLiteral("metadata"))
                 .toObject()
                 .value(QStringLiteral("creationTimestamp"))
                 .toString()}) {
        const QDateTime d = kubeTime(t);
        if (d.isValid())
            return d;
    }
    return {};
}

} // namespace

void checkWarningEvents(CheckContext &ctx, CheckResult &r)
{
    const CheckInput &in = ctx.input;
    QSet<QString> pods;
    if (!in.svc.selector.isEmpty()) {
        auto selected = selectedPods(ctx, nullptr);
        if (!selected) {
            readFailed(r, QStringLiteral("the pods of %1").arg(serviceRef(in)), selected.error());
            return;
        }
        for (const QJsonValue &v : *selected)
            pods.insert(podName(v.toObject()));
    }
    r.evidence << QStringLiteral(
        "read the Warning events of the last %1 min about service %2 and its %3 pod(s) "
        "(kubectl -n %4 get events --field-selector type=Warning)")
                      .arg(in.eventWindowMinutes)
                      .arg(serviceRef(in))
                      .arg(pods.size())
                      .arg(in.nameSpace);
    QUrlQuery q;
    kube::addQueryValue(q, QStringLiteral("fieldSelector"), QStringLiteral("type=Warning"));
    auto events = ctx.client.list(
        QStringLiteral("/api/v1/namespaces/%1/events").arg(kube::pathSegment(in.nameSpace)), ctx.cancel, q);
    if (!events) {
        readFailed(r, QStringLiteral("the events of namespace %1").arg(in.nameSpace), events.error());
        return;
    }
    const QDateTime since = QDateTime::currentDateTimeUtc().addSecs(-60LL * in.eventWindowMinutes);
    struct Seen {
        QDateTime when;
        QString line;
    };
    QList<Seen> seen;
    for (const QJsonValue &v : *events) {
        const QJsonObject e = v.toObject();
        if (e.value(QStringLiteral("type")).toString() != QLatin1String("Warning"))
            continue;
        const QJsonObject obj = e.value(QStringLiteral("involvedObject")).toObject();
        const QString kind = obj.value(QStringLiteral("kind")).toString();
        const QString name = obj.value(QStringLiteral("name")).toString();
        const bool about = (kind == QLatin1String("Service") && name == in.service)
            || (kind == QLatin1String("Pod") && pods.contains(name));
        const QDateTime when = eventTime(e);
        if (!about || !when.isValid() || when < since)
            continue;
        const int count = std::max(e.value(QStringLiteral("count")).toInt(),
            e.value(QStringLiteral("series")).toObject().value(QStringLiteral("count")).toInt());
        seen << Seen {when,
            QStringLiteral("  %1 %2 %3 %4: %5%6")
                .arg(when.toString(Qt::ISODate), kind, name, e.value(QStringLiteral("reason")).toString(),
                    e.value(QStringLiteral("message")).toString().simplified().left(240),
                    count > 1 ? QStringLiteral(" (x%1)").arg(count) : QString())};
    }
    std::sort(seen.begin(), seen.end(), [](const Seen &a, const Seen &b) { return a.when > b.when; });
    if (seen.isEmpty()) {
        r.evidence << QStringLiteral("none");
        r.pass();
        return;
    }
    for (int i = 0; i < seen.size() && i < 10; ++i)
        r.evidence << seen[i].line;
    if (seen.size() > 10)
        r.evidence << QStringLiteral("  … and %1 more").arg(seen.size() - 10);
    r.warn(
        QStringLiteral("read what Kubernetes reported (newest first above): a failing readiness probe, a "
                       "crash loop or a load balancer error usually explains the symptom before any capture. "
                       "More: kubectl -n %1 describe svc %2; kubectl -n %1 describe pod POD")
            .arg(in.nameSpace, in.service));
}

} // namespace lbs::checks
