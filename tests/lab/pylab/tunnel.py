"""lab fault tunnel: inter-node pod traffic through VXLAN, as Calico's VXLAN mode (or Flannel) does.

Each node gets a VXLAN device `vxlan.calico` (VNI 4096, UDP 4789, underlay eth0 on the private
network, MTU 1450 = 1500 - 50 bytes of VXLAN overhead) holding the node's tunnel address (the first
address of its IPAM block). As Calico programs it, there is no multicast and no learning: for every
other node a permanent neighbour entry (its tunnel address -> its VTEP MAC) and a permanent FDB entry
(that MAC -> its private address), and the other node's block is routed `via <its tunnel address>
dev vxlan.calico onlink`. Pod veths (both ends) take MTU 1450 like Calico's `veth_mtu`. Traffic
MASQUERADEd towards a pod on another node then leaves with the tunnel address as source, so the
pod's reply comes back through the tunnel too. `disable` puts the plain routes back
(`via <private address> dev eth0`) and deletes the devices; `lab down` deletes them with the
namespaces.
"""
import ipaddress

from . import config as C
from .sh import run

DEVICE = "vxlan.calico"
VNI = 4096
PORT = 4789
MTU = 1450
PLAIN_MTU = 1500


def tunnel_address(node):
    """The node's VXLAN tunnel address: the first address of its IPAM block (Calico's choice)."""
    return str(ipaddress.ip_network(node.pod_block).network_address)


def vtep_mac(node):
    """A fixed, locally administered unicast MAC per node (Calico derives one per node too)."""
    return f"66:6c:62:73:00:{node.index:02x}"


def _ip(netns, *args, check=True):
    return run(["ip", "-n", netns] + list(args), check=check)


def _set_pod_mtu(mtu):
    for p in C.PODS:
        node = C.node_by_name(p.node)
        _ip(node.netns, "link", "set", C.cali_name(C.SERVICE_NS, p.name), "mtu", str(mtu))
        _ip(p.netns, "link", "set", "eth0", "mtu", str(mtu))


def _has_device(netns):
    return _ip(netns, "link", "show", DEVICE, check=False).returncode == 0


def enable():
    for n in C.NODES:
        if _has_device(n.netns):
            _ip(n.netns, "link", "del", DEVICE)
        _ip(n.netns, "link", "add", DEVICE, "type", "vxlan", "id", str(VNI), "local", n.private_ip,
            "dev", "eth0", "dstport", str(PORT), "nolearning")
        _ip(n.netns, "link", "set", DEVICE, "address", vtep_mac(n), "mtu", str(MTU))
        _ip(n.netns, "addr", "add", f"{tunnel_address(n)}/32", "dev", DEVICE)
        _ip(n.netns, "link", "set", DEVICE, "up")
    for n in C.NODES:
        for other in C.NODES:
            if other is n:
                continue
            _ip(n.netns, "neigh", "replace", tunnel_address(other), "lladdr", vtep_mac(other), "dev", DEVICE,
                "nud", "permanent")
            run(["bridge", "-n", n.netns, "fdb", "replace", vtep_mac(other), "dev", DEVICE, "dst",
                 other.private_ip, "self", "permanent"])
            _ip(n.netns, "route", "replace", other.pod_block, "via", tunnel_address(other), "dev", DEVICE,
                "onlink")
    _set_pod_mtu(MTU)


def disable():
    """Plain routes over the private network again; no VXLAN device left. Harmless when off."""
    for n in C.NODES:
        for other in C.NODES:
            if other is not n:
                _ip(n.netns, "route", "replace", other.pod_block, "via", other.private_ip, "dev", "eth0")
        if _has_device(n.netns):
            _ip(n.netns, "link", "del", DEVICE)
    _set_pod_mtu(PLAIN_MTU)


def status(node):
    """{device, vni, port, mtu, address} of the node's VXLAN device, or None when there is none."""
    import json
    out = _ip(node.netns, "-d", "-j", "addr", "show", "dev", DEVICE, check=False)
    if out.returncode != 0:
        return None
    link = json.loads(out.stdout or "[{}]")[0]
    info = link.get("linkinfo", {}).get("info_data", {})
    addrs = [a["local"] for a in link.get("addr_info", []) if a.get("family") == "inet"]
    return {"device": DEVICE, "vni": info.get("id"), "port": info.get("port"), "mtu": link.get("mtu"),
            "address": addrs[0] if addrs else None}
