#!/usr/bin/python3
"""fault failover: keepalived stops on the active node, the VIP moves to the standby; clear restores."""
import time

import labtest as T
from labtest import C


class FailoverTest(T.LabTestCase):
    def test_failover_moves_vip(self):
        self.assertEqual(T.holders(), ["lab-node-1"])
        t0 = time.monotonic()
        p = T.lab("fault", "failover")
        moved_s = time.monotonic() - t0
        print(f"failover: {p.stdout.strip()} (command took {moved_s:.2f} s)")
        self.assertEqual(T.holders(), ["lab-node-2"])
        self.assertLess(moved_s, 10.0)
        st = T.status()
        self.assertEqual([n["keepalived"] for n in st["nodes"][:2]], ["stopped", "running"])
        ka = {p["node"]: p for p in T.lab_json()["pods"] if p["namespace"] == "ibm-system"}
        self.assertFalse(ka["lab-node-1"]["ready"])
        self.assertTrue(ka["lab-node-2"]["ready"])
        self.assertEqual(T.lab_json()["faults"]["failover"], "lab-node-1")
        # the client follows the VIP (gratuitous ARP) and the service still answers
        s = T.traffic(rate=30, duration=2, keepalive=2)
        self.assertEqual(s["ok"], s["requests"], s["outcomes"])
        T.lab("fault", "clear", timeout=60)
        self.assertEqual(T.holders(), ["lab-node-1"])
        self.assertEqual([n["keepalived"] for n in T.status()["nodes"][:2]], ["running", "running"])

    def test_split_brain_puts_the_vip_on_both_nodes(self):
        self.assertEqual(T.holders(), ["lab-node-1"])
        T.lab("fault", "split-brain", timeout=60)
        self.assertEqual(T.holders(), ["lab-node-1", "lab-node-2"])
        rules = T.run(["ip", "netns", "exec", C.node_by_name("lab-node-2").netns, "iptables-save", "-t", "mangle"]).stdout
        self.assertIn("lab fault split-brain", rules)
        T.lab("fault", "clear", timeout=60)
        self.assertEqual(T.holders(), ["lab-node-1"])

    def test_keepalived_down_keeps_the_vip(self):
        T.lab("fault", "keepalived-down")
        self.assertEqual(T.holders(), ["lab-node-1"])
        self.assertEqual([n["keepalived"] for n in T.status()["nodes"][:2]], ["running", "stopped"])
        T.lab("fault", "clear", timeout=60)
        self.assertEqual([n["keepalived"] for n in T.status()["nodes"][:2]], ["running", "running"])


if __name__ == "__main__":
    T.main()
