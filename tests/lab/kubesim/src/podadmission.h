#pragma once
// kubesim: what the API server does to a new pod before storing it: validation (422 Invalid), PodSecurity
// admission for namespaces labelled pod-security.kubernetes.io/enforce=baseline|restricted (403), defaults.

#include <QJsonObject>
#include <QString>

namespace kubesim {

class PodAdmission {
public:
    /// Field errors in the style of the API server ("spec.containers: Required value"), joined by ", ";
    /// empty when the pod is valid.
    static QString validate(const QJsonObject &pod);
    /// The PodSecurity violations for an enforce level ("baseline" or "restricted"), e.g.
    /// `host namespaces (hostNetwork=true), privileged (container "c" must not set ...)`; empty when allowed.
    static QString podSecurityViolations(const QJsonObject &pod, const QString &level);
    /// Adds the defaults the API server fills in (restartPolicy, dnsPolicy, grace period, pull policy...)
    /// and a Pending status.
    static QJsonObject withDefaults(QJsonObject pod);
};

} // namespace kubesim
