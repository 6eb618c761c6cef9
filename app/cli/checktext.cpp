#include "checktext.h"

#include <QJsonArray>

namespace lbs::cli {

QString checksText(const QString &service, const QList<checks::CheckResult> &results)
{
    QString out = QStringLiteral("Checks of %1\n\n").arg(service);
    int counts[6] = {};
    for (const checks::CheckResult &r : results) {
        ++counts[static_cast<int>(r.status)];
        out += QStringLiteral("%1  %2  %3\n")
                   .arg(checks::statusName(r.status).toUpper().leftJustified(7), r.id.leftJustified(18),
                       r.title);
        for (const QString &e : r.evidence)
            out += QStringLiteral("         %1\n").arg(e);
        if (r.status != checks::CheckStatus::Pass && !r.fix.isEmpty())
            out += QStringLiteral("         fix: %1\n").arg(r.fix);
    }
    out += QStringLiteral("\n%1 checks: %2 pass, %3 warn, %4 fail, %5 skipped\n")
               .arg(results.size())
               .arg(counts[static_cast<int>(checks::CheckStatus::Pass)])
               .arg(counts[static_cast<int>(checks::CheckStatus::Warn)])
               .arg(counts[static_cast<int>(checks::CheckStatus::Fail)])
               .arg(counts[static_cast<int>(checks::CheckStatus::Skipped)]);
    return out;
}

QJsonObject checksJson(const QString &service, const QList<checks::CheckResult> &results)
{
    QJsonArray list;
    for (const checks::CheckResult &r : results)
        list.append(r.toJson());
    return QJsonObject {{QStringLiteral("service"), service}, {QStringLiteral("checks"), list}};
}

int checksExitCode(const QList<checks::CheckResult> &results)
{
    for (const checks::CheckResult &r : results)
        if (r.status == checks::CheckStatus::Fail)
            return 1;
    return 0;
}

} // namespace lbs::cli
