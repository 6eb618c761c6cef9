#include "core/analysis/endpointmap.h"

#include "core/common/json.h"

#include <fstream>
#include <sstream>

namespace lbs::analysis {

ManifestTopology parseManifestTopology(std::string_view json)
{
    ManifestTopology t;
    auto doc = parseJson(json);
    if (!doc || !doc->isObject())
        return t;
    for (const JsonValue &e : (*doc)["endpoints"].array()) {
        EndpointInfo info;
        info.ip = pcap::IpAddress::parse(e["ip"].toString());
        if (!info.ip.isSet())
            continue;
        const int64_t port = e["port"].toInt(0);
        info.port = port > 0 && port < 65536 ? static_cast<uint16_t>(port) : 0;
        info.pod = e["pod"].toString();
        info.ns = e["namespace"].toString();
        info.node = e["node"].toString();
        t.endpoints.push_back(std::move(info));
    }
    const JsonValue &ifs = (*doc)["interfaces"];
    if (ifs.isObject()) {
        for (const auto &[key, name] : ifs.object()) {
            char *end = nullptr;
            const long index = std::strtol(key.c_str(), &end, 10);
            if (end && *end == '\0' && index >= 0 && name.isString())
                t.interfaces.emplace_back(static_cast<int32_t>(index), name.toString());
        }
    } else {
        for (const JsonValue &e : ifs.array())
            if (e["index"].isNumber() && e["name"].isString())
                t.interfaces.emplace_back(static_cast<int32_t>(e["index"].toInt()), e["name"].toString());
    }
    return t;
}

ManifestTopology readManifestTopology(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return {};
    std::ostringstream text;
    text << in.rdbuf();
    return parseManifestTopology(text.str());
}

const EndpointInfo *findEndpoint(const std::vector<EndpointInfo> &endpoints, const pcap::Endpoint &ep)
{
    for (const EndpointInfo &e : endpoints)
        if (e.ip == ep.ip && (e.port == 0 || e.port == ep.port))
            return &e;
    return nullptr;
}

} // namespace lbs::analysis
