"""CBAM cost of an exporter's goods sent to the EU (Regulation (EU) 2023/956, definitive period 2026–2034).

Certificates to surrender for good g in year y, and their cost (Reg. 2023/956 Art. 6(2)(c), 9, 21 and 31;
Commission Implementing Regulation (EU) 2025/2620, Annex points 2–5)::

    certificates_g,y = max(0, M_g × SEE_g × (1 + markup_y,g) − M_g × CBAM_y × CSCF_y × BM_g)
    cost_g,y         = certificates_g,y × max(0, P_EU,y − P_origin,y)                              EUR

- M_g: tonnes imported; SEE_g: specific embedded emissions, tCO2e/t — a default value of IR (EU) 2025/2621 with
  the mark-up of the year (10 % 2026, 20 % 2027, 30 % from 2028; fertilisers 1 %), or a verified actual value
  (no mark-up). The mark-up applies to the emissions side only.
- CBAM_y: the CBAM factor, the share of free allocation EU producers keep (Directive 2003/87/EC Art. 10a(1a));
  CSCF_y: the cross-sectoral correction factor, not published for 2026–2030 (a parameter, default 1).
- BM_g: the CBAM benchmark of IR 2025/2620 Annex point 5.3 — Column B with default values, for the production
  route assigned to the country of origin in Annex I of IR 2025/2621 (point 5.1); Column A with actual values
  (precursors' adjustments, point 3.3, need data not at hand). M × CBAM × CSCF × BM is the free allocation
  adjustment (Eq. 1 and 6).
- Art. 9 reduces the number of certificates by the carbon price effectively paid at origin; valuing the rest at
  the EU price gives the price difference above. The floor at zero per good and year is an assumption: no article
  was found on netting one good's negative balance against another's.

The two forms "emissions × (1 + mark-up) × (1 − CBAM_y)" and the netting above agree only when the mark-up is 0
and BM_g equals SEE_g, or when CBAM_y = 0 (2034): this module uses the netting.  A range goes with every figure:
low = highest benchmark among the good's CN8 codes and routes × lowest sourced price outlook, high = lowest
benchmark × highest outlook, central = the assigned route × the chosen price path.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd

from samarkand import economies, reference
from samarkand.errors import InputError
from samarkand.products import describe
from samarkand.provenance import Result

CBAM_YEARS = range(2026, 2035)   # definitive period with free allocation phasing out: the one horizon constant
PriceOutlook = Literal["gmk-consensus", "gmk-low", "gmk-high", "reuters-jan2026", "bnef", "abn-amro", "veyt",
                       "market-forward"]
DEFAULT_PRICE_OUTLOOK: PriceOutlook = "gmk-consensus"
Unbenchmarked = Literal["not_costed", "no_adjustment"]
ALLOY_ROUTES = frozenset("FGHJ")     # low- and high-alloy steel grades of IR 2025/2620 point 5.3
# USD per EUR: ECB euro foreign exchange reference rate, annual average 2021 (series EXR.A.USD.EUR.SP00.A).
DEFAULT_USD_PER_EUR = 1.1827
USD_PER_EUR_SOURCE = ("ECB euro foreign exchange reference rate, annual average 2021 = 1.1827 USD per EUR "
                      "(ECB Data Portal series EXR.A.USD.EUR.SP00.A), the year of the shipped export figures; "
                      "not re-checked against a stored copy of the series — pass usd_per_eur to override")
ORIGIN_PRICE_NOTE = ("carbon price effectively paid at origin (Reg. 2023/956 Art. 9), EUR/tCO2e. Default 0: the "
                     "only KazETS quotes on hand are in KZT (KZQ index 502.93 KZT/t on 31.08.2025, ccx.kz) with no "
                     "sourced KZT/EUR rate, and Art. 9 counts only the price effectively paid after free "
                     "allocation or rebates at origin")
CSCF_NOTE = ("cross-sectoral correction factor (Delegated Reg. 2019/331 Art. 14(6)): not found as published for "
             "2026–2030; 1 is the practitioners' assumption (it was 100 % in 2021–2025, Decision (EU) 2021/927)")
OUT_OF_SCOPE_HINT = ("Annex I covers '72 – Iron and steel, except 7202 2 (ferro-silicon), 7202 30 00 "
                     "(silico-manganese), 7202 50 00, 7202 70 00, 7202 80 00, 7202 91 00, 7202 92 00, 7202 93 00, "
                     "7202 99, 7204'")


# ---------------------------------------------------------------------------------------------- data access
def annex() -> pd.DataFrame:
    """Shipped Annex I table (hs6, cn_code, description, sector, gases, in_scope, source)."""
    return reference.load("cbam_annex_i")


def schedule() -> pd.DataFrame:
    """Shipped schedule: year, free_allocation_share (CBAM factor), payable_share, markup_<sector>, factor_status."""
    return reference.load("cbam_schedule")


def default_values() -> pd.DataFrame:
    """IR 2025/2621 Annex I default values (tCO2e per tonne, before mark-up), as shipped."""
    return reference.load("cbam_default_values")


def benchmark_table() -> pd.DataFrame:
    """IR 2025/2620 benchmarks: cn_code, hs6, column (A/B), route, year_from, year_to, benchmark."""
    return reference.load("cbam_benchmarks")


def price_points() -> pd.DataFrame:
    """2026 quarterly certificate prices and the outlooks' published points (role certificate/anchor/context)."""
    return reference.load("ets_price_paths")


def check_option(name: str, value: Any, options: Any) -> None:
    """InputError unless ``value`` is one of the ``Literal`` type's values."""
    allowed = get_args(options)
    if value not in allowed:
        raise InputError(f"{name} '{value}' is not known; choose one of: {', '.join(map(str, allowed))}")


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


# ---------------------------------------------------------------------------------------------- the formula
def certificates(tonnes: float, intensity: float, markup: float, cbam_factor: float, cscf: float,
                 benchmark: float) -> float:
    """Certificates to surrender, tCO2e: max(0, M × SEE × (1 + mark-up) − M × CBAM_y × CSCF × BM).

    Reg. 2023/956 Art. 6(2)(c) and 31; IR 2025/2620 Annex Eq. 1 and 6 (free allocation adjustment)."""
    return max(0.0, tonnes * intensity * (1 + markup) - tonnes * cbam_factor * cscf * benchmark)


def certificate_cost(n_certificates: float, eu_price: float, origin_price: float) -> float:
    """EUR: certificates × max(0, EU price − carbon price effectively paid at origin) (Art. 9, 21)."""
    return n_certificates * max(0.0, eu_price - origin_price)


# ---------------------------------------------------------------------------------------------- prices
def certificate_price_2026() -> tuple[float, str]:
    """Mean of the published 2026 quarterly CBAM certificate prices, and what it rests on."""
    q = price_points()
    q = q[q["role"] == "certificate"].sort_values("quarter")
    quarters = [int(x) for x in q["quarter"]]
    missing = [f"Q{n}" for n in range(1, 5) if n not in quarters]
    label = ("2026: mean of the CBAM certificate prices " + ", ".join(f"Q{n} {p:g}" for n, p in
                                                                     zip(quarters, q["price_eur"], strict=True))
             + " EUR/t (IR 2025/2548; Commission 'Price of CBAM certificates' page as quoted by secondary sources)")
    if missing:
        label += f"; {', '.join(missing)} not published yet: quarters weighted equally (an assumption)"
    return float(q["price_eur"].mean()), label


def price_outlook(name: str, years: Iterable[int]) -> pd.DataFrame:
    """EUR/t by year of a sourced outlook: year, price, basis.

    2026 is the mean of the published 2026 certificate prices; later years are the outlook's published points,
    linear between two points, and held at the last point after it — each year's ``basis`` says which."""
    check_option("price outlook", name, PriceOutlook)
    first, _ = certificate_price_2026()
    pts = price_points()
    pts = pts[(pts["outlook"] == name) & (pts["role"] == "anchor") & (pts["year"] > 2026)]
    anchors = {2026: first} | {int(y): float(p) for y, p in zip(pts["year"], pts["price_eur"], strict=True)}
    xs = sorted(anchors)
    rows = []
    for y in years:
        if y in anchors:
            basis = "2026 certificate prices" if y == 2026 else "published"
            price = anchors[y]
        elif y < xs[-1]:
            lo, hi = max(x for x in xs if x < y), min(x for x in xs if x > y)
            basis, price = f"interpolated {lo}–{hi}", float(np.interp(y, xs, [anchors[x] for x in xs]))
        else:
            basis, price = f"held at the {xs[-1]} value (assumption)", anchors[xs[-1]]
        rows.append({"year": y, "price": price, "basis": basis})
    return pd.DataFrame(rows)


def outlook_source(name: str) -> str:
    """Who published outlook ``name`` (scenario text, source and URL of its points)."""
    pts = price_points()
    pts = pts[(pts["outlook"] == name) & (pts["role"] == "anchor")].sort_values("year")
    first = pts.iloc[-1]
    points = ", ".join(f"{int(y)} {p:g}" for y, p in zip(pts["year"], pts["price_eur"], strict=True))
    return f"{first['scenario']} — {first['source']} ({first['url']}); published points EUR/t: {points}"


def eu_prices(years: list[int], *, ets_price: float | None = None, price_path: Mapping[int, float] | None = None,
              price_outlook_name: str | None = None) -> tuple[pd.DataFrame, str]:
    """Central, low and high EU price per year, with the path named per year, and the central path's label.

    One of: a sourced outlook (default ``DEFAULT_PRICE_OUTLOOK``; low/high = lowest/highest of all sourced
    outlooks that year), a user's {year: price}, or a user's constant (low = high = central)."""
    given = [n for n, v in (("ets_price", ets_price), ("price_path", price_path),
                            ("price_outlook", price_outlook_name)) if v is not None]
    if len(given) > 1:
        raise InputError(f"give one price: {' or '.join(given)}, not both")
    if price_path is not None or ets_price is not None:
        user = price_path if price_path is not None else ets_price
        central = _year_map(user, years, "price path" if price_path is not None else "ets_price")
        name = "user price path" if price_path is not None else f"user constant {ets_price:g}"
        df = pd.DataFrame({"year": years, "eu_price": [central[y] for y in years], "price_path": name,
                           "price_basis": "given by the user"})
        df["price_low"], df["price_low_path"] = df["eu_price"], name
        df["price_high"], df["price_high_path"] = df["eu_price"], name
        return df, f"{name} (EUR/tCO2e; no range from prices)"
    name = price_outlook_name or DEFAULT_PRICE_OUTLOOK
    path = price_outlook(name, years)
    df = pd.DataFrame({"year": years, "eu_price": path["price"], "price_path": name, "price_basis": path["basis"]})
    paths = pd.DataFrame({o: price_outlook(o, years)["price"].to_numpy() for o in get_args(PriceOutlook)})
    df["price_low"], df["price_low_path"] = paths.min(axis=1), paths.idxmin(axis=1)
    df["price_high"], df["price_high_path"] = paths.max(axis=1), paths.idxmax(axis=1)
    tie = (df["price_low"] == df["price_high"]).to_numpy()
    df.loc[tie, ["price_low_path", "price_high_path"]] = df.loc[tie, "price_basis"] + " (all outlooks)"
    label = (f"outlook '{name}'{' (default)' if price_outlook_name is None else ''}: {outlook_source(name)}; "
             f"{certificate_price_2026()[1]}")
    return df, label


# ---------------------------------------------------------------------------------------------- benchmarks
def _bm_ref(r: Any) -> str:
    route = f" route {r.route}" if isinstance(r.route, str) else ""
    return f"IR 2025/2620 col. {r.column} CN {r.cn_code}{route} ({r.year_from}–{r.year_to})"


def benchmark_for(hs6: str, year: int, column: Literal["A", "B"], route: str | None,
                  table: pd.DataFrame | None = None, cn_prefix: str = "") -> dict[str, Any] | None:
    """The good's central benchmark and the highest and lowest plausible ones in ``year``; None if none.

    Central: Column ``column`` rows of the HS6's CN8 codes for the production year, restricted to ``route``
    (assigned to the origin) when the table has it, else the highest alloy-grade value (IR 2025/2620 point 5.1),
    then the CN8 codes under ``cn_prefix`` (the CN code of the default value used) if any, then the lower median
    over the CN8 codes.  Range: every route and CN8 code of the HS6 (and Column B too on the
    actual-data path, as if precursors earned their default adjustment).  After the last production year of the
    table its last values are carried forward (``carried_forward`` True)."""
    bm = benchmark_table() if table is None else table
    last = int(bm["year_to"].max())
    py = min(year, last)
    rows = bm[(bm["hs6"] == hs6) & (bm["year_from"] <= py) & (bm["year_to"] >= py)]
    rows = rows[rows["column"].isin(["B"] if column == "B" else ["A", "B"])]
    pool = rows[rows["column"] == column]
    if pool.empty:
        return None
    if route is not None and (pool["route"] == route).any():
        pool, rule = pool[pool["route"] == route], f"route {route} assigned to the origin (IR 2025/2621 Annex I)"
    elif pool["route"].isin(ALLOY_ROUTES).any():
        pool = pool[pool["route"].isin(ALLOY_ROUTES)]
        pool, rule = pool[pool["benchmark"] == pool["benchmark"].max()], "highest alloy grade (point 5.1)"
    elif pool["route"].notna().any():
        rule = "no route assigned to the origin: middle value of the routes"
    else:
        rule = "single value"
    if len(cn_prefix) > 6 and pool["cn_code"].str.startswith(cn_prefix).any():
        pool = pool[pool["cn_code"].str.startswith(cn_prefix)]
        rule += f"; CN {cn_prefix} of the default value"
    pool = pool.sort_values(["benchmark", "cn_code"])
    central = pool.iloc[(len(pool) - 1) // 2]
    if pool["cn_code"].nunique() > 1 and pool["benchmark"].nunique() > 1:
        rule += "; CN8 codes differ: lower median"
    hi, lo = rows.loc[rows["benchmark"].idxmax()], rows.loc[rows["benchmark"].idxmin()]
    return {"benchmark": float(central["benchmark"]), "benchmark_ref": _bm_ref(central), "benchmark_rule": rule,
            "benchmark_max": float(hi["benchmark"]), "benchmark_max_ref": _bm_ref(hi),
            "benchmark_min": float(lo["benchmark"]), "benchmark_min_ref": _bm_ref(lo),
            "carried_forward": year > last}


# ---------------------------------------------------------------------------------------------- inputs
def _default_intensity(hs6: str, exporter: str, dv: pd.DataFrame) -> tuple[float, str, str | None, str] | None:
    """(total tCO2e/t before mark-up, description, production route, CN digits) from IR 2025/2621: exporter's row,
    else ALL."""
    cand = dv[dv["hs6"].fillna("").str.split(";").apply(lambda xs: hs6 in xs)]
    for country in (exporter, "ALL"):
        rows = cand[(cand["country"] == country) & cand["total"].notna()]
        if len(rows):
            best = rows.loc[rows["total"].idxmax()]
            extra = f"; highest of {len(rows)} CN8 rows under {hs6}" if len(rows) > 1 else ""
            label = "default value for " + ("the exporter" if country == exporter else "other countries (ALL)")
            route = best["production_route"] if isinstance(best["production_route"], str) else None
            cn = "".join(ch for ch in str(best["cn_code"]).split("(")[0] if ch.isdigit())
            return float(best["total"]), (f"{label}, IR 2025/2621 Annex I CN {best['cn_code']} "
                                          f"(third-party copy){extra}"), route, cn
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


def _code_map(values: Mapping[str, float] | None, name: str) -> dict[str, float]:
    """{HS6/CN code: tCO2e per tonne} → {hs6: value}; codes outside Annex I and negative values refused."""
    out: dict[str, float] = {}
    for code, v in (values or {}).items():
        row = check_good(code)
        v = float(v)
        if math.isnan(v) or v < 0:
            raise InputError(f"{name} for {row['hs6']} must be a non-negative tCO2e per tonne; got {v}")
        out[row["hs6"]] = v
    return out


def _check_exporter_and_years(exporter: str, years: Iterable[int]) -> tuple[str, list[int]]:
    exporter = economies.resolve(exporter)
    if economies.is_bloc(exporter):
        raise InputError(f"cbam: exporter must be one country, not the bloc {exporter}")
    if exporter in economies.members("EU27_2020"):
        raise InputError(f"cbam: {exporter} is an EU member; CBAM applies to goods imported into the EU")
    ys = sorted({int(y) for y in years})
    if not ys:
        raise InputError("cbam: no years given")
    bad = [y for y in ys if y not in CBAM_YEARS]
    if bad:
        raise InputError(f"years {bad} are outside the CBAM schedule: the definitive period with a phase-out of "
                         f"free allocation runs {CBAM_YEARS[0]}–{CBAM_YEARS[-1]} (Directive 2003/87/EC "
                         "Art. 10a(1a)); before 2026 no certificates are surrendered")
    return exporter, ys


def _check_scalars(usd_per_eur: float, cscf: float, intensity_cut: float | None) -> None:
    if not (usd_per_eur > 0):
        raise InputError(f"usd_per_eur must be positive; got {usd_per_eur}")
    if not (cscf >= 0):
        raise InputError(f"cscf must be non-negative; got {cscf}")
    if intensity_cut is not None and not (0 <= intensity_cut <= 1):
        raise InputError(f"intensity_cut is a fraction between 0 and 1 (0.2 = 20 %); got {intensity_cut}")


# ---------------------------------------------------------------------------------------------- goods
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


def _goods_in_flows(fl: Any, exporter: str, base_year: int | None) -> tuple[pd.DataFrame, dict, list[str]] | None:
    got = _goods_from_flows(fl, exporter, base_year)
    if got is None:
        return None
    base, flow_prov = got
    notes = []
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
    prov = {"goods_source": f"flows dataset '{fl.info.name}' (exporter → EU27 members, HS6 of CBAM Annex I)",
            "dataset": fl.info.name, "flows": flow_prov}
    return base, prov, notes


def _fact_coverage(base: pd.DataFrame) -> str:
    partners = sorted({p for ps in base["partners"] for p in ps.split(",")})
    return (f"lower bound: volumes are BACI {int(base['year'].iloc[0])} exports to {' and '.join(partners)} only "
            "(kaz_cbam_exports_eu)")


def _goods(exporter: str, flows: Any, dataset: str | None, base_year: int | None,
           wanted: set[str] | None) -> tuple[pd.DataFrame, dict[str, Any], list[str]]:
    """Goods and tonnes: the flows in the store first, else the shipped fact table (Kazakhstan)."""
    from samarkand.store import open_flows

    fl = open_flows(dataset, flows=flows)
    got = _goods_in_flows(fl, exporter, base_year)
    if got is not None:
        base, prov, notes = got
    else:
        facts = _goods_from_facts(exporter) if base_year is None or base_year == 2021 else None
        if facts is None:
            raise InputError(
                f"no CBAM goods for {exporter}: the flows dataset '{fl.info.name}' has no exports of CBAM Annex I "
                f"goods from {exporter} to the EU" + (f" in {base_year}" if base_year else "")
                + ", and the shipped fact table covers Kazakhstan only. Import BACI or Comtrade flows with "
                "chapters 72, 76, 25, 28, 31 (`samarkand data import`)")
        base, fact_notes = facts
        m = reference.meta("kaz_cbam_exports_eu")
        prov = {"goods_source": ("shipped fact table kaz_cbam_exports_eu (the flows dataset "
                                 f"'{fl.info.name}' holds no CBAM Annex I goods from {exporter} to the EU, e.g. no "
                                 "ferro-chromium 720241/720249)"),
                "dataset": "kaz_cbam_exports_eu", "exports": f"{m['source']} ({m['version']})",
                "coverage": _fact_coverage(base)}
        notes = [(f"goods from the shipped fact table, not from flows: {fact_notes[0]}; EU members other than "
                  "these and the years 2022–2024 are not covered (no official figure found), so the totals are a "
                  "lower bound"), *fact_notes[1:]]
    if wanted is not None:
        base = base[base["hs6"].isin(wanted)]
        if base.empty:
            raise InputError(f"no exports of the goods {sorted(wanted)} from {exporter} to the EU in the data")
    return base, prov, notes


# ---------------------------------------------------------------------------------------------- cost table
def _row_assumptions(y: int, sch: pd.DataFrame, bm: dict[str, Any] | None, basis: str) -> str:
    out = []
    if sch.at[y, "factor_status"] != "sourced":
        out.append("CBAM factor not read in the Directive (assumption)")
    if bm is not None and bm.get("carried_forward") and sch.at[y, "free_allocation_share"] > 0:
        out.append("benchmark of 2028–30 carried forward (none set after 2030)")
    if basis not in ("published", "2026 certificate prices", "given by the user"):
        out.append(f"price {basis}")
    return "; ".join(out)


def _good_rows(g: Any, years: list[int], *, inten: float, src: str, is_default: bool, route: str | None,
               cn: str, user_bm: float | None, unbenchmarked: str,
               ctx: dict[str, Any]) -> list[dict[str, Any]] | str:
    """Rows of one good for every year; the reason it is not costed (a string) when it has no benchmark."""
    sch, prices, origin, cscf = ctx["schedule"], ctx["prices"], ctx["origin"], ctx["cscf"]
    info = ctx["annex"].loc[g.hs6]
    sector_col = "markup_" + info["sector"].replace(" and ", "_").replace(" ", "_")
    tonnes = float(g.tonnes) if pd.notna(g.tonnes) else float("nan")
    value_eur = float(g.value_usd) / ctx["usd_per_eur"]
    rows = []
    for y in years:
        if user_bm is not None:
            bm: dict[str, Any] | None = {"benchmark": user_bm, "benchmark_ref": "given by the user",
                                         "benchmark_rule": "given by the user", "benchmark_max": user_bm,
                                         "benchmark_max_ref": "given by the user", "benchmark_min": user_bm,
                                         "benchmark_min_ref": "given by the user"}
        else:
            bm = benchmark_for(g.hs6, y, "B" if is_default else "A", route, ctx["benchmarks"], cn)
        if bm is None and unbenchmarked == "not_costed":
            return (f"no Column {'B' if is_default else 'A'} benchmark in IR 2025/2620 as transcribed: not costed "
                    "(pass unbenchmarked='no_adjustment' / --cost-unbenchmarked to cost it without adjustment)")
        if bm is None:
            bm = {"benchmark": 0.0, "benchmark_ref": "none in the table: no free allocation adjustment (asked)",
                  "benchmark_rule": "none", "benchmark_max": 0.0, "benchmark_max_ref": "none", "benchmark_min": 0.0,
                  "benchmark_min_ref": "none"}
        mk = float(sch.at[y, sector_col]) if is_default and sector_col in sch.columns else 0.0
        mk = 0.0 if math.isnan(mk) else mk
        fac, p = float(sch.at[y, "free_allocation_share"]), prices.loc[y]
        n = certificates(tonnes, inten, mk, fac, cscf, bm["benchmark"])
        rows.append({
            "year": y, "hs6": g.hs6, "description": describe(g.hs6) or info["description"], "sector": info["sector"],
            "base_year": int(g.year), "tonnes": tonnes, "value_eur": value_eur, "intensity": inten,
            "intensity_source": src, "markup": mk, "embedded_tco2e": tonnes * inten * (1 + mk),
            "cbam_factor": fac, "factor_status": sch.at[y, "factor_status"], "cscf": cscf,
            **{k: v for k, v in bm.items() if k != "carried_forward"},
            "free_allocation_adjustment_tco2e": tonnes * fac * cscf * bm["benchmark"], "certificates_tco2e": n,
            "eu_price": p["eu_price"], "price_path": p["price_path"], "price_basis": p["price_basis"],
            "origin_price": origin[y], "cost_eur": certificate_cost(n, p["eu_price"], origin[y]),
            "cost_low_eur": certificate_cost(certificates(tonnes, inten, mk, fac, cscf, bm["benchmark_max"]),
                                             p["price_low"], origin[y]),
            "cost_high_eur": certificate_cost(certificates(tonnes, inten, mk, fac, cscf, bm["benchmark_min"]),
                                              p["price_high"], origin[y]),
            "price_low": p["price_low"], "price_low_path": p["price_low_path"], "price_high": p["price_high"],
            "price_high_path": p["price_high_path"], "assumptions": _row_assumptions(y, sch, bm, p["price_basis"]),
        })
    return rows


def _cost_table(base: pd.DataFrame, years: list[int], exporter: str, user_int: dict[str, float],
                user_bm: dict[str, float], unbenchmarked: str,
                ctx: dict[str, Any]) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Per good and year: the cost table, the goods not costed (with the reason), notes."""
    dv = default_values()
    rows: list[dict[str, Any]] = []
    skipped = []
    for g in base.itertuples(index=False):
        d = _default_intensity(g.hs6, exporter, dv)
        if g.hs6 in user_int:
            inten, src, is_default = user_int[g.hs6], "actual value given by the user", False
            route, cn = (d[2], d[3]) if d else (None, "")
        elif d is None:
            skipped.append((g.hs6, ("no default value shipped and no actual value given: not costed (supply "
                                    "intensities={hs6: tCO2e/t}, --intensities FILE)")))
            continue
        else:
            (inten, src, route, cn), is_default = d, True
        got = _good_rows(g, years, inten=inten, src=src, is_default=is_default, route=route, cn=cn,
                         user_bm=user_bm.get(g.hs6), unbenchmarked=unbenchmarked, ctx=ctx)
        if isinstance(got, str):
            skipped.append((g.hs6, got))
        else:
            rows.extend(got)
    not_costed = pd.DataFrame([{"hs6": h, "description": describe(h) or ctx["annex"].at[h, "description"],
                                "tonnes": float(base.loc[base["hs6"] == h, "tonnes"].iloc[0]), "reason": why}
                               for h, why in skipped], columns=["hs6", "description", "tonnes", "reason"])
    notes = [f"not costed: {r.hs6} {r.description[:40]} — {r.reason}" for r in not_costed.itertuples()]
    if not rows:
        raise InputError(f"no CBAM good of {exporter} could be costed: " + "; ".join(notes))
    table = pd.DataFrame(rows)
    table.insert(table.columns.get_loc("cost_high_eur") + 1, "cost_share_of_value",
                 table["cost_eur"] / table["value_eur"].where(table["value_eur"] > 0))
    return table, not_costed, notes


# ---------------------------------------------------------------------------------------------- summaries
def _join_unique(s: pd.Series) -> str:
    parts = [p for x in s for p in str(x).split("; ") if p]
    return "; ".join(dict.fromkeys(parts))


def summaries(table: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """by_year (low, central, high, the price paths), by_sector (year × sector), by_good (share of the cost)."""
    money = {c: (c, "sum") for c in ("cost_low_eur", "cost_eur", "cost_high_eur")}
    by_year = table.groupby("year", as_index=False).agg(
        **money, value_eur=("value_eur", "sum"), certificates_tco2e=("certificates_tco2e", "sum"),
        price_path=("price_path", "first"), eu_price=("eu_price", "first"),
        price_low_path=("price_low_path", "first"), price_low=("price_low", "first"),
        price_high_path=("price_high_path", "first"), price_high=("price_high", "first"),
        benchmarks=("benchmark_rule", _join_unique), assumptions=("assumptions", _join_unique))
    by_year.insert(4, "cost_share_of_value", by_year["cost_eur"] / by_year["value_eur"])
    by_sector = table.groupby(["year", "sector"], as_index=False).agg(**money, price_path=("price_path", "first"))
    by_good = table.groupby(["hs6", "description"], as_index=False).agg(**money)
    total = by_good["cost_eur"].sum()
    by_good["share_of_cost"] = by_good["cost_eur"] / total if total > 0 else float("nan")
    by_good = by_good.sort_values("cost_eur", ascending=False).reset_index(drop=True)
    return {"by_year": by_year, "by_sector": by_sector, "by_good": by_good}


def _intensity_cut(table: pd.DataFrame, cut: float) -> pd.DataFrame:
    """Saving per year at the central price and benchmark if verified actual emissions are (1 − cut) × used."""
    cost_cut = [certificate_cost(certificates(r.tonnes, r.intensity * (1 - cut), 0.0, r.cbam_factor, r.cscf,
                                              r.benchmark), r.eu_price, r.origin_price)
                for r in table.itertuples(index=False)]
    sav = table.assign(cost_cut_eur=cost_cut).groupby("year", as_index=False).agg(
        cost_eur=("cost_eur", "sum"), cost_cut_eur=("cost_cut_eur", "sum"))
    sav["saving_eur"] = sav["cost_eur"] - sav["cost_cut_eur"]
    sav["saving_share"] = sav["saving_eur"] / sav["cost_eur"].where(sav["cost_eur"] > 0)
    return sav


def _factor_status(years: list[int]) -> str:
    s = schedule().set_index("year")
    sourced = [y for y in years if s.at[y, "factor_status"] == "sourced"]
    assumed = [y for y in years if y not in sourced]
    text = f"sourced for {', '.join(map(str, sourced)) or 'none'}"
    if assumed:
        text += (f"; assumption for {', '.join(map(str, assumed))} ({s.at[assumed[0], 'factor_basis']})")
    return text


def _provenance(exporter: str, years: list[int], goods_prov: dict[str, Any], price_label: str, cscf: float,
                origin_given: bool, usd_per_eur: float, user_bm: bool) -> dict[str, Any]:
    m_s, m_d, m_b = (reference.meta(n) for n in ("cbam_schedule", "cbam_default_values", "cbam_benchmarks"))
    return {
        "method": ("certificates = max(0, tonnes × SEE × (1 + mark-up, default values only) − tonnes × CBAM factor "
                   "× CSCF × benchmark); cost = certificates × max(0, EU price − origin price); low = highest "
                   "benchmark × lowest price outlook, high = lowest benchmark × highest outlook"),
        "source": (f"{goods_prov['goods_source']}; cbam_default_values, cbam_benchmarks, cbam_schedule, "
                   "ets_price_paths (shipped tables)"),
        "dataset": goods_prov.get("dataset"), "years": years,
        "legal_basis": "Reg. (EU) 2023/956 Art. 6(2)(c), 7(1), 9, 21, 31 as amended by Reg. (EU) 2025/2083; "
                       "Directive 2003/87/EC Art. 10a(1a) as amended by Directive (EU) 2023/959; "
                       "IR (EU) 2025/2620 Annex points 2–5 (free allocation adjustment), 2025/2621 (default "
                       "values), 2025/2548 (certificate price)",
        "exporter": exporter, **{k: v for k, v in goods_prov.items() if k != "dataset"},
        "schedule": f"cbam_schedule: {m_s['source']}",
        "cbam_factor": _factor_status(years),
        "benchmarks": ("given by the user for some goods; " if user_bm else "") + (
            f"Column B (default values) for the route assigned to the origin, Column A with actual values: "
            f"{m_b['source']}; none is set for production after 2030 (the 2028–30 values are carried forward); "
            "provisional: recital 35 foresees updated values from 1.1.2027, no amending act was found"),
        "cscf": f"{cscf:g} ({CSCF_NOTE if cscf == 1.0 else 'given by the user'})",
        "default_values": f"{m_d['source']}",
        "eu_price": price_label,
        "origin_price": "carbon price effectively paid at origin, given by the user (EUR/tCO2e)" if origin_given
                        else ORIGIN_PRICE_NOTE,
        "usd_per_eur": f"{usd_per_eur} ({USD_PER_EUR_SOURCE if usd_per_eur == DEFAULT_USD_PER_EUR else 'user'})",
        "quantities": "held at the base year for every CBAM year (static exposure)",
        "floor": "certificates floored at zero per good and year (assumption: no article on netting between goods)",
    }


# ---------------------------------------------------------------------------------------------- the method
def cbam(exporter: str, years: Iterable[int] = CBAM_YEARS, *, ets_price: float | None = None,
         price_path: Mapping[int, float] | None = None, price_outlook: PriceOutlook | None = None,
         intensities: Mapping[str, float] | None = None, origin_carbon_price: float | Mapping[int, float] = 0.0,
         intensity_cut: float | None = None, flows: Any = None, dataset: str | None = None,
         goods: Iterable[str] | None = None, benchmarks: Mapping[str, float] | None = None, cscf: float = 1.0,
         unbenchmarked: Unbenchmarked = "not_costed", usd_per_eur: float = DEFAULT_USD_PER_EUR,
         base_year: int | None = None) -> Result:
    """CBAM cost of ``exporter``'s Annex I goods sent to the EU, per good and year, in EUR: low, central, high.

    certificates = max(0, M × SEE × (1 + mark-up) − M × CBAM_y × CSCF × BM);  cost = certificates ×
    max(0, P_EU − P_origin)  (Reg. 2023/956 Art. 6(2)(c), 9, 21, 31; IR 2025/2620 Eq. 1 and 6; module docstring).
    Price: ``price_outlook`` (a sourced outlook, default ``DEFAULT_PRICE_OUTLOOK``), ``price_path`` {year: EUR}
    or ``ets_price`` (constant) — one of them.  Tonnes and values are held at the base year (latest year with
    data): a static exposure, not a forecast.  Goods without a benchmark are named as not costed unless
    ``unbenchmarked='no_adjustment'``.  ``intensity_cut`` (fraction) adds the saving when verified actual
    emissions are ``(1 − cut) ×`` the intensity used (no mark-up, same benchmark).
    """
    exporter, years = _check_exporter_and_years(exporter, years)
    _check_scalars(usd_per_eur, cscf, intensity_cut)
    check_option("unbenchmarked", unbenchmarked, Unbenchmarked)
    prices, price_label = eu_prices(years, ets_price=ets_price, price_path=price_path,
                                    price_outlook_name=price_outlook)
    origin = _year_map(origin_carbon_price, years, "origin_carbon_price")
    user_int, user_bm = _code_map(intensities, "intensity"), _code_map(benchmarks, "benchmark")
    wanted = None if goods is None else {check_good(g)["hs6"] for g in goods}
    base, goods_prov, notes = _goods(exporter, flows, dataset, base_year, wanted)
    ctx = {"schedule": schedule().set_index("year"), "prices": prices.set_index("year"), "origin": origin,
           "cscf": cscf, "annex": annex().set_index("hs6"), "benchmarks": benchmark_table(),
           "usd_per_eur": usd_per_eur}
    table, not_costed, skipped_notes = _cost_table(base, years, exporter, user_int, user_bm, unbenchmarked, ctx)
    extras = summaries(table)
    if len(not_costed):
        extras["not_costed"] = not_costed
    if intensity_cut is not None:
        extras["intensity_cut"] = _intensity_cut(table, intensity_cut)
        notes.append(f"intensity cut {intensity_cut:.0%}: verified actual emissions = (1 − cut) × the intensity "
                     "used, with no default-value mark-up, at the central price and benchmark; the saving includes "
                     "the mark-up avoided")
    top = extras["by_good"].iloc[0]
    head = [(f"{top['description']} ({top['hs6']}) carries {top['share_of_cost']:.0%} of the central cost over "
             f"{years[0]}–{years[-1]}"), f"price: {price_label}"]
    prov = _provenance(exporter, years, goods_prov, price_label, cscf, origin_carbon_price != 0.0, usd_per_eur,
                       bool(user_bm))
    return Result(table=table, provenance={k: v for k, v in prov.items() if v is not None}, extras=extras,
                  notes=head + skipped_notes + notes)
