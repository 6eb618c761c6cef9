#!/usr/bin/python3
"""lab status --json, lab.json and a second 'up' on a running lab."""
import os

import labtest as T
from labtest import C


class StatusTest(T.LabTestCase):
    def test_status_fields(self):
        st = T.status()
        for key in ("kubeconfig", "service", "vip", "port", "nodes", "bastion", "ssh_key", "known_hosts"):
            self.assertIn(key, st)
        self.assertEqual(st["service"], "default/web")
        self.assertEqual((st["vip"], st["port"]), (C.VIP, 80))
        self.assertEqual([n["name"] for n in st["nodes"]], ["lab-node-1", "lab-node-2", "lab-node-3"])
        self.assertEqual(sum(n["holds_vip"] for n in st["nodes"]), 1, st["nodes"])
        for n in st["nodes"] + [{"ssh": st["bastion"]}]:
            self.assertRegex(n["ssh"], r"^root@127\.0\.0\.1:\d+$")
        self.assertTrue(os.path.isfile(st["ssh_key"]))
        self.assertTrue(os.path.isfile(st["known_hosts"]))

    def test_lab_json_contract(self):
        lj = T.lab_json()
        self.assertEqual(lj["dir"], T.LAB_DIR)
        self.assertEqual(lj["cluster_name"], "lbscope-lab")
        for n in lj["nodes"]:
            pid = n["node_pid"]
            # the node view lives in the node's netns and has its own mount namespace
            self.assertEqual(os.stat(f"/proc/{pid}/ns/net").st_ino, os.stat(f"/run/netns/{n['netns']}").st_ino)
            self.assertNotEqual(os.stat(f"/proc/{pid}/ns/mnt").st_ino, os.stat("/proc/self/ns/mnt").st_ino)
            self.assertEqual(n["labels"]["kubernetes.io/hostname"], n["name"])
        web = [p for p in lj["pods"] if p["labels"].get("app") == "web"]
        ka = [p for p in lj["pods"] if p["namespace"] == "ibm-system"]
        self.assertEqual(len(web), 3)
        self.assertEqual(sorted(p["node"] for p in ka), ["lab-node-1", "lab-node-2"])
        svc = lj["services"][0]
        uid = svc["uid"].replace("-", "")
        for p in ka:
            self.assertTrue(p["host_network"])
            self.assertEqual(p["labels"]["ibm-cloud-provider-ip"], "203-0-113-10")
            self.assertEqual(p["labels"]["ibm-cloud-provider-lb-name"], ("a" + uid)[:32])
            self.assertEqual(p["labels"]["ibm-cloud-provider-lb-app"], "keepalived")
            self.assertTrue(p["name"].startswith("ibm-cloud-provider-ip-203-0-113-10-"))
        self.assertEqual(sorted(svc["endpoints"]), sorted(p["name"] for p in web))
        self.assertEqual((svc["type"], svc["vip"], svc["external_traffic_policy"]),
                         ("LoadBalancer", C.VIP, "Cluster"))

    def test_pods_hang_off_cali_interfaces(self):
        for p in C.PODS:
            cali = C.cali_name("default", p.name)
            out = T.run([T.NODE_EXEC, p.node, "--", "ip", "route", "get", p.ip]).stdout
            self.assertIn(f"dev {cali}", out)
            self.assertTrue(cali.startswith("cali") and len(cali) == 15)

    def test_up_twice_is_harmless(self):
        before = T.lab_json()["nodes"][0]["node_pid"]
        p = T.lab("up")
        self.assertIn("already up", p.stderr)
        self.assertEqual(T.lab_json()["nodes"][0]["node_pid"], before)
        self.assertEqual(T.in_client("curl", "-sS", "-m", "5", f"http://{C.VIP}/").returncode, 0)

    def test_node_exec_passes_stdio_and_exit_code(self):
        p = T.run([T.NODE_EXEC, "lab-node-2", "--", "cat"], input="hello node\n")
        self.assertEqual(p.stdout, "hello node\n")
        p = T.run([T.NODE_EXEC, "lab-node-2", "--", "sh", "-c", "exit 7"], check=False)
        self.assertEqual(p.returncode, 7)
        self.assertEqual(T.run([T.NODE_EXEC, "lab-node-3", "--", "hostname"]).stdout.strip(), "lab-node-3")
        p = T.run([T.NODE_EXEC, "lab-node-9", "--", "true"], check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("lab-node-9", p.stderr)

    def test_node_tmp_is_private(self):
        T.run([T.NODE_EXEC, "lab-node-1", "--", "sh", "-c", "echo one > /tmp/lab-private-test"])
        try:
            self.assertEqual(T.run([T.NODE_EXEC, "lab-node-2", "--", "ls", "/tmp/lab-private-test"],
                                   check=False).returncode, 2)
            self.assertTrue(os.path.exists(os.path.join(T.LAB_DIR, "nodes/lab-node-1/tmp/lab-private-test")))
            # nodes/<n>/host/tmp is a bind of the node's /tmp inside the node's mount namespace only
            out = T.run([T.NODE_EXEC, "lab-node-1", "--", "cat",
                         os.path.join(T.LAB_DIR, "nodes/lab-node-1/host/tmp/lab-private-test")]).stdout
            self.assertEqual(out, "one\n")
        finally:
            T.run([T.NODE_EXEC, "lab-node-1", "--", "rm", "-f", "/tmp/lab-private-test"])


if __name__ == "__main__":
    T.main()
