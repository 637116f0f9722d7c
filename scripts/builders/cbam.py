"""cbam: the CBAM fact tables (Annex I, phase-out schedule, default values, Kazakhstan's exports, KazETS).

Built from ``facts/cbam/`` (compiled by a scout from published legal texts and statistics; every row names
its source; an empty cell means *not found*, never zero).  Tables:

- ``cbam_annex_i``: one row per HS6 code of an Annex I entry of Reg. (EU) 2023/956 as amended by
  Reg. (EU) 2025/2083, with ``in_scope`` True/False (the 7202 headings the Annex excepts are kept, False).
- ``cbam_schedule``: 2026–2034 ``free_allocation_share`` (the CBAM factor of Directive 2003/87/EC
  Art. 10a(1a), i.e. the share of free allocation EU producers *keep*), ``payable_share`` = 1 − kept,
  default-value mark-up per sector, certificate-price rule.
- ``cbam_default_values``: IR (EU) 2025/2621 Annex I default values (tCO2e per tonne, before mark-up) for
  Kazakhstan and for the fallback "other countries" (ALL), read from a third-party copy of the act.
- ``kaz_cbam_exports_eu``: Kazakhstan's CBAM-relevant exports to EU members found in official statistics
  (BACI = reconciled UN Comtrade), plus rows stating what was *not* found.
- ``kazets_price``: KazETS allowance price quotes (KZT).
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from samarkand.reference.builder_util import write_table

FACTS = "facts/cbam"
LEGAL_LICENCE = ("EU legal texts: reuse authorised (Commission Decision 2011/833/EU), source EUR-Lex; "
                 "table compiled by the samarkand project from the cited sources")
# sector → schedule column holding its default-value mark-up
MARKUP_SECTORS = {"iron and steel": "default_value_markup_iron_steel_aluminium_cement_hydrogen",
                  "aluminium": "default_value_markup_iron_steel_aluminium_cement_hydrogen",
                  "cement": "default_value_markup_iron_steel_aluminium_cement_hydrogen",
                  "hydrogen": "default_value_markup_iron_steel_aluminium_cement_hydrogen",
                  "fertilisers": "default_value_markup_fertilisers"}


def _yes(s: pd.Series) -> pd.Series:
    return s.fillna("").str.strip().str.lower().str.startswith("yes")


def _hs6_of_cn(cn: str, nomenclature: set[str]) -> list[str]:
    """HS6 codes an (ex) CN entry such as '7202 41', '7201', '2523 10 00 (grey ...)' falls under."""
    head = re.sub(r"\(.*?\)", "", str(cn))
    digits = re.sub(r"\D", "", head.split("(")[0])
    if len(digits) >= 6:
        return [digits[:6]]
    return sorted(c for c in nomenclature if c.startswith(digits))


def annex_i(shared: Path) -> pd.DataFrame:
    src = shared / FACTS / "cbam_annex_i.csv"
    a = pd.read_csv(src, dtype=str, keep_default_na=False)
    rows = []
    for i, r in a.iterrows():
        codes = [c.strip() for c in r["hs6_codes"].split(";") if c.strip()]
        if not codes:
            raise ValueError(f"{src} row {i + 2}: no hs6_codes")
        for c in codes:
            if not re.fullmatch(r"\d{6}", c):
                raise ValueError(f"{src} row {i + 2}: bad HS6 code {c!r}")
            rows.append({"cn_code": r["cn_code"], "hs6": c, "description": r["description"],
                         "sector": r["sector"], "gases": r["greenhouse_gases"],
                         "in_scope": r["in_scope"].strip().lower() == "yes",
                         "source": r["source"], "note": r["note"]})
    df = pd.DataFrame(rows)
    dup = df[df.duplicated("hs6", keep=False)]
    if len(dup):
        raise ValueError(f"{src}: HS6 listed under two entries: {sorted(set(dup['hs6']))}")
    return df.sort_values("hs6").reset_index(drop=True)


def schedule(shared: Path) -> pd.DataFrame:
    src = shared / FACTS / "cbam_schedule.csv"
    s = pd.read_csv(src)
    out = pd.DataFrame({"year": s["year"].astype(int),
                        "free_allocation_share": s["free_allocation_share"].astype(float),
                        "payable_share": s["payable_share"].astype(float)})
    bad = (out["free_allocation_share"] + out["payable_share"] - 1).abs() > 1e-9
    if bad.any():
        raise ValueError(f"{src}: payable_share != 1 - free_allocation_share in years "
                         f"{out.loc[bad, 'year'].tolist()}")
    for sector, col in MARKUP_SECTORS.items():
        out[f"markup_{sector.replace(' and ', '_').replace(' ', '_')}"] = s[col].astype(float)
    out["markup_electricity"] = float("nan")   # no default-value mark-up found for electricity
    out["free_allocation_share_proposal_com2026_616"] = s["free_allocation_share_proposal_COM2026_616"]
    out["certificate_price_rule"] = s["certificate_price_rule"]
    out["source_free_allocation"] = s["source_free_allocation"]
    out["source_markup"] = s["source_markup"]
    out["source_price_rule"] = s["source_price_rule"]
    out["source_proposal"] = s["source_proposal"]
    out["note"] = s["note"]
    return out


def default_values(shared: Path, nomenclature: set[str]) -> pd.DataFrame:
    src = shared / FACTS / "cbam_default_values.csv"
    d = pd.read_csv(src, dtype=str, keep_default_na=False)
    num = lambda c: pd.to_numeric(d[c].replace("", None), errors="raise")  # noqa: E731
    out = pd.DataFrame({
        "good": d["description"], "cn_code": d["cn_code"],
        "hs6": [";".join(_hs6_of_cn(c, nomenclature)) for c in d["cn_code"]],
        "sector": d["sector"], "country": d["country"],
        "direct": num("direct_tco2_per_t"), "indirect": num("indirect_tco2_per_t"), "total": num("total"),
        "production_route": d["production_route"].replace("", None),
        "legal_act": d["legal_act"], "source": d["source"], "note": d["note"],
    })
    if (out[["direct", "indirect", "total"]] < 0).any().any():
        raise ValueError(f"{src}: negative default value")
    chk = out.dropna(subset=["direct", "total"])
    diff = (chk["direct"] + chk["indirect"].fillna(0) - chk["total"]).abs()
    if (diff > 0.011).any():
        raise ValueError(f"{src}: direct + indirect != total for {chk.loc[diff > 0.011, 'cn_code'].tolist()}")
    return out


def kaz_exports(shared: Path) -> pd.DataFrame:
    src = shared / FACTS / "kaz_cbam_exports_eu.csv"
    k = pd.read_csv(src, dtype=str, keep_default_na=False)
    year = k["year"].str.extract(r"^(\d{4})")[0].astype(int)
    period = k["year"].where(~k["year"].str.fullmatch(r"\d{4}"), "calendar year")
    out = pd.DataFrame({
        "hs6": k["hs6"], "description": k["description"], "in_scope": _yes(k["cbam_covered"]),
        "reporter": k["reporter"], "partner": k["partner"], "year": year, "period": period,
        "tonnes": pd.to_numeric(k["tonnes"].replace("", None)),
        "value": pd.to_numeric(k["value"].replace("", None)), "value_unit": k["value_unit"].replace("", None),
        "status": "figure", "data_source": k["data_source"], "source": k["source"], "note": k["note"],
    })
    # What was looked for and not found: stated, never filled.
    gaps = [
        ("EU27 members other than DEU and GRC", 2021, "The only partner-level extract on hand (BACI HS02 "
         "V202301, ksreyes/adb-kaz-gvc kaz_partners_2021.csv) covers China, Germany, Greece, Russia and the UK "
         "only; KAZ exports of CBAM goods to other EU members in 2021 were not found."),
        ("EU27", 2022, "No Eurostat Comext or UN Comtrade EU-27 series of CBAM goods from Kazakhstan was "
         "reachable for 2022 (see shared/data/SOURCES.md, 'Not available here')."),
        ("EU27", 2023, "Not found (as 2022)."),
        ("EU27", 2024, "Not found (as 2022); only a Jan–Apr 2024 world aluminium tonnage is on hand."),
    ]
    extra = pd.DataFrame([{"hs6": "", "description": "all CBAM goods", "in_scope": True, "reporter": "KAZ",
                           "partner": p, "year": y, "period": "calendar year", "tonnes": None, "value": None,
                           "value_unit": None, "status": "not found", "data_source": "",
                           "source": "search of the sources listed in facts/README_cbam_corridors.md",
                           "note": n} for p, y, n in gaps])
    for c in ("tonnes", "value"):
        extra[c] = extra[c].astype(float)
    extra["value_unit"] = extra["value_unit"].astype(object)
    return pd.concat([out, extra.astype(out.dtypes.to_dict())], ignore_index=True)


def build(shared: Path) -> list[str]:
    from samarkand import reference

    nomen = set(reference.load("hs2022")["hs6"]) if "hs2022" in reference.available() else set()
    ann = annex_i(shared)
    write_table("cbam_annex_i", ann, {
        "title": "CBAM Annex I goods by HS6, with the excepted ferro-alloy headings (in_scope False)",
        "source": "Regulation (EU) 2023/956, Annex I, consolidated after Regulation (EU) 2025/2083 "
                  "(CELEX 02023R0956-20251020), read via verbatim third-party quotes; HS6 expansion from the "
                  "HS2022 nomenclature",
        "licence": LEGAL_LICENCE, "version": "consolidated text of 20.10.2025",
        "built_from": [f"{FACTS}/cbam_annex_i.csv"],
        "notes": ["Iron and steel: Annex I lists '72 – Iron and steel, except 7202 2, 7202 30 00, 7202 50 00, "
                  "7202 70 00, 7202 80 00, 7202 91 00, 7202 92 00, 7202 93 00, 7202 99, 7204': ferro-silicon "
                  "(7202 21/29) and silico-manganese (7202 30) are OUT of scope; ferro-manganese (7202 11/19), "
                  "ferro-chromium (7202 41/49) and ferro-nickel (7202 60) are in scope.",
                  "Some HS6 codes are wider than the CN8 entry (ex 2507 00 80): filter at CN8 where possible.",
                  "Fertiliser greenhouse-gas column not verified against a verbatim copy (see source note)."],
        "string_columns": ["cn_code", "hs6", "description", "sector", "gases", "source", "note"],
    })
    sch = schedule(shared)
    write_table("cbam_schedule", sch, {
        "title": "CBAM phase-in: free allocation kept by EU producers, payable share, default-value mark-ups",
        "source": "Directive 2003/87/EC Art. 10a(1a) as inserted by Directive (EU) 2023/959 (CBAM factor); "
                  "Reg. (EU) 2023/956 Art. 21 as amended by Reg. (EU) 2025/2083 and IR (EU) 2025/2548 "
                  "(certificate price); IR (EU) 2025/2621 and Commission CBAM Q&A §4.25 (mark-ups)",
        "licence": LEGAL_LICENCE, "version": "law in force; COM(2026) 616 proposal column for comparison only",
        "built_from": [f"{FACTS}/cbam_schedule.csv"],
        "notes": ["free_allocation_share = CBAM factor = share of free allocation EU producers keep; "
                  "payable_share = 1 - free_allocation_share.",
                  "free_allocation_share_proposal_com2026_616 is a Commission PROPOSAL, not law.",
                  "Fertiliser mark-up 1 % is from one third-party analysis of the IR 2025/2621 annex columns.",
                  "No default-value mark-up found for electricity (markup_electricity empty)."],
        "string_columns": ["certificate_price_rule", "source_free_allocation", "source_markup",
                           "source_price_rule", "source_proposal", "note"],
    })
    dv = default_values(shared, nomen)
    write_table("cbam_default_values", dv, {
        "title": "CBAM definitive-period default values (tCO2e per tonne, before mark-up), Kazakhstan and "
                 "fallback",
        "source": "Implementing Regulation (EU) 2025/2621, Annex I, as corrected by IR (EU) 2026/1740 — "
                  "read from a THIRD-PARTY COPY (Ddscully/dlt-dbt-duckdb-evidence seed, commit c68a320); "
                  "KAZ steel values cross-checked with cbamdefaults.com (4 Feb 2026)",
        "licence": LEGAL_LICENCE, "version": "IR 2025/2621 as corrected by IR 2026/1740",
        "built_from": [f"{FACTS}/cbam_default_values.csv"],
        "notes": ["Third-party copy of the act, not the Official Journal: verify values before relying on them.",
                  "country ALL = 'Other countries and territories' (fallback when the KAZ cell is empty).",
                  "Values are before the mark-up; the mark-up is applied by year from cbam_schedule.",
                  "Indirect emissions do not count for Annex II goods (iron and steel except 2601 12 00, "
                  "aluminium, hydrogen, electricity): Reg. 2023/956 Art. 7(1)."],
        "string_columns": ["good", "cn_code", "hs6", "sector", "country", "production_route", "legal_act",
                           "source", "note"],
    })
    kx = kaz_exports(shared)
    write_table("kaz_cbam_exports_eu", kx, {
        "title": "Kazakhstan's CBAM-relevant exports to EU members (tonnes, value), with the gaps stated",
        "source": "CEPII BACI HS02 V202301 (reconciled UN Comtrade), Kazakhstan extract by ksreyes/adb-kaz-gvc; "
                  "Astana Times / Ministry of Industry and Construction (aluminium, Jan–Apr 2024)",
        "licence": "BACI: Etalab Open Licence 2.0, cite 'CEPII, BACI' (the extract repository has no licence "
                   "file); press figure quoted with its URL",
        "version": "BACI HS02 V202301 (year 2021)",
        "built_from": [f"{FACTS}/kaz_cbam_exports_eu.csv"],
        "notes": ["Partner DEU and GRC only for 2021; partner WLD rows are Kazakhstan's world exports (context, "
                  "not EU figures). value in thousand USD where value_unit says so.",
                  "Rows with status 'not found' say what was looked for and not found: never filled."],
        "string_columns": ["hs6", "description", "reporter", "partner", "period", "value_unit", "status",
                           "data_source", "source", "note"],
    })
    kp = pd.read_csv(shared / FACTS / "kazets_price.csv", dtype={"date": str}, keep_default_na=False,
                     na_values=[""])
    write_table("kazets_price", kp, {
        "title": "KazETS (Kazakhstan emissions trading) allowance price quotes",
        "source": "Caspian Commodity Exchange KZQ index page (ccx.kz/en?p=3996); recycle.kz",
        "licence": "facts quoted with their URLs",
        "built_from": [f"{FACTS}/kazets_price.csv"],
        "notes": ["Two quotes only, in KZT; no series and no sourced KZT/EUR rate, so no EUR value."],
        "string_columns": ["date", "price_type", "unit", "source", "note"],
    })
    return ["cbam_annex_i", "cbam_schedule", "cbam_default_values", "kaz_cbam_exports_eu", "kazets_price"]
