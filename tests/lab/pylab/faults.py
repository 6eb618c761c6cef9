"""lab fault …: each fault changes the data plane, rewrites lab.json and signals kubesim."""
import json
import time

from . import config as C
from . import daemons, state, tunnel
from .sh import LabError, wait_for
from .topology import vip_holders


def _rate(text):
    t = text.strip()
    v = float(t[:-1]) / 100.0 if t.endswith("%") else float(t)
    if not 0.0 <= v <= 1.0:
        raise LabError(f"rate '{text}' must be between 0 and 1 (or 0% and 100%)")
    return v


def _set_pod(paths, faults, pod_name, **values):
    pod = C.pod_by_name(pod_name)
    control = daemons.read_control(paths, pod)
    control.update(values)
    daemons.write_control(paths, pod, control)
    faults["pods"][pod.name] = control
    return pod


def apply(paths, args):
    runtime = state.load(paths.runtime, None)
    if not runtime:
        raise LabError(f"the lab is not up (no {paths.runtime}); run 'lab up' first")
    faults = dict(json.loads(json.dumps(state.NO_FAULTS)), **state.load(paths.faults, state.NO_FAULTS))
    kind, rest = args.kind, args.rest
    msg = ""
    if kind == "slow-pod":
        _need(rest, 2, "slow-pod POD MS")
        pod = _set_pod(paths, faults, rest[0], latency_ms=max(0, int(rest[1])))
        msg = f"{pod.name} now answers after {int(rest[1])} ms"
    elif kind == "errors":
        _need(rest, 2, "errors POD RATE")
        pod = _set_pod(paths, faults, rest[0], error_rate=_rate(rest[1]))
        msg = f"{pod.name} now answers 500 to {_rate(rest[1]) * 100:.0f}% of requests"
    elif kind == "reset":
        _need(rest, 1, "reset POD [RATE]")
        rate = _rate(rest[1]) if len(rest) > 1 else 1.0
        pod = _set_pod(paths, faults, rest[0], reset_rate=rate)
        msg = f"{pod.name} now resets {rate * 100:.0f}% of requests with a TCP RST"
    elif kind == "drop-syn":
        _need(rest, 2, "drop-syn NODE PERCENT")
        node = C.node_by_name(rest[0])
        pct = float(rest[1].rstrip("%"))
        if not 0 <= pct <= 100:
            raise LabError(f"drop-syn percentage '{rest[1]}' must be between 0 and 100")
        faults["drop_syn"][node.name] = pct
        state.apply_dataplane(paths, faults)
        msg = f"{node.name} now drops {pct:g}% of SYNs to {C.VIP}:{C.SERVICE_PORT}"
    elif kind == "drop-after-dnat":
        _need(rest, 1, "drop-after-dnat POD [PERCENT]")
        pod, holder = C.pod_by_name(rest[0]), _holder("drop-after-dnat")
        pct = float(rest[1].rstrip("%")) if len(rest) > 1 else 100.0
        if not 0 < pct <= 100:
            raise LabError(f"drop-after-dnat percentage '{rest[1]}' must be above 0 and at most 100")
        faults["drop_after_dnat"][pod.name] = {"node": holder, "percent": pct}
        state.apply_dataplane(paths, faults)
        msg = (f"{holder} now drops {pct:g}% of the packets DNATed towards {pod.name} "
               f"({pod.ip}:{state.target_port(faults)}) after kube-proxy's DNAT")
    elif kind == "pod-silent":
        _need(rest, 1, "pod-silent POD")
        pod = C.pod_by_name(rest[0])
        faults["pod_silent"] = sorted(set(faults["pod_silent"]) | {pod.name})
        state.apply_pod_faults(paths, faults)
        msg = f"{pod.name} now drops every SYN it receives: connections forwarded to it are never answered"
    elif kind == "reply-lost":
        _need(rest, 1, "reply-lost POD")
        pod, holder = C.pod_by_name(rest[0]), _holder("reply-lost")
        faults["reply_lost"][pod.name] = {"node": holder}
        state.apply_dataplane(paths, faults)
        msg = f"{holder} now drops the SYN/ACKs of {pod.name} ({pod.ip}) on their way back to the client"
    elif kind == "tunnel":
        mode = rest[0] if rest else "vxlan"
        if mode != "vxlan":
            raise LabError(f"tunnel '{mode}': only vxlan (this lab's kernels may lack ipip)")
        tunnel.enable()
        faults["tunnel"] = mode
        msg = (f"pod traffic between nodes now goes through {tunnel.DEVICE} (VXLAN VNI {tunnel.VNI}, "
               f"UDP {tunnel.PORT}, MTU {tunnel.MTU}) over the private network")
    elif kind == "failover":
        holder = state.vip_holder_name()
        if not holder:
            raise LabError(f"no node holds the VIP {C.VIP} now; nothing to fail over")
        node = C.node_by_name(holder)
        t0 = time.monotonic()
        daemons.stop_keepalived(paths, node)
        faults["failover"] = node.name
        new = wait_for(lambda: (lambda h: h if h and h != node.name else None)(state.vip_holder_name()),
                       15, what=f"the VIP {C.VIP} to move away from {node.name}")
        msg = f"keepalived stopped on {node.name}; the VIP moved to {new} in {time.monotonic() - t0:.1f} s"
    elif kind == "no-endpoints":
        faults["no_endpoints"] = True
        state.apply_dataplane(paths, faults)
        msg = f"every web pod is now unready: {C.SERVICE_NS}/{C.SERVICE_NAME} has no endpoints (REJECT)"
    elif kind == "etp-local":
        without = "--without-endpoint" in rest
        holder = state.vip_holder_name()
        faults["etp"] = "Local"
        faults["unready_pods"] = [p.name for p in C.PODS if without and p.node == holder]
        state.apply_dataplane(paths, faults)
        msg = (f"externalTrafficPolicy Local; the VIP node {holder} "
               + ("has no ready endpoint (its pod is unready): VIP traffic is dropped" if without
                  else "has a local endpoint: VIP traffic goes to it, the client address is kept"))
    elif kind == "keepalived-down":
        # A keepalived pod that is not running (crash loop): by default the standby's, so the VIP stays.
        standby = [n.name for n in C.NODES if n.keepalived_priority and n.name != state.vip_holder_name()]
        node = C.node_by_name(rest[0]) if rest else C.node_by_name(standby[0])
        if not node.keepalived_priority:
            raise LabError(f"{node.name} runs no keepalived pod")
        daemons.stop_keepalived(paths, node)
        faults["keepalived_down"] = sorted(set(faults.get("keepalived_down", [])) | {node.name})
        msg = (f"keepalived stopped on {node.name}: its keepalived pod is in CrashLoopBackOff, not ready; "
               f"the VIP is on {state.vip_holder_name() or 'no node'}")
    elif kind == "split-brain":
        # The standby no longer hears the master's VRRP adverts: after ~3 s it turns master too.
        keepalived = sorted((n for n in C.NODES if n.keepalived_priority), key=lambda n: -n.keepalived_priority)
        standby = keepalived[-1]
        faults["split_brain"] = standby.name
        state.apply_dataplane(paths, faults)
        both = sorted(n.name for n in keepalived)
        wait_for(lambda: sorted(vip_holders()) == both, 15,
                 what=f"{standby.name} to take the VIP {C.VIP} as well (VRRP from the master dropped)")
        msg = f"VRRP adverts to {standby.name} are dropped: the VIP {C.VIP} is on {', '.join(both)} at once"
    elif kind == "wrong-target-port":
        port = int(rest[0]) if rest else C.TARGET_PORT + 1
        if port == C.TARGET_PORT or not 0 < port < 65536:
            raise LabError(f"wrong-target-port needs a port other than the pods' {C.TARGET_PORT}")
        faults["target_port"] = port
        state.apply_dataplane(paths, faults)
        msg = (f"{C.SERVICE_NS}/{C.SERVICE_NAME} now has targetPort {port}; the pods listen on "
               f"{C.TARGET_PORT} (connections are reset)")
    elif kind == "clear":
        clear(paths, runtime)
        print("all faults cleared")
        return 0
    else:
        raise LabError(f"unknown fault '{kind}'")
    state.save(paths.faults, faults)
    state.publish(paths, runtime, faults)
    print(msg)
    return 0


def clear(paths, runtime):
    old = state.load(paths.faults, state.NO_FAULTS)
    faults = state.load(paths.faults, state.NO_FAULTS)
    faults.update(state.NO_FAULTS)
    faults["pods"], faults["drop_syn"], faults["unready_pods"], faults["keepalived_down"] = {}, {}, [], []
    faults["drop_after_dnat"], faults["pod_silent"], faults["reply_lost"] = {}, [], {}
    for p in C.PODS:
        daemons.write_control(paths, p, daemons.DEFAULT_CONTROL)
    state.apply_dataplane(paths, faults)
    state.apply_pod_faults(paths, faults)
    tunnel.disable()
    for n in C.NODES:
        if n.keepalived_priority and not daemons.keepalived_pid(paths, n):
            daemons.start_keepalived(paths, n, runtime["views"][n.name])
    if old.get("failover") or old.get("keepalived_down") or old.get("split_brain"):
        first = max(C.NODES, key=lambda n: n.keepalived_priority).name
        wait_for(lambda: state.vip_holders_exactly(first), 15,
                 what=f"the VIP {C.VIP} to return to {first} after keepalived restarted")
    state.save(paths.faults, faults)
    state.publish(paths, runtime, faults)


def _need(rest, n, usage):
    if len(rest) < n:
        raise LabError(f"usage: lab fault {usage}")


def _holder(fault):
    holder = state.vip_holder_name()
    if not holder:
        raise LabError(f"no node holds the VIP {C.VIP} now; {fault} acts on the VIP node")
    return holder
