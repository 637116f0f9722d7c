"""Supply risk (SR) of a raw material, EU criticality method — pure functions, no I/O.

Source of the method: European Commission (2017), *Methodology for establishing the EU list of critical
raw materials — Guidelines* (ISBN 978-92-79-68051-9, DOI 10.2873/769526), built on the JRC background report
(Blengini et al. 2017, *Assessment of the Methodology for Establishing the EU List of Critical Raw
Materials*, EUR 28654, DOI 10.2760/73303); the same method is written into Reg. (EU) 2024/1252, Annex II
Section 2, and was used for the 2017, 2020 and 2023 assessments.

    SR = [ (HHI_WGI,t)_GS · IR/2 + (HHI_WGI,t)_EU · (1 − IR/2) ] · (1 − EoL_RIR) · SI_SR

    (HHI_WGI,t) = Σ_c  S_c² · WGI_c · t_c

- S_c  share of country c in global supply (GS) or in EU sourcing (EU: domestic production + imports),
  as a fraction 0–1, so HHI_WGI,t lies on 0–10 (above 10 only with t > 1);
- WGI_c  the World Bank Worldwide Governance Indicators of c, mean of the six estimates (va, pv, ge, rq,
  rl, cc), rescaled to 0–10 with higher = worse governance: WGI_scaled = (2.5 − mean) · 2 = 5 − 2·mean;
- t_c  trade-related variable (1 by default; > 1 for export restrictions, 0.8 for EU members/agreements);
- IR  import reliance (fraction; negative values set to 0), EoL_RIR end-of-life recycling input rate,
  SI_SR substitution index for supply risk (0–1).

Supply scope: where the study had no usable EU-sourcing data it used global supply only
(SR = HHI_GS·(1−EoL_RIR)·SI_SR); where IR = 0 or global data do not apply it used EU sourcing only
(SR = HHI_EU·(1−EoL_RIR)·SI_SR).  Stage rule: SR is assessed at extraction (E) and processing (P) where data
allow, and the material's SR is the higher of the two (the bottleneck stage; holds for every 2023 row of the
shipped input table, checked in tests/test_supply_risk.py).

Where each piece was checked: the six-indicator mean, the (2.5 − mean)·2 rescaling, shares squared and the
scope formulas were read in the meyerdata/CritMAT implementation with the search tool
(critmat/data_processing/get_wgi.py, critmat/calculations/hhi_wgi_tp.py and supply_risk_eu.py, commit 0bd8977;
its default WGI window is 2016–2020, the 2023 study's reference period).  The 0–10 scale and fractional shares
of the 2017 study (Annex 5 Table 18; Nigeria's scaled WGI 6.92 for tantalum) are as quoted from the study in
shared facts/crm/wgi_rescaling.md; the 2017 reproduction (docs/crm_reproduction.md) confirms the formula on the
published inputs: 74 of 79 materials within ±0.15, all within ±0.3.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Literal, cast

import duckdb
import numpy as np
import pandas as pd

from samarkand.methods import concentration
from samarkand.methods.concentration import hhi_sql, weighted_hhi_sql

WGI_INDICATORS = ("va", "pv", "ge", "rq", "rl", "cc")
Scope = Literal["GS+EU", "GS", "EU"]
SCOPES: tuple[str, ...] = ("GS+EU", "GS", "EU")


def scale_wgi(mean_estimate: float | np.ndarray | pd.Series):
    """WGI mean estimate (about −2.5 … +2.5, higher = better) → 0–10 scale, higher = worse: 5 − 2·mean."""
    return 5.0 - 2.0 * mean_estimate


def wgi_scaled(wgi_long: pd.DataFrame, years: Sequence[int]) -> pd.DataFrame:
    """Scaled WGI per country, averaged over ``years``.

    ``wgi_long``: iso3, year, indicator (va/pv/ge/rq/rl/cc), estimate (the shipped ``wgi`` table).
    Per country-year the six estimates are averaged (years with fewer than six are kept and counted);
    the country value is the mean over the requested years that have data.
    Returns iso3, wgi_mean, wgi_scaled, n_years, n_indicators_min, years (e.g. '2016-2020').
    """
    years = sorted(set(int(y) for y in years))
    w = wgi_long[wgi_long["year"].isin(years) & wgi_long["indicator"].isin(WGI_INDICATORS)]
    w = w.dropna(subset=["estimate"])
    cy = w.groupby(["iso3", "year"]).agg(mean=("estimate", "mean"), n=("estimate", "size")).reset_index()
    out = cy.groupby("iso3").agg(wgi_mean=("mean", "mean"), n_years=("year", "nunique"),
                                 n_indicators_min=("n", "min")).reset_index()
    out["wgi_scaled"] = scale_wgi(out["wgi_mean"])
    out["years"] = f"{years[0]}-{years[-1]}" if len(years) > 1 else str(years[0])
    return out[["iso3", "wgi_mean", "wgi_scaled", "n_years", "n_indicators_min", "years"]]


def hhi(shares: Iterable[float]) -> float:
    """Herfindahl–Hirschman index of published fractional shares as given: Σ s² (0–1); missing shares skipped.

    :func:`samarkand.methods.concentration.hhi` without normalising (published shares need not sum to 1).
    """
    return concentration.hhi([s for s in shares if s is not None], normalise=False)


def hhi_wgi_t(shares: Sequence[float], wgi: Sequence[float], t: Sequence[float]) -> float:
    """Governance- and trade-weighted HHI: Σ s_c² · WGI_c · t_c (shares as fractions, WGI on 0–10)."""
    if not (len(shares) == len(wgi) == len(t)):
        raise ValueError("shares, wgi and t must have the same length")
    return concentration.weighted_hhi(shares, [w * f for w, f in zip(wgi, t)])


def supply_risk(hhi_gs: float | None, hhi_eu: float | None, ir: float | None, eol_rir: float | None,
                si_sr: float | None, scope: Scope = "GS+EU") -> float:
    """SR = [HHI_GS·IR/2 + HHI_EU·(1−IR/2)]·(1−EoL_RIR)·SI_SR (scope 'GS+EU'); 'GS' / 'EU' use one HHI only.

    Returns NaN when an input the scope needs is missing (see :func:`missing_inputs`); never guesses.
    Negative IR is set to 0, as the 2017 study did (its Table 13).
    """
    if missing_inputs(hhi_gs, hhi_eu, ir, eol_rir, si_sr, scope):
        return float("nan")
    factor = (1.0 - cast(float, eol_rir)) * cast(float, si_sr)
    if scope == "GS":
        return cast(float, hhi_gs) * factor
    if scope == "EU":
        return cast(float, hhi_eu) * factor
    ir_ = max(0.0, cast(float, ir))
    return (cast(float, hhi_gs) * ir_ / 2.0 + cast(float, hhi_eu) * (1.0 - ir_ / 2.0)) * factor


def missing_inputs(hhi_gs, hhi_eu, ir, eol_rir, si_sr, scope: Scope = "GS+EU") -> list[str]:
    """Names of the inputs ``scope`` needs that are missing (None/NaN)."""
    if scope not in SCOPES:
        raise ValueError(f"scope must be one of {SCOPES}, not {scope!r}")
    need = {"eol_rir": eol_rir, "si_sr": si_sr}
    if scope in ("GS+EU", "GS"):
        need["hhi_wgi_gs"] = hhi_gs
    if scope in ("GS+EU", "EU"):
        need["hhi_wgi_eu"] = hhi_eu
    if scope == "GS+EU":
        need["ir"] = ir
    return [k for k, v in need.items() if v is None or (isinstance(v, float) and math.isnan(v))]


def stage_rule(sr_by_stage: Mapping[str, float]) -> tuple[str | None, float]:
    """The material's SR: the highest SR over the assessed stages (E, P); NaN stages are skipped.

    Returns (stage, sr); (None, NaN) when no stage has a value.
    """
    vals = {k: v for k, v in sr_by_stage.items() if v is not None and not math.isnan(v)}
    if not vals:
        return None, float("nan")
    stage = max(vals, key=lambda k: (vals[k], k == "P"))
    return stage, vals[stage]


def hhi_table(supply: pd.DataFrame, wgi: pd.DataFrame) -> pd.DataFrame:
    """HHI and HHI_WGI,t per material and stage from supplier rows.

    ``supply``: material, stage, iso3, share (fraction; NaN for '<0.1%' rows), t.
    ``wgi``: iso3, wgi_scaled (see :func:`wgi_scaled`).
    Returns material, stage, n_suppliers, share_sum, n_below_0_1pct, hhi, hhi_wgi_t, missing_wgi (ISO3
    codes without a WGI value, comma-separated; their terms are left out), missing_wgi_share.
    Rows without an ISO3 (non-country labels) count in share_sum but have no WGI: they are listed as
    missing with their label.
    """
    con = duckdb.connect()
    s = supply[["material", "stage", "iso3", "share", "t"]].copy()
    s["label"] = supply["country_as_published"] if "country_as_published" in supply else s["iso3"]
    con.register("s", s)
    con.register("w", wgi[["iso3", "wgi_scaled"]])
    out = con.execute(f"""
        SELECT s.material, s.stage,
               COUNT(*) AS n_suppliers,
               SUM(COALESCE(s.share, 0)) AS share_sum,
               SUM(CASE WHEN s.share IS NULL THEN 1 ELSE 0 END) AS n_below_0_1pct,
               {hhi_sql("s.share", normalise=False)} AS hhi,
               {weighted_hhi_sql("s.share", "COALESCE(w.wgi_scaled, 0) * s.t")} AS hhi_wgi_t,
               STRING_AGG(CASE WHEN w.wgi_scaled IS NULL AND COALESCE(s.share, 0) > 0
                               THEN COALESCE(s.iso3, s.label) END, ',' ORDER BY s.iso3) AS missing_wgi,
               SUM(CASE WHEN w.wgi_scaled IS NULL THEN COALESCE(s.share, 0) ELSE 0 END) AS missing_wgi_share
        FROM s LEFT JOIN w ON s.iso3 = w.iso3
        GROUP BY s.material, s.stage
        ORDER BY s.material, s.stage
    """).df()
    out["missing_wgi"] = out["missing_wgi"].fillna("")
    return out
