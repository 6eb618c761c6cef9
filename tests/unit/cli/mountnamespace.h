#pragma once
// Running a shell script in a private mount namespace (unshare --mount), so that tmpfs mounts made by
// a test (a disk that fills up, one remounted read-only) are never seen by the rest of the machine.
// Needs root.

#include <QByteArray>
#include <QString>

/// Runs `script` with sh in a private mount namespace; returns its stdout + stderr. `code` is the exit
/// status, -1 when it ran longer than `timeoutMs`, -2 when it crashed.
QByteArray inMountNamespace(const QString &script, int *code, int timeoutMs = 180000);

/// The value printed as "name=value" on its own line of `out`.
QByteArray scriptField(const QByteArray &out, const QByteArray &name);

/// `text` in single quotes for sh (a quote inside becomes '\'').
QString shellQuoted(const QString &text);
