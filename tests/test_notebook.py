"""The analyst's Python: a Result displays in Jupyter (formatted table + provenance) and plots the brief's chart."""
from __future__ import annotations

import pandas as pd
import pytest

import samarkand as sk
from samarkand.display import format_value, kind_of


@pytest.fixture(autouse=True)
def _shipped(home):
    """An empty data home: the shipped dataset."""


def test_dir_and_all_list_the_analysis_functions():
    for name in ("dependencies", "partnership", "stress", "cbam", "votes", "check", "crm"):
        assert name in dir(sk) and name in sk.__all__


def test_repr_html_shows_formatted_rows_and_the_provenance_line():
    res = sk.dependencies("EU27", 2024, domain="crm")
    html = res._repr_html_()
    first = res.table.iloc[0]
    # the first row's extra imports, formatted by its column's kind, as the brief shows it
    shown = format_value(first["extra_imports_usd"], kind_of("extra_imports_usd"))
    assert f'<td class="money">{shown}</td>' in html
    assert "dataset: baci-crm" in html and "method: ec2021" in html and "hhi=0.4" in html
    assert repr(res).startswith(f"Result(ec2021: {len(res.table)} rows × {res.table.shape[1]} columns")


def test_to_frame_is_a_copy():
    res = sk.dependencies("EU27", 2024, domain="crm")
    frame = res.to_frame()
    frame.loc[0, "extra_imports_usd"] = -1
    assert res.table.loc[0, "extra_imports_usd"] != -1


def test_plot_of_a_screen_carries_the_leverage_shares():
    res = sk.dependencies("EU27", 2024, domain="crm")
    fig = res.plot()
    lev = res.extras["leverage"]
    magnets = lev[(lev["hs6"] == "850511") & (lev["supplier"] == "CHN")]["supplier_share_of_reporter_imports"]
    china = next(t for t in fig.data if t.name == "CHN")
    label = next(y for y in china.y if y.startswith("850511"))
    assert china.x[list(china.y).index(label)] == pytest.approx(float(magnets.iloc[0]))


def test_plot_of_a_stress_test_shows_its_shortfalls():
    res = sk.stress("EU27", cut=["CHN"], year=2024, domain="crm")
    fig = res.plot()
    bars = {t.name: dict(zip(t.y if t.orientation == "h" else t.x, t.x if t.orientation == "h" else t.y))
            for t in fig.data}
    top = res.table.iloc[0]
    assert bars["shortfall"][top["hs6"]] == pytest.approx(top["shortfall_usd"])


def test_a_result_without_a_natural_chart_says_so():
    from samarkand.errors import InputError
    from samarkand.provenance import Result

    res = Result(pd.DataFrame({"x": [1]}), provenance={"method": "m", "source": "s", "dataset": "d", "years": [2024]})
    with pytest.raises(InputError, match="no chart"):
        res.plot()
