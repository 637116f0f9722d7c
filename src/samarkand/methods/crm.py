"""Critical raw materials: the EU criticality study, CRM Act benchmarks and one partner's place.

Public functions (each returns a :class:`samarkand.provenance.Result`):

- :func:`criticality` — SR and EI per material and assessment (2011–2023) with the list thresholds
  EI ≥ 2.8 and SR ≥ 1.0 (EC 2017 guidelines) and the list's evolution;
- :func:`concentration` — HHI and HHI_WGI,t per material × stage for global supply (GS) and EU sourcing
  (EU), computed by samarkand from the study's shares, trade factors t and the WGI;
- :func:`supply_risk` — the full SR = [HHI_GS·IR/2 + HHI_EU·(1−IR/2)]·(1−EoL_RIR)·SI_SR where the inputs
  exist, rows with a missing input marked (``sr_status``) and never shown as the study's;
- :func:`benchmark` — Reg. (EU) 2024/1252 Art. 5(1)(b): largest single third-country share in EU sourcing per
  strategic material and stage, breach when above 65 %;
- :func:`partner` — one country's (default KAZ) share of global supply and EU sourcing, ranked, and the
  EU concentration if its EU share rose to its global share;
- :func:`reproduce` — samarkand's SR next to the published SR of the 2017 or 2023 assessment, with reasons;
- :func:`hs6_concentration` — the same concentration and benchmark at HS6 level on trade flows.

Helpers for other modules: :func:`find_material`, :func:`strategic_materials`, :func:`supply_shares`,
:func:`wgi_for_years`.  The formula code lives in :mod:`samarkand.methods.supply_risk`.

Data: European Commission (2023) *Study on the critical raw materials for the EU 2023* (DOI 10.2873/725585),
Appendix 7 shares and t; EC/Deloitte et al. (2017) *Criticality Assessments* (DOI 10.2873/876644);
World Bank WGI, 2024 update; Reg. (EU) 2024/1252 (OJ L 2024/1252, 3.5.2024), Annexes I–II and Art. 5(1)(b).
"""
from __future__ import annotations

import difflib
import itertools
import math
from collections.abc import Sequence
from functools import lru_cache
from typing import Literal, get_args

import numpy as np
import pandas as pd

from samarkand import reference
from samarkand.economies import EU27_2020_MEMBERS, country_name, members, name_to_iso3, resolve
from samarkand.errors import InputError
from samarkand.methods import supply_risk as srm
from samarkand.methods.concentration import hhi_sql
from samarkand.options import check_option
from samarkand.provenance import Result
from samarkand.store import Flows, open_flows

__all__ = ["CRMA_2024_MAX_THIRD_COUNTRY_SHARE", "EI_THRESHOLD_EC2017", "SR_THRESHOLD_EC2017", "WGI_YEARS_2023",
           "benchmark", "check_stage", "concentration", "criticality", "display_name", "find_material",
           "hs6_concentration", "hs6_map", "materials", "partner", "reproduce", "strategic_materials",
           "supply_risk", "supply_shares", "validate_shares", "wgi_for_years"]

# Thresholds, named after their source
EI_THRESHOLD_EC2017 = 2.8      # EC (2017) guidelines, criticality thresholds
SR_THRESHOLD_EC2017 = 1.0
CRMA_2024_MAX_THIRD_COUNTRY_SHARE = 0.65   # Reg. (EU) 2024/1252 Art. 5(1)(b)
WGI_YEARS_2023 = (2016, 2017, 2018, 2019, 2020)   # the 2023 study's supply reference period
STUDY_YEAR_2023 = 2023   # assessment year of the 2023 study: the ``years`` of figures built on its tables
SHARE_SUM_PLAUSIBLE = (0.90, 1.05)
STAGES = {"E": "extraction", "P": "processing"}
GROUP_OF = {"Dysprosium": "HREE", "Erbium": "HREE", "Europium": "HREE", "Gadolinium": "HREE",
            "Holmium": "HREE", "Lutetium": "HREE", "Terbium": "HREE", "Thulium": "HREE", "Ytterbium": "HREE",
            "Yttrium": "HREE", "Cerium": "LREE", "Lanthanum": "LREE", "Neodymium": "LREE",
            "Praseodymium": "LREE", "Samarium": "LREE", "Iridium": "PGM", "Palladium": "PGM",
            "Platinum": "PGM", "Rhodium": "PGM", "Ruthenium": "PGM"}
CRMA_SOURCE = "Reg. (EU) 2024/1252 (Critical Raw Materials Act), Art. 5(1)(b) and Annexes I–II, OJ L 2024/1252"
STUDY_2023 = "EC (2023) Study on the critical raw materials for the EU 2023, Appendix 7 (DOI 10.2873/725585)"
STUDY_2017 = "EC/Deloitte et al. (2017) Criticality Assessments, Table 3, Annex 5 Tables 18–19 (DOI 10.2873/876644)"
METHOD = ("EC (2017) Methodology for establishing the EU list of CRMs — Guidelines (DOI 10.2873/769526); "
          "SR = [HHI_GS·IR/2 + HHI_EU·(1−IR/2)]·(1−EoL_RIR)·SI_SR, HHI_WGI,t = Σ s²·WGI_scaled·t, "
          "WGI_scaled = 5 − 2·mean(va,pv,ge,rq,rl,cc)")


# ---------------------------------------------------------------- look-ups

def materials() -> list[str]:
    """Every material name samarkand knows from the study tables (canonical spelling)."""
    names: set[str] = set()
    for t in ("crm_criticality", "crm_global_supply", "crm_eu_supply", "crm_sr_inputs_2023"):
        names |= set(reference.load(t)["material"])
    return sorted(names)


def find_material(name: str) -> str:
    """A user's material name → the study's canonical name; InputError with the closest names otherwise."""
    if not isinstance(name, str) or not name.strip():
        raise InputError("empty material name")
    names = materials()
    key = " ".join(name.strip().lower().split())
    alias = {"borate": "Boron", "barytes": "Baryte", "graphite": "Natural graphite", "phosphate": "Phosphate rock",
             "pgms": "PGM", "platinum group metals": "PGM",
             "bauxite": "Aluminium", "sulfur": "Sulphur", "lime": "Limestone", "silicon": "Silicon metal",
             "heavy rare earths": "HREE", "light rare earths": "LREE", "kaolin clay": "Kaolin"}
    for n in names:
        if n.lower() == key:
            return n
    if key in alias:
        return alias[key]
    sugg = [n for n in names if key in n.lower() or (len(n) > 3 and n.lower() in key)]
    if "rare" in key or "earth" in key or key in ("ree", "rees"):
        sugg = ["LREE", "HREE"] + sugg
    close = difflib.get_close_matches(key, [n.lower() for n in names], n=4, cutoff=0.6)
    sugg += [n for c in close for n in names if n.lower() == c and n not in sugg]
    sugg = sugg[:6]
    hint = f"; closest: {', '.join(sugg)}" if sugg else ""
    raise InputError(f"unknown material '{name}'{hint} (samarkand crm lists all)")


def check_stage(stage: str | None, material: str | None, available: Sequence[str]) -> str | None:
    """'E'/'P'/'extraction'/'processing' → 'E'|'P'; InputError if unknown or not assessed for ``material``."""
    if stage is None:
        return None
    st = stage.strip().upper()[:1] if stage.strip().lower() in ("e", "p", "extraction", "processing") else None
    if st is None:
        raise InputError(f"stage '{stage}' is not E (extraction) or P (processing)")
    if material and st not in available:
        raise InputError(f"{material} has no stage {st} in the study; stages: {', '.join(available) or 'none'}")
    return st


def strategic_materials() -> pd.DataFrame:
    """Reg. 2024/1252 Annex I items with their study materials: annex, item, wording_en, material, is_group_row."""
    c = reference.load("crma_materials")
    return c[c["strategic"]].reset_index(drop=True)


def supply_shares(scope: Literal["global", "eu"] = "eu", material: str | None = None,
                  stage: str | None = None) -> pd.DataFrame:
    """The study's supplier rows (shipped ``crm_global_supply`` / ``crm_eu_supply``).

    Columns: material, material_as_published, stage, country_as_published, iso3, label_kind
    (country | eu_member | other | eu_aggregate), share (fraction; NaN for '<0.1%'), share_as_published,
    share_flag, t, name_note.
    """
    if scope not in ("global", "eu"):
        raise InputError(f"scope must be 'global' or 'eu', not {scope!r}")
    df = reference.load("crm_global_supply" if scope == "global" else "crm_eu_supply")
    if material is not None:
        m = find_material(material)
        df = df[df["material"] == m]
        st = check_stage(stage, m, sorted(df["stage"].unique()))
        if st:
            df = df[df["stage"] == st]
    return df.reset_index(drop=True)


def wgi_for_years(years: Sequence[int] = WGI_YEARS_2023) -> pd.DataFrame:
    """Scaled WGI (0–10, higher = worse) per ISO3, mean over ``years``, from the shipped ``wgi`` table."""
    w = reference.load("wgi")
    have = sorted(w["year"].unique())
    bad = [y for y in years if y not in have]
    if bad:
        raise InputError(f"WGI has no year(s) {bad}; available {have[0]}–{have[-1]}")
    return srm.wgi_scaled(w, years)


def display_name(iso3: str | None) -> str | None:
    """Country display name (None stays None)."""
    return None if iso3 is None else country_name(iso3)


def _wgi_prov(years: Sequence[int]) -> dict:
    m = reference.meta("wgi")
    return {"wgi": f"{m.get('source')}; {m.get('version')}", "wgi_years": f"{min(years)}–{max(years)} (mean)"}


# ---------------------------------------------------------------- criticality

def criticality(year: int | None = None, material: str | None = None, *,
                ei_threshold: float = EI_THRESHOLD_EC2017, sr_threshold: float = SR_THRESHOLD_EC2017) -> Result:
    """SR and EI per material and assessment year with the list thresholds applied.

    Table columns: material, year, sr, ei, assessed, critical_by_thresholds (EI ≥ ei_threshold and
    SR ≥ sr_threshold), source_table.  Extras: ``evolution`` (material × 2011…2023: 'critical' / 'not critical'
    / 'not assessed') and ``counts`` (year, assessed, critical_by_thresholds).
    Note: the official lists also follow these thresholds; single REE/PGM elements are assessed within
    their group in the official list.
    Provenance: dataset = the shipped table ``crm_criticality``; years = the assessment years in the table
    (``year`` alone when given).
    """
    df = reference.load("crm_criticality")
    df["critical_by_thresholds"] = df["assessed"] & (df["ei"] >= ei_threshold) & (df["sr"] >= sr_threshold)
    years = sorted(df["year"].unique())
    if year is not None and year not in years:
        raise InputError(f"no assessment in {year}; assessments: {', '.join(map(str, years))}")
    base = df[~df["source_table"].str.contains("element of")]
    ev = base.assign(status=np.where(~base["assessed"], "not assessed",
                                     np.where(base["critical_by_thresholds"], "critical", "not critical")))
    evolution = ev.pivot(index="material", columns="year", values="status").reset_index()
    evolution.columns = [str(c) for c in evolution.columns]
    counts = base.groupby("year").agg(assessed=("assessed", "sum"),
                                      critical_by_thresholds=("critical_by_thresholds", "sum")).reset_index()
    out = df
    if material is not None:
        m = find_material(material)
        out = out[out["material"] == m]
        evolution = evolution[evolution["material"] == m]
    if year is not None:
        out = out[out["year"] == year]
    return Result(out.reset_index(drop=True), provenance={
        "source": reference.meta("crm_criticality")["source"], "method": "EC 2017 criticality thresholds",
        "dataset": "crm_criticality", "years": [int(year)] if year is not None else [int(y) for y in years],
        "thresholds": {"EI": f">= {ei_threshold}", "SR": f">= {sr_threshold}"}},
        extras={"evolution": evolution.reset_index(drop=True), "counts": counts})


# ---------------------------------------------------------------- concentration and SR

def _plausibility_notes(table: pd.DataFrame, scope: str) -> list[str]:
    lo, hi = SHARE_SUM_PLAUSIBLE
    notes = []
    for r in table.itertuples(index=False):
        if not lo <= r.share_sum <= hi:
            notes.append(f"{scope} shares of {r.material} ({r.stage}) sum to {r.share_sum:.1%}, outside the "
                         f"plausible {lo:.0%}–{hi:.0%}" + (" (EU sourcing lists only shares >= 1 %)" if scope == "EU"
                                                           else ""))
    return notes


def validate_shares(df: pd.DataFrame, *, source: str = "shares") -> pd.DataFrame:
    """A user's supplier table (material, stage, country, share[, t]) → the study's schema.

    Shares may be fractions or percentages ('15.7%'); t defaults to 1.0.  Raises InputError naming the
    row for an unresolvable country, a missing stage or an unreadable share.
    """
    need = ["material", "stage", "country", "share"]
    miss = [c for c in need if c not in df.columns]
    if miss:
        raise InputError(f"{source}: missing column(s) {miss}; need {need} (+ optional t)")
    rows = []
    for i, r in enumerate(df.itertuples(index=False), start=2):
        st = str(getattr(r, "stage", "") or "").strip().upper()
        if st not in ("E", "P"):
            raise InputError(f"{source} row {i}: stage {r.stage!r} missing or not E/P")
        iso = name_to_iso3(str(r.country))
        if iso is None:
            raise InputError(f"{source} row {i}: country '{r.country}' cannot be resolved to ISO3")
        raw = str(r.share).strip()
        try:
            share = float(raw.rstrip("%")) / 100.0 if raw.endswith("%") else float(raw)
        except ValueError:
            raise InputError(f"{source} row {i}: share {raw!r} is not a number") from None
        t = float(r.t) if "t" in df.columns and not pd.isna(r.t) else 1.0
        rows.append({"material": str(r.material), "stage": st, "country_as_published": str(r.country),
                     "iso3": iso, "label_kind": "eu_member" if iso in EU27_2020_MEMBERS else "country",
                     "share": share, "t": t})
    return pd.DataFrame(rows)


def concentration(material: str | None = None, stage: str | None = None, *,
                  wgi_years: Sequence[int] = WGI_YEARS_2023, shares: pd.DataFrame | None = None) -> Result:
    """HHI and HHI_WGI,t per material × stage for global supply (GS) and EU sourcing (EU).

    Table columns: material, stage, scope (GS|EU), n_suppliers, share_sum, n_below_0_1pct, hhi,
    hhi_wgi_t, missing_wgi, missing_wgi_share, top_iso3, top_share.
    ``shares``: a user table (see :func:`validate_shares`) replacing the study's, computed as scope 'user'.
    Notes warn where shares sum outside 90–105 %.
    Provenance: dataset = the shipped tables ``crm_global_supply``, ``crm_eu_supply`` and ``wgi`` (or the user
    table and ``wgi``); years = [2023], the assessment year of the study whose shares are used (its supply data
    are mostly 2016–2020; ``wgi_years`` says which WGI years are averaged), [] for a user table (its year is
    not known).
    """
    w = wgi_for_years(wgi_years)
    frames, notes = [], []
    if shares is not None:
        sources = {"user": validate_shares(shares)}
    else:
        sources = {"GS": supply_shares("global"), "EU": supply_shares("eu")}
    if material is not None:
        m = find_material(material) if shares is None else material
        sel = {k: v[v["material"] == m] for k, v in sources.items()}
        if all(v.empty for v in sel.values()):
            raise InputError(f"material '{material}' has no supplier shares"
                             + (" in the shares table" if shares is not None else " in the study"))
        avail = sorted(set().union(*(set(v["stage"]) for v in sel.values())))
        st = check_stage(stage, m, avail)
        sources = {k: (v[v["stage"] == st] if st else v) for k, v in sel.items()}
    elif stage is not None:
        st = check_stage(stage, None, ["E", "P"])
        sources = {k: v[v["stage"] == st] for k, v in sources.items()}
    for scope, df in sources.items():
        if df.empty:
            continue
        t = srm.hhi_table(df, w)
        top = (df.dropna(subset=["share"]).sort_values("share", ascending=False)
               .groupby(["material", "stage"]).head(1)[["material", "stage", "iso3", "share"]]
               .rename(columns={"iso3": "top_iso3", "share": "top_share"}))
        t = t.merge(top, on=["material", "stage"], how="left")
        t.insert(2, "scope", scope)
        frames.append(t)
        notes += _plausibility_notes(t, scope)
    out = pd.concat(frames, ignore_index=True)
    lo, hi = SHARE_SUM_PLAUSIBLE
    return Result(out, provenance={"source": STUDY_2023 if shares is None else "user shares",
                                   "method": METHOD, **_wgi_prov(wgi_years),
                                   "dataset": ("crm_global_supply, crm_eu_supply, wgi" if shares is None
                                               else "shares table given, wgi"),
                                   "years": [STUDY_YEAR_2023] if shares is None else [],
                                   "thresholds": {"plausible_share_sum": f"{lo:.0%}–{hi:.0%}"}}, notes=notes)


def _hhi_wide_windows(windows: Sequence[tuple[int, ...]]) -> dict[tuple[int, ...], pd.DataFrame]:
    """HHI_WGI,t of global supply (hhi_wgi_gs) and EU sourcing (hhi_wgi_eu) per material × stage, with the EU
    shares' sum (eu_share_sum), for each WGI window in ``windows`` — the figures of :func:`concentration`.

    One call of :func:`samarkand.methods.supply_risk.hhi_table` (where the formula lives) on the supplier rows
    of every window and scope stacked: the stage carries the scope and window, the country code the window,
    so that each row meets its own window's WGI.  Cached (the shipped tables do not change); callers get copies.
    """
    return {ys: w.copy() for ys, w in _hhi_wide_cached(tuple(tuple(int(y) for y in ys) for ys in windows)).items()}


@lru_cache(maxsize=8)
def _hhi_wide_cached(windows: tuple[tuple[int, ...], ...]) -> dict[tuple[int, ...], pd.DataFrame]:
    supply = {"GS": supply_shares("global"), "EU": supply_shares("eu")}
    rows, wgi = [], []
    for k, ys in enumerate(windows):
        w = wgi_for_years(ys)
        wgi.append(w.assign(iso3=w["iso3"] + f"|{k}"))
        for scope, df in supply.items():
            rows.append(df.assign(stage=df["stage"] + f"|{scope}|{k}", iso3=df["iso3"] + f"|{k}"))
    t = srm.hhi_table(pd.concat(rows, ignore_index=True), pd.concat(wgi, ignore_index=True))
    t[["stage", "scope", "k"]] = t["stage"].str.split("|", expand=True)
    out = {}
    for k, ys in enumerate(windows):
        c = t[t["k"] == str(k)]
        wide = c.pivot_table(index=["material", "stage"], columns="scope", values="hhi_wgi_t").reset_index()
        wide.columns.name = None
        wide = wide.rename(columns={"GS": "hhi_wgi_gs", "EU": "hhi_wgi_eu"})
        eu_sum = c[c["scope"] == "EU"][["material", "stage", "share_sum"]].rename(columns={"share_sum": "eu_share_sum"})
        out[ys] = wide.merge(eu_sum, on=["material", "stage"], how="left")
    return out


def _with_group_eu(wide: pd.DataFrame) -> pd.DataFrame:
    """Elements without their own EU sourcing rows take their group's (HREE/LREE), flagged."""
    group_eu = wide[["material", "stage", "hhi_wgi_eu"]].rename(columns={"material": "group", "hhi_wgi_eu": "g_eu"})
    m = wide.assign(group=wide["material"].map(GROUP_OF)).merge(group_eu, on=["group", "stage"], how="left")
    take = (m["group"].notna() & wide["hhi_wgi_eu"].isna() & m["g_eu"].notna()).to_numpy()
    wide = wide.copy()
    wide.loc[take, "hhi_wgi_eu"] = m.loc[take, "g_eu"].to_numpy()
    wide["eu_from_group"] = take
    return wide


def supply_risk(material: str | None = None, *, wgi_years: Sequence[int] = WGI_YEARS_2023) -> Result:
    """SR per material × stage (2023 inputs) with samarkand's own HHI_WGI,t; missing inputs marked.

    Table columns: material, stage, supply_scope, ir, eol_rir, si_sr, hhi_wgi_gs, hhi_wgi_eu, sr_samarkand,
    sr_status ('computed' | 'input missing: …' | 'group: mean of elements'), sr_published (the study's,
    for comparison only), stage_used_published.  Extra ``missing_inputs``: the rows without an SR and why.
    Provenance: that of :func:`reproduce` for 2023 (years = [2023], the assessment year).
    """
    rep = reproduce(2023, wgi_years=wgi_years)
    t = rep.extras["stages"]
    if material is not None:
        m = find_material(material)
        t = t[t["material"] == m]
        if t.empty:
            raise InputError(f"{m} has no 2023 supply-risk inputs")
    cols = ["material", "stage", "supply_scope", "ir", "eol_rir", "si_sr", "hhi_wgi_gs", "hhi_wgi_eu",
            "sr_samarkand", "sr_status", "sr_published", "stage_used_published"]
    missing = t[t["sr_samarkand"].isna()][["material", "stage", "supply_scope", "sr_status"]]
    return Result(t[cols].reset_index(drop=True), provenance=rep.provenance,
                  extras={"missing_inputs": missing.reset_index(drop=True)},
                  notes=["sr_published is the study's value, shown for comparison; sr_samarkand is computed here"
                         " and is empty where an input is missing (sr_status says which)."])


# ---------------------------------------------------------------- reproduction

def _interval_sr(hg: float | None, he: float | None, ir: float | None, eol: float | None, si: float | None,
                 scope: srm.Scope,
                 steps: Sequence[float]) -> tuple[float, float]:
    """Range of SR when each input moves within ± half its published rounding unit."""
    vals = []
    grids: list[list[float | None]] = []
    for v, s in zip((hg, he, ir, eol, si), steps):
        grids.append([None] if v is None or (isinstance(v, float) and math.isnan(v))
                     else [max(0.0, v - s / 2), v + s / 2])
    for g_hg, g_he, g_ir, g_eol, g_si in itertools.product(*grids):
        x = srm.supply_risk(g_hg, g_he, g_ir, g_eol, g_si, scope=scope)
        if not math.isnan(x):
            vals.append(x)
    return (min(vals), max(vals)) if vals else (float("nan"), float("nan"))


def _scope_alternatives(hg: float, he: float, ir: float, eol: float, si: float, scope: srm.Scope
                        ) -> dict[str, float]:
    """SR under each supply scope other than ``scope``."""
    others: list[srm.Scope] = [s for s in get_args(srm.Scope) if s != scope]
    return {s: srm.supply_risk(hg, he, ir, eol, si, s) for s in others}


def _scope_of(value: object) -> srm.Scope:
    """A transcribed supply_scope as the Literal the formula takes ('GS+EU' where the transcription is empty)."""
    if not isinstance(value, str):
        return "GS+EU"
    scope: srm.Scope = check_option("supply_scope", value, srm.Scope)
    return scope


_ALT_WGI_WINDOWS = ((2019,), (2020,), (2021,), (2022,), (2012, 2013, 2014, 2015, 2016))


def reproduce(year: Literal[2017, 2023] = 2023, *, wgi_years: Sequence[int] = WGI_YEARS_2023,
              tolerance: float | None = None) -> Result:
    """samarkand's SR next to the published SR of the 2017 or 2023 EU assessment.

    2017: from the published HHI_WGI,t (GS and EU28), IR, EoL-RIR and SI_SR — a check of the formula, the
    supply scope and the stage rule.  2023: from samarkand's HHI_WGI,t built from the Appendix 7 shares and
    t and the WGI (mean over ``wgi_years``), then the formula.

    Table (one row per material; the material's SR by the stage rule): material, stage (samarkand's),
    stage_published, supply_scope, sr_samarkand, sr_published, diff, within_0_1, within_0_2, within_tol,
    reason_code, reason, sr_annex4 (the SR in the 2023 report's Annex 4 "CRMs over time" table, a cross-check
    of the transcribed sr_published).  reason_code ∈ {'', 'rounding', 'input_missing', 'group_averaged',
    'repaired', 'wgi_vintage', 'scope', 'eu_sourcing_incomplete', 'transcription_suspect', 'not_reproduced'};
    every row outside ``tolerance`` (0.15 for 2017, 0.2 for 2023) has one.  Extras: ``stages`` (every
    material × stage row with inputs) and ``summary`` (counts within ±0.1, ±0.15, ±0.2, ±0.3; for 2017 also
    how many of the Table 19 SR values under each supply scope — GS only, EU only, GS+EU — samarkand
    reproduces within ±0.15).
    Provenance: dataset = the shipped tables read (``crm_sr_inputs_<year>``, ``crm_criticality``, and for 2023
    ``crm_global_supply``, ``crm_eu_supply``, ``wgi``); years = [the assessment year]; thresholds = the
    tolerance.
    """
    if year not in (2017, 2023):
        raise InputError(f"reproduce: year must be 2017 or 2023, not {year}")
    tol = tolerance if tolerance is not None else (0.15 if year == 2017 else 0.2)
    inp = reference.load(f"crm_sr_inputs_{year}")
    st, alt_wide, steps = _reproduction_inputs(year, inp, wgi_years)
    stages = _stage_rows(st)
    if year == 2017:
        stages = _with_table19_scopes(stages, inp)
    stages["sr_status"] = np.where(stages["is_group_row"] & stages["sr_samarkand"].notna(),
                                   "group: mean of elements",
                                   np.where(stages["sr_samarkand"].notna(), "computed",
                                            "input missing: " + stages["missing"]))
    out, mats = _material_rows(stages, year, tol)
    out["reason_code"], out["reason"] = _reasons(year, mats, out, tol, steps, alt_wide)
    summary = _reproduction_summary(year, out, stages)
    tables = [f"crm_sr_inputs_{year}", "crm_criticality"]
    if year == 2023:
        tables += ["crm_global_supply", "crm_eu_supply", "wgi"]
    prov = {"source": STUDY_2017 if year == 2017 else STUDY_2023 + "; SR inputs transcribed by meyerdata/CritMAT",
            "method": METHOD, "tolerance": tol, "dataset": ", ".join(tables), "years": [year],
            "thresholds": {"tolerance": tol},
            "hhi": "published (2017 Annex 5 Table 18)" if year == 2017 else
            "computed by samarkand from Appendix 7 shares × t × WGI_scaled"}
    if year == 2023:
        prov.update(_wgi_prov(wgi_years))
    stages = stages.drop(columns=["missing"])
    return Result(out, provenance=prov, extras={"stages": stages, "summary": summary},
                  notes=[f"{int(out['within_tol'].sum())} of {len(out)} materials within ±{tol} of the published SR"])


def _reproduction_inputs(year: int, inp: pd.DataFrame, wgi_years: Sequence[int]
                         ) -> tuple[pd.DataFrame, dict[tuple[int, ...], pd.DataFrame], tuple[float, ...]]:
    """Stage inputs with their HHI_WGI,t, the HHI tables under alternative WGI windows, the rounding steps."""
    if year == 2017:
        st = inp.copy()
        st["eu_from_group"] = False
        st["eu_share_sum"] = np.nan
        st["eu_repeats_global"] = False
        steps_2017: tuple[float, ...] = (0.1, 0.1, 0.01, 0.01, 0.1)
        return st, {}, steps_2017
    wides = _hhi_wide_windows((tuple(wgi_years),) + _ALT_WGI_WINDOWS)
    st = inp.merge(_with_group_eu(wides[tuple(wgi_years)]), on=["material", "stage"], how="left")
    repeating = _eu_rows_repeating_global()
    st["eu_repeats_global"] = [(m, s) in repeating for m, s in zip(st["material"], st["stage"])]
    alt_wide: dict[tuple[int, ...], pd.DataFrame] = {
        ys: _with_group_eu(wides[ys]).set_index(["material", "stage"]) for ys in _ALT_WGI_WINDOWS}
    steps_2023: tuple[float, ...] = (0.0, 0.0, 0.01, 0.01, 0.01)
    return st, alt_wide, steps_2023


def _stage_rows(st: pd.DataFrame) -> pd.DataFrame:
    """One row per material × stage: samarkand's SR where every input the scope needs exists."""
    rows = []
    for r in st.itertuples(index=False):
        hg, he = getattr(r, "hhi_wgi_gs", np.nan), getattr(r, "hhi_wgi_eu", np.nan)
        scope = _scope_of(r.supply_scope)
        miss = srm.missing_inputs(hg, he, r.ir, r.eol_rir, r.si_sr, scope)
        if not isinstance(r.supply_scope, str):
            miss = ["supply_scope"] + miss
        val = srm.supply_risk(hg, he, r.ir, r.eol_rir, r.si_sr, scope) if not miss else np.nan
        rows.append({"material": r.material, "stage": r.stage,
                     "supply_scope": r.supply_scope if isinstance(r.supply_scope, str) else None, "ir": r.ir,
                     "eol_rir": r.eol_rir, "si_sr": r.si_sr, "hhi_wgi_gs": hg, "hhi_wgi_eu": he,
                     "eu_from_group": r.eu_from_group, "eu_share_sum": r.eu_share_sum,
                     "eu_repeats_global": bool(r.eu_repeats_global),
                     "sr_samarkand": val, "missing": ",".join(miss), "sr_published": r.sr,
                     "stage_used_published": bool(r.stage_used), "sr_material_final": r.sr_material_final,
                     "is_group_row": bool(r.is_group_row), "repaired": bool(r.repaired),
                     "note": r.note if isinstance(r.note, str) else ""})
    stages = pd.DataFrame(rows)
    # group rows (HREE, LREE, PGM): mean of the elements' samarkand SR at the same stage
    for i, r in stages[stages["is_group_row"]].iterrows():
        els = stages[(stages["material"].map(GROUP_OF) == r["material"]) & (stages["stage"] == r["stage"])]
        vals = els["sr_samarkand"].dropna()
        if len(vals) and len(vals) == len(els):
            stages.at[i, "sr_samarkand"] = vals.mean()
            stages.at[i, "missing"] = ""
    return stages


def _with_table19_scopes(stages: pd.DataFrame, inp: pd.DataFrame) -> pd.DataFrame:
    """2017: Table 19 gives the SR under each supply scope; samarkand's SR under all three beside it."""
    stages = stages.copy()
    t19 = inp.set_index("material")[["sr_table19_gs", "sr_table19_eu", "sr_table19_gs_eu"]]
    columns: tuple[tuple[srm.Scope, str], ...] = (("GS", "gs"), ("EU", "eu"), ("GS+EU", "gs_eu"))
    for scope, col in columns:
        stages[f"sr_scope_{col}"] = [
            srm.supply_risk(a, b, c, d, e, scope) for a, b, c, d, e in
            zip(stages["hhi_wgi_gs"], stages["hhi_wgi_eu"], stages["ir"], stages["eol_rir"], stages["si_sr"])]
        stages[f"sr_table19_{col}"] = stages["material"].map(t19[f"sr_table19_{col}"])
    return stages


def _material_rows(stages: pd.DataFrame, year: int, tol: float) -> tuple[pd.DataFrame, list[dict]]:
    """Material level: the stage rule on samarkand's stage SRs, beside the published SR and Annex 4's."""
    mats = []
    for m, g in stages.groupby("material", sort=True):
        s_stage, s_val = srm.stage_rule(dict(zip(g["stage"], g["sr_samarkand"])))
        pub = g[g["stage_used_published"]]
        p_stage = pub["stage"].iloc[0] if len(pub) else None
        sr_pub = g["sr_material_final"].iloc[0]
        row = g[g["stage"] == (s_stage or p_stage)].iloc[0] if (s_stage or p_stage) else g.iloc[0]
        incomplete = g["sr_samarkand"].isna().any() and not g["sr_samarkand"].isna().all()
        mats.append({"material": m, "stage": s_stage, "stage_published": p_stage,
                     "supply_scope": row["supply_scope"], "sr_samarkand": s_val, "sr_published": sr_pub,
                     "_row": row, "_incomplete": incomplete, "_g": g})
    out = pd.DataFrame([{k: v for k, v in d.items() if not k.startswith("_")} for d in mats])
    crit = reference.load("crm_criticality")
    crit = crit[(crit["year"] == year) & ~crit["source_table"].str.contains("element of")]
    out["sr_annex4"] = out["material"].map(dict(zip(crit["material"], crit["sr"])))
    out["diff"] = out["sr_samarkand"] - out["sr_published"]
    ad = out["diff"].abs()
    out["within_0_1"] = ad <= 0.1 + 1e-9
    out["within_0_2"] = ad <= 0.2 + 1e-9
    out["within_tol"] = ad <= tol + 1e-9
    return out, mats


def _reasons(year: int, mats: list[dict], out: pd.DataFrame, tol: float, steps: tuple[float, ...],
             alt_wide: dict) -> tuple[list[str], list[str]]:
    """reason_code and reason per material (see :func:`_explain`), prefixed where the stage rule differs."""
    codes, reasons = [], []
    for d, (_, o) in zip(mats, out.iterrows()):
        code, why = _explain(year, d, o, tol, steps, alt_wide)
        if why and d["stage"] and d["stage_published"] and d["stage"] != d["stage_published"]:
            pub_stage = d["_g"][d["_g"]["stage"] == d["stage_published"]]
            why = (f"stage rule picks {d['stage']} here, the study used {d['stage_published']} (samarkand SR at "
                   f"{d['stage_published']}: {pub_stage['sr_samarkand'].iloc[0]:.2f}); " + why)
        codes.append(code)
        reasons.append(why)
    return codes, reasons


def _reproduction_summary(year: int, out: pd.DataFrame, stages: pd.DataFrame) -> pd.DataFrame:
    """Counts and percentages of materials within ±0.1/0.15/0.2/0.3; for 2017 the Table 19 scope check."""
    n = len(out)
    ad = out["diff"].abs()
    bands = (("0_1", 0.1), ("0_15", 0.15), ("0_2", 0.2), ("0_3", 0.3))
    summary = pd.DataFrame([{
        "year": year, "materials": n, "computed": int(out["sr_samarkand"].notna().sum()),
        **{f"within_{k}": int((ad <= v + 1e-9).sum()) for k, v in bands},
        **{f"pct_within_{k}": round(100.0 * (ad <= v + 1e-9).sum() / n, 1) for k, v in bands},
        "max_abs_diff": round(float(ad.max()), 3), "outside_tol_unexplained":
            int(((~out["within_tol"]) & (out["reason_code"] == "")).sum())}])
    if year == 2017:
        for col in ("gs", "eu", "gs_eu"):
            dd = (stages[f"sr_scope_{col}"] - stages[f"sr_table19_{col}"]).abs().dropna()
            summary[f"table19_{col}_within_0_15"] = f"{int((dd <= 0.15 + 1e-9).sum())}/{len(dd)}"
    return summary


def _eu_rows_repeating_global(max_gap: float = 0.01) -> frozenset[tuple[str, str]]:
    """(material, stage) whose EU-sourcing rows equal the global-supply rows within ``max_gap`` per country.

    A country listed on one side only counts with share 0 on the other; only (material, stage) present on
    both sides qualify.  One outer join, no loop over materials.
    """
    key = ["material", "stage", "iso3"]
    gs = supply_shares("global").dropna(subset=["share"]).drop_duplicates(key, keep="last")[key + ["share"]]
    eu = supply_shares("eu").dropna(subset=["share"]).drop_duplicates(key, keep="last")[key + ["share"]]
    both = gs[["material", "stage"]].drop_duplicates().merge(eu[["material", "stage"]].drop_duplicates())
    j = gs.merge(eu, on=key, how="outer", suffixes=("_gs", "_eu")).merge(both, on=["material", "stage"])
    j["gap"] = (j["share_gs"].fillna(0.0) - j["share_eu"].fillna(0.0)).abs()
    worst = j.groupby(["material", "stage"])["gap"].max()
    return frozenset(worst.index[worst <= max_gap])


def _explain(year, d, o, tol, steps, alt_wide) -> tuple[str, str]:
    """Reason for a material's gap: first match among the diagnostics, checked on the inputs."""
    row, g = d["_row"], d["_g"]
    diff = o["diff"]
    if pd.isna(o["sr_samarkand"]):
        miss = ", ".join(sorted(set(",".join(g["missing"]).split(",")) - {""}))
        return "input_missing", f"input missing: {miss or 'see stages'} — no SR computed"
    if row["is_group_row"]:
        base = (f"group material averaged: mean of the elements' SR ({o['sr_samarkand']:.2f}); the study's "
                f"group value is {o['sr_published']}")
        return ("group_averaged", base) if abs(diff) > 0.05 else ("", "")
    within = abs(diff) <= tol + 1e-9
    if year == 2017:
        lo, hi = _interval_sr(row["hhi_wgi_gs"], row["hhi_wgi_eu"], row["ir"], row["eol_rir"], row["si_sr"],
                              row["supply_scope"], steps)
        pub = o["sr_published"]
        if abs(diff) > 0.05 and lo - 0.05 <= pub <= hi + 0.05:
            return "rounding", (f"rounding: inputs published to one decimal give SR {lo:.2f}–{hi:.2f}, "
                                f"which contains the published {pub}")
        if within:
            return "", ""
    if within:
        if d["_incomplete"]:
            return "input_missing", "input missing for one stage: SR from the other stage only"
        return "", ""
    if d["_incomplete"]:
        return "input_missing", "input missing for one stage: the stage rule ran on one stage only"
    if row["repaired"]:
        return "repaired", f"value repaired in the transcription: {row['note']}"
    if year == 2023:
        for ys, w in alt_wide.items():
            key = (row["material"], row["stage"])
            if key not in w.index:
                continue
            a = w.loc[key]
            he = a["hhi_wgi_eu"] if not pd.isna(a["hhi_wgi_eu"]) else row["hhi_wgi_eu"]
            alt = srm.supply_risk(a["hhi_wgi_gs"], he, row["ir"], row["eol_rir"], row["si_sr"], row["supply_scope"])
            if not math.isnan(alt) and abs(alt - o["sr_published"]) <= tol:
                span = f"{ys[0]}–{ys[-1]}" if len(ys) > 1 else str(ys[0])
                return "wgi_vintage", (f"WGI vintage/years: with WGI {span} the SR is {alt:.2f}, within "
                                       f"±{tol}; today's WGI release revises history")
    alts = _scope_alternatives(row["hhi_wgi_gs"], row["hhi_wgi_eu"], row["ir"], row["eol_rir"], row["si_sr"],
                               row["supply_scope"])
    for s, v in alts.items():
        if not math.isnan(v) and abs(v - o["sr_published"]) <= tol:
            return "scope", (f"supply scope: the published SR matches the {s} formula ({v:.2f}); the "
                             f"transcription gives {row['supply_scope']}")
    if year == 2023 and not pd.isna(row["eu_share_sum"]) and row["eu_share_sum"] < 0.8 \
            and row["supply_scope"] != "GS":
        return "eu_sourcing_incomplete", (f"EU sourcing shares in Appendix 7 sum to {row['eu_share_sum']:.0%} "
                                          "only: HHI_EU is understated")
    f = (1 - row["eol_rir"]) * row["si_sr"]
    if row["eu_repeats_global"] and row["supply_scope"] == "GS+EU" and f and row["ir"] < 2:
        ir_ = row["ir"]
        implied_eu = (o["sr_published"] / f - row["hhi_wgi_gs"] * ir_ / 2) / (1 - ir_ / 2)
        return "transcription_suspect", (
            f"the Appendix 7 EU-sourcing rows for {row['material']} ({row['stage']}) repeat the global-supply "
            f"shares, so HHI_EU ≈ HHI_GS ({row['hhi_wgi_eu']:.2f}); the published SR implies HHI_EU ≈ "
            f"{implied_eu:.2f} — the extract likely lost the EU-sourcing shares the study used")
    ir = row["ir"] if row["supply_scope"] == "GS+EU" else (1.0 if row["supply_scope"] == "GS" else 0.0)
    f = (1 - row["eol_rir"]) * row["si_sr"]
    implied = o["sr_published"] / f if f else float("nan")
    return "not_reproduced", (f"not reproduced from the shipped inputs: the published SR implies a weighted "
                              f"HHI_WGI,t of {implied:.2f}; samarkand has GS {row['hhi_wgi_gs']:.2f}, "
                              f"EU {row['hhi_wgi_eu']:.2f} (IR {ir:.2f}) — the shares or scope in the "
                              "transcription differ from those the study used")


# ---------------------------------------------------------------- CRM Act benchmark

def _third_country_top(df: pd.DataFrame) -> dict:
    s = df[df["share"].notna().to_numpy()]
    eu_mask = s["iso3"].isin(EU27_2020_MEMBERS) | s["label_kind"].isin(["eu_member", "eu_aggregate"])
    third = s.loc[~eu_mask & s["iso3"].notna(), ["iso3", "share"]].sort_values("share", ascending=False)
    return {"top_third_iso3": third["iso3"].iloc[0] if len(third) else None,
            "top_third_share": float(third["share"].iloc[0]) if len(third) else float("nan"),
            "second_third_iso3": third["iso3"].iloc[1] if len(third) > 1 else None,
            "eu_member_share": float(s.loc[eu_mask, "share"].sum()),
            "share_sum": float(s["share"].sum()), "n_suppliers": int(len(s))}


def benchmark(threshold: float = CRMA_2024_MAX_THIRD_COUNTRY_SHARE, *, material: str | None = None,
              strategic_only: bool = True) -> Result:
    """CRM Act 65 % benchmark on the study's EU sourcing shares, per strategic material and stage.

    Reg. (EU) 2024/1252 Art. 5(1)(b): by 2030 no single third country should supply more than 65 % of the
    Union's consumption of a strategic raw material at any relevant stage.  EU member states (EU27 as of
    2020) are not third countries.  Table columns: item, wording_en, material, stage, eu_sourcing_from
    ('material' or the group whose rows stand in), top_third_iso3, top_third_country, top_third_share,
    breach (top_third_share > threshold), eu_member_share, share_sum, n_suppliers, status.
    Materials without EU sourcing rows get status 'no EU sourcing data in the study' and breach empty.
    Provenance: dataset = the shipped tables ``crm_eu_supply`` and ``crma_materials``; years = [2023], the
    assessment year of the study whose EU sourcing shares are used.
    """
    eu = supply_shares("eu")
    if strategic_only:
        sm = strategic_materials()
    else:
        c = reference.load("crma_materials")
        sm = c.drop_duplicates("material")
    if material is not None:
        m = find_material(material)
        sm = sm[sm["material"] == m]
        if sm.empty:
            raise InputError(f"{m} is not a {'strategic' if strategic_only else 'critical'} raw material of "
                             "Reg. 2024/1252 (use strategic_only=False / --all for Annex II)")
    rows, notes = [], []
    for r in sm.itertuples(index=False):
        src = r.material
        sel = eu[eu["material"] == src]
        if sel.empty and r.material in GROUP_OF:
            src = GROUP_OF[r.material]
            sel = eu[eu["material"] == src]
        if sel.empty:
            rows.append({"item": f"{r.annex}({r.item})", "wording_en": r.wording_en, "material": r.material,
                         "stage": None, "eu_sourcing_from": None, "top_third_iso3": None,
                         "top_third_country": None, "top_third_share": np.nan, "breach": None,
                         "eu_member_share": np.nan, "share_sum": np.nan, "n_suppliers": 0,
                         "status": "no EU sourcing data in the study (assessed on global supply only)"})
            continue
        for stage, g in sel.groupby("stage"):
            top = _third_country_top(g)
            breach = bool(top["top_third_share"] > threshold) if not math.isnan(top["top_third_share"]) else None
            lo, hi = SHARE_SUM_PLAUSIBLE
            status = "ok"
            if not lo <= top["share_sum"] <= hi:
                status = f"shares sum to {top['share_sum']:.0%}"
                notes.append(f"EU sourcing shares of {src} ({stage}) sum to {top['share_sum']:.1%}")
            rows.append({"item": f"{r.annex}({r.item})", "wording_en": r.wording_en, "material": r.material,
                         "stage": stage, "eu_sourcing_from": "material" if src == r.material else f"{src} group",
                         "top_third_iso3": top["top_third_iso3"],
                         "top_third_country": display_name(top["top_third_iso3"]),
                         "top_third_share": top["top_third_share"], "breach": breach,
                         "eu_member_share": top["eu_member_share"], "share_sum": top["share_sum"],
                         "n_suppliers": top["n_suppliers"], "status": status})
    out = pd.DataFrame(rows)
    return Result(out, provenance={"source": STUDY_2023, "rule": CRMA_SOURCE,
                                   "method": "largest single third-country share of EU sourcing per material "
                                             "and stage, breach when above the threshold (Art. 5(1)(b))",
                                   "dataset": "crm_eu_supply, crma_materials", "years": [STUDY_YEAR_2023],
                                   "thresholds": {"max_third_country_share": threshold},
                                   "threshold": f"largest single third-country share > {threshold:.0%}",
                                   "third_countries": "all but the EU27 (2020 composition)"},
                  notes=sorted(set(notes)))


# ---------------------------------------------------------------- one partner's place

def partner(economy: str = "KAZ", *, wgi_years: Sequence[int] = WGI_YEARS_2023) -> Result:
    """A country's share of global supply and of EU sourcing per material and stage, ranked.

    Table columns: material, stage, global_share, global_rank, eu_share, eu_rank, eu_hhi_wgi_t,
    eu_hhi_wgi_t_if, eu_top_third_iso3, eu_top_third_share, eu_top_third_share_if, strategic.
    The counterfactual ('_if'): the partner's EU-sourcing share rises to its global share (where higher)
    and every other supplier's share shrinks in proportion, so the listed total stays the same; the EU's
    HHI_WGI,t and its largest third-country share are recomputed.  Sorted by global share.
    Provenance: dataset = the shipped tables ``crm_global_supply``, ``crm_eu_supply``, ``crma_materials`` and
    ``wgi``; years = [2023], the assessment year of the study whose shares are used.
    """
    iso = resolve(economy)
    if len(members(iso)) != 1:
        raise InputError(f"partner takes one country, not the bloc {iso}")
    w = wgi_for_years(wgi_years).set_index("iso3")["wgi_scaled"]
    gs, eu = supply_shares("global"), supply_shares("eu")
    strategic = set(strategic_materials()["material"])
    keys = pd.concat([gs[gs["iso3"] == iso], eu[eu["iso3"] == iso]])[["material", "stage"]].drop_duplicates()
    # supplier rows with a share, by (material, stage), split once (not one mask over each table per key)
    empty = gs.iloc[0:0]
    gs_by = dict(tuple(gs.dropna(subset=["share"]).groupby(["material", "stage"], sort=False)))
    eu_by = dict(tuple(eu.dropna(subset=["share"]).groupby(["material", "stage"], sort=False)))
    rows = []
    for m, s in keys.itertuples(index=False):
        g = gs_by.get((m, s), empty)
        e = eu_by.get((m, s), empty)
        gshare = float(g.loc[g["iso3"] == iso, "share"].sum())
        eshare = float(e.loc[e["iso3"] == iso, "share"].sum())
        grank = int((g["share"] > gshare).sum() + 1) if gshare > 0 else None
        erank = int((e["share"] > eshare).sum() + 1) if eshare > 0 else None
        row = {"material": m, "stage": s, "global_share": gshare, "global_rank": grank, "eu_share": eshare,
               "eu_rank": erank, "strategic": m in strategic}
        if len(e):
            before = srm.hhi_wgi_t(e["share"].tolist(), e["iso3"].map(w).fillna(0).tolist(), e["t"].tolist())
            top0 = _third_country_top(e)
            e2 = e.copy()
            if gshare > eshare:
                total = e2["share"].sum()
                others = total - eshare
                new_k = min(gshare, total)
                scale = (total - new_k) / others if others > 0 else 0.0
                e2["share"] = np.where(e2["iso3"] == iso, 0.0, e2["share"] * scale)
                if not (e2["iso3"] == iso).any():
                    kaz_t = g.loc[g["iso3"] == iso, "t"]
                    t_partner = float(kaz_t.iloc[0]) if len(kaz_t) else 1.0
                    e2 = pd.concat([e2, pd.DataFrame([{"iso3": iso, "share": 0.0, "t": t_partner,
                                                       "label_kind": "country"}])], ignore_index=True)
                e2.loc[e2["iso3"] == iso, "share"] = new_k
            after = srm.hhi_wgi_t(e2["share"].tolist(), e2["iso3"].map(w).fillna(0).tolist(), e2["t"].tolist())
            top1 = _third_country_top(e2)
            row.update({"eu_hhi_wgi_t": before, "eu_hhi_wgi_t_if": after,
                        "eu_top_third_iso3": top0["top_third_iso3"], "eu_top_third_share": top0["top_third_share"],
                        "eu_top_third_iso3_if": top1["top_third_iso3"],
                        "eu_top_third_share_if": top1["top_third_share"]})
        rows.append(row)
    out = pd.DataFrame(rows)
    if out.empty:
        raise InputError(f"{display_name(iso)} ({iso}) does not appear in the study's supply tables")
    out = out.sort_values(["global_share", "eu_share"], ascending=False).reset_index(drop=True)
    return Result(out, provenance={"source": STUDY_2023, "partner": iso, "method": METHOD,
                                   "dataset": "crm_global_supply, crm_eu_supply, crma_materials, wgi",
                                   "years": [STUDY_YEAR_2023],
                                   "counterfactual": "partner's EU share raised to its global share, others "
                                                     "scaled down in proportion", **_wgi_prov(wgi_years)})


# ---------------------------------------------------------------- HS6 level on trade flows

def hs6_map(material: str | None = None) -> pd.DataFrame:
    """The shipped HS6 → material map: hs6, material, stage, form, confidence, caveat, source."""
    df = reference.load("crm_hs6")
    if material is not None:
        m = find_material(material)
        df = df[df["material"] == m]
        if df.empty:
            raise InputError(f"no HS6 code is mapped to {m}")
    return df.reset_index(drop=True)


def hs6_concentration(importer: str = "EU27", year: int | None = None, *, flows: Flows | pd.DataFrame | None = None,
                      dataset: str | None = None, material: str | None = None,
                      threshold: float = CRMA_2024_MAX_THIRD_COUNTRY_SHARE) -> Result:
    """Concentration and the 65 % benchmark at HS6 level on trade flows, for the codes mapped to materials.

    For each mapped HS6 code in ``flows`` (default: ``dataset`` from the store, else the default dataset):
    world exports by exporter (world_hhi, world_top_exporter, world_top_share) and ``importer``'s imports
    from outside the bloc (extra_imports_usd, extra_hhi, top_third_iso3, top_third_share, breach).
    HHI = Σ v² / (Σ v)² (:func:`samarkand.methods.concentration.hhi_sql`).
    Trade is a proxy for sourcing: it misses domestic production and counts re-exports.
    Provenance: the flows' dataset and the year used; the HS6 map's source under ``mapping``.
    """
    if not isinstance(importer, str):
        raise InputError(f"importer must be an economy code such as 'EU27', not {type(importer).__name__} "
                         "(pass flows= or dataset= by keyword)")
    f = open_flows(dataset, flows=flows)
    years = f.years()
    y = year if year is not None else max(years)
    f.require_year(y)
    imp = resolve(importer)
    mem = sorted(members(imp, y))
    mp = hs6_map(material)
    codes = sorted(mp["hs6"].unique())
    con = f.con
    con.register("crm_codes", pd.DataFrame({"hs6": codes}))
    con.register("crm_members", pd.DataFrame({"iso3": mem}))
    q = f"""
    WITH base AS (
        SELECT hs6, exporter, importer, value_usd FROM flows
        WHERE year = ? AND hs6 IN (SELECT hs6 FROM crm_codes) AND value_usd > 0),
    world AS (
        SELECT hs6, exporter, SUM(value_usd) AS v FROM base GROUP BY hs6, exporter),
    wagg AS (SELECT hs6, {hhi_sql("v")} AS world_hhi, arg_max(exporter, v) AS world_top_exporter,
                    MAX(v) / SUM(v) AS world_top_share FROM world GROUP BY hs6),
    ext AS (
        SELECT hs6, exporter, SUM(value_usd) AS v FROM base
        WHERE importer IN (SELECT iso3 FROM crm_members) AND exporter NOT IN (SELECT iso3 FROM crm_members)
        GROUP BY hs6, exporter),
    eagg AS (SELECT hs6, SUM(v) AS extra_imports_usd, {hhi_sql("v")} AS extra_hhi,
                    arg_max(exporter, v) AS top_third_iso3, MAX(v) / SUM(v) AS top_third_share FROM ext GROUP BY hs6)
    SELECT wagg.*, eagg.extra_imports_usd, eagg.extra_hhi, eagg.top_third_iso3, eagg.top_third_share
    FROM wagg LEFT JOIN eagg USING (hs6) ORDER BY hs6
    """
    agg = con.execute(q, [y]).df()
    out = mp.merge(agg, on="hs6", how="inner")
    out["breach"] = out["top_third_share"] > threshold
    out["year"] = y
    cols = ["material", "stage", "hs6", "confidence", "year", "world_hhi", "world_top_exporter", "world_top_share",
            "extra_imports_usd", "extra_hhi", "top_third_iso3", "top_third_share", "breach", "form", "caveat"]
    notes = []
    absent = sorted(set(codes) - set(agg["hs6"]))
    if absent:
        notes.append(f"{len(absent)} mapped HS6 code(s) have no flows in this dataset/year: {', '.join(absent)}")
    return Result(out[cols].sort_values(["material", "hs6"]).reset_index(drop=True),
                  provenance={**f.provenance([y]), "importer": imp, "rule": CRMA_SOURCE,
                              "method": "HHI = Σ v²/(Σ v)² of world exports and of extra-bloc imports by exporter; "
                                        "breach when the largest third-country share of extra-bloc imports "
                                        "exceeds the threshold",
                              "thresholds": {"max_third_country_share": threshold},
                              "threshold": f"largest single third-country share of extra-{imp} imports > "
                                           f"{threshold:.0%}", "mapping": reference.meta("crm_hs6")["source"]},
                  notes=notes + ["HS6 trade is a proxy for EU sourcing: domestic production is not in trade data"])
