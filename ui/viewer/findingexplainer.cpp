#include "findingexplainer.h"

#include <QCoreApplication>

namespace lbs::ui {

namespace {
QString tr(const char *s)
{
    return QCoreApplication::translate("FindingExplainer", s);
}
bool has(const std::string &text, const char *needle)
{
    return text.find(needle) != std::string::npos;
}
} // namespace

Explanation FindingExplainer::explain(const std::string &kindIn, const std::string &summaryIn)
{
    std::string kind = kindIn, summary = summaryIn;
    for (char &c : kind)
        c = char(std::tolower(static_cast<unsigned char>(c)));
    for (char &c : summary)
        c = char(std::tolower(static_cast<unsigned char>(c)));

    if (has(kind, "icmp") || has(kind, "unreachable") || has(kind, "no_endpoint"))
        return {
            tr("The service has no ready endpoints: kube-proxy rejects the SYN with ICMP port unreachable."),
            tr("<p>A SYN to the VIP answered by <b>ICMP destination unreachable (port unreachable)</b> from "
               "the "
               "node, not by a RST, is kube-proxy's REJECT rule for a service <i>that has no "
               "endpoints</i>.</p>"
               "<p>Check: <code>kubectl get endpointslices -l kubernetes.io/service-name=…</code>; are the "
               "pods "
               "Ready? Does the service selector match the pod labels? Is the targetPort right?</p>")};
    if (has(kind, "refused"))
        return {tr("The backend refused the connection: the pod is not listening on the target port."),
            tr("<p>The SYN was answered by a <b>RST</b>: the connection reached a backend (or the node) but "
               "nothing listens on that port. Typical causes: the pod is not ready yet or crashed, the "
               "service's <code>targetPort</code> does not match the container port, or the app binds to "
               "127.0.0.1 only.</p><p>Check <code>kubectl get endpointslices</code>, the pod's readiness "
               "and logs, and that the container listens on the targetPort on all addresses.</p>")};
    if (has(kind, "syn_retrans"))
        return {tr("Connections succeeded only after a lost first SYN: typically a conntrack/SNAT race or "
                   "drops."),
            tr("<p>The first SYN got no answer and the retransmission ~1 s (or 3 s) later succeeded. In "
               "Kubernetes this is the classic <b>SNAT port allocation race</b> (conntrack "
               "<code>insert_failed</code>): connect times cluster at 1 s and 3 s. Check "
               "<code>conntrack -S</code> on the nodes; kube-proxy's <code>--random-fully</code> "
               "masquerading mitigates it. Other causes: a full conntrack table or loss on the path.</p>")};
    if (has(kind, "http_server_error") || has(kind, "5xx"))
        return {tr("Backends answer with HTTP 5xx: the application or an upstream proxy is failing."),
            tr("<p>The TCP path works, but the HTTP responses are server errors. A <b>503</b> often means "
               "an ingress/proxy with no healthy upstream or an overloaded app; <b>502/504</b> point to an "
               "upstream that closed the connection or timed out. If one backend address dominates, look "
               "at that pod first (logs, restarts, resource limits).</p>")};
    if (has(kind, "failed_handshake") || has(kind, "syn_retr") || has(kind, "black"))
        return {tr("SYNs go unanswered: the packets are black-holed on the way to a backend."),
            tr("<p>The client retransmits its SYN (Linux: after about 1 s, 3 s, 7 s, 15 s) and never gets a "
               "SYN/ACK. For a Kubernetes load balancer this usually means:</p><ul>"
               "<li><b>externalTrafficPolicy: Local</b> and the node holding the VIP has no local endpoint "
               "(kube-proxy drops: \"has no local endpoints\");</li>"
               "<li>a NetworkPolicy or security group drops the traffic;</li>"
               "<li>the conntrack table is full or an insert race drops the first SYN (clusters of 1 s / 3 s "
               "connect times); check <code>conntrack -S</code> for insert_failed / drop.</li></ul>"
               "<p>Compare with a capture on the pod (<code>cali…</code>) interface: a SYN that never "
               "arrives "
               "there was dropped inside the node.</p>")};
    if (has(kind, "reset") || has(kind, "rst")) {
        if (has(summary, "server") || has(kind, "server"))
            return {tr("The server side resets connections: the pod is not listening or the app crashed."),
                tr("<p>A <b>RST from the server side</b> right after the SYN usually means the pod is not "
                   "listening on the targetPort (wrong port, app still starting, crashed). Resets in the "
                   "middle of connections point to the app closing them, an idle timeout, or stale "
                   "conntrack state after an endpoint went away (rolling update).</p>"
                   "<p>Check the pod's readiness probe, its logs and that targetPort matches the container "
                   "port.</p>")};
        if (has(summary, "vip") || has(kind, "vip"))
            return {
                tr("Resets come from the VIP: typically a failover or stale conntrack state on the node."),
                tr("<p>Established connections reset by the VIP address often follow a <b>VIP failover</b> "
                   "(keepalived/MetalLB moved the VIP; the new node has no conntrack entry for the flows) "
                   "or an INVALID conntrack state. Look for gratuitous ARPs and keepalived state "
                   "changes at the same time.</p>")};
        return {tr("Connections are reset; see which side sends the RST."),
            tr("<p>A RST from the client usually means the client gave up (timeout) or saw an unexpected "
               "packet, e.g. a reply un-NATed with the pod's IP instead of the VIP (stale conntrack). A RST "
               "from the server means the pod refused or aborted the connection.</p>")};
    }
    if (has(kind, "retrans"))
        return {tr("Packets are being lost or reordered on the path."),
            tr("<p>Bursts of retransmissions mean loss on the path or an overloaded receiver. Full-size "
               "segments retransmitted over and over while small ones pass point to an <b>MTU black "
               "hole</b> (overlay encapsulation: IPIP −20 bytes, VXLAN −50 bytes) with ICMP "
               "\"fragmentation needed\" filtered. Compare the retransmission rate per backend to find one "
               "bad node or pod.</p>")};
    if (has(kind, "latency") || has(kind, "ttfb") || has(kind, "slow"))
        return {tr("Responses got slower than this capture's baseline: one backend or pod is probably slow."),
            tr("<p>The time from the last request byte to the first response byte grew. kube-proxy spreads "
               "connections at random, so one slow pod shows up as a fraction of slow requests. Group the "
               "slow flows by server in the Flows tab: if they share one backend, look at that pod's CPU "
               "throttling, GC pauses, and its dependencies.</p>")};
    if (has(kind, "zero_window") || has(kind, "window"))
        return {tr("A receiver advertised a zero window: the application is not reading fast enough."),
            tr("<p>A zero window from the server means the pod's application stalled (overloaded, blocked). "
               "The time spent at zero window is time the app did not read its socket.</p>")};
    if (has(kind, "kernel") || has(kind, "drop"))
        return {tr("tcpdump itself dropped packets: gaps may be capture artefacts, not network loss."),
            tr("<p>tcpdump reported packets <b>dropped by the kernel</b>: the capture could not keep up. "
               "Missing packets and apparent retransmissions near the drops may not have happened on the "
               "wire. Capture with a narrower filter, a smaller snaplen (<code>-s 128</code>) or a larger "
               "buffer (<code>-B</code>).</p>")};
    if (has(kind, "truncat"))
        return {tr("A capture file ends in the middle of a packet (tcpdump was killed): the rest is intact."),
            tr("<p>The last record of a file is cut short, typically because tcpdump was stopped with "
               "SIGKILL or the disk filled up. Every packet before it is shown; nothing is wrong with the "
               "network.</p>")};
    if (has(kind, "before_capture") || has(kind, "capture_start") || has(kind, "handshake_before"))
        return {tr("Some connections started before the capture: their handshake metrics are unknown."),
            tr("<p>These flows were already open when the capture started, so their handshake RTT is "
               "unknown and the server was guessed from the port numbers. \"ACKed unseen segment\" at the "
               "start of a capture is normal.</p>")};
    if (has(kind, "overlap") || has(kind, "duplicate"))
        return {tr("Capture files overlap in time: the same packets may appear twice."),
            tr("<p>Two files of the set cover the same time span (a file copied twice, or two captures "
               "mixed). Duplicated packets would look like retransmissions.</p>")};
    if (has(kind, "backend") || has(kind, "server"))
        return {tr("The failures concentrate on one backend."),
            tr("<p>Most failing connections went to the same backend address. Look at that pod and the "
               "node it runs on (readiness, restarts, node network).</p>")};
    return {tr("See the summary for details."),
        tr("<p>No further explanation is known for this kind of finding.</p>")};
}

} // namespace lbs::ui
