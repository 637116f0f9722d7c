"""Supplier risk: governance (WGI) and geopolitical distance (UN General Assembly ideal points).

For a reporter r, a year Y and each supplier s:

- governance risk g_s = clip((2.5 − WGI_s) / 5, 0, 1), where WGI_s is the mean of the six Worldwide
  Governance Indicators estimates (va, pv, ge, rq, rl, cc; each on a standard-normal scale of about
  −2.5 … 2.5, higher = better) of s in the latest WGI year ≤ Y (World Bank, WGI 2024 update, shipped
  table ``wgi``).  0 = best possible governance, 1 = worst.  A country without an estimate that year takes
  its latest one of at most ``MAX_LAG`` = 3 years before (named in the notes).
- geopolitical distance d_s = |ip_r − ip_s|, ip = ``idealpointfp`` of Bailey, Strezhnev & Voeten (2017),
  July 2025 release (shipped table ``ideal_points``), latest year ≤ Y with estimates (same 3-year fallback
  per country).  For a bloc reporter
  ip_r is the **median** of its members' ideal points that year.  Distance risk δ_s = d_s / (max ip − min ip)
  over all countries that year, so 0 = same position, 1 = the widest gap in the Assembly.
- risk_s = (w_g · g_s + w_d · δ_s) / (w_g + w_d); default weights 0.5 / 0.5 (:data:`DEFAULT_WEIGHTS`).
  A supplier missing from an index (e.g. Taiwan has no UN ideal point; BACI's 'S19' is in neither) gets
  the component value given by ``missing`` — 'max' (1.0, the cautious default) or 'skip' (weight of the
  missing component dropped for that supplier); the result notes list every supplier concerned.

Risk-weighted concentration of a product: Σ_s share_s² × risk_s (≤ HHI; equal to HHI when every supplier
carries risk 1).  The rebalance module reuses :func:`supplier_risk`.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal

import numpy as np
import pandas as pd

from samarkand import economies
from samarkand.errors import InputError

DEFAULT_WEIGHTS = {"governance": 0.5, "distance": 0.5}
WGI_INDICATORS = ("va", "pv", "ge", "rq", "rl", "cc")
#: a country without an estimate in the year used takes its latest estimate of at most this many years before
MAX_LAG = 3
WGI_SOURCE = "World Bank, Worldwide Governance Indicators, 2024 update (mean of the six estimates)"
IDEAL_SOURCE = ("Bailey, Strezhnev & Voeten (2017), UNGA ideal points, July 2025 release (idealpointfp); "
                "bloc reporter: median of members")


def _weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    w = dict(DEFAULT_WEIGHTS)
    for k, v in (weights or {}).items():
        if k not in w:
            raise InputError(f"unknown risk weight '{k}'; known: {', '.join(w)}")
        if float(v) < 0:
            raise InputError(f"risk weight {k}={v} must be ≥ 0")
        w[k] = float(v)
    if sum(w.values()) <= 0:
        raise InputError("risk weights must not all be 0")
    return w


def wgi_scores(year: int, wgi: pd.DataFrame | None = None,
               max_lag: int = MAX_LAG) -> tuple[pd.Series, pd.Series, int]:
    """Mean WGI estimate per ISO3 in its latest year in [year − max_lag, year].

    Returns (score, year used per ISO3, latest WGI year ≤ ``year`` overall).
    """
    from samarkand import reference

    w = reference.load("wgi") if wgi is None else wgi
    w = w[w["indicator"].isin(WGI_INDICATORS) & w["estimate"].notna()]
    if not (w["year"] <= int(year)).any():
        raise InputError(f"no WGI estimates for {year} or earlier (WGI starts in {int(w['year'].min())})")
    return _latest_in_window(w, "estimate", year, max_lag)


def _latest_in_window(d: pd.DataFrame, value: str, year: int, max_lag: int) -> tuple[pd.Series, pd.Series, int]:
    """Per ISO3, the mean of ``value`` in its latest year within [year − max_lag, year]; the year used per ISO3;
    the latest year ≤ ``year`` with any value."""
    latest = int(d.loc[d["year"] <= int(year), "year"].max())
    d = d[(d["year"] <= int(year)) & (d["year"] >= int(year) - max_lag)]
    m = d.groupby(["iso3", "year"], as_index=False)[value].mean()
    last = m.sort_values("year").groupby("iso3").tail(1).set_index("iso3")
    return last[value], last["year"].astype(int), latest


def ideal_points(year: int, ip: pd.DataFrame | None = None,
                 max_lag: int = MAX_LAG) -> tuple[pd.Series, pd.Series, int]:
    """idealpointfp per ISO3 in its latest year in [year − max_lag, year] (Assembly sessions a country
    missed leave no estimate).  Returns (point, year used per ISO3, latest year ≤ ``year`` overall)."""
    from samarkand import reference

    d = reference.load("ideal_points") if ip is None else ip
    d = d[d["idealpointfp"].notna()]
    if not (d["year"] <= int(year)).any():
        raise InputError(f"no UN ideal points for {year} or earlier")
    return _latest_in_window(d, "idealpointfp", year, max_lag)


def supplier_risk(reporter: str, year: int, suppliers: Iterable[str], weights: Mapping[str, float] | None = None,
                  *, missing: Literal["max", "skip"] = "max", wgi: pd.DataFrame | None = None,
                  ideal: pd.DataFrame | None = None) -> pd.DataFrame:
    """Risk of each supplier for ``reporter`` in ``year`` (formula in the module docstring).

    Columns: supplier, wgi_mean, wgi_year, governance_risk, ideal_point, reporter_ideal_point,
    ideal_point_year, distance, distance_risk, risk, missing.  ``df.attrs['provenance']`` says which
    year of each index was used, the weights and how a missing value was treated.
    """
    if missing not in ("max", "skip"):
        raise InputError("missing must be 'max' or 'skip'")
    w = _weights(weights)
    code = economies.resolve(reporter)
    sups = sorted(set(suppliers))
    g, g_years, gy = wgi_scores(year, wgi)
    ip, ip_years, iy = ideal_points(year, ideal)
    members = sorted(economies.members(code, iy))
    mem_ip = ip.reindex(members).dropna()
    if mem_ip.empty:
        rep_ip = np.nan
    else:
        rep_ip = float(mem_ip.median())
    cur = ip[ip_years == iy]  # the spread of positions in the Assembly of the year used
    span = float(cur.max() - cur.min()) if len(cur) else float(ip.max() - ip.min())
    out = pd.DataFrame({"supplier": sups})
    out["wgi_mean"] = out["supplier"].map(g)
    out["wgi_year"] = out["supplier"].map(g_years).astype("Int64")
    out["governance_risk"] = ((2.5 - out["wgi_mean"]) / 5.0).clip(0, 1)
    out["ideal_point"] = out["supplier"].map(ip)
    out["reporter_ideal_point"] = rep_ip
    out["ideal_point_year"] = out["supplier"].map(ip_years).astype("Int64")
    out["distance"] = (out["ideal_point"] - rep_ip).abs()
    out["distance_risk"] = (out["distance"] / span).clip(0, 1) if span > 0 else 0.0
    gr, dr = out["governance_risk"], out["distance_risk"]
    miss = np.where(gr.isna() & dr.isna(), "wgi, ideal_point",
                    np.where(gr.isna(), "wgi", np.where(dr.isna(), "ideal_point", "")))
    out["missing"] = miss
    wg, wd = w["governance"], w["distance"]
    if missing == "max":
        out["risk"] = (wg * gr.fillna(1.0) + wd * dr.fillna(1.0)) / (wg + wd)
    else:
        num = wg * gr.fillna(0) + wd * dr.fillna(0)
        den = wg * gr.notna() + wd * dr.notna()
        out["risk"] = (num / den.replace(0, np.nan)).fillna(1.0)
    out.attrs["provenance"] = {
        "governance": WGI_SOURCE, "wgi_year": gy, "distance": IDEAL_SOURCE, "ideal_point_year": iy,
        "reporter_ideal_point": None if np.isnan(rep_ip) else round(rep_ip, 4),
        "reporter_members_with_ideal_point": int(len(mem_ip)),
        "earlier_years": {**{f"{k} wgi": int(v) for k, v in out.set_index("supplier")["wgi_year"].dropna().items()
                             if int(v) != gy},
                          **{f"{k} ideal_point": int(v) for k, v in
                             out.set_index("supplier")["ideal_point_year"].dropna().items() if int(v) != iy}},
        "max_lag_years": MAX_LAG,
        "weights": w, "missing_values": "set to 1 (maximum risk)" if missing == "max" else "component dropped",
        "formula": "risk = (w_g*clip((2.5-WGI)/5,0,1) + w_d*|ip_r-ip_s|/(max ip-min ip)) / (w_g+w_d)",
    }
    return out


_SHARES_SQL = """
WITH rm AS (SELECT iso3 FROM {rm} WHERE CAST(year AS INTEGER) = $year)
SELECT hs6, exporter AS supplier, sum(value_usd) AS imports_usd
FROM flows
WHERE year = $year AND value_usd > 0 AND hs6 IN (SELECT hs6 FROM {pr})
  AND importer IN (SELECT iso3 FROM rm) AND exporter NOT IN (SELECT iso3 FROM rm)
GROUP BY hs6, exporter
"""


def risk_weighted(fl: Any, rm: pd.DataFrame, code: str, year: int, screen: pd.DataFrame,
                  weights: Mapping[str, float] | None = None) -> tuple[pd.DataFrame, dict, list[str], pd.DataFrame]:
    """Add risk_weighted_hhi = Σ_s share_s² × risk_s and mean_supplier_risk = Σ_s share_s × risk_s."""
    import uuid

    name, pname = f"_rm_{uuid.uuid4().hex[:10]}", f"_pr_{uuid.uuid4().hex[:10]}"
    r = rm[["year", "iso3"]].copy()
    r["year"] = r["year"].astype("int32")
    fl.con.register(name, r)
    fl.con.register(pname, pd.DataFrame({"hs6": sorted(set(screen["hs6"]))}, dtype=str))
    try:
        sh = fl.con.execute(_SHARES_SQL.format(rm=name, pr=pname), {"year": int(year)}).df()
    finally:
        fl.con.unregister(name)
        fl.con.unregister(pname)
    sr = supplier_risk(code, year, sh["supplier"].unique(), weights)
    sh["share"] = sh["imports_usd"] / sh.groupby("hs6")["imports_usd"].transform("sum")
    sh = sh.merge(sr[["supplier", "risk"]], on="supplier", how="left")
    sh["sq_risk"] = sh["share"] ** 2 * sh["risk"]
    sh["w_risk"] = sh["share"] * sh["risk"]
    agg = sh.groupby("hs6").agg(risk_weighted_hhi=("sq_risk", "sum"), mean_supplier_risk=("w_risk", "sum"))
    out = screen.merge(agg, left_on="hs6", right_index=True, how="left")
    out["top_supplier_risk"] = out["top_supplier"].map(dict(zip(sr["supplier"], sr["risk"])))
    prov = dict(sr.attrs["provenance"])
    notes = [f"risk: WGI of {prov['wgi_year']} and UN ideal points of {prov['ideal_point_year']} used for {year}."]
    if prov["earlier_years"]:
        notes.append("risk: earlier index years used for " + ", ".join(f"{k} ({v})" for k, v in
                                                                       prov["earlier_years"].items()) + ".")
    miss = sr[sr["missing"] != ""]
    if len(miss):
        notes.append("risk: no index value for "
                     + ", ".join(f"{s} ({m})" for s, m in zip(miss["supplier"], miss["missing"]))
                     + f" — {prov['missing_values']}.")
    return out, prov, notes, sr
