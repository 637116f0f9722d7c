"""Issue 12: user text reaches the terminal escaped; no MarkupError, no swallowed '[bold]', one-line errors."""
from __future__ import annotations

import json

import pandas as pd
from conftest import FIXTURES

from samarkand.provenance import Result

BACI_2023 = FIXTURES / "baci" / "BACI_HS22_Y2023_V202501.csv"


def _one_line_error(r) -> str:
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert r.stderr.startswith("error: ") and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr, r.stderr
    return r.stderr


def test_markup_in_an_economy_argument_is_printed_verbatim(cli):
    err = _one_line_error(cli("dependencies", "[/x]"))
    assert "'[/x]'" in err and "MarkupError" not in err
    err = _one_line_error(cli("stress", "KAZ", "--cut", "[/b]"))
    assert "'[/b]'" in err


def test_markup_in_a_csv_value_is_printed_verbatim(cli, tmp_path):
    t = tmp_path / "t.csv"
    t.write_text("Year,From,To,Code,V\n2023,KAZ,DEU,280470,[/x]\n")
    err = _one_line_error(cli("data", "import", t, "--source", "table", "--map",
                              "year=Year,exporter=From,importer=To,hs6=Code,value_usd=V"))
    assert "'[/x]'" in err and "row 2" in err


def test_markup_like_dataset_names_list_and_remove_verbatim(cli):
    for name in ("[/x]", "[bold]b"):
        r = cli("data", "import", BACI_2023, "--name", name)
        assert r.returncode == 0, r.stderr
        assert f"imported {name}:" in r.stdout
    r = cli("data", "list", "--no-references")
    assert r.returncode == 0, r.stderr
    assert "[/x]" in r.stdout and "[bold]b" in r.stdout
    r = cli("data", "list", "--format", "json")
    assert {"[/x]", "[bold]b"} <= {d["name"] for d in json.loads(r.stdout)["datasets"]}
    r = cli("data", "remove", "[bold]b")
    assert r.returncode == 0 and "removed [bold]b" in r.stdout


def test_emit_escapes_cells_columns_title_notes_and_provenance(capsys):
    from samarkand.cli.output import emit

    res = Result(pd.DataFrame({"[b]col": ["[/x]", "[bold]y"], "n": [1.0, 2.0]}),
                 {"method": "[red]m", "source": "s", "dataset": "[/d]", "years": [2023]},
                 {"[i]extra": pd.DataFrame({"a": ["[/z]"]})}, ["note [/n]"])
    emit(res, "table", title="title [/t]")
    out = capsys.readouterr().out
    for text in ("[b]col", "[/x]", "[bold]y", "[red]m", "[/d]", "note [/n]", "title [/t]", "[/z]"):
        assert text in out, text


def test_safe_console_prints_unescaped_markup_plain():
    from samarkand.cli.output import SafeConsole

    c = SafeConsole(record=True, width=80)
    c.print("partner [/x] matters")                 # what a command printing raw data text would do
    assert "partner [/x] matters" in c.export_text()


def test_error_lines_are_plain_text(cli):
    """A bloc named like markup in an error message: printed whole, not interpreted."""
    err = _one_line_error(cli("dependencies", "[bold]KAZ"))
    assert "[bold]KAZ" in err
