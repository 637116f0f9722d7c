"""Concentration of supply: shares and the Herfindahl–Hirschman index (HHI), in Python and in SQL.

HHI = Σ_i s_i², with s_i = v_i / Σ_j v_j the share of supplier i (fractions, so 0 < HHI ≤ 1; a single
supplier gives 1, n equal suppliers give 1/n).  Equivalently HHI = Σ v_i² / (Σ v_i)², which is how the SQL
snippets below compute it in one aggregation pass (no window over shares needed).
Reference: Herfindahl (1950), Hirschman (1945); the 0–1 scale is the one used by the European Commission
(SWD(2021) 352) and CEPII GeoDep (threshold 0.4).

This module is the one place these formulas are written: the pandas forms (:func:`shares`, :func:`hhi`,
:func:`hhi_after_gains`, :func:`top_n_string`) and the SQL form (:func:`hhi_sql`) side by side, tested
against each other in tests/test_formulas.py.
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


def weighted_hhi(shares_: Iterable[float] | pd.Series, weights: Iterable[float] | pd.Series) -> float:
    """Σ w_i s_i²: the HHI with each supplier's squared share weighted (risk, governance × trade factor).

    Shares are taken as given (fractions); used by the rebalance objective Σ r_s x_s² and the EU criticality
    method's HHI_WGI,t = Σ s_c² · WGI_c · t_c.
    """
    s = np.asarray(list(shares_), dtype=float)
    w = np.asarray(list(weights), dtype=float)
    if s.shape != w.shape:
        raise ValueError("shares and weights must have the same length")
    return float((w * s * s).sum())


def top_n_string(shares_: pd.Series, n: int = 3, digits: int = 2) -> str:
    """'CHN 0.62; RUS 0.12; KAZ 0.09' — the n largest shares, largest first (ties by code)."""
    s = pd.Series(shares_, dtype=float)
    s = s[s > 0]
    if s.empty:
        return ""
    order = sorted(s.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
    return "; ".join(f"{k} {v:.{digits}f}" for k, v in order)


def hhi_after_gains(values: Mapping[str, float] | pd.Series, gains: Mapping[str, float] | pd.Series) -> float:
    """HHI after some suppliers gain ``gains`` (value), total unchanged, the others shrinking pro rata.

    With T = Σ values and G = Σ gains (G ≤ T − Σ values of the gaining suppliers), gaining supplier g gets
    v_g + gain_g and every other supplier s keeps v_s × (T − Σ_g v_g − G) / (T − Σ_g v_g).  Used for "A's
    concentration if B's headroom were used" (for a bloc B, the gain is split over its members).
    """
    s = pd.Series(values, dtype=float)
    s = s[s > 0]
    if float(s.sum()) <= 0:
        return float("nan")
    g = pd.Series(gains, dtype=float)
    g = g[g > 0]
    gainers = s.reindex(g.index, fill_value=0.0)
    others = s.drop(g.index, errors="ignore")
    rest = float(others.sum())
    total_gain = float(g.sum())
    if total_gain > rest * (1 + 1e-12):
        raise ValueError(f"gains {total_gain} exceed what the other suppliers hold ({rest})")
    scale = (rest - total_gain) / rest if rest > 0 else 0.0
    return hhi(pd.concat([others * scale, gainers + g]))


def hhi_sql(value: str = "v", *, normalise: bool = True) -> str:
    """SQL aggregate expression for the HHI of ``value`` within a GROUP BY.

    ``normalise``: Σ v² / (Σ v)² (NULL if Σ v = 0), the same as :func:`hhi`; otherwise Σ v² of values taken
    as shares as given (NULL values count as 0), the same as ``hhi(..., normalise=False)``.
    """
    if not normalise:
        return f"sum(coalesce({value}, 0) * coalesce({value}, 0))"
    return f"(sum({value} * {value}) / nullif(sum({value}) * sum({value}), 0))"


HHI_SQL = hhi_sql("v")


def weighted_hhi_sql(share: str, weight: str) -> str:
    """SQL aggregate of :func:`weighted_hhi`: Σ w s² with shares as given (NULL shares count as 0)."""
    return f"sum(coalesce({share}, 0) * coalesce({share}, 0) * {weight})"
