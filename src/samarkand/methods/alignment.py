"""Governance and foreign-policy convergence of economy A with a partner B and reference economies.

Governance (World Bank WGI, 2024 update, 1996–2023): for each dimension d (va, pv, ge, rq, rl, cc) and
year y, the gap is ``gap_d,y = WGI_A,d,y − median_{m ∈ R(y)} WGI_m,d,y`` where R(y) are the members of the
reference (B or one of ``vs``) in year y (a country is its own only member; A is left out of a bloc it
belongs to).  Foreign policy (UNGA ideal points, Bailey, Strezhnev & Voeten 2017, July 2025 release,
1992–2024): ``distance_y = |idealpointfp_A,y − median_{m ∈ R(y)} idealpointfp_m,y|``.

Trend: the ordinary least-squares slope of the gap (or distance) on the year (scipy.stats.linregress),
with its p-value; for governance the slope of |gap| says whether A converges (|gap| falls) or diverges.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from samarkand import economies, reference
from samarkand.errors import InputError
from samarkand.provenance import Result, years_of

#: significance level of a trend (OLS slope) for "converging" / "diverging"
TREND_P = 0.05

WGI_YEARS = (1996, 2023)
UN_YEARS = (1992, 2024)
INDICATORS = ["va", "pv", "ge", "rq", "rl", "cc"]


def _members_by_year(code: str, years: list[int], exclude: str) -> dict[int, frozenset[str]]:
    out = {}
    for y in years:
        try:
            m = economies.members(code, y)
        except InputError:
            m = frozenset()
        out[y] = frozenset(m - {exclude}) if economies.is_bloc(code) else m
    return out


def _ref_median(df: pd.DataFrame, value: str, ref: str, a: str, years: list[int],
                keys: list[str]) -> pd.DataFrame:
    """Median of ``value`` over the members of ``ref`` in each year (and each ``keys`` group)."""
    mem = _members_by_year(ref, years, a)
    pairs = pd.DataFrame([(y, m) for y, ms in mem.items() for m in ms], columns=["year", "iso3"])
    if pairs.empty:
        return pd.DataFrame(columns=["year", *keys, "ref_median", "n_members"])
    sub = df.merge(pairs, on=["year", "iso3"]).dropna(subset=[value])
    g = sub.groupby(["year", *keys])[value].agg(ref_median="median", n_members="count").reset_index()
    return g


def _trend(x: pd.Series, y: pd.Series) -> dict[str, Any]:
    ok = x.notna() & y.notna()
    x, y = x[ok].astype(float), y[ok].astype(float)
    if len(x) < 3:
        return {"slope_per_year": np.nan, "p_value": np.nan, "n_years": int(len(x))}
    lr = stats.linregress(x, y)
    return {"slope_per_year": float(lr.slope), "p_value": float(lr.pvalue), "n_years": int(len(x))}


def _years(years: Iterable[int] | None, span: tuple[int, int]) -> list[int]:
    full = list(range(span[0], span[1] + 1))
    if years is None:
        return full
    ys = sorted({int(y) for y in years})
    return [y for y in ys if span[0] <= y <= span[1]]


def _governance(a: str, refs: list[str], wy: list[int]) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """A's WGI estimate minus each reference's median, per indicator and year, and the trend rows."""
    wgi = reference.load("wgi")
    wgi = wgi[wgi["year"].isin(wy)]
    own = wgi[wgi["iso3"] == a][["year", "indicator", "estimate"]].dropna()
    if wy and own.empty:
        raise InputError(f"no WGI estimates for {a} in {wy[0]}–{wy[-1]}")
    parts, trends = [], []
    for ref in refs:
        med = _ref_median(wgi, "estimate", ref, a, wy, ["indicator"])
        g = own.rename(columns={"estimate": "a_estimate"}).merge(med, on=["year", "indicator"], how="inner")
        g["reference"] = ref
        g["gap"] = g["a_estimate"] - g["ref_median"]
        parts.append(g)
        for ind in INDICATORS:
            s = g[g["indicator"] == ind].sort_values("year")
            if not s.empty:
                trends.append(_trend_row(f"wgi_{ind}", ref, s["year"], s["gap"]))
    governance = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    if len(governance):
        governance = governance[["year", "indicator", "reference", "a_estimate", "ref_median", "n_members",
                                 "gap"]].sort_values(["reference", "indicator", "year"]).reset_index(drop=True)
    return governance, trends


def _foreign_policy(a: str, refs: list[str], uy: list[int],
                    measure: str) -> tuple[pd.DataFrame, list[dict[str, Any]], pd.DataFrame]:
    """|A's ideal point − each reference's median| per year, the trend rows and the nearest reference per year."""
    ip = reference.load("ideal_points")
    ip = ip[ip["year"].isin(uy)]
    own_ip = ip[ip["iso3"] == a][["year", measure]].dropna()
    if uy and own_ip.empty:
        raise InputError(f"no UNGA ideal points ({measure}) for {a} in {uy[0]}–{uy[-1]}")
    parts, trends = [], []
    for ref in refs:
        med = _ref_median(ip, measure, ref, a, uy, [])
        f = own_ip.rename(columns={measure: "a_ideal_point"}).merge(med, on="year", how="inner")
        f["reference"] = ref
        f["distance"] = (f["a_ideal_point"] - f["ref_median"]).abs()
        parts.append(f)
        s = f.sort_values("year")
        if not s.empty:
            trends.append(_trend_row(f"unga_{measure}_distance", ref, s["year"], s["distance"]))
    foreign = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    if not len(foreign):
        return foreign, trends, pd.DataFrame(columns=["year", "nearest_reference"])
    foreign = foreign[["year", "reference", "a_ideal_point", "ref_median", "n_members", "distance"]]
    foreign = foreign.sort_values(["reference", "year"]).reset_index(drop=True)
    nearest = foreign.loc[foreign.groupby("year")["distance"].idxmin(), ["year", "reference"]]
    return foreign, trends, nearest.rename(columns={"reference": "nearest_reference"}).reset_index(drop=True)


def alignment(a: str, b: str, *, vs: Iterable[str] = ("RUS", "CHN"), years: Iterable[int] | None = None,
              measure: str = "idealpointfp") -> Result:
    """Governance gap of ``a`` to ``b``'s median per WGI dimension, and UNGA ideal-point distance of ``a`` to
    ``b`` and to each of ``vs`` (medians over bloc members), each with its OLS trend per year.

    ``years`` restricts both series (WGI 1996–2023, ideal points 1992–2024); ``measure`` is
    'idealpointfp' (default; the authors' measure for comparisons over time) or 'idealpointall'.
    """
    a = economies.resolve(a)
    if economies.is_bloc(a):
        raise InputError(f"alignment: A must be one country, not the bloc {a}")
    b = economies.resolve(b)
    refs = [b] + [economies.resolve(v) for v in vs if economies.resolve(v) != b]
    if a in refs:
        raise InputError(f"alignment: {a} cannot be compared with itself")
    if measure not in ("idealpointfp", "idealpointall"):
        raise InputError(f"measure must be 'idealpointfp' or 'idealpointall'; got {measure!r}")
    wy, uy = _years(years, WGI_YEARS), _years(years, UN_YEARS)
    if years is not None and not wy and not uy:
        raise InputError(f"years {sorted(set(years))} fall outside both WGI {WGI_YEARS[0]}–{WGI_YEARS[1]} and "
                         f"UNGA ideal points {UN_YEARS[0]}–{UN_YEARS[1]}")

    governance, gov_trends = _governance(a, refs, wy)
    foreign, fp_trends, nearest = _foreign_policy(a, refs, uy, measure)
    table = pd.DataFrame(gov_trends + fp_trends)

    notes = []
    if len(foreign):
        last = foreign[foreign["year"] == foreign["year"].max()].sort_values("distance")
        notes.append(f"UNGA {int(last['year'].iloc[0])}: {a} is closest to " + ", ".join(
            f"{r.reference} ({r.distance:.2f})" for r in last.itertuples()))
    for ref in refs:
        if economies.is_bloc(ref):
            notes.append(f"{ref}: median over the members of each year"
                         + (f" ({a} left out)" if a in economies.members(ref) else ""))
    if wy and governance.empty:
        notes.append("no governance comparison: no WGI data for the references in these years")
    m_w, m_i = reference.meta("wgi"), reference.meta("ideal_points")
    prov = {
        "a": a, "b": b, "references": refs,
        "method": "governance: gap to the reference's median WGI and its OLS trend; foreign policy: distance of "
                  "UNGA ideal points to the reference's median and its OLS trend",
        "source": f"{m_w['source']}; {m_i['source']}", "dataset": "wgi, ideal_points (shipped)",
        "years": years_of([*governance.get("year", []), *foreign.get("year", [])]),
        "thresholds": {"trend_p_value": TREND_P},
        "governance": {"dataset": m_w["source"], "version": m_w["version"], "licence": m_w["licence"],
                       "years": f"{min(governance['year'])}–{max(governance['year'])}" if len(governance) else "",
                       "method": "gap = A's estimate − median of the reference's members; trend = OLS slope of "
                                 "|gap| on year (scipy.stats.linregress); WGI not published for 1997, 1999, 2001"},
        "foreign_policy": {"dataset": m_i["source"], "version": m_i["version"], "measure": measure,
                           "years": f"{min(foreign['year'])}–{max(foreign['year'])}" if len(foreign) else "",
                           "method": "distance = |A's ideal point − median of the reference's members|; trend = "
                                     "OLS slope on year"},
        "direction_rule": "converging / diverging when the slope of |gap| or distance is negative / positive "
                          f"with p < {TREND_P}; otherwise 'no clear trend'",
    }
    return Result(table=table, provenance=prov,
                  extras={"governance": governance, "foreign_policy": foreign, "nearest": nearest}, notes=notes)


def _trend_row(measure: str, ref: str, years: pd.Series, values: pd.Series) -> dict[str, Any]:
    """One row of the trend table: first and last values, OLS slope of the values and of their absolute values
    (the direction is read on |value|: a gap or distance shrinking towards 0 is converging)."""
    t = _trend(years, values)
    ta = _trend(years, values.abs())
    return {"measure": measure, "reference": ref, "first_year": int(years.iloc[0]), "last_year": int(years.iloc[-1]),
            "value_first": float(values.iloc[0]), "value_last": float(values.iloc[-1]),
            "slope_per_year": t["slope_per_year"], "abs_slope_per_year": ta["slope_per_year"],
            "p_value": ta["p_value"], "n_years": t["n_years"],
            "direction": _direction(ta["slope_per_year"], ta["p_value"])}


def _direction(slope: float, p: float) -> str:
    if slope is None or np.isnan(slope) or np.isnan(p) or p >= TREND_P:
        return "no clear trend"
    return "converging" if slope < 0 else "diverging"
