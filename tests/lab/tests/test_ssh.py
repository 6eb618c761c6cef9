#!/usr/bin/python3
"""ssh through the loopback forwards with the lab key and known_hosts (strict), direct and via the bastion."""
import os
import tempfile

import labtest as T


def ssh_argv(st, known_hosts=None, key=None):
    return ["ssh", "-i", key or st["ssh_key"], "-o", f"UserKnownHostsFile={known_hosts or st['known_hosts']}",
            "-o", "StrictHostKeyChecking=yes", "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
            "-o", "ConnectTimeout=10", "-F", "/dev/null"]


def target(ssh):  # "root@127.0.0.1:22011" -> ("root@127.0.0.1", "22011")
    host, port = ssh.rsplit(":", 1)
    return host, port


class SshTest(T.LabTestCase):
    def test_direct_to_each_node(self):
        st = T.status()
        for n in st["nodes"]:
            host, port = target(n["ssh"])
            p = T.run(ssh_argv(st) + ["-p", port, host, "hostname; ip -o -4 addr show eth0"], timeout=30)
            self.assertIn(n["name"], p.stdout)
            self.assertIn(n["private_ip"], p.stdout)

    def test_via_bastion_jump_host(self):
        st = T.status()
        bhost, bport = target(st["bastion"])
        opts = ssh_argv(st)
        proxy = " ".join(opts + ["-p", bport, "-W", "%h:%p", bhost])
        n = st["nodes"][2]
        p = T.run(opts + ["-o", f"ProxyCommand={proxy}", f"root@{n['private_ip']}", "hostname"], timeout=30)
        self.assertEqual(p.stdout.strip(), n["name"])
        # and with the generated ssh config (ProxyJump)
        p = T.run(["ssh", "-F", st["ssh_config"], "-o", "BatchMode=yes", "lab-node-2-via-bastion", "hostname"],
                  timeout=30)
        self.assertEqual(p.stdout.strip(), "lab-node-2")

    def test_strict_host_keys_and_key_only(self):
        st = T.status()
        host, port = target(st["nodes"][0]["ssh"])
        with tempfile.TemporaryDirectory() as d:
            empty = os.path.join(d, "known_hosts")
            open(empty, "w").close()
            p = T.run(ssh_argv(st, known_hosts=empty) + ["-p", port, host, "true"], check=False, timeout=30)
            self.assertNotEqual(p.returncode, 0)
            self.assertIn("Host key verification failed", p.stderr)
            other = os.path.join(d, "other_key")
            T.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other])
            p = T.run(ssh_argv(st, key=other) + ["-p", port, host, "true"], check=False, timeout=30)
            self.assertNotEqual(p.returncode, 0)
            self.assertIn("Permission denied", p.stderr)


if __name__ == "__main__":
    T.main()
