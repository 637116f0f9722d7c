"""Load check of the samarkand JSON API on loopback: concurrent requests for a bounded time.

    python benchmarks/load_api.py [--duration 10] [--concurrency 16] [--url http://127.0.0.1:8000]
                                  [--mix repeated|computed] [--pages] [--no-warm-start]

Without ``--url`` it starts ``samarkand serve`` itself on a free 127.0.0.1 port (empty temporary data home:
the shipped data only) and stops it at the end.  Clients (httpx.AsyncClient, one connection pool) request a
mix of endpoints — dependency screen, stress test with varying share cuts, partnership, CRM benchmark,
CBAM with varying carbon prices, alignment, corridors, and invalid requests that must return 422 — until
the time is up.  ``--mix computed`` draws continuous parameters (share cut, carbon price, RCA threshold,
CRM threshold) so that nearly every request is computed rather than answered from the server's cache.
``--pages`` first times each dashboard page right after start-up (cold: computed, or waiting for the warm
start) and once more (warm).  It prints throughput (requests/s), latency percentiles (p50, p90, p99, max)
overall and per endpoint, and the error count (unexpected status or transport error).  Exit status 1 if any
error occurred.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict

import httpx


PAGES = ["/", "/dependencies", "/partnership", "/stress", "/crm", "/cbam", "/convergence", "/brief"]


def computed_mix(rng: random.Random) -> tuple[str, str, dict, int]:
    """One request whose parameters are (almost surely) new: the server computes it."""
    k = rng.random()
    if k < 0.3:
        return "stress", "/api/stress", {"reporter": "EU27", "cut": rng.choice(["CHN", "RUS", "USA"]), "year": 2024,
                                         "share_cut": round(rng.uniform(0.05, 1), 6)}, 200
    if k < 0.5:
        return "cbam", "/api/cbam", {"exporter": "KAZ", "ets_price": round(rng.uniform(20, 200), 6)}, 200
    if k < 0.7:
        return "partnership", "/api/partnership", {"a": "EU27", "b": rng.choice(["KAZ", "UZB", "CHN"]), "year": 2024,
                                                   "rca_threshold": round(rng.uniform(0.5, 3), 6), "limit": 50}, 200
    if k < 0.85:
        return "crm/hs6", "/api/crm/hs6", {"importer": "EU27", "year": 2024,
                                           "threshold": round(rng.uniform(0.3, 0.95), 6), "limit": 50}, 200
    return "crm/benchmark", "/api/crm/benchmark", {"threshold": round(rng.uniform(0.3, 0.95), 6)}, 200


def requests_mix(rng: random.Random) -> tuple[str, str, dict, int]:
    """One request: (label, path, params, expected status)."""
    k = rng.random()
    if k < 0.18:
        return "dependencies", "/api/dependencies", {"reporter": rng.choice(["EU27", "KAZ", "CHN", "USA"]),
                                                     "year": rng.choice([2022, 2023, 2024]), "limit": 50}, 200
    if k < 0.36:
        return "stress", "/api/stress", {"reporter": "EU27", "cut": rng.choice(["CHN", "RUS", "CHN,RUS", "USA"]),
                                         "share_cut": rng.choice([0.25, 0.5, 0.75, 1.0]), "year": 2024}, 200
    if k < 0.48:
        return "partnership", "/api/partnership", {"a": "EU27", "b": rng.choice(["KAZ", "UZB", "CHN"]),
                                                   "year": 2024, "limit": 50}, 200
    if k < 0.58:
        return "crm/benchmark", "/api/crm/benchmark", {"threshold": rng.choice([0.5, 0.65, 0.8])}, 200
    if k < 0.68:
        return "cbam", "/api/cbam", {"exporter": "KAZ", "ets_price": rng.choice([60, 80, 100, 130])}, 200
    if k < 0.76:
        return "alignment", "/api/alignment", {"a": "KAZ", "b": "EU27", "vs": rng.choice(["RUS", "RUS,CHN"])}, 200
    if k < 0.84:
        return "corridors", "/api/corridors", {"commodity": rng.choice(["crude", "cargo"]),
                                               "close_transit": rng.choice(["RUS", ""])}, 200
    if k < 0.92:
        return "materials", "/api/materials", {}, 200
    return "invalid (422)", "/api/stress", {"reporter": "EU27", "cut": "CHN",
                                            "share_cut": rng.choice([1.5, -1])}, 422


def pct(xs: list[float], p: float) -> float:
    if not xs:
        return float("nan")
    xs = sorted(xs)
    i = min(len(xs) - 1, max(0, int(round(p / 100 * len(xs) + 0.5)) - 1))
    return xs[i]


async def worker(client: httpx.AsyncClient, base: str, stop: float, seed: int, lat: dict, errors: list,
                 mix=requests_mix) -> None:
    rng = random.Random(seed)
    while time.perf_counter() < stop:
        label, path, params, expect = mix(rng)
        t0 = time.perf_counter()
        try:
            r = await client.get(base + path, params=params)
            ok = r.status_code == expect
            if ok and expect == 200:
                r.json()
        except (httpx.HTTPError, ValueError) as exc:
            errors.append(f"{label}: {type(exc).__name__}: {exc}")
            continue
        dt = time.perf_counter() - t0
        if not ok:
            errors.append(f"{label}: status {r.status_code} (expected {expect}): {r.text[:160]}")
        lat[label].append(dt)


async def run(base: str, duration: float, concurrency: int, seed: int, mix=requests_mix) -> int:
    lat: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(timeout=120, limits=limits) as client:
        t0 = time.perf_counter()
        stop = t0 + duration
        await asyncio.gather(*(worker(client, base, stop, seed + i, lat, errors, mix) for i in range(concurrency)))
        elapsed = time.perf_counter() - t0
    allv = [x for v in lat.values() for x in v]
    n = len(allv) + len(errors)
    print(f"samarkand API load check: {base}, {concurrency} concurrent clients, {elapsed:.1f} s")
    print(f"{'endpoint':<16}{'requests':>9}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for k in sorted(lat):
        v = lat[k]
        print(f"{k:<16}{len(v):>9}{pct(v, 50) * 1e3:>9.1f}{pct(v, 90) * 1e3:>9.1f}{pct(v, 99) * 1e3:>9.1f}"
              f"{max(v) * 1e3:>9.1f}")
    print(f"{'all':<16}{len(allv):>9}{pct(allv, 50) * 1e3:>9.1f}{pct(allv, 90) * 1e3:>9.1f}"
          f"{pct(allv, 99) * 1e3:>9.1f}{(max(allv) if allv else float('nan')) * 1e3:>9.1f}")
    print(f"throughput: {n / elapsed:.1f} requests/s   p99 latency: {pct(allv, 99) * 1e3:.1f} ms   "
          f"mean: {statistics.fmean(allv) * 1e3 if allv else float('nan'):.1f} ms   errors: {len(errors)}")
    for e in errors[:10]:
        print("  error:", e)
    return 1 if errors else 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def time_pages(base: str) -> None:
    """Each page twice: cold (first visit after start-up) and warm."""
    print(f"{'page':<16}{'cold ms':>10}{'warm ms':>10}{'status':>8}")
    with httpx.Client(timeout=300) as c:
        for path in PAGES:
            times, status = [], 0
            for _ in range(2):
                t0 = time.perf_counter()
                r = c.get(base + path)
                times.append(time.perf_counter() - t0)
                status = r.status_code
            print(f"{path:<16}{times[0] * 1e3:>10.1f}{times[1] * 1e3:>10.1f}{status:>8}")


def start_server(workers: int, warm: bool = True) -> tuple[subprocess.Popen, str, tempfile.TemporaryDirectory]:
    home = tempfile.TemporaryDirectory(prefix="samarkand-load-")
    port = free_port()
    env = dict(os.environ, SAMARKAND_HOME=home.name)
    proc = subprocess.Popen([sys.executable, "-m", "samarkand", "serve", "--host", "127.0.0.1", "--port", str(port),
                             "--workers", str(workers), "--warm-start" if warm else "--no-warm-start"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited: {proc.stderr.read().decode()[-2000:]}")
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                return proc, base, home
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.terminate()
    raise SystemExit("server did not start within 60 s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--duration", type=float, default=10.0, help="seconds of load (default 10)")
    ap.add_argument("--concurrency", type=int, default=16, help="concurrent clients (default 16)")
    ap.add_argument("--url", default=None, help="an already running server (default: start one on loopback)")
    ap.add_argument("--workers", type=int, default=1, help="uvicorn workers when starting the server")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--warmup", type=float, default=0.0, help="seconds of unmeasured load first (default 0)")
    ap.add_argument("--mix", choices=["repeated", "computed"], default="repeated",
                    help="repeated: a small set of requests (mostly cache hits once warm); computed: new parameters")
    ap.add_argument("--pages", action="store_true", help="time each dashboard page cold and warm first")
    ap.add_argument("--no-warm-start", action="store_true", help="start the server without its warm start")
    ap.add_argument("--settle", type=float, default=0.0,
                    help="seconds to wait after start-up before timing pages (lets the warm start finish)")
    a = ap.parse_args()
    if a.duration <= 0 or a.concurrency < 1:
        raise SystemExit("--duration must be > 0 and --concurrency >= 1")
    proc = home = None
    base = a.url
    if base is None:
        proc, base, home = start_server(a.workers, warm=not a.no_warm_start)
    mix = computed_mix if a.mix == "computed" else requests_mix
    try:
        if a.pages:
            time.sleep(a.settle)
            time_pages(base)
        if a.warmup > 0:
            asyncio.run(run(base, a.warmup, a.concurrency, a.seed + 1000, mix))
            print("--- measured run ---")
        rc = asyncio.run(run(base, a.duration, a.concurrency, a.seed, mix))
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
            home.cleanup()
    sys.exit(rc)


if __name__ == "__main__":
    main()
