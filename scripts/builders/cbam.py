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
- ``cbam_benchmarks``: the CBAM benchmarks of IR (EU) 2025/2620 Annex point 5.3 by CN8, column (A actual data,
  B default values), production route and production-year period, from a secondary transcription.
- ``ets_price_paths``: the published 2026 quarterly CBAM certificate prices and the sourced EU ETS price outlooks,
  each point with its source, assigned to a named outlook (or kept as context, with the reason).
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


# Which years' CBAM factor a stored source states (facts/cbam/cbam_formula.md §3, README_benchmarks.md gap 4).
FACTOR_FIRM = ("97.5 % in 2026: Argus, S&P Global Platts, a Korean government worked example and several repository "
               "notes (facts/cbam/cbam_formula.md §3)")
FACTOR_SECONDARY = ("payable share 2027 5 %, 2028 10 %, 2029 22.5 %, 2030 48.5 % from a secondary repository note "
                    "(facts/cbam/cbam_formula.md §3)")
FACTOR_UNREAD = ("Directive 2003/87/EC Art. 10a(1a) was not read for 2031–2033 (facts/cbam/README_benchmarks.md, "
                 "gap 4); the value is the Directive's table as quoted in one repository note: an assumption")
FACTOR_STATUS = {2026: ("sourced", FACTOR_FIRM), 2027: ("sourced", FACTOR_SECONDARY),
                 2028: ("sourced", FACTOR_SECONDARY), 2029: ("sourced", FACTOR_SECONDARY),
                 2030: ("sourced", FACTOR_SECONDARY),
                 2034: ("sourced", "from 2034 'no CBAM factor shall apply' (Directive text as quoted in a repository "
                                   "note; 0 % by 2034 also on dehst.de)")}


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
    status = {y: FACTOR_STATUS.get(y, ("assumption", FACTOR_UNREAD)) for y in out["year"]}
    out["factor_status"] = [status[y][0] for y in out["year"]]
    out["factor_basis"] = [status[y][1] for y in out["year"]]
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


def _write_law(shared: Path) -> None:
    """Annex I, the schedule and the default values."""
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
                  "No default-value mark-up found for electricity (markup_electricity empty).",
                  "factor_status: sourced where a stored source states the year's CBAM factor; assumption for "
                  "2031–2033 (the Directive was not read for those years), factor_basis says which."],
        "string_columns": ["certificate_price_rule", "source_free_allocation", "source_markup",
                           "source_price_rule", "source_proposal", "note", "factor_status", "factor_basis"],
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


def _write_trade(shared: Path) -> None:
    """Kazakhstan's exports to EU members and the KazETS quotes."""
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


def build(shared: Path) -> list[str]:
    _write_law(shared)
    _write_trade(shared)
    bm = benchmarks(shared)
    write_table("cbam_benchmarks", bm, BENCHMARKS_META)
    pp = price_paths(shared)
    write_table("ets_price_paths", pp, PRICE_PATHS_META)
    return ["cbam_annex_i", "cbam_schedule", "cbam_default_values", "kaz_cbam_exports_eu", "kazets_price",
            "cbam_benchmarks", "ets_price_paths"]


# --------------------------------------------------------------------------------- benchmarks (IR 2025/2620)
BENCHMARK_SOURCE = ("Commission Implementing Regulation (EU) 2025/2620, Annex point 5.3 (CBAM benchmarks; OJ L "
                    "22.12.2025, http://data.europa.eu/eli/reg_impl/2025/2620/oj) — read from a SECONDARY "
                    "TRANSCRIPTION: neod00/cbam-local-pwa public/reference/cbam-benchmarks.json (commit d4a8ecf) of "
                    "the Commission workbook 'CBAM Benchmarks_20260206.xlsx'")
BENCHMARKS_META = {
    "title": "CBAM benchmarks (tCO2e per tonne) by CN8, column, production route and production years",
    "source": BENCHMARK_SOURCE,
    "licence": LEGAL_LICENCE,
    "version": "IR (EU) 2025/2620 as adopted (16.12.2025); workbook of 06.02.2026",
    "built_from": [f"{FACTS}/cbam_benchmarks.csv"],
    "notes": ["Secondary transcription, not the Official Journal (every row: source_type 'secondary'); a repository "
              "reconciliation reports all rows equal to the EUR-Lex extraction.",
              "column A = BMg* (actual data, process only, Annex point 3.1 Eq. 2); column B = BMg (default values, "
              "Annex point 4 Eq. 6, and precursors without supplier data).",
              "route: C/D/E carbon steel BF-BOF / DRI-EAF / scrap-EAF; F/G/H low-alloy steel on the same routes; "
              "J high-alloy steel (EAF); K/L primary / secondary aluminium; A/B grey / white clinker and cement; "
              "empty = single value.",
              "year_from/year_to: production years (1) 2026–27, (2) 2028–30; a single value covers 2026–30. No "
              "benchmark is set for production after 2030.",
              "Recital 35: the 2026 values rest on estimated ETS benchmarks and were to be updated from 1.1.2027; "
              "no amending act was found. Not read: 148 iron-and-steel CN codes (7225 92/99, 7226–7229, "
              "7301–7308, 7309 00 10/30/51/59) and part of 7225 91 00.",
              "Draft values (e.g. ferro-chromium 2.005 / 1.881, Metalnomist Feb 2026) are unreconciled and not "
              "included."],
    "string_columns": ["cn_code", "hs6", "description", "column", "route", "route_label", "corroboration",
                       "source_type"],
}
ROUTE_RE = re.compile(r"\(([A-L])\) ([^+]+)")
PERIOD_RE = re.compile(r"\((1|2)\) production years (\d{4})-(\d{2})")


def benchmarks(shared: Path) -> pd.DataFrame:
    """One row per CN8 × column × route × period, parsed from the transcription's 'production_route' text."""
    src = shared / FACTS / "cbam_benchmarks.csv"
    b = pd.read_csv(src, dtype=str, keep_default_na=False)
    if b["source_url"].nunique() != 1 or not b["legal_source"].str.contains("2025/2620").all():
        raise ValueError(f"{src}: rows from another source or act; the table meta names a single source")
    rows = []
    for i, r in b.iterrows():
        where = f"{src} row {i + 2}"
        if not re.fullmatch(r"\d{8}", r["cn_code"]):
            raise ValueError(f"{where}: bad CN8 code {r['cn_code']!r}")
        column, _, indicator = r["production_route"].partition(" | ")
        col = re.match(r"Column (A|B) ", column)
        if col is None:
            raise ValueError(f"{where}: no 'Column A/B' in {r['production_route']!r}")
        route = ROUTE_RE.search(indicator)
        period = PERIOD_RE.search(indicator)
        if route is None and period is None and not indicator.startswith("single value"):
            raise ValueError(f"{where}: unknown route/period indicator {indicator!r}")
        value = float(r["benchmark_tco2_per_t"])
        if value < 0:
            raise ValueError(f"{where}: negative benchmark")
        y0, y1 = (2026, 2030) if period is None else (int(period[2]), 2000 + int(period[3]))
        rows.append({"cn_code": r["cn_code"], "hs6": r["cn_code"][:6], "description": r["description"],
                     "column": col[1], "route": route[1] if route else None,
                     "route_label": route[2].strip() if route else None, "year_from": y0, "year_to": y1,
                     "benchmark": value,
                     "corroboration": r["quote_or_location"].partition("corroboration: ")[2] or None,
                     "source_type": r["source_type"]})
    out = pd.DataFrame(rows)
    key = ["cn_code", "column", "route", "year_from"]
    dup = out[out.duplicated(key, keep=False)]
    if len(dup):
        raise ValueError(f"{src}: two values for {dup[key].drop_duplicates().values.tolist()[:3]}")
    return out


# --------------------------------------------------------------------------------- certificate prices, outlooks
PRICE_PATHS_META = {
    "title": "2026 CBAM certificate prices and sourced EU ETS price outlooks (EUR per tCO2e)",
    "source": "facts/cbam/ets_price_paths.csv: Commission 'Price of CBAM certificates' page as cited by Fendler "
              "Salva, Carbonstop and repository notes (2026 Q1–Q3); Reuters poll via SteelOrbis; GMK Center; "
              "BloombergNEF via Solarbe Global; ABN AMRO; Veyt; Brannvoll ApS via CemNet (URL per row)",
    "licence": "facts quoted with their sources and URLs",
    "version": "prices and outlooks published to October 2026",
    "built_from": [f"{FACTS}/ets_price_paths.csv"],
    "notes": ["role 'certificate': the official CBAM certificate price of a 2026 quarter (IR (EU) 2025/2548); Q4 "
              "2026 (due 4 Jan 2027) was not found.",
              "role 'anchor': a published point of the named outlook; years between and after anchors are not "
              "published (the method interpolates or holds them and labels each year so).",
              "role 'context': kept for reference, used by no outlook; 'note' says why (older vintage, superseded "
              "by the certificate price, approximate or unverified).",
              "All points are secondary quotes (news, analyst pages, repository notes); none was read at source."],
    "string_columns": ["outlook", "role", "scenario", "source", "url", "note"],
}
# outlook id → (rule on the 'scenario' text, years used as anchors). Points a rule matches in other years are
# context (the 2026 figures are superseded by the published certificate prices).
OUTLOOK_RULES = {
    "gmk-consensus": (r"^GMK Center consensus (median|\(per one repo note only\))", {2027, 2030}),
    "gmk-low": (r"^GMK Center consensus - low end", {2030}),
    "gmk-high": (r"^GMK Center consensus - high end", {2030}),
    "reuters-jan2026": (r"^Reuters poll", {2027, 2028}),
    "bnef": (r"^BloombergNEF current-policy outlook", {2030, 2035}),
    "abn-amro": (r"^ABN AMRO baseline", {2030, 2035}),
    "veyt": (r"^Veyt base case", {2030}),
    "market-forward": (r"^Market forward", {2030}),
}
CONTEXT_REASONS = [(r"^Veyt forecast \(2024 vintage\)", "older vintage of Veyt's forecast, replaced by its base case"),
                   (r"^Analysts \(Carbon Pulse", "approximate ('around EUR200'); ABN AMRO's 2035 point is used"),
                   (r"Fit for 55", "unverified secondary note; no impact-assessment document read"),
                   (r"", "outside 2027–2035 or superseded for 2026 by the published certificate prices")]


def _price_role(scenario: str, year: int) -> tuple[str | None, str, str | None]:
    """(outlook, role, note) of one row of ets_price_paths.csv."""
    if scenario.startswith("OFFICIAL CBAM certificate price"):
        return None, "certificate", None
    for outlook, (rule, years) in OUTLOOK_RULES.items():
        if re.search(rule, scenario) and year in years:
            return outlook, "anchor", None
    reason = next(why for rule, why in CONTEXT_REASONS if re.search(rule, scenario))
    return None, "context", reason


def price_paths(shared: Path) -> pd.DataFrame:
    src = shared / FACTS / "ets_price_paths.csv"
    p = pd.read_csv(src, dtype=str, keep_default_na=False)
    rows = []
    for i, r in p.iterrows():
        m = re.fullmatch(r"(\d{4})(?:-Q([1-4]))?", r["year"].strip())
        if m is None:
            raise ValueError(f"{src} row {i + 2}: bad year {r['year']!r}")
        year, price = int(m[1]), float(r["price_eur"])
        if price < 0:
            raise ValueError(f"{src} row {i + 2}: negative price")
        outlook, role, note = _price_role(r["scenario"], year)
        if (role == "certificate") != (m[2] is not None):
            raise ValueError(f"{src} row {i + 2}: a quarter must be an official certificate price and vice versa")
        rows.append({"outlook": outlook, "role": role, "year": year, "quarter": int(m[2]) if m[2] else None,
                     "price_eur": price, "scenario": r["scenario"], "source": r["source"],
                     "url": r["url"] or None, "note": note})
    out = pd.DataFrame(rows)
    out["quarter"] = out["quarter"].astype("Int64")
    missing = set(OUTLOOK_RULES) - set(out["outlook"].dropna())
    if missing:
        raise ValueError(f"{src}: no anchor for outlooks {sorted(missing)}")
    dup = out[out["role"] == "anchor"].duplicated(["outlook", "year"], keep=False)
    if dup.any():
        raise ValueError(f"{src}: two anchors for one outlook and year")
    return out
