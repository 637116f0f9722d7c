"""One formatter per kind of figure: examples worked by hand, and every kind read back within its promise."""
from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samarkand.display import KINDS, format_value, kind_of, parse_value, within_precision


@pytest.mark.parametrize("value, kind, shown", [
    (1.502, "ratio", "1.50"),            # a trade intensity (issue 17: it showed as "2")
    (0.014, "share", "1.4 %"),           # coverable shares (issue 17: "0" and "1")
    (0.545, "share", "54.5 %"),
    (0.00042, "share", "0.042 %"),
    (0.46, "index", "0.460"),            # HHI = 0.6² + 0.3² + 0.1²
    (0.0004, "index", "0.00040"),
    (21.0, "count", "21"),               # counts showed as "21.0" and "9.000"
    (9.0, "count", "9"),
    (12345, "count", "12,345"),
    (4.8e9, "money", "4.80 bn"),
    (20.88e6, "money", "20.9 m"),
    (999_600, "money", "1.00 m"),        # 999.6 k rounds up a scale, not to "1000 k"
    (950, "money", "950"),
    (35.2e6, "tonnes", "35.2 Mt"),
    (950, "tonnes", "950 t"),
    (2024.0, "year", "2024"),
    (0.00003, "pvalue", "< 0.0001"),
    (0.0123, "pvalue", "0.012"),
    (1234.5, "ratio", "1,234"),          # Python rounds half to even: 1234.5 → 1234
    (0.1170323928944618, "share", "11.7 %"),
    (math.inf, "ratio", "∞"),
    (float("nan"), "money", "—"),
    (None, "share", "—"),
    (True, "bool", "yes"),
])
def test_examples_worked_by_hand(value, kind, shown):
    assert format_value(value, kind) == shown


@pytest.mark.parametrize("column, kind", [
    ("extra_imports_usd", "money"), ("cost_eur", "money"), ("extra_share", "share"),
    ("top_supplier_share", "share"), ("import_hhi", "index"), ("world_export_hhi", "index"),
    ("import_export_ratio", "ratio"), ("trade_intensity", "ratio"), ("rca", "ratio"), ("n_products", "count"),
    ("year", "year"), ("years_met", "count"), ("quantity_t", "tonnes"), ("p_value", "pvalue"), ("sr", "index"),
    ("identical_share", "share"), ("agreement_index", "share"), ("roll_calls", "count"),
])
def test_kind_by_column_name(column, kind):
    assert kind_of(column) == kind


def test_kind_by_sample_when_the_name_says_nothing():
    assert kind_of("dependent", pd.Series([True, False])) == "bool"
    assert kind_of("top3_suppliers", pd.Series(["CHN 0.62; RUS 0.12"])) == "text"
    assert kind_of("weird", pd.Series([1.5, 2.5])) == "ratio"


numbers = st.floats(min_value=-1e13, max_value=1e13, allow_nan=False, allow_infinity=False)


@settings(max_examples=400, deadline=None)
@given(value=numbers, kind=st.sampled_from([k for k in KINDS if k not in ("text", "bool")]))
def test_every_shown_number_reads_back_within_its_promise(value, kind):
    if kind == "share":
        value = value / 1e13          # shares are fractions
    if kind in ("index", "pvalue"):
        value = abs(value) / 1e13
    if kind == "year":
        value = float(int(abs(value)) % 3000)
    shown = format_value(value, kind)
    assert within_precision(shown, value, kind), (value, kind, shown)


def test_parse_value_reads_units():
    assert parse_value("4.80 bn") == pytest.approx(4.8e9)
    assert parse_value("54.5 %") == pytest.approx(0.545)
    assert parse_value("35.2 Mt") == pytest.approx(35.2e6)
    assert parse_value("USD 1.2 m") == pytest.approx(1.2e6)
    assert parse_value("−3.5") == -3.5
    assert parse_value("CHN") is None


def test_result_html_formats_by_column_and_names_its_source():
    from samarkand.display import result_html, result_repr
    from samarkand.provenance import Result

    table = pd.DataFrame({"hs6": ["850511"], "extra_imports_usd": [4.8e9], "extra_share": [0.014],
                          "trade_intensity": [1.502], "n_products": [21.0]})
    res = Result(table=table, provenance={"dataset": "baci-crm", "years": [2024], "method": "ec2021",
                                          "thresholds": {"hhi": 0.4}}, notes=["a caveat <b>"])
    html = result_html(res)
    for shown in ("4.80 bn", "1.4 %", "1.50", "<td class=\"count\">21</td>", "a caveat &lt;b&gt;",
                  "dataset: baci-crm · years: 2024 · method: ec2021 · thresholds: hhi=0.4"):
        assert shown in html
    assert result_repr(res).startswith("Result(ec2021: 1 rows × 5 columns; 1 note(s))")
