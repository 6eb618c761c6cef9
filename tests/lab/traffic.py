#!/usr/bin/python3
"""Bounded HTTP load from the lab client to the VIP (runs inside lbs-client).

Requests are scheduled at --rate per second for --duration seconds. Each connection
carries a random number of requests between 1 and --keepalive, so the load mixes new
connections with keep-alive reuse. Hard caps hold whatever the arguments: at most
MAX_RATE req/s, MAX_DURATION s, MAX_REQUESTS requests, and every worker stops at
the deadline (duration + grace).
"""
import argparse
import http.client
import json
import random
import socket
import threading
import time

MAX_RATE = 1000
MAX_DURATION = 300
MAX_REQUESTS = 50000
MAX_WORKERS = 32
GRACE = 10.0


def classify(exc):
    if isinstance(exc, ConnectionRefusedError):
        return "refused"
    if isinstance(exc, ConnectionResetError):
        return "reset"
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return "timeout"
    if isinstance(exc, http.client.RemoteDisconnected):
        return "closed"
    if isinstance(exc, OSError) and exc.errno == 113:
        return "unreachable"
    return type(exc).__name__


def percentile(values, q):
    if not values:
        return None
    v = sorted(values)
    return v[min(len(v) - 1, int(q * len(v)))]


class Load:
    def __init__(self, a):
        self.a = a
        self.rate = max(0.1, min(float(a.rate), MAX_RATE))
        self.duration = max(0.1, min(float(a.duration), MAX_DURATION))
        self.total = min(int(self.rate * self.duration), MAX_REQUESTS)
        self.keepalive = max(1, a.keepalive)
        self.lock = threading.Lock()
        self.next_ticket = 0
        self.results = []
        self.connections = 0
        self.connect_s = []

    def ticket(self):
        with self.lock:
            if self.next_ticket >= self.total:
                return None
            t = self.next_ticket
            self.next_ticket += 1
            return t

    def worker(self, start, deadline):
        conn, left = None, 0
        while True:
            t = self.ticket()
            if t is None:
                break
            due = start + t / self.rate
            now = time.monotonic()
            if due > now:
                time.sleep(due - now)
            if time.monotonic() >= deadline:
                break
            timeout = max(0.2, min(self.a.timeout, deadline - time.monotonic()))
            if conn is None or left <= 0:
                if conn is not None:
                    conn.close()
                conn = http.client.HTTPConnection(self.a.host, self.a.port, timeout=timeout)
                left = random.randint(1, self.keepalive)
                try:
                    c0 = time.monotonic()
                    conn.connect()
                    with self.lock:
                        self.connections += 1
                        self.connect_s.append(time.monotonic() - c0)
                except Exception as e:  # noqa: BLE001 - every failure is a result to count
                    self.record(t0=time.monotonic(), outcome=classify(e), pod=None, status=None,
                                new=True, latency=None)
                    conn.close()
                    conn = None
                    continue
                new = True
            else:
                new = False
            left -= 1
            conn.sock.settimeout(timeout)
            t0 = time.monotonic()
            try:
                conn.request("GET", self.a.path, headers={"Host": "web.default"})
                r = conn.getresponse()
                r.read()
                lat = time.monotonic() - t0
                outcome = "ok" if r.status < 500 else "http_5xx"
                self.record(t0, outcome, r.getheader("X-Pod"), r.status, new, lat,
                            r.getheader("X-Client-Addr"))
                if r.getheader("Connection", "").lower() == "close":
                    left = 0
            except Exception as e:  # noqa: BLE001
                self.record(t0, classify(e), None, None, new, time.monotonic() - t0)
                conn.close()
                conn = None
        if conn is not None:
            conn.close()

    def record(self, t0, outcome, pod, status, new, latency, seen_client=None):
        with self.lock:
            self.results.append({"outcome": outcome, "pod": pod, "status": status, "new_conn": new,
                                 "latency_s": latency, "seen_client": seen_client})

    def run(self):
        workers = max(1, min(MAX_WORKERS, int(self.rate * 0.5) + 2, self.total))
        start = time.monotonic() + 0.05
        deadline = start + self.duration + GRACE
        threads = [threading.Thread(target=self.worker, args=(start, deadline), daemon=True)
                   for _ in range(workers)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(max(0.0, deadline + 1 - time.monotonic()))
        with self.lock:
            return self.summary(time.monotonic() - start)

    def summary(self, elapsed):
        res = list(self.results)
        lat = [r["latency_s"] for r in res if r["outcome"] in ("ok", "http_5xx")]
        outcomes, pods, pod_conns, seen = {}, {}, {}, {}
        for r in res:
            outcomes[r["outcome"]] = outcomes.get(r["outcome"], 0) + 1
            if r["pod"]:
                pods[r["pod"]] = pods.get(r["pod"], 0) + 1
                if r["new_conn"]:  # the first answered request of a connection names its pod
                    pod_conns[r["pod"]] = pod_conns.get(r["pod"], 0) + 1
            if r["seen_client"]:
                seen[r["seen_client"]] = seen.get(r["seen_client"], 0) + 1
        per_pod_lat, pod_status = {}, {}
        for r in res:
            if r["pod"]:
                st = pod_status.setdefault(r["pod"], {})
                st[str(r["status"])] = st.get(str(r["status"]), 0) + 1
        for p in pods:
            pl = [r["latency_s"] for r in res if r["pod"] == p and r["latency_s"] is not None]
            per_pod_lat[p] = {"p50_ms": ms(percentile(pl, 0.5)), "p99_ms": ms(percentile(pl, 0.99))}
        return {
            "target": f"{self.a.host}:{self.a.port}", "planned": self.total, "requests": len(res),
            "ok": outcomes.get("ok", 0), "errors": len(res) - outcomes.get("ok", 0),
            "outcomes": outcomes, "connections": self.connections, "elapsed_s": round(elapsed, 3),
            "latency_ms": {"p50": ms(percentile(lat, 0.5)), "p99": ms(percentile(lat, 0.99)),
                           "max": ms(max(lat) if lat else None)},
            "connect_ms": {"p50": ms(percentile(self.connect_s, 0.5)),
                           "p99": ms(percentile(self.connect_s, 0.99)),
                           "max": ms(max(self.connect_s) if self.connect_s else None),
                           "over_900ms": sum(1 for c in self.connect_s if c >= 0.9)},
            "pods": pods, "pod_connections": pod_conns, "pod_status": pod_status, "pod_latency_ms": per_pod_lat, "client_addr_seen_by_pods": seen,
        }


def ms(v):
    return None if v is None else round(v * 1000.0, 3)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--host", default="203.0.113.10")
    ap.add_argument("--port", type=int, default=80)
    ap.add_argument("--path", default="/")
    ap.add_argument("--rate", type=float, default=20)
    ap.add_argument("--duration", type=float, default=5)
    ap.add_argument("--keepalive", type=int, default=5)
    ap.add_argument("--timeout", type=float, default=5.0)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    s = Load(a).run()
    if a.json:
        print(json.dumps(s, indent=1, sort_keys=True))
        return
    print(f"traffic to {s['target']}: {s['requests']} requests ({s['planned']} planned) on "
          f"{s['connections']} connections in {s['elapsed_s']} s")
    print(f"  ok {s['ok']}, errors {s['errors']} " +
          " ".join(f"[{k}: {v}]" for k, v in sorted(s["outcomes"].items()) if k != "ok"))
    lm = s["latency_ms"]
    print(f"  latency p50 {lm['p50']} ms, p99 {lm['p99']} ms, max {lm['max']} ms; "
          f"connect p99 {s['connect_ms']['p99']} ms ({s['connect_ms']['over_900ms']} took >= 0.9 s)")
    for pod, n in sorted(s["pods"].items()):
        pl = s["pod_latency_ms"][pod]
        print(f"  {pod}: {n} requests, p50 {pl['p50_ms']} ms, p99 {pl['p99_ms']} ms")


if __name__ == "__main__":
    main()
