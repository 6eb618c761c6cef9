#include "core/analysis/captureanalysis.h"

#include <cmath>

namespace lbs::analysis {

// A capture can hold millions of flows: a field added in the wrong place (or a vector where an
// index would do) costs its padding millions of times over.
static_assert(sizeof(Flow) <= 272, "Flow grew: list its fields by size (captureanalysis.h)");

const char *outcomeName(FlowOutcome o)
{
    switch (o) {
    case FlowOutcome::Complete:
        return "complete";
    case FlowOutcome::Reset:
        return "reset";
    case FlowOutcome::FailedHandshake:
        return "failed_handshake";
    case FlowOutcome::Incomplete:
        break;
    }
    return "incomplete";
}

const char *severityName(Severity s)
{
    switch (s) {
    case Severity::Error:
        return "error";
    case Severity::Warning:
        return "warning";
    case Severity::Info:
        break;
    }
    return "info";
}

const char *backendByName(BackendBy b)
{
    switch (b) {
    case BackendBy::NatLeg:
        return "nat-leg";
    case BackendBy::Conntrack:
        return "conntrack";
    case BackendBy::Server:
        return "server";
    case BackendBy::None:
        break;
    }
    return nullptr;
}

const char *legRoleName(LegRole r)
{
    switch (r) {
    case LegRole::Front:
        return "front";
    case LegRole::Back:
        return "back";
    case LegRole::None:
        break;
    }
    return nullptr;
}

const char *inNodePacketName(InNodePacket k)
{
    switch (k) {
    case InNodePacket::Syn:
        return "SYN";
    case InNodePacket::SynAck:
        return "SYN/ACK";
    case InNodePacket::Data:
        return "data";
    case InNodePacket::Fin:
        return "FIN";
    case InNodePacket::Rst:
        return "RST";
    case InNodePacket::Ack:
        break;
    }
    return "ACK";
}

std::string Backend::label() const
{
    if (pod.empty())
        return endpoint.toString();
    std::string s = "pod " + (ns.empty() ? pod : ns + "/" + pod);
    if (!node.empty())
        s += " on " + node;
    return s + " (" + endpoint.toString() + ")";
}

uint64_t CaptureAnalysis::tcpConnections() const
{
    uint64_t n = 0;
    for (const Flow &f : flows)
        n += f.proto == 6 && f.leg != LegRole::Back && !f.staleSynAck;
    return n;
}

std::string CaptureAnalysis::interfaceName(int32_t ifIndex) const
{
    if (ifIndex < 0)
        return {};
    for (const auto &[index, name] : interfaceNames)
        if (index == ifIndex)
            return name;
    return "if " + std::to_string(ifIndex);
}

int64_t Timeline::bucketStartNs(size_t i) const
{
    return t0Ns + static_cast<int64_t>(std::llround(static_cast<double>(i) * bucketSeconds * 1e9));
}

} // namespace lbs::analysis
