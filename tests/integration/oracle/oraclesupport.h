#pragma once
// Helpers shared by the oracle tests: generate a capture, run tools with a time bound, read JSON,
// and key flows by their endpoints.

#include "genoptions.h"
#include "groundtruth.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace oracle {

/// Output of a finished (or killed) process.
struct Run {
    int exitCode = -1;
    bool timedOut = false;
    QByteArray out, err;
};

/// Runs @p program under coreutils `timeout` so that a hang ends after @p seconds.
Run runBounded(const QString &program, const QStringList &args, int seconds = 120);

/// `tshark` with our fixed preferences (HOME pointed at an empty dir so no personal profile
/// applies; TCP/HTTP reassembly and timestamps enabled explicitly; UDP 8472 decoded as VXLAN).
Run tshark(const QStringList &args, int seconds = 120);

/// "client|server" key of a flow, with the client first.
QString flowKey(const QString &client, const QString &server);
/// Key of a packet between (a, b) in either direction, resolved against @p known keys.
QString packetKey(const QHash<QString, int> &known, const QString &src, const QString &dst);

/// Reads a JSON file; an empty object if unreadable.
QJsonObject readJsonFile(const QString &path);

/// Ground truth as JSON (the same text lbscope-gen --truth writes).
QJsonObject truthJson(const lbs::gen::GroundTruth &truth);

/// Options for a capture with every fault kind once, small and quick.
lbs::gen::Options allFaultsOptions(const QString &output, uint64_t seed);

/// Path to lbscope-cli, or empty when it was not built.
QString cliPath();

} // namespace oracle
