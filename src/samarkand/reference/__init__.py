"""Shipped reference tables, in the project's own tidy schema.

Each table lives in ``reference/data/`` as ``NAME.csv`` or ``NAME.parquet`` next to ``NAME.meta.json``
(title, source, licence, version, what it was built from, caveats).  All of them are rebuilt from
``../shared/data`` by ``scripts/build_reference.py``; ATTRIBUTION.md names every source and licence.
"""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from samarkand.errors import InputError

DATA_DIR = Path(__file__).parent / "data"


def path(name: str) -> Path:
    """The file holding reference table ``name`` (parquet preferred over csv)."""
    for ext in (".parquet", ".csv"):
        p = DATA_DIR / f"{name}{ext}"
        if p.exists():
            return p
    raise InputError(f"no shipped reference table '{name}'; available: {', '.join(available())}")


def available() -> list[str]:
    """Names of every shipped table."""
    return sorted({p.name.split(".")[0] for p in DATA_DIR.glob("*.meta.json")})


@cache
def _load(name: str) -> pd.DataFrame:
    p = path(name)
    if p.suffix == ".parquet":
        return pd.read_parquet(p)
    return pd.read_csv(p, keep_default_na=False, na_values=[""], dtype=_csv_dtypes(name))


def load(name: str) -> pd.DataFrame:
    """Reference table ``name`` as a fresh DataFrame (callers may modify it)."""
    return _load(name).copy()


@cache
def meta(name: str) -> dict[str, Any]:
    """Provenance of table ``name``: title, source, licence, version, built_from, notes."""
    p = DATA_DIR / f"{name}.meta.json"
    if not p.exists():
        raise InputError(f"no metadata for reference table '{name}'")
    return json.loads(p.read_text(encoding="utf-8"))


def _csv_dtypes(name: str) -> dict[str, Any]:
    """Codes stay strings: HS codes keep leading zeros, ISO codes such as 'NA' (Namibia) stay."""
    m = meta(name)
    return {c: str for c in m.get("string_columns", [])}
