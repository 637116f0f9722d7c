"""scripts/builders/un_votes.py: country codes, roll-call titles and recurring-resolution families on tiny hand cases."""
from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

b = importlib.import_module("builders.un_votes")

COUNTRIES = pd.DataFrame({"iso2": ["DE", "KZ", "CS", "CS", "NA"], "iso3": ["DEU", "KAZ", "CSK", "SCG", "NAM"]})


def test_codes_historical_units_and_namibia():
    votes = pd.DataFrame({
        "rcid": [1, 1, 1, 2, 2, 3, 4, 5],
        "year": [1980, 1980, 1980, 1995, 1995, 2010, 1963, 1985],
        "country": ["Federal Republic of Germany", "Czechoslovakia", "Yugoslavia", "Yugoslavia", "Namibia",
                    "Yugoslavia", "Zanzibar", "Russia"],
        "country_code": [None, "CS", "YU", "YU", "NA", "YU", None, "RU"],
    })
    out = b.map_countries(votes, pd.concat([COUNTRIES, pd.DataFrame({"iso2": ["RU"], "iso3": ["RUS"]})]))
    # West Germany has no ISO-2 code -> DEU; CS is listed twice in the table (CSK, SCG) -> CSK by hand;
    # 'Yugoslavia' -> YUG (1980), SCG (1995), SRB (2010); Namibia's 'NA' is a code, not a missing value
    assert out["iso3"].tolist() == ["DEU", "CSK", "YUG", "SCG", "NAM", "SRB", "ZAN", "RUS"]
    assert "West Germany" in out["code_note"].iloc[0]
    assert "USSR" in out["code_note"].iloc[7]
    assert out["code_note"].iloc[4] == ""


def test_unmapped_code_and_duplicate_vote_raise():
    bad = pd.DataFrame({"rcid": [1], "year": [2000], "country": ["Atlantis"], "country_code": ["XX"]})
    with pytest.raises(ValueError, match="without a samarkand code"):
        b.map_countries(bad, COUNTRIES)
    # West Germany (no code) and Germany (DE) on one roll call would give DEU twice
    dup = pd.DataFrame({"rcid": [1, 1], "year": [1990, 1990], "country": ["Federal Republic of Germany", "Germany"],
                        "country_code": [None, "DE"]})
    with pytest.raises(ValueError, match="two votes"):
        b.map_countries(dup, COUNTRIES)


def test_titles():
    assert b.roll_call_title("Rights of the child : resolution / adopted by the Ge",
                             "Rights of the child : resolution / adopted by the General Assembly") == \
        "Rights of the child"
    assert b.roll_call_title("HUMAN RIGHTS, IRAN", "Expresses concern at ...") == "HUMAN RIGHTS, IRAN"
    assert b.roll_call_title(None, "Only a description") == "Only a description"


def test_families_link_titles_and_descriptions_but_not_agenda_labels():
    rc = pd.DataFrame({
        "rcid": [10, 20, 30, 40, 41, 42, 50],
        "session": [50, 60, 70, 71, 71, 71, 72],
        "title": ["HUMAN RIGHTS, IRAN", "Situation of human rights in Iran", "Situation of human rights in Iran",
                  "PALESTINE QUESTION", "PALESTINE QUESTION", "PALESTINE QUESTION", "PALESTINE QUESTION"],
        "descr": ["Situation of human rights in Iran", "", "", "a", "b", "c", "d"],
    })
    fam = dict(zip(rc["rcid"], b.resolution_families(rc)))
    # 10 is linked to 20 by its description, 20 to 30 by title: one family labelled by the smallest rcid
    assert fam[10] == fam[20] == fam[30] == 10
    # 'PALESTINE QUESTION' labels three roll calls of session 71: an agenda item, it links nothing
    assert [fam[r] for r in (40, 41, 42, 50)] == [40, 41, 42, 50]
