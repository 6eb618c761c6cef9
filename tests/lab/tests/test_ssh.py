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

    def test_view_users(self):
        """Non-root logins exist in every node view only: lbsuser's sudo -n works, lbsnosudo's wants a
        password, lbsnosudobin has no sudo; the host does not know them."""
        st = T.status()
        users = {u["name"]: u for u in st["view_users"]}
        self.assertEqual({u["sudo"] for u in users.values()}, {"nopasswd", "password", "absent"})
        self.assertEqual(T.run(["getent", "passwd"] + list(users), check=False).stdout, "")
        installed = all(u["sudo_installed"] for u in users.values())
        for n in st["nodes"]:
            _, port = target(n["ssh"])
            for name, u in users.items():
                p = T.run(ssh_argv(st) + ["-p", port, f"{name}@127.0.0.1", "id -u; uname -n; sudo -n -- id -u"],
                          check=False, timeout=30)
                lines = p.stdout.split()
                self.assertEqual(lines[:2], [str(u["uid"]), n["name"]], p.stderr)
                if u["sudo"] == "absent":
                    self.assertEqual(p.returncode, 127, p.stderr)
                    self.assertIn("sudo: not found", p.stderr)
                elif not installed:
                    continue  # sudo is not installed on this host (scripts/deps test adds it)
                elif u["sudo"] == "nopasswd":
                    self.assertEqual((p.returncode, lines[2:]), (0, ["0"]), p.stderr)
                    self.assertNotIn("unable to resolve host", p.stderr)
                else:
                    self.assertEqual(p.returncode, 1)
                    self.assertIn("a password is required", p.stderr)


if __name__ == "__main__":
    T.main()
