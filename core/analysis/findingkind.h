#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace lbs::analysis {

/// What a finding diagnoses. Each kind has a stable name (findingKindName) that the JSON report
/// writes as "kind", and a plain-words explanation (findingexplanation.h).
enum class FindingKind : uint8_t {
    FailedHandshakes, ///< SYNs never answered
    IcmpPortUnreachable, ///< SYN answered by ICMP port unreachable (service without endpoints)
    HandshakeRefused, ///< SYN answered by RST
    SynRetransmitted, ///< handshake succeeded only after SYN retransmissions
    ResetsFromServer, ///< established connections reset by the server side
    ResetsFromVip, ///< established connections reset from the VIP address
    ResetsFromClient, ///< established connections reset by the client
    RetransmissionBurst, ///< time span with many retransmissions
    LatencySpike, ///< TTFB p99 far above the capture's own baseline
    SlowBackend, ///< one backend's median TTFB far above the others'
    HttpServerErrors, ///< HTTP 5xx responses
    ZeroWindow, ///< a receiver advertised a zero window
    KernelDrops, ///< tcpdump reported packets dropped by the kernel
    InterfaceDrops, ///< tcpdump reported packets dropped by the interface
    TruncatedFile, ///< a capture file ends inside a packet record
    OverlappingFiles, ///< two capture files cover the same time span
    DuplicateFile, ///< the same capture file was given twice
    HandshakeBeforeCapture, ///< TCP flows already open when the capture started
    IpInIp, ///< packets came through tunnels (any kind; the name predates the others)
    FailedHandshakesInNode, ///< SYNs seen on the VIP interface, never forwarded to any pod
    FailedHandshakesPodSilent, ///< SYNs forwarded to a pod that never answered
    FailedHandshakesReplyLost, ///< a pod's SYN/ACK never left the node towards the client
    DroppedInNode, ///< packets of working connections lost between the VIP and pod interfaces
};

/// Every kind, in declaration order (for tables and tests).
inline constexpr FindingKind kAllFindingKinds[]
    = {FindingKind::FailedHandshakes, FindingKind::IcmpPortUnreachable, FindingKind::HandshakeRefused,
        FindingKind::SynRetransmitted, FindingKind::ResetsFromServer, FindingKind::ResetsFromVip,
        FindingKind::ResetsFromClient, FindingKind::RetransmissionBurst, FindingKind::LatencySpike,
        FindingKind::SlowBackend, FindingKind::HttpServerErrors, FindingKind::ZeroWindow,
        FindingKind::KernelDrops, FindingKind::InterfaceDrops, FindingKind::TruncatedFile,
        FindingKind::OverlappingFiles, FindingKind::DuplicateFile, FindingKind::HandshakeBeforeCapture,
        FindingKind::IpInIp, FindingKind::FailedHandshakesInNode, FindingKind::FailedHandshakesPodSilent,
        FindingKind::FailedHandshakesReplyLost, FindingKind::DroppedInNode};

/// The stable identifier written to the JSON report, e.g. "failed_handshakes".
const char *findingKindName(FindingKind k);

/// The kind whose findingKindName is `name`; nullopt for an unknown name.
std::optional<FindingKind> findingKindFromName(std::string_view name);

} // namespace lbs::analysis
