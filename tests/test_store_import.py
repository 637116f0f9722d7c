"""Issue 2: the store, the BACI reader and atomic imports, on a hand-made BACI-layout fixture.

Fixture rows (tests/fixtures/baci/BACI_HS22_Y2023_V202501.csv) — expected values worked out by hand:
  398→276 280470 v=1.5    → KAZ→DEU 1 500 USD, 0.25 t
  398→251 280470 v=20.25  → KAZ→FRA 20 250 USD
  643→276 810411 q='           NA' → RUS→DEU 12 125 USD, quantity missing
  490→380 850511 v=7.5    → S19 ('Other Asia, nes')→ITA 7 500 USD
  516→842  10121 v=0.001  → NAM→USA, hs6 '010121' (leading zero restored), 1 USD
"""
from __future__ import annotations

import hashlib
import json

import duckdb
import pytest

from conftest import FIXTURES, make_baci_zip, snapshot
from samarkand.errors import DataError, InputError
from samarkand.sources import import_file
from samarkand.store import Store


def _rows(home, name):
    f = Store(home).flows(name)
    return f.query("SELECT * FROM flows ORDER BY year, exporter, importer, hs6")


def test_import_then_list_shows_rows_and_checksum(cli, home, baci_zip):
    r = cli("data", "import", baci_zip)
    assert r.returncode == 0, r.stderr
    r = cli("data", "list", "--format", "json")
    assert r.returncode == 0, r.stderr
    listed = json.loads(r.stdout)
    ds = {d["name"]: d for d in listed["datasets"]}
    d = ds["baci-hs22-v202501"]
    assert d["rows"] == 8 + 3                       # 8 rows in 2023, 3 in 2022
    assert d["checksum"] == hashlib.sha256(baci_zip.read_bytes()).hexdigest()
    assert d["years"] == [2022, 2023] and d["hs_revision"] == "HS22" and d["release"] == "V202501"
    assert "baci-crm" in ds                          # the shipped dataset is always listed
    table = cli("data", "list")
    assert "baci-hs22-v202501" in table.stdout and "11" in table.stdout


def test_values_codes_and_quantities_converted_exactly(home, baci_zip):
    import_file(baci_zip, home=home)
    df = _rows(home, "baci-hs22-v202501")
    row = df[(df.exporter == "KAZ") & (df.importer == "DEU") & (df.year == 2023)].iloc[0]
    assert row.value_usd == 1500.0 and row.quantity_t == 0.25 and row.hs6 == "280470"
    assert df[(df.exporter == "KAZ") & (df.importer == "FRA")].value_usd.item() == 20250.0
    rus = df[(df.exporter == "RUS")].iloc[0]
    assert rus.value_usd == 12125.0 and rus.quantity_t != rus.quantity_t   # NaN: 'NA' with padding
    assert df[df.exporter == "S19"].importer.item() == "ITA"
    nam = df[df.exporter == "NAM"].iloc[0]
    assert nam.hs6 == "010121" and nam.importer == "USA" and nam.value_usd == pytest.approx(1.0)


def test_reimport_refused_then_replaced_atomically(cli, home, baci_zip):
    assert cli("data", "import", baci_zip).returncode == 0
    before = snapshot(home)
    r = cli("data", "import", baci_zip)
    assert r.returncode == 2 and "already in the store" in r.stderr
    assert snapshot(home) == before
    r = cli("data", "import", baci_zip, "--replace")
    assert r.returncode == 0, r.stderr
    assert len(_rows(home, "baci-hs22-v202501")) == 11           # replaced, never doubled
    cat = json.loads((home / "catalog.json").read_text())
    assert list(cat["datasets"]) == ["baci-hs22-v202501"]
    assert len([p for p in (home / "datasets").iterdir() if p.is_dir()]) == 1   # the old version is gone


def test_years_filter_and_default_dataset(home, baci_zip):
    import_file(baci_zip, home=home, years=[2023])
    s = Store(home)
    assert s.info().name == "baci-crm"                  # importing does not change the default (issue 17)
    assert s.info("baci-hs22-v202501").years == [2023]
    s.set_default("baci-hs22-v202501")
    assert s.info().name == "baci-hs22-v202501" and s.flows().years() == [2023]


def test_every_baci_country_code_maps_to_its_iso3():
    """The shipped table against BACI's own published list, and well-known codes checked by hand."""
    import pandas as pd

    from samarkand.economies import countries

    shipped = countries().set_index("baci_code")["iso3"]
    # BACI's numeric codes are ISO 3166-1 numeric (country_converter's table, independent of the builder)
    # except for BACI's own conventions, listed by hand from BACI's country list: territories merged into one
    # code (France+Monaco 251, Switzerland+Liechtenstein 757, Norway+Svalbard 579, USA+PRI+VIR 842, India 699,
    # Belgium-Luxembourg 58, Fed. Rep. of Germany 280, Sudan before 2012 736) and groupings with no ISO code.
    import logging

    import country_converter as coco

    logging.getLogger("country_converter").setLevel(logging.ERROR)
    iso = coco.CountryConverter().data[["ISO3", "ISOnumeric"]].dropna()
    iso_numeric = dict(zip(iso["ISO3"], iso["ISOnumeric"].astype(int)))
    differs = {code for code, iso3 in shipped.items() if iso_numeric.get(iso3) != code}
    assert differs == {58, 200, 251, 278, 280, 490, 530, 579, 697, 699, 711, 736, 757, 810, 842, 849, 891}
    # BACI conventions: France is 251, Switzerland 757, India 699, USA 842, Other Asia nes 490 → S19
    for code, iso3 in {251: "FRA", 757: "CHE", 699: "IND", 842: "USA", 490: "S19", 398: "KAZ", 276: "DEU",
                       156: "CHN", 643: "RUS", 516: "NAM"}.items():
        assert shipped[code] == iso3
    assert pd.Series(shipped.index).is_unique


def test_all_shipped_codes_import_through_the_reader(home, tmp_path):
    """A BACI file using every code of the shipped list as exporter: each becomes its ISO3."""
    from samarkand.economies import countries

    c = countries().drop_duplicates("iso3")        # 729 and 736 are both Sudan (SDN): one per ISO3
    lines = ["t,i,j,k,v,q"] + [f"2023,{code},398,280470,1,NA" for code in c["baci_code"] if code != 398]
    z = make_baci_zip(tmp_path / "all.zip", {"BACI_HS22_Y2023_V202501.csv": "\n".join(lines) + "\n"},
                      drop=("country_codes_V202501.csv", "BACI_HS22_Y2022_V202501.csv"))
    import_file(z, home=home)
    df = _rows(home, "baci-hs22-v202501")
    assert len(df) == len(c) - 1
    assert set(df.exporter) == set(c.loc[c["baci_code"] != 398, "iso3"])


def test_two_codes_for_one_country_in_a_file_are_a_duplicate(home, tmp_path):
    """BACI gives Sudan two numeric codes (729, 736 → SDN): both in one year is one flow twice."""
    z = make_baci_zip(tmp_path / "sdn.zip", {"BACI_HS22_Y2023_V202501.csv":
                                             "t,i,j,k,v,q\n2023,729,398,280470,1,NA\n2023,736,398,280470,2,NA\n"},
                      drop=("country_codes_V202501.csv", "BACI_HS22_Y2022_V202501.csv"))
    with pytest.raises(DataError, match="rows 2 and 3"):
        import_file(z, home=home)


BAD_CASES = {
    "malformed header": ({"BACI_HS22_Y2023_V202501.csv": "t,i,j,k,value,q\n2023,398,276,280470,1,1\n"},
                         "BACI_HS22_Y2023_V202501.csv", "row 1", "header"),
    "header not UTF-8": ({"BACI_HS22_Y2023_V202501.csv": b"\x80,i,j,k,v,q\n2023,398,276,280470,1,1\n"},
                         "Y2023", "row 1", "header"),
    "non-numeric value": ({"BACI_HS22_Y2023_V202501.csv": "t,i,j,k,v,q\n2023,398,276,280470,1,1\n"
                           "2023,156,276,810411,abc,2\n"}, "BACI_HS22_Y2023_V202501.csv", "row 3", "field 'v'"),
    "negative value": ({"BACI_HS22_Y2023_V202501.csv": "t,i,j,k,v,q\n2023,398,276,280470,1,1\n"
                        "2023,156,276,810411,2,3\n2023,643,276,810411,-4,1\n"}, "Y2023", "row 4", "field 'v'"),
    "negative quantity": ({"BACI_HS22_Y2023_V202501.csv": "t,i,j,k,v,q\n2023,398,276,280470,1,-1\n"},
                          "Y2023", "row 2", "field 'q'"),
    "unknown country": ({"BACI_HS22_Y2023_V202501.csv": "t,i,j,k,v,q\n2023,398,276,280470,1,1\n"
                         "2023,999,276,810411,2,1\n"}, "Y2023", "row 3", "field 'i'"),
    "unknown hs code": ({"BACI_HS22_Y2023_V202501.csv": "t,i,j,k,v,q\n2023,398,276,999999,1,1\n"},
                        "Y2023", "row 2", "field 'k'"),
    "duplicate row": ({"BACI_HS22_Y2023_V202501.csv": "t,i,j,k,v,q\n2023,398,276,280470,1,1\n"
                       "2023,156,276,810411,2,1\n2023,398,276,280470,5,1\n"}, "Y2023", "row 4", "field 't,i,j,k'"),
    "year outside the file": ({"BACI_HS22_Y2023_V202501.csv": "t,i,j,k,v,q\n2023,398,276,280470,1,1\n"
                               "2021,156,276,810411,2,1\n"}, "Y2023", "row 3", "field 't'"),
    "empty file": ({"BACI_HS22_Y2023_V202501.csv": ""}, "Y2023", "row 1", "empty"),
    "header only": ({"BACI_HS22_Y2023_V202501.csv": "t,i,j,k,v,q\n"}, "Y2023", "row 2", "no data rows"),
    "nan value": ({"BACI_HS22_Y2023_V202501.csv": "t,i,j,k,v,q\n2023,398,276,280470,1,1\n2023,156,276,810411,nan,1\n"},
                  "Y2023", "row 3", "field 'v'"),
    "missing value": ({"BACI_HS22_Y2023_V202501.csv": "t,i,j,k,v,q\n2023,398,276,280470,,1\n"},
                      "Y2023", "row 2", "field 'v'"),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_input_names_file_row_field_and_leaves_store_unchanged(case, cli, home, tmp_path, baci_zip):
    assert cli("data", "import", baci_zip, "--name", "earlier").returncode == 0
    before = snapshot(home)
    overrides, file_part, row_part, field_part = BAD_CASES[case]
    bad = make_baci_zip(tmp_path / "BACI_bad.zip", overrides)
    r = cli("data", "import", bad)
    assert r.returncode == 2, (case, r.stdout, r.stderr)
    msg = " ".join(r.stderr.split())
    assert file_part in msg and row_part in msg and field_part in msg, msg
    assert "Traceback" not in r.stderr
    assert snapshot(home) == before
    assert len(_rows(home, "earlier")) == 11        # still usable


def test_truncated_zip_is_refused_and_store_unchanged(cli, home, tmp_path, baci_zip):
    assert cli("data", "import", baci_zip, "--name", "earlier").returncode == 0
    before = snapshot(home)
    data = baci_zip.read_bytes()
    cut = tmp_path / "BACI_HS22_V202501_cut.zip"
    cut.write_bytes(data[: len(data) // 2])
    r = cli("data", "import", cut, "--source", "baci")
    assert r.returncode == 2
    assert str(cut) in r.stderr.replace("\n", "") and "zip" in r.stderr
    assert snapshot(home) == before


def test_year_not_in_archive(cli, home, baci_zip):
    r = cli("data", "import", baci_zip, "--years", "2030")
    assert r.returncode == 2 and "2030" in r.stderr and "2022, 2023" in r.stderr
    assert snapshot(home) == {} or "catalog.json" not in snapshot(home)


def test_duplicate_across_files_is_refused(home, tmp_path):
    """Two CSVs of one year in a folder import: the store's own cross-file check catches a repeated flow."""
    from samarkand.sources.base import ImportPlan
    from samarkand.sources.validate import to_arrow
    import pandas as pd

    def batch():
        s = pd.Series
        return to_arrow(s([2023]), s(["KAZ"]), s(["DEU"]), s(["280470"]), s([1.0]), s([float("nan")]))

    with pytest.raises(DataError, match="duplicate flow .*KAZ.*DEU.*280470"):
        Store(home).import_batches("x", iter([batch(), batch()]), source="table", release=None, hs_revision=None,
                                   checksum=None, source_files=["a.csv", "b.csv"])
    assert snapshot(home) == {} or set(snapshot(home)) <= {"catalog.json"}


def test_shipped_name_is_reserved(home, baci_zip):
    with pytest.raises(InputError):
        import_file(baci_zip, home=home, name="baci-crm")


def test_dataset_selection_never_merges(home, baci_zip, tmp_path):
    import_file(baci_zip, home=home, name="a", years=[2022])
    import_file(baci_zip, home=home, name="b", years=[2023])
    s = Store(home)
    assert s.flows("a").years() == [2022] and s.flows("b").years() == [2023]
    assert s.info().name == "baci-crm"                  # the default stays the shipped one until chosen
    assert s.flows("baci-crm").info.shipped
