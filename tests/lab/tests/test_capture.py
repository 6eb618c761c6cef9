#!/usr/bin/python3
"""tcpdump run through node-exec on the VIP node captures the VIP traffic into the node's own /tmp."""
import os

import labtest as T
from labtest import C

PCAP = "/tmp/lbscope-lab-capture-test.pcap"


class CaptureTest(T.LabTestCase):
    def test_tcpdump_on_vip_node(self):
        holder = T.holders()[0]
        cap = T.start_tcpdump([T.NODE_EXEC, holder, "--", "timeout", "30", "tcpdump", "-i", "eth1", "-c", "40",
                               "-w", PCAP, f"host {C.VIP} and tcp port 80"])
        try:
            T.traffic(rate=20, duration=2, keepalive=1)
            _, err = cap.communicate(timeout=25)
            self.assertEqual(cap.returncode, 0, err)
            self.assertIn("40 packets captured", err)
            local = os.path.join(T.LAB_DIR, "nodes", holder, "tmp", os.path.basename(PCAP))
            self.assertTrue(os.path.exists(local), "the capture must land in the node's own /tmp")
            if not T.LAB_DIR.startswith("/tmp/"):
                self.assertFalse(os.path.exists(PCAP), "the capture leaked into the host's /tmp")
            out = T.run(["tcpdump", "-nr", local]).stdout.splitlines()
            self.assertEqual(len(out), 40)
            self.assertTrue(all(f"{C.VIP}.80" in line for line in out), out[:3])
            self.assertTrue(any("Flags [S]" in line for line in out))
        finally:
            if cap.poll() is None:
                cap.kill()
            T.run([T.NODE_EXEC, holder, "--", "rm", "-f", PCAP], check=False)


if __name__ == "__main__":
    T.main()
