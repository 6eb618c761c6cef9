#!/usr/bin/python3
"""Faults inside the VIP node or the pod that only a both-sides capture locates: drop-after-dnat,
pod-silent, reply-lost. Here: the rules sit where they should, act as seen from the client, and clear
removes them."""
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


if __name__ == "__main__":
    T.main()
