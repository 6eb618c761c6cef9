// ports-match: each service port's targetPort against the ports the selected pods' containers declare.
#include "core/checks/checkcatalogue.h"
#include "core/checks/checkhelpers.h"

namespace lbs::checks {
namespace {

struct ContainerPort {
    QString container;
    QString name;
    int port = 0;
    QString protocol;
};

QList<ContainerPort> containerPorts(const QJsonObject &pod)
{
    QList<ContainerPort> out;
    for (const QJsonValue &c :
        pod.value(QStringLiteral("spec")).toObject().value(QStringLiteral("containers")).toArray()) {
        const QJsonObject co = c.toObject();
        for (const QJsonValue &p : co.value(QStringLiteral("ports")).toArray()) {
            const QJsonObject po = p.toObject();
            out << ContainerPort {co.value(QStringLiteral("name")).toString(),
                po.value(QStringLiteral("name")).toString(),
                po.value(QStringLiteral("containerPort")).toInt(),
                po.value(QStringLiteral("protocol")).toString(QStringLiteral("TCP"))};
        }
    }
    return out;
}

QString portsText(const QList<ContainerPort> &ports)
{
    QStringList parts;
    for (const ContainerPort &p : ports)
        parts << QStringLiteral("%1%2/%3 (%4)")
                     .arg(p.name.isEmpty() ? QString() : p.name + QLatin1Char(':'))
                     .arg(p.port)
                     .arg(p.protocol, p.container);
    return parts.isEmpty() ? QStringLiteral("none declared") : parts.join(QStringLiteral(", "));
}

} // namespace

void checkPortsMatch(CheckContext &ctx, CheckResult &r)
{
    const CheckInput &in = ctx.input;
    if (in.svc.selector.isEmpty()) {
        r.skip(QStringLiteral("%1 has no selector: its endpoints are managed by hand, there are no pods to "
                              "compare with")
                   .arg(serviceRef(in)));
        return;
    }
    QString how;
    auto pods = selectedPods(ctx, &how);
    r.evidence
        << QStringLiteral("read the pods the service selects (%1 -o jsonpath=…containers[*].ports)").arg(how);
    if (!pods) {
        readFailed(r, QStringLiteral("the pods of %1").arg(serviceRef(in)), pods.error());
        return;
    }
    if (pods->isEmpty()) {
        r.skip(QStringLiteral("no pod matches the selector %1 (see endpoints-ready)")
                   .arg(selectorText(in.svc.selector)));
        return;
    }
    for (const QJsonValue &v : *pods)
        r.evidence
            << QStringLiteral("  %1: %2").arg(podName(v.toObject()), portsText(containerPorts(v.toObject())));
    QStringList failures;
    QStringList unverifiable;
    QString fixExample;
    for (int i = 0; i < in.svc.ports.size(); ++i) {
        const kube::ServicePort &sp = in.svc.ports[i];
        const QString target = sp.targetPort.isEmpty() ? QString::number(sp.port) : sp.targetPort;
        bool numeric = false;
        const int targetNumber = target.toInt(&numeric);
        const QString protocol = sp.protocol.isEmpty() ? QStringLiteral("TCP") : sp.protocol;
        r.evidence << QStringLiteral("service port %1%2/%3 -> targetPort %4")
                          .arg(sp.name.isEmpty() ? QString() : sp.name + QLatin1Char(':'))
                          .arg(sp.port)
                          .arg(protocol, target);
        QStringList missingIn;
        QStringList declaredElsewhere;
        int undeclared = 0;
        for (const QJsonValue &v : *pods) {
            const QList<ContainerPort> ports = containerPorts(v.toObject());
            bool match = false;
            for (const ContainerPort &cp : ports) {
                if (cp.protocol != protocol)
                    continue;
                if (numeric ? cp.port == targetNumber : cp.name == target)
                    match = true;
                else if (!declaredElsewhere.contains(QString::number(cp.port)))
                    declaredElsewhere << QString::number(cp.port);
            }
            if (match)
                continue;
            if (ports.isEmpty() && numeric)
                ++undeclared; // a container may listen on a port it does not declare
            else
                missingIn << podName(v.toObject());
        }
        if (!missingIn.isEmpty()) {
            failures << QStringLiteral(
                "targetPort %1 of service port %2 matches no %3 port of %4 (they declare %5)")
                            .arg(target)
                            .arg(sp.port)
                            .arg(protocol, missingIn.join(QStringLiteral(", ")),
                                declaredElsewhere.isEmpty() ? QStringLiteral("no such port")
                                                            : declaredElsewhere.join(QStringLiteral(", ")));
            if (fixExample.isEmpty() && declaredElsewhere.size() == 1)
                fixExample = QStringLiteral(
                    "kubectl -n %1 patch svc %2 --type=json -p "
                    "'[{\"op\":\"replace\",\"path\":\"/spec/ports/%3/targetPort\",\"value\":%4}]'")
                                 .arg(in.nameSpace, in.service)
                                 .arg(i)
                                 .arg(declaredElsewhere.first());
        }
        if (undeclared > 0)
            unverifiable << QStringLiteral("%1 pod(s) declare no container ports, so targetPort %2 cannot be "
                                           "compared")
                                .arg(undeclared)
                                .arg(target);
    }
    if (!failures.isEmpty()) {
        r.fail(
            QStringLiteral("%1: kube-proxy forwards connections to a port nothing listens on, so clients get "
                           "a reset although the endpoints look ready. Point targetPort at the port the "
                           "container serves%2, or make the container listen on the targetPort")
                .arg(failures.join(QStringLiteral("; ")),
                    fixExample.isEmpty() ? QString() : QStringLiteral(" (") + fixExample + QLatin1Char(')')));
        return;
    }
    if (!unverifiable.isEmpty()) {
        r.evidence << unverifiable;
        r.warn(
            QStringLiteral("declare the containers' ports (spec.containers[].ports) so that the targetPort "
                           "can be checked; meanwhile test it from inside a pod: kubectl -n %1 exec POD -- "
                           "nc -z 127.0.0.1 PORT")
                .arg(in.nameSpace));
        return;
    }
    r.pass();
}

} // namespace lbs::checks
