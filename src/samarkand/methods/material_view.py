"""Material view: the EU's sourcing concentration per critical raw material and stage, from the CRM study.

Source: European Commission (2023), *Study on the critical raw materials for the EU 2023 – Final Report*,
Appendix 7 "EU sourcing shares (≥ 1 %) and trade-related variable t" (shipped table ``crm_eu_supply``,
built by scripts/builders/crm.py).  For each material m and stage (E extraction, P processing):

- sourcing_hhi = Σ_c s_c², s_c the published share of country c in EU sourcing (fractions; EU member
  production included, as in the study).  Shares below 1 % are not published, so Σ s_c ≤ 1 and the HHI is
  a lower bound by at most Σ of the squared omitted shares (< 0.01 × omitted total);
- top_supplier / top_supplier_share: the largest published share; top3_suppliers as "CHN 0.97; ...";
- listed_share_total = Σ s_c; eu_domestic_share = Σ s_c over EU members; extra_eu_hhi = Σ s_c² over
  non-members (the concentration of the EU's external sourcing, unnormalised).

This works on a fresh install without any BACI download: it is the study's own data, not trade flows.
"""
from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from samarkand import economies
from samarkand.errors import InputError
from samarkand.methods.concentration import hhi, top_n_string
from samarkand.methods.partnership import STUDY_YEAR
from samarkand.provenance import Result

STAGES = {"E": "extraction", "P": "processing"}
#: the study lists EU sourcing shares from 1 % (Appendix 7)
LISTING_FLOOR = 0.01


def material_view(material: str | None = None, stage: str | None = None, *,
                  table: pd.DataFrame | None = None) -> Result:
    """EU sourcing HHI, top supplier and share per material and stage (CRM study 2023 shares)."""
    from samarkand import reference

    df = reference.load("crm_eu_supply") if table is None else table.copy()
    df = df[df["share"].notna() & (df["share"] > 0)]
    if material:
        key = material.strip().lower()
        names = sorted(df["material"].unique())
        sel = [m for m in names if m.lower() == key] or [m for m in names if key in m.lower()]
        if not sel:
            raise InputError(f"unknown material '{material}'; available: {', '.join(names)}")
        df = df[df["material"].isin(sel)]
    if stage:
        st = stage.strip().upper()[:1]
        if st not in STAGES:
            raise InputError(f"unknown stage '{stage}'; use E (extraction) or P (processing)")
        df = df[df["stage"] == st]
    rows = []
    for (mat, stg), g in df.groupby(["material", "stage"], sort=True):
        s = g.groupby("iso3")["share"].sum()
        eu = g.loc[g["label_kind"] == "eu_member"].groupby("iso3")["share"].sum()
        ext = s.drop(index=[i for i in eu.index if i in s.index])
        top = s.sort_values(ascending=False, kind="stable")
        top = top[top == top.iloc[0]].sort_index()  # ties broken by code
        t_iso = top.index[0]
        rows.append({
            "material": mat, "stage": stg, "stage_name": STAGES.get(stg, stg),
            "sourcing_hhi": hhi(s, normalise=False),
            "top_supplier": t_iso, "top_supplier_name": economies.country_name(t_iso),
            "top_supplier_share": float(s[t_iso]),
            "top3_suppliers": top_n_string(s, 3),
            "n_suppliers": int(len(s)),
            "listed_share_total": float(s.sum()),
            "eu_domestic_share": float(eu.sum()),
            "extra_eu_hhi": hhi(ext, normalise=False) if len(ext) else 0.0,
        })
    out = pd.DataFrame(rows)
    if out.empty:
        raise InputError("no CRM study sourcing shares match the selection")
    out = out.sort_values(["sourcing_hhi", "material"], ascending=[False, True], ignore_index=True)
    m = reference.meta("crm_eu_supply") if table is None else {"source": "table given", "version": None}
    prov = {"dataset": "crm_eu_supply", "source": m.get("source"), "version": m.get("version"),
            "licence": m.get("licence"), "method": "sourcing HHI = Σ share² over the study's published EU "
            "sourcing shares (≥ 1 %), EU members included", "years": [STUDY_YEAR],
            "year": "2023 assessment (study data mostly 2016–2020)",
            "thresholds": {"listing_floor_share": LISTING_FLOOR}}
    notes = ["Shares below 1 % are not published in the study: sourcing_hhi is over the listed shares "
             "(listed_share_total < 1 where small suppliers were left out)."]
    return Result(table=out, provenance=prov, notes=notes)


def criticality_view(year: int | None = None) -> Result:
    """The EU criticality table (:func:`samarkand.methods.crm.criticality`) of one assessment: ``year``, or the
    latest assessment when no year is given (noted)."""
    from samarkand.methods import crm

    res = crm.criticality(year)
    if year is not None:
        return res
    latest = int(res.table["year"].max())
    return res.where(year=latest).with_notes(f"latest assessment ({latest}) shown; give a year "
                                             "(2011, 2014, 2017, 2020, 2023) for another")


def material_profile(material: str, stage: str | None = None, *,
                     wgi_years: Sequence[int] | None = None) -> Result:
    """One material: concentration of global supply and EU sourcing (HHI, HHI_WGI,t) with, as extras, its
    criticality history and its 2023 supply risk (:mod:`samarkand.methods.crm`, JRC method).

    When the supply risk cannot be computed for the material, the reason is a note instead of a table.
    """
    from samarkand.methods import crm

    m = crm.find_material(material)
    years = crm.WGI_YEARS_2023 if wgi_years is None else wgi_years
    res = crm.concentration(m, stage, wgi_years=years)
    res = res.with_extras(criticality=crm.criticality(material=m).table)
    try:
        res = res.with_extras(supply_risk_2023=crm.supply_risk(m, wgi_years=years).table)
    except InputError as exc:
        res = res.with_notes(str(exc))
    return res.replace(provenance={**res.provenance, "material": m})
