"""Issue 12: every bad input is one clear error naming file, row and field; nothing is counted twice.

Expected values are worked by hand from the fixture rows (tests/fixtures/baci, tests/fixtures/comtrade).
"""
from __future__ import annotations

import warnings
import zipfile

import pandas as pd
import pyarrow.parquet as pq
import pytest
from conftest import FIXTURES, make_baci_zip, snapshot

from samarkand.errors import DataError, InputError
from samarkand.sources import import_file
from samarkand.store import Store

BACI_2022 = (FIXTURES / "baci" / "BACI_HS22_Y2022_V202501.csv").read_text()
BACI_2023 = (FIXTURES / "baci" / "BACI_HS22_Y2023_V202501.csv").read_text()
TABLE_MAP = "year=Year,exporter=From,importer=To,hs6=Code,value_usd=V"


def _one_line_error(r) -> str:
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert r.stderr.startswith("error: ") and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr, r.stderr
    return r.stderr


# --- 2. duplicate yearly files ------------------------------------------------------------------------------------

def test_zip_with_the_same_yearly_file_twice_is_refused_naming_both(home, tmp_path):
    z = tmp_path / "BACI_HS22_V202501.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("a/BACI_HS22_Y2022_V202501.csv", BACI_2022)
        zf.writestr("b/BACI_HS22_Y2022_V202501.csv", BACI_2022)
    with pytest.raises(DataError) as e:
        import_file(z, home=home)
    msg = str(e.value)
    assert "a/BACI_HS22_Y2022_V202501.csv" in msg and "b/BACI_HS22_Y2022_V202501.csv" in msg and "2022" in msg
    assert snapshot(home) == {}


def test_folder_with_a_renamed_copy_is_refused_naming_both(cli, home, tmp_path):
    folder = tmp_path / "baci"
    folder.mkdir()
    (folder / "BACI_HS22_Y2022_V202501.csv").write_text(BACI_2022)
    (folder / "old_BACI_HS22_Y2022_V202501.csv").write_text(BACI_2022)
    err = _one_line_error(cli("data", "import", folder))
    assert "old_BACI_HS22_Y2022_V202501.csv" in err and str(folder / "BACI_HS22_Y2022_V202501.csv") in err
    assert "catalog.json" not in snapshot(home)


def test_two_distinct_years_in_a_folder_import_once_each(home, tmp_path):
    folder = tmp_path / "baci"
    folder.mkdir()
    (folder / "BACI_HS22_Y2022_V202501.csv").write_text(BACI_2022)
    (folder / "BACI_HS22_Y2023_V202501.csv").write_text(BACI_2023)
    info = import_file(folder, home=home, name="f")
    n_lines = len(BACI_2022.strip().split("\n")) - 1 + len(BACI_2023.strip().split("\n")) - 1
    assert info.rows == n_lines == 11


# --- 4. values that would overflow ---------------------------------------------------------------------------------

def test_baci_value_that_overflows_when_scaled_is_a_data_error_without_warning(home, tmp_path):
    z = make_baci_zip(tmp_path / "BACI_HS22_V202501.zip", {"BACI_HS22_Y2023_V202501.csv":
                      "t,i,j,k,v,q\n2023,398,276,280470,1.5,1\n2023,156,276,810411,1e306,2\n"})
    with warnings.catch_warnings():
        warnings.simplefilter("error")                  # numpy's overflow RuntimeWarning would raise here
        with pytest.raises(DataError) as e:
            import_file(z, home=home)
    assert e.value.row == 3 and e.value.field == "v" and "out of range" in str(e.value)


def test_baci_value_overflow_on_the_text_path_too(home, tmp_path):
    """A padded field sends the block to the text path: the same bound applies there."""
    z = make_baci_zip(tmp_path / "BACI_HS22_V202501.zip", {"BACI_HS22_Y2023_V202501.csv":
                      "t,i,j,k,v,q\n2023, 398,276,280470,1.5,1\n2023,156,276,810411,1e306,2\n"})
    with pytest.raises(DataError) as e:
        import_file(z, home=home)
    assert e.value.row == 3 and e.value.field == "v"


def test_table_value_that_overflows_with_its_unit_is_refused(cli, home, tmp_path):
    t = tmp_path / "t.csv"
    t.write_text("Year,From,To,Code,V\n2023,KAZ,DEU,280470,1\n2023,KAZ,FRA,280470,1e305\n")
    err = _one_line_error(cli("data", "import", t, "--source", "table", "--map", TABLE_MAP, "--value-unit", "musd"))
    assert "row 3" in err and "field 'V'" in err and "out of range" in err
    assert "catalog.json" not in snapshot(home)


def test_large_but_plausible_values_import_exactly(home, tmp_path):
    """1.5e12 kUSD (an absurd but finite figure) is stored as 1.5e15 USD, not refused, not rounded."""
    z = make_baci_zip(tmp_path / "BACI_HS22_V202501.zip", {"BACI_HS22_Y2023_V202501.csv":
                      "t,i,j,k,v,q\n2023,398,276,280470,1500000000000,1\n"}, drop=("BACI_HS22_Y2022_V202501.csv",))
    import_file(z, home=home, name="big")
    got = Store(home).flows("big").query("SELECT value_usd FROM flows").value_usd.item()
    assert got == 1.5e15


# --- 5. years: range checked, stored in a type that cannot wrap -----------------------------------------------------

@pytest.mark.parametrize("year", ["40000", "0", "1800", "3000", "9999", "1899", "2101"])
def test_table_year_out_of_range_is_refused_naming_row(home, tmp_path, year):
    t = tmp_path / "t.csv"
    t.write_text(f"Year,From,To,Code,V\n2023,KAZ,DEU,280470,1\n{year},KAZ,FRA,280470,2\n")
    with pytest.raises(DataError) as e:
        import_file(t, "table", home=home, mapping={"year": "Year", "exporter": "From", "importer": "To",
                                                     "hs6": "Code", "value_usd": "V"})
    assert e.value.row == 3 and e.value.field == "Year" and "1900–2100" in str(e.value)


def test_boundary_years_are_stored_exactly_as_int32(home, tmp_path):
    t = tmp_path / "t.csv"
    t.write_text("Year,From,To,Code,V\n1900,KAZ,DEU,280470,1\n2100,KAZ,FRA,280470,2\n")
    info = import_file(t, "table", home=home, name="t", mapping={"year": "Year", "exporter": "From",
                                                                  "importer": "To", "hs6": "Code", "value_usd": "V"})
    assert info.years == [1900, 2100]
    assert Store(home).flows("t").years() == [1900, 2100]
    part = next((home / info.directory).rglob("*.parquet"))
    assert str(pq.read_schema(part).field("year").type) == "int32"


def test_table_constant_year_option_is_range_checked(home):
    with pytest.raises(InputError, match="1900–2100"):
        import_file(FIXTURES / "comtrade" / "flows_table.csv", "table", home=home, year=40000,
                    mapping={"exporter": "From", "importer": "To", "hs6": "Code", "value_usd": "ValueK"})


@pytest.mark.parametrize("year, row_year", [("40000", "40000"), ("1800", "1800"), ("202", "202")])
def test_comtrade_year_out_of_range_is_refused_not_truncated(home, tmp_path, year, row_year):
    c = tmp_path / "c.csv"
    c.write_text("refYear,reporterISO,partnerISO,flowCode,cmdCode,primaryValue\n"
                 f"2023,KAZ,DEU,X,280470,5\n{year},KAZ,FRA,X,280470,5\n")
    with pytest.raises(DataError) as e:
        import_file(c, "comtrade", home=home)
    assert e.value.row == 3 and row_year in str(e.value) and "1900–2100" in str(e.value)


def test_comtrade_monthly_period_gives_its_year(home, tmp_path):
    c = tmp_path / "c.csv"
    c.write_text("period,reporterISO,partnerISO,flowCode,cmdCode,primaryValue\n202305,KAZ,DEU,X,280470,5\n")
    info = import_file(c, "comtrade", home=home)
    assert info.years == [2023]


def test_baci_file_name_year_out_of_range(home, tmp_path):
    z = make_baci_zip(tmp_path / "BACI_HS22_V202501.zip",
                      {"BACI_HS22_Y1800_V202501.csv": BACI_2023.replace("2023,", "1800,")})
    with pytest.raises(DataError, match="1800 .*outside 1900–2100"):
        import_file(z, home=home)


# --- 7, 8, 11. long lines, header with spaces, structural errors on the right row ----------------------------------

def test_a_100_mib_line_is_refused_without_crashing_the_interpreter(cli, home, tmp_path):
    z = tmp_path / "BACI_HS22_V202501.zip"
    with zipfile.ZipFile(z, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("BACI_HS22_Y2023_V202501.csv", "t,i,j,k,v,q\n2023,398,276,280470,1,1\n" + "9" * (100 << 20))
    err = _one_line_error(cli("data", "import", z))
    assert "row 3" in err and "line longer than" in err and "Fatal" not in err


def test_a_long_header_line_is_refused_too(home, tmp_path):
    z = make_baci_zip(tmp_path / "BACI_HS22_V202501.zip", {"BACI_HS22_Y2023_V202501.csv": "t" * (3 << 20)})
    with pytest.raises(DataError) as e:
        import_file(z, home=home)
    assert e.value.row == 1 and "line longer than" in str(e.value)


def test_header_and_fields_with_spaces_import_exactly(home, tmp_path):
    text = " t, i, j, k, v, q\n 2023, 398, 276, 280470, 1.5, 0.25\n 2023, 156, 276, 810411, 300, NA\n"
    z = make_baci_zip(tmp_path / "BACI_HS22_V202501.zip", {"BACI_HS22_Y2023_V202501.csv": text},
                      drop=("BACI_HS22_Y2022_V202501.csv",))
    import_file(z, home=home, name="s")
    df = Store(home).flows("s").query("SELECT * FROM flows ORDER BY exporter")
    # 156 → CHN, 398 → KAZ, 276 → DEU; v in thousands of USD: 300 → 300 000, 1.5 → 1 500
    assert list(df.exporter) == ["CHN", "KAZ"] and set(df.importer) == {"DEU"}
    assert list(df.value_usd) == [300_000.0, 1_500.0] and df.quantity_t.iloc[1] == 0.25
    assert df.quantity_t.isna().iloc[0]


def _baci_lines(n: int) -> list[str]:
    """n distinct valid 2023 rows: phosphorus (280470) between distinct pairs of the fixture's countries."""
    codes = pd.read_csv(FIXTURES / "baci" / "country_codes_V202501.csv", dtype=str)["country_code"].tolist()
    pairs = [(a, b) for a in codes for b in codes if a != b]
    assert len(pairs) >= n
    return [f"2023,{a},{b},280470,1,1" for a, b in pairs[:n]]


def test_too_few_fields_names_the_right_row(home, tmp_path):
    from samarkand.sources.baci import _text_rows

    lines = ["t,i,j,k,v,q"] + [f"2023,398,276,280470,{n},1" for n in range(1, 41)]   # lines 2..41
    lines.append("2023,398,276,280470,1")                                               # line 42: 5 fields
    with pytest.raises(DataError) as e:
        _text_rows(("\n".join(lines[1:]) + "\n").encode(), 2, "f.csv")
    assert e.value.row == 42
    z = make_baci_zip(tmp_path / "BACI_HS22_V202501.zip",
                      {"BACI_HS22_Y2023_V202501.csv": "\n".join(lines) + "\n"})
    with pytest.raises(DataError) as e:
        import_file(z, home=home)
    assert e.value.row == 42 and "6 fields" in str(e.value)


def test_invalid_utf8_names_the_right_row(cli, home, tmp_path):
    body = ["t,i,j,k,v,q"] + [f"2023,398,276,280470,{n},1" for n in range(1, 31)]          # lines 2..31
    raw = ("\n".join(body) + "\n").encode() + b"2023,398,276,280470,1,\xff\xfe\n"          # line 32
    z = make_baci_zip(tmp_path / "BACI_HS22_V202501.zip", {"BACI_HS22_Y2023_V202501.csv": raw})
    err = _one_line_error(cli("data", "import", z))
    assert "row 32" in err and "UTF-8" in err


def test_blank_lines_do_not_shift_row_numbers(home, tmp_path):
    text = "t,i,j,k,v,q\n2023,398,276,280470,1,1\n\n2023,156,276,810411,-2,1\n"      # the bad row is line 4
    z = make_baci_zip(tmp_path / "BACI_HS22_V202501.zip", {"BACI_HS22_Y2023_V202501.csv": text})
    with pytest.raises(DataError) as e:
        import_file(z, home=home)
    assert e.value.row == 4 and e.value.field == "v"


def test_rows_in_later_blocks_are_numbered_from_the_file_start(home, tmp_path, monkeypatch):
    """Blocks of 64 bytes (about two lines each): every row imports once, and an error on line 9 says row 9."""
    import samarkand.sources.lines as L

    monkeypatch.setattr(L, "BLOCK", 64)
    rows = _baci_lines(10)
    good = make_baci_zip(tmp_path / "good.zip", {"BACI_HS22_Y2023_V202501.csv": "t,i,j,k,v,q\n" + "\n".join(rows)},
                         drop=("BACI_HS22_Y2022_V202501.csv",))
    with open(tmp_path / "plain.csv", "wb") as fh:
        fh.write(("t,i,j,k,v,q\n" + "\n".join(rows)).encode())
    with open(tmp_path / "plain.csv", "rb") as fh:
        lb = L.LineBlocks(fh, "plain.csv")
        lb.header()
        firsts = [first for first, _ in lb]
    assert len(firsts) > 3 and firsts[0] == 2                 # really split into several blocks
    info = import_file(good, home=home, name="g")
    assert info.rows == 10
    assert Store(home).flows("g").query("SELECT count(DISTINCT (exporter, importer)) n FROM flows").n.item() == 10
    bad = rows.copy()
    bad[7] = bad[7].replace(",1,1", ",x,1")                   # rows[7] is line 9 (the header is line 1)
    z = make_baci_zip(tmp_path / "bad.zip", {"BACI_HS22_Y2023_V202501.csv": "t,i,j,k,v,q\n" + "\n".join(bad)},
                      drop=("BACI_HS22_Y2022_V202501.csv",))
    with pytest.raises(DataError) as e:
        import_file(z, home=home)
    assert e.value.row == 9 and e.value.field == "v"


def test_hs_revision_must_exist(cli, home):
    err = _one_line_error(cli("data", "import", FIXTURES / "comtrade" / "flows_table.csv", "--source", "table",
                              "--map", "year=Year,exporter=From,importer=To,hs6=Code,value_usd=ValueK",
                              "--country-scheme", "name", "--hs-revision", "HS99"))
    assert "HS99" in err and "HS22" in err


def test_duplicate_across_batches_of_any_source_is_refused(home):
    """The store's own cross-file check (readers without a per-file proof): names the flow and the files."""
    from samarkand.sources.validate import to_arrow

    s = pd.Series
    batch = to_arrow(s([2023]), s(["KAZ"]), s(["DEU"]), s(["280470"]), s([1.0]), s([float("nan")]))
    with pytest.raises(DataError) as e:
        Store(home).import_batches("x", iter([batch, batch]), source="table", release=None, hs_revision=None,
                                   checksum=None, source_files=["a.csv", "b.csv"])
    assert "a.csv" in str(e.value) and "b.csv" in str(e.value) and "KAZ" in str(e.value)
