#!/usr/bin/python3
"""Pod and node faults observable from the client: slow-pod, errors, reset, drop-syn."""
import labtest as T


class PodFaultsTest(T.LabTestCase):
    def test_slow_pod(self):
        T.lab("fault", "slow-pod", "web-2", "600")
        s = T.traffic(rate=30, duration=2, keepalive=2)
        self.assertEqual(s["ok"], s["requests"], s["outcomes"])
        lat = s["pod_latency_ms"]
        self.assertGreaterEqual(lat[T.pod("web-2")]["p50_ms"], 600.0, lat)
        for other in ("web-1", "web-3"):
            self.assertLess(lat[T.pod(other)]["p50_ms"], 300.0, lat)
        T.lab("fault", "clear")
        s = T.traffic(rate=30, duration=1, keepalive=1)
        self.assertLess(s["pod_latency_ms"][T.pod("web-2")]["p50_ms"], 300.0)

    def test_errors(self):
        T.lab("fault", "errors", "web-1", "1.0")
        s = T.traffic(rate=30, duration=2, keepalive=2)
        by_pod = s["pod_status"]
        self.assertEqual(set(by_pod[T.pod("web-1")]), {"500"}, by_pod)
        self.assertEqual(set(by_pod[T.pod("web-3")]), {"200"}, by_pod)
        self.assertEqual(s["outcomes"]["http_5xx"], sum(by_pod[T.pod("web-1")].values()))

    def test_reset(self):
        T.lab("fault", "reset", "web-3")
        s = T.traffic(rate=30, duration=2, keepalive=1)
        self.assertGreater(s["outcomes"].get("reset", 0), 0, s["outcomes"])
        self.assertNotIn(T.pod("web-3"), s["pods"])  # it never answers, it resets
        self.assertEqual(s["ok"] + s["outcomes"]["reset"], s["requests"], s["outcomes"])

    def test_drop_syn(self):
        holder = T.holders()[0]
        T.lab("fault", "drop-syn", holder, "50")
        s = T.traffic(rate=20, duration=2, keepalive=1, timeout=4)
        # a dropped SYN is retransmitted after ~1 s: connects that took that long are the signature
        slow = s["connect_ms"]["over_900ms"] + s["outcomes"].get("timeout", 0)
        self.assertGreaterEqual(slow, 5, s)
        T.lab("fault", "clear")
        s = T.traffic(rate=20, duration=1, keepalive=1)
        self.assertEqual(s["connect_ms"]["over_900ms"], 0, s)
        self.assertEqual(s["ok"], s["requests"])


if __name__ == "__main__":
    T.main()
