"""Builds the namespaces, the two bridged networks, node and pod links, routes and node views."""
import os

from . import config as C
from .sh import LabError, in_view, ns, read_pid, run, spawn, wait_for


def existing_lab_namespaces():
    out = run(["ip", "netns", "list"]).stdout
    return [line.split()[0] for line in out.splitlines() if C.is_lab_namespace(line.split()[0])]


def _ip(netns, *args):
    run(["ip", "-n", netns] + list(args))


def _sysctl(netns, key, value):
    run(ns(netns, "sysctl", "-qw", f"{key}={value}"))


def create_namespaces():
    for name in C.all_namespaces():
        run(["ip", "netns", "add", name])
        _ip(name, "link", "set", "lo", "up")


def create_networks():
    """One bridge per network, each inside its own namespace, never in the host's."""
    for netns in (C.PRIVNET_NS, C.PUBNET_NS):
        _ip(netns, "link", "add", "br0", "type", "bridge")
        _ip(netns, "link", "set", "br0", "up")
    # The public network's gateway: the nodes' default route points here (IBM workers
    # route to the internet through their public VLAN). The namespace does not forward.
    _ip(C.PUBNET_NS, "addr", "add", f"{C.PUBLIC_GATEWAY}/24", "dev", "br0")


def _attach(netns, ifname, bridge_ns, port_name, cidr):
    """A veth pair created directly between netns and the bridge's namespace."""
    _ip(netns, "link", "add", ifname, "type", "veth", "peer", "name", port_name, "netns", bridge_ns)
    _ip(bridge_ns, "link", "set", port_name, "master", "br0")
    _ip(bridge_ns, "link", "set", port_name, "up")
    _ip(netns, "addr", "add", cidr, "dev", ifname)
    _ip(netns, "link", "set", ifname, "up")


def create_hosts():
    for n in C.NODES:
        _attach(n.netns, "eth0", C.PRIVNET_NS, f"node{n.index}", f"{n.private_ip}/24")
        _attach(n.netns, "eth1", C.PUBNET_NS, f"node{n.index}", f"{n.public_ip}/24")
        _ip(n.netns, "route", "add", "default", "via", C.PUBLIC_GATEWAY, "dev", "eth1")
        for key, value in (("net.ipv4.ip_forward", 1), ("net.ipv4.conf.all.rp_filter", 0),
                           ("net.ipv4.conf.default.rp_filter", 0)):
            _sysctl(n.netns, key, value)
        # Calico's IPAM block for this node, and the other nodes' blocks over the private network.
        _ip(n.netns, "route", "add", "blackhole", n.pod_block)
        for other in C.NODES:
            if other is not n:
                _ip(n.netns, "route", "add", other.pod_block, "via", other.private_ip, "dev", "eth0")
    _attach(C.CLIENT_NS, "eth0", C.PUBNET_NS, "client", f"{C.CLIENT_IP}/24")
    _attach(C.BASTION_NS, "eth0", C.PRIVNET_NS, "bastion", f"{C.BASTION_IP}/24")


def create_pods():
    """Pods hang off veth pairs named cali<hash> on the node, wired as Calico does:
    a /32 on the pod, a default route via 169.254.1.1, proxy ARP on the node side."""
    for p in C.PODS:
        node = C.node_by_name(p.node)
        cali = C.cali_name(C.SERVICE_NS, p.name)
        _ip(node.netns, "link", "add", cali, "type", "veth", "peer", "name", "eth0", "netns", p.netns)
        _ip(node.netns, "link", "set", cali, "address", "ee:ee:ee:ee:ee:ee")
        _sysctl(node.netns, f"net.ipv4.conf.{cali}.proxy_arp", 1)
        _sysctl(node.netns, f"net.ipv4.neigh.{cali}.proxy_delay", 0)
        _ip(node.netns, "link", "set", cali, "up")
        _ip(node.netns, "route", "add", f"{p.ip}/32", "dev", cali, "scope", "link")
        _ip(p.netns, "addr", "add", f"{p.ip}/32", "dev", "eth0")
        _ip(p.netns, "link", "set", "eth0", "up")
        _ip(p.netns, "route", "add", "169.254.1.1", "dev", "eth0", "scope", "link")
        _ip(p.netns, "route", "add", "default", "via", "169.254.1.1", "dev", "eth0")


# The view anchor: a private mount + UTS namespace inside the node's network namespace where
# /tmp, /var/tmp and /root (root's home: no host dotfiles) are the node's own directories and
# /run is a private tmpfs; /etc/passwd, group, hosts and sudoers are the view's own copies (the
# host's plus the lab's non-root users and the node's name), bound over the host's. If the lab dir
# itself lives under /tmp or /var/tmp, it is bind-mounted back at its own path first so that
# daemons in the view can still read their configuration from it.
_VIEW_SCRIPT = r'''
set -eu
lab=$1 nd=$2 host=$3
for pair in "/tmp:$nd/tmp" "/var/tmp:$nd/var-tmp" "/root:$nd/root"; do
    top=${pair%%:*} src=${pair#*:}
    case "$lab/" in
        "$top"/*) rel=${lab#"$top"/}; mkdir -p "$src/$rel"; mount --bind "$lab" "$src/$rel" ;;
    esac
    mount --rbind "$src" "$top"
done
mount -t tmpfs -o mode=0755,size=16m lbs-run /run
mkdir -p /run/sshd
for f in passwd group hosts sudoers; do
    if [ -f "$nd/etc/$f" ] && [ -f "/etc/$f" ]; then mount --bind "$nd/etc/$f" "/etc/$f"; fi
done
mount --bind "$nd/tmp" "$nd/host/tmp"
mount --bind "$nd/var-tmp" "$nd/host/var/tmp"
hostname "$host"
echo $$ > "$nd/view.pid.tmp"
mv "$nd/view.pid.tmp" "$nd/view.pid"
exec sleep infinity
'''


def _append_missing(src, dst, lines, mode=0o644):
    """dst = src plus those of lines whose first field (a name) src does not have yet."""
    with open(src) as f:
        have = f.read()
    names = {ln.split(":", 1)[0] for ln in have.splitlines() if ln and not ln.startswith("#")}
    extra = [ln for ln in lines if ln.split(":", 1)[0] not in names]
    with open(dst, "w") as f:
        f.write(have if have.endswith("\n") or not have else have + "\n")
        f.write("".join(ln + "\n" for ln in extra))
    os.chmod(dst, mode)


def write_view_etc(view_dir, host_name):
    """The view's passwd/group (host accounts + C.VIEW_USERS, home /tmp, no password: '*' is not
    a locked account for sshd), hosts (the node name resolves, so sudo stays quiet) and, when sudo
    is installed, a sudoers of its own."""
    etc = os.path.join(view_dir, "etc")
    os.makedirs(etc, exist_ok=True)
    _append_missing("/etc/passwd", os.path.join(etc, "passwd"),
                    [f"{u}:*:{uid}:{uid}:lbscope lab user:/tmp:/bin/sh" for u, (uid, _) in C.VIEW_USERS.items()])
    _append_missing("/etc/group", os.path.join(etc, "group"),
                    [f"{u}:x:{uid}:" for u, (uid, _) in C.VIEW_USERS.items()])
    with open("/etc/hosts") as f:
        hosts = f.read()
    with open(os.path.join(etc, "hosts"), "w") as f:
        f.write(hosts + ("" if hosts.endswith("\n") else "\n") + f"127.0.1.1\t{host_name}\n")
    if os.path.exists("/etc/sudoers"):
        rules = {"nopasswd": "ALL=(ALL:ALL) NOPASSWD: ALL", "password": "ALL=(ALL:ALL) ALL"}
        path = os.path.join(etc, "sudoers")
        with open(path, "w") as f:
            f.write("# sudoers of a lbscope lab node view (bound over /etc/sudoers inside the view only)\n"
                    "Defaults env_reset\n"
                    "Defaults use_pty\n"  # as Debian 12's default sudoers
                    'Defaults secure_path="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"\n'
                    "root ALL=(ALL:ALL) ALL\n")
            for u, (_, rule) in C.VIEW_USERS.items():
                if rule in rules:
                    f.write(f"{u} {rules[rule]}\n")
        os.chmod(path, 0o440)


def start_view(paths, netns, host_name, view_dir):
    for sub in ("tmp", "var-tmp", "root", "host/tmp", "host/var/tmp"):
        os.makedirs(os.path.join(view_dir, sub), exist_ok=True)
    write_view_etc(view_dir, host_name)
    os.chmod(os.path.join(view_dir, "tmp"), 0o1777)
    os.chmod(os.path.join(view_dir, "var-tmp"), 0o1777)
    os.chmod(os.path.join(view_dir, "root"), 0o700)
    argv = ns(netns, "unshare", "--mount", "--uts", "--propagation", "private", "--",
              "/bin/sh", "-c", _VIEW_SCRIPT, "lbs-view", paths.dir, view_dir, host_name)
    spawn(argv, os.path.join(view_dir, "view.log"))
    pid_file = os.path.join(view_dir, "view.pid")
    pid = wait_for(lambda: read_pid(pid_file), 10, what=f"the node view of {host_name} "
                   f"(see {view_dir}/view.log)")
    # the anchor must really be in the node's network namespace
    want = os.stat(f"/run/netns/{netns}").st_ino
    if os.stat(f"/proc/{pid}/ns/net").st_ino != want:
        raise LabError(f"the view process {pid} of {host_name} is not in netns {netns}")
    return pid


def view_pid(paths, node_name):
    return read_pid(os.path.join(paths.node(node_name), "view.pid"))


def holds_vip(node):
    """Live: does the node have the VIP on an interface? (ip -j addr in its namespace)."""
    import json
    out = run(["ip", "-n", node.netns, "-j", "addr", "show"], check=False).stdout or "[]"
    for link in json.loads(out):
        for a in link.get("addr_info", []):
            if a.get("local") == C.VIP:
                return link.get("ifname")
    return None


def vip_holders():
    return [n.name for n in C.NODES if holds_vip(n)]


def check_view(pid, netns):
    try:
        return os.stat(f"/proc/{pid}/ns/net").st_ino == os.stat(f"/run/netns/{netns}").st_ino
    except OSError:
        return False


def run_in_view(pid, *argv, check=True, timeout=30):
    return run(in_view(pid, *argv), check=check, timeout=timeout)
