#include "core/analysis/endpointmap.h"

#include "core/pcap/capturerecord.h"

namespace lbs::analysis {

namespace {

ManifestTopology topologyOf(const pcap::CaptureRecord &record)
{
    ManifestTopology t;
    for (const pcap::ServiceEndpoint &e : record.endpoints) {
        EndpointInfo info;
        info.ip = pcap::IpAddress::parse(e.ip);
        if (!info.ip.isSet())
            continue;
        info.port = e.port > 0 && e.port < 65536 ? static_cast<uint16_t>(e.port) : 0;
        info.pod = e.pod;
        info.ns = e.nameSpace;
        info.node = e.node;
        t.endpoints.push_back(std::move(info));
    }
    for (const pcap::CaptureInterface &i : record.interfaces)
        if (i.index >= 0)
            t.interfaces.emplace_back(static_cast<int32_t>(i.index), i.name);
    return t;
}

} // namespace

ManifestTopology parseManifestTopology(std::string_view json)
{
    auto record = pcap::parseCaptureRecord(json, {});
    return record ? topologyOf(*record) : ManifestTopology {};
}

ManifestTopology readManifestTopology(const std::string &path)
{
    auto record = pcap::readCaptureRecord(path);
    return record ? topologyOf(*record) : ManifestTopology {};
}

const EndpointInfo *findEndpoint(const std::vector<EndpointInfo> &endpoints, const pcap::Endpoint &ep)
{
    for (const EndpointInfo &e : endpoints)
        if (e.ip == ep.ip && (e.port == 0 || e.port == ep.port))
            return &e;
    return nullptr;
}

} // namespace lbs::analysis
