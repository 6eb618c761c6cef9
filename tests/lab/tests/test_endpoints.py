#!/usr/bin/python3
"""no-endpoints (REJECT, ICMP port unreachable) and etp-local with and without a local endpoint."""
import labtest as T
from labtest import C


def connect_error():
    """Outcome of one TCP connect from the client to VIP:80."""
    code = ("import socket,sys\n"
            "s=socket.socket(); s.settimeout(3)\n"
            "try:\n s.connect(('%s',80)); print('connected')\n"
            "except Exception as e: print(type(e).__name__)\n" % C.VIP)
    return T.in_client("/usr/bin/python3", "-c", code).stdout.strip()


class EndpointsTest(T.LabTestCase):
    def test_no_endpoints_rejects(self):
        T.lab("fault", "no-endpoints")
        svc = T.lab_json()["services"][0]
        self.assertEqual(svc["endpoints"], [])
        self.assertTrue(all(not p["ready"] for p in T.lab_json()["pods"] if p["labels"].get("app") == "web"))
        # capture the client's side to prove the refusal is an ICMP port unreachable, not a RST
        cap = T.start_tcpdump(["ip", "netns", "exec", C.CLIENT_NS, "timeout", "20", "tcpdump", "-n", "-l",
                               "-i", "eth0", "-c", "1", "icmp[icmptype] == 3 and icmp[icmpcode] == 3"])
        curl = T.in_client("curl", "-sS", "-m", "5", f"http://{C.VIP}/")
        self.assertEqual(curl.returncode, 7, curl.stderr)  # curl: couldn't connect
        self.assertEqual(connect_error(), "ConnectionRefusedError")
        out, _ = cap.communicate(timeout=25)
        self.assertIn("tcp port 80 unreachable", out)
        T.lab("fault", "clear")
        self.assertEqual(connect_error(), "connected")

    def test_etp_local_with_endpoint(self):
        T.lab("fault", "etp-local", "--with-endpoint")
        self.assertEqual(T.lab_json()["services"][0]["external_traffic_policy"], "Local")
        s = T.traffic(rate=30, duration=2, keepalive=2)
        self.assertEqual(s["ok"], s["requests"], s["outcomes"])
        # only the VIP node's own pod answers, and it sees the real client address
        self.assertEqual(list(s["pods"]), [T.pod("web-1")])
        self.assertEqual(list(s["client_addr_seen_by_pods"]), [C.CLIENT_IP])

    def test_etp_local_without_endpoint_drops(self):
        T.lab("fault", "etp-local", "--without-endpoint")
        svc = T.lab_json()["services"][0]
        self.assertNotIn(T.pod("web-1"), svc["endpoints"])
        self.assertEqual(len(svc["endpoints"]), 2)
        self.assertEqual(connect_error(), "TimeoutError")  # DROP: no answer at all
        rules = T.run(["ip", "netns", "exec", "lbs-node1", "iptables-save", "-t", "filter"]).stdout
        self.assertIn("has no local endpoints", rules)

    def test_wrong_target_port_resets(self):
        T.lab("fault", "wrong-target-port")
        self.assertEqual(T.lab_json()["services"][0]["target_port"], 8081)
        # kube-proxy forwards to 8081 where no pod listens: the pod answers the SYN with a RST
        self.assertEqual(connect_error(), "ConnectionRefusedError")
        T.lab("fault", "clear")
        self.assertEqual(connect_error(), "connected")


if __name__ == "__main__":
    T.main()
