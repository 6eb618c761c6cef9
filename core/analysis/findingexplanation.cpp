#include "core/analysis/findingexplanation.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace lbs::analysis {

namespace {

const FindingExplanation kIcmp {
    "The service has no ready endpoints: kube-proxy rejects the SYN with ICMP port unreachable.",
    "<p>A SYN to the VIP answered by <b>ICMP destination unreachable (port unreachable)</b> from "
    "the node, not by a RST, is kube-proxy's REJECT rule for a service <i>that has no "
    "endpoints</i>.</p><p>Check: <code>kubectl get endpointslices -l "
    "kubernetes.io/service-name=…</code>; are the pods Ready? Does the service selector match "
    "the pod labels? Is the targetPort right?</p>"};

const FindingExplanation kRefused {
    "The backend refused the connection: the pod is not listening on the target port.",
    "<p>The SYN was answered by a <b>RST</b>: the connection reached a backend (or the node) but "
    "nothing listens on that port. Typical causes: the pod is not ready yet or crashed, the "
    "service's <code>targetPort</code> does not match the container port, or the app binds to "
    "127.0.0.1 only.</p><p>Check <code>kubectl get endpointslices</code>, the pod's readiness "
    "and logs, and that the container listens on the targetPort on all addresses.</p>"};

const FindingExplanation kSynRetransmitted {
    "Connections succeeded only after a lost first SYN: typically a conntrack/SNAT race or drops.",
    "<p>The first SYN got no answer and the retransmission ~1 s (or 3 s) later succeeded. In "
    "Kubernetes this is the classic <b>SNAT port allocation race</b> (conntrack "
    "<code>insert_failed</code>): connect times cluster at 1 s and 3 s. Check <code>conntrack "
    "-S</code> on the nodes; kube-proxy's <code>--random-fully</code> masquerading mitigates it. "
    "Other causes: a full conntrack table or loss on the path.</p>"};

const FindingExplanation kInNode {
    "SYNs reached the node holding the VIP but were never passed on to any pod.",
    "<p>The capture sees both sides of the node's NAT. These SYNs were seen on the VIP "
    "interface and no copy ever appeared on a pod-side interface: the node itself dropped them, "
    "after they arrived and before they were forwarded.</p><ul><li><b>externalTrafficPolicy: "
    "Local</b> with no ready pod on this node (kube-proxy: \"has no local endpoints\");</li>"
    "<li>the conntrack table is full or an insert failed (<code>conntrack -S</code>: "
    "insert_failed, drop, early_drop; <code>dmesg</code>: \"table full, dropping packet\");</li>"
    "<li>a NetworkPolicy or host firewall rule drops them on the node.</li></ul>"};

const FindingExplanation kPodSilent {"The node forwarded the SYNs to a pod, and that pod never answered.",
    "<p>The SYN came out of the node's NAT towards the pod (seen on the pod-side interface) and "
    "no SYN/ACK and no RST came back. The node did its job; the pod did not: it may be hung, "
    "its network namespace broken, or a NetworkPolicy on the pod side drops the "
    "traffic.</p><p>Check the pod named in the finding: <code>kubectl describe pod</code>, its "
    "events and logs, and its NetworkPolicies. If only this pod is affected, delete it and let "
    "its controller replace it.</p>"};

const FindingExplanation kReplyLost {
    "The pod answered the SYN, but its answer never left the node towards the client.",
    "<p>The pod's SYN/ACK was seen on the pod-side interface and no copy was seen on the VIP "
    "interface: the reply was lost inside the node on its way back (reverse NAT, conntrack entry "
    "gone or marked INVALID, a firewall rule on the return path, or asymmetric routing that "
    "sends it out another way).</p><p>Check <code>conntrack -L</code> for the connection, "
    "<code>conntrack -S</code> for invalid and drop counters, and the node's routes back to the "
    "client.</p>"};

const FindingExplanation kDroppedInNode {
    "Packets of working connections were lost inside the node between the VIP and the pods.",
    "<p>These packets were seen on one side of the node's NAT and their copy never appeared on "
    "the other side: client packets on the VIP interface that never reached a pod interface, or "
    "pod packets that never left on the VIP interface. TCP recovered by retransmitting, at the "
    "cost of delays (a lost SYN costs about 1 s).</p><p>Look at the node: <code>conntrack "
    "-S</code> (insert_failed, drop), softnet drops (<code>/proc/net/softnet_stat</code>), CPU "
    "saturation, and firewall rules. A capture artefact is also possible when tcpdump reports "
    "packets dropped by the kernel.</p>"};

const FindingExplanation kServerErrors {
    "Backends answer with HTTP 5xx: the application or an upstream proxy is failing.",
    "<p>The TCP path works, but the HTTP responses are server errors. A <b>503</b> often means "
    "an ingress/proxy with no healthy upstream or an overloaded app; <b>502/504</b> point to an "
    "upstream that closed the connection or timed out. If one backend address dominates, look at "
    "that pod first (logs, restarts, resource limits).</p>"};

const FindingExplanation kBlackHole {
    "SYNs go unanswered: the packets are black-holed on the way to a backend.",
    "<p>The client retransmits its SYN (Linux: after about 1 s, 3 s, 7 s, 15 s) and never gets a "
    "SYN/ACK. For a Kubernetes load balancer this usually "
    "means:</p><ul><li><b>externalTrafficPolicy: Local</b> and the node holding the VIP has no "
    "local endpoint (kube-proxy drops: \"has no local endpoints\");</li><li>a NetworkPolicy or "
    "security group drops the traffic;</li><li>the conntrack table is full or an insert race "
    "drops the first SYN (clusters of 1 s / 3 s connect times); check <code>conntrack -S</code> "
    "for insert_failed / drop.</li></ul><p>Compare with a capture on the pod "
    "(<code>cali…</code>) interface: a SYN that never arrives there was dropped inside the "
    "node.</p>"};

const FindingExplanation kServerResets {
    "The server side resets connections: the pod is not listening or the app crashed.",
    "<p>A <b>RST from the server side</b> right after the SYN usually means the pod is not "
    "listening on the targetPort (wrong port, app still starting, crashed). Resets in the middle "
    "of connections point to the app closing them, an idle timeout, or stale conntrack state "
    "after an endpoint went away (rolling update).</p><p>Check the pod's readiness probe, its "
    "logs and that targetPort matches the container port.</p>"};

const FindingExplanation kVipResets {
    "Resets come from the VIP: typically a failover or stale conntrack state on the node.",
    "<p>Established connections reset by the VIP address often follow a <b>VIP failover</b> "
    "(keepalived/MetalLB moved the VIP; the new node has no conntrack entry for the flows) or an "
    "INVALID conntrack state. Look for gratuitous ARPs and keepalived state changes at the same "
    "time.</p>"};

const FindingExplanation kClientResets {"Connections are reset; see which side sends the RST.",
    "<p>A RST from the client usually means the client gave up (timeout) or saw an unexpected "
    "packet, e.g. a reply un-NATed with the pod's IP instead of the VIP (stale conntrack). A RST "
    "from the server means the pod refused or aborted the connection.</p>"};

const FindingExplanation kRetransmissions {"Packets are being lost or reordered on the path.",
    "<p>Bursts of retransmissions mean loss on the path or an overloaded receiver. Full-size "
    "segments retransmitted over and over while small ones pass point to an <b>MTU black "
    "hole</b> (overlay encapsulation: IPIP −20 bytes, VXLAN −50 bytes) with ICMP \"fragmentation "
    "needed\" filtered. Compare the retransmission rate per backend to find one bad node or "
    "pod.</p>"};

const FindingExplanation kLatency {
    "Responses got slower than this capture's baseline: one backend or pod is probably slow.",
    "<p>The time from the last request byte to the first response byte grew. kube-proxy spreads "
    "connections at random, so one slow pod shows up as a fraction of slow requests. Group the "
    "slow flows by server in the Flows tab: if they share one backend, look at that pod's CPU "
    "throttling, GC pauses, and its dependencies.</p>"};

const FindingExplanation kZeroWindow {
    "A receiver advertised a zero window: the application is not reading fast enough.",
    "<p>A zero window from the server means the pod's application stalled (overloaded, blocked). "
    "The time spent at zero window is time the app did not read its socket.</p>"};

const FindingExplanation kKernelDrops {
    "tcpdump itself dropped packets: gaps may be capture artefacts, not network loss.",
    "<p>tcpdump reported packets <b>dropped by the kernel</b>: the capture could not keep up. "
    "Missing packets and apparent retransmissions near the drops may not have happened on the "
    "wire. Capture with a narrower filter, a smaller snaplen (<code>-s 128</code>) or a larger "
    "buffer (<code>-B</code>).</p>"};

const FindingExplanation kTruncated {
    "A capture file ends in the middle of a packet (tcpdump was killed): the rest is intact.",
    "<p>The last record of a file is cut short, typically because tcpdump was stopped with "
    "SIGKILL or the disk filled up. Every packet before it is shown; nothing is wrong with the "
    "network.</p>"};

const FindingExplanation kBeforeCapture {
    "Some connections started before the capture: their handshake metrics are unknown.",
    "<p>These flows were already open when the capture started, so their handshake RTT is "
    "unknown and the server was guessed from the port numbers. \"ACKed unseen segment\" at the "
    "start of a capture is normal.</p>"};

const FindingExplanation kOverlap {"Capture files overlap in time: the same packets may appear twice.",
    "<p>Two files of the set cover the same time span (a file copied twice, or two captures "
    "mixed). Duplicated packets would look like retransmissions.</p>"};

const FindingExplanation kIpInIp {
    "Some packets came through a tunnel: the connections inside are analysed, with the tunnel kept "
    "as their path.",
    "<p>Overlay networks (Calico IPIP or VXLAN, Flannel, Cilium, OVN-Kubernetes' Geneve), IPVS in "
    "tunnel mode (IBM NLB 2.0), GRE and ERSPAN mirrors wrap each packet in outer headers. lbscope "
    "reads through them: each connection is analysed by its inner addresses, and the flow's tunnel "
    "(kind, outer addresses, VNI or key) tells which nodes it travelled between.</p><p>A tunnel "
    "costs 20 (IP-in-IP) to 50 (VXLAN) bytes per packet: if full-sized segments are retransmitted "
    "while small ones get through, suspect the MTU on the tunnel path.</p>"};

// Columns a UTF-8 string takes (one per code point; the texts have no wide characters).
size_t columns(const std::string &s)
{
    size_t n = 0;
    for (unsigned char c : s)
        n += (c & 0xC0) != 0x80;
    return n;
}

// Appends `text` to `out` wrapped at `width`: the first line starts with `first`, the next ones
// with `rest` (both count towards the width).
void wrap(std::string &out, const std::string &text, const std::string &first, const std::string &rest,
    size_t width)
{
    std::string line = first;
    size_t lineCols = columns(first);
    bool empty = true;
    size_t at = 0;
    while (at < text.size()) {
        const size_t end = std::min(text.find(' ', at), text.size());
        const std::string word = text.substr(at, end - at);
        at = end + 1;
        if (word.empty())
            continue;
        const size_t wordCols = columns(word);
        if (!empty && lineCols + 1 + wordCols > width) {
            out += line + "\n";
            line = rest;
            lineCols = columns(rest);
            empty = true;
        }
        if (!empty) {
            line += ' ';
            ++lineCols;
        }
        line += word;
        lineCols += wordCols;
        empty = false;
    }
    out += line + "\n";
}

// Blocks of the details markup: paragraphs and list items, tags removed.
struct Block {
    std::string text;
    bool listItem = false;
};

std::vector<Block> blocks(const std::string &html)
{
    std::vector<Block> out;
    Block cur;
    auto flush = [&] {
        if (!cur.text.empty())
            out.push_back(cur);
        cur = Block {};
    };
    for (size_t i = 0; i < html.size();) {
        if (html[i] == '<') {
            const size_t close = html.find('>', i);
            const std::string tag
                = html.substr(i + 1, close == std::string::npos ? std::string::npos : close - i - 1);
            i = close == std::string::npos ? html.size() : close + 1;
            if (tag == "p" || tag == "/p" || tag == "ul" || tag == "/ul" || tag == "/li") {
                flush();
            } else if (tag == "li") {
                flush();
                cur.listItem = true;
            }
            continue; // inline tags (b, i, code) are dropped
        }
        if (html[i] == '&') {
            static const std::pair<const char *, char> entities[]
                = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}};
            bool done = false;
            for (const auto &[name, c] : entities)
                if (html.compare(i, std::char_traits<char>::length(name), name) == 0) {
                    cur.text += c;
                    i += std::char_traits<char>::length(name);
                    done = true;
                    break;
                }
            if (done)
                continue;
        }
        cur.text += html[i++];
    }
    flush();
    return out;
}

} // namespace

const FindingExplanation &explainFinding(FindingKind kind)
{
    switch (kind) {
    case FindingKind::FailedHandshakes:
        return kBlackHole;
    case FindingKind::IcmpPortUnreachable:
        return kIcmp;
    case FindingKind::HandshakeRefused:
        return kRefused;
    case FindingKind::SynRetransmitted:
        return kSynRetransmitted;
    case FindingKind::ResetsFromServer:
        return kServerResets;
    case FindingKind::ResetsFromVip:
        return kVipResets;
    case FindingKind::ResetsFromClient:
        return kClientResets;
    case FindingKind::RetransmissionBurst:
        return kRetransmissions;
    case FindingKind::LatencySpike:
    case FindingKind::SlowBackend:
        return kLatency;
    case FindingKind::HttpServerErrors:
        return kServerErrors;
    case FindingKind::ZeroWindow:
        return kZeroWindow;
    case FindingKind::KernelDrops:
    case FindingKind::InterfaceDrops:
        return kKernelDrops;
    case FindingKind::TruncatedFile:
        return kTruncated;
    case FindingKind::OverlappingFiles:
    case FindingKind::DuplicateFile:
        return kOverlap;
    case FindingKind::HandshakeBeforeCapture:
        return kBeforeCapture;
    case FindingKind::FailedHandshakesInNode:
        return kInNode;
    case FindingKind::FailedHandshakesPodSilent:
        return kPodSilent;
    case FindingKind::FailedHandshakesReplyLost:
        return kReplyLost;
    case FindingKind::DroppedInNode:
        return kDroppedInNode;
    case FindingKind::IpInIp:
        break;
    }
    return kIpInIp;
}

std::string explanationPlainText(const FindingExplanation &ex, const std::string &indent, size_t width)
{
    std::string out;
    wrap(out, ex.headline, indent, indent, width);
    bool previousWasItem = false;
    for (const Block &b : blocks(ex.details)) {
        // A blank line between paragraphs; list items follow each other directly.
        if (!(b.listItem && previousWasItem))
            out += "\n";
        if (b.listItem)
            wrap(out, b.text, indent + "- ", indent + "  ", width);
        else
            wrap(out, b.text, indent, indent, width);
        previousWasItem = b.listItem;
    }
    return out;
}

} // namespace lbs::analysis
