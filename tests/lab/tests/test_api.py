#!/usr/bin/python3
"""The API (kubesim, through the real kubectl) follows the data plane: lab.json + SIGHUP after each fault."""
import json
import os
import shutil
import time
import unittest

import labtest as T
from labtest import C


def kubectl(*args):
    kc = T.status()["kubeconfig"]
    return json.loads(T.run(["kubectl", "--kubeconfig", kc, "--request-timeout=10s"] + list(args)
                            + ["-o", "json"], timeout=30).stdout)


def ready(pod):
    return any(c.get("type") == "Ready" and c.get("status") == "True"
               for c in pod.get("status", {}).get("conditions", []))


def ready_endpoints():
    slices = kubectl("get", "endpointslices", "-n", "default", "-l", "kubernetes.io/service-name=web")
    return sorted(e.get("targetRef", {}).get("name") for s in slices["items"] for e in s.get("endpoints") or []
                  if e.get("conditions", {}).get("ready"))


def eventually(fn, want, timeout=10.0):
    deadline = time.monotonic() + timeout
    got = fn()
    while got != want and time.monotonic() < deadline:
        time.sleep(0.3)
        got = fn()
    return got


class ApiTest(T.LabTestCase):
    def setUp(self):
        super().setUp()
        if not os.path.exists(T.status()["kubeconfig"]):
            self.skipTest("kubesim is not part of this lab (tests/lab/kubesim/kubesim-up missing, so the "
                          "fixture ran 'lab up --no-kubesim'): no kubeconfig to query")
        if not shutil.which("kubectl"):
            self.skipTest("kubectl is not installed (/usr/bin/kubectl): cannot check the API side")

    def test_service_and_keepalived_pods(self):
        svc = kubectl("get", "service", "-n", "default", "web")
        self.assertEqual(svc["status"]["loadBalancer"]["ingress"][0]["ip"], C.VIP)
        pods = kubectl("get", "pods", "-n", "ibm-system", "-l", "ibm-cloud-provider-ip=203-0-113-10")
        self.assertEqual(sorted(p["spec"]["nodeName"] for p in pods["items"]), ["lab-node-1", "lab-node-2"])
        all_web = sorted(p.name for p in C.PODS)
        self.assertEqual(eventually(ready_endpoints, all_web), all_web)

    def test_faults_reach_the_api(self):
        T.lab("fault", "no-endpoints")
        self.assertEqual(eventually(ready_endpoints, []), [])
        T.lab("fault", "clear")
        all_web = sorted(p.name for p in C.PODS)
        self.assertEqual(eventually(ready_endpoints, all_web), all_web)
        T.lab("fault", "etp-local", "--without-endpoint")
        svc = kubectl("get", "service", "-n", "default", "web")
        self.assertEqual(eventually(lambda: kubectl("get", "service", "-n", "default", "web")["spec"]
                                    .get("externalTrafficPolicy"), "Local"), "Local", svc["spec"])
        others = sorted(p.name for p in C.PODS if p.node != "lab-node-1")
        self.assertEqual(eventually(ready_endpoints, others), others)

    def test_failover_reaches_the_api(self):
        T.lab("fault", "failover")

        def node1_keepalived_ready():
            pods = kubectl("get", "pods", "-n", "ibm-system", "-l", "ibm-cloud-provider-lb-app=keepalived")
            return {p["spec"]["nodeName"]: ready(p) for p in pods["items"]}

        self.assertEqual(eventually(node1_keepalived_ready, {"lab-node-1": False, "lab-node-2": True}),
                         {"lab-node-1": False, "lab-node-2": True})

    def test_keepalived_down_reaches_the_api(self):
        T.lab("fault", "keepalived-down")

        def states():
            pods = kubectl("get", "pods", "-n", "ibm-system", "-l", "ibm-cloud-provider-lb-app=keepalived")
            return {p["spec"]["nodeName"]: (ready(p), p["status"]["containerStatuses"][0]["state"]
                                            .get("waiting", {}).get("reason"))
                    for p in pods["items"]}

        want = {"lab-node-1": (True, None), "lab-node-2": (False, "CrashLoopBackOff")}
        self.assertEqual(eventually(states, want), want)
        self.assertEqual(T.holders(), ["lab-node-1"])  # the standby went down: the VIP stays

    def test_wrong_target_port_reaches_the_api(self):
        T.lab("fault", "wrong-target-port")
        port = lambda: kubectl("get", "service", "-n", "default", "web")["spec"]["ports"][0]["targetPort"]
        self.assertEqual(eventually(port, 8081), 8081)
        pods = kubectl("get", "pods", "-n", "default", "-l", "app=web")
        self.assertEqual({p["spec"]["containers"][0]["ports"][0]["containerPort"] for p in pods["items"]}, {8080})

    def test_unready_pods_get_warning_events(self):
        T.lab("fault", "no-endpoints")

        def unhealthy():
            ev = kubectl("get", "events", "-n", "default", "--field-selector", "type=Warning,reason=Unhealthy")
            return sorted({e["involvedObject"]["name"] for e in ev["items"]})

        every = sorted(p.name for p in C.PODS)
        self.assertEqual(eventually(unhealthy, every), every)

    def test_auth_can_i(self):
        st = T.status()
        kc = st["kubeconfig"]

        def can_i(config, *args):
            r = T.run(["kubectl", "--kubeconfig", config, "auth", "can-i"] + list(args), check=False, timeout=30)
            return r.stdout.strip()

        self.assertEqual(can_i(kc, "create", "pods", "-n", "lbscope"), "yes")
        self.assertEqual(can_i(kc, "create", "pods/exec", "-n", "lbscope"), "yes")
        viewer = os.path.join(os.path.dirname(kc), "kubeconfig-viewer")
        self.assertEqual(can_i(viewer, "list", "pods", "-n", "default"), "yes")
        self.assertEqual(can_i(viewer, "create", "pods/exec", "-n", "lbscope"), "no")
        self.assertEqual(can_i(viewer, "delete", "pods", "-n", "lbscope"), "no")


if __name__ == "__main__":
    unittest.main(verbosity=2)
