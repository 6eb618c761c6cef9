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


if __name__ == "__main__":
    unittest.main(verbosity=2)
