"""The lab's fixed plan: names, the address plan and where state lives.

Every address comes from the documentation ranges: 198.51.100.0/24 (private
network), 203.0.113.0/24 (public network and the VIP), 192.0.2.0/24 (pods).
"""
import hashlib
import os
import re
from dataclasses import dataclass, field

PREFIX = "lbs-"
CLUSTER_NAME = "lbscope-lab"
PRIVNET_NS = PREFIX + "privnet"
PUBNET_NS = PREFIX + "pubnet"
CLIENT_NS = PREFIX + "client"
BASTION_NS = PREFIX + "bastion"

PUBLIC_GATEWAY = "203.0.113.1"
CLIENT_IP = "203.0.113.100"
BASTION_IP = "198.51.100.5"
VIP = "203.0.113.10"
CLUSTER_IP = "198.51.100.200"
POD_CIDR = "192.0.2.0/24"
SERVICE_NS, SERVICE_NAME = "default", "web"
SERVICE_PORT, TARGET_PORT, NODE_PORT = 80, 8080, 30080
VRID = 51
SSH_USER = "root"
# Non-root logins that exist only inside the lab's node views (a bind-mounted passwd/group/sudoers
# per view; the host's accounts are never touched): name -> (uid, sudo rule). "nopasswd" may run
# anything as root without a password (what lbscope needs, through sudo -n); "password" is in
# sudoers but must type a password (it has none), so sudo -n refuses it; "absent" logs in with a
# PATH (sshd SetEnv) of a few basic tools and no sudo, as on a node where sudo is not installed.
VIEW_USERS = {"lbsuser": (64101, "nopasswd"), "lbsnosudo": (64102, "password"),
              "lbsnosudobin": (64103, "absent")}
# the tools on the PATH of the "absent" user (links into /usr/bin, in ssh-users/no-sudo-bin)
NO_SUDO_TOOLS = ("sh", "id", "uname", "cat", "ls", "mkdir", "df", "ip", "env")
SSH_PORT_BASE = int(os.environ.get("LBSCOPE_LAB_SSH_PORT_BASE", "22010"))


@dataclass
class Node:
    index: int  # 1-based
    name: str
    netns: str
    private_ip: str
    public_ip: str
    pod_block: str  # the node's /26 of the pod range, as Calico's IPAM blocks
    keepalived_priority: int = 0  # 0: no keepalived pod on this node


@dataclass
class Pod:
    index: int
    name: str
    node: str
    ip: str
    netns: str
    labels: dict = field(default_factory=dict)


NODES = [
    Node(1, "lab-node-1", PREFIX + "node1", "198.51.100.11", "203.0.113.11", "192.0.2.0/26", 150),
    Node(2, "lab-node-2", PREFIX + "node2", "198.51.100.12", "203.0.113.12", "192.0.2.64/26", 100),
    Node(3, "lab-node-3", PREFIX + "node3", "198.51.100.13", "203.0.113.13", "192.0.2.128/26", 0),
]

# One web pod per node: the VIP nodes (1, 2) each have one, node 3 has one. So
# etp-local --with-endpoint (the VIP holder has a ready pod) and
# --without-endpoint (the holder's pod turns unready) are both expressible.
PODS = [
    Pod(1, "web-7d9c8b-k4x2m", "lab-node-1", "192.0.2.2", PREFIX + "pod-web-1", {"app": "web"}),
    Pod(2, "web-7d9c8b-p7q9t", "lab-node-2", "192.0.2.66", PREFIX + "pod-web-2", {"app": "web"}),
    Pod(3, "web-7d9c8b-z5w8r", "lab-node-3", "192.0.2.130", PREFIX + "pod-web-3", {"app": "web"}),
]

KEEPALIVED_POD_HASH = "6f7b9d"
KEEPALIVED_POD_SUFFIX = {"lab-node-1": "xk2lp", "lab-node-2": "m9r4v"}


def node_by_name(name):
    for n in NODES:
        if n.name == name or n.netns == name or str(n.index) == name:
            return n
    raise KeyError(f"no lab node named '{name}' (the nodes are {', '.join(n.name for n in NODES)})")


def pod_by_name(name):
    for p in PODS:
        if name in (p.name, p.netns, f"web-{p.index}", p.netns[len(PREFIX):]):
            return p
    raise KeyError(f"no lab pod named '{name}' (the pods are {', '.join(p.name for p in PODS)}, "
                   f"or web-1..web-{len(PODS)})")


def cali_name(namespace, pod_name):
    """Host-side veth name the way Calico derives it: 'cali' + 11 hex of sha1('ns.pod')."""
    return "cali" + hashlib.sha1(f"{namespace}.{pod_name}".encode()).hexdigest()[:11]


def vip_dashes():
    return VIP.replace(".", "-")


_LAB_NS = re.compile(r"^lbs-(node\d+|pod-[a-z0-9-]+|client|bastion|privnet|pubnet)$")


def is_lab_namespace(name):
    """The namespaces 'up' makes (also under names an older layout used); other lbs-* namespaces,
    such as kubesim's own test namespaces, are not the lab's to remove."""
    return bool(_LAB_NS.match(name))


def all_namespaces():
    return ([PRIVNET_NS, PUBNET_NS, CLIENT_NS, BASTION_NS] + [n.netns for n in NODES]
            + [p.netns for p in PODS])


class Paths:
    """Everything the lab writes lives under the lab dir."""

    def __init__(self, lab_dir=None):
        d = lab_dir or os.environ.get("LBSCOPE_LAB_DIR") or "/tmp/lbscope-lab"
        self.dir = os.path.realpath(d)
        self.lab_json = os.path.join(self.dir, "lab.json")
        self.kubeconfig = os.path.join(self.dir, "kubeconfig")
        self.kubesim_pid = os.path.join(self.dir, "kubesim.pid")
        self.state = os.path.join(self.dir, "state")
        self.faults = os.path.join(self.state, "faults.json")
        self.runtime = os.path.join(self.state, "runtime.json")
        self.logs = os.path.join(self.dir, "logs")
        self.ssh = os.path.join(self.dir, "ssh")
        self.ssh_key = os.path.join(self.ssh, "id_ed25519")
        self.authorized_keys = os.path.join(self.ssh, "authorized_keys")
        # the lab key for the non-root view users: sshd reads it as that user, so it lives outside
        # the root-only ssh dir
        self.user_keys_dir = os.path.join(self.dir, "ssh-users")
        self.user_authorized_keys = os.path.join(self.user_keys_dir, "authorized_keys")
        self.no_sudo_bin = os.path.join(self.user_keys_dir, "no-sudo-bin")
        self.known_hosts = os.path.join(self.ssh, "known_hosts")
        self.ssh_config = os.path.join(self.ssh, "config")
        self.forwarders = os.path.join(self.state, "forwarders")

    def node(self, name):
        return os.path.join(self.dir, "nodes", name)

    def pod(self, name):
        return os.path.join(self.dir, "pods", name)
