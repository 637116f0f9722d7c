"""flows_baci_crm: the shipped default flows dataset (name ``baci-crm``) — CEPII BACI bilateral flows of two
product groups:

* critical materials, 30 HS6 codes, 2002–2024: 2022 and 2024 are complete (every country pair); 2002–2021 and
  2023 come from the yearly per-material extracts in which the smallest flows (about 1 % of value) were dropped
  upstream, so they cover ~99 % of value.  HS revision: HS02 (V202601) for 2002–2016, HS17 (V202601) for 2017–2024.
* energy: crude oil (270900) and LNG (271111), 1995–2024, every BACI pair, HS92 V202601 (shared/data/
  baci_energy_flows, via narendranag/global-energy-map).  Both codes are unchanged across HS revisions.

Quantities are BACI's tonnes, kept (energy is judged in tonnes as much as in dollars).
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd

from samarkand.reference.builder_util import write_table

COMPLETE_YEARS = (2022, 2024)
ENERGY_CODES = {"2709": "270900", "270900": "270900", "271111": "271111"}
MATERIALS = "critical materials (30 HS6 codes)"
ENERGY = "crude oil 270900 and LNG 271111"


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
    materials = pd.concat([fl, f22, f24], ignore_index=True)
    energy = _energy_flows(shared / "baci_energy_flows" / "trade_flow.parquet")
    flows = pd.concat([materials, energy], ignore_index=True)
    flows["year"] = flows["year"].astype("int16")
    flows = flows.sort_values(["year", "hs6", "exporter", "importer"]).reset_index(drop=True)
    if flows.duplicated(["year", "exporter", "importer", "hs6"]).any():
        raise ValueError("duplicate flows in the shipped dataset")
    if (flows["value_usd"] < 0).any():
        raise ValueError("negative values")
    years = sorted(int(y) for y in flows["year"].unique())
    mat_years = {int(y) for y in materials["year"].unique()}
    coverage = {str(y): _coverage(y, y in mat_years) for y in years}
    hs_rev = {str(y): (f"{'HS02' if y <= 2016 else 'HS17'} (critical materials); " if y in mat_years else "")
              + "HS92 (crude oil, LNG)" for y in years}
    sources = [d / "trade_2024.parquet", d / "baci_2022.csv", d / "flows_2002_2024_long_DERIVED.csv.gz",
               shared / "baci_energy_flows" / "trade_flow.parquet"]
    write_table("flows_baci_crm", flows, {
        "title": f"CEPII BACI bilateral trade flows: {MATERIALS}, {min(mat_years)}–{max(mat_years)}, and "
                 f"{ENERGY}, {min(years)}–{max(years)}",
        "source": "CEPII BACI: critical materials from HS17 V202601 (2017–2024) and HS02 V202601 (2002–2016), via "
                  "Varcolacus/critical-materials-atlas (commit 17b328d); crude oil and LNG from HS92 V202601 "
                  "(1995–2024), via narendranag/global-energy-map (commit 091d024c)",
        "citation": "CEPII, BACI (Gaulier & Zignago 2010), release V202601 (HS17/HS02 for critical materials, "
                    "HS92 for crude oil and LNG)",
        "licence": "Etalab Open Licence 2.0 — reuse with attribution 'CEPII, BACI'",
        "version": "V202601",
        "product_groups": {
            "critical materials": {"hs6": sorted(hs30), "years": [min(mat_years), max(mat_years)],
                                   "source": "CEPII BACI HS17 V202601 (2017–2024), HS02 V202601 (2002–2016)",
                                   "via": "Varcolacus/critical-materials-atlas (commit 17b328d)"},
            "energy": {"hs6": ["270900", "271111"], "years": [int(energy["year"].min()), int(energy["year"].max())],
                       "source": "CEPII BACI HS92 V202601 (every country pair)",
                       "via": "narendranag/global-energy-map (commit 091d024c)"}},
        "years": years, "coverage": coverage, "hs_revision": hs_rev,
        "checksum": _sha256(sources),
        "built_from": [str(p.relative_to(shared)) for p in sources],
        "units": {"value_usd": "USD (BACI thousands × 1000)", "quantity_t": "tonnes (BACI; missing for the critical "
                  "materials in 2022 and wherever BACI has none)"},
        "notes": ["Critical materials: 2022 and 2024 are complete; other years cover ~99 % of value (smallest "
                  "flows dropped upstream), so small suppliers may be missing there.",
                  "Crude oil (270900) and LNG (271111) come from BACI's HS92 vintage, every country pair, "
                  "1995–2024; the critical materials only from 2002. Years before 2002 hold energy only.",
                  "The same code can differ slightly between BACI vintages; BACI has no Iran from 2019 and no "
                  "Russia→Belarus from 2022 in the energy extract.",
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


def _energy_flows(path: Path) -> pd.DataFrame:
    """BACI HS92 crude oil and LNG flows (every pair) in the flows schema; USD and tonnes as given."""
    e = pd.read_parquet(path)
    unknown = sorted(set(e["hs_code"]) - set(ENERGY_CODES))
    if unknown:
        raise ValueError(f"{path.name}: unexpected hs_code values {unknown}")
    if (e["qty_unit"].dropna() != "tonnes").any():
        raise ValueError(f"{path.name}: quantities not all in tonnes")
    return pd.DataFrame({"year": e["year"].astype(int), "exporter": e["exporter_iso3"], "importer": e["importer_iso3"],
                         "hs6": e["hs_code"].map(ENERGY_CODES), "value_usd": e["value_usd"].astype(float),
                         "quantity_t": e["qty"].astype(float)})


def _coverage(year: int, has_materials: bool) -> str:
    """What a year holds, per product group (a note starting with 'complete' means every group is complete)."""
    energy = f"{ENERGY}: complete, every BACI pair (HS92)"
    if not has_materials:
        return f"{energy}; no critical materials before 2002"
    if year in COMPLETE_YEARS:
        return f"complete: every BACI flow of the {MATERIALS} and of {ENERGY}"
    return f"{MATERIALS}: about 99 % of value, the smallest flows were dropped upstream; {energy}"
