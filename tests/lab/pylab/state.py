"""lab.json (the contract with kubesim), the fault state, and applying both to the data plane."""
import json
import os
import signal

from . import config as C
from . import kubeproxy
from .sh import read_pid, run, write_atomic
from .topology import holds_vip

NO_FAULTS = {"pods": {}, "drop_syn": {}, "failover": None, "no_endpoints": False,
             "etp": "Cluster", "unready_pods": [], "keepalived_down": [], "split_brain": None,
             "target_port": None, "drop_after_dnat": {}, "pod_silent": [], "reply_lost": {},
             "tunnel": None}


def target_port(faults):
    """The service's targetPort: the pods' port unless the wrong-target-port fault is on."""
    return faults.get("target_port") or C.TARGET_PORT


def load(path, default):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return json.loads(json.dumps(default))


def save(path, value):
    write_atomic(path, json.dumps(value, indent=1, sort_keys=True) + "\n")


def ready_pods(faults):
    if faults.get("no_endpoints"):
        return []
    return [p for p in C.PODS if p.name not in faults.get("unready_pods", [])]


def apply_dataplane(paths, faults):
    """kube-proxy rules and fault rules on every node, from the ready endpoints and the faults."""
    endpoints = [(p.ip, p.node) for p in ready_pods(faults)]
    for n in C.NODES:
        rules = kubeproxy.rules(n.name, endpoints, faults.get("etp", "Cluster"), target_port(faults))
        # split-brain: the standby stops hearing the master's VRRP adverts and becomes master too.
        blocked = None
        if faults.get("split_brain") == n.name:
            blocked = max(C.NODES, key=lambda m: m.keepalived_priority).public_ip
        # drop-after-dnat / reply-lost: {pod: {"node": the VIP node when set, ...}}, that node only.
        after = {C.pod_by_name(p).ip: v["percent"] for p, v in faults.get("drop_after_dnat", {}).items()
                 if v["node"] == n.name}
        lost = [C.pod_by_name(p).ip for p, v in faults.get("reply_lost", {}).items() if v["node"] == n.name]
        rules += kubeproxy.fault_rules(faults.get("drop_syn", {}).get(n.name, 0), blocked, after, lost,
                                       target_port(faults))
        with open(os.path.join(paths.node(n.name), "iptables.rules"), "w") as f:
            f.write(rules)
        run(["ip", "netns", "exec", n.netns, "iptables-restore"], input=rules)


def apply_pod_faults(paths, faults):
    """Rules inside the pods' own namespaces (pod-silent); an empty filter table otherwise."""
    silent = set(faults.get("pod_silent", []))
    for p in C.PODS:
        rules = kubeproxy.pod_fault_rules(p.name in silent)
        with open(os.path.join(paths.pod(p.name), "iptables.rules"), "w") as f:
            f.write(rules)
        run(["ip", "netns", "exec", p.netns, "iptables-restore"], input=rules)


def lab_json(paths, runtime, faults):
    ready = {p.name for p in ready_pods(faults)}
    nodes = []
    for n in C.NODES:
        labels = {
            "kubernetes.io/hostname": n.name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
            "ibm-cloud.kubernetes.io/worker-id": f"kube-lab{n.index:02d}-lbscopelab-default-0000{n.index}",
            "ibm-cloud.kubernetes.io/internal-ip": n.private_ip,
            "ibm-cloud.kubernetes.io/external-ip": n.public_ip,
            "ibm-cloud.kubernetes.io/worker-pool-name": "default", "ibm-cloud.kubernetes.io/zone": "lab1",
            "topology.kubernetes.io/zone": "lab1", "topology.kubernetes.io/region": "lab",
            "publicVLAN": "2700001", "privateVLAN": "2700002",
            "node.kubernetes.io/instance-type": "b3c.4x16",
        }
        nodes.append({"name": n.name, "netns": n.netns, "node_pid": runtime["views"][n.name],
                      "private_ip": n.private_ip, "public_ip": n.public_ip, "labels": labels,
                      "ssh_port": runtime["ssh_ports"][n.name], "ssh_user": C.SSH_USER,
                      "pod_cidr": n.pod_block, "view_dir": paths.node(n.name),
                      "host_dir": os.path.join(paths.node(n.name), "host")})
    pods = []
    for p in C.PODS:
        pods.append({"namespace": C.SERVICE_NS, "name": p.name, "node": p.node, "ip": p.ip,
                     "netns": p.netns, "labels": dict(p.labels, **{"pod-template-hash": "7d9c8b"}),
                     "container": "web", "container_port": C.TARGET_PORT, "host_network": False,
                     "ready": p.name in ready, "uid": runtime["uids"][p.name],
                     "log_file": os.path.join(paths.pod(p.name), "log"),
                     "host_interface": C.cali_name(C.SERVICE_NS, p.name)})
    uid = runtime["uids"]["service"]
    down = faults.get("keepalived_down", [])
    for n in C.NODES:
        if not n.keepalived_priority:
            continue
        name = f"ibm-cloud-provider-ip-{C.vip_dashes()}-{C.KEEPALIVED_POD_HASH}-{C.KEEPALIVED_POD_SUFFIX[n.name]}"
        pods.append({"namespace": "ibm-system", "name": name, "node": n.name, "ip": n.private_ip,
                     "host_network": True,
                     "labels": {"ibm-cloud-provider-ip": C.vip_dashes(),
                                "ibm-cloud-provider-lb-name": ("a" + uid.replace("-", ""))[:32],
                                "ibm-cloud-provider-lb-app": "keepalived", "app": "ibm-cloud-provider-lb",
                                "pod-template-hash": C.KEEPALIVED_POD_HASH},
                     "container": f"ibm-cloud-provider-ip-{C.vip_dashes()}",
                     "ready": faults.get("failover") != n.name and n.name not in down,
                     "uid": runtime["uids"][name],
                     "log_file": os.path.join(paths.node(n.name), "keepalived.log"),
                     "env": {"VIRTUAL_IP": C.VIP}})
        if n.name in down:
            # keepalived exits at once when restarted: what the kubelet shows for such a container.
            pods[-1].update({"restart_count": 7, "waiting": {
                "reason": "CrashLoopBackOff",
                "message": f"back-off 5m0s restarting failed container={pods[-1]['container']} "
                           f"pod={name}_ibm-system({runtime['uids'][name]})"}})
    service = {"namespace": C.SERVICE_NS, "name": C.SERVICE_NAME, "uid": uid, "type": "LoadBalancer",
               "cluster_ip": C.CLUSTER_IP, "vip": C.VIP, "port": C.SERVICE_PORT, "port_name": "http",
               "protocol": "TCP", "target_port": target_port(faults), "node_port": C.NODE_PORT,
               "external_traffic_policy": faults.get("etp", "Cluster"),
               "selector": {"app": "web"},
               "endpoints": [p.name for p in C.PODS if p.name in ready]}
    return {"dir": paths.dir, "cluster_name": C.CLUSTER_NAME, "nodes": nodes, "pods": pods,
            "services": [service], "faults": faults,
            "client": {"netns": C.CLIENT_NS, "ip": C.CLIENT_IP},
            "bastion": {"netns": C.BASTION_NS, "ip": C.BASTION_IP, "ssh_port": runtime["ssh_ports"]["bastion"],
                        "ssh_user": C.SSH_USER, "node_pid": runtime["views"]["bastion"]},
            "ssh_key": paths.ssh_key, "known_hosts": paths.known_hosts, "ssh_config": paths.ssh_config,
            "kubeconfig": paths.kubeconfig}


def publish(paths, runtime, faults):
    """Rewrites lab.json atomically and tells kubesim (SIGHUP) to reload it."""
    save(paths.lab_json, lab_json(paths, runtime, faults))
    pid = read_pid(paths.kubesim_pid)
    if pid:
        try:
            os.kill(pid, signal.SIGHUP)
        except ProcessLookupError:
            pass


def vip_holder_name():
    for n in C.NODES:
        if holds_vip(n):
            return n.name
    return None


def vip_holders_exactly(name):
    holders = [n.name for n in C.NODES if holds_vip(n)]
    return holders == [name]
