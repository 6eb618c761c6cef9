#pragma once
// One simulated TCP connection through the load balancer: its packets (both sides) and truth.

#include "genoptions.h"
#include "groundtruth.h"
#include "prng.h"

#include <cstdint>
#include <string>
#include <vector>

namespace lbs::gen {

enum TcpFlag : uint8_t { Fin = 0x01, Syn = 0x02, Rst = 0x04, Psh = 0x08, Ack = 0x10 };

/// Which side of the load balancer a packet copy was captured on.
enum Side : uint8_t { Public = 0, PodSide = 1 };
/// Direction: client to server, or server to client.
enum Dir : uint8_t { C2s = 0, S2c = 1 };
/// TCP option layout of a segment.
enum OptKind : uint8_t { OptNone = 0, OptSyn = 1, OptTs = 2, OptTsSack = 3 };

/// A packet to write, described compactly; the frame bytes are built only when it is written.
struct PktDesc {
    int64_t ts = 0; ///< capture time, ns since the epoch
    uint32_t seq = 0, ack = 0;
    uint32_t off = 0, len = 0; ///< payload: offset/length in this direction's stream
    uint32_t sackL = 0, sackR = 0;
    uint32_t tsval = 0, tsecr = 0;
    int32_t twin = -1; ///< index of the other side's copy of the same packet (-1: none)
    uint32_t order = 0; ///< creation order, breaks timestamp ties
    uint16_t win = 0;
    uint16_t ipid = 0;
    uint8_t side = Public, dir = C2s, flags = 0, opt = OptNone;
    bool icmp = false; ///< ICMP port unreachable quoting the SYN (seq/tsval/ipid of that SYN)
};

/// Addresses and timing of one connection, chosen by the generator before simulating it.
struct ConnSetup {
    uint32_t index = 0;
    int64_t startNs = 0; ///< public capture time of the first SYN
    uint32_t clientIp = 0;
    uint16_t clientPort = 0;
    uint8_t clientTtl = 58;
    int pod = 0;
    uint32_t vip = 0;
    uint16_t vipPort = 80;
    uint32_t podIp = 0;
    uint16_t podPort = 8080;
    uint32_t podClientIp = 0; ///< client address on the pod side: clientIp, or the node's with SNAT
    uint16_t podClientPort = 0;
    std::optional<FaultKind> fault;
    int requests = 1;
};

/// A simulated connection: packets sorted by (ts, order), the two directions' byte streams, truth.
struct Connection {
    ConnSetup setup;
    std::vector<PktDesc> pkts;
    std::string c2sStream, s2cStream;
    FlowTruth truth[2]; ///< [Public], [PodSide]
    bool hasSide[2] = {true, false};
    std::vector<FaultTruth> faults;
    size_t nextPkt = 0; ///< writer cursor
    bool started[2] = {false, false}; ///< a packet of that side was written
};

/// Simulates one connection with the options' timing model, slow windows and @p setup.fault.
/// Uses only @p rng, so each connection is reproducible on its own.
Connection simulateConnection(const Options &options, const ConnSetup &setup, Rng &rng);

/// "a.b.c.d" for a host-order IPv4 address.
std::string ipString(uint32_t ip);

} // namespace lbs::gen
