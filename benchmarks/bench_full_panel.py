#!/usr/bin/env python3
"""Full-panel benchmark: the EC 2021 screen for ALL reporters in ALL years of a BACI-sized panel (not run in CI).

    python benchmarks/bench_full_panel.py [--years 25] [--rows-per-year 10M] [--countries 200] [--products 5000]
                                          [--threads 2] [--work DIR] [--method ec2021|geodep]

Target (issue 14): ≤ 120 s and ≤ 8 GiB peak memory for 25 years × 10 M rows (≈ the full BACI panel, 250 M rows).

1. Generate: each year is a synthetic BACI-shaped table from ``bench_dependencies.generate`` (Zipf country
   sizes, log-normal product popularity, unique keys, heavy-tailed values; documented there) with its own seed,
   so years differ.  Kept in ``--work`` and reused by later runs with the same sizes.
2. Import: every year streamed, row group by row group, through :meth:`samarkand.store.Store.import_batches`
   into a data home under ``--work`` — one atomic import, as ``samarkand data import`` (validation of the key,
   parts sorted by importer, exports aggregate per year).  Timed, not part of the target.
3. Screen (in a fresh subprocess, so its peak RSS is its own): for each year,
   :func:`samarkand.methods.dependencies.screen_frame` with every country as its own reporter.  Prints the
   seconds per year, the total, the rows and dependent (reporter, product) pairs, and the peak RSS.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_dependencies import generate, parse_rows  # noqa: E402

FIRST_YEAR = 2000


def year_file(work: Path, year: int, rows: int, countries: int, products: int) -> Path:
    return work / "panel" / f"y{year}_{rows}_{countries}_{products}.parquet"


def generate_panel(work: Path, years: list[int], rows: int, countries: int, products: int) -> None:
    (work / "panel").mkdir(parents=True, exist_ok=True)
    for y in years:
        p = year_file(work, y, rows, countries, products)
        if not p.exists():
            t0 = time.perf_counter()
            generate(p, rows, countries, products, seed=1000 + y)
            print(f"  generated {y}: {rows:,} rows in {time.perf_counter() - t0:.1f} s", flush=True)


def import_panel(work: Path, years: list[int], rows: int, countries: int, products: int) -> float:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from samarkand.store import FLOW_SCHEMA, Store

    def batches():
        for y in years:
            pf = pq.ParquetFile(year_file(work, y, rows, countries, products))
            for i in range(pf.num_row_groups):
                t = pf.read_row_group(i)   # generated as YEAR: relabel
                t = t.set_column(0, "year", pa.array([y] * t.num_rows, pa.int16()))
                yield t.cast(FLOW_SCHEMA)

    t0 = time.perf_counter()
    Store(work / "home").import_batches("panel", batches(), source="table", release=None, hs_revision="HS22",
                                        checksum=None, source_files=["synthetic"], keys_unique=False,
                                        replace=True)
    return time.perf_counter() - t0


def screen_all(home: str, threads: int, method: str) -> dict:
    from samarkand.methods.dependencies import method_years, screen_frame
    from samarkand.store import Store

    t0 = time.perf_counter()
    fl = Store(home).flows("panel")
    fl.con.execute(f"SET threads TO {threads}")
    per_year, rows, dependent = {}, 0, 0
    years = fl.years()
    for y in years:
        need = method_years(method, y)
        if need[0] < years[0]:
            continue   # GeoDep needs the window's earlier years
        t = time.perf_counter()
        countries = [r[0] for r in fl.con.execute(
            f"SELECT DISTINCT importer FROM flows WHERE year = {int(y)} UNION "
            f"SELECT DISTINCT exporter FROM flow_exports WHERE year = {int(y)}").fetchall()]
        rm = pd.DataFrame([(yy, c, c) for yy in need for c in countries], columns=["year", "iso3", "reporter"])
        res = screen_frame(fl, rm, y, method)
        per_year[y] = time.perf_counter() - t
        rows += len(res)
        dependent += int(res["dependent"].sum())
        print(f"  {y}: {per_year[y]:.1f} s, {len(res):,} rows", file=sys.stderr, flush=True)
    return {"seconds": time.perf_counter() - t0, "per_year": per_year, "rows_out": rows, "dependent": dependent,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--years", type=int, default=25)
    ap.add_argument("--rows-per-year", default="10M")
    ap.add_argument("--countries", type=int, default=200)
    ap.add_argument("--products", type=int, default=5000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--method", default="ec2021", choices=["ec2021", "geodep"])
    ap.add_argument("--work", type=Path, default=Path("bench_full_panel_work"),
                    help="where the generated panel and the data home are kept (about 5 GB at full size)")
    ap.add_argument("--_screen", nargs=1, metavar="HOME", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a._screen:
        print(json.dumps(screen_all(a._screen[0], a.threads, a.method)))
        return
    rows = parse_rows(a.rows_per_year)
    years = list(range(FIRST_YEAR, FIRST_YEAR + a.years))
    print(f"panel: {a.years} years × {rows:,} rows = {a.years * rows:,} rows; {a.countries} countries, "
          f"{a.products} products", flush=True)
    t0 = time.perf_counter()
    generate_panel(a.work, years, rows, a.countries, a.products)
    print(f"generate: {time.perf_counter() - t0:.1f} s", flush=True)
    print(f"import (one atomic import: key check, sorted parts, exports aggregate): "
          f"{import_panel(a.work, years, rows, a.countries, a.products):.1f} s", flush=True)
    p = subprocess.run([sys.executable, __file__, "--threads", str(a.threads), "--method", a.method,
                        "--_screen", str(a.work / "home")], stdout=subprocess.PIPE, text=True, check=False,
                       env={**os.environ, "PYTHONHASHSEED": "0"})
    if p.returncode != 0:
        sys.exit("screen failed")
    r = json.loads(p.stdout.strip().splitlines()[-1])
    n = len(r["per_year"])
    print(f"screen, all reporters, {n} years ({a.method}): {r['seconds']:.1f} s "
          f"({r['seconds'] / max(n, 1):.1f} s a year); peak RSS {r['peak_rss_mb'] / 1024:.2f} GiB; "
          f"{r['rows_out']:,} (reporter, product, year) rows, {r['dependent']:,} dependent")
    print(f"target ≤ 120 s and ≤ 8 GiB: {'met' if r['seconds'] <= 120 and r['peak_rss_mb'] <= 8192 else 'missed'}")


if __name__ == "__main__":
    main()
