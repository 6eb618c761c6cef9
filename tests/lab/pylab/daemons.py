"""The lab's long-running processes: pod servers, keepalived, sshd and the loopback forwarders."""
import json
import os
import shutil
import socket

from . import config as C
from .sh import LabError, in_view, kill_pids, ns, pid_alive, read_pid, run, spawn, wait_for, write_atomic

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PYTHON = "/usr/bin/python3"
DEFAULT_CONTROL = {"latency_ms": 0, "error_rate": 0.0, "reset_rate": 0.0}


# ---- pods -------------------------------------------------------------------------------------
def write_control(paths, pod, values):
    d = paths.pod(pod.name)
    os.makedirs(d, exist_ok=True)
    write_atomic(os.path.join(d, "control.json"), json.dumps(values, sort_keys=True) + "\n")


def read_control(paths, pod):
    try:
        with open(os.path.join(paths.pod(pod.name), "control.json")) as f:
            return {**DEFAULT_CONTROL, **json.load(f)}
    except (OSError, ValueError):
        return dict(DEFAULT_CONTROL)


def start_pod_servers(paths):
    for p in C.PODS:
        d = paths.pod(p.name)
        write_control(paths, p, DEFAULT_CONTROL)
        argv = ns(p.netns, PYTHON, "-u", os.path.join(HERE, "podserver.py"), "--pod", p.name,
                  "--node", p.node, "--port", str(C.TARGET_PORT), "--control", os.path.join(d, "control.json"))
        pid = spawn(argv, os.path.join(d, "log"))
        write_atomic(os.path.join(d, "server.pid"), f"{pid}\n")
    for p in C.PODS:
        wait_for(lambda: _listening(p.netns, C.TARGET_PORT), 10,
                 what=f"pod {p.name} to listen on :{C.TARGET_PORT} (see {paths.pod(p.name)}/log)")


def _listening(netns, port):
    out = run(ns(netns, "ss", "-Hltn", f"sport = :{port}"), check=False).stdout
    return bool(out and out.strip())


# ---- keepalived -------------------------------------------------------------------------------
def keepalived_conf(node):
    peers = [n for n in C.NODES if n.keepalived_priority and n is not node]
    state = "MASTER" if node.keepalived_priority == max(n.keepalived_priority for n in C.NODES) else "BACKUP"
    peer_lines = "\n".join(f"        {p.public_ip}" for p in peers)
    return f"""# keepalived of the IBM-style NLB 1.0 pod on {node.name} (lbscope lab)
global_defs {{
    router_id {node.name}
    vrrp_garp_master_delay 1
    vrrp_garp_master_repeat 3
    vrrp_garp_master_refresh 10
}}
vrrp_instance ibm_nlb_{C.vip_dashes().replace('-', '_')} {{
    state {state}
    interface eth1
    virtual_router_id {C.VRID}
    priority {node.keepalived_priority}
    advert_int 1
    unicast_src_ip {node.public_ip}
    unicast_peer {{
{peer_lines}
    }}
    virtual_ipaddress {{
        {C.VIP}/32 dev eth1
    }}
}}
"""


def start_keepalived(paths, node, view):
    d = paths.node(node.name)
    conf = os.path.join(d, "keepalived.conf")
    with open(conf, "w") as f:
        f.write(keepalived_conf(node))
    argv = in_view(view, "/usr/sbin/keepalived", "--vrrp", "--dont-fork", "--log-console",
                   "--log-detail", "--no-syslog", "-f", conf, "-p", os.path.join(d, "keepalived.pid"),
                   "-r", os.path.join(d, "keepalived-vrrp.pid"))
    spawn(argv, os.path.join(d, "keepalived.log"))
    wait_for(lambda: keepalived_pid(paths, node), 10,
             what=f"keepalived on {node.name} (see {d}/keepalived.log)")


def keepalived_pid(paths, node):
    pid = read_pid(os.path.join(paths.node(node.name), "keepalived.pid"))
    return pid if pid and pid_alive(pid) else None


def stop_keepalived(paths, node):
    pid = keepalived_pid(paths, node)
    if pid:
        vrrp = read_pid(os.path.join(paths.node(node.name), "keepalived-vrrp.pid"))
        kill_pids([pid] + ([vrrp] if vrrp else []), grace=5)


# ---- ssh --------------------------------------------------------------------------------------
def make_user_key(paths):
    os.makedirs(paths.ssh, mode=0o700, exist_ok=True)
    run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "lbscope-lab-user", "-f", paths.ssh_key])
    with open(paths.ssh_key + ".pub") as src, open(paths.authorized_keys, "w") as dst:
        dst.write(src.read())
    os.chmod(paths.authorized_keys, 0o600)
    # the same key for the view's non-root users (C.VIEW_USERS): readable by them
    os.makedirs(paths.user_keys_dir, mode=0o755, exist_ok=True)
    os.chmod(paths.user_keys_dir, 0o755)
    shutil.copyfile(paths.authorized_keys, paths.user_authorized_keys)
    os.chmod(paths.user_authorized_keys, 0o644)
    os.makedirs(paths.no_sudo_bin, mode=0o755, exist_ok=True)
    for tool in C.NO_SUDO_TOOLS:
        src = shutil.which(tool, path="/usr/sbin:/usr/bin:/sbin:/bin")
        if src:
            os.symlink(src, os.path.join(paths.no_sudo_bin, tool))


def sshd_conf(d, paths):
    return f"""# sshd of a lbscope lab host: key auth only, its own host key
Port 22
ListenAddress 0.0.0.0
HostKey {d}/ssh_host_ed25519_key
PidFile {d}/sshd.pid
AuthorizedKeysFile {paths.authorized_keys}
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
AllowTcpForwarding yes
X11Forwarding no
PrintMotd no
PrintLastLog no
Subsystem sftp internal-sftp
Match User {",".join(C.VIEW_USERS)}
    AuthorizedKeysFile {paths.user_authorized_keys}
Match User {",".join(u for u, (_, rule) in C.VIEW_USERS.items() if rule == "absent")}
    SetEnv PATH={paths.no_sudo_bin}
"""


def start_sshd(paths, d, view):
    """sshd inside a view (node or bastion); returns its host public key line."""
    key = os.path.join(d, "ssh_host_ed25519_key")
    run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "lbscope-lab-host", "-f", key])
    conf = os.path.join(d, "sshd_config")
    with open(conf, "w") as f:
        f.write(sshd_conf(d, paths))
    run(in_view(view, "/usr/sbin/sshd", "-f", conf, "-E", os.path.join(d, "sshd.log")))
    wait_for(lambda: read_pid(os.path.join(d, "sshd.pid")), 10, what=f"sshd (see {d}/sshd.log)")
    with open(key + ".pub") as f:
        return " ".join(f.read().split()[:2])


def free_port(start):
    for port in range(start, start + 200):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            s.bind(("127.0.0.1", port))
            return port
        except OSError:
            continue
        finally:
            s.close()
    raise LabError(f"no free TCP port on 127.0.0.1 between {start} and {start + 199} for the SSH forwarders")


def start_forwarder(paths, name, netns, port):
    """A socat on the host's loopback that relays each connection into netns port 22."""
    os.makedirs(paths.forwarders, exist_ok=True)
    helper = os.path.join(HERE, "ns-connect")
    argv = ["socat", f"TCP-LISTEN:{port},bind=127.0.0.1,reuseaddr,fork",
            f"EXEC:{helper} {netns} 22"]
    pid = spawn(argv, os.path.join(paths.logs, f"forward-{name}.log"))
    write_atomic(os.path.join(paths.forwarders, f"{name}.pid"), f"{pid}\n")
    wait_for(lambda: _port_open(port), 5, what=f"the SSH forwarder for {name} on 127.0.0.1:{port}")
    return pid


def _port_open(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(0.5)
    try:
        s.connect(("127.0.0.1", port))
        return True
    except OSError:
        return False
    finally:
        s.close()


def write_ssh_files(paths, hosts):
    """known_hosts for the loopback forwards and the private addresses, and an ssh config.

    hosts: list of dicts {name, port, ip, hostkey}; the bastion is the one named 'bastion'."""
    lines = []
    for h in hosts:
        names = [f"[127.0.0.1]:{h['port']}", h["ip"]] + ([h["name"]] if h["name"] != "bastion" else [])
        lines.append(f"{','.join(names)} {h['hostkey']}")
    with open(paths.known_hosts, "w") as f:
        f.write("\n".join(lines) + "\n")
    common = (f"    User {C.SSH_USER}\n    IdentityFile {paths.ssh_key}\n    IdentitiesOnly yes\n"
              f"    UserKnownHostsFile {paths.known_hosts}\n    StrictHostKeyChecking yes\n")
    out = ["# ssh -F this-file lab-node-1 (direct, loopback forward) or lab-node-1-via-bastion"]
    for h in hosts:
        alias = "lab-bastion" if h["name"] == "bastion" else h["name"]
        out.append(f"Host {alias}\n    HostName 127.0.0.1\n    Port {h['port']}\n{common}")
        if h["name"] != "bastion":
            out.append(f"Host {h['name']}-via-bastion\n    HostName {h['ip']}\n    Port 22\n"
                       f"    ProxyJump lab-bastion\n{common}")
    with open(paths.ssh_config, "w") as f:
        f.write("\n".join(out))
