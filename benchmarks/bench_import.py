#!/usr/bin/env python3
"""Import throughput: samarkand's streaming BACI reader + atomic store vs a straightforward pandas import.

Both do the same work on the same synthetic BACI-layout zip (one yearly file, ``--rows`` distinct flows over
the shipped country list and HS 2022 codes, values from a gamma distribution like BACI's heavy tail):
parse, map numeric country codes to ISO3, pad HS codes, check negatives/missing values and duplicates,
scale thousands of USD to USD, write Parquet.  Each runs in its own process so that peak memory (max RSS) is
its own.  Prints seconds, rows/s, peak RSS and the ratio baseline/samarkand measured in this run.

    python benchmarks/bench_import.py --rows 5000000
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def make_zip(path: Path, rows: int, seed: int = 1) -> None:
    from samarkand import reference

    rng = np.random.default_rng(seed)
    codes = reference.load("countries").drop_duplicates("iso3")["baci_code"].to_numpy()
    hs = reference.load("hs2022")["hs6"].astype(int).to_numpy()
    space = len(codes) * len(codes) * len(hs)
    idx = np.unique(rng.integers(0, space, size=int(rows * 1.02)))[:rows]
    rng.shuffle(idx)
    i = codes[idx // (len(codes) * len(hs))]
    j = codes[(idx // len(hs)) % len(codes)]
    k = hs[idx % len(hs)]
    v = rng.gamma(0.3, 300.0, len(idx)).round(3)
    q = np.where(rng.random(len(idx)) < 0.05, np.nan, rng.gamma(0.3, 50.0, len(idx)).round(3))
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        with zf.open("BACI_HS22_Y2023_V202501.csv", "w", force_zip64=True) as fh:
            fh.write(b"t,i,j,k,v,q\n")
            step = 500_000
            for s in range(0, len(idx), step):
                lines = [f"2023,{a},{b},{c},{d},{'NA' if e != e else e}" for a, b, c, d, e in
                         zip(i[s:s + step], j[s:s + step], k[s:s + step], v[s:s + step], q[s:s + step])]
                fh.write(("\n".join(lines) + "\n").encode())


def run_samarkand(zip_path: str, home: str) -> dict:
    from samarkand.sources import import_file

    t0 = time.perf_counter()
    info = import_file(zip_path, home=home, name="bench")
    return {"seconds": time.perf_counter() - t0, "rows": info.rows}


def run_pandas(zip_path: str, out: str) -> dict:
    """The straightforward route: read everything with pandas, check, convert, write one Parquet file."""
    import pandas as pd

    from samarkand import reference

    t0 = time.perf_counter()
    with zipfile.ZipFile(zip_path) as zf:
        with zf.open("BACI_HS22_Y2023_V202501.csv") as fh:
            df = pd.read_csv(fh, dtype={"k": str}, na_values=["NA"])
    c = reference.load("countries")
    iso = dict(zip(c["baci_code"].astype(int), c["iso3"]))
    df["exporter"] = df["i"].map(iso)
    df["importer"] = df["j"].map(iso)
    assert df["exporter"].notna().all() and df["importer"].notna().all()
    df["hs6"] = df["k"].str.zfill(6)
    assert (df["v"] >= 0).all() and df["v"].notna().all()
    assert not df.duplicated(["exporter", "importer", "hs6"]).any()
    df["value_usd"] = df["v"] * 1000.0
    df = df.rename(columns={"t": "year", "q": "quantity_t"})[
        ["year", "exporter", "importer", "hs6", "value_usd", "quantity_t"]]
    df.to_parquet(out, index=False, compression="zstd")
    return {"seconds": time.perf_counter() - t0, "rows": len(df)}


def child(kind: str, zip_path: str, tmp: str) -> None:
    res = run_samarkand(zip_path, tmp + "/home") if kind == "samarkand" else run_pandas(zip_path, tmp + "/p.parquet")
    res["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(res))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=5_000_000)
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        child(*a.child)
        return
    with tempfile.TemporaryDirectory() as tmp:
        z = Path(tmp) / "BACI_HS22_V202501.zip"
        t0 = time.perf_counter()
        make_zip(z, a.rows)
        print(f"synthetic BACI zip: {a.rows:,} rows, {z.stat().st_size / 2**20:.0f} MiB ({time.perf_counter() - t0:.0f} s)")
        res = {}
        for kind in ("pandas", "samarkand"):
            out = subprocess.run([sys.executable, __file__, "--child", kind, str(z), tmp], capture_output=True,
                                 text=True, check=True)
            res[kind] = json.loads(out.stdout.strip().splitlines()[-1])
            r = res[kind]
            print(f"{kind:>10}: {r['seconds']:7.1f} s  {r['rows'] / r['seconds']:>12,.0f} rows/s  "
                  f"peak RSS {r['peak_rss_mib']:,.0f} MiB")
        print(f"ratio (pandas time / samarkand time): {res['pandas']['seconds'] / res['samarkand']['seconds']:.2f}; "
              f"peak memory ratio (pandas / samarkand): {res['pandas']['peak_rss_mib'] / res['samarkand']['peak_rss_mib']:.2f}")


if __name__ == "__main__":
    main()
