"""Row-level validation shared by the readers: every bad value becomes a DataError naming file, row and field.

Readers hand over pandas chunks that already carry a ``_line`` column (the 1-based line of each row in
its file) and get back a pyarrow table in the canonical flows schema.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import pyarrow as pa

from samarkand.errors import DataError
from samarkand.store import FLOW_SCHEMA, MAX_AMOUNT, YEAR_MAX, YEAR_MIN


def first_bad(df: pd.DataFrame, mask: pd.Series | np.ndarray) -> pd.Series:
    """The first row of ``df`` where ``mask`` holds."""
    return df.loc[np.asarray(mask)].iloc[0]


def numeric(df: pd.DataFrame, col: str, *, file: str, field: str | None = None,
            nullable: bool = False, na_tokens: tuple[str, ...] = ("", "NA", "N/A", "nan"),
            scale: float = 1.0) -> pd.Series:
    """Column ``col`` as float64 times ``scale`` (a unit conversion); a non-numeric, missing (unless
    ``nullable``), negative or too large value (above :data:`~samarkand.store.MAX_AMOUNT` once scaled, so
    never ``inf``) is a DataError."""
    field = field or col
    s = df[col]
    if s.dtype == object or pd.api.types.is_string_dtype(s):
        stripped = s.astype("string").str.strip()
        is_na = stripped.isna() | stripped.isin(na_tokens)
        vals = pd.to_numeric(stripped.where(~is_na), errors="coerce")
        bad = vals.isna() & ~is_na
        if bad.any():
            r = first_bad(df, bad)
            raise DataError(f"not a number: {str(r[col]).strip()!r}", file=file, row=int(r["_line"]), field=field)
    else:
        vals = pd.to_numeric(s, errors="coerce")
        is_na = vals.isna()
    vals = vals.astype("float64")
    if not nullable and is_na.any():
        r = first_bad(df, is_na)
        raise DataError("missing value", file=file, row=int(r["_line"]), field=field)
    if np.isinf(vals.to_numpy(dtype="float64", na_value=np.nan)).any():
        r = first_bad(df, np.isinf(vals.fillna(0)))
        raise DataError("infinite value", file=file, row=int(r["_line"]), field=field)
    neg = vals < 0
    if neg.any():
        r = first_bad(df, neg)
        raise DataError(f"negative value {r[col]!r}", file=file, row=int(r["_line"]), field=field)
    big = vals > MAX_AMOUNT / scale
    if big.any():
        r = first_bad(df, big)
        unit = f" once scaled by {scale:g}" if scale != 1.0 else ""
        raise DataError(f"value {str(r[col]).strip()!r} out of range (above {MAX_AMOUNT:g}{unit})", file=file,
                        row=int(r["_line"]), field=field)
    return vals * scale if scale != 1.0 else vals


def integer(df: pd.DataFrame, col: str, *, file: str, field: str | None = None) -> pd.Series:
    """Column ``col`` as int64; a fractional, non-numeric, missing or negative value is a DataError."""
    vals = numeric(df, col, file=file, field=field)
    huge = vals > 2.0 ** 53                  # beyond exact float64 integers: would wrap in int64
    if huge.any():
        r = first_bad(df, huge)
        raise DataError(f"whole number out of range: {str(r[col]).strip()!r}", file=file, row=int(r["_line"]),
                        field=field or col)
    frac = vals != np.floor(vals)
    if frac.any():
        r = first_bad(df, frac)
        raise DataError(f"not a whole number: {r[col]!r}", file=file, row=int(r["_line"]), field=field or col)
    return vals.astype("int64")


def years(df: pd.DataFrame, col: str, *, file: str, field: str | None = None) -> pd.Series:
    """Column ``col`` as whole years within YEAR_MIN–YEAR_MAX (1900–2100); anything else names its row."""
    vals = integer(df, col, file=file, field=field)
    out = (vals < YEAR_MIN) | (vals > YEAR_MAX)
    if out.any():
        r = first_bad(df, out)
        raise DataError(f"year {str(r[col]).strip()!r} outside {YEAR_MIN}–{YEAR_MAX}", file=file,
                        row=int(r["_line"]), field=field or col)
    return vals


def check_year(year: int, *, what: str = "year") -> int:
    """A single year given as an option, within YEAR_MIN–YEAR_MAX."""
    from samarkand.errors import InputError

    if not YEAR_MIN <= int(year) <= YEAR_MAX:
        raise InputError(f"{what} {year} is outside {YEAR_MIN}–{YEAR_MAX}")
    return int(year)


def mapped(df: pd.DataFrame, col: str, mapping: Mapping, *, file: str, field: str | None = None,
           what: str) -> pd.Series:
    """Map codes through ``mapping``; an unknown code is a DataError."""
    out = df[col].map(mapping)
    bad = out.isna()
    if bad.any():
        r = first_bad(df, bad)
        raise DataError(f"unknown {what} {str(r[col]).strip()!r}", file=file, row=int(r["_line"]),
                        field=field or col)
    return out


def member_of(df: pd.DataFrame, col: str, allowed: frozenset[str] | set[str], *, file: str,
              field: str | None = None, what: str) -> None:
    """A DataError naming the first row whose ``col`` is not in ``allowed``."""
    bad = ~df[col].isin(allowed)
    if bad.any():
        r = first_bad(df, bad)
        raise DataError(f"unknown {what} {str(r[col]).strip()!r}", file=file, row=int(r["_line"]),
                        field=field or col)


def hs6_codes(df: pd.DataFrame, col: str, known: frozenset[str] | None, *, file: str, revision: str,
              field: str | None = None) -> pd.Series:
    """Codes padded to six digits ('10121' → '010121'); each must exist in ``known`` when a list is given."""
    s = df[col].astype("string").str.strip()
    s = s.str.replace(r"\.0$", "", regex=True)
    s = s.where(~(s.str.isdigit() & (s.str.len() < 6)), s.str.zfill(6))
    form = ~s.fillna("").str.fullmatch(r"\d{6}")
    if form.any():
        r = first_bad(df, form)
        raise DataError(f"not an HS six-digit code: {str(r[col]).strip()!r}", file=file, row=int(r["_line"]),
                        field=field or col)
    if known is not None:
        bad = ~s.isin(known)
        if bad.any():
            r = first_bad(df, bad)
            raise DataError(f"HS code {s[bad].iloc[0]} does not exist in {revision}", file=file,
                            row=int(r["_line"]), field=field or col)
    return s.astype(object)


def duplicates_in(df: pd.DataFrame, keys: list[str], *, file: str) -> None:
    """A repeated (year, exporter, importer, hs6) inside one chunk is a DataError naming both rows."""
    dup = df.duplicated(keys, keep=False)
    if dup.any():
        rows = df.loc[dup].sort_values(keys + ["_line"])
        first = rows.iloc[0]
        same = rows[(rows[keys] == first[keys]).all(axis=1)]["_line"].tolist()
        key = ", ".join(f"{k}={first[k]}" for k in keys)
        raise DataError(f"duplicate flow ({key}) on rows {', '.join(map(str, same[:5]))}", file=file,
                        row=int(same[1]), field=",".join(keys))


def to_arrow(year: pd.Series, exporter: pd.Series, importer: pd.Series, hs6: pd.Series,
             value_usd: pd.Series, quantity_t: pd.Series) -> pa.Table:
    """The validated columns as a pyarrow table in the store's flows schema."""
    return pa.table({
        "year": pa.array(year.to_numpy(dtype="int64")).cast(pa.int32()),   # safe cast: refuses to wrap
        "exporter": pa.array(exporter.astype(str).to_numpy(), type=pa.string()),
        "importer": pa.array(importer.astype(str).to_numpy(), type=pa.string()),
        "hs6": pa.array(hs6.astype(str).to_numpy(), type=pa.string()),
        "value_usd": pa.array(value_usd.to_numpy(dtype="float64")),
        "quantity_t": pa.array(quantity_t.to_numpy(dtype="float64"), from_pandas=True),
    }, schema=FLOW_SCHEMA)
