#!/usr/bin/env python3
"""Wall and CPU time of samarkand commands on the shipped data, this tree against a baseline tree, in one run.

    python benchmarks/bench_commands.py [--baseline-src DIR] [--repeat 3] [--only crm|brief|dependencies]

Each command runs as a fresh process (``python -m samarkand ...``, cold: imports, reference tables, DuckDB
connection; bytecode cached by one uncounted warm-up run per tree), with an empty temporary data home, so the
shipped dataset is used.  Runs alternate between the
two trees (A B A B ...) so that machine load hits both alike; the median of ``--repeat`` runs is printed,
wall time and CPU time (user + system of the child, from ``resource.getrusage``), and the ratio
baseline / this tree.  ``--baseline-src`` is a samarkand ``src`` tree, e.g. the previous implementation::

    mkdir -p /tmp/base && git archive main src | tar -x -C /tmp/base   # then --baseline-src /tmp/base/src
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = {
    "crm": ["crm", "--reproduce", "2023", "--format", "csv"],
    "brief": ["brief", "EU27", "KAZ", "-o", "{tmp}/brief.html", "-q"],
    "dependencies": ["dependencies", "EU27", "--year", "2024", "--format", "csv"],
}


def run_once(args: list[str], src: str, home: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one cold run of ``python -m samarkand ARGS`` with ``src`` first on the path."""
    env = {**os.environ, "SAMARKAND_HOME": home, "PYTHONPATH": src}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.run([sys.executable, "-m", "samarkand", *args], capture_output=True, text=True, env=env,
                       check=False)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        sys.exit(f"{' '.join(args)} failed with {src}:\n{p.stderr[-2000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--baseline-src", default=None, help="a samarkand src/ tree to compare with")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--only", choices=sorted(COMMANDS), action="append", default=None)
    a = ap.parse_args()
    trees = {"this": str(ROOT / "src")}
    if a.baseline_src:
        trees["baseline"] = str(Path(a.baseline_src).resolve())
    with tempfile.TemporaryDirectory(prefix="bench_cmd_") as tmp:
        for name in a.only or ["crm", "brief", "dependencies"]:
            args = [x.format(tmp=tmp) for x in COMMANDS[name]]
            runs: dict[str, list[tuple[float, float]]] = {t: [] for t in trees}
            for src in trees.values():       # warm-up, not counted: bytecode compiled and cached for both trees
                run_once(args, src, str(Path(tmp) / "home"))
            for _ in range(a.repeat):
                for t, src in trees.items():
                    runs[t].append(run_once(args, src, str(Path(tmp) / "home")))
            med = {t: (statistics.median(w for w, _ in r), statistics.median(c for _, c in r))
                   for t, r in runs.items()}
            line = f"samarkand {' '.join(COMMANDS[name])}: " + "; ".join(
                f"{t} wall {w:.2f} s, CPU {c:.2f} s" for t, (w, c) in med.items())
            if "baseline" in med:
                line += (f"; baseline/this: wall {med['baseline'][0] / med['this'][0]:.1f}×, "
                         f"CPU {med['baseline'][1] / med['this'][1]:.1f}×")
            print(line + f" (median of {a.repeat})", flush=True)


if __name__ == "__main__":
    main()
