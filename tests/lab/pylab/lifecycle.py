"""lab up / lab down: build everything in order, and remove everything whatever state it is in."""
import os
import shutil
import subprocess
import sys
import time
import uuid

from . import config as C
from . import daemons, state, topology
from .sh import LabError, kill_pids, pid_alive, read_pid, run, wait_for

HERE = daemons.HERE
MARKER = ".lbscope-lab"


def log(msg):
    print(f"lab: {msg}", file=sys.stderr, flush=True)


def is_up(paths):
    """Up means: lab.json written, every namespace there, every node view and pod server alive
    (keepalived may be stopped on purpose by the failover fault)."""
    if not os.path.exists(paths.lab_json):
        return False
    have = set(topology.existing_lab_namespaces())
    if not set(C.all_namespaces()) <= have:
        return False
    rt = state.load(paths.runtime, {})
    for name, pid in rt.get("views", {}).items():
        if not pid_alive(pid):
            return False
    return all(read_pid(os.path.join(paths.pod(p.name), "server.pid")) and
               pid_alive(read_pid(os.path.join(paths.pod(p.name), "server.pid"))) for p in C.PODS)


def leftovers(paths):
    return bool(topology.existing_lab_namespaces()) or os.path.exists(os.path.join(paths.dir, MARKER))


def up(paths, with_kubesim=True):
    t0 = time.monotonic()
    if is_up(paths):
        rt = state.load(paths.runtime, {})
        ks = read_pid(paths.kubesim_pid)
        if rt.get("kubesim") and not (ks and pid_alive(ks)):
            log("the lab is already up but kubesim is not running; starting it again")
            try:
                _kubesim_up(paths)
            except (LabError, subprocess.SubprocessError) as e:
                log(f"up failed: {e}")
                return 1
            return 0
        log(f"the lab is already up (state in {paths.dir}); nothing to do")
        return 0
    if (os.path.isdir(paths.dir) and os.listdir(paths.dir)
            and not os.path.exists(os.path.join(paths.dir, MARKER))):
        raise_msg = (f"{paths.dir} exists, is not empty and was not made by 'lab up' (no {MARKER}): "
                     "'lab down' would delete it; point LBSCOPE_LAB_DIR at a new or empty directory")
        log(f"up refused: {raise_msg}")
        return 1
    if leftovers(paths):
        log("found pieces of an earlier lab (namespaces lbs-* or a lab dir); removing them first")
        down(paths)
    os.makedirs(paths.dir, exist_ok=True)
    with open(os.path.join(paths.dir, MARKER), "w") as f:
        f.write("created by tests/lab/lab up; 'tests/lab/lab down' removes this directory\n")
    for d in (paths.state, paths.logs):
        os.makedirs(d, exist_ok=True)
    try:
        _build(paths, with_kubesim)
    except (LabError, OSError, subprocess.SubprocessError) as e:
        log(f"up failed: {e}")
        log("removing what was built so far")
        down(paths, quiet=True)
        return 1
    log(f"up in {time.monotonic() - t0:.1f} s")
    return 0


def _build(paths, with_kubesim):
    log("creating namespaces, bridges, nodes and pods")
    topology.create_namespaces()
    topology.create_networks()
    topology.create_hosts()
    topology.create_pods()
    runtime = {"views": {}, "ssh_ports": {}, "uids": {"service": str(uuid.uuid4())}}
    for p in C.PODS:
        runtime["uids"][p.name] = str(uuid.uuid4())
    for n in C.NODES:
        if n.keepalived_priority:
            runtime["uids"][f"ibm-cloud-provider-ip-{C.vip_dashes()}-{C.KEEPALIVED_POD_HASH}-"
                            f"{C.KEEPALIVED_POD_SUFFIX[n.name]}"] = str(uuid.uuid4())
    log("starting node views")
    for n in C.NODES:
        runtime["views"][n.name] = topology.start_view(paths, n.netns, n.name, paths.node(n.name))
    bastion_dir = os.path.join(paths.dir, "bastion")
    runtime["views"]["bastion"] = topology.start_view(paths, C.BASTION_NS, "lab-bastion", bastion_dir)
    state.save(paths.runtime, runtime)
    faults = state.load(paths.faults, state.NO_FAULTS)
    state.save(paths.faults, faults)
    log("installing kube-proxy rules")
    state.apply_dataplane(paths, faults)
    log("starting pod servers")
    daemons.start_pod_servers(paths)
    log("starting keepalived on the NLB nodes")
    for n in C.NODES:
        if n.keepalived_priority:
            daemons.start_keepalived(paths, n, runtime["views"][n.name])
    log("starting sshd and the loopback forwarders")
    daemons.make_user_key(paths)
    hosts = []
    port = C.SSH_PORT_BASE
    targets = [("bastion", C.BASTION_NS, C.BASTION_IP, bastion_dir)] + \
        [(n.name, n.netns, n.private_ip, paths.node(n.name)) for n in C.NODES]
    for name, netns, ip, d in targets:
        hostkey = daemons.start_sshd(paths, d, runtime["views"][name])
        port = daemons.free_port(port)
        daemons.start_forwarder(paths, name, netns, port)
        runtime["ssh_ports"][name] = port
        hosts.append({"name": name, "port": port, "ip": ip, "hostkey": hostkey})
        port += 1
    daemons.write_ssh_files(paths, hosts)
    state.save(paths.runtime, runtime)
    holder = wait_for(state.vip_holder_name, 15, what=f"keepalived to put the VIP {C.VIP} on a node")
    state.publish(paths, runtime, faults)
    if with_kubesim:
        runtime["kubesim"] = True
        state.save(paths.runtime, runtime)
        _kubesim_up(paths)
    print(f"VIP {C.VIP}:{C.SERVICE_PORT} (service {C.SERVICE_NS}/{C.SERVICE_NAME}) held by {holder}")
    for n in C.NODES:
        print(f"  {n.name}: eth0 {n.private_ip}, eth1 {n.public_ip}, netns {n.netns}, "
              f"ssh {C.SSH_USER}@127.0.0.1:{runtime['ssh_ports'][n.name]}")
    print(f"  bastion: {C.BASTION_IP}, ssh {C.SSH_USER}@127.0.0.1:{runtime['ssh_ports']['bastion']}")
    print(f"kubeconfig: {paths.kubeconfig}" + ("" if with_kubesim else " (not written: --no-kubesim)"))
    print(f"ssh: ssh -F {paths.ssh_config} lab-node-1   (or lab-node-1-via-bastion)")


def _kubesim_up(paths):
    kubesim_up = os.path.join(HERE, "kubesim", "kubesim-up")
    if not os.path.exists(kubesim_up):
        raise LabError(f"{kubesim_up} is missing: the API half of the lab is not there "
                       "(use 'lab up --no-kubesim' for the data plane alone)")
    log("starting kubesim (tests/lab/kubesim/kubesim-up)")
    env = dict(os.environ, LBSCOPE_LAB_DIR=paths.dir)
    p = subprocess.run([kubesim_up], env=env, timeout=300)
    if p.returncode != 0:
        raise LabError(f"kubesim-up exited with {p.returncode} (its messages are above)")


def _lab_socats():
    """socat forwarders of any lab: found by their command line (ns-connect into lbs-*)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        if argv and os.path.basename(argv[0]) == b"socat" and any(
                b"ns-connect lbs-" in a for a in argv):
            found.append(int(entry))
    return found


def _other_lab_dirs(paths):
    """Lab dirs of a lab whose namespaces exist but that was started with another LBSCOPE_LAB_DIR:
    found from the config paths on the command lines of its sshd/keepalived inside lbs-node*."""
    dirs = set()
    for name in topology.existing_lab_namespaces():
        out = run(["ip", "netns", "pids", name], check=False).stdout or ""
        for pid in out.split():
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    argv = f.read().decode(errors="replace").split("\0")
            except OSError:
                continue
            for a in argv:
                if "/nodes/lab-node-" in a and a.startswith("/"):
                    d = a.split("/nodes/lab-node-")[0]
                    if d != paths.dir and os.path.exists(os.path.join(d, MARKER)):
                        dirs.add(d)
    return sorted(dirs)


def down(paths, quiet=False):
    for other in _other_lab_dirs(paths):
        log(f"the running lab namespaces belong to the lab in {other}; taking that one down")
        down(C.Paths(other), quiet=quiet)
    kubesim_down = os.path.join(HERE, "kubesim", "kubesim-down")
    # kubesim-down only if kubesim-up ever ran for this lab (it makes $LAB/kubesim first)
    kubesim_ran = os.path.exists(paths.kubesim_pid) or os.path.isdir(os.path.join(paths.dir, "kubesim"))
    if os.path.exists(kubesim_down) and kubesim_ran:
        env = dict(os.environ, LBSCOPE_LAB_DIR=paths.dir)
        try:
            p = subprocess.run([kubesim_down], env=env, timeout=60)
            if p.returncode != 0:
                log(f"kubesim-down exited with {p.returncode}; stopping kubesim by its pid file")
        except subprocess.TimeoutExpired:
            log("kubesim-down did not finish within 60 s; stopping kubesim by its pid file")
    pid = read_pid(paths.kubesim_pid)
    if pid and pid_alive(pid):
        kill_pids([pid])
    # forwarders in the host namespace: by pid file, then by command line
    pids = []
    if os.path.isdir(paths.forwarders):
        for f in os.listdir(paths.forwarders):
            pids.append(read_pid(os.path.join(paths.forwarders, f)))
    pids = [p for p in pids if p and p in _lab_socats()] + _lab_socats()
    kill_pids(sorted(set(pids)))
    # everything inside the lab namespaces: views, keepalived, sshd, servers, exec'd commands
    names = topology.existing_lab_namespaces()
    for _ in range(3):
        inside = []
        for name in names:
            out = run(["ip", "netns", "pids", name], check=False).stdout or ""
            inside += [int(x) for x in out.split()]
        if not inside:
            break
        kill_pids(sorted(set(inside)))
    for name in names:
        run(["ip", "netns", "del", name], check=False)
    left = topology.existing_lab_namespaces()
    if left:
        raise LabError(f"could not delete namespaces {', '.join(left)}")
    removed = _remove_dir(paths)
    if not quiet:
        log(f"down: removed {len(names)} namespaces" + (f" and {paths.dir}" if removed else ""))
    return 0


def _remove_dir(paths):
    d = paths.dir
    if not os.path.isdir(d):
        return False
    with open("/proc/self/mountinfo") as f:
        mounted = [line.split()[4] for line in f if line.split()[4].startswith(d + "/")]
    if mounted:
        raise LabError(f"not removing {d}: something is still mounted under it ({mounted[0]})")
    if not os.path.exists(os.path.join(d, MARKER)) and os.listdir(d):
        log(f"not removing {d}: it was not made by 'lab up' (no {MARKER} in it)")
        return False
    shutil.rmtree(d)
    return True
