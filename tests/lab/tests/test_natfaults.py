#!/usr/bin/python3
"""Faults inside the VIP node or the pod that only a both-sides capture locates: drop-after-dnat,
pod-silent, reply-lost; and the VXLAN tunnel between the nodes. Here: the rules and devices sit where
they should, act as seen from the client, and clear removes them."""
import labtest as T

C = T.C


def mangle(node):
    return T.run(["ip", "netns", "exec", C.node_by_name(node).netns, "iptables-save", "-c", "-t", "mangle"]).stdout


def pod_filter(pod):
    return T.run(["ip", "netns", "exec", C.pod_by_name(pod).netns, "iptables-save", "-c", "-t", "filter"]).stdout


def dropped(rules, comment):
    """Packet counter ([packets:bytes]) of the rule carrying that comment."""
    for line in rules.splitlines():
        if comment in line and line.startswith("["):
            return int(line[1:line.index(":")])
    raise AssertionError(f"no rule '{comment}' in\n{rules}")


class NatFaultsTest(T.LabTestCase):
    def test_drop_after_dnat(self):
        holder, pod = T.holders()[0], C.pod_by_name("web-3")
        out = T.lab("fault", "drop-after-dnat", "web-3").stdout
        self.assertIn(holder, out)
        self.assertEqual(T.lab_json()["faults"]["drop_after_dnat"], {pod.name: {"node": holder, "percent": 100.0}})
        s = T.traffic(rate=20, duration=2, keepalive=1, timeout=4)
        # the node re-balances the retransmitted SYN (the dropped one left no conntrack entry): the
        # others answer, after a SYN retransmission
        self.assertNotIn(pod.name, s["pods"], s)
        self.assertGreaterEqual(s["connect_ms"]["over_900ms"] + s["outcomes"].get("timeout", 0), 3, s)
        self.assertGreater(dropped(mangle(holder), f"lab fault drop-after-dnat {pod.ip}"), 0)
        for other in C.NODES:
            if other.name != holder:
                self.assertNotIn("drop-after-dnat", mangle(other.name))
        T.lab("fault", "clear")
        self.assertNotIn("drop-after-dnat", mangle(holder))
        s = T.traffic(rate=20, duration=1, keepalive=1)
        self.assertEqual(s["ok"], s["requests"], s)
        self.assertEqual(s["connect_ms"]["over_900ms"], 0, s)

    def test_drop_after_dnat_percent(self):
        T.lab("fault", "drop-after-dnat", "web-1", "30%")
        rules = [r for r in mangle(T.holders()[0]).splitlines() if "drop-after-dnat" in r]
        self.assertEqual(len(rules), 1, rules)
        self.assertIn(f"{C.pod_by_name('web-1').ip} 30%", rules[0])
        self.assertRegex(rules[0], r"-m statistic --mode random --probability 0\.(29|30)\d* -j DROP")
        self.assertNotEqual(T.lab("fault", "drop-after-dnat", "web-1", "0", check=False).returncode, 0)

    def test_pod_silent(self):
        pod = C.pod_by_name("web-2")
        T.lab("fault", "pod-silent", "web-2")
        self.assertEqual(T.lab_json()["faults"]["pod_silent"], [pod.name])
        s = T.traffic(rate=20, duration=2, keepalive=1, timeout=2)
        self.assertNotIn(pod.name, s["pods"], s)
        self.assertGreater(s["outcomes"].get("timeout", 0), 0, s["outcomes"])
        self.assertEqual(s["ok"] + s["outcomes"]["timeout"], s["requests"], s["outcomes"])
        self.assertGreater(dropped(pod_filter("web-2"), "lab fault pod-silent"), 0)
        self.assertNotIn("pod-silent", pod_filter("web-1"))
        T.lab("fault", "clear")
        self.assertNotIn("pod-silent", pod_filter("web-2"))
        s = T.traffic(rate=20, duration=1, keepalive=1)
        self.assertEqual(s["ok"], s["requests"], s)

    def test_reply_lost(self):
        holder, pod = T.holders()[0], C.pod_by_name("web-1")
        T.lab("fault", "reply-lost", "web-1")
        s = T.traffic(rate=20, duration=2, keepalive=1, timeout=2)
        self.assertNotIn(pod.name, s["pods"], s)
        self.assertGreater(s["outcomes"].get("timeout", 0), 0, s["outcomes"])
        self.assertGreater(dropped(mangle(holder), f"lab fault reply-lost {pod.ip}"), 0)
        T.lab("fault", "clear")
        self.assertNotIn("reply-lost", mangle(holder))
        s = T.traffic(rate=20, duration=1, keepalive=1)
        self.assertEqual(s["ok"], s["requests"], s)

    def test_tunnel(self):
        holder = C.node_by_name(T.holders()[0])
        plain = {n.name: T.run(["ip", "-n", n.netns, "route"]).stdout for n in C.NODES}
        T.lab("fault", "tunnel")
        self.assertEqual(T.lab_json()["faults"]["tunnel"], "vxlan")
        for n, st in zip(C.NODES, T.status()["nodes"]):
            self.assertEqual(st["tunnel"], {"device": "vxlan.calico", "vni": 4096, "port": 4789, "mtu": 1450,
                                            "address": n.pod_block.split("/")[0]})
            routes = T.run(["ip", "-n", n.netns, "route"]).stdout
            fdb = T.run(["bridge", "-n", n.netns, "fdb", "show", "dev", "vxlan.calico"]).stdout
            for other in C.NODES:
                if other is not n:
                    block = other.pod_block.split("/")[0]
                    self.assertIn(f"{other.pod_block} via {block} dev vxlan.calico onlink", routes)
                    self.assertIn(f"dst {other.private_ip} self permanent", fdb)
            self.assertNotIn("00:00:00:00:00:00", fdb)  # no flooding entry: unicast to known nodes only
        for p in C.PODS:  # Calico's veth_mtu: the tunnel's 1450 inside the pods too
            self.assertIn("mtu 1450", T.run(["ip", "-n", p.netns, "link", "show", "eth0"]).stdout)
        # the VIP node's uplink carries the legs to the other nodes' pods encapsulated
        cap = T.start_tcpdump(["ip", "netns", "exec", holder.netns, "timeout", "20", "tcpdump", "-nn", "-l",
                               "-i", "eth0", "-c", "4", "udp port 4789"])
        s = T.traffic(rate=20, duration=2, keepalive=1)
        out, _ = cap.communicate(timeout=25)
        self.assertIn("VXLAN", out)
        self.assertIn(f"{holder.private_ip}", out)
        self.assertEqual(s["ok"], s["requests"], s)
        self.assertEqual(len(s["pods"]), len(C.PODS), s)
        # masqueraded towards a pod on another node, the source is the VIP node's tunnel address
        self.assertIn(holder.pod_block.split("/")[0], s["client_addr_seen_by_pods"], s)
        T.lab("fault", "clear")
        for n in C.NODES:
            self.assertNotIn("vxlan", T.run(["ip", "-n", n.netns, "link"]).stdout)
            self.assertEqual(T.run(["ip", "-n", n.netns, "route"]).stdout, plain[n.name])
        for p in C.PODS:
            self.assertIn("mtu 1500", T.run(["ip", "-n", p.netns, "link", "show", "eth0"]).stdout)
        s = T.traffic(rate=20, duration=1, keepalive=1)
        self.assertEqual(s["ok"], s["requests"], s)
        self.assertTrue(all(a.startswith("198.51.100.") for a in s["client_addr_seen_by_pods"]), s)


if __name__ == "__main__":
    T.main()
