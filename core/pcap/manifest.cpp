#include "core/pcap/manifest.h"

#include "core/common/json.h"

#include <fstream>
#include <sstream>

namespace lbs::pcap {

namespace {

std::optional<uint64_t> optCount(const JsonValue &v)
{
    if (!v.isNumber())
        return std::nullopt;
    const int64_t n = v.toInt(-1);
    if (n < 0)
        return std::nullopt;
    return static_cast<uint64_t>(n);
}

std::string str(const JsonValue &obj, const char *a, const char *b = nullptr)
{
    if (obj[a].isString())
        return obj[a].toString();
    if (b && obj[b].isString())
        return obj[b].toString();
    return {};
}

} // namespace

Result<Manifest> readManifest(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return Error {"cannot open the capture manifest", path, "check the file exists and is readable"};
    std::ostringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    if (text.size() > 64u * 1024 * 1024)
        return Error {"capture manifest is larger than 64 MiB", path, {}};
    auto doc = parseJson(text);
    if (!doc)
        return Error {doc.error().message, path, "the manifest is not valid JSON"};
    const JsonValue &root = *doc;
    if (!root.isObject())
        return Error {"capture manifest is not a JSON object", path, {}};
    Manifest m;
    m.path = path;
    m.transport = str(root, "transport");
    m.context = str(root, "context");
    m.service = str(root, "service");
    m.vip = str(root, "vip", "VIP");
    m.node = str(root, "node");
    m.interfaceName = str(root, "interface", "iface");
    m.filter = str(root, "filter", "bpf_filter");
    m.startTime = str(root, "start_time", "start");
    m.stopTime = str(root, "stop_time", "stop");
    const JsonValue *stats = &root["tcpdump_stats"];
    if (!stats->isObject())
        stats = &root["tcpdump"];
    m.captured = optCount((*stats)["captured"]);
    m.receivedByFilter = optCount((*stats)["received_by_filter"]);
    m.droppedByKernel = optCount((*stats)["dropped_by_kernel"]);
    m.droppedByInterface = optCount((*stats)["dropped_by_interface"]);
    for (const JsonValue &f : root["files"].array()) {
        ManifestFile mf;
        mf.name = f.isString() ? f.toString() : str(f, "name", "path");
        mf.remotePath = str(f, "remote_path");
        mf.size = optCount(f["size"]).value_or(0);
        mf.sha256 = str(f, "sha256");
        mf.firstTs = f["first_ts"].toDouble();
        mf.lastTs = f["last_ts"].toDouble();
        mf.packets = optCount(f["packets"]).value_or(0);
        mf.truncated = f["truncated"].toBool();
        if (!mf.name.empty())
            m.files.push_back(std::move(mf));
    }
    return m;
}

} // namespace lbs::pcap
