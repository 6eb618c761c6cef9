#pragma once
// Internal to core/checks: what several checks read the same way.

#include "core/checks/checkcatalogue.h"
#include "core/kube/kubeobjects.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QMap>

namespace lbs::checks {

/// "app=web,tier=front" (a label selector for the API and for kubectl -l).
QString selectorText(const QMap<QString, QString> &selector);
/// The pods the service selects, or an Error. `how` receives the kubectl command that reads the same.
Result<QJsonArray> selectedPods(CheckContext &ctx, QString *how);
using kube::podReady;
/// metadata.name / spec.nodeName / status.phase
QString podName(const QJsonObject &pod);
QString podNode(const QJsonObject &pod);
QString podPhase(const QJsonObject &pod);
/// "Running, ready" / "Running, NOT ready: container web CrashLoopBackOff (back-off 5m0s …), 7 restarts"
QString podState(const QJsonObject &pod);
/// A Kubernetes time (RFC 3339, with or without fraction), UTC; invalid when empty.
QDateTime kubeTime(const QString &text);
/// Records that something the check needs could not be read: warn, with the error as evidence.
void readFailed(CheckResult &r, const QString &what, const Error &e);

} // namespace lbs::checks
