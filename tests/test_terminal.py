"""Issue 17, the terminal: tables fit 80 columns, numbers never wrap, headers carry units, every shown figure is
the method's at the precision its format promises; --version, plain flags, -o, HS4 codes, choosing the dataset.

Every CLI run is in process (the ``cli`` fixture) with ``COLUMNS=80``.
"""
from __future__ import annotations

import re

import pandas as pd
import pytest
from rich.cells import cell_len

from samarkand import display, reference

NARROW = {"COLUMNS": "80"}


# ---- reading a rendered rich table back ----------------------------------------------------------------------

def parse_tables(text: str) -> list[tuple[list[str], list[list[str]]]]:
    """Each table of ``text`` as (header labels, rows of cells); wrapped lines are joined back into their cell."""
    tables, labels, rows, header, state = [], [], [], [], None
    for line in text.splitlines():
        if line.startswith("┏"):
            header, rows, state = [], [], "head"
        elif line.startswith("┃") and state == "head":
            header.append([c.strip() for c in line.strip("┃").split("┃")])
        elif line.startswith("┡"):
            labels = [" ".join(p for p in parts if p) for parts in zip(*header)]
            state = "body"
        elif line.startswith("│") and state == "body":
            cells = [c.strip() for c in line.strip("│").split("│")]
            if rows and (not cells[0] or 2 * sum(map(bool, cells)) < len(cells)):   # the row above, wrapped
                rows[-1] = [f"{a} {b}".strip() for a, b in zip(rows[-1], cells)]
            else:
                rows.append(cells)
        elif line.startswith("└") and state == "body":
            tables.append((labels, rows))
            state = None
    return tables


def column(tables, label: str, key: str | None = None) -> dict[str, str]:
    """``label``'s cells keyed by the first column (or ``key``), from the first table that has the label."""
    for labels, rows in tables:
        if label in labels and (key is None or key in labels):
            k = labels.index(key) if key else 0
            return {r[k]: r[labels.index(label)] for r in rows}
    raise AssertionError(f"no column {label!r} in {[t[0] for t in tables]}")


def assert_fits(out: str, width: int = 80) -> None:
    wide = [line for line in out.splitlines() if cell_len(line) > width and not line.startswith("source ")]
    assert not wide, f"{len(wide)} lines wider than {width}: {wide[:2]}"


NUMBER_RE = re.compile(r"^[−-]?[\d,]*\.?\d+( ?(%|k|m|bn|tn|t|kt|Mt|Gt))?$")


def assert_numbers_whole(tables) -> None:
    """A number column's cell is one number: a number broken over two lines would read '1,215, 556,922'."""
    for labels, rows in tables:
        for r in rows:
            for lab, cell in zip(labels, r):
                if cell and cell[0].isdigit() and " " in cell and not re.search(r"[A-Za-z]{2}", cell):
                    assert NUMBER_RE.match(cell), f"{lab}: {cell!r} looks broken"


# ---- the display module's kinds and headers -------------------------------------------------------------------

def test_headers_name_units_and_kinds_are_right():
    assert display.header("extra_imports_usd", display.kind_of("extra_imports_usd")) == "Extra imports (USD)"
    assert display.header("share", "share") == "Share (%)"
    assert display.header("cost_eur_m", "money") == "Cost (EUR m)"
    assert display.header("quantity_t", "tonnes") == "Quantity (t)"
    assert display.header("low price", "text") == "low price"                 # written for readers: kept
    # a slope per year is a rate (it showed as "0" when read as a year), an HHI_WGI,t an index, not tonnes
    assert display.kind_of("slope_per_year") == "ratio" and display.kind_of("abs_slope_per_year") == "ratio"
    assert display.kind_of("eu_hhi_wgi_t") == "index"
    assert display.kind_of("first_year") == "year"


# ---- per command at 80 columns ----------------------------------------------------------------------------------

def test_rebalance_one_number_style_and_the_methods_figures(cli):
    from samarkand.methods.rebalance import rebalance

    out = cli("rebalance", "EU27", "280470", "--growth", "0.3", env=NARROW)
    assert out.returncode == 0, out.stderr
    assert_fits(out.stdout)
    tables = parse_tables(out.stdout)
    assert_numbers_whole(tables)
    res = rebalance("EU27", "280470", growth=0.3).table.set_index("supplier")
    new_value = column(tables, "New value (USD)")
    new_share = column(tables, "New share (%)")
    assert len(new_value) == min(25, len(res))
    for supplier, shown in new_value.items():
        assert display.within_precision(shown, res.loc[supplier, "new_value_usd"], "money"), (supplier, shown)
        assert display.within_precision(new_share[supplier], res.loc[supplier, "new_share"], "share")
    # one style: '76,009.8' next to '91,796,291' is gone; every money cell is 3 significant digits + scale
    assert all(re.fullmatch(r"\d+(\.\d+)?( (k|m|bn))?", v) for v in new_value.values()), new_value


def test_dependencies_fit_and_show_the_screen(cli):
    from samarkand.methods.dependencies import dependencies

    out = cli("dependencies", "EU27", "--year", "2024", env=NARROW)
    assert out.returncode == 0, out.stderr
    assert_fits(out.stdout)
    tables = parse_tables(out.stdout)
    assert_numbers_whole(tables)
    res = dependencies("EU27", 2024).table.set_index("hs6")
    shown = column(tables, "Extra imports (USD)")
    hhi = column(tables, "Import HHI")
    assert shown
    for hs6, text in shown.items():
        assert display.within_precision(text, res.loc[hs6, "extra_imports_usd"], "money"), (hs6, text)
        assert display.within_precision(hhi[hs6], res.loc[hs6, "import_hhi"], "index"), (hs6, hhi[hs6])


def test_crm_partner_headers_whole_words(cli):
    out = cli("crm", "--partner", "KAZ", env=NARROW)
    assert out.returncode == 0, out.stderr
    assert_fits(out.stdout)
    tables = parse_tables(out.stdout)
    labels = [lab for t in tables for lab in t[0]]
    for expected in ("Material", "Stage", "Global share (%)", "Global rank", "EU share (%)"):
        assert expected in labels, labels                       # 'glo / bal _sh / are' is gone
    assert_numbers_whole(tables)
    from samarkand.methods import crm

    res = crm.partner("KAZ").table
    labels, rows = tables[0]
    shown = [(r[0], r[1], r[labels.index("Global share (%)")]) for r in rows]
    assert len(shown) == len(res)
    for (material, stage, text), (_, row) in zip(shown, res.iterrows()):
        assert (material, stage) == (row["material"], row["stage"])
        assert display.within_precision(text, row["global_share"], "share"), (material, text)


def test_crm_benchmark_does_not_say_ok_beside_a_breach(cli):
    from samarkand.methods import crm

    out = cli("crm", "--benchmark", env=NARROW)
    assert out.returncode == 0, out.stderr
    assert_fits(out.stdout)
    tables = parse_tables(out.stdout)
    labels = tables[0][0]
    assert "Status" not in labels and "Breach" not in labels
    above = [r[labels.index("Above benchmark")] for r in tables[0][1]]
    share = [r[labels.index("Top third share (%)")] for r in tables[0][1]]
    res = crm.benchmark(0.65, strategic_only=True).table
    expected = ["yes" if b is True else "no" if b is False else display.MISSING for b in res["breach"]]
    assert above == expected
    # the definition: above the benchmark when the largest third-country share exceeds 65 %
    for a, s, v in zip(above, share, res["top_third_share"]):
        if a != display.MISSING:
            assert (a == "yes") == (v > 0.65) and display.within_precision(s, v, "share")


def test_cbam_summarises_and_detail_lists_goods(cli):
    from samarkand.methods.cbam import cbam

    out = cli("cbam", "KAZ", "--years", "2026-2034", env=NARROW)
    assert out.returncode == 0, out.stderr
    assert_fits(out.stdout)
    assert len(out.stdout.splitlines()) < 150                   # was 467 lines
    tables = parse_tables(out.stdout)
    by_year = cbam("KAZ", years=list(range(2026, 2035))).extras["by_year"].set_index("year")
    shown = column([t for t in tables if "Share of value (%)" in t[0] or "share of value (%)" in t[0]],
                   "Central (EUR m)", key="Year")
    assert len(shown) == 9
    for year in range(2026, 2035):
        assert display.within_precision(shown[str(year)], by_year.loc[year, "cost_eur"] / 1e6, "money")


def test_alignment_slopes_are_not_rounded_to_zero(cli):
    from samarkand.methods.alignment import alignment

    out = cli("alignment", "KAZ", "EU27", "--vs", "RUS,CHN", env=NARROW)
    assert out.returncode == 0, out.stderr
    assert_fits(out.stdout)
    tables = parse_tables(out.stdout)
    res = alignment("KAZ", "EU27", vs=["RUS", "CHN"]).table
    slope = [(r[0], r[1], r[tables[0][0].index("Slope per year")]) for r in tables[0][1]]
    assert slope
    for measure, ref, shown in slope:
        measure = measure.replace(" ", "")                          # a long name wraps over two lines
        row = res[(res["measure"] == measure) & (res["reference"] == ref)]
        assert len(row) == 1, (measure, ref)
        row = row.iloc[0]
        assert shown != "0" and display.within_precision(shown, row["slope_per_year"], "ratio"), (measure, shown)


@pytest.mark.parametrize("args", [
    ["stress", "EU27", "--cut", "CHN", "--domain", "crm"],
    ["partners", "EU27", "KAZ"],
    ["corridors", "--commodity", "crude", "--close-transit", "RUS"],
    ["votes", "KAZ", "EU27"],
    ["crm"],
    ["cbam", "KAZ", "--years", "2026-2034", "--detail"],
    ["exposure", "EU27", "--via", "RUS", "--commodity", "crude", "--year", "2024"],
    ["backtest", "EU27", "--cut", "RUS", "--commodity", "crude", "--base-year", "2021", "--outcome-year", "2024"],
    ["uranium", "EU27"],
])
def test_commands_fit_80_columns(cli, args):
    out = cli(*args, env=NARROW)
    assert out.returncode == 0, out.stderr
    assert_fits(out.stdout)
    assert_numbers_whole(parse_tables(out.stdout))


def test_corridors_share_is_a_percentage_not_17_digits(cli):
    from samarkand.methods.corridors import corridors

    out = cli("corridors", "--commodity", "crude", "--close-transit", "RUS", env=NARROW)
    assert "0.11703239289446186" not in out.stdout
    shown = column(parse_tables(out.stdout), "Value")["Share of capacity left (%)"]
    res = corridors("crude", ["RUS"], [], "low").table.iloc[0]
    assert display.within_precision(shown, res["share_of_capacity_left"], "share")


# ---- small traps -----------------------------------------------------------------------------------------------

def test_version(cli):
    import tomllib
    from pathlib import Path

    out = cli("--version")
    version = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())["project"]["version"]
    assert out.returncode == 0 and out.stdout.strip() == f"samarkand {version}"


def test_flags_shown_as_flags(cli):
    out = cli("rebalance", "--help", env=NARROW)
    assert out.returncode == 0 and "--all" in out.stdout and "<bool>" not in out.stdout


def test_output_into_a_missing_folder_is_one_error(cli, tmp_path):
    target = tmp_path / "no" / "such" / "brief.html"
    out = cli("brief", "EU27", "KAZ", "-o", target, "-q")
    assert out.returncode == 2 and "does not exist" in out.stderr and len(out.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "no").exists()                        # no folder created behind the user's back


def test_hs4_code_suggests_its_hs6_children(cli):
    out = cli("rebalance", "EU27", "2804")
    assert out.returncode == 2
    codes = reference.load("hs_codes")
    children = sorted(codes.loc[(codes["revision"] == "HS22") & codes["hs6"].str.startswith("2804"), "hs6"])
    assert children[0] == "280410"
    assert "HS4 heading" in out.stderr and ", ".join(children[:8]) in out.stderr
    assert "400280" not in out.stderr


# ---- choosing the dataset --------------------------------------------------------------------------------------

MAP = "year=year,exporter=exporter,importer=importer,hs6=hs6,value_usd=value_usd"
THREE_ROWS = "year,exporter,importer,hs6,value_usd\n2023,KAZ,DEU,280470,1000\n2023,CHN,DEU,280470,500\n" \
             "2023,KAZ,FRA,280470,250\n"


def test_importing_does_not_change_the_default(cli, tmp_path):
    t = tmp_path / "three.csv"
    t.write_text(THREE_ROWS)
    imported = cli("data", "import", t, "--source", "table", "--map", MAP, "--name", "three")
    assert imported.returncode == 0 and "the default dataset is still baci-crm" in imported.stdout
    import json

    assert json.loads(cli("data", "list", "--format", "json").stdout)["default"] == "baci-crm"
    listing = cli("data", "list", "--no-references", env=NARROW)
    assert "None" not in listing.stdout and "default dataset: baci-crm" in listing.stdout
    default = column(parse_tables(listing.stdout), "Default")
    assert default == {"three": "", "baci-crm": "✓"}
    # the README's examples still run on the shipped data
    r = cli("dependencies", "EU27", "--year", "2024", "--format", "csv")
    assert r.returncode == 0, r.stderr
    shipped = pd.read_parquet(reference.path("flows_baci_crm"), columns=["year"])
    assert int(shipped["year"].max()) == 2024
    assert cli("rebalance", "EU27", "280470", "--year", "2024").returncode == 0


def test_choosing_the_default(cli, tmp_path):
    t = tmp_path / "three.csv"
    t.write_text(THREE_ROWS)
    assert cli("data", "import", t, "--source", "table", "--map", MAP, "--name", "three",
               "--default").returncode == 0
    assert cli("data", "default").stdout.strip() == "three"
    r = cli("dependencies", "DEU", "--format", "json")            # runs on the three rows: their only year
    import json

    assert json.loads(r.stdout)["provenance"]["dataset"] == "three"
    assert cli("data", "default", "baci-crm").returncode == 0
    assert cli("data", "default").stdout.strip() == "baci-crm"
    assert cli("data", "default", env={"SAMARKAND_DATASET": "three"}).stdout.strip() == "three"
    bad = cli("data", "default", "nope")
    assert bad.returncode == 2 and "no dataset named 'nope'" in bad.stderr
    cli("data", "default", "three")
    assert cli("data", "remove", "three").returncode == 0
    assert cli("data", "default").stdout.strip() == "baci-crm"    # removing the default falls back to shipped
    missing = cli("dependencies", "EU27", env={"SAMARKAND_DATASET": "gone"})
    assert missing.returncode == 2 and "SAMARKAND_DATASET" in missing.stderr


# ---- text for readers ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("command", ["", "data", "data list", "data import", "dependencies", "partners", "rebalance",
                                     "stress", "corridors", "crm", "cbam", "alignment", "votes", "brief", "check"])
def test_help_has_no_build_paths_or_repositories(cli, command):
    out = cli(*command.split(), "--help", env=NARROW)
    assert out.returncode == 0, out.stderr
    for word in ("shared/data", "SOURCES.md", "github", "scripts/", "was reachable"):
        assert word not in out.stdout, (command, word)


def test_whole_numbers_without_a_telling_name_are_counts():
    assert display.kind_of("rows", pd.Series([8, 393820])) == "count"
    assert display.format_value(8, display.kind_of("rows", pd.Series([8]))) == "8"          # not "8.00"


def test_data_list_hides_build_paths_and_repositories(cli):
    out = cli("data", "list", env=NARROW)
    assert out.returncode == 0, out.stderr
    assert_fits(out.stdout)
    assert "None" not in out.stdout
    for word in ("shared/", "facts/", "Varcolacus", "commit "):
        assert word not in out.stdout, word
    rows = column(parse_tables(out.stdout), "Rows", key="Table")
    assert rows["blocs"] == f"{len(reference.load('blocs')):,}"


def test_a_column_that_says_the_same_in_every_row_is_said_once():
    from rich.console import Console

    from samarkand.cli.tables import frame_tables

    df = pd.DataFrame({"hs6": ["280470", "810411", "720241", "760110"], "source_note": ["BACI V202501"] * 4,
                       "value_usd": [1.0e6, 2.5e6, 3.0e3, 4.2e9]})
    parts = frame_tables(df, width=80)
    assert parts[-1] == "Source note: BACI V202501 (every row)"
    console = Console(width=80, record=True, file=open("/dev/null", "w"))   # noqa: SIM115
    console.print(parts[0])
    text = console.export_text()
    assert "BACI" not in text and "Value (USD)" in text
    assert [display.money(v) for v in df["value_usd"]] == ["1.00 m", "2.50 m", "3.00 k", "4.20 bn"]
    for shown in ("1.00 m", "2.50 m", "3.00 k", "4.20 bn"):
        assert shown in text


def test_partners_summary_values_by_their_measure_and_reasons_on_demand(cli):
    from samarkand.methods.partnership import partnership

    out = cli("partners", "EU27", "KAZ", env=NARROW)
    assert out.returncode == 0, out.stderr
    res = partnership("EU27", "KAZ")
    summary = res.extras["summary"]
    shown = [r for labels, rows in parse_tables(out.stdout) if "Indicator" in labels for r in rows]
    assert len(shown) == len(summary)
    for (label, economy, text), (_, row) in zip(shown, summary.iterrows()):
        kind = display.kind_of(row["indicator"])
        assert label == display.header(row["indicator"], kind) and economy == row["economy"]
        assert display.within_precision(text, row["value"], kind), (label, text, row["value"])
    first_reason = str(res.table["why"].iloc[0])
    assert first_reason[:30] not in out.stdout and "--detail" in out.stdout
    detail = cli("partners", "EU27", "KAZ", "--detail", env=NARROW)
    assert " ".join(first_reason.split())[:30] in " ".join(detail.stdout.split())


def test_a_share_of_tonnes_is_a_share():
    assert display.kind_of("transit_share_of_imports_t") == "share"
    assert display.header("transit_share_of_imports_t", "share") == "Transit share of imports (% of tonnes)"
    assert display.kind_of("imports_t") == "tonnes"


def test_check_shows_the_evidence_as_percentages(cli):
    out = cli("check", "Kazakhstan supplies 68% of EU phosphorus imports", env=NARROW)
    assert out.returncode == 0, out.stderr
    figures = column(parse_tables(out.stdout), "Figure")
    # the independent figure: KAZ's share of extra-EU27 imports of 280470 in 2024, from the shipped rows
    from samarkand.economies import members

    f = pd.read_parquet(reference.path("flows_baci_crm"))
    eu = set(members("EU27", 2024))
    m = f[(f["year"] == 2024) & (f["hs6"] == "280470") & f["importer"].isin(eu) & ~f["exporter"].isin(eu)]
    kaz = m.loc[m["exporter"] == "KAZ", "value_usd"].sum() / m["value_usd"].sum()
    shown = next(v for k, v in figures.items() if k.startswith("Import"))       # 'Import share (%)', wrapped
    assert display.within_precision(shown, kaz, "share"), (figures, kaz)


def test_split_tables_repeat_the_row_key():
    from samarkand.cli.tables import shown_columns, split_columns

    df = pd.DataFrame({"rank": [1, 2], "hs6": ["850511", "810411"],
                       "description": ["Magnets; permanent magnets and articles", "Magnesium; unwrought, 99.8 %"],
                       **{f"measure_{i}_usd": [1.0e9 * i, 2.0e6] for i in range(1, 9)}})
    parts = split_columns(shown_columns(df), 80)
    assert len(parts) > 1
    assert [c.name for c in parts[0][:3]] == ["rank", "hs6", "description"]
    assert all(p[0].name == "hs6" for p in parts[1:])                    # the code names the row
    shown = [c.name for p in parts for c in p if c.name.startswith("measure")]
    assert shown == [f"measure_{i}_usd" for i in range(1, 9)]          # every column once, in order
