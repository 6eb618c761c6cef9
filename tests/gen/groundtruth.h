#pragma once
// Ground truth of a generated capture: what every flow really did, computed while generating.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lbs::gen {

/// One HTTP request/response exchange as seen at the capture point of one flow side.
struct RequestTruth {
    double ts = 0; ///< time of the (single-segment) request, seconds since the epoch
    std::string method;
    std::string path;
    std::optional<int> status; ///< nullopt when the server reset instead of answering
    std::optional<double> ttfbUs; ///< last request byte -> first response byte
    std::optional<double> responseUs; ///< last request byte -> last response byte (first transmission)
    uint32_t bodyBytes = 0;
};

/// One TCP flow (one side of a connection: public client->VIP, or post-DNAT client->pod).
struct FlowTruth {
    uint32_t connection = 0; ///< connection index; both sides of a connection share it
    std::string side; ///< "public" or "pod"
    std::string client; ///< "ip:port"
    std::string server; ///< "ip:port"
    int pod = -1; ///< backend pod index chosen by the load balancer
    double firstTs = 0, lastTs = 0;
    int synCount = 0;
    std::optional<double> handshakeRttUs; ///< last SYN before the SYN/ACK -> SYN/ACK
    std::optional<double> ackRttUs; ///< SYN/ACK -> client's ACK
    /// complete | reset | failed_handshake | incomplete | stale (late SYN/ACK + RST: no connection)
    std::string outcome;
    int retransmits = 0; ///< as Wireshark tcp.analysis.retransmission: SYN + data, fast included
    int dataRetransmits = 0; ///< retransmitted data segments only
    int synAckRetransmits = 0; ///< SYN/ACKs sent again (a server answering retransmitted SYNs)
    int fastRetransmits = 0;
    int dupAcks = 0;
    int resets = 0;
    int zeroWindows = 0;
    bool icmpUnreachable = false;
    uint64_t packetsC2s = 0, packetsS2c = 0; ///< TCP packets (an ICMP error about the flow is not counted)
    uint64_t bytesC2s = 0, bytesS2c = 0; ///< frame bytes (orig_len)
    uint64_t payloadC2s = 0, payloadS2c = 0; ///< TCP payload bytes
    std::vector<RequestTruth> requests;
    uint64_t firstPacketIndex = 0; ///< global index of the flow's first packet in the stream
    bool intact = true; ///< every packet of the flow is in the surviving files
    std::string tunnel; ///< "" or the tunnel kind as lbscope names it ("vxlan", ...)
    uint32_t tunnelId = 0; ///< VNI, GRE key or ERSPAN session
    std::string outerClient, outerServer; ///< the tunnel's outer addresses, client side first
    std::optional<double> inNodeUs; ///< both sides: time a packet takes from one side to the other
};

/// A fault that was injected.
struct FaultTruth {
    std::string kind;
    double ts = 0; ///< when it happened (seconds since the epoch)
    uint32_t connection = 0;
    std::string client; ///< client ip:port of the affected connection
    std::string detail;
};

/// One output file that exists at the end (after a ring wrapped, overwritten ones are gone).
struct FileTruth {
    std::string name; ///< file name (no directory)
    uint64_t packets = 0;
    uint64_t bytes = 0;
    double firstTs = 0, lastTs = 0;
};

/// Everything the generator knows about what it wrote.
struct GroundTruth {
    uint64_t seed = 0;
    std::string linktype; ///< "ethernet" or "sll2"
    std::string tunnel; ///< --tunnel name, "" when none
    std::string format; ///< "pcap" or "pcapng"
    bool nanosecond = false;
    std::string vip; ///< "203.0.113.10:80"
    bool snat = false; ///< the pod side's client is the node (10.0.0.2), not the client
    std::vector<std::string> pods; ///< "192.0.2.11:8080", ...
    uint64_t packetsWritten = 0; ///< including packets later overwritten by a wrapped ring
    uint64_t packets = 0; ///< packets in the surviving files
    uint64_t survivingFromIndex = 0;
    bool wrapped = false;
    int rotations = 0;
    std::vector<FileTruth> files; ///< surviving files in time order
    std::vector<FlowTruth> flows; ///< ordered by first packet
    std::vector<FaultTruth> faults;
    uint32_t connections = 0;
};

/// Writes @p truth as JSON (stable field order, so it is byte-identical for the same input).
std::string toJson(const GroundTruth &truth);

} // namespace lbs::gen
