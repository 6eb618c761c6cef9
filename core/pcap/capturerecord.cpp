#include "core/pcap/capturerecord.h"

#include "core/common/json.h"
#include "core/common/utf8.h"

#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>

namespace lbs::pcap {

namespace {

constexpr size_t kMaxRecordBytes = 64u * 1024 * 1024;

// Reading: every field may be absent or of another type (early manifests, hand edits).

std::optional<uint64_t> optCount(const JsonValue &v)
{
    if (!v.isNumber())
        return std::nullopt;
    const int64_t n = v.toInt(-1);
    if (n < 0)
        return std::nullopt;
    return static_cast<uint64_t>(n);
}

// Strings as the writer writes them (invalid UTF-8 as U+FFFD), so that a record read and written
// again reads back the same.
std::string str(const JsonValue &obj, const char *a, const char *b = nullptr)
{
    if (obj[a].isString())
        return validUtf8(obj[a].toString());
    if (b && obj[b].isString())
        return validUtf8(obj[b].toString());
    return {};
}

std::vector<std::string> strings(const JsonValue &v)
{
    std::vector<std::string> out;
    for (const JsonValue &x : v.array())
        out.push_back(x.isString() ? validUtf8(x.toString()) : std::string());
    return out;
}

int smallInt(const JsonValue &v)
{
    const int64_t n = v.toInt(0);
    return n < INT32_MIN || n > INT32_MAX ? 0 : static_cast<int>(n);
}

// Writing: the layout the records written before this writer had (QJsonDocument::Indented), so
// that a record reads and diffs the same whichever lbscope wrote it: keys in alphabetical order,
// four spaces a level, an empty array as "[", newline, "]".
class IndentedJson {
public:
    IndentedJson() { open('{'); }
    std::string finish()
    {
        close('}');
        out += '\n';
        return std::move(out);
    }
    IndentedJson &key(std::string_view name)
    {
        item();
        appendJsonString(out, name);
        out += ": ";
        return *this;
    }
    void string(std::string_view s) { appendJsonString(out, s); }
    void boolean(bool b) { out += b ? "true" : "false"; }
    void integer(int64_t n) { out += std::to_string(n); }
    void unsignedInteger(uint64_t n) { out += std::to_string(n); }
    void count(const std::optional<uint64_t> &n) { n ? unsignedInteger(*n) : void(out += "null"); }
    /// Shortest text that reads back as the same double (packet times keep their nanoseconds);
    /// whole numbers without a fraction or exponent.
    void exact(double d)
    {
        if (!std::isfinite(d)) {
            out += "null";
            return;
        }
        if (d == std::trunc(d) && std::fabs(d) < 9007199254740992.0) {
            integer(static_cast<int64_t>(d));
            return;
        }
        char buf[32];
        const auto r = std::to_chars(buf, buf + sizeof buf, d);
        out.append(buf, r.ptr);
    }
    void strings(const std::vector<std::string> &v)
    {
        open('[');
        for (const std::string &s : v) {
            item();
            string(s);
        }
        close(']');
    }
    void open(char bracket)
    {
        out += bracket;
        m_first.push_back(true);
    }
    void item()
    {
        if (!m_first.back())
            out += ',';
        m_first.back() = false;
        newline();
    }
    void close(char bracket)
    {
        m_first.pop_back();
        newline();
        out += bracket;
    }

private:
    void newline()
    {
        out += '\n';
        out.append(m_first.size() * 4, ' ');
    }
    std::string out;
    std::vector<bool> m_first; ///< per open bracket: nothing written in it yet
};

} // namespace

std::string captureRecordJson(const CaptureRecord &r)
{
    IndentedJson w;
    if (r.conntrack) {
        const ConntrackRecord &c = *r.conntrack;
        w.key("conntrack").open('{');
        w.key("method").string(c.method);
        w.key("name").string(c.name);
        w.key("note").string(c.note);
        w.key("pid").integer(c.pid);
        w.key("pid_file").string(c.pidFile);
        w.key("remote_command").strings(c.remoteCommand);
        w.key("remote_path").string(c.remotePath);
        w.key("sha256").string(c.sha256);
        w.key("size").unsignedInteger(c.size);
        w.key("stderr_file").string(c.stderrFile);
        w.close('}');
    }
    w.key("context").string(r.context);
    if (!r.debugPod.empty())
        w.key("debug_pod").string(r.debugPod);
    w.key("endpoint").string(r.endpoint);
    if (!r.endpoints.empty()) {
        w.key("endpoints").open('[');
        for (const ServiceEndpoint &e : r.endpoints) {
            w.item();
            w.open('{');
            w.key("ip").string(e.ip);
            w.key("namespace").string(e.nameSpace);
            w.key("node").string(e.node);
            w.key("pod").string(e.pod);
            w.key("port").integer(e.port);
            w.close('}');
        }
        w.close(']');
    }
    w.key("files").open('[');
    for (const ManifestFile &f : r.files) {
        w.item();
        w.open('{');
        w.key("first_ts").exact(f.firstTs);
        w.key("last_ts").exact(f.lastTs);
        w.key("name").string(f.name);
        w.key("packets").unsignedInteger(f.packets);
        w.key("remote_path").string(f.remotePath);
        w.key("sha256").string(f.sha256);
        w.key("size").unsignedInteger(f.size);
        w.key("truncated").boolean(f.truncated);
        w.close('}');
    }
    w.close(']');
    w.key("filter").string(r.filter);
    w.key("format").string("lbscope-capture-1");
    w.key("interface").string(r.iface);
    if (!r.interfaces.empty()) {
        w.key("interfaces").open('[');
        for (const CaptureInterface &i : r.interfaces) {
            w.item();
            w.open('{');
            w.key("addresses").strings(i.addresses);
            w.key("index").integer(i.index);
            w.key("name").string(i.name);
            w.key("role").string(i.role);
            w.close('}');
        }
        w.close(']');
    }
    w.key("node").string(r.node);
    w.key("pid").integer(r.pid);
    w.key("pid_file").string(r.pidFile);
    w.key("remote_base").string(r.remoteBase);
    w.key("remote_command").strings(r.remoteCommand);
    w.key("remote_dir").string(r.remoteDir);
    w.key("ring_count").integer(r.ringCount);
    w.key("ring_size_mb").integer(r.ringSizeMb);
    w.key("service").string(r.service);
    w.key("snaplen").integer(r.snaplen);
    w.key("start_time").string(r.startTime);
    w.key("state").string(r.state);
    w.key("stderr_file").string(r.stderrFile);
    w.key("stop_time").string(r.stopTime);
    w.key("tcpdump_stats").open('{');
    w.key("captured").count(r.stats.captured);
    w.key("dropped_by_interface").count(r.stats.droppedByInterface);
    w.key("dropped_by_kernel").count(r.stats.droppedByKernel);
    w.key("received_by_filter").count(r.stats.receivedByFilter);
    w.close('}');
    w.key("tcpdump_version").string(r.tcpdumpVersion);
    w.key("transport").string(r.transport);
    w.key("vip").string(r.vip);
    w.key("warnings").strings(r.warnings);
    return w.finish();
}

Result<CaptureRecord> parseCaptureRecord(std::string_view text, const std::string &path)
{
    if (text.size() > kMaxRecordBytes)
        return Error {"capture record is larger than 64 MiB", path, {}, ErrorKind::BadInput};
    auto doc = parseJson(text);
    if (!doc)
        return Error {doc.error().message, path, "the capture record is not valid JSON", ErrorKind::BadInput};
    const JsonValue &root = *doc;
    if (!root.isObject())
        return Error {"capture record is not a JSON object", path, {}, ErrorKind::BadInput};
    CaptureRecord r;
    r.state = str(root, "state");
    r.transport = str(root, "transport");
    r.context = str(root, "context");
    r.service = str(root, "service");
    r.vip = str(root, "vip", "VIP");
    r.node = str(root, "node");
    r.endpoint = str(root, "endpoint");
    r.debugPod = str(root, "debug_pod");
    r.iface = str(root, "interface", "iface");
    r.filter = str(root, "filter", "bpf_filter");
    r.remoteCommand = strings(root["remote_command"]);
    r.remoteDir = str(root, "remote_dir");
    r.remoteBase = str(root, "remote_base");
    r.pidFile = str(root, "pid_file");
    r.stderrFile = str(root, "stderr_file");
    r.pid = root["pid"].toInt(0);
    r.ringCount = smallInt(root["ring_count"]);
    r.ringSizeMb = smallInt(root["ring_size_mb"]);
    r.snaplen = smallInt(root["snaplen"]);
    r.tcpdumpVersion = str(root, "tcpdump_version");
    r.startTime = str(root, "start_time", "start");
    r.stopTime = str(root, "stop_time", "stop");
    const JsonValue *stats = &root["tcpdump_stats"];
    if (!stats->isObject())
        stats = &root["tcpdump"];
    r.stats.captured = optCount((*stats)["captured"]);
    r.stats.receivedByFilter = optCount((*stats)["received_by_filter"]);
    r.stats.droppedByKernel = optCount((*stats)["dropped_by_kernel"]);
    r.stats.droppedByInterface = optCount((*stats)["dropped_by_interface"]);
    for (const JsonValue &f : root["files"].array()) {
        ManifestFile mf;
        mf.name = f.isString() ? validUtf8(f.toString()) : str(f, "name", "path");
        mf.remotePath = str(f, "remote_path");
        mf.size = optCount(f["size"]).value_or(0);
        mf.sha256 = str(f, "sha256");
        mf.firstTs = f["first_ts"].toDouble();
        mf.lastTs = f["last_ts"].toDouble();
        mf.packets = optCount(f["packets"]).value_or(0);
        mf.truncated = f["truncated"].toBool();
        if (!mf.name.empty())
            r.files.push_back(std::move(mf));
    }
    r.warnings = strings(root["warnings"]);
    for (const JsonValue &e : root["endpoints"].array()) {
        ServiceEndpoint se;
        se.pod = str(e, "pod");
        se.nameSpace = str(e, "namespace");
        se.node = str(e, "node");
        se.ip = str(e, "ip");
        se.port = smallInt(e["port"]);
        if (!se.ip.empty())
            r.endpoints.push_back(std::move(se));
    }
    if (const JsonValue &c = root["conntrack"]; c.isObject()) {
        ConntrackRecord ct;
        ct.method = str(c, "method");
        ct.note = str(c, "note");
        ct.name = str(c, "name");
        ct.remotePath = str(c, "remote_path");
        ct.size = optCount(c["size"]).value_or(0);
        ct.sha256 = str(c, "sha256");
        ct.remoteCommand = strings(c["remote_command"]);
        ct.pidFile = str(c, "pid_file");
        ct.stderrFile = str(c, "stderr_file");
        ct.pid = c["pid"].toInt(0);
        r.conntrack = std::move(ct);
    }
    for (const JsonValue &i : root["interfaces"].array()) {
        CaptureInterface ci;
        ci.index = smallInt(i["index"]);
        ci.name = str(i, "name");
        ci.addresses = strings(i["addresses"]);
        ci.role = str(i, "role");
        if (!ci.name.empty())
            r.interfaces.push_back(std::move(ci));
    }
    return r;
}

Status writeCaptureRecord(const std::string &path, const CaptureRecord &record)
{
    // Written beside the target and renamed over it: readers see the old or the new record, never half
    // of one. Not fsynced: on ext4 that flushed the just-downloaded captures as well (0.25 s after a
    // 500 MB download), and the record is only as durable as those captures anyway.
    const std::string tmp = path + ".tmp" + std::to_string(::getpid());
    const std::string bytes = captureRecordJson(record);
    std::string reason;
    {
        errno = 0; // the stream's failure keeps the system's reason here
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out || !out.write(bytes.data(), static_cast<std::streamsize>(bytes.size())) || !out.flush())
            reason = errno ? std::strerror(errno) : "write failed";
    }
    std::error_code ec;
    if (reason.empty()) {
        std::filesystem::rename(tmp, path, ec);
        if (ec)
            reason = ec.message();
    }
    if (!reason.empty()) {
        std::filesystem::remove(tmp, ec);
        return Error {"cannot write " + path + ": " + reason, path,
            "check that the output directory is writable", ErrorKind::Io};
    }
    return Ok {};
}

Result<CaptureRecord> readCaptureRecord(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        std::error_code ec;
        const bool missing = !std::filesystem::exists(path, ec);
        return Error {"cannot open " + path, path, "is this a capture directory written by lbscope?",
            missing ? ErrorKind::NotFound : ErrorKind::Io};
    }
    std::string text;
    char buf[65536];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
        text.append(buf, static_cast<size_t>(in.gcount()));
        if (text.size() > kMaxRecordBytes)
            return Error {"capture record is larger than 64 MiB", path, {}, ErrorKind::BadInput};
    }
    return parseCaptureRecord(text, path);
}

std::string isoNowUtc()
{
    const auto now = std::chrono::system_clock::now();
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
    const std::time_t secs = static_cast<std::time_t>(ms / 1000);
    std::tm tm {};
    gmtime_r(&secs, &tm);
    char out[96]; // room for any int the fields hold, so that the format cannot be cut
    std::snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
        tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000 + 1000) % 1000);
    return out;
}

} // namespace lbs::pcap
