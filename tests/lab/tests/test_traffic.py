#!/usr/bin/python3
"""Traffic through the VIP succeeds and is balanced across the three pods (ETP Cluster)."""
import labtest as T
from labtest import C


class TrafficTest(T.LabTestCase):
    def test_balanced_and_keepalive(self):
        s = T.traffic(rate=60, duration=4, keepalive=4)
        self.assertEqual(s["requests"], 240, s)
        self.assertEqual(s["ok"], s["requests"], s["outcomes"])
        self.assertEqual(sorted(s["pods"]), sorted(p.name for p in C.PODS), s["pods"])
        for name, n in s["pods"].items():
            self.assertGreaterEqual(n, 0.15 * s["requests"], f"{name} got only {n} of {s['requests']}")
        # a mix of new connections and keep-alive reuse
        self.assertLess(s["connections"], s["requests"])
        self.assertGreater(s["connections"], s["requests"] // 4)
        # ETP Cluster: the pods see a node address (SNAT), never the client's
        self.assertNotIn(C.CLIENT_IP, s["client_addr_seen_by_pods"])
        self.assertTrue(all(a.startswith("198.51.100.") for a in s["client_addr_seen_by_pods"]), s)

    def test_bounded(self):
        # the load generator caps duration and rate whatever it is asked
        out = T.run(["ip", "netns", "exec", C.CLIENT_NS, "/usr/bin/python3",
                     f"{T.LAB_ROOT}/traffic.py", "--help"]).stdout
        self.assertIn("Hard caps", out)
        import importlib.util
        spec = importlib.util.spec_from_file_location("traffic", f"{T.LAB_ROOT}/traffic.py")
        tr = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(tr)

        class A:
            host, port, path, timeout = C.VIP, 80, "/", 1.0
            rate, duration, keepalive = 10 ** 9, 10 ** 9, 1

        load = tr.Load(A)
        self.assertLessEqual(load.total, tr.MAX_REQUESTS)
        self.assertLessEqual(load.duration, tr.MAX_DURATION)
        self.assertLessEqual(load.rate, tr.MAX_RATE)


if __name__ == "__main__":
    T.main()
