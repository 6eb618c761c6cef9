#pragma once
// The verdict of a capture in one sentence: what failed, how, when, through which node and interface,
// and to which backend where the capture shows it ("18 of 343 connections through lab-node-1 eth1 got
// no SYN/ACK between 17:06:33 and 17:06:55; all first SYNs were retransmitted after 1 s"). Built from a
// finished analysis; the wizard shows it above the findings. No Qt.

#include "core/analysis/captureanalysis.h"

#include <string>
#include <utility>
#include <vector>

namespace lbs::analysis {

/// What the analysis itself does not know.
struct VerdictContext {
    std::string node; ///< empty: the manifest's node
    std::string iface; ///< empty: the manifest's interface
    int utcOffsetSeconds = 0; ///< times are written as HH:MM:SS at this offset from UTC
    /// Backend pod names by IP ("10.244.1.5" -> "default/web-2"), for naming where connections went.
    std::vector<std::pair<std::string, std::string>> backends;
};

/// Which problem the sentence is about (the first that the capture shows, in this order).
enum class VerdictKind {
    NoConnections, ///< no TCP handshake was captured
    NoSynAck, ///< SYNs never answered
    Refused, ///< SYNs answered by RST
    Unreachable, ///< SYNs answered by ICMP unreachable
    SynRetried, ///< connected only after SYN retransmissions
    ServerResets, ///< established connections reset by the server side
    SlowResponses, ///< HTTP requests waiting far longer than the median
    Healthy, ///< nothing of the above
};

struct Verdict {
    VerdictKind kind = VerdictKind::NoConnections;
    std::string sentence;
    int affected = 0; ///< connections (or requests) the sentence counts as failed
    int total = 0; ///< connections (or requests) it counts them among
};

Verdict computeVerdict(const CaptureAnalysis &analysis, const VerdictContext &context);

/// What to do next about a verdict of `kind`, in plain words (one or two sentences).
const char *verdictAdvice(VerdictKind kind);

/// "HH:MM:SS" of `ns` (since the epoch, UTC) at `utcOffsetSeconds`.
std::string clockTime(int64_t ns, int utcOffsetSeconds);

} // namespace lbs::analysis
