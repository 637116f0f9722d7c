"""wgi: Worldwide Governance Indicators, 2024 update (World Bank), long form.

Columns: iso3, year, indicator (va, pv, ge, rq, rl, cc), estimate (governance score, roughly -2.5..2.5),
stddev, nsource, wgi_code (the code as WGI writes it), name.  WGI's '..' (no estimate) stays missing:
the row is kept with an empty estimate, never a zero.

WGI uses a few codes that are not ISO 3166-1 alpha-3; they are recoded here so that the table joins
with ``samarkand.economies`` (ADO→AND, ZAR→COD, ROM→ROU, TMP→TLS, WBG→PSE, KSV→XKX as in
the shipped ``economy_aliases`` table).  Every other code must already be an ISO3 code (checked with
country_converter); an unknown code stops the build.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from samarkand.reference.builder_util import write_table

INDICATORS = {"va": "Voice and Accountability", "pv": "Political Stability and Absence of Violence/Terrorism",
              "ge": "Government Effectiveness", "rq": "Regulatory Quality", "rl": "Rule of Law",
              "cc": "Control of Corruption"}
WGI_TO_ISO3 = {"ADO": "AND", "ZAR": "COD", "ROM": "ROU", "TMP": "TLS", "WBG": "PSE", "KSV": "XKX"}


def _valid_iso3(codes: list[str]) -> dict[str, bool]:
    import logging

    import country_converter as coco

    logging.getLogger("country_converter").setLevel(logging.ERROR)
    out = coco.convert(names=codes, src="ISO3", to="ISO3", not_found=None)
    out = out if isinstance(out, list) else [out]
    return {c: o == c for c, o in zip(codes, out)}


def build(shared: Path) -> list[str]:
    src = shared / "wgi/wgidataset.xlsx"
    raw = pd.read_excel(src, dtype={"code": str, "indicator": str})
    need = {"code", "countryname", "year", "indicator", "estimate", "stddev", "nsource"}
    missing = need - set(raw.columns)
    if missing:
        raise ValueError(f"{src}: missing columns {sorted(missing)}")
    bad_ind = set(raw["indicator"]) - set(INDICATORS)
    if bad_ind:
        raise ValueError(f"{src}: unexpected indicator codes {sorted(bad_ind)}")
    df = raw.rename(columns={"code": "wgi_code", "countryname": "name"})
    df["iso3"] = df["wgi_code"].map(lambda c: WGI_TO_ISO3.get(c, c))
    others = sorted(set(df["iso3"]) - set(WGI_TO_ISO3.values()) - {"XKX"})
    valid = _valid_iso3(others)
    unknown = [c for c, ok in valid.items() if not ok]
    if unknown:
        raise ValueError(f"{src}: WGI codes that are not ISO3 and have no recoding: {unknown}")
    for col in ("estimate", "stddev", "nsource"):
        s = df[col].replace("..", pd.NA)
        df[col] = pd.to_numeric(s, errors="raise")
    df["year"] = df["year"].astype(int)
    df["nsource"] = df["nsource"].astype("Int64")
    df = df[["iso3", "year", "indicator", "estimate", "stddev", "nsource", "wgi_code", "name"]]
    df = df.sort_values(["iso3", "indicator", "year"]).reset_index(drop=True)
    if df.duplicated(["iso3", "year", "indicator"]).any():
        raise ValueError(f"{src}: duplicate (iso3, year, indicator) rows after recoding")
    n_missing = int(df["estimate"].isna().sum())
    write_table("wgi", df, {
        "title": "Worldwide Governance Indicators (estimates, long form)",
        "source": "World Bank, Worldwide Governance Indicators, 2024 update (www.govindicators.org); "
                  "Kaufmann, Kraay & Mastruzzi methodology",
        "licence": "CC BY 4.0 — cite 'World Bank, Worldwide Governance Indicators (2024 update)'",
        "version": "2024 update (data 1996–2023; 1997, 1999, 2001 not published)",
        "built_from": ["wgi/wgidataset.xlsx"],
        "indicators": INDICATORS,
        "notes": [f"'..' in the source is kept as a missing estimate ({n_missing} rows), never as zero.",
                  "WGI codes recoded to ISO3: " + ", ".join(f"{k}→{v}" for k, v in WGI_TO_ISO3.items()),
                  "estimate: governance score in units of a standard normal (about -2.5 to 2.5), "
                  "higher = better governance."],
        "string_columns": ["iso3", "indicator", "wgi_code", "name"],
    }, fmt="parquet")
    return ["wgi"]
