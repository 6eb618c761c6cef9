#include "core/checks/checkhelpers.h"

#include <QTimeZone>

namespace lbs::checks {

QString selectorText(const QMap<QString, QString> &selector)
{
    QStringList parts;
    for (auto it = selector.begin(); it != selector.end(); ++it)
        parts << it.key() + QLatin1Char('=') + it.value();
    return parts.join(QLatin1Char(','));
}

Result<QJsonArray> selectedPods(CheckContext &ctx, QString *how)
{
    const QString sel = selectorText(ctx.input.svc.selector);
    if (how)
        *how = QStringLiteral("kubectl -n %1 get pods -l %2").arg(ctx.input.nameSpace, sel);
    QUrlQuery q;
    kube::addQueryValue(q, QStringLiteral("labelSelector"), sel);
    return ctx.client.list(
        QStringLiteral("/api/v1/namespaces/%1/pods").arg(kube::pathSegment(ctx.input.nameSpace)), ctx.cancel,
        q);
}

QString podName(const QJsonObject &pod)
{
    return pod.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("name")).toString();
}

QString podNode(const QJsonObject &pod)
{
    return pod.value(QStringLiteral("spec")).toObject().value(QStringLiteral("nodeName")).toString();
}

QString podPhase(const QJsonObject &pod)
{
    return pod.value(QStringLiteral("status")).toObject().value(QStringLiteral("phase")).toString();
}

QString podState(const QJsonObject &pod)
{
    QString out = podPhase(pod);
    if (out.isEmpty())
        out = QStringLiteral("no phase");
    const bool ready = podReady(pod);
    out += ready ? QStringLiteral(", ready") : QStringLiteral(", NOT ready");
    for (const QJsonValue &v :
        pod.value(QStringLiteral("status")).toObject().value(QStringLiteral("containerStatuses")).toArray()) {
        const QJsonObject cs = v.toObject();
        const QJsonObject waiting
            = cs.value(QStringLiteral("state")).toObject().value(QStringLiteral("waiting")).toObject();
        const QString reason = waiting.value(QStringLiteral("reason")).toString();
        if (!reason.isEmpty()) {
            const QString msg = waiting.value(QStringLiteral("message")).toString();
            out += QStringLiteral(": container %1 %2%3")
                       .arg(cs.value(QStringLiteral("name")).toString(), reason,
                           msg.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(msg.left(160)));
        }
        const int restarts = cs.value(QStringLiteral("restartCount")).toInt();
        if (restarts > 0)
            out += QStringLiteral(", %1 restart%2")
                       .arg(restarts)
                       .arg(restarts == 1 ? QString() : QStringLiteral("s"));
    }
    return out;
}

QDateTime kubeTime(const QString &text)
{
    QDateTime t = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!t.isValid() && text.size() >= 19) {
        t = QDateTime::fromString(text.left(19), Qt::ISODate);
        t.setTimeZone(QTimeZone::utc());
    }
    return t.toUTC();
}

void readFailed(CheckResult &r, const QString &what, const Error &e)
{
    r.evidence << QStringLiteral("could not read %1: %2").arg(what, QString::fromStdString(e.toString()));
    if (e.kind == ErrorKind::Forbidden)
        r.warn(QStringLiteral("your user may not read %1; ask for read access (get/list) to it, or run the "
                              "checks as a user who has it")
                   .arg(what));
    else
        r.warn(QStringLiteral("the check could not read what it needs; run it again when the API server "
                              "answers"));
}

} // namespace lbs::checks
