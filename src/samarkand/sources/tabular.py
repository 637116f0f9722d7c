"""Shared loading for the in-memory readers (Comtrade exports, generic tables): CSV or Parquet → pandas with
line numbers."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from samarkand.errors import DataError


def read_table(path: Path) -> pd.DataFrame:
    """All columns as strings; ``_line`` = the row's line in a CSV (header = 1) or its position + 2 in Parquet."""
    if not path.exists():
        raise DataError("no such file", file=str(path))
    if path.stat().st_size == 0:
        raise DataError("empty file (no header, no rows)", file=str(path), row=1)
    try:
        if path.suffix.lower() in (".parquet", ".pq"):
            df = pd.read_parquet(path)
            df = df.astype({c: "string" for c in df.columns if df[c].dtype == object})
        else:
            df = _read_csv(path)
    except DataError:
        raise
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError, OSError) as exc:
        raise DataError(f"unreadable table: {exc}", file=str(path)) from exc
    if df.empty:
        raise DataError("no data rows under the header", file=str(path), row=2)
    df["_line"] = range(2, 2 + len(df))
    return df


def decode_text(raw: bytes) -> str:
    """UTF-8 (with or without BOM), else Latin-1 — the encodings trade files come in."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _read_csv(path: Path) -> pd.DataFrame:
    import io

    text = decode_text(path.read_bytes())
    sep = "\t" if text.split("\n", 1)[0].count("\t") > text.split("\n", 1)[0].count(",") else ","
    try:
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, sep=sep)
    except pd.errors.ParserError as exc:
        import re

        m = re.search(r"line (\d+)", str(exc))
        raise DataError(f"malformed CSV: {str(exc).strip()}", file=str(path),
                        row=int(m.group(1)) if m else None) from exc


def require_columns(df: pd.DataFrame, cols: list[str], *, file: str) -> None:
    """A DataError on the header row when any of ``cols`` is missing."""
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise DataError(f"malformed header: missing column(s) {', '.join(missing)} (found: "
                        f"{', '.join(c for c in df.columns if c != '_line')})", file=file, row=1)
