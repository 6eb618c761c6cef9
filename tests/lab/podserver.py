#!/usr/bin/python3
"""HTTP/1.1 server of one lab pod (runs inside the pod's network namespace).

Keep-alive is on. Behaviour is read from a JSON control file, re-read whenever it
changes, so faults apply while the server runs:
  {"latency_ms": 0, "error_rate": 0.0, "reset_rate": 0.0}
latency_ms delays every response; error_rate is the share of requests answered 500;
reset_rate the share answered by a TCP RST (SO_LINGER 0 then close).
Every response names the pod (X-Pod), its node (X-Node) and the peer address the pod
saw (X-Client-Addr: the client under externalTrafficPolicy Local, a node under Cluster).
"""
import argparse
import json
import os
import random
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Control:
    def __init__(self, path):
        self.path = path
        self.mtime = None
        self.values = {"latency_ms": 0, "error_rate": 0.0, "reset_rate": 0.0}
        self.lock = threading.Lock()

    def get(self):
        try:
            m = os.stat(self.path).st_mtime_ns
        except OSError:
            return dict(self.values)
        with self.lock:
            if m != self.mtime:
                try:
                    with open(self.path) as f:
                        self.values.update(json.load(f))
                    self.mtime = m
                except (OSError, ValueError) as e:
                    print(f"control file {self.path} unreadable, keeping the previous values: {e}",
                          flush=True)
            return dict(self.values)


def make_handler(pod, node, control):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "lbscope-lab-pod/1"

        def log_message(self, fmt, *args):
            sys.stdout.write("%s %s - %s\n" % (time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                                               self.client_address[0], fmt % args))
            sys.stdout.flush()

        def _reset(self):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.log_message('"%s" reset (lab fault)', self.requestline)
            self.close_connection = True
            self.connection.close()

        def _answer(self, body_only_headers=False):
            c = control.get()
            if c.get("reset_rate", 0) > 0 and random.random() < c["reset_rate"]:
                self._reset()
                return
            delay = float(c.get("latency_ms", 0)) / 1000.0
            if delay > 0:
                time.sleep(min(delay, 60.0))
            status = 200
            if c.get("error_rate", 0) > 0 and random.random() < c["error_rate"]:
                status = 500
            body = json.dumps({"pod": pod, "node": node, "client": self.client_address[0],
                               "path": self.path, "status": status}).encode() + b"\n"
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-Pod", pod)
            self.send_header("X-Node", node)
            self.send_header("X-Client-Addr", self.client_address[0])
            self.end_headers()
            if not body_only_headers:
                self.wfile.write(body)

        def do_GET(self):
            self._drain()
            self._answer()

        def do_POST(self):
            self._drain()
            self._answer()

        def do_HEAD(self):
            self._answer(body_only_headers=True)

        def _drain(self):
            n = int(self.headers.get("Content-Length") or 0)
            if n > 0:
                self.rfile.read(min(n, 1 << 20))

    return Handler


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--pod", required=True)
    ap.add_argument("--node", required=True)
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--control", required=True)
    a = ap.parse_args()
    srv = Server(("0.0.0.0", a.port), make_handler(a.pod, a.node, Control(a.control)))
    print(f"pod {a.pod} on {a.node} serving HTTP/1.1 on :{a.port}", flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
