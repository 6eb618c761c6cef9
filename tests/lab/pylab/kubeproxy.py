"""kube-proxy (iptables mode) rules for the lab's one LoadBalancer service, per node.

Chain names, comments and the statistic-match probabilities follow kube-proxy's
iptables proxier so that a capture or an iptables-save on a lab node looks like one
from a real cluster.
"""
import base64
import hashlib

from . import config as C

MASQ_MARK = "0x4000/0x4000"
PORT_NAME = f"{C.SERVICE_NS}/{C.SERVICE_NAME}:http"


def _chain(prefix, *parts):
    digest = hashlib.sha256("".join(parts).encode()).digest()
    return prefix + base64.b32encode(digest).decode()[:16]


SVC = _chain("KUBE-SVC-", PORT_NAME, "tcp")
SVL = _chain("KUBE-SVL-", PORT_NAME, "tcp")
EXT = _chain("KUBE-EXT-", PORT_NAME, "tcp")


def sep_chain(ip, target_port=C.TARGET_PORT):
    return _chain("KUBE-SEP-", PORT_NAME, "tcp", f"{ip}:{target_port}")


def _balance(chain, endpoints, target_port):
    """Random choice among endpoints: rule i matches with probability 1/(n-i)."""
    rules = []
    n = len(endpoints)
    for i, ip in enumerate(endpoints):
        stat = ""
        if i < n - 1:
            stat = f"-m statistic --mode random --probability {1.0 / (n - i):.11f} "
        rules.append(f'-A {chain} -m comment --comment "{PORT_NAME} -> {ip}:{target_port}" '
                     f"{stat}-j {sep_chain(ip, target_port)}")
    return rules


def rules(node_name, endpoints, etp, target_port=C.TARGET_PORT):
    """iptables-restore input (nat + filter) for one node.

    target_port: the service's targetPort (the pods listen on C.TARGET_PORT; another value is the
    wrong-target-port fault).
    endpoints: list of (pod_ip, node_name) of the ready endpoints; etp: 'Cluster' or 'Local'."""
    svc_port = f"-p tcp -m tcp --dport {C.SERVICE_PORT}"
    all_ips = [ip for ip, _ in endpoints]
    local_ips = [ip for ip, node in endpoints if node == node_name]
    nat_chains = ["KUBE-SERVICES", "KUBE-POSTROUTING", "KUBE-MARK-MASQ", "KUBE-NODEPORTS"]
    nat = [
        '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
        '-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
        '-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING',
        f"-A KUBE-MARK-MASQ -j MARK --set-xmark {MASQ_MARK}",
        f"-A KUBE-POSTROUTING -m mark ! --mark {MASQ_MARK} -j RETURN",
        "-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0",
        '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" '
        "-j MASQUERADE --random-fully",
    ]
    filt_chains = ["KUBE-SERVICES", "KUBE-EXTERNAL-SERVICES", "KUBE-FORWARD"]
    filt = [
        '-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible '
        'service portals" -j KUBE-EXTERNAL-SERVICES',
        '-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD',
        '-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" '
        "-j KUBE-SERVICES",
        '-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible '
        'service portals" -j KUBE-EXTERNAL-SERVICES',
        '-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" '
        "-j KUBE-SERVICES",
        "-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP",
        '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" '
        f"-m mark --mark {MASQ_MARK} -j ACCEPT",
        '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" '
        "-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
    ]

    if not all_ips:
        # No endpoints at all: kube-proxy rejects in the filter table.
        why = f'-m comment --comment "{PORT_NAME} has no endpoints"'
        reject = "-j REJECT --reject-with icmp-port-unreachable"
        filt += [
            f"-A KUBE-SERVICES -d {C.CLUSTER_IP}/32 -p tcp {why} -m tcp --dport {C.SERVICE_PORT} {reject}",
            f"-A KUBE-EXTERNAL-SERVICES -d {C.VIP}/32 -p tcp {why} -m tcp --dport {C.SERVICE_PORT} {reject}",
            f"-A KUBE-EXTERNAL-SERVICES -m addrtype --dst-type LOCAL -p tcp {why} -m tcp "
            f"--dport {C.NODE_PORT} {reject}",
        ]
    else:
        nat_chains += [SVC, EXT] + [sep_chain(ip, target_port) for ip in all_ips]
        nat += [
            f'-A KUBE-SERVICES -d {C.CLUSTER_IP}/32 -m comment --comment "{PORT_NAME} cluster IP" '
            f"{svc_port} -j {SVC}",
            f'-A {SVC} ! -s {C.POD_CIDR} -d {C.CLUSTER_IP}/32 -m comment --comment "{PORT_NAME} '
            f'cluster IP" {svc_port} -j KUBE-MARK-MASQ',
        ]
        nat += _balance(SVC, all_ips, target_port)
        for ip in all_ips:
            sep = sep_chain(ip, target_port)
            nat += [
                f'-A {sep} -s {ip}/32 -m comment --comment "{PORT_NAME}" -j KUBE-MARK-MASQ',
                f'-A {sep} -p tcp -m comment --comment "{PORT_NAME}" -m tcp '
                f"-j DNAT --to-destination {ip}:{target_port}",
            ]
        external_ok = etp == "Cluster" or local_ips
        if external_ok:
            nat += [
                f'-A KUBE-SERVICES -d {C.VIP}/32 -m comment --comment "{PORT_NAME} loadbalancer IP" '
                f"{svc_port} -j {EXT}",
                f'-A KUBE-NODEPORTS -m comment --comment "{PORT_NAME}" -p tcp -m tcp '
                f"--dport {C.NODE_PORT} -j {EXT}",
            ]
        if etp == "Cluster":
            nat += [
                f'-A {EXT} -m comment --comment "masquerade traffic for {PORT_NAME} external '
                f'destinations" -j KUBE-MARK-MASQ',
                f"-A {EXT} -j {SVC}",
            ]
        else:
            nat += [
                f'-A {EXT} -s {C.POD_CIDR} -m comment --comment "pod traffic for {PORT_NAME} external '
                f'destinations" -j {SVC}',
                f'-A {EXT} -m comment --comment "masquerade LOCAL traffic for {PORT_NAME} external '
                f'destinations" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ',
                f'-A {EXT} -m comment --comment "route LOCAL traffic for {PORT_NAME} external '
                f'destinations" -m addrtype --src-type LOCAL -j {SVC}',
                f"-A {EXT} -j {SVL}",
            ]
            nat_chains.append(SVL)
            nat += _balance(SVL, local_ips, target_port)
            if not local_ips:
                why = f'-m comment --comment "{PORT_NAME} has no local endpoints"'
                filt += [
                    f"-A KUBE-EXTERNAL-SERVICES -d {C.VIP}/32 -p tcp {why} -m tcp "
                    f"--dport {C.SERVICE_PORT} -j DROP",
                    f"-A KUBE-EXTERNAL-SERVICES -m addrtype --dst-type LOCAL -p tcp {why} -m tcp "
                    f"--dport {C.NODE_PORT} -j DROP",
                ]
    nat.append('-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must '
               'be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS')

    out = ["*nat", ":PREROUTING ACCEPT [0:0]", ":INPUT ACCEPT [0:0]", ":OUTPUT ACCEPT [0:0]",
           ":POSTROUTING ACCEPT [0:0]"]
    out += [f":{c} - [0:0]" for c in dict.fromkeys(nat_chains)] + nat + ["COMMIT"]
    out += ["*filter", ":INPUT ACCEPT [0:0]", ":FORWARD ACCEPT [0:0]", ":OUTPUT ACCEPT [0:0]"]
    out += [f":{c} - [0:0]" for c in filt_chains] + filt + ["COMMIT"]
    return "\n".join(out) + "\n"


def fault_rules(drop_syn_percent, block_vrrp_from=None, drop_after_dnat=None, reply_lost=None,
                target_port=C.TARGET_PORT):
    """The lab's own fault injection, kept apart from kube-proxy's chains (mangle table).

    block_vrrp_from: drop the VRRP adverts (IP protocol 112) from that address (split-brain fault).
    drop_after_dnat: {pod_ip: percent}: packets of DNATed connections towards pod_ip:target_port are
    dropped in FORWARD, after kube-proxy's DNAT (nat PREROUTING), so they never leave the node.
    reply_lost: [pod_ip]: the SYN/ACKs of those pods are dropped in FORWARD on the way back."""
    out = ["*mangle", ":PREROUTING ACCEPT [0:0]", ":INPUT ACCEPT [0:0]", ":FORWARD ACCEPT [0:0]",
           ":OUTPUT ACCEPT [0:0]", ":POSTROUTING ACCEPT [0:0]", ":LBS-LAB-FAULTS - [0:0]",
           ":LBS-LAB-FAULTS-FWD - [0:0]",
           '-A PREROUTING -m comment --comment "lbscope lab fault injection" -j LBS-LAB-FAULTS',
           '-A FORWARD -m comment --comment "lbscope lab fault injection after NAT" -j LBS-LAB-FAULTS-FWD']
    if drop_syn_percent:
        p = max(0.0, min(1.0, drop_syn_percent / 100.0))
        out.append(f'-A LBS-LAB-FAULTS -d {C.VIP}/32 -p tcp -m tcp --dport {C.SERVICE_PORT} '
                   f"--tcp-flags FIN,SYN,RST,ACK SYN -m comment --comment "
                   f'"lab fault drop-syn {drop_syn_percent}%" -m statistic --mode random '
                   f"--probability {p:.11f} -j DROP")
    if block_vrrp_from:
        out.append(f"-A LBS-LAB-FAULTS -s {block_vrrp_from}/32 -p 112 -m comment --comment "
                   f'"lab fault split-brain: VRRP from {block_vrrp_from} lost" -j DROP')
    for ip, percent in sorted((drop_after_dnat or {}).items()):
        p = max(0.0, min(1.0, percent / 100.0))
        stat = f"-m statistic --mode random --probability {p:.11f} " if p < 1.0 else ""
        out.append(f"-A LBS-LAB-FAULTS-FWD -d {ip}/32 -p tcp -m tcp --dport {target_port} "
                   f"-m conntrack --ctstate DNAT -m comment --comment "
                   f'"lab fault drop-after-dnat {ip} {percent:g}%" {stat}-j DROP')
    for ip in sorted(reply_lost or []):
        out.append(f"-A LBS-LAB-FAULTS-FWD -s {ip}/32 -p tcp -m tcp --sport {target_port} "
                   f"--tcp-flags SYN,ACK,RST,FIN SYN,ACK -m comment --comment "
                   f'"lab fault reply-lost {ip}: SYN/ACK lost" -j DROP')
    out.append("COMMIT")
    return "\n".join(out) + "\n"


def pod_fault_rules(silent):
    """filter rules inside a pod's own namespace: a silent pod drops every incoming SYN (pod-silent)."""
    out = ["*filter", ":INPUT ACCEPT [0:0]", ":FORWARD ACCEPT [0:0]", ":OUTPUT ACCEPT [0:0]"]
    if silent:
        out.append(f"-A INPUT -p tcp -m tcp --dport {C.TARGET_PORT} --tcp-flags FIN,SYN,RST,ACK SYN "
                   '-m comment --comment "lab fault pod-silent: SYNs never answered" -j DROP')
    out.append("COMMIT")
    return "\n".join(out) + "\n"
