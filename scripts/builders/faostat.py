"""faostat: Kazakhstan's agricultural exports to EU members (FAOSTAT TM) and Kazakhstan's production (QCL).

Tables written (CSV):

- ``faostat_kaz_eu_trade``  year, reporter (KAZ), partner (ISO3), partner_m49, partner_name, item_code (CPC,
  string), item, quantity_t, value_usd, flag — one row per partner × item × year **with something reported**.
  FAOSTAT fills the whole grid and leaves a cell empty when nothing was reported: such cells are not rows
  here and never become 0.  A reported ``0`` (a flow below the rounding unit) stays 0.  Value: FAOSTAT
  element 5922 (1000 USD) × 1000; quantity: element 5910 (t).
- ``faostat_kaz_production``  year, item_code, item, element (area_harvested_ha | yield_kg_ha | production_t),
  value, flag — Kazakhstan, 2018–2024; empty cells (extraction rates, 2024 crude-oil production) are dropped.

Partners are M49 codes converted to ISO3 with country_converter (UNcode) and checked against the partner
name; the legacy aggregate 058 Belgium-Luxembourg (empty in every cell) is dropped.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from samarkand.economies import name_to_iso3
from samarkand.errors import DataError
from samarkand.reference.builder_util import write_table

SOURCE = ("FAO, FAOSTAT: domain TM 'Detailed trade matrix' (Kazakhstan as reporter, export quantity and value) and "
          "domain QCL 'Crops and livestock products'; copy from dilcetto/kazakhstan-eu-agricultural-trade "
          "(commit 0628055), data/raw/")
LICENCE = "CC BY 4.0 — cite as 'FAO. FAOSTAT. Licence: CC BY 4.0'"
LEGACY = {"058": "Belgium-Luxembourg (legacy aggregate, no value in any cell)"}
ELEMENTS_QCL = {"5312": "area_harvested_ha", "5412": "yield_kg_ha", "5510": "production_t"}


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def _m49_to_iso3(codes: pd.Series, names: pd.Series, file: str) -> dict[str, str]:
    import logging

    import country_converter as coco

    logging.getLogger("country_converter").setLevel(logging.ERROR)
    out = {}
    pairs = pd.DataFrame({"code": codes, "name": names}).drop_duplicates()
    for rec in pairs.itertuples(index=False):
        if rec.code in LEGACY:
            continue
        iso = coco.convert(names=[int(rec.code)], src="UNcode", to="ISO3", not_found=None)
        iso = iso[0] if isinstance(iso, list) else iso
        by_name = name_to_iso3(rec.name.replace(" (Kingdom of the)", ""))
        if not isinstance(iso, str) or len(iso) != 3 or iso != by_name:
            row = int(codes[codes == rec.code].index[0]) + 2
            raise DataError(f"M49 code {rec.code} ({rec.name}) → {iso!r}, but the name gives {by_name!r}",
                            file=file, row=row, field="Partner Country Code (M49)")
        out[rec.code] = iso
    return out


def build(shared: Path) -> list[str]:
    d = shared / "faostat_kaz_eu"
    fm, fp = d / "FAOSTAT_data_en_matrix.csv", d / "FAOSTAT_data_production.csv"
    m = pd.read_csv(fm, dtype=str, keep_default_na=False)
    expected = {"5910": "t", "5922": "1000 USD"}
    bad = m[(m["Value"] != "") & (m["Unit"] != m["Element Code"].map(expected))]
    if len(bad):
        i = int(bad.index[0])
        raise DataError(f"unit {bad.iloc[0]['Unit']!r} does not match element {bad.iloc[0]['Element']!r}",
                        file=str(fm), row=i + 2, field="Unit")
    if set(m["Reporter Country Code (M49)"]) != {"398"}:
        raise DataError("expected Kazakhstan (398) as the only reporter", file=str(fm),
                        field="Reporter Country Code (M49)")
    iso = _m49_to_iso3(m["Partner Country Code (M49)"], m["Partner Countries"], str(fm))
    m = m[~m["Partner Country Code (M49)"].isin(LEGACY)]
    m = m[m["Value"] != ""].copy()
    m["v"] = pd.to_numeric(m["Value"], errors="raise")
    if (m["v"] < 0).any():
        raise DataError("negative value", file=str(fm), row=int(m.index[m["v"] < 0][0]) + 2, field="Value")
    key = ["Year", "Partner Country Code (M49)", "Partner Countries", "Item Code (CPC)", "Item"]
    q = m[m["Element Code"] == "5910"].set_index(key)
    v = m[m["Element Code"] == "5922"].set_index(key)
    idx = q.index.union(v.index)
    q, v = q.reindex(idx), v.reindex(idx)
    t = pd.DataFrame({
        "year": [int(k[0]) for k in idx], "reporter": "KAZ",
        "partner": [iso[k[1]] for k in idx], "partner_m49": [k[1] for k in idx], "partner_name": [k[2] for k in idx],
        "item_code": [k[3] for k in idx], "item": [k[4] for k in idx],
        "quantity_t": q["v"].to_numpy(), "value_usd": v["v"].to_numpy() * 1000.0,
        "flag": [(a if isinstance(a, str) else b) for a, b in zip(v["Flag"], q["Flag"])],
    }).sort_values(["item_code", "partner", "year"], ignore_index=True)
    t["flag"] = t["flag"].fillna("")

    p = pd.read_csv(fp, dtype=str, keep_default_na=False)
    p = p[(p["Value"] != "") & p["Element Code"].isin(ELEMENTS_QCL)].copy()
    prod = pd.DataFrame({"year": p["Year"].astype(int), "item_code": p["Item Code (CPC)"], "item": p["Item"],
                         "element": p["Element Code"].map(ELEMENTS_QCL),
                         "value": pd.to_numeric(p["Value"], errors="raise"), "flag": p["Flag"]})
    prod = prod.sort_values(["item_code", "element", "year"], ignore_index=True)
    common = {"source": SOURCE, "licence": LICENCE, "citation": "FAO. FAOSTAT. Licence: CC BY 4.0",
              "version": "FAOSTAT bulk download, vintage not recorded upstream (latest year 2024)"}
    write_table("faostat_kaz_eu_trade", t, {
        **common, "title": "Kazakhstan's reported agricultural exports to EU members, 2018–2024 (FAOSTAT TM)",
        "built_from": [f"faostat_kaz_eu/{fm.name}"], "checksum": _sha(fm),
        "string_columns": ["reporter", "partner", "partner_m49", "partner_name", "item_code", "item", "flag"],
        "notes": ["reporter-side figures (Kazakhstan's declarations): EU mirror statistics may differ (transit, "
                  "CIF/FOB, timing)",
                  "a partner-item-year absent from the table was not reported — it is not a zero; a reported 0 is "
                  "a flow below FAOSTAT's rounding unit",
                  "value_usd = FAOSTAT 1000 USD × 1000, current US dollars; quantity in tonnes",
                  "9 items chosen upstream: wheat, maize, barley, linseed, sunflower seed, lentils, peas, crude "
                  "sunflower-seed oil, crude rapeseed oil — not Kazakhstan's total agri-food exports",
                  "flag X (Italy, lentils, 2024): value from an external organisation; others A (official)",
                  "M49 058 Belgium-Luxembourg dropped (legacy aggregate, empty in every cell)"]})
    write_table("faostat_kaz_production", prod, {
        **common, "title": "Kazakhstan's production of the same 9 items, 2018–2024 (FAOSTAT QCL)",
        "built_from": [f"faostat_kaz_eu/{fp.name}"], "checksum": _sha(fp),
        "string_columns": ["item_code", "item", "element", "flag"],
        "notes": ["elements: area harvested (ha), yield (kg/ha), production (t); extraction rates are empty "
                  "upstream and dropped", "crude-oil production 2024 is not reported (absent, not zero)"]})
    return ["faostat_kaz_eu_trade", "faostat_kaz_production"]
