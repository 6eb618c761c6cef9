#pragma once
// The checks, in the order they are shown: what each is called, why it matters, whether it needs the
// located VIP node, and the function that runs it (one file per group: endpointchecks.cpp,
// providerchecks.cpp, portchecks.cpp, eventchecks.cpp, permissionchecks.cpp).

#include "core/checks/checkresult.h"
#include "core/common/canceltoken.h"
#include "core/kube/kubeclient.h"
#include "core/kube/kubeobjects.h"
#include "core/kube/loadbalancerlocator.h"

#include <QList>

namespace lbs::checks {

/// What every check may read: fetched once before the checks start.
struct CheckInput {
    QString nameSpace;
    QString service;
    QString debugNamespace; ///< where a capture's debug pod would be created
    int eventWindowMinutes = 60; ///< "recent" Warning events
    kube::LoadBalancerService svc;
    QJsonObject serviceObject;
};

/// One check's view while it runs, on its own thread with its own client.
struct CheckContext {
    kube::KubeClient &client;
    const CheckInput &input;
    const kube::LocateResult *location; ///< set for checks that need it
    CancelToken cancel;
};

using CheckFunction = void (*)(CheckContext &, CheckResult &);

struct CheckDefinition {
    QString id;
    QString title;
    QString why;
    bool needsLocation = false;
    CheckFunction run = nullptr;
};

/// Every check, in display order.
const QList<CheckDefinition> &checkCatalogue();

// The checks themselves.
void checkEndpointsReady(CheckContext &ctx, CheckResult &r);
void checkEtpLocal(CheckContext &ctx, CheckResult &r);
void checkProviderAgents(CheckContext &ctx, CheckResult &r);
void checkVipOnOneNode(CheckContext &ctx, CheckResult &r);
void checkProviderAgrees(CheckContext &ctx, CheckResult &r);
void checkPortsMatch(CheckContext &ctx, CheckResult &r);
void checkWarningEvents(CheckContext &ctx, CheckResult &r);
void checkDebugNamespace(CheckContext &ctx, CheckResult &r);
void checkCaptureRbac(CheckContext &ctx, CheckResult &r);

/// "ns/name" of the service, for evidence.
inline QString serviceRef(const CheckInput &in)
{
    return in.nameSpace + QLatin1Char('/') + in.service;
}
/// The message of an error, for evidence lines.
inline QString errorText(const Error &e)
{
    return QString::fromStdString(e.message);
}

} // namespace lbs::checks
