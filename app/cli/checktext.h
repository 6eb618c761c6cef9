#pragma once

#include "core/checks/checkresult.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace lbs::cli {

/// The human form of `lbscope-cli check`: one block per check (STATUS, id, title, the evidence indented,
/// "fix:" when it did not pass), then the totals.
QString checksText(const QString &service, const QList<checks::CheckResult> &results);
/// {"service": "ns/name", "checks": [{"id", "title", "status", "evidence", "fix", "why", "elapsed_ms"}, …]}
QJsonObject checksJson(const QString &service, const QList<checks::CheckResult> &results);
/// 1 when any check failed, else 0.
int checksExitCode(const QList<checks::CheckResult> &results);

} // namespace lbs::cli
