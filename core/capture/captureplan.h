#pragma once

#include "core/common/error.h"
#include "core/pcap/capturerecord.h"

#include <string>
#include <utility>
#include <vector>

namespace lbs::capture {

/// What to capture and how: everything needed to build the remote tcpdump command.
/// Values come from users; validate() refuses anything that is not what it claims to be.
struct CapturePlan {
    std::string iface; ///< `[A-Za-z0-9_.:@-]{1,15}`, or "any"
    std::string filter; ///< BPF, passed to tcpdump as ONE argv element
    int snaplen = 262144; ///< -s
    int ringSizeMb = 100; ///< -C, millions of bytes (tcpdump's unit)
    int ringCount = 5; ///< -W
    int bufferKiB = 8192; ///< -B
    std::string remoteDir = "/var/tmp/lbscope";
    std::string name; ///< base file name ("lbscope-node1-20260101T000000Z.pcap")
    double durationSec = 0; ///< 0 = until stopped
    std::string tcpdump = "tcpdump"; ///< program on the node
    /// Record the node's conntrack for the VIP during the capture (core/capture/conntrackrecorder.h),
    /// so that a one-side capture still names each connection's backend. Needs vip.
    bool conntrack = false;
    std::string conntrackTool = "conntrack"; ///< program on the node (missing: /proc snapshots)
    // labels for manifest.json
    std::string context;
    std::string service;
    std::string vip;
    std::vector<pcap::ServiceEndpoint> endpoints; ///< the service's backends (pod names for the analysis)
    std::vector<pcap::CaptureInterface> interfaces; ///< the node's interfaces (names for -i any's indexes)

    /// remoteDir + "/" + name: tcpdump's -w argument (rotated files get a numeric suffix).
    std::string remoteBase() const { return remoteDir + "/" + name; }
    std::string pidFile() const { return remoteBase() + ".pid"; }
    std::string stderrFile() const { return remoteBase() + ".stderr"; }
    /// The whole ring in bytes (what must fit on the node's disk).
    unsigned long long ringBytes() const;
};

/// True for names Linux accepts for network interfaces and lbscope passes on: `[A-Za-z0-9_.:@-]{1,15}`.
bool isValidInterfaceName(const std::string &name);

/// Checks every field of the plan; the Error names the field and the accepted form.
Status validate(const CapturePlan &plan);

/// The tcpdump argv (no shell): tcpdump -i IF -nn -s N -B K -Z root -U -C M -W W -w BASE [-- FILTER]
std::vector<std::string> tcpdumpArgv(const CapturePlan &plan);

/// The filter of a capture that sees both sides of a service's NAT: the VIP on its ports (the client's
/// side, before DNAT) or any endpoint on its target port (after DNAT, SNATed or not), e.g.
/// "(host 203.0.113.10 and port 80) or (port 8080 and (host 192.0.2.2 or host 192.0.2.66))", plus the
/// VXLAN (UDP 4789/8472) and IP-in-IP packets whose inner IPv4 header and TCP port are an endpoint's
/// (an overlay's encapsulated copy on the node's uplink; up to 128 IPv4 endpoints). The tool's own
/// traffic (SSH, the API server and kubelet streams of a debug pod) matches none of these. Empty when
/// there is no VIP or port.
std::string serviceFilter(const std::string &vip, const std::vector<int> &ports,
    const std::vector<pcap::ServiceEndpoint> &endpoints);

/// Parses --ring "100x5" (SIZE_MB x COUNT).
Result<std::pair<int, int>> parseRing(const std::string &text);

/// Parses --duration "90", "90s", "5m", "1h", "1h30m". Returns seconds.
Result<double> parseDuration(const std::string &text);

/// Parses --snaplen: a whole number of bytes 0..262144 (0 = tcpdump's default); "12abc", "", "+5",
/// " 5" and "1e3" are refused.
Result<int> parseSnaplen(const std::string &text);

} // namespace lbs::capture
