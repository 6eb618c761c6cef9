#include "core/capture/capturerecord.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <filesystem>
#include <unistd.h>

namespace lbs::capture {

namespace {

QString q(const std::string &s)
{
    return QString::fromStdString(s);
}

std::string s(const QJsonValue &v)
{
    return v.toString().toStdString();
}

QJsonValue optNumber(const std::optional<uint64_t> &v)
{
    return v ? QJsonValue(static_cast<double>(*v)) : QJsonValue(QJsonValue::Null);
}

std::optional<uint64_t> optCount(const QJsonValue &v)
{
    if (!v.isDouble() || v.toDouble() < 0)
        return std::nullopt;
    return static_cast<uint64_t>(v.toDouble());
}

QJsonArray strings(const std::vector<std::string> &v)
{
    QJsonArray a;
    for (const auto &x : v)
        a.append(q(x));
    return a;
}

std::vector<std::string> strings(const QJsonValue &v)
{
    std::vector<std::string> out;
    const QJsonArray a = v.toArray();
    for (const auto &x : a)
        out.push_back(s(x));
    return out;
}

} // namespace

std::string isoNowUtc()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs).toStdString();
}

Status writeRecord(const std::string &path, const CaptureRecord &r)
{
    QJsonObject o;
    o[QStringLiteral("format")] = QStringLiteral("lbscope-capture-1");
    o[QStringLiteral("state")] = q(r.state);
    o[QStringLiteral("transport")] = q(r.transport);
    o[QStringLiteral("context")] = q(r.context);
    o[QStringLiteral("service")] = q(r.service);
    o[QStringLiteral("vip")] = q(r.vip);
    o[QStringLiteral("node")] = q(r.node);
    o[QStringLiteral("endpoint")] = q(r.endpoint);
    if (!r.debugPod.empty())
        o[QStringLiteral("debug_pod")] = q(r.debugPod);
    o[QStringLiteral("interface")] = q(r.iface);
    o[QStringLiteral("filter")] = q(r.filter);
    o[QStringLiteral("remote_command")] = strings(r.remoteCommand);
    o[QStringLiteral("remote_dir")] = q(r.remoteDir);
    o[QStringLiteral("remote_base")] = q(r.remoteBase);
    o[QStringLiteral("pid_file")] = q(r.pidFile);
    o[QStringLiteral("stderr_file")] = q(r.stderrFile);
    o[QStringLiteral("pid")] = static_cast<double>(r.pid);
    o[QStringLiteral("ring_count")] = r.ringCount;
    o[QStringLiteral("ring_size_mb")] = r.ringSizeMb;
    o[QStringLiteral("snaplen")] = r.snaplen;
    o[QStringLiteral("tcpdump_version")] = q(r.tcpdumpVersion);
    o[QStringLiteral("start_time")] = q(r.startTime);
    o[QStringLiteral("stop_time")] = q(r.stopTime);
    QJsonObject st;
    st[QStringLiteral("captured")] = optNumber(r.stats.captured);
    st[QStringLiteral("received_by_filter")] = optNumber(r.stats.receivedByFilter);
    st[QStringLiteral("dropped_by_kernel")] = optNumber(r.stats.droppedByKernel);
    st[QStringLiteral("dropped_by_interface")] = optNumber(r.stats.droppedByInterface);
    o[QStringLiteral("tcpdump_stats")] = st;
    QJsonArray files;
    for (const auto &f : r.files) {
        QJsonObject fo;
        fo[QStringLiteral("name")] = q(f.name);
        fo[QStringLiteral("remote_path")] = q(f.remotePath);
        fo[QStringLiteral("size")] = static_cast<double>(f.size);
        fo[QStringLiteral("sha256")] = q(f.sha256);
        fo[QStringLiteral("first_ts")] = f.firstTs;
        fo[QStringLiteral("last_ts")] = f.lastTs;
        fo[QStringLiteral("packets")] = static_cast<double>(f.packets);
        fo[QStringLiteral("truncated")] = f.truncated;
        files.append(fo);
    }
    o[QStringLiteral("files")] = files;
    o[QStringLiteral("warnings")] = strings(r.warnings);
    // Written beside the target and renamed over it: readers see the old or the new record, never half
    // of one. Not fsynced (QSaveFile does): on ext4 that flushed the just-downloaded captures as well
    // (0.25 s after a 500 MB download), and the record is only as durable as those captures anyway.
    const std::string tmp = path + ".tmp" + std::to_string(::getpid());
    QFile out(q(tmp));
    const QByteArray bytes = QJsonDocument(o).toJson(QJsonDocument::Indented);
    const bool written = out.open(QIODevice::WriteOnly | QIODevice::Truncate)
        && out.write(bytes) == bytes.size() && out.flush();
    const QString why = out.errorString();
    out.close();
    std::error_code ec;
    if (written)
        std::filesystem::rename(tmp, path, ec);
    if (!written || ec) {
        const std::string reason = written ? ec.message() : why.toStdString();
        std::filesystem::remove(tmp, ec);
        return Error {
            "cannot write " + path + ": " + reason, path, "check that the output directory is writable"};
    }
    return Ok {};
}

Result<CaptureRecord> readRecord(const std::string &path)
{
    QFile f(q(path));
    if (!f.open(QIODevice::ReadOnly))
        return Error {
            "cannot open " + path, path, "is this a capture directory written by lbscope-cli capture?"};
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &pe);
    if (!doc.isObject())
        return Error {"not a JSON object: " + pe.errorString().toStdString(), path, {}};
    const QJsonObject o = doc.object();
    CaptureRecord r;
    r.state = s(o[QStringLiteral("state")]);
    r.transport = s(o[QStringLiteral("transport")]);
    r.context = s(o[QStringLiteral("context")]);
    r.service = s(o[QStringLiteral("service")]);
    r.vip = s(o[QStringLiteral("vip")]);
    r.node = s(o[QStringLiteral("node")]);
    r.endpoint = s(o[QStringLiteral("endpoint")]);
    r.debugPod = s(o[QStringLiteral("debug_pod")]);
    r.iface = s(o[QStringLiteral("interface")]);
    r.filter = s(o[QStringLiteral("filter")]);
    r.remoteCommand = strings(o[QStringLiteral("remote_command")]);
    r.remoteDir = s(o[QStringLiteral("remote_dir")]);
    r.remoteBase = s(o[QStringLiteral("remote_base")]);
    r.pidFile = s(o[QStringLiteral("pid_file")]);
    r.stderrFile = s(o[QStringLiteral("stderr_file")]);
    r.pid = static_cast<int64_t>(o[QStringLiteral("pid")].toDouble());
    r.ringCount = o[QStringLiteral("ring_count")].toInt();
    r.ringSizeMb = o[QStringLiteral("ring_size_mb")].toInt();
    r.snaplen = o[QStringLiteral("snaplen")].toInt();
    r.tcpdumpVersion = s(o[QStringLiteral("tcpdump_version")]);
    r.startTime = s(o[QStringLiteral("start_time")]);
    r.stopTime = s(o[QStringLiteral("stop_time")]);
    const QJsonObject st = o[QStringLiteral("tcpdump_stats")].toObject();
    r.stats.captured = optCount(st[QStringLiteral("captured")]);
    r.stats.receivedByFilter = optCount(st[QStringLiteral("received_by_filter")]);
    r.stats.droppedByKernel = optCount(st[QStringLiteral("dropped_by_kernel")]);
    r.stats.droppedByInterface = optCount(st[QStringLiteral("dropped_by_interface")]);
    const QJsonArray files = o[QStringLiteral("files")].toArray();
    for (const auto &fv : files) {
        const QJsonObject fo = fv.toObject();
        ManifestFile mf;
        mf.name = s(fo[QStringLiteral("name")]);
        mf.remotePath = s(fo[QStringLiteral("remote_path")]);
        mf.size = static_cast<uint64_t>(fo[QStringLiteral("size")].toDouble());
        mf.sha256 = s(fo[QStringLiteral("sha256")]);
        mf.firstTs = fo[QStringLiteral("first_ts")].toDouble();
        mf.lastTs = fo[QStringLiteral("last_ts")].toDouble();
        mf.packets = static_cast<uint64_t>(fo[QStringLiteral("packets")].toDouble());
        mf.truncated = fo[QStringLiteral("truncated")].toBool();
        r.files.push_back(std::move(mf));
    }
    r.warnings = strings(o[QStringLiteral("warnings")]);
    return r;
}

} // namespace lbs::capture
