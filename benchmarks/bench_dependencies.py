#!/usr/bin/env python3
"""Benchmark: the EC 2021 dependency screen for ALL reporters, DuckDB SQL (samarkand) vs straightforward pandas.

    python benchmarks/bench_dependencies.py [--rows 10M] [--countries 200] [--products 5000] [--threads 2]
                                            [--single] [--baseline-src DIR] [--repeat 3]

Synthetic BACI-shaped panel (one year; BACI has ~11 M rows a year for ~200 countries × ~5,000 HS6 codes):

- countries: ``--countries`` three-letter codes; exporter and importer sizes follow Zipf laws
  (weight ∝ rank^-1.1 for exporters, rank^-0.9 for importers), as trade is dominated by a few large economies;
- products: the first ``--products`` HS 2022 six-digit codes of the shipped nomenclature, with log-normal
  popularity (σ = 1), so some products are traded by almost every pair and most by few;
- rows: each product gets rows ∝ its popularity (at most every ordered pair of distinct countries); its
  (exporter, importer) pairs are drawn without replacement with probability ∝ exporter size × importer size
  (Gumbel top-k), so keys are unique and there is no self-trade.  Density = rows / (countries² × products):
  10 M rows ≈ 5 %, BACI's order;
- value_usd: log-normal (μ = 9, σ = 2.5) × exporter size × importer size — heavy-tailed like BACI values.

The panel is first imported into a temporary data home with :meth:`samarkand.store.Store.import_batches` (the
import sorts each part by importer and writes the exports aggregate, :mod:`samarkand.store_layout`; its time is
printed as a one-off cost).  Each implementation then runs in its own subprocess (peak RSS measured there with
``resource.getrusage``): **samarkand** = :func:`samarkand.methods.dependencies.screen_frame` on the stored
dataset, reporter map = every country to itself; **pandas** = read the Parquet file, then groupby / merge
(import HHI, extra share, exports, ratio, world-export HHI, top supplier and top-3 string, criteria, flag).
The two outputs are compared row by row (HHI, ratio, flag) before the timings are printed.

``--single`` also times one reporter (the median country by imports) and a bloc of 27 countries (median of
``--repeat`` runs, after one warm-up).  ``--baseline-src DIR`` runs the same screens with the samarkand source
tree in DIR (e.g. the previous implementation: ``git archive main src | tar -x -C /tmp/base``) on the
generated Parquet file as it is, and prints the ratios of the two implementations measured in this run.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
YEAR = 2024


def parse_rows(s: str) -> int:
    s = s.strip().upper()
    mult = {"K": 10 ** 3, "M": 10 ** 6, "G": 10 ** 9}.get(s[-1], 1)
    return int(float(s[:-1] if s[-1] in "KMG" else s) * mult)


def country_codes(n: int) -> list[str]:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return [letters[i // 676 % 26] + letters[i // 26 % 26] + letters[i % 26] for i in range(n)]


def generate(path: Path, rows: int, n_countries: int, n_products: int, seed: int = 7) -> None:
    """Write the synthetic panel (documented in the module docstring) to ``path`` as Parquet."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from samarkand import products

    rng = np.random.default_rng(seed)
    codes = np.array(country_codes(n_countries))
    hs = np.array(sorted(products.nomenclature()["hs6"])[:n_products])
    w_exp = 1.0 / np.arange(1, n_countries + 1) ** 1.1
    w_imp = 1.0 / np.arange(1, n_countries + 1) ** 0.9
    w_imp = w_imp[rng.permutation(n_countries)]  # big importers are not exactly the big exporters
    w_prod = rng.lognormal(0.0, 1.0, n_products)
    pe, pi, pp = w_exp / w_exp.sum(), w_imp / w_imp.sum(), w_prod / w_prod.sum()
    # rows per product ∝ popularity, capped at every ordered pair of distinct countries
    n_pairs = n_countries * (n_countries - 1)
    per = np.minimum(np.floor(pp * rows).astype(np.int64), n_pairs)
    short = rows - per.sum()
    order = np.argsort(-pp)
    while short > 0:  # hand the rounding remainder to the most popular products that still have room
        room = order[per[order] < n_pairs][:short]
        per[room] += 1
        short = rows - per.sum()
    ee, ii = np.divmod(np.arange(n_countries * n_countries), n_countries)
    keep = ee != ii
    ee, ii = ee[keep], ii[keep]
    logw = np.log(pe[ee]) + np.log(pi[ii])
    e_parts, i_parts, p_parts = [], [], []
    for prod in np.flatnonzero(per):
        k = int(per[prod])
        # weighted sampling of k distinct pairs without replacement (Gumbel top-k)
        g = logw + rng.gumbel(size=len(logw))
        sel = np.argpartition(-g, k - 1)[:k] if k < len(g) else np.arange(len(g))
        e_parts.append(ee[sel])
        i_parts.append(ii[sel])
        p_parts.append(np.full(k, prod, dtype=np.int32))
    e, i, p = (np.concatenate(x) for x in (e_parts, i_parts, p_parts))
    rows = len(e)
    value = rng.lognormal(9.0, 2.5, rows) * (1 + 50 * pe[e]) * (1 + 50 * pi[i])
    tbl = pa.table({"year": pa.array(np.full(rows, YEAR, dtype=np.int16)),
                    "exporter": pa.array(codes[e]), "importer": pa.array(codes[i]), "hs6": pa.array(hs[p]),
                    "value_usd": pa.array(np.round(value, 0)), "quantity_t": pa.nulls(rows, pa.float64())})
    pq.write_table(tbl, path, compression="zstd", row_group_size=1_000_000)


# ------------------------------------------------------------------------------------------------
def import_panel(path: str, home: str) -> dict:
    """Import the panel into a data home, as `samarkand data import` does (sorted parts, exports aggregate)."""
    import pyarrow.parquet as pq

    from samarkand.store import FLOW_SCHEMA, Store

    t0 = time.perf_counter()
    pf = pq.ParquetFile(path)
    batches = (pf.read_row_group(i).cast(FLOW_SCHEMA) for i in range(pf.num_row_groups))
    Store(home).import_batches("synthetic", batches, source="table", release=None, hs_revision="HS22",
                               checksum=None, source_files=[path], keys_unique=True)
    return {"seconds": time.perf_counter() - t0}


def _open(path: str, home: str | None):
    from samarkand.store import DatasetInfo, Flows, Store

    if home:
        return Store(home).flows("synthetic")
    info = DatasetInfo(name="synthetic", source="bench", release=None, hs_revision="HS22", years=[YEAR], rows=0,
                       checksum=None, imported_at="", directory=path)
    return Flows.from_parquet(path, info)


def run_samarkand(path: str, out: str, threads: int, home: str | None, single: bool, repeat: int) -> dict:
    from samarkand.methods.dependencies import screen_frame

    t0, c0 = time.perf_counter(), _cpu()
    fl = _open(path, home)
    fl.con.execute(f"SET threads TO {threads}")
    countries = [r[0] for r in fl.con.execute("SELECT DISTINCT importer FROM flows UNION "
                                              "SELECT DISTINCT exporter FROM flows").fetchall()]
    rm = pd.DataFrame({"year": YEAR, "iso3": countries, "reporter": countries})
    res = screen_frame(fl, rm, YEAR, "ec2021")
    dt, cpu = time.perf_counter() - t0, _cpu() - c0
    res[["reporter", "hs6", "import_hhi", "import_export_ratio", "extra_share", "top_supplier",
         "dependent"]].to_parquet(out)
    r = {"seconds": dt, "cpu_seconds": cpu, "rows_out": len(res), "dependent": int(res["dependent"].sum())}
    if single:
        r.update(time_single(fl, repeat))
    return r


def _cpu() -> float:
    """CPU seconds (user + system, all threads) of this process so far: less sensitive to other load than wall."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def time_single(fl, repeat: int) -> dict:
    """Median seconds of one reporter (the median importer by value) and of a bloc of 27 importers."""
    from samarkand.methods.dependencies import screen_frame

    order = [x[0] for x in fl.con.execute("SELECT importer, sum(value_usd) AS v FROM flows GROUP BY importer "
                                          "ORDER BY v DESC, importer").fetchall()]
    one = order[len(order) // 2]
    bloc = order[len(order) // 2 - 13: len(order) // 2 + 14]
    out = {"one_reporter": one}
    for key, rm in (("one_seconds", pd.DataFrame({"year": YEAR, "iso3": [one], "reporter": one})),
                    ("bloc_seconds", pd.DataFrame({"year": YEAR, "iso3": bloc, "reporter": "BLOC"}))):
        screen_frame(fl, rm, YEAR, "ec2021")          # warm-up: file metadata, connection
        ts = []
        for _ in range(repeat):
            t = time.perf_counter()
            screen_frame(fl, rm, YEAR, "ec2021")
            ts.append(time.perf_counter() - t)
        out[key] = float(np.median(ts))
    return out


def run_pandas(path: str, out: str) -> dict:
    """Straightforward pandas: every country is a reporter; imports from all partners are extra."""
    t0, c0 = time.perf_counter(), _cpu()
    df = pd.read_parquet(path, columns=["year", "exporter", "importer", "hs6", "value_usd"])
    for c in ("exporter", "importer", "hs6"):
        df[c] = df[c].astype("category")
    t1 = time.perf_counter()
    d = df[(df["year"] == YEAR) & (df["value_usd"] > 0)]
    imp = d.groupby(["importer", "hs6", "exporter"], observed=True)["value_usd"].sum().reset_index()
    imp["extra_tot"] = imp.groupby(["importer", "hs6"], observed=True)["value_usd"].transform("sum")
    imp["s2"] = (imp["value_usd"] / imp["extra_tot"]) ** 2
    scr = imp.groupby(["importer", "hs6"], observed=True).agg(extra=("value_usd", "sum"), import_hhi=("s2", "sum"))
    top = imp.sort_values(["importer", "hs6", "value_usd", "exporter"], ascending=[True, True, False, True])
    top = top.groupby(["importer", "hs6"], observed=True).head(3)
    top["lab"] = top["exporter"].astype(str) + " " + (top["value_usd"] / top["extra_tot"]).map("{:.2f}".format)
    g = top.groupby(["importer", "hs6"], observed=True)
    scr["top3_suppliers"] = g["lab"].agg("; ".join)
    scr["top_supplier"] = g["exporter"].first().astype(str)
    exp = d.groupby(["exporter", "hs6"], observed=True)["value_usd"].sum()
    exp.index = exp.index.set_names(["importer", "hs6"])
    scr = scr.join(exp.rename("exports"), how="left")
    scr["exports"] = scr["exports"].fillna(0.0)
    w = d.groupby(["hs6", "exporter"], observed=True)["value_usd"].sum().reset_index()
    w["s2"] = (w["value_usd"] / w.groupby("hs6", observed=True)["value_usd"].transform("sum")) ** 2
    scr = scr.join(w.groupby("hs6", observed=True)["s2"].sum().rename("world_export_hhi"), on="hs6")
    scr["extra_share"] = 1.0  # a country has no intra-bloc partner
    scr["import_export_ratio"] = np.where(scr["exports"] > 0, scr["extra"] / scr["exports"].where(scr["exports"] > 0),
                                          np.inf)
    scr["dependent"] = (scr["import_hhi"] > 0.4) & (scr["extra_share"] > 0.5) & (scr["import_export_ratio"] > 1.0)
    t2, c2 = time.perf_counter(), _cpu()
    res = scr.reset_index().rename(columns={"importer": "reporter"})
    res["reporter"] = res["reporter"].astype(str)
    res["hs6"] = res["hs6"].astype(str)
    res[["reporter", "hs6", "import_hhi", "import_export_ratio", "extra_share", "top_supplier",
         "dependent"]].to_parquet(out)
    return {"seconds": t2 - t0, "cpu_seconds": c2 - c0, "compute_seconds": t2 - t1, "rows_out": len(res),
            "dependent": int(res["dependent"].sum())}


def child(which: str, path: str, out: str, a: argparse.Namespace) -> None:
    if which == "import":
        r = import_panel(path, out)
    elif which == "pandas":
        r = run_pandas(path, out)
    else:   # samarkand on the stored dataset; baseline (another source tree) on the Parquet file
        home = str(Path(out).parent / "home") if which == "samarkand" else None
        r = run_samarkand(path, out, a.threads, home, a.single, a.repeat)
    r["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kB
    print(json.dumps(r))


def _run_child(which: str, data: Path, out: Path, a: argparse.Namespace, src: str | None = None) -> dict:
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    if src:
        env.update(PYTHONPATH=src, PYTHONDONTWRITEBYTECODE="1")
    cmd = [sys.executable, __file__, "--threads", str(a.threads), "--repeat", str(a.repeat),
           *(["--single"] if a.single else []), "--_child", which, str(data), str(out)]
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if p.returncode != 0:
        sys.exit(f"{which} failed:\n{p.stderr}")
    return json.loads(p.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", default="10M", help="unique flows in the panel (10M, 25M ...)")
    ap.add_argument("--countries", type=int, default=200)
    ap.add_argument("--products", type=int, default=5000)
    ap.add_argument("--threads", type=int, default=2, help="DuckDB threads")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--keep", type=Path, default=None, help="directory to keep the generated Parquet in")
    ap.add_argument("--skip-pandas", action="store_true", help="time samarkand only (for very large panels)")
    ap.add_argument("--single", action="store_true", help="also time one reporter and a bloc of 27")
    ap.add_argument("--repeat", type=int, default=3, help="runs per single-reporter timing (median)")
    ap.add_argument("--baseline-src", default=None, help="a samarkand src/ tree to time as the baseline")
    ap.add_argument("--_child", nargs=3, metavar=("WHICH", "PATH", "OUT"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a._child:
        child(a._child[0], a._child[1], a._child[2], a)
        return
    rows = parse_rows(a.rows)
    work = Path(a.keep) if a.keep else Path(tempfile.mkdtemp(prefix="bench_dep_"))
    work.mkdir(parents=True, exist_ok=True)
    data = work / f"panel_{rows}_{a.countries}_{a.products}_{a.seed}.parquet"
    if not data.exists():
        t0 = time.perf_counter()
        generate(data, rows, a.countries, a.products, a.seed)
        print(f"generated {rows:,} rows in {time.perf_counter() - t0:.1f} s → {data} "
              f"({data.stat().st_size / 2 ** 20:.0f} MiB)")
    home = work / "home"
    if home.exists():
        import shutil

        shutil.rmtree(home)
    r = _run_child("import", data, home, a)
    print(f"import (one-off: validate, sort parts by importer, exports aggregate): {r['seconds']:.1f} s; "
          f"peak RSS {r['peak_rss_mb']:,.0f} MiB")
    results = {}
    runs = [("samarkand", None)] + ([] if a.skip_pandas else [("pandas", None)])
    runs += [("baseline", a.baseline_src)] if a.baseline_src else []
    for which, src in runs:
        results[which] = r = _run_child(which, data, work / f"out_{which}.parquet", a, src)
        extra = f", compute only {r['compute_seconds']:.1f} s" if "compute_seconds" in r else ""
        print(f"{which:9s}: {r['seconds']:7.1f} s{extra}; CPU {r['cpu_seconds']:.1f} s; "
              f"peak RSS {r['peak_rss_mb']:,.0f} MiB; "
              f"{r['rows_out']:,} (reporter, product) rows, {r['dependent']:,} dependent")
        if "one_seconds" in r:
            print(f"{'':11s}one reporter ({r['one_reporter']}): {r['one_seconds'] * 1000:.0f} ms; "
                  f"bloc of 27: {r['bloc_seconds'] * 1000:.0f} ms (median of {a.repeat})")
    if "pandas" in results:
        s = pd.read_parquet(work / "out_samarkand.parquet").set_index(["reporter", "hs6"]).sort_index()
        p = pd.read_parquet(work / "out_pandas.parquet").set_index(["reporter", "hs6"]).sort_index()
        same = (s.index.equals(p.index)
                and np.allclose(s["import_hhi"], p["import_hhi"], rtol=1e-9)
                and np.allclose(s["import_export_ratio"], p["import_export_ratio"], rtol=1e-9)
                and (s["dependent"] == p["dependent"]).all()
                and (s["top_supplier"] == p["top_supplier"]).all())
        print(f"results agree (HHI, ratio, top supplier, flag on every row): {same}")
        rs, rp = results["samarkand"], results["pandas"]
        print(f"ratio pandas/samarkand: {rp['seconds'] / rs['seconds']:.2f}× wall time "
              f"(pandas compute only: {rp['compute_seconds'] / rs['seconds']:.2f}×; CPU time "
              f"{rp['cpu_seconds'] / rs['cpu_seconds']:.2f}×); "
              f"peak memory {rp['peak_rss_mb'] / rs['peak_rss_mb']:.2f}× "
              f"(samarkand/pandas {rs['peak_rss_mb'] / rp['peak_rss_mb']:.2f}×)")
    if "baseline" in results:
        rs, rb = results["samarkand"], results["baseline"]
        print(f"ratio baseline/samarkand: all reporters {rb['seconds'] / rs['seconds']:.2f}× "
              f"(CPU {rb['cpu_seconds'] / rs['cpu_seconds']:.2f}×), peak memory "
              f"{rb['peak_rss_mb'] / rs['peak_rss_mb']:.2f}×"
              + (f"; one reporter {rb['one_seconds'] / rs['one_seconds']:.2f}×, bloc of 27 "
                 f"{rb['bloc_seconds'] / rs['bloc_seconds']:.2f}×" if "one_seconds" in rs else ""))
    if not a.keep:
        import shutil

        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
