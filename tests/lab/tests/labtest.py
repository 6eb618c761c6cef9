"""Shared helpers of the lab's integration tests (run by ctest as root, label 'lab')."""
import json
import os
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
LAB_ROOT = os.path.dirname(HERE)
LAB = os.path.join(LAB_ROOT, "lab")
NODE_EXEC = os.path.join(LAB_ROOT, "node-exec")
sys.dont_write_bytecode = True
sys.path.insert(0, LAB_ROOT)
from pylab import config as C  # noqa: E402

LAB_DIR = os.path.realpath(os.environ.get("LBSCOPE_LAB_DIR", "/tmp/lbscope-lab"))


def run(argv, check=True, timeout=120, input=None):
    p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, input=input)
    if check and p.returncode != 0:
        raise AssertionError(f"{' '.join(argv)} exited with {p.returncode}\nstdout: {p.stdout}\n"
                             f"stderr: {p.stderr}")
    return p


def lab(*args, check=True, timeout=120):
    return run([LAB] + list(args), check=check, timeout=timeout)


def status():
    return json.loads(lab("status", "--json").stdout)


def lab_json():
    with open(os.path.join(LAB_DIR, "lab.json")) as f:
        return json.load(f)


def traffic(rate, duration, keepalive=1, timeout=5):
    out = lab("traffic", "--rate", str(rate), "--duration", str(duration), "--keepalive", str(keepalive),
              "--timeout", str(timeout), "--json", timeout=duration + 60).stdout
    return json.loads(out)


def in_client(*argv, check=False, timeout=30):
    return run(["ip", "netns", "exec", C.CLIENT_NS] + list(argv), check=check, timeout=timeout)


def holders():
    return [n["name"] for n in status()["nodes"] if n["holds_vip"]]


def pod(short):
    return C.pod_by_name(short).name


class LabTestCase(unittest.TestCase):
    """Leaves the lab as it found it: every test ends with 'lab fault clear'."""

    def setUp(self):
        if os.geteuid() != 0:
            self.fail("lab tests need root (network namespaces); CI runs as root")
        st = status()
        self.assertTrue(st["up"], f"the lab is not up in {LAB_DIR} (the lab_up fixture should have made it)")

    def tearDown(self):
        lab("fault", "clear", timeout=60)


def main():
    unittest.main(verbosity=2)


def start_tcpdump(argv, timeout=15.0):
    """Starts a tcpdump command line and returns once it says it is listening (stderr stays readable)."""
    import select
    import time
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen = ""
    deadline = time.monotonic() + timeout
    fd = p.stderr.fileno()  # raw reads: the text wrapper's buffer would hide lines from select()
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            chunk = os.read(fd, 4096).decode(errors="replace")
            seen += chunk
            if "listening on" in seen:
                p.startup_text = seen
                return p
            if not chunk and p.poll() is not None:
                break
    p.kill()
    raise AssertionError(f"tcpdump did not start listening within {timeout} s: {' '.join(argv)}\n{seen}")
