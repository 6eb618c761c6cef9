#pragma once

#include "core/checks/checkresult.h"

#include <QList>
#include <QString>

namespace lbs::cli {

/// The human form of `lbscope-cli check`: one block per check (STATUS, id, title, the evidence indented,
/// "fix:" when it did not pass), then the totals.
QString checksText(const QString &service, const QList<checks::CheckResult> &results);

} // namespace lbs::cli
