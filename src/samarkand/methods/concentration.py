"""Concentration of supply: shares and the Herfindahl–Hirschman index (HHI), in Python and in SQL.

HHI = Σ_i s_i², with s_i = v_i / Σ_j v_j the share of supplier i (fractions, so 0 < HHI ≤ 1; a single
supplier gives 1, n equal suppliers give 1/n).  Equivalently HHI = Σ v_i² / (Σ v_i)², which is how the SQL
snippets below compute it in one aggregation pass (no window over shares needed).
Reference: Herfindahl (1950), Hirschman (1945); the 0–1 scale is the one used by the European Commission
(SWD(2021) 352) and CEPII GeoDep (threshold 0.4).

Other modules (partnership, stress, rebalance, crm) reuse :func:`hhi`, :func:`shares`, :func:`top_n_string`
and the SQL fragments ``HHI_SQL`` / ``hhi_sql``.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd


def shares(values: Mapping[str, float] | pd.Series) -> pd.Series:
    """Shares s_i = v_i / Σ v (a Series indexed like ``values``); empty when the total is 0."""
    s = pd.Series(values, dtype=float)
    s = s[s > 0]
    tot = s.sum()
    if tot <= 0:
        return s.iloc[0:0]
    return s / tot


def hhi(values: Mapping[str, float] | pd.Series | Iterable[float], *, normalise: bool = True) -> float:
    """Herfindahl–Hirschman index Σ s_i² of a set of values (shares computed from them when ``normalise``).

    With ``normalise=False`` the values are taken as shares as given (e.g. published shares that do not
    sum to 1 because small suppliers were left out) and Σ s_i² is returned unchanged.  NaN for no value.
    """
    v = pd.Series(values if not isinstance(values, (list, tuple, np.ndarray)) else list(values), dtype=float)
    v = v[v > 0]
    if v.empty:
        return float("nan")
    if normalise:
        v = v / v.sum()
    return float((v * v).sum())


def top_n_string(shares_: pd.Series, n: int = 3, digits: int = 2) -> str:
    """'CHN 0.62; RUS 0.12; KAZ 0.09' — the n largest shares, largest first (ties by code)."""
    s = pd.Series(shares_, dtype=float)
    s = s[s > 0]
    if s.empty:
        return ""
    order = sorted(s.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
    return "; ".join(f"{k} {v:.{digits}f}" for k, v in order)


def hhi_sql(value: str = "v") -> str:
    """SQL aggregate expression for the HHI of ``value`` within a GROUP BY: Σ v² / (Σ v)² (NULL if Σ v = 0)."""
    return f"(sum({value} * {value}) / nullif(sum({value}) * sum({value}), 0))"


HHI_SQL = hhi_sql("v")


def top_n_sql(key: str = "supplier", value: str = "v", total: str = "total", n: int = 3) -> str:
    """SQL aggregate giving 'CHN 0.62; RUS 0.12; ...' for the n largest ``value`` rows of a group.

    ``total`` is the group total (a column available in the grouped rows).  Ties are broken by ``key``.
    """
    return (f"array_to_string(list(({key} || ' ' || printf('%.2f', {value} / {total})) "
            f"ORDER BY {value} DESC, {key})[1:{int(n)}], '; ')")
