#include "core/analysis/findingkind.h"

namespace lbs::analysis {

const char *findingKindName(FindingKind k)
{
    switch (k) {
    case FindingKind::FailedHandshakes:
        return "failed_handshakes";
    case FindingKind::IcmpPortUnreachable:
        return "icmp_port_unreachable";
    case FindingKind::HandshakeRefused:
        return "handshake_refused";
    case FindingKind::SynRetransmitted:
        return "syn_retransmitted";
    case FindingKind::ResetsFromServer:
        return "resets_from_server";
    case FindingKind::ResetsFromVip:
        return "resets_from_vip";
    case FindingKind::ResetsFromClient:
        return "resets_from_client";
    case FindingKind::RetransmissionBurst:
        return "retransmission_burst";
    case FindingKind::LatencySpike:
        return "latency_spike";
    case FindingKind::SlowBackend:
        return "slow_backend";
    case FindingKind::HttpServerErrors:
        return "http_server_errors";
    case FindingKind::ZeroWindow:
        return "zero_window";
    case FindingKind::KernelDrops:
        return "kernel_drops";
    case FindingKind::InterfaceDrops:
        return "interface_drops";
    case FindingKind::TruncatedFile:
        return "truncated_file";
    case FindingKind::OverlappingFiles:
        return "overlapping_files";
    case FindingKind::DuplicateFile:
        return "duplicate_file";
    case FindingKind::HandshakeBeforeCapture:
        return "handshake_before_capture";
    case FindingKind::FailedHandshakesInNode:
        return "failed_handshakes_in_node";
    case FindingKind::FailedHandshakesPodSilent:
        return "failed_handshakes_pod_silent";
    case FindingKind::FailedHandshakesReplyLost:
        return "failed_handshakes_reply_lost";
    case FindingKind::DroppedInNode:
        return "dropped_in_node";
    case FindingKind::IpInIp:
        break;
    }
    return "ip_in_ip";
}

std::optional<FindingKind> findingKindFromName(std::string_view name)
{
    for (FindingKind k : kAllFindingKinds)
        if (name == findingKindName(k))
            return k;
    return std::nullopt;
}

} // namespace lbs::analysis
