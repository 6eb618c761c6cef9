#include "checktext.h"

namespace lbs::cli {

QString checksText(const QString &service, const QList<checks::CheckResult> &results)
{
    QString out = QStringLiteral("Checks of %1\n\n").arg(service);
    for (const checks::CheckResult &r : results) {
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
               .arg(countStatus(results, checks::CheckStatus::Pass))
               .arg(countStatus(results, checks::CheckStatus::Warn))
               .arg(countStatus(results, checks::CheckStatus::Fail))
               .arg(countStatus(results, checks::CheckStatus::Skipped));
    return out;
}

} // namespace lbs::cli
