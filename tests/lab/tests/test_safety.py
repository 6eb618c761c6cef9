#!/usr/bin/python3
"""The lab never changes the host's own network namespace, and down removes everything.

Its own up/down cycles in its own lab dir (ctest runs it before the shared lab fixture):
  1. snapshot the host (ip addr, ip route, ip -6 route, iptables-save, ip6tables-save, ip netns list,
     /etc/passwd, group, shadow, hosts, sudoers and whether it knows the lab's view users)
  2. lab up: the host's addresses, routes and rules are unchanged while the lab runs
  3. lab down: the snapshot is identical again, no lab process or file is left
  4. a crashed up (killed half way) is cleaned up by down just the same
"""
import os
import re
import signal
import subprocess
import sys
import time
import unittest

import labtest as T
from labtest import C


def snapshot():
    cmds = {"ip addr": ["ip", "addr"], "ip route": ["ip", "route"], "ip -6 route": ["ip", "-6", "route"],
            "iptables-save": ["iptables-save"], "ip6tables-save": ["ip6tables-save"],
            "ip netns list": ["ip", "netns", "list"]}
    snap = {}
    for name, argv in cmds.items():
        out = T.run(argv, check=False).stdout
        if "tables-save" in name:  # drop the timestamp comments and packet counters
            out = "\n".join(re.sub(r"\[\d+:\d+\]", "", line) for line in out.splitlines()
                            if not line.startswith("#"))
        snap[name] = out
    # the view users (C.VIEW_USERS) live in bind-mounted copies inside the views only: the host's
    # account files stay as they were, and the host knows none of those users
    for path in ("/etc/passwd", "/etc/group", "/etc/shadow", "/etc/hosts", "/etc/sudoers"):
        try:
            with open(path, "rb") as f:
                snap[path] = f.read()
        except FileNotFoundError:
            snap[path] = None
    snap["getent view users"] = T.run(["getent", "passwd"] + list(C.VIEW_USERS), check=False).stdout
    return snap


def lab_processes(lab_dir):
    """Processes whose command line names the lab dir, or lab forwarders/views."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        if int(pid) == os.getpid():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if lab_dir in cmd or "ns-connect lbs-" in cmd or "lbs-view" in cmd:
            found.append(f"{pid}: {cmd[:150]}")
    return found


class SafetyTest(unittest.TestCase):
    def setUp(self):
        if os.geteuid() != 0:
            self.fail("the lab safety test needs root (network namespaces); CI runs as root")
        left = [n for n in T.run(["ip", "netns", "list"]).stdout.split() if C.is_lab_namespace(n)]
        self.assertEqual(left, [], "a lab is already running (namespaces lbs-*): the safety test needs "
                                   "a host without one; run 'tests/lab/lab down' first")

    def assertSame(self, before, after, skip=()):
        for k in before:
            if k not in skip:
                self.assertEqual(before[k], after[k], f"host state '{k}' changed")

    def test_up_down_leaves_host_untouched(self):
        before = snapshot()
        t0 = time.monotonic()
        p = T.lab("up", *sys.argv[1:], timeout=300)
        print(f"up took {time.monotonic() - t0:.1f} s")
        try:
            during = snapshot()
            self.assertSame(before, during, skip=("ip netns list",))
            names = [{line.split()[0] for line in snap["ip netns list"].splitlines() if line.strip()}
                     for snap in (before, during)]
            added = names[1] - names[0]
            self.assertEqual(added, set(C.all_namespaces()))
            self.assertIn("203.0.113.10", p.stdout)
        finally:
            t0 = time.monotonic()
            T.lab("down", timeout=120)
            print(f"down took {time.monotonic() - t0:.1f} s")
        self.assertSame(before, snapshot())
        self.assertFalse(os.path.exists(T.LAB_DIR), f"{T.LAB_DIR} is still there after down")
        self.assertEqual(lab_processes(T.LAB_DIR), [])

    def test_down_after_crashed_up(self):
        before = snapshot()
        up = subprocess.Popen([T.LAB, "up", "--no-kubesim"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              start_new_session=True)
        # kill it once it has started daemons (a node view exists), as a crash would
        view = os.path.join(T.LAB_DIR, "nodes", "lab-node-2", "view.pid")
        deadline = time.monotonic() + 60
        while not os.path.exists(view) and up.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        os.killpg(up.pid, signal.SIGKILL)
        up.wait()
        self.assertTrue(any(C.is_lab_namespace(n) for n in T.run(["ip", "netns", "list"]).stdout.split()))
        T.lab("down", timeout=120)
        self.assertSame(before, snapshot())
        self.assertFalse(os.path.exists(T.LAB_DIR))
        self.assertEqual(lab_processes(T.LAB_DIR), [])


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
