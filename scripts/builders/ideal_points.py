"""ideal_points: UN General Assembly ideal points (Bailey, Strezhnev & Voeten), one row per country-year.

Columns: iso3 (samarkand code), year, idealpointfp, idealpointall, nvotesfp, nvotesall, ccode (Correlates
of War code), iso3_source (the iso3c the dataset writes), name, former_state (True for states that no
longer exist), code_note (why a code differs from the source or what the row stands for).

Codes are checked against samarkand's country table; the dataset's own choices are repaired where they
are wrong or collide, and every such row says so in ``code_note`` (none is dropped silently):
- COW 680 Yemen People's Republic is written 'YAR' in the source, the same code as North Yemen: recoded
  to YMD (ISO 3166-3 'Yemen, Democratic').  COW 678 Yemen Arab Republic (1947–1989) → YEM, the code the
  unified Yemen kept, as the source itself codes West Germany (COW 260) as DEU.
- COW 345 'Yugoslavia' runs 1946–2024 (COW's continuation: SFR Yugoslavia, FR Yugoslavia / Serbia and
  Montenegro, Serbia): YUG up to 1991, SCG 1992–2005, SRB from 2006 (Montenegro, COW 341, from 2006).
- DDR and CSK are kept under their (withdrawn) codes, flagged former_state; TWN (Republic of China seat,
  1946–1971) is kept as TWN.
- 17 rows have no iso3c and carry only the legacy ideal point (no idealpointfp/idealpointall); they are
  left out, and the meta notes list them.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from samarkand.reference.builder_util import write_table

FORMER = {"DDR": "German Democratic Republic (1973–1990)", "CSK": "Czechoslovakia (to 1992)",
          "YUG": "SFR Yugoslavia (to 1991)", "SCG": "FR Yugoslavia / Serbia and Montenegro (1992–2005)",
          "YMD": "Yemen People's Republic (South Yemen, to 1989)"}


def _fix_text(s: object) -> object:
    """Names in the .dta are UTF-8 read as Latin-1 ('SÃ£o TomÃ©'); undo that."""
    if not isinstance(s, str):
        return s
    try:
        return s.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return s


def _valid_iso3(codes: list[str]) -> dict[str, bool]:
    import logging

    import country_converter as coco

    logging.getLogger("country_converter").setLevel(logging.ERROR)
    out = coco.convert(names=codes, src="ISO3", to="ISO3", not_found=None)
    out = out if isinstance(out, list) else [out]
    return {c: o == c for c, o in zip(codes, out)}


def recode(df: pd.DataFrame) -> pd.DataFrame:
    """Add iso3, former_state and code_note to rows with ccode, year, iso3c."""
    df = df.copy()
    df["iso3"] = df["iso3c"]
    df["code_note"] = ""
    y = df["year"]
    m = df["ccode"] == 680
    df.loc[m, "iso3"] = "YMD"
    df.loc[m, "code_note"] = "source writes YAR (North Yemen's code) for South Yemen; recoded YMD (ISO 3166-3)"
    m = df["ccode"] == 678
    df.loc[m, "iso3"] = "YEM"
    df.loc[m, "code_note"] = "Yemen Arab Republic, source code YAR; coded as its continuation YEM"
    m = df["ccode"] == 260
    df.loc[m, "code_note"] = "German Federal Republic (COW 260), coded DEU by the source"
    m = (df["ccode"] == 345) & (y <= 1991)
    df.loc[m, "iso3"] = "YUG"
    df.loc[m, "code_note"] = "SFR Yugoslavia (COW 345)"
    m = (df["ccode"] == 345) & (y >= 1992) & (y <= 2005)
    df.loc[m, "iso3"] = "SCG"
    df.loc[m, "code_note"] = "COW 345 'Yugoslavia' 1992–2005 = FR Yugoslavia / Serbia and Montenegro; source YUG"
    m = (df["ccode"] == 345) & (y >= 2006)
    df.loc[m, "iso3"] = "SRB"
    df.loc[m, "code_note"] = "COW 345 'Yugoslavia' from 2006 = Serbia (continuator); source YUG"
    m = (df["ccode"] == 365) & (y <= 1991)
    df.loc[m, "code_note"] = "USSR seat, coded RUS (continuator) by the source"
    m = df["ccode"].isin([369, 370]) & (y <= 1991)
    df.loc[m, "code_note"] = "Ukrainian / Byelorussian SSR (own UN seat), coded as the successor state"
    m = df["ccode"] == 713
    df.loc[m, "code_note"] = "Republic of China seat (1946–1971); BACI trade statistics use S19 for Taiwan"
    df["former_state"] = df["iso3"].isin(FORMER)
    return df


def build(shared: Path) -> list[str]:
    from samarkand import reference

    src = shared / "un_ideal_points/IdealpointsJuly2025.dta"
    raw = pd.read_stata(src, convert_categoricals=False)
    raw["year"] = raw["year"].astype(int)
    raw["ccode"] = raw["ccode"].astype(int)
    raw["iso3c"] = raw["iso3c"].replace("", pd.NA)
    orphan = raw[raw["iso3c"].isna()]
    if orphan[["idealpointfp", "idealpointall"]].notna().any().any():
        raise ValueError(f"{src}: rows without iso3c carry ideal points; cannot drop them")
    df = recode(raw[raw["iso3c"].notna()])
    df["name"] = df["countryname"].map(_fix_text)
    if df.duplicated(["iso3", "year"]).any():
        d = df[df.duplicated(["iso3", "year"], keep=False)]
        raise ValueError(f"{src}: duplicate iso3-year after recoding: {d[['ccode', 'iso3', 'year']].head()}")
    known = set(reference.load("countries")["iso3"])
    rest = sorted(set(df["iso3"]) - known - set(FORMER))
    valid = _valid_iso3(rest)
    unknown = [c for c, ok in valid.items() if not ok and c not in ("TWN",)]
    if unknown:
        raise ValueError(f"{src}: codes neither in the country table nor ISO3: {unknown}")
    not_in_table = sorted((set(df["iso3"]) - known))
    for c in not_in_table:
        m = (df["iso3"] == c) & (df["code_note"] == "")
        df.loc[m, "code_note"] = ("former state: " + FORMER[c]) if c in FORMER else \
            "valid ISO3 but not in the BACI country table (no separate trade data)"
    out = df[["iso3", "year", "idealpointfp", "idealpointall", "nvotesfp", "nvotesall", "ccode", "iso3c",
              "name", "former_state", "code_note"]].rename(columns={"iso3c": "iso3_source"})
    for c in ("idealpointfp", "idealpointall", "nvotesfp", "nvotesall"):
        out[c] = out[c].astype(float)
    out = out.sort_values(["iso3", "year"]).reset_index(drop=True)
    orphans = ", ".join(f"COW {c} {y}" for c, y in zip(orphan["ccode"], orphan["year"]))
    write_table("ideal_points", out, {
        "title": "UN General Assembly ideal points (country-year)",
        "source": "Bailey, Michael A., Anton Strezhnev and Erik Voeten, 'Estimating Dynamic State Preferences "
                  "from United Nations Voting Data', Journal of Conflict Resolution 61(2), 2017; data: "
                  "Voeten, Strezhnev & Bailey, 'United Nations General Assembly Voting Data', Harvard Dataverse, "
                  "hdl:1902.1/12379, file IdealpointsJuly2025",
        "licence": "Harvard Dataverse terms of use of the dataset (the copy on hand carries no licence file); "
                   "free academic reuse with citation of the dataset and the 2017 article",
        "version": "July 2025 release (sessions 1946–2024; 2024: idealpointfp only)",
        "built_from": ["un_ideal_points/IdealpointsJuly2025.dta"],
        "notes": [
            "idealpointfp: ideal point estimated from all votes with fixed bridge resolutions (the authors' "
            "recommended measure for comparisons over time); idealpointall: from all votes.",
            "Code repairs and former states are flagged per row in code_note / former_state.",
            f"Left out: {len(orphan)} rows with no iso3c and only the legacy ideal point ({orphans}).",
            "Country names repaired from double-encoded UTF-8 in the source file.",
        ],
        "string_columns": ["iso3", "iso3_source", "name", "code_note"],
    }, fmt="parquet")
    return ["ideal_points"]
