"""blocs: named groups of economies with each member's first year in and first year out; economy aliases.

Membership is a fact of treaties, not of a shared data file: this builder is where those facts are written
down, each row with its source.  It checks every member against the shipped country table.

- EU27 (membership of each year): EU accession treaties, dates as listed by the European Parliament ("40 years
  of EU enlargements", europarl.europa.eu/external/html/euenlargement: 1958 founders, 1973, 1981, 1986, 1995, 2004,
  2007) and Croatia on 1 July 2013; the United
  Kingdom left on 31 January 2020 (Withdrawal Agreement, OJ L 29, 31.1.2020), so it counts until 2019.
- EU27_2020: Eurostat's fixed aggregate of the 27 members after 1 February 2020, for every year.
- EAEU: Treaty on the Eurasian Economic Union (Astana, 29 May 2014; in force 1 January 2015); Armenia joined
  on 2 January 2015 and Kyrgyzstan on 12 August 2015 (counted from 2015, the year they joined).
- C5: the five Central Asian states of the EU–Central Asia (C5+1) format.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from samarkand.reference.builder_util import write_table

EU_SOURCE = ("EU accession treaties; dates as listed by the European Parliament, '40 years of EU enlargements' "
             "(europarl.europa.eu/external/html/euenlargement) and the Commission's 'Past enlargements' page")
BREXIT_SOURCE = "Withdrawal Agreement, OJ L 29, 31.1.2020 (GBR left 31 Jan 2020)"
EU_JOINED = {
    **dict.fromkeys(["BEL", "DEU", "FRA", "ITA", "LUX", "NLD"], 1958),
    **dict.fromkeys(["DNK", "IRL", "GBR"], 1973),
    "GRC": 1981,
    **dict.fromkeys(["PRT", "ESP"], 1986),
    **dict.fromkeys(["AUT", "FIN", "SWE"], 1995),
    **dict.fromkeys(["CYP", "CZE", "EST", "HUN", "LVA", "LTU", "MLT", "POL", "SVK", "SVN"], 2004),
    **dict.fromkeys(["BGR", "ROU"], 2007),
    "HRV": 2013,
}
EAEU_SOURCE = ("Treaty on the Eurasian Economic Union (Astana, 29 May 2014; in force 1 Jan 2015); Armenia a member "
               "from 2 Jan 2015, Kyrgyzstan from 12 Aug 2015")
BLOC_NAMES = {
    "EU27": "European Union (membership of each year; GBR until 2019)",
    "EU27_2020": "European Union, fixed 2020 composition (Eurostat EU27_2020)",
    "EAEU": "Eurasian Economic Union",
    "C5": "Central Asia (C5)",
}

# Names users and sources write for a bloc or a country that country_converter does not resolve, or resolves
# wrongly (seen in the CRM study and BACI).
BLOC_ALIASES = {"EU": "EU27", "EU-27": "EU27", "EUROPEAN UNION": "EU27", "CENTRAL ASIA": "C5", "EEU": "EAEU"}
NAME_ALIASES = {
    "brasil": "BRA", "brasilia": "BRA", "congo, d.r.": "COD", "congo d.r.": "COD", "drc": "COD", "dr congo": "COD",
    "türkiye": "TUR", "turkiye": "TUR", "tã¼rkiye": "TUR", "turkyie": "TUR", "korea, south": "KOR",
    "korea s.": "KOR", "korea, north": "PRK", "hongkong": "HKG", "hong kong": "HKG", "other asia, nes": "S19",
    "libanon": "LBN", "taiwan": "TWN", "chinese taipei": "TWN", "kosovo": "XKX", "eu": "EU27",
}


def bloc_rows() -> pd.DataFrame:
    """One row per (bloc, member): code, name, member, joined, left (first year out; empty = still in), source."""
    rows = []
    for iso, y0 in EU_JOINED.items():
        left = 2020 if iso == "GBR" else None
        rows.append(("EU27", iso, y0, left, BREXIT_SOURCE if left else EU_SOURCE))
        if left is None:
            rows.append(("EU27_2020", iso, None, None,
                         "Eurostat aggregate EU27_2020: the 27 members after 1 February 2020, all years"))
    for iso in ("RUS", "BLR", "KAZ", "ARM", "KGZ"):
        rows.append(("EAEU", iso, 2015, None, EAEU_SOURCE))
    for iso in ("KAZ", "KGZ", "TJK", "TKM", "UZB"):
        rows.append(("C5", iso, None, None, "The five Central Asian states of the EU–Central Asia (C5+1) format"))
    df = pd.DataFrame(rows, columns=["code", "member", "joined", "left", "source"])
    df.insert(1, "name", df["code"].map(BLOC_NAMES))
    for c in ("joined", "left"):
        df[c] = df[c].astype("Int64")
    return df.sort_values(["code", "member"]).reset_index(drop=True)


def alias_rows() -> pd.DataFrame:
    """alias (lower-case for names, upper-case for bloc aliases), code, kind (bloc | country)."""
    rows = [(a, c, "bloc") for a, c in BLOC_ALIASES.items()] + [(a, c, "country") for a, c in NAME_ALIASES.items()]
    return pd.DataFrame(rows, columns=["alias", "code", "kind"])


def build(shared: Path) -> list[str]:
    countries = pd.read_csv(Path(__file__).resolve().parents[2] / "src/samarkand/reference/data/countries.csv",
                            dtype=str, keep_default_na=False)
    blocs = bloc_rows()
    unknown = sorted(set(blocs["member"]) - set(countries["iso3"]))
    if unknown:
        raise ValueError(f"bloc members not in the country table: {unknown}")
    write_table("blocs", blocs, {
        "title": "Blocs and their members by year (first year in, first year out)",
        "source": "; ".join(dict.fromkeys(blocs["source"])),
        "licence": "facts of public treaties and Eurostat's aggregate definition (no licence needed)",
        "caveats": ["a member counts from the calendar year it joined (Kyrgyzstan joined the EAEU on 12 Aug 2015)",
                    "EU27_2020 and C5 hold the same members in every year (joined and left empty)"],
        "string_columns": ["code", "name", "member", "source"],
    })
    write_table("economy_aliases", alias_rows(), {
        "title": "Names of economies that country_converter does not resolve (or resolves wrongly)",
        "source": "samarkand: spellings seen in the EU CRM study 2023 and BACI code lists; bloc abbreviations",
        "licence": "MIT (samarkand)",
        "string_columns": ["alias", "code", "kind"],
    })
    return ["blocs", "economy_aliases"]
