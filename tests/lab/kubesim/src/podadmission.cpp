#include "podadmission.h"

#include <QJsonArray>
#include <QStringList>

namespace kubesim {

QString PodAdmission::validate(const QJsonObject &pod)
{
    QStringList errors;
    const QJsonObject meta = pod.value(u"metadata").toObject();
    if (meta.value(u"name").toString().isEmpty() && meta.value(u"generateName").toString().isEmpty())
        errors << u"metadata.name: Required value: name or generateName is required"_qs;
    const QJsonObject spec = pod.value(u"spec").toObject();
    const QJsonArray containers = spec.value(u"containers").toArray();
    if (containers.isEmpty())
        errors << u"spec.containers: Required value"_qs;
    for (qsizetype i = 0; i < containers.size(); ++i) {
        const QJsonObject c = containers[i].toObject();
        if (c.value(u"name").toString().isEmpty())
            errors << QStringLiteral("spec.containers[%1].name: Required value").arg(i);
        if (c.value(u"image").toString().isEmpty())
            errors << QStringLiteral("spec.containers[%1].image: Required value").arg(i);
    }
    const QString rp = spec.value(u"restartPolicy").toString();
    if (!rp.isEmpty() && rp != u"Always" && rp != u"OnFailure" && rp != u"Never")
        errors << QStringLiteral(
            "spec.restartPolicy: Unsupported value: \"%1\": supported values: \"Always\", "
            "\"OnFailure\", \"Never\"")
                      .arg(rp);
    if (spec.contains(u"activeDeadlineSeconds") && spec.value(u"activeDeadlineSeconds").toInteger() <= 0)
        errors << QStringLiteral(
            "spec.activeDeadlineSeconds: Invalid value: %1: must be between 1 and 2147483647, "
            "inclusive")
                      .arg(spec.value(u"activeDeadlineSeconds").toInteger());
    return errors.join(u", "_qs);
}

QString PodAdmission::podSecurityViolations(const QJsonObject &pod, const QString &level)
{
    if (level != u"baseline" && level != u"restricted")
        return {};
    const QJsonObject spec = pod.value(u"spec").toObject();
    QStringList out;
    QStringList hostNs;
    for (const char *f : {"hostNetwork", "hostPID", "hostIPC"}) {
        if (spec.value(QString::fromLatin1(f)).toBool())
            hostNs << QString::fromLatin1(f) + u"=true"_qs;
    }
    if (!hostNs.isEmpty())
        out << QStringLiteral("host namespaces (%1)").arg(hostNs.join(u", "_qs));
    QStringList privileged;
    QStringList escalation;
    QStringList caps;
    QStringList nonRoot;
    QStringList rootUser;
    QStringList seccomp;
    const QJsonObject podSc = spec.value(u"securityContext").toObject();
    for (const QJsonValue &v : spec.value(u"containers").toArray()) {
        const QJsonObject c = v.toObject();
        const QString name = c.value(u"name").toString();
        const QJsonObject sc = c.value(u"securityContext").toObject();
        if (sc.value(u"privileged").toBool())
            privileged
                << QStringLiteral("container \"%1\" must not set securityContext.privileged=true").arg(name);
        if (sc.value(u"allowPrivilegeEscalation") != QJsonValue(false))
            escalation << QStringLiteral(
                "container \"%1\" must set securityContext.allowPrivilegeEscalation=false")
                              .arg(name);
        const QJsonArray drop = sc.value(u"capabilities").toObject().value(u"drop").toArray();
        if (!drop.contains(QJsonValue(u"ALL"_qs)))
            caps << QStringLiteral("container \"%1\" must set securityContext.capabilities.drop=[\"ALL\"]")
                        .arg(name);
        if (sc.value(u"runAsNonRoot") != QJsonValue(true) && podSc.value(u"runAsNonRoot") != QJsonValue(true))
            nonRoot << QStringLiteral("pod or container \"%1\" must set securityContext.runAsNonRoot=true")
                           .arg(name);
        if (sc.value(u"runAsUser") == QJsonValue(0))
            rootUser << QStringLiteral("container \"%1\" must not set runAsUser=0").arg(name);
        const QString st = sc.value(u"seccompProfile")
                               .toObject()
                               .value(u"type")
                               .toString(podSc.value(u"seccompProfile").toObject().value(u"type").toString());
        if (st != u"RuntimeDefault" && st != u"Localhost")
            seccomp << QStringLiteral(
                "pod or container \"%1\" must set securityContext.seccompProfile.type to "
                "\"RuntimeDefault\" or \"Localhost\"")
                           .arg(name);
    }
    if (!privileged.isEmpty())
        out << QStringLiteral("privileged (%1)").arg(privileged.join(u", "_qs));
    QStringList hostPaths;
    for (const QJsonValue &v : spec.value(u"volumes").toArray()) {
        if (v.toObject().contains(u"hostPath"))
            hostPaths << v.toObject().value(u"name").toString();
    }
    if (level == u"baseline") {
        if (!hostPaths.isEmpty())
            out << QStringLiteral("hostPath volumes (volume%1 \"%2\")")
                       .arg(hostPaths.size() > 1 ? u"s"_qs : QString(), hostPaths.join(u"\", \""_qs));
        return out.join(u", "_qs);
    }
    if (!escalation.isEmpty())
        out << QStringLiteral("allowPrivilegeEscalation != false (%1)").arg(escalation.join(u", "_qs));
    if (!caps.isEmpty())
        out << QStringLiteral("unrestricted capabilities (%1)").arg(caps.join(u", "_qs));
    if (!hostPaths.isEmpty())
        out << QStringLiteral(
            "restricted volume types (volume%1 \"%2\" use%3 restricted volume type \"hostPath\")")
                   .arg(hostPaths.size() > 1 ? u"s"_qs : QString(), hostPaths.join(u"\", \""_qs),
                       hostPaths.size() > 1 ? QString() : u"s"_qs);
    if (!nonRoot.isEmpty())
        out << QStringLiteral("runAsNonRoot != true (%1)").arg(nonRoot.join(u", "_qs));
    if (!rootUser.isEmpty())
        out << QStringLiteral("runAsUser=0 (%1)").arg(rootUser.join(u", "_qs));
    if (!seccomp.isEmpty())
        out << QStringLiteral("seccompProfile (%1)").arg(seccomp.join(u", "_qs));
    return out.join(u", "_qs);
}

QJsonObject PodAdmission::withDefaults(QJsonObject pod)
{
    pod.insert(u"apiVersion", u"v1"_qs);
    pod.insert(u"kind", u"Pod"_qs);
    QJsonObject spec = pod.value(u"spec").toObject();
    auto def = [&spec](const QString &k, const QJsonValue &v) {
        if (!spec.contains(k))
            spec.insert(k, v);
    };
    def(u"restartPolicy"_qs, u"Always"_qs);
    def(u"terminationGracePeriodSeconds"_qs, 30);
    def(u"dnsPolicy"_qs, u"ClusterFirst"_qs);
    def(u"schedulerName"_qs, u"default-scheduler"_qs);
    def(u"serviceAccountName"_qs, u"default"_qs);
    def(u"securityContext"_qs, QJsonObject {});
    def(u"enableServiceLinks"_qs, true);
    def(u"priority"_qs, 0);
    QJsonArray containers = spec.value(u"containers").toArray();
    for (auto &&v : containers) {
        QJsonObject c = v.toObject();
        if (!c.contains(u"imagePullPolicy"))
            c.insert(u"imagePullPolicy",
                c.value(u"image").toString().endsWith(u":latest")
                        || !c.value(u"image").toString().contains(u':')
                    ? u"Always"_qs
                    : u"IfNotPresent"_qs);
        if (!c.contains(u"terminationMessagePath"))
            c.insert(u"terminationMessagePath", u"/dev/termination-log"_qs);
        if (!c.contains(u"terminationMessagePolicy"))
            c.insert(u"terminationMessagePolicy", u"File"_qs);
        if (!c.contains(u"resources"))
            c.insert(u"resources", QJsonObject {});
        v = c;
    }
    spec.insert(u"containers", containers);
    pod.insert(u"spec", spec);
    pod.insert(u"status", QJsonObject {{u"phase"_qs, u"Pending"_qs}, {u"qosClass"_qs, u"BestEffort"_qs}});
    return pod;
}

} // namespace kubesim
