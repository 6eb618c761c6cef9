// Helpers shared by the oracle tests.

#include "oraclesupport.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QProcessEnvironment>
#include <QStandardPaths>

namespace oracle {

Run runBounded(const QString &program, const QStringList &args, int seconds)
{
    return [&] {
        Run r;
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        static const QString home = QDir::tempPath() + QStringLiteral("/lbscope-oracle-home");
        QDir().mkpath(home);
        env.insert(QStringLiteral("HOME"), home);
        p.setProcessEnvironment(env);
        p.start(QStringLiteral("timeout"),
            QStringList {QStringLiteral("-s"), QStringLiteral("KILL"), QString::number(seconds), program}
                + args);
        if (!p.waitForFinished((seconds + 10) * 1000)) {
            p.kill();
            p.waitForFinished(5000);
        }
        r.out = p.readAllStandardOutput();
        r.err = p.readAllStandardError();
        r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        r.timedOut = r.exitCode == 137 || r.exitCode == 124;
        return r;
    }();
}

Run tshark(const QStringList &args, int seconds)
{
    const QStringList prefs {QStringLiteral("-n"), QStringLiteral("-o"),
        QStringLiteral("tcp.desegment_tcp_streams:TRUE"), QStringLiteral("-o"),
        QStringLiteral("http.desegment_body:TRUE"), QStringLiteral("-o"),
        QStringLiteral("tcp.calculate_timestamps:TRUE"), QStringLiteral("-o"),
        QStringLiteral("tcp.analyze_sequence_numbers:TRUE"),
        // An IP packet whose length field is 0 is a TSO/GSO or BIG TCP packet sized by the capture,
        // to lbscope as to tshark's IPv4 (on by default); tshark's IPv6 needs it asked for.
        QStringLiteral("-o"), QStringLiteral("ipv6.tso_support:TRUE"),
        // Linux's VXLAN port (Flannel) is VXLAN to lbscope too; tshark decodes only 4789 unasked.
        QStringLiteral("-d"), QStringLiteral("udp.port==8472,vxlan")};
    return runBounded(QStringLiteral("tshark"), prefs + args, seconds);
}

QString flowKey(const QString &client, const QString &server)
{
    return client + QLatin1Char('|') + server;
}

QString packetKey(const QHash<QString, int> &known, const QString &src, const QString &dst)
{
    const QString a = flowKey(src, dst);
    if (known.contains(a))
        return a;
    const QString b = flowKey(dst, src);
    return known.contains(b) ? b : QString();
}

QJsonObject readJsonFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

QJsonObject truthJson(const lbs::gen::GroundTruth &truth)
{
    return QJsonDocument::fromJson(QByteArray::fromStdString(lbs::gen::toJson(truth))).object();
}

lbs::gen::Options allFaultsOptions(const QString &output, uint64_t seed)
{
    using lbs::gen::FaultKind;
    lbs::gen::Options o;
    o.output = output.toStdString();
    o.seed = seed;
    o.durationSec = 12;
    o.connPerSec = 4;
    o.pods = 3;
    o.maxBody = 24000;
    o.faults = {{FaultKind::SynTimeout, 1, 1.0}, {FaultKind::SynLoss, 1, 2.0}, {FaultKind::SynRst, 1, 3.0},
        {FaultKind::IcmpUnreachable, 1, 4.0}, {FaultKind::RtoRetransmit, 1, 5.0},
        {FaultKind::FastRetransmit, 1, 6.0}, {FaultKind::ServerRst, 1, 7.0}, {FaultKind::ZeroWindow, 1, 8.0}};
    o.slow = {{9.0, 10.0, 300.0, -1}, {0.0, 1e18, 80.0, 1}};
    return o;
}

QString cliPath()
{
#ifdef LBSCOPE_CLI_EXE
    const QString p = QStringLiteral(LBSCOPE_CLI_EXE);
    return QFile::exists(p) ? p : QString();
#else
    return {};
#endif
}

} // namespace oracle
