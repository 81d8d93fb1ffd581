#!/usr/bin/env python3
"""Soak test of `zan serve` (issue 8): not part of `cargo test`.

Starts `zan serve` on loopback over an existing index, measures the unloaded p99 latency with
one client, then runs N concurrent clients for M minutes with a mix of good and malformed
requests, and reports: 5xx count, p99 unloaded vs loaded (ratio), and the server's RSS at
start, after warm-up and at the end (growth %). Exit code 1 when an acceptance bound fails
(any 5xx, p99 ratio > 2, RSS growth after warm-up > 10 %).

    cargo build && python3 scripts/soak.py --minutes 10 --clients 32 --index index

Standard library only. Latencies include the Python client's own overhead (GIL), the same in
both phases.
"""
import argparse, json, random, socket, subprocess, sys, threading, time, urllib.parse
import http.client

GOOD = [
    "/api/search?q=" + urllib.parse.quote("государственной услуги") + "&lang=ru",
    "/api/search?q=" + urllib.parse.quote("апостиль") + "&lang=kk&limit=5",
    "/api/search?q=" + urllib.parse.quote('"мемлекеттік қызмет"') + "&as_of=2021-01-01",
    "/api/search?q=" + urllib.parse.quote("документов OR құжаттар") + "&sort=date",
    "/api/summary",
    "/",
    "/api/openapi.json",
]
BAD = [
    "/api/search",
    "/api/search?q=",
    "/api/search?q=a&limit=0",
    "/api/search?q=a&limit=999999999999999999999",
    "/api/search?q=a&as_of=31-31-31",
    "/api/search?q=a&lang=xx",
    "/api/search?q=" + "+".join(["слово"] * 40),
    "/api/search?q=" + "%28" * 20 + "a" + "%29" * 20,
    "/api/search?q=" + "a" * 9000,
    "/api/search?q=%FF%FE%00",
    "/api/acts/..%2F..%2Fetc%2Fpasswd",
    "/%2e%2e/%2e%2e/etc/passwd",
    "/api/acts/NOPE",
    "/api/acts/NOPE/diff?from=bad",
    "/api/acts/X/units/%%%/history",
    "/api/search?q=%22unterminated",
    "/api/search?q=a:b:c:[1 TO",
]


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def p99(xs):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * 0.99))] if xs else float("nan")


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.lat_good = []
        self.by_status = {}
        self.errors = 0
        self.examples = []

    def add(self, status, lat, good):
        with self.lock:
            self.by_status[status] = self.by_status.get(status, 0) + 1
            if good and status == 200:
                self.lat_good.append(lat)


def client(port, until, stats, seed, bad_share, only_good=False, think=0.0):
    rnd = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    previous = None
    while time.time() < until:
        good = only_good or rnd.random() >= bad_share
        path = rnd.choice(GOOD if good else BAD)
        method = "GET"
        body = None
        if not good and rnd.random() < 0.15:
            method, body = "POST", b"x" * rnd.choice([10, 20000, 200000])
        t0 = time.perf_counter()
        try:
            conn.request(method, path, body=body)
            res = conn.getresponse()
            res.read()
            status = res.status
            if res.getheader("connection", "").lower() == "close":
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        except Exception as e:
            # A 413 answered before a large body is read resets the connection: expected for
            # malformed requests, a failure for good ones.
            status = "conn-error-good" if good else "conn-error-bad"
            if good and len(stats.examples) < 5:
                stats.examples.append({"error": repr(e), "request": f"{method} {path[:80]}",
                                       "after": previous, "seconds": round(time.perf_counter() - t0, 3)})
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        stats.add(status, time.perf_counter() - t0, good)
        previous = f"{method} {path[:80]} body={len(body) if body else 0} -> {status}"
        if think:
            time.sleep(rnd.uniform(0, 2 * think))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--index", default="index")
    ap.add_argument("--zan", default="target/debug/zan")
    ap.add_argument("--unloaded-seconds", type=float, default=20)
    ap.add_argument("--warmup-seconds", type=float, default=30)
    ap.add_argument("--bad-share", type=float, default=0.4)
    ap.add_argument("--think-ms", type=float, default=100,
                    help="mean pause of each client between requests (0: closed loop, saturating)")
    a = ap.parse_args()
    port = free_port()
    srv = subprocess.Popen([a.zan, "serve", "--index", a.index, "--addr", f"127.0.0.1:{port}"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        rss_start = rss_kb(srv.pid)
        unloaded = Stats()
        client(port, time.time() + a.unloaded_seconds, unloaded, 0, 0.0, only_good=True)
        # Warm-up under load, then the measured run.
        warm = Stats()
        ts = [threading.Thread(target=client, args=(port, time.time() + a.warmup_seconds, warm, i + 1, a.bad_share, False, a.think_ms / 1000))
              for i in range(a.clients)]
        [t.start() for t in ts]
        [t.join() for t in ts]
        rss_warm = rss_kb(srv.pid)
        loaded = Stats()
        until = time.time() + a.minutes * 60
        ts = [threading.Thread(target=client, args=(port, until, loaded, 100 + i, a.bad_share, False, a.think_ms / 1000))
              for i in range(a.clients)]
        [t.start() for t in ts]
        rss_max = rss_warm
        samples, next_sample = [], time.time() + 60
        while any(t.is_alive() for t in ts):
            time.sleep(1)
            rss_max = max(rss_max, rss_kb(srv.pid))
            if time.time() >= next_sample:
                samples.append(rss_kb(srv.pid))
                next_sample += 60
        [t.join() for t in ts]
        rss_end = rss_kb(srv.pid)
        alive = srv.poll() is None
    finally:
        srv.terminate()
        srv.wait()
    all_status = {}
    for s in (warm, loaded):
        for k, v in s.by_status.items():
            all_status[str(k)] = all_status.get(str(k), 0) + v
    five = sum(v for k, v in all_status.items() if k.startswith("5"))
    conn_err = all_status.get("conn-error-good", 0)
    p_un, p_lo = p99(unloaded.lat_good), p99(loaded.lat_good)
    growth = 100.0 * (rss_end - rss_warm) / rss_warm if rss_warm else float("nan")
    report = {
        "minutes": a.minutes, "clients": a.clients, "think_ms": a.think_ms, "requests": sum(all_status.values()),
        "by_status": dict(sorted(all_status.items())), "server_errors_5xx": five,
        "connection_errors_good_requests": conn_err, "server_alive": alive,
        "p99_unloaded_ms": round(p_un * 1000, 2), "p99_loaded_ms": round(p_lo * 1000, 2),
        "p99_ratio": round(p_lo / p_un, 2),
        "rss_kb": {"start": rss_start, "after_warmup": rss_warm, "max": rss_max, "end": rss_end,
                   "each_minute": samples},
        "rss_growth_after_warmup_pct": round(growth, 2),
        "good_request_failures": warm.examples + loaded.examples,
    }
    print(json.dumps(report, ensure_ascii=False, indent=1))
    ok = five == 0 and conn_err == 0 and alive and growth < 10 and p_lo <= 2 * p_un
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
