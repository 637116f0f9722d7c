"""Helpers for ``scripts/builders``: write a table with its metadata (build time only)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from samarkand.reference import DATA_DIR


def write_table(name: str, df: pd.DataFrame, meta: dict[str, Any], *, fmt: str = "csv",
                out_dir: Path = DATA_DIR) -> Path:
    """Write ``df`` as ``name.csv|parquet`` and ``name.meta.json``; returns the table path.

    ``meta`` must name ``title``, ``source`` and ``licence``; string columns are recorded so that
    codes such as '010111' or 'NA' read back unchanged.
    """
    for key in ("title", "source", "licence"):
        if key not in meta:
            raise ValueError(f"reference table {name}: metadata lacks '{key}'")
    out_dir.mkdir(parents=True, exist_ok=True)
    meta = dict(meta)
    meta["rows"] = int(len(df))
    meta["columns"] = list(map(str, df.columns))
    meta.setdefault("string_columns", [c for c in df.columns if df[c].dtype == object])
    if fmt == "parquet":
        p = out_dir / f"{name}.parquet"
        df.to_parquet(p, index=False, compression="zstd")
    else:
        p = out_dir / f"{name}.csv"
        df.to_csv(p, index=False, lineterminator="\n")
    (out_dir / f"{name}.meta.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n",
                                              encoding="utf-8")
    return p
