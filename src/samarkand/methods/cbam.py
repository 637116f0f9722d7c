"""CBAM exposure of an exporter's goods sent to the EU (Regulation (EU) 2023/956, definitive period 2026–2034).

For good g (HS6 of Annex I) and year y::

    E_g,y        = tonnes_g × intensity_g × (1 + markup_y,g)      markup only when a default value is used
    chargeable   = E_g,y × payable_share_y                         payable_share = 1 − free_allocation_share
    cost_g,y     = chargeable × max(0, P_EU,y − P_origin,y)        EUR

Legal basis.  Art. 6(2)(c) of Reg. 2023/956: certificates to surrender = embedded emissions, after the
reduction for the carbon price paid in the country of origin (Art. 9) and the adjustment reflecting free
allocation of EU ETS allowances (Art. 31).  The free allocation adjustment of IR (EU) 2025/2620 deducts
``CBAM factor_y × CSCF_y × benchmark`` per tonne (the CBAM factor being the share of free allocation EU
producers keep, Directive 2003/87/EC Art. 10a(1a)).  With ``benchmarks=None`` this module uses the
factor-scaled form above, which equals the legal form when the CBAM benchmark equals the good's
(pre-mark-up) intensity and CSCF = 1; pass ``benchmarks`` (tCO2e/t per HS6) for the benchmark netting::

    chargeable   = max(0, E_g,y − tonnes_g × benchmark_g × free_allocation_share_y × cscf)

Art. 9 reduces the *number* of certificates by the carbon price effectively paid at origin; valuing the
remaining certificates at the EU price gives the same total as the price differential used here.
Mark-ups on default values (10 % 2026, 20 % 2027, 30 % from 2028; fertilisers 1 %) come from
IR (EU) 2025/2621 as shipped in ``cbam_schedule``.  Indirect emissions count only for goods outside
Annex II (Art. 7(1)); the shipped default ``total`` already follows that rule.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from samarkand import economies, reference
from samarkand.products import describe
from samarkand.errors import InputError
from samarkand.provenance import Result

SCHEDULE_YEARS = range(2026, 2035)
DEFAULT_ETS_PRICE = 80.0
ETS_PRICE_NOTE = ("scenario value; for scale: EU ETS auction 78.75 EUR/t on 20.10.2025 and EEX Dec EUA future "
                  "79.57 EUR/t (quoted on ccx.kz/en?p=3996); Q1 2026 CBAM certificate price 75.36 EUR/t (EEX, "
                  "as quoted in a public methodology note)")
# USD per EUR: ECB euro foreign exchange reference rate, annual average 2021 (series EXR.A.USD.EUR.SP00.A).
DEFAULT_USD_PER_EUR = 1.1827
USD_PER_EUR_SOURCE = ("ECB euro foreign exchange reference rate, annual average 2021 = 1.1827 USD per EUR "
                      "(ECB Data Portal series EXR.A.USD.EUR.SP00.A), the year of the shipped export figures; "
                      "not re-checked against a stored copy of the series — pass usd_per_eur to override")
ORIGIN_PRICE_NOTE = ("carbon price effectively paid at origin (Reg. 2023/956 Art. 9), EUR/tCO2e. Default 0: the "
                     "only KazETS quotes on hand are in KZT (KZQ index 502.93 KZT/t on 31.08.2025, ccx.kz) with no "
                     "sourced KZT/EUR rate, and Art. 9 counts only the price effectively paid after free "
                     "allocation or rebates at origin")
OUT_OF_SCOPE_HINT = ("Annex I covers '72 – Iron and steel, except 7202 2 (ferro-silicon), 7202 30 00 "
                     "(silico-manganese), 7202 50 00, 7202 70 00, 7202 80 00, 7202 91 00, 7202 92 00, 7202 93 00, "
                     "7202 99, 7204'")


# ---------------------------------------------------------------------------------------------- data access
def annex() -> pd.DataFrame:
    """Shipped Annex I table (hs6, cn_code, description, sector, gases, in_scope, source)."""
    return reference.load("cbam_annex_i")


def schedule() -> pd.DataFrame:
    """Shipped phase-in schedule: year, free_allocation_share, payable_share, markup_<sector>."""
    return reference.load("cbam_schedule")


def default_values() -> pd.DataFrame:
    return reference.load("cbam_default_values")


def check_good(code: str) -> dict[str, Any]:
    """The Annex I row of an HS6/CN code; InputError when the code is not an Annex I good."""
    digits = "".join(ch for ch in str(code) if ch.isdigit())
    if len(digits) < 6:
        raise InputError(f"good '{code}': give an HS6 or CN8 code (6 or 8 digits)")
    hs6 = digits[:6]
    a = annex()
    hit = a[a["hs6"] == hs6]
    if hit.empty:
        raise InputError(f"good {hs6} is not covered by CBAM Annex I (Reg. 2023/956 as amended by 2025/2083): "
                         "out of scope")
    row = hit.iloc[0].to_dict()
    if not row["in_scope"]:
        raise InputError(f"good {hs6} ({row['description']}) is out of CBAM scope: {OUT_OF_SCOPE_HINT}. "
                         f"Source: {row['cn_code']} in Annex I")
    return row


def _default_intensity(hs6: str, exporter: str, dv: pd.DataFrame) -> tuple[float, str] | None:
    """(total tCO2e/t before mark-up, description) from IR 2025/2621 defaults: exporter's row, else 'ALL'."""
    cand = dv[dv["hs6"].fillna("").str.split(";").apply(lambda xs: hs6 in xs)]
    for country in (exporter, "ALL"):
        rows = cand[(cand["country"] == country) & cand["total"].notna()]
        if len(rows):
            best = rows.loc[rows["total"].idxmax()]
            extra = f"; highest of {len(rows)} CN8 rows under {hs6}" if len(rows) > 1 else ""
            label = "default value for " + ("the exporter" if country == exporter else "other countries (ALL)")
            return float(best["total"]), (f"{label}, IR 2025/2621 Annex I CN {best['cn_code']} "
                                          f"(third-party copy){extra}")
    return None


def _year_map(value: float | Mapping[int, float] | None, years: list[int], name: str) -> dict[int, float]:
    """A scalar or a {year: value} mapping → {year: value} for every year asked; negatives are refused."""
    if value is None:
        raise InputError(f"{name}: no value given")
    if isinstance(value, Mapping):
        out = {int(k): float(v) for k, v in value.items()}
        missing = [y for y in years if y not in out]
        if missing:
            raise InputError(f"{name}: no value for years {missing}")
    else:
        out = {y: float(value) for y in years}
    for y in years:
        v = out[y]
        if math.isnan(v) or v < 0:
            raise InputError(f"{name} must be a non-negative number of EUR per tCO2e; got {v} for {y}")
    return {y: out[y] for y in years}


def _goods_from_flows(flows: Any, exporter: str, year: int | None) -> tuple[pd.DataFrame, dict] | None:
    """Exporter's Annex I goods to EU members in the latest (or given) year of ``flows``; None if none."""
    a = annex()
    codes = a.loc[a["in_scope"], "hs6"].tolist()
    years = flows.years()
    if not years:
        return None
    ys = [year] if year is not None else sorted(years, reverse=True)
    for y in ys:
        if y not in years:
            continue
        eu = sorted(economies.members("EU27", y))
        df = flows.query(
            "SELECT hs6, SUM(value_usd) AS value_usd, SUM(quantity_t) AS tonnes, "
            "COUNT(*) AS n_flows, COUNT(quantity_t) AS n_with_qty "
            "FROM flows WHERE year = ? AND exporter = ? AND importer IN (SELECT UNNEST(?)) "
            "AND hs6 IN (SELECT UNNEST(?)) GROUP BY hs6 ORDER BY hs6", [y, exporter, eu, codes])
        if len(df):
            df["year"] = y
            return df, flows.provenance([y])
        if year is not None:
            break
    return None


def _goods_from_facts(exporter: str) -> tuple[pd.DataFrame, list[str]] | None:
    """The shipped sourced fact table (Kazakhstan only): in-scope goods, EU partners, summed per HS6."""
    k = reference.load("kaz_cbam_exports_eu")
    k = k[(k["reporter"] == exporter) & (k["status"] == "figure")]
    eu_all = economies.members("EU27_2020")
    rows = k[k["partner"].isin(eu_all) & k["in_scope"]]
    if rows.empty:
        return None
    if not (rows["value_unit"] == "thousand USD").all():
        raise InputError("kaz_cbam_exports_eu: unexpected value unit")  # pragma: no cover
    y = int(rows["year"].max())
    rows = rows[rows["year"] == y]
    g = rows.groupby("hs6", as_index=False).agg(tonnes=("tonnes", "sum"), value_kusd=("value", "sum"),
                                                partners=("partner", lambda s: ",".join(sorted(set(s)))))
    g["value_usd"] = g["value_kusd"] * 1000.0
    g["year"] = y
    partners = sorted(set(rows["partner"]))
    gaps = reference.load("kaz_cbam_exports_eu")
    gaps = gaps[(gaps["reporter"] == exporter) & (gaps["status"] == "not found")]
    notes = [f"{r.partner} {r.year}: not found — {r.note}" for r in gaps.itertuples()]
    notes += [f"{r.hs6} to {r.partner} {r.year}: {r.note}" for r in rows.itertuples()
              if isinstance(r.note, str) and r.note.strip()]
    return g.drop(columns="value_kusd"), [f"partners covered: {', '.join(partners)} ({y})"] + notes


# ---------------------------------------------------------------------------------------------- the method
def cbam(exporter: str, years: Iterable[int] = SCHEDULE_YEARS, *, ets_price: float = DEFAULT_ETS_PRICE,
         price_path: Mapping[int, float] | None = None, intensities: Mapping[str, float] | None = None,
         origin_carbon_price: float | Mapping[int, float] = 0.0, intensity_cut: float | None = None,
         flows: Any = None, dataset: str | None = None, goods: Iterable[str] | None = None,
         benchmarks: Mapping[str, float] | None = None, cscf: float = 1.0,
         usd_per_eur: float = DEFAULT_USD_PER_EUR, base_year: int | None = None) -> Result:
    """CBAM cost of ``exporter``'s Annex I goods sent to the EU, per good and year, in EUR.

    cost_g,y = tonnes_g × intensity_g × (1 + markup_y,g [default values only]) × payable_share_y
               × max(0, EU price_y − origin price_y)
    (Reg. 2023/956 Art. 6(2)(c), 9, 21, 31; Directive 2003/87/EC Art. 10a(1a); IR 2025/2621 mark-ups.)
    Tonnes and values are held at the base year (latest year with data): a static exposure, not a forecast.
    ``intensity_cut`` (fraction, e.g. 0.2) adds the saving when verified actual emissions are
    ``(1 − cut) ×`` the intensity used (actual values carry no mark-up).
    """
    exporter = economies.resolve(exporter)
    if economies.is_bloc(exporter):
        raise InputError(f"cbam: exporter must be one country, not the bloc {exporter}")
    if exporter in economies.members("EU27_2020"):
        raise InputError(f"cbam: {exporter} is an EU member; CBAM applies to goods imported into the EU")
    years = sorted({int(y) for y in years})
    if not years:
        raise InputError("cbam: no years given")
    sch = schedule().set_index("year")
    bad = [y for y in years if y not in sch.index]
    if bad:
        raise InputError(f"years {bad} are outside the CBAM schedule: the definitive period with a phase-out of "
                         f"free allocation runs {sch.index.min()}–{sch.index.max()} (Directive 2003/87/EC "
                         "Art. 10a(1a)); before 2026 no certificates are surrendered")
    if price_path is not None:
        eu_price = _year_map(price_path, years, "price path")
        price_label = "price path given by the user (EUR/tCO2e by year)"
    else:
        eu_price = _year_map(ets_price, years, "ets_price")
        price_label = f"constant {ets_price:g} EUR/tCO2e ({ETS_PRICE_NOTE})"
    origin = _year_map(origin_carbon_price, years, "origin_carbon_price")
    if not (usd_per_eur > 0):
        raise InputError(f"usd_per_eur must be positive; got {usd_per_eur}")
    if not (cscf >= 0):
        raise InputError(f"cscf must be non-negative; got {cscf}")
    if intensity_cut is not None and not (0 <= intensity_cut <= 1):
        raise InputError(f"intensity_cut is a fraction between 0 and 1 (0.2 = 20 %); got {intensity_cut}")
    user_int: dict[str, float] = {}
    for code, v in (intensities or {}).items():
        row = check_good(code)
        v = float(v)
        if math.isnan(v) or v < 0:
            raise InputError(f"intensity for {row['hs6']} must be a non-negative tCO2e per tonne; got {v}")
        user_int[row["hs6"]] = v
    bench: dict[str, float] = {}
    for code, v in (benchmarks or {}).items():
        row = check_good(code)
        if float(v) < 0:
            raise InputError(f"benchmark for {row['hs6']} must be non-negative; got {v}")
        bench[row["hs6"]] = float(v)
    wanted = None
    if goods is not None:
        wanted = {check_good(g)["hs6"] for g in goods}

    # --- goods and quantities: flows in the store first, else the shipped fact table
    notes: list[str] = []
    from samarkand.store import open_flows

    fl = open_flows(dataset, flows=flows)
    got = _goods_from_flows(fl, exporter, base_year)
    if got is not None:
        base, flow_prov = got
        goods_source = f"flows dataset '{fl.info.name}' (exporter → EU27 members, HS6 of CBAM Annex I)"
        provenance_goods: dict[str, Any] = {"goods_source": goods_source, "flows": flow_prov}
        none = base["n_with_qty"] == 0
        if none.any():
            notes.append(f"no tonnes reported for {base.loc[none, 'hs6'].tolist()} in the flows: not costed "
                         "(CBAM is charged per tonne)")
            base = base[~none]
        short = base["n_with_qty"] < base["n_flows"]
        if short.any():
            notes.append(f"tonnes missing on some flows for {base.loc[short, 'hs6'].tolist()}: tonnes summed "
                         "over the flows that report them (a lower bound)")
        base = base.drop(columns=["n_flows", "n_with_qty"])
        if base.empty:
            raise InputError(f"no CBAM good of {exporter} has tonnes in the flows dataset '{fl.info.name}'")
    else:
        facts = _goods_from_facts(exporter) if base_year is None or base_year == 2021 else None
        if facts is None:
            raise InputError(
                f"no CBAM goods for {exporter}: the flows dataset '{fl.info.name}' has no exports of CBAM Annex I "
                f"goods from {exporter} to the EU"
                + (f" in {base_year}" if base_year else "")
                + ", and the shipped fact table covers Kazakhstan only. Import BACI or Comtrade flows with "
                "chapters 72, 76, 25, 28, 31 (`samarkand data import`)")
        base, fact_notes = facts
        m = reference.meta("kaz_cbam_exports_eu")
        goods_source = ("shipped fact table kaz_cbam_exports_eu (the flows dataset "
                        f"'{fl.info.name}' holds no CBAM Annex I goods from {exporter} to the EU, e.g. no "
                        "ferro-chromium 720241/720249)")
        provenance_goods = {"goods_source": goods_source,
                            "exports": f"{m['source']} ({m['version']})"}
        notes.append(f"goods from the shipped fact table, not from flows: {fact_notes[0]}; EU members other "
                     "than these and the years 2022–2024 are not covered (no official figure found), so the "
                     "totals are a lower bound")
        notes.extend(fact_notes[1:])
    if wanted is not None:
        base = base[base["hs6"].isin(wanted)]
        if base.empty:
            raise InputError(f"no exports of the goods {sorted(wanted)} from {exporter} to the EU in the data")

    a = annex().set_index("hs6")
    dv = default_values()
    rows, missing_int = [], []
    for r in base.itertuples(index=False):
        info = a.loc[r.hs6]
        if r.hs6 in user_int:
            inten, src, is_default = user_int[r.hs6], "actual value given by the user", False
        else:
            d = _default_intensity(r.hs6, exporter, dv)
            if d is None:
                missing_int.append(r.hs6)
                continue
            (inten, src), is_default = d, True
        sector_col = "markup_" + info["sector"].replace(" and ", "_").replace(" ", "_")
        for y in years:
            fa = float(sch.at[y, "free_allocation_share"])
            pay = float(sch.at[y, "payable_share"])
            mk = float(sch.at[y, sector_col]) if is_default and sector_col in sch.columns else 0.0
            if math.isnan(mk):
                mk = 0.0
            tonnes = float(r.tonnes) if pd.notna(r.tonnes) else float("nan")
            emb = tonnes * inten * (1 + mk)
            if r.hs6 in bench:
                chargeable = max(0.0, emb - tonnes * bench[r.hs6] * fa * cscf)
            else:
                chargeable = emb * pay
            price_diff = max(0.0, eu_price[y] - origin[y])
            cost = chargeable * price_diff
            value_eur = float(r.value_usd) / usd_per_eur
            rows.append({
                "year": y, "hs6": r.hs6, "description": describe(r.hs6) or info["description"], "sector": info["sector"],
                "base_year": int(r.year), "tonnes": tonnes, "value_eur": value_eur, "intensity": inten,
                "intensity_source": src, "markup": mk, "embedded_tco2e": emb,
                "free_allocation_share": fa, "payable_share": pay, "chargeable_tco2e": chargeable,
                "eu_price": eu_price[y], "origin_price": origin[y], "cost_eur": cost,
                "cost_share_of_value": cost / value_eur if value_eur > 0 else float("nan"),
            })
    if missing_int:
        notes.append(f"no default value shipped for {missing_int} and none given: not costed; supply actual "
                     "values with intensities={hs6: tCO2e/t} (--intensities FILE)")
    if not rows:
        raise InputError(f"no CBAM good of {exporter} could be costed: no intensity for {missing_int}")
    table = pd.DataFrame(rows)

    by_year = table.groupby("year", as_index=False).agg(cost_eur=("cost_eur", "sum"),
                                                         value_eur=("value_eur", "sum"),
                                                         chargeable_tco2e=("chargeable_tco2e", "sum"))
    by_year["cost_share_of_value"] = by_year["cost_eur"] / by_year["value_eur"]
    by_good = table.groupby(["hs6", "description"], as_index=False).agg(cost_eur=("cost_eur", "sum"))
    total = by_good["cost_eur"].sum()
    by_good["share_of_cost"] = by_good["cost_eur"] / total if total > 0 else float("nan")
    by_good = by_good.sort_values("cost_eur", ascending=False).reset_index(drop=True)
    extras = {"by_year": by_year, "by_good": by_good}

    if intensity_cut is not None:
        cut = table.copy()
        cut_int = cut["intensity"] * (1 - intensity_cut)
        emb_cut = cut["tonnes"] * cut_int
        bm = cut["hs6"].map(bench)
        charge_cut = emb_cut * cut["payable_share"]
        has_bm = bm.notna()
        charge_cut[has_bm] = (emb_cut[has_bm] - cut.loc[has_bm, "tonnes"] * bm[has_bm]
                              * cut.loc[has_bm, "free_allocation_share"] * cscf).clip(lower=0)
        cut["cost_cut_eur"] = charge_cut * (cut["eu_price"] - cut["origin_price"]).clip(lower=0)
        sav = cut.groupby("year", as_index=False).agg(cost_eur=("cost_eur", "sum"),
                                                      cost_cut_eur=("cost_cut_eur", "sum"))
        sav["saving_eur"] = sav["cost_eur"] - sav["cost_cut_eur"]
        sav["saving_share"] = sav["saving_eur"] / sav["cost_eur"].where(sav["cost_eur"] > 0)
        extras["intensity_cut"] = sav
        notes.append(f"intensity cut {intensity_cut:.0%}: verified actual emissions = (1 − cut) × the intensity "
                     "used, with no default-value mark-up (actual values carry none); the saving includes the "
                     "mark-up avoided")

    top = by_good.iloc[0]
    notes.insert(0, f"{top['description']} ({top['hs6']}) carries {top['share_of_cost']:.0%} of the cost over "
                    f"{years[0]}–{years[-1]}")
    m_s, m_d = reference.meta("cbam_schedule"), reference.meta("cbam_default_values")
    prov = {
        "method": ("cost = tonnes × intensity × (1 + mark-up, default values only) × payable_share × "
                   "max(0, EU price − origin price)" if not bench else
                   "cost = max(0, tonnes × intensity × (1 + mark-up) − tonnes × benchmark × free_allocation_share "
                   "× CSCF) × max(0, EU price − origin price)"),
        "legal_basis": "Reg. (EU) 2023/956 Art. 6(2)(c), 7(1), 9, 21, 31 as amended by Reg. (EU) 2025/2083; "
                       "Directive 2003/87/EC Art. 10a(1a) as amended by Directive (EU) 2023/959; "
                       "IR (EU) 2025/2620 (free allocation adjustment), 2025/2621 (default values)",
        "simplification": None if bench else (
            "factor-scaled free allocation adjustment: equals the legal benchmark netting (IR 2025/2620) "
            "when the CBAM benchmark equals the intensity before mark-up and CSCF = 1"),
        "exporter": exporter, "years": years, **provenance_goods,
        "schedule": f"cbam_schedule: {m_s['source']}",
        "default_values": f"{m_d['source']}",
        "eu_price": price_label,
        "origin_price": ORIGIN_PRICE_NOTE if origin_carbon_price == 0.0 else
                        "carbon price effectively paid at origin, given by the user (EUR/tCO2e)",
        "usd_per_eur": f"{usd_per_eur} ({USD_PER_EUR_SOURCE if usd_per_eur == DEFAULT_USD_PER_EUR else 'user'})",
        "quantities": "held at the base year for every CBAM year (static exposure)",
    }
    if bench:
        prov["cscf"] = cscf
    return Result(table=table, provenance={k: v for k, v in prov.items() if v is not None}, extras=extras,
                  notes=notes)
