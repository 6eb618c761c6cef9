#pragma once

#include "core/analysis/findingkind.h"
#include "core/analysis/syntimes.h"
#include "core/common/largeallocator.h"
#include "core/pcap/captureset.h"
#include "core/pcap/decodedpacket.h"
#include "core/pcap/ipaddress.h"
#include "core/pcap/packetindexentry.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lbs::analysis {

/// How a TCP flow ended (docs/contracts.md).
enum class FlowOutcome : uint8_t { Complete, Reset, FailedHandshake, Incomplete };
/// "complete", "reset", "failed_handshake", "incomplete".
const char *outcomeName(FlowOutcome o);

/// Which side sent a flow's first RST.
enum class ResetSide : uint8_t { None, Client, Server };

/// One HTTP/1.x request and its response. Times in nanoseconds; durations derived from them.
struct HttpRequest {
    int64_t tsNs = 0; ///< first request byte
    int64_t requestEndNs = 0; ///< last request byte
    std::string method;
    std::string path; ///< request target, at most 1024 bytes
    std::optional<int> status; ///< final (non-1xx) status code
    std::optional<int64_t> ttfbNs; ///< last request byte -> first response byte
    std::optional<int64_t> responseNs; ///< last request byte -> last response byte
    uint64_t requestBytes = 0; ///< headers + body
    uint64_t responseBytes = 0;
};

/// The tunnel a flow's packets came through: the outermost one, as on its first tunnelled
/// packet, oriented client -> server (docs/contracts.md, `tunnel`).
struct FlowTunnel {
    uint64_t packets = 0; ///< the flow's packets that came tunnelled
    uint32_t id = 0; ///< VXLAN/Geneve VNI, GRE key, ERSPAN session; 0 when none
    pcap::TunnelKind kind = pcap::TunnelKind::None;
    uint8_t depth = 0; ///< encapsulations around the flow's first tunnelled packet
    pcap::IpAddress outerClient; ///< outer source of the client's packets (the client-side end)
    pcap::IpAddress outerServer; ///< outer destination of the client's packets
};

/// A flow's place in a connection seen on both sides of the node's NAT (natlegs.h): the front leg
/// is the copy on the VIP interface (client -> VIP:port), a back leg a post-DNAT copy (-> pod).
enum class LegRole : uint8_t { None, Front, Back };
/// "front", "back"; nullptr for None.
const char *legRoleName(LegRole r);

/// One bidirectional TCP or UDP flow (a "conversation"). Directions: 0 client->server,
/// 1 server->client. A capture can hold millions of flows: the fields are listed by size, so that
/// none of the struct's bytes is padding.
struct Flow {
    int64_t firstTsNs = 0;
    int64_t lastTsNs = 0;
    uint64_t packets[2] = {0, 0};
    uint64_t bytes[2] = {0, 0}; ///< wire bytes
    uint64_t payloadBytes[2] = {0, 0};
    SynTimes synTimesNs; ///< times of the client SYNs (at most 16 kept)
    std::optional<int64_t> handshakeRttNs; ///< last SYN before the SYN/ACK -> SYN/ACK
    std::optional<int64_t> ackRttNs; ///< SYN/ACK -> client's ACK
    int64_t firstResetNs = 0;
    std::vector<HttpRequest> requests;

    uint32_t id = 0; ///< index in CaptureAnalysis::flows
    int32_t ifIndex = -1; ///< SLL2 interface of the first packet, -1 unknown
    uint32_t firstPacket = 0; ///< ordinal of the first packet in the merged capture
    uint32_t lastPacket = 0;
    // TCP handshake
    uint32_t isn[2] = {0, 0}; ///< base for relative seq per direction (SYN seq, else first seq - 1)
    uint32_t synCount = 0; ///< client SYNs, retransmissions included
    uint32_t synAckCount = 0;
    // TCP analysis (Wireshark rules, docs/domain-notes.md, "TCP analysis flags")
    uint32_t retransmits = 0; ///< retransmissions incl. fast and spurious
    uint32_t fastRetransmits = 0;
    uint32_t spuriousRetransmits = 0;
    uint32_t outOfOrder = 0;
    uint32_t dupAcks = 0;
    uint32_t keepAlives = 0;
    uint32_t zeroWindows = 0;
    uint32_t resets = 0;
    int32_t connection = -1; ///< index in CaptureAnalysis::connections when its legs were joined
    /// Index in CaptureAnalysis::tunnels when packets of the flow came encapsulated, else -1
    /// (CaptureAnalysis::tunnelOf).
    int32_t tunnel = -1;

    pcap::Endpoint client; ///< sender of the first SYN (TCP) or first packet (UDP)
    pcap::Endpoint server;

    uint8_t proto = 6; ///< 6 TCP, 17 UDP
    bool serverGuessed = false; ///< no SYN seen: server chosen by port (lower / well-known)
    bool isnKnown[2] = {false, false};
    bool handshakeRst = false; ///< the SYN was answered by a RST
    bool icmpUnreachable = false; ///< the SYN was answered by ICMP destination/port unreachable
    bool handshakeBeforeCapture = false; ///< first packet was not a SYN (or SYN/ACK)
    /// No client SYN and no payload: only the server's late SYN/ACKs (and the client's RSTs) of a
    /// connection its client had given up on (its SYN before the capture, or its ACK lost in the
    /// node). Not a connection: never counted, never a backend's (docs/decisions.md).
    bool staleSynAck = false;
    ResetSide resetBy = ResetSide::None;
    bool finClient = false;
    bool finServer = false;
    FlowOutcome outcome = FlowOutcome::Incomplete;
    bool http = false; ///< HTTP/1.x detected on this flow
    LegRole leg = LegRole::None;
};

/// Time packets spend inside the node between the VIP interface and the pod side, one direction.
struct InNodeDelay {
    uint32_t samples = 0; ///< packets matched with their copy on the other leg
    int64_t medianNs = 0; ///< nearest-rank median (0 when no sample)
    int64_t maxNs = 0;
};

/// One TCP connection seen on both sides of the NAT: its flows (legs) joined by the SYN's ISN
/// (docs/decisions.md, "NAT legs").
struct NatConnection {
    static constexpr size_t kMaxLegs = 4;
    uint32_t id = 0; ///< index in CaptureAnalysis::connections
    uint8_t legCount = 0;
    uint32_t legs[kMaxLegs] = {}; ///< flow ids, the front leg first
    bool snat = false; ///< the back leg's client address differs from the front leg's
    InNodeDelay delay[2]; ///< [0] client->server (front -> back), [1] server->client (back -> front)
    uint32_t dropped[2] = {0, 0}; ///< packets of that direction never seen on the downstream leg
    uint32_t front() const { return legs[0]; }
    /// The leg nearest the pod (the last one joined).
    uint32_t back() const { return legs[legCount ? legCount - 1 : 0]; }
};

/// What kind of packet was lost inside the node.
enum class InNodePacket : uint8_t { Syn, SynAck, Data, Fin, Rst, Ack };
/// "SYN", "SYN/ACK", "data", "FIN", "RST", "ACK".
const char *inNodePacketName(InNodePacket k);

/// A packet seen on the upstream leg with no copy on the downstream leg within the window: for
/// client->server packets the VIP interface is upstream, for server->client ones the pod side.
/// Connections never joined (a SYN that never left the VIP interface) are not listed here; the
/// findings find them by their flow.
struct InNodeDrop {
    uint32_t connection = 0;
    uint8_t dir = 0; ///< 0 client->server, 1 server->client
    InNodePacket kind = InNodePacket::Syn;
    int64_t tsNs = 0; ///< when the upstream copy was seen
};

/// A backend pod's endpoint from the service's endpoints (manifest.json `endpoints`, or given to
/// the analysis): what turns 192.0.2.12:8080 into a pod name.
struct EndpointInfo {
    std::string pod;
    std::string ns;
    std::string node;
    pcap::IpAddress ip;
    uint16_t port = 0;
};

/// Nearest-rank percentiles of one figure (µs in JSON); nullopt when no sample.
struct Percentiles {
    uint32_t samples = 0;
    std::optional<int64_t> p50Ns, p95Ns, p99Ns;
};

/// One backend (ip:port behind the load balancer) and its connections' figures, measured on the
/// leg nearest the pod when the connection was joined. The VIP is never a backend.
struct Backend {
    pcap::Endpoint endpoint;
    std::string pod, ns, node; ///< from the endpoint map; empty when unknown
    uint32_t connections = 0;
    uint32_t requests = 0;
    /// Connections the client never completed (no SYN/ACK reached it), the pod's answer lost or not.
    uint32_t failedHandshakes = 0;
    uint32_t resets = 0; ///< connections that ended with a RST
    uint32_t errors5xx = 0; ///< HTTP responses with status >= 500
    Percentiles handshakeRtt, ttfb, response;
    std::vector<uint32_t> flows; ///< the connections' front flow ids (the flow itself when not joined)
    /// "pod default/web-1 on lab-node-3 (192.0.2.12:8080)", or "192.0.2.12:8080" without a pod.
    std::string label() const;
};

/// How a connection's backend is known (docs/decisions.md, "Conntrack labels"): its back leg in a
/// both-sides capture, the node's conntrack record of a one-side capture, or the flow's own server
/// (a capture that sees the pod's address, not the VIP). None: not known (or no backend, the VIP).
enum class BackendBy : uint8_t { None, NatLeg, Conntrack, Server };
/// "nat-leg", "conntrack", "server"; nullptr for None.
const char *backendByName(BackendBy b);

/// A flow seen on the VIP's side only, whose backend the node's conntrack record names.
struct ConntrackLabel {
    uint32_t flow = 0;
    pcap::Endpoint backend; ///< the reply tuple's source: pod ip:targetPort
    int64_t eventTsNs = 0; ///< the conntrack line it came from
};

/// Per-bucket series (docs/contracts.md, `timeline`). All vectors have the same length.
struct Timeline {
    double bucketSeconds = 1.0;
    int64_t t0Ns = 0; ///< start of bucket 0
    std::vector<uint64_t> packets;
    std::vector<uint64_t> bytes;
    std::vector<uint32_t> newFlows;
    std::vector<uint32_t> failedHandshakes;
    std::vector<uint32_t> resets;
    std::vector<uint32_t> retransmits;
    std::vector<double> ttfbP50Us; ///< NaN where the bucket has no request
    std::vector<double> ttfbP99Us;
    size_t size() const { return packets.size(); }
    /// Start of bucket i in ns.
    int64_t bucketStartNs(size_t i) const;
};

enum class Severity : uint8_t { Info, Warning, Error };
/// "info", "warning", "error".
const char *severityName(Severity s);

/// A diagnosis a person can act on, naming its flows.
struct Finding {
    Severity severity = Severity::Info;
    FindingKind kind = FindingKind::FailedHandshakes; ///< findingKindName() gives its stable name
    std::string summary; ///< one line
    std::vector<uint32_t> flows; ///< flow ids
    int64_t startNs = 0; ///< time span it concerns (0 when not time-bound)
    int64_t endNs = 0;
};

/// Protocol counters over the whole capture.
struct CaptureCounters {
    uint64_t ipv4 = 0, ipv6 = 0, tcp = 0, udp = 0, icmp = 0, other = 0;
    uint64_t fragments = 0; ///< IPv4/IPv6 fragments
    uint64_t tunnelled = 0; ///< packets decoded from inside a tunnel (any kind)
    uint64_t tunnels[6] = {}; ///< the same by outermost pcap::TunnelKind
    uint64_t undecoded = 0; ///< link/network layer not understood
    uint64_t truncatedHeaders = 0; ///< headers cut by snaplen, or impossible (DecodedPacket::malformed)
    uint64_t filteredOut = 0; ///< packets the BPF filter rejected
    uint64_t httpRequests = 0;
};

/// The complete result of one analysis: a plain value snapshot the GUI and CLI adapt.
struct CaptureAnalysis {
    std::vector<pcap::CaptureFileInfo> files;
    std::vector<std::string> warnings;
    std::vector<pcap::DuplicateFile> duplicateFiles; ///< from CaptureSet::duplicates (also in warnings)
    std::optional<pcap::CaptureRecord> manifest; ///< the capture directory's manifest.json
    std::string manifestPath; ///< where manifest was read from
    std::string filter;
    uint64_t packets = 0; ///< packets that passed the filter
    uint64_t bytes = 0; ///< their wire bytes
    int64_t firstTsNs = 0;
    int64_t lastTsNs = 0;
    CaptureCounters counters;
    /// One entry per packet in merged time order (empty if AnalyzerOptions::keepPacketIndex is off).
    pcap::PacketIndex packetIndex;
    std::vector<Flow, LargeAllocator<Flow>> flows; ///< huge-page-backed when large (100k+ flows)
    std::vector<FlowTunnel> tunnels; ///< the tunnelled flows' paths (Flow::tunnel)
    Timeline timeline;
    std::vector<Finding> findings;
    std::vector<NatConnection> connections; ///< connections whose NAT legs were joined
    std::vector<InNodeDrop> inNodeDrops;
    std::vector<EndpointInfo> endpoints; ///< the endpoint map used (AnalyzerOptions or manifest)
    std::vector<std::pair<int32_t, std::string>> interfaceNames; ///< SLL2 index -> name (manifest)
    std::vector<Backend> backends; ///< ordered by endpoint
    std::vector<ConntrackLabel> conntrackLabels; ///< ordered by flow (conntracklabels.h)
    std::vector<BackendBy> backendBy; ///< per flow id, once the backends are computed (backends.h)
    /// The manifest's conntrack method when its record was read ("conntrack-events",
    /// "nf_conntrack-snapshots"), else empty.
    std::string conntrackMethod;
    /// TCP connections counted once: flows that are not a back leg nor stale SYN/ACKs.
    uint64_t tcpConnections() const;
    /// The tunnel a flow's packets came through, nullptr when none came encapsulated.
    const FlowTunnel *tunnelOf(const Flow &f) const
    {
        return f.tunnel >= 0 ? &tunnels[static_cast<size_t>(f.tunnel)] : nullptr;
    }
    /// Name of an SLL2 interface index ("eth1"), or "if 3"; "" for -1.
    std::string interfaceName(int32_t ifIndex) const;
    bool complete = false; ///< false in staged partial snapshots
};

} // namespace lbs::analysis
