#pragma once
// One pre-capture check's outcome: its status, what was read or run (evidence) and what to do (fix).

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace lbs::checks {

enum class CheckStatus { Pending, Running, Pass, Warn, Fail, Skipped };

/// "pending", "running", "pass", "warn", "fail", "skipped"
QString statusName(CheckStatus status);
/// True once the check has an outcome (pass, warn, fail, skipped).
bool isFinished(CheckStatus status);

struct CheckResult {
    QString id; ///< stable, e.g. "endpoints-ready"
    QString title; ///< "Endpoints ready"
    QString why; ///< why the check matters, one sentence
    CheckStatus status = CheckStatus::Pending;
    QStringList evidence; ///< what was read or run, then what it said, one line each
    QString fix; ///< what to do; empty when the check passed
    qint64 elapsedMs = 0;

    void pass() { status = CheckStatus::Pass; }
    void warn(const QString &howToFix)
    {
        status = CheckStatus::Warn;
        fix = howToFix;
    }
    void fail(const QString &howToFix)
    {
        status = CheckStatus::Fail;
        fix = howToFix;
    }
    /// Not applicable or not decidable here; `reason` goes to the evidence.
    void skip(const QString &reason)
    {
        status = CheckStatus::Skipped;
        evidence << reason;
    }
    /// {"id", "title", "status", "evidence": [lines], "fix", "why", "elapsed_ms"}
    QJsonObject toJson() const;
};

/// How many of `results` have `status`.
int countStatus(const QList<CheckResult> &results, CheckStatus status);

/// {"service": "ns/name", "checks": [CheckResult::toJson(), …]}
QJsonObject checksJson(const QString &service, const QList<CheckResult> &results);

} // namespace lbs::checks
