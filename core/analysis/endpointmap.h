#pragma once
// The service's endpoint map and the capture's interface names, read from a capture directory's
// manifest.json: `endpoints` [{"pod","namespace","node","ip","port"}] and `interfaces`
// ({"3": "eth1"} or [{"index": 3, "name": "eth1"}]). Both keys are optional.

#include "core/analysis/captureanalysis.h"

#include <string>
#include <utility>
#include <vector>

namespace lbs::analysis {

struct ManifestTopology {
    std::vector<EndpointInfo> endpoints;
    std::vector<std::pair<int32_t, std::string>> interfaces;
};

/// Reads the keys above from the JSON text of a manifest; entries without a valid ip are skipped.
ManifestTopology parseManifestTopology(std::string_view json);
/// The same from a file; empty when it cannot be read or parsed (the manifest's other keys are
/// read, and reported, by pcap::CaptureSet).
ManifestTopology readManifestTopology(const std::string &path);

/// The endpoint whose ip and port match (an entry with port 0 matches any port), or nullptr.
const EndpointInfo *findEndpoint(const std::vector<EndpointInfo> &endpoints, const pcap::Endpoint &ep);

} // namespace lbs::analysis
