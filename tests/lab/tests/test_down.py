#!/usr/bin/python3
"""The lab_down fixture: removes the shared lab and checks nothing of it is left."""
import os
import unittest

import labtest as T
from labtest import C
from test_safety import lab_processes


class DownTest(unittest.TestCase):
    def test_down(self):
        T.lab("down", timeout=120)
        left = [n for n in T.run(["ip", "netns", "list"]).stdout.split() if C.is_lab_namespace(n)]
        self.assertEqual(left, [])
        self.assertFalse(os.path.exists(T.LAB_DIR))
        self.assertEqual(lab_processes(T.LAB_DIR), [])
        # down on a lab that is already down is harmless
        T.lab("down", timeout=60)


if __name__ == "__main__":
    unittest.main(verbosity=2)
