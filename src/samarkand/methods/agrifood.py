"""Agri-food side of the EU–Kazakhstan partnership: Kazakhstan's reported exports to EU members (FAOSTAT).

Data: shipped tables ``faostat_kaz_eu_trade`` (FAOSTAT TM detailed trade matrix, reporter Kazakhstan,
2018–2024, nine items: wheat, maize, barley, linseed, sunflower seed, lentils, peas, crude sunflower-seed and
rapeseed oil; tonnes and USD) and ``faostat_kaz_production`` (FAOSTAT QCL).  FAO, FAOSTAT, CC BY 4.0.

Per item and year:

* EU value and quantity: Σ over EU members of the reported flows.  A partner-item-year that FAOSTAT leaves
  empty was *not reported*: it is absent, never 0, so a year with no reported flow has no EU total (NaN), and
  growth is only computed between two reported years.
* growth: year-on-year change of the EU value, ``v_t / v_{t−1} − 1``, and the compound annual growth rate
  over the first and last reported years of the period, ``(v_last / v_first)^(1/(last − first)) − 1``.
* destination concentration: ``HHI = Σ_p (v_p / Σ v)²`` over EU member destinations p (by value).
* share exported to the EU: EU quantity (t) / Kazakhstan's production (t) of the same item and year
  (both FAOSTAT; crude-oil production 2024 is not reported → NaN).

These are Kazakhstan's own declarations; EU mirror statistics differ (transit, CIF/FOB, timing).
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from samarkand.errors import InputError
from samarkand.methods.concentration import hhi
from samarkand.provenance import Result


def _tables() -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    from samarkand import reference

    t = reference.load("faostat_kaz_eu_trade")
    p = reference.load("faostat_kaz_production")
    m = reference.meta("faostat_kaz_eu_trade")
    prov = {"dataset": "FAOSTAT (TM detailed trade matrix; QCL production)", "source": m["source"],
            "licence": m["licence"], "citation": m.get("citation"), "version": m.get("version"),
            "tables": ["faostat_kaz_eu_trade", "faostat_kaz_production"]}
    return t, p, prov


def _cagr(series: pd.Series) -> tuple[float, int | None, int | None]:
    s = series.dropna()
    s = s[s > 0]
    if len(s) < 2:
        return float("nan"), None, None
    y0, y1 = int(s.index.min()), int(s.index.max())
    return float((s.loc[y1] / s.loc[y0]) ** (1.0 / (y1 - y0)) - 1.0), y0, y1


def kaz_eu_agrifood(year: int | None = None, *, items: list[str] | None = None,
                    trade: pd.DataFrame | None = None, production: pd.DataFrame | None = None) -> Result:
    """Kazakhstan's agricultural exports to EU members by item, partner and year (see the module docstring).

    ``year`` (2018–2024; default the latest) selects the year of the main table: one row per item with EU
    value and quantity, year-on-year growth, CAGR over 2018–2024, destination count, HHI and top destination,
    production and the share exported to the EU.  Extras: ``by_item_year`` (the same for every year) and
    ``detail`` (item × partner × year as reported).  ``trade``/``production`` replace the shipped tables (tests).
    """
    from samarkand import economies

    if trade is None or production is None:
        t0, p0, prov = _tables()
        t, p = (t0 if trade is None else trade).copy(), (p0 if production is None else production).copy()
    else:
        t, p, prov = trade.copy(), production.copy(), {"dataset": "given", "source": "the caller's tables"}
    years = sorted(int(y) for y in t["year"].unique())
    if year is None:
        year = years[-1]
    if int(year) not in years:
        raise InputError(f"year {year} is not in the FAOSTAT table; available: {years[0]}–{years[-1]}")
    if items:
        known = sorted(t["item"].unique())
        want = {i.strip().lower() for i in items}
        sel = [k for k in known if k.lower() in want or any(k.lower().startswith(w) for w in want)]
        if not sel:
            raise InputError(f"no FAOSTAT item matches {', '.join(items)}; items: {', '.join(known)}")
        t = t[t["item"].isin(sel)]
    eu = economies.members("EU27_2020")
    outside = sorted(set(t["partner"]) - set(eu))
    if outside:
        raise InputError(f"partners outside the EU in the agri-food table: {', '.join(outside)}")
    prod = p[p["element"] == "production_t"].set_index(["item_code", "year"])["value"]

    rows = []
    for (code, item), g in t.groupby(["item_code", "item"]):
        by_year_v = g.groupby("year")["value_usd"].sum()
        cagr, y0, y1 = _cagr(by_year_v)
        for y in years:
            gy = g[g["year"] == y]
            reported = not gy.empty
            v = float(gy["value_usd"].sum()) if reported else float("nan")
            q = float(gy["quantity_t"].sum()) if reported else float("nan")
            prev = by_year_v.get(y - 1, np.nan)
            yoy = v / prev - 1.0 if reported and pd.notna(prev) and prev > 0 else float("nan")
            pv = gy.set_index("partner")["value_usd"]
            top = pv.idxmax() if reported and pv.max() > 0 else None
            pt = float(prod.get((code, y), np.nan))
            rows.append({"item": item, "item_code": code, "year": y, "eu_value_usd": v, "eu_quantity_t": q,
                         "yoy_growth": yoy, "cagr": cagr, "cagr_years": f"{y0}–{y1}" if y0 else "",
                         "destinations": int((pv > 0).sum()) if reported else 0,
                         "destination_hhi": hhi(pv) if reported else float("nan"),
                         "top_destination": top,
                         "top_destination_share": float(pv.max() / pv.sum()) if top else float("nan"),
                         "production_t": pt,
                         "share_of_production_to_eu": q / pt if reported and pt > 0 else float("nan")})
    by_iy = pd.DataFrame(rows)
    main = by_iy[by_iy["year"] == int(year)].copy()
    main["why"] = main.apply(lambda r: _why(r, int(year)), axis=1)
    main = main.sort_values("eu_value_usd", ascending=False, na_position="last").reset_index(drop=True)
    detail = t.sort_values(["item", "year", "value_usd"], ascending=[True, True, False])[
        ["item", "item_code", "year", "partner", "partner_name", "quantity_t", "value_usd", "flag"]
    ].reset_index(drop=True)
    tot = by_iy.groupby("year")["eu_value_usd"].sum(min_count=1)
    notes = ["an item-partner-year FAOSTAT left empty was not reported: it is absent here, never counted as 0; "
             "growth is computed only between reported years",
             "Kazakhstan's own export declarations: EU mirror statistics may differ (transit, CIF/FOB, timing)",
             f"nine items only (not Kazakhstan's total agri-food exports); EU total of the nine in {year}: "
             f"{tot.get(int(year), float('nan')) / 1e6:,.1f} m USD"]
    flagged = t[(t["flag"] == "X") & (t["year"] == int(year))]
    if len(flagged):
        notes.append("flag X (value from an external organisation, not Kazakhstan's official report): "
                     + ", ".join(f"{r.item} → {r.partner}" for r in flagged.itertuples()))
    prov = {**prov, "reporter": "KAZ", "partner": "EU27 (members as destinations)", "year": int(year),
            "years": years,
            "method": "EU value/quantity = Σ members' reported flows; yoy = v_t/v_(t−1) − 1; CAGR over first and "
                      "last reported years; destination HHI = Σ share²; share to EU = EU quantity / production"}
    return Result(table=main.drop(columns=["item_code"]), provenance=prov,
                  extras={"by_item_year": by_iy, "detail": detail}, notes=notes)


def _why(r: pd.Series, year: int) -> str:
    if pd.isna(r["eu_value_usd"]):
        return f"nothing reported to EU members in {year}"
    v = r["eu_value_usd"]
    money = f"{v / 1e6:,.1f} m USD" if v >= 1e5 else f"{v / 1e3:,.0f} k USD"
    parts = [f"{money} ({r['eu_quantity_t']:,.0f} t) to {r['destinations']} EU member(s)"]
    if r["top_destination"]:
        parts.append(f"top {r['top_destination']} {r['top_destination_share']:.0%}, HHI {r['destination_hhi']:.2f}")
    if pd.notna(r["yoy_growth"]):
        parts.append(f"{r['yoy_growth']:+.0%} on {year - 1}")
    elif year > 2018:
        parts.append(f"nothing reported in {year - 1}, so no year-on-year growth")
    if pd.notna(r["share_of_production_to_eu"]):
        parts.append(f"{r['share_of_production_to_eu']:.1%} of Kazakhstan's production")
    return "; ".join(parts)


def partner_view(a: str, b: str, year: int | None = None) -> Result:
    """`partners KAZ EU27 --domain agrifood`: the FAOSTAT view, for Kazakhstan and the EU only."""
    pair = {a, b}
    from samarkand.economies import EU_CODES

    if "KAZ" not in pair or not pair & set(EU_CODES):
        raise InputError(f"the agri-food view covers Kazakhstan's exports to the EU (FAOSTAT); got {a} and {b}: "
                         "use KAZ and EU27")
    res = kaz_eu_agrifood(year)
    if a != "KAZ":
        res = res.replace(notes=("FAOSTAT holds Kazakhstan's exports to the EU only: the EU → Kazakhstan "
                                 "direction is not covered", *res.notes))
    return res
