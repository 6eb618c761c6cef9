#include "core/checks/checkresult.h"

#include <algorithm>

#include <QJsonArray>

namespace lbs::checks {

QString statusName(CheckStatus status)
{
    switch (status) {
    case CheckStatus::Pending:
        return QStringLiteral("pending");
    case CheckStatus::Running:
        return QStringLiteral("running");
    case CheckStatus::Pass:
        return QStringLiteral("pass");
    case CheckStatus::Warn:
        return QStringLiteral("warn");
    case CheckStatus::Fail:
        return QStringLiteral("fail");
    case CheckStatus::Skipped:
        return QStringLiteral("skipped");
    }
    return QStringLiteral("pending");
}

bool isFinished(CheckStatus status)
{
    return status != CheckStatus::Pending && status != CheckStatus::Running;
}

QJsonObject CheckResult::toJson() const
{
    return QJsonObject {{QStringLiteral("id"), id}, {QStringLiteral("title"), title},
        {QStringLiteral("status"), statusName(status)},
        {QStringLiteral("evidence"), QJsonArray::fromStringList(evidence)}, {QStringLiteral("fix"), fix},
        {QStringLiteral("why"), why}, {QStringLiteral("elapsed_ms"), elapsedMs}};
}

int countStatus(const QList<CheckResult> &results, CheckStatus status)
{
    return int(std::count_if(
        results.begin(), results.end(), [status](const CheckResult &r) { return r.status == status; }));
}

QJsonObject checksJson(const QString &service, const QList<CheckResult> &results)
{
    QJsonArray list;
    for (const CheckResult &r : results)
        list.append(r.toJson());
    return QJsonObject {{QStringLiteral("service"), service}, {QStringLiteral("checks"), list}};
}

} // namespace lbs::checks
