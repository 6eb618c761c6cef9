#pragma once
// Backends of a one-side capture from the VIP node's conntrack record (docs/decisions.md, "Conntrack
// labels"): a flow to the VIP that no back leg joined is looked up by its original tuple (protocol,
// client ip:port, VIP:port) among the record's entries near its first packet; the entry's reply
// source is the pod ip:targetPort it was DNATed to.

#include "core/analysis/captureanalysis.h"
#include "core/analysis/conntrackevents.h"

namespace lbs::analysis {

/// An entry counts for a flow from this long before its first packet ...
inline constexpr int64_t kConntrackBeforeNs = 1'000'000'000;
/// ... to this long after it (a SYN dropped before the NAT is retried after 1, 2 and 4 s; a snapshot
/// sees an entry up to one read interval late).
inline constexpr int64_t kConntrackAfterNs = 8'000'000'000;
/// An earlier line up to this long before the flow still counts when none is nearer: a connection
/// that reuses the tuple of an entry still in the table gets no NEW event (an UPDATE at most, none
/// when its state does not change), and the snapshot reader writes a tuple once while it stays in
/// the table. A reused tuple that went to another pod is another entry, with its own line.
inline constexpr int64_t kLookbackNs = 600'000'000'000;

/// Fills a.conntrackLabels (ordered by flow) for the TCP/UDP flows that are not part of a joined
/// connection, from `log`. Entries without DNAT (reply source address == original destination address) name
/// nothing.
void labelFromConntrack(CaptureAnalysis &a, const ConntrackLog &log);

/// With a manifest whose `conntrack` record was downloaded: reads it from the manifest's directory,
/// labels the flows and sets a.conntrackMethod; a record that cannot be read is a warning.
void labelFromManifestConntrack(CaptureAnalysis &a);

/// The label of flow `id`, or nullptr.
const ConntrackLabel *conntrackLabelOf(const CaptureAnalysis &a, uint32_t id);

} // namespace lbs::analysis
