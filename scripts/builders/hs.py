"""hs2022 nomenclature (six-digit codes with section) and the HS code lists per revision BACI uses."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from samarkand.reference.builder_util import write_table


def build(shared: Path) -> list[str]:
    hs = pd.read_csv(shared / "hs_nomenclature/harmonized-system.csv", dtype=str, keep_default_na=False)
    sec = pd.read_csv(shared / "hs_nomenclature/sections.csv", dtype=str, keep_default_na=False,
                      encoding="utf-8-sig")
    six = hs[hs["level"] == "6"].rename(columns={"hscode": "hs6"})
    six = six.assign(hs4=six["hs6"].str[:4], hs2=six["hs6"].str[:2])
    six = six.merge(sec.rename(columns={"name": "section_name"}), on="section", how="left")
    write_table("hs2022", six[["hs6", "description", "hs4", "hs2", "section", "section_name"]], {
        "title": "Harmonized System 2022, six-digit codes with chapter, heading and section",
        "source": "datasets/harmonized-system (WCO HS 2022), commit 905e5a0",
        "licence": "ODC-PDDL (public domain)",
        "version": "HS2022",
        "built_from": ["hs_nomenclature/harmonized-system.csv", "hs_nomenclature/sections.csv"],
    })
    # Code lists for validating imports of other revisions (BACI's own product lists).
    h17 = pd.read_csv(shared / "baci_codes/V202201/product_codes.csv", dtype=str, keep_default_na=False)
    h92 = pd.read_csv(shared / "baci_codes/V202301/product_codes_HS92_V202301.csv", dtype=str,
                      keep_default_na=False)
    lists = pd.concat([
        pd.DataFrame({"revision": "HS17", "hs6": h17["code"].str.zfill(6), "description": h17["description"]}),
        pd.DataFrame({"revision": "HS92", "hs6": h92["code"].str.zfill(6), "description": h92["description"]}),
        pd.DataFrame({"revision": "HS22", "hs6": six["hs6"], "description": six["description"]}),
    ], ignore_index=True)
    write_table("hs_codes", lists, {
        "title": "HS six-digit code lists by revision (HS92, HS17 from BACI; HS22 from the WCO nomenclature)",
        "source": "CEPII BACI product_codes (V202201 HS17, V202301 HS92); datasets/harmonized-system (HS22)",
        "licence": "Etalab Open Licence 2.0 (BACI); ODC-PDDL (HS)",
        "built_from": ["baci_codes/V202201/product_codes.csv",
                       "baci_codes/V202301/product_codes_HS92_V202301.csv", "hs_nomenclature/harmonized-system.csv"],
        "notes": ["BACI writes codes below 100000 without the leading zero; padded to six digits here."],
    }, fmt="parquet")
    return ["hs2022", "hs_codes"]
