#pragma once
// The both-sides parts of the JSON report (docs/contracts.md): `summary`, `connections` (joined
// NAT legs with the in-node delay) and `backends`. Written by jsonreport.cpp.

#include "core/analysis/captureanalysis.h"
#include "core/common/json.h"

#include <optional>

namespace lbs::analysis {

/// `key`: seconds with 9 decimals.
void writeJsonTimestamp(JsonWriter &w, const char *key, int64_t tsNs);
/// `key`: microseconds with up to 3 decimals, or null.
void writeJsonMicros(JsonWriter &w, const char *key, const std::optional<int64_t> &ns);

/// A flow's "backend" (ip:port, or null) and "backend_by" ("nat-leg", "conntrack", "server" or null:
/// how its backend is known, docs/decisions.md "Conntrack labels").
void writeFlowBackend(JsonWriter &w, const CaptureAnalysis &a, const Flow &f);

/// "summary", "connections", "in_node_drops" and "backends" members of the report object.
void writeNatSections(JsonWriter &w, const CaptureAnalysis &a);

} // namespace lbs::analysis
