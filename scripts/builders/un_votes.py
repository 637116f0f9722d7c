"""un_votes: UN General Assembly roll-call votes 1946–2019 with issue codes (Voeten, Strezhnev & Bailey).

Three tables, compact enough to ship:
- ``un_votes`` (Parquet): rcid, year, iso3, vote (int8: 1 yes, 2 abstain, 3 no — Voeten's coding). Absent (8) and
  non-member (9) votes were dropped upstream, so every row is a vote cast.
- ``un_roll_calls`` (Parquet): rcid, date, year, session, resolution (unres), importantvote, amend, para, title,
  short, descr and one boolean column per issue code (me, nu, di, hr, co, ec).
- ``un_vote_countries`` (CSV): each source country name with its ISO-2 code, the samarkand code given to it, the
  years it voted, its number of votes and a note where the code is not the plain ISO-2 → ISO3 mapping.

ISO-2 → ISO3 goes through samarkand's country table (``countries``); codes the table does not hold or holds twice,
and the three historical units without an ISO-2 code, are mapped here and each says so in ``code_note``:
West Germany (no code) → DEU and the Yemen Arab Republic (no code) → YEM, as the ideal-point data code them;
YD South Yemen → YMD (ISO 3166-3); YU 'Yugoslavia' → YUG to 1991, SCG 1992–2005, SRB from 2006 (COW 345's
continuation, as in ``ideal_points``); CS → CSK (the table also lists CS for Serbia and Montenegro); TW (Republic
of China seat, 1946–1971) → TWN; LI → LIE and MC → MCO (valid ISO3, no BACI trade code); Zanzibar (two votes in
December 1963, next to Tanganyika) → ZAN, the Correlates of War abbreviation, because it has no ISO code.
The one roll call dated 2020-01-14 (present in the GitHub snapshot, not in the CRAN 0.3.0 release) is left out,
so that the last year shipped, 2019, is complete.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from samarkand.reference.builder_util import write_table

VOTE_CODES = {"yes": 1, "abstain": 2, "no": 3}
ISSUES = ["me", "nu", "di", "hr", "co", "ec"]
LAST_DATE = "2019-12-31"

# (source name, source ISO-2 or None) -> (iso3, note); year-dependent codes are handled in _year_codes
NAME_CODES = {
    ("Federal Republic of Germany", None): ("DEU", ("Federal Republic of Germany (West Germany, 1973–1990), no ISO-2 "
                                                   "code in the source; coded DEU as in the ideal-point data")),
    ("Yemen Arab Republic", None): ("YEM", ("Yemen Arab Republic (North Yemen, to 1990), no ISO-2 code in the source; "
                                           "coded YEM, the code the unified Yemen kept")),
    ("Zanzibar", None): ("ZAN", ("Zanzibar (two votes, December 1963), no ISO code; ZAN is the Correlates of War "
                                "abbreviation, not an ISO code")),
}
ISO2_CODES = {
    "YD": ("YMD", "Yemen People's Republic (South Yemen, to 1990): ISO 3166-3 code YMD"),
    "CS": ("CSK", "Czechoslovakia (to 1992); the country table lists CS for Serbia and Montenegro too"),
    "TW": ("TWN", "Republic of China seat (1946–1971)"),
    "LI": ("LIE", "valid ISO3, not in the BACI country table"),
    "MC": ("MCO", "valid ISO3, not in the BACI country table"),
}
FORMER = {"DDR", "CSK", "YUG", "SCG", "YMD", "ZAN"}


def _year_codes(df: pd.DataFrame) -> pd.DataFrame:
    """Codes that depend on the year: the USSR seat and 'Yugoslavia' (COW 345 continuation)."""
    yu = df["country_code"] == "YU"
    for lo, hi, code, note in [(0, 1991, "YUG", "SFR Yugoslavia (to 1991)"),
                               (1992, 2005, "SCG", "'Yugoslavia' 1992–2005 = FR Yugoslavia / Serbia and Montenegro"),
                               (2006, 9999, "SRB", "'Yugoslavia' from 2006 = Serbia (continuator)")]:
        m = yu & df["year"].between(lo, hi)
        df.loc[m, "iso3"] = code
        df.loc[m, "code_note"] = note
    m = (df["country_code"] == "RU") & (df["year"] <= 1991)
    df.loc[m, "code_note"] = "USSR seat to 1991, coded RU (continuator) by the source"
    m = df["country_code"].isin(["UA", "BY"]) & (df["year"] <= 1991)
    df.loc[m, "code_note"] = "Ukrainian / Byelorussian SSR (own UN seat) to 1991, coded as the successor state"
    return df


def map_countries(votes: pd.DataFrame, countries: pd.DataFrame) -> pd.DataFrame:
    """Add iso3 and code_note to votes (country, country_code, year); raises on any code left unmapped."""
    table = countries[countries["iso2"].fillna("") != ""]
    unique = table.groupby("iso2")["iso3"].nunique()
    iso2_to_iso3 = table[table["iso2"].isin(unique[unique == 1].index)].drop_duplicates("iso2")
    iso2_to_iso3 = dict(zip(iso2_to_iso3["iso2"], iso2_to_iso3["iso3"]))
    df = votes.copy()
    df["iso3"] = df["country_code"].map(iso2_to_iso3)
    df["code_note"] = ""
    for iso2, (iso3, note) in ISO2_CODES.items():
        m = df["country_code"] == iso2
        df.loc[m, "iso3"], df.loc[m, "code_note"] = iso3, note
    for (name, _), (iso3, note) in NAME_CODES.items():
        m = df["country_code"].isna() & (df["country"] == name)
        df.loc[m, "iso3"], df.loc[m, "code_note"] = iso3, note
    df = _year_codes(df)
    left = df[df["iso3"].isna()][["country", "country_code"]].drop_duplicates()
    if len(left):
        raise ValueError(f"un_votes: countries without a samarkand code: {left.to_dict('records')}")
    dup = df.duplicated(["rcid", "iso3"])
    if dup.any():
        raise ValueError(f"un_votes: two votes for one code on one roll call: {df[dup].head().to_dict('records')}")
    return df


def roll_call_title(short: object, descr: object) -> str:
    """A readable title: the text before ' : resolution / adopted …' when the source has it, else the short title,
    else the description."""
    texts = [t.strip() for t in (short, descr) if isinstance(t, str) and t.strip()]
    for t in texts:
        if " : resolution" in t:
            return t.split(" : resolution")[0].strip()
    return texts[0] if texts else ""


def _key(text: object) -> str:
    """A title compared without case, punctuation or the ' : resolution / adopted …' tail."""
    return re.sub(r"[^A-Z0-9]+", " ", str(text or "").split(" : resolution")[0].upper()).strip()


def resolution_families(rc: pd.DataFrame) -> pd.Series:
    """Recurring resolutions: roll calls linked when they share a title or a description (compared by ``_key``),
    transitively; labels used by three or more roll calls of one session (agenda items such as 'PALESTINE
    QUESTION') and labels under 12 characters link nothing.  Returns the smallest rcid of each roll call's family.
    """
    keys = pd.concat([pd.DataFrame({"rcid": rc["rcid"], "session": rc["session"], "key": rc[c].map(_key)})
                      for c in ("title", "descr")]).drop_duplicates(["rcid", "key"])
    keys = keys[keys["key"].str.len() >= 12]
    per_session = keys.groupby(["key", "session"])["rcid"].nunique()
    generic = set(per_session[per_session >= 3].index.get_level_values(0))
    keys = keys[~keys["key"].isin(generic)]
    parent = {int(r): int(r) for r in rc["rcid"]}

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for ids in keys.groupby("key")["rcid"].apply(list):
        first = root(int(ids[0]))
        for other in ids[1:]:
            r = root(int(other))
            if r != first:
                parent[max(r, first)] = min(r, first)
                first = min(r, first)
    return rc["rcid"].map(lambda x: root(int(x))).astype("int32")


def _roll_calls(rc: pd.DataFrame, issues: pd.DataFrame) -> pd.DataFrame:
    out = rc.copy()
    out["date"] = pd.to_datetime(out["date"])
    out = out[out["date"] <= LAST_DATE]
    out["year"] = out["date"].dt.year.astype("int16")
    out["date"] = out["date"].dt.strftime("%Y-%m-%d")
    out["session"] = out["session"].astype("int16")
    for c in ("importantvote", "amend", "para"):
        out[c] = out[c].astype("Int8")
    out["title"] = [re.sub(r"\s+", " ", roll_call_title(s, d)) for s, d in zip(out["short"], out["descr"])]
    out["family"] = resolution_families(out)
    for code in ISSUES:
        out[code] = out["rcid"].isin(issues.loc[issues["short_name"] == code, "rcid"])
    out = out.rename(columns={"unres": "resolution"})
    cols = ["rcid", "date", "year", "session", "resolution", "importantvote", "amend", "para", "title", "family",
            "short", "descr", *ISSUES]
    return out[cols].sort_values("rcid").reset_index(drop=True)


def build(shared: Path) -> list[str]:
    from samarkand import reference

    src = shared / "un_votes"
    raw = pd.read_parquet(src / "un_votes.parquet")
    rc = _roll_calls(pd.read_parquet(src / "un_roll_calls.parquet"),
                     pd.read_parquet(src / "un_roll_call_issues.parquet"))
    raw["rcid"] = raw["rcid"].astype("int32")
    bad = raw[~raw["vote"].astype(str).isin(VOTE_CODES)]
    if len(bad):
        raise ValueError(f"{src / 'un_votes.parquet'}: unexpected vote values {sorted(set(bad['vote']))}")
    n_raw = len(raw)
    raw = raw.merge(rc[["rcid", "year"]], on="rcid", how="inner")
    dropped = n_raw - len(raw)
    df = map_countries(raw, reference.load("countries"))
    votes = pd.DataFrame({"rcid": df["rcid"].astype("int32"), "year": df["year"].astype("int16"),
                          "iso3": df["iso3"].astype(str),
                          "vote": df["vote"].astype(str).map(VOTE_CODES).astype("int8")})
    votes = votes.sort_values(["rcid", "iso3"]).reset_index(drop=True)

    cmap = (df.groupby(["country", "country_code", "iso3", "code_note"], dropna=False)
            .agg(first_year=("year", "min"), last_year=("year", "max"), n_votes=("rcid", "size")).reset_index())
    cmap = cmap.rename(columns={"country": "source_name", "country_code": "source_iso2"})
    cmap["former_state"] = cmap["iso3"].isin(FORMER)
    cmap = cmap.sort_values(["iso3", "first_year"]).reset_index(drop=True)

    source = ("Voeten, Erik, Anton Strezhnev and Michael Bailey (2009), 'United Nations General Assembly Voting Data', "
              "Harvard Dataverse, hdl:1902.1/12379 (UNVotes2021.RData), as packaged in the R package unvotes "
              "(github.com/dgrtwo/unvotes, commit 7eb70343)")
    licence = "CC0 1.0 (Harvard Dataverse terms of the dataset); unvotes package code MIT"
    built = ["un_votes/un_votes.parquet", "un_votes/un_roll_calls.parquet", "un_votes/un_roll_call_issues.parquet"]
    common = {"source": source, "licence": licence, "version": "Dataverse release of 2021 (votes to 2019-12-27)",
              "built_from": built}
    write_table("un_votes", votes, {
        "title": "UN General Assembly roll-call votes by country, 1946–2019", **common,
        "notes": [("vote: 1 yes, 2 abstain, 3 no (Voeten's coding); absent and non-member votes are not in the "
                  "source (dropped upstream), so every row is a vote cast."),
                  (f"Left out: {dropped} votes of the one roll call dated 2020-01-14 (rcid 9079), so that 2019 is "
                  "the last, complete year."),
                  "Country codes: see un_vote_countries (historical units and code repairs stated per row)."],
        "string_columns": ["iso3"],
    }, fmt="parquet")
    write_table("un_roll_calls", rc, {
        "title": "UN General Assembly roll calls with issue codes, 1946–2019", **common,
        "notes": [("title: the text before ' : resolution / adopted by the General Assembly' where the source has "
                  "it, else the short title, else the description (short and descr are kept as in the source)."),
                  ("family: the smallest rcid of the roll call's recurring resolution — roll calls linked when "
                   "they share a title or description (case and punctuation ignored), transitively; agenda labels "
                   "used by 3+ roll calls of one session and labels under 12 characters link nothing."),
                  ("Issue codes (a roll call can carry several): me Palestinian conflict, nu nuclear weapons and "
                  "nuclear material, di arms control and disarmament, hr human rights, co colonialism, ec economic "
                  "development."),
                  "Left out: rcid 9079 (2020-01-14)."],
        "string_columns": ["date", "resolution", "title", "short", "descr"],
    }, fmt="parquet")
    write_table("un_vote_countries", cmap, {
        "title": "Countries in the UN General Assembly votes and their samarkand codes", **common,
        "notes": [("ISO-2 → ISO3 through samarkand's country table; the rows with a code_note were mapped by hand "
                  "(see scripts/builders/un_votes.py).")],
        "string_columns": ["source_name", "source_iso2", "iso3", "code_note"],
    })
    return ["un_votes", "un_roll_calls", "un_vote_countries"]
