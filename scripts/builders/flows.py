"""flows_baci_crm: the shipped default flows dataset — CEPII BACI bilateral flows, 30 critical-material HS6 codes.

2022 and 2024 are complete (every country pair); 2002–2021 and 2023 come from the yearly per-material
extracts in which the smallest flows (about 1 % of value) were dropped upstream, so they cover ~99 % of
value.  HS revision: HS02 (V202601) for 2002–2016, HS17 (V202601) for 2017–2024.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd

from samarkand.reference.builder_util import write_table

COMPLETE_YEARS = (2022, 2024)


def _sha256(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(p.read_bytes())
    return h.hexdigest()


def build(shared: Path) -> list[str]:
    d = shared / "baci_crm_flows"
    codes = json.loads((d / "critical_codes.json").read_text())["codes"]
    cc = pd.read_csv(d / "country_codes_V202601.csv", keep_default_na=False, dtype=str)
    iso2_to_iso3 = dict(zip(cc["country_iso2"], cc["country_iso3"]))
    # The per-material extracts write Taiwan as TW; BACI files it under 490 'Other Asia, nes' (S19).
    iso2_to_iso3["TW"] = "S19"
    # BACI's code list leaves Namibia's ISO2 empty (its 'NA' was read as missing upstream).
    iso2_to_iso3["NA"] = "NAM"

    t24 = pd.read_parquet(d / "trade_2024.parquet")
    hs30 = sorted(t24["hs6"].unique())
    f24 = pd.DataFrame({"year": 2024, "exporter": t24["exporter"], "importer": t24["importer"],
                        "hs6": t24["hs6"], "value_usd": t24["value_kusd"] * 1000.0, "quantity_t": t24["qty_t"]})
    b22 = pd.read_csv(d / "baci_2022.csv", dtype={"cmd": str}, keep_default_na=False)
    f22 = pd.DataFrame({"year": 2022, "exporter": b22["i"], "importer": b22["j"], "hs6": b22["cmd"],
                        "value_usd": b22["value"].astype(float), "quantity_t": float("nan")})

    long = pd.read_csv(d / "flows_2002_2024_long_DERIVED.csv.gz", keep_default_na=False, na_values=[""],
                       dtype={"exporter_iso2": str, "importer_iso2": str})
    mat_hs6 = {c["material"]: c["hs6"] for c in codes}
    long["hs6"] = long["material"].map(mat_hs6)
    # gallium and germanium share HS 811292 (the extract repeats the same flows under both names)
    long = long[long["material"] != "germanium"]
    long = long[long["hs6"].isin(hs30) & ~long["year"].isin(COMPLETE_YEARS)]
    for col in ("exporter_iso2", "importer_iso2"):
        unknown = set(long[col]) - set(iso2_to_iso3)
        if unknown:
            raise ValueError(f"unmapped ISO2 codes in {col}: {sorted(unknown)}")
    fl = pd.DataFrame({"year": long["year"], "exporter": long["exporter_iso2"].map(iso2_to_iso3),
                       "importer": long["importer_iso2"].map(iso2_to_iso3), "hs6": long["hs6"],
                       "value_usd": long["value_usd"].astype(float), "quantity_t": long["qty_t"]})
    flows = pd.concat([fl, f22, f24], ignore_index=True)
    flows["year"] = flows["year"].astype("int16")
    flows = flows.sort_values(["year", "hs6", "exporter", "importer"]).reset_index(drop=True)
    if flows.duplicated(["year", "exporter", "importer", "hs6"]).any():
        raise ValueError("duplicate flows in the shipped dataset")
    if (flows["value_usd"] < 0).any():
        raise ValueError("negative values")
    years = sorted(int(y) for y in flows["year"].unique())
    coverage = {str(y): ("complete: every BACI flow of the 30 codes" if y in COMPLETE_YEARS else
                         "about 99 % of value: the smallest flows were dropped upstream") for y in years}
    hs_rev = {str(y): ("HS02" if y <= 2016 else "HS17") for y in years}
    sources = [d / "trade_2024.parquet", d / "baci_2022.csv", d / "flows_2002_2024_long_DERIVED.csv.gz"]
    write_table("flows_baci_crm", flows, {
        "title": "CEPII BACI bilateral trade flows, 30 critical-material HS6 codes, 2002–2024",
        "source": "CEPII BACI HS17 V202601 (2017–2024) and HS02 V202601 (2002–2016), via "
                  "Varcolacus/critical-materials-atlas (commit 17b328d)",
        "citation": "CEPII, BACI (Gaulier & Zignago 2010), release V202601",
        "licence": "Etalab Open Licence 2.0 — reuse with attribution 'CEPII, BACI'",
        "version": "V202601",
        "years": years, "coverage": coverage, "hs_revision": hs_rev,
        "checksum": _sha256(sources),
        "built_from": [str(p.relative_to(shared)) for p in sources],
        "units": {"value_usd": "USD (BACI thousands × 1000)", "quantity_t": "tonnes (missing for 2022 and "
                  "where BACI has none)"},
        "notes": ["2022 and 2024 are complete; other years cover ~99 % of value (smallest flows dropped "
                  "upstream), so small suppliers may be missing there.",
                  "HS 811292 stands for gallium, germanium, indium... together (one code).",
                  "Taiwan is BACI's 'Other Asia, nes' (S19).",
                  "Hafnium (811231) appears only in the partial years and is left out for a constant code set."],
        "string_columns": ["exporter", "importer", "hs6"],
    }, fmt="parquet")
    crit = pd.DataFrame(codes)
    crit = crit[crit["hs6"].isin(hs30)][["hs6", "material", "form", "confidence", "caveat", "code"]]
    crit = crit.rename(columns={"code": "cn8_used_upstream"})
    write_table("baci_crm_codes", crit.reset_index(drop=True), {
        "title": "The 30 critical-material HS6 codes of the shipped flows, with material, form and confidence",
        "source": "Varcolacus/critical-materials-atlas critical_codes.json (commit 17b328d)",
        "licence": "no licence file upstream; facts (code ↔ material) restated with attribution",
        "built_from": ["baci_crm_flows/critical_codes.json"],
        "notes": ["811292 covers gallium and germanium (and indium, etc.) together."],
    })
    return ["flows_baci_crm", "baci_crm_codes"]
