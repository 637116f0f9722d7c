"""countries: BACI country codes (numeric) → ISO3/ISO2/name, union of releases V202601 and V202301.

BACI's own special codes are kept as BACI writes them (490 'Other Asia, nes' → S19, which trade
statistics use for Taiwan; 697 → R20 'Europe EFTA nes', ...)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from samarkand.reference.builder_util import write_table


def _unmojibake(name: str) -> str:
    if "Ã" not in name and "Â" not in name:
        return name
    try:
        return name.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return name


def build(shared: Path) -> list[str]:
    new = pd.read_csv(shared / "baci_crm_flows/country_codes_V202601.csv", keep_default_na=False,
                      dtype=str)
    new = new.rename(columns={"country_code": "baci_code", "country_name": "name",
                              "country_iso2": "iso2", "country_iso3": "iso3"})
    new["release"] = "V202601"
    old = pd.read_csv(shared / "baci_codes/V202301/country_codes_V202301.csv", keep_default_na=False, dtype=str)
    old = old.rename(columns={"country_code": "baci_code", "country_name_abbreviation": "name",
                              "iso_2digit_alpha": "iso2", "iso_3digit_alpha": "iso3"})
    old["release"] = "V202301"
    old = old[~old["baci_code"].isin(new["baci_code"])][["baci_code", "name", "iso2", "iso3", "release"]]
    df = pd.concat([new[["baci_code", "name", "iso2", "iso3", "release"]], old], ignore_index=True)
    df["baci_code"] = df["baci_code"].astype(int)
    # some names are UTF-8 read as Latin-1 upstream ('TÃ¼rkiye'): repair that mojibake
    df["name"] = df["name"].map(_unmojibake)
    # BACI's list leaves Namibia's ISO2 empty: its code 'NA' was once read as a missing value.
    df.loc[df["iso3"] == "NAM", "iso2"] = "NA"
    df = df.sort_values("baci_code").reset_index(drop=True)
    # BACI lists some ISO3 codes under two numeric codes (e.g. 729/736 Sudan): keep both rows, the
    # numeric code is the key.
    if df["baci_code"].duplicated().any():
        raise ValueError("duplicate BACI numeric code")
    write_table("countries", df[["baci_code", "iso3", "iso2", "name", "release"]], {
        "title": "BACI country codes (numeric, ISO3, ISO2, name)",
        "source": "CEPII BACI country_codes_V202601.csv (with codes only in V202301 added)",
        "licence": "Etalab Open Licence 2.0 — cite 'CEPII, BACI'",
        "version": "V202601 + V202301",
        "built_from": ["baci_crm_flows/country_codes_V202601.csv",
                       "baci_codes/V202301/country_codes_V202301.csv"],
        "string_columns": ["iso3", "iso2", "name", "release"],
    })
    return ["countries"]
