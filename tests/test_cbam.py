"""CBAM: legal schedule and Annex I as data, hand-computed costs, bad input, the CLI."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from samarkand import reference
from samarkand.errors import InputError
from samarkand.methods.cbam import cbam, check_good
from samarkand.store import Flows

FIX = Path(__file__).parent / "fixtures" / "cbam"
USD_PER_EUR = 1.1827   # ECB 2021 annual average, the method's stated default


@pytest.fixture
def flows() -> Flows:
    return Flows.from_frame(pd.read_csv(FIX / "flows_kaz.csv", dtype={"hs6": str}), name="fixture-kaz")


def cell(res, year, hs6, col):
    t = res.table
    return float(t.loc[(t["year"] == year) & (t["hs6"] == hs6), col].iloc[0])


# ---------------------------------------------------------------------------------- legal values as data
def test_schedule_matches_directive_10a_1a():
    # Directive 2003/87/EC Art. 10a(1a) as amended by Directive (EU) 2023/959: share of free allocation kept
    legal = {2026: 0.975, 2027: 0.95, 2028: 0.90, 2029: 0.775, 2030: 0.515, 2031: 0.39, 2032: 0.265,
             2033: 0.14, 2034: 0.0}
    s = reference.load("cbam_schedule").set_index("year")
    assert sorted(s.index) == sorted(legal)
    for y, kept in legal.items():
        assert s.at[y, "free_allocation_share"] == pytest.approx(kept)
        assert s.at[y, "payable_share"] == pytest.approx(1 - kept)
        assert "10a(1a)" in s.at[y, "source_free_allocation"]
        assert "2023/959" in s.at[y, "source_free_allocation"]
    # IR 2025/2621 mark-ups on default values: 10 % 2026, 20 % 2027, 30 % from 2028; fertilisers 1 %
    assert s.loc[[2026, 2027, 2028, 2034], "markup_iron_steel"].tolist() == [0.1, 0.2, 0.3, 0.3]
    assert set(s["markup_fertilisers"]) == {0.01}


def test_annex_i_scope_and_sources():
    a = reference.load("cbam_annex_i").set_index("hs6")
    for hs6 in ["720211", "720219", "720241", "720249", "720260", "720110", "760110", "760120", "252310",
                "280410", "271600", "281410", "310230"]:
        assert bool(a.at[hs6, "in_scope"]), hs6
    # the 'except' list of '72 – Iron and steel' in Annex I, and 3105 60 00
    for hs6 in ["720221", "720229", "720230", "720250", "720270", "720280", "720291", "720292", "720293",
                "720299", "720410", "310560"]:
        assert not bool(a.at[hs6, "in_scope"]), hs6
    assert a["source"].str.contains("02023R0956").all()
    assert reference.meta("cbam_annex_i")["licence"]


def test_default_values_table_carries_the_third_party_caveat():
    d = reference.load("cbam_default_values")
    row = d[(d["cn_code"] == "7202 41") & (d["country"] == "KAZ")].iloc[0]
    assert row["total"] == pytest.approx(2.35) and row["hs6"] == "720241"
    assert "THIRD-PARTY" in reference.meta("cbam_default_values")["source"]
    assert d["source"].str.contains("third-party").all()


# ---------------------------------------------------------------------------------- hand-computed costs
def test_cost_one_good_two_years_by_hand(flows):
    # fixture: KAZ→DEU 600 t + KAZ→NLD 400 t of HC ferro-chromium 720241 in 2024 (the latest year); the CHN
    # flow (not EU), the 2023 row and ferro-silicon 720221 (out of scope) must not count.
    res = cbam("KAZ", [2026, 2030], ets_price=80, origin_carbon_price=10, flows=flows)
    tonnes, intensity = 600 + 400, 2.35          # KAZ default value, IR 2025/2621 (before mark-up)
    # 2026: mark-up 10 %, payable share 1 - 0.975, price net of the origin carbon price 80 - 10
    assert cell(res, 2026, "720241", "cost_eur") == pytest.approx(tonnes * intensity * 1.10 * 0.025 * 70)
    assert cell(res, 2026, "720241", "cost_eur") == pytest.approx(4523.75)
    # 2030: mark-up 30 %, payable share 1 - 0.515
    assert cell(res, 2030, "720241", "cost_eur") == pytest.approx(tonnes * intensity * 1.30 * 0.485 * 70)
    assert cell(res, 2030, "720241", "cost_eur") == pytest.approx(103717.25)
    # share of export value: 1.5 M USD at 1.1827 USD/EUR
    assert cell(res, 2030, "720241", "cost_share_of_value") == pytest.approx(103717.25 / (1.5e6 / USD_PER_EUR))
    assert set(res.table["hs6"]) == {"720241", "760110"}
    assert cell(res, 2026, "720241", "base_year") == 2024
    assert "flows dataset 'fixture-kaz'" in res.provenance["goods_source"]


def test_aluminium_and_totals_by_hand(flows):
    res = cbam("KAZ", [2030], ets_price=80, origin_carbon_price=10, flows=flows)
    # 1000 t unwrought aluminium, KAZ default 1.87 tCO2e/t, value 2,365,400 USD = 2,000,000 EUR
    al = 1000 * 1.87 * 1.30 * 0.485 * 70
    assert cell(res, 2030, "760110", "cost_eur") == pytest.approx(82532.45)
    assert cell(res, 2030, "760110", "cost_share_of_value") == pytest.approx(al / 2_000_000)
    by_year = res.extras["by_year"].set_index("year")
    assert by_year.at[2030, "cost_eur"] == pytest.approx(103717.25 + al)
    top = res.extras["by_good"].iloc[0]
    assert top["hs6"] == "720241" and top["share_of_cost"] == pytest.approx(103717.25 / (103717.25 + al))


def test_actual_intensity_carries_no_markup(flows):
    res = cbam("KAZ", [2034], ets_price=80, intensities={"7202 41": 2.0}, goods=["720241"], flows=flows)
    # 2034: nothing kept, so payable share 1; actual value: no mark-up; origin price 0
    assert cell(res, 2034, "720241", "cost_eur") == pytest.approx(1000 * 2.0 * 1.0 * 1.0 * 80)


def test_price_path_and_origin_price_above_eu_price(flows):
    res = cbam("KAZ", [2026, 2030], price_path={2026: 75, 2030: 120}, goods=["720241"], flows=flows)
    assert cell(res, 2030, "720241", "cost_eur") == pytest.approx(1000 * 2.35 * 1.3 * 0.485 * 120)
    res = cbam("KAZ", [2026], ets_price=80, origin_carbon_price=95, goods=["720241"], flows=flows)
    assert cell(res, 2026, "720241", "cost_eur") == 0.0     # Art. 9 reduction cannot exceed the obligation


def test_benchmark_netting(flows):
    # IR 2025/2620 form: chargeable = E - tonnes × benchmark × kept × CSCF
    res = cbam("KAZ", [2030], ets_price=80, origin_carbon_price=10, benchmarks={"720241": 2.0},
               goods=["720241"], flows=flows)
    emb = 1000 * 2.35 * 1.3
    assert cell(res, 2030, "720241", "cost_eur") == pytest.approx((emb - 1000 * 2.0 * 0.515 * 1.0) * 70)


def test_intensity_cut_saving(flows):
    res = cbam("KAZ", [2026, 2034], intensities={"720241": 2.0}, goods=["720241"], intensity_cut=0.25,
               flows=flows)
    sav = res.extras["intensity_cut"].set_index("year")
    assert sav.at[2034, "saving_eur"] == pytest.approx(0.25 * 1000 * 2.0 * 80)
    assert sav.at[2026, "saving_share"] == pytest.approx(0.25)
    # with default values the cut also removes the mark-up: cost falls from 1.10 × to 0.75 ×
    res = cbam("KAZ", [2026], goods=["720241"], intensity_cut=0.25, flows=flows)
    assert res.extras["intensity_cut"]["saving_share"].iloc[0] == pytest.approx(1 - 0.75 / 1.10)


def test_fresh_install_uses_the_fact_table(home):
    res = cbam("KAZ", [2026])
    assert res.provenance["goods_source"].startswith("shipped fact table kaz_cbam_exports_eu")
    # BACI 2021, KAZ→DEU 61,332.869 t HC ferro-chromium (the only EU partner with it in the extract)
    assert cell(res, 2026, "720241", "tonnes") == pytest.approx(61332.869)
    assert cell(res, 2026, "720241", "cost_eur") == pytest.approx(61332.869 * 2.35 * 1.1 * 0.025 * 80)
    # value 93,652.919 thousand USD
    assert cell(res, 2026, "720241", "value_eur") == pytest.approx(93652.919e3 / USD_PER_EUR)
    text = " ".join(res.notes)
    assert "2022" in text and "not found" in text and "lower bound" in text
    assert "720221" not in set(res.table["hs6"]) and "720230" not in set(res.table["hs6"])


# ---------------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("kw,msg", [
    ({"years": [2025, 2026]}, "outside the CBAM schedule"),
    ({"years": [2035]}, "outside the CBAM schedule"),
    ({"ets_price": -1.0}, "non-negative"),
    ({"price_path": {2026: 80.0, 2027: -5.0}, "years": [2026, 2027]}, "non-negative"),
    ({"price_path": {2026: 80.0}, "years": [2026, 2027]}, "no value for years [2027]"),
    ({"intensities": {"720241": -0.5}}, "non-negative"),
    ({"goods": ["720221"]}, "out of CBAM scope"),
    ({"goods": ["7202 30 00"]}, "out of CBAM scope"),
    ({"intensities": {"720229": 2.0}}, "out of CBAM scope"),
    ({"goods": ["270900"]}, "not covered by CBAM Annex I"),
    ({"intensity_cut": 20}, "fraction"),
])
def test_bad_input(home, kw, msg):
    kw = {"years": [2026], **kw}
    with pytest.raises(InputError, match=msg.replace("[", r"\[").replace("]", r"\]")):
        cbam("KAZ", **kw)


def test_exporter_without_cbam_goods(home):
    with pytest.raises(InputError, match="no CBAM goods for CHL"):
        cbam("CHL", [2026])
    with pytest.raises(InputError, match="EU member"):
        cbam("DEU", [2026])


def test_check_good_names_the_excluded_ferro_alloys():
    assert check_good("7202 49")["hs6"] == "720249"
    with pytest.raises(InputError, match="7202 2 \\(ferro-silicon\\), 7202 30 00 \\(silico-manganese\\)"):
        check_good("720221")


# ---------------------------------------------------------------------------------- CLI
def test_cli_fresh_install_json(cli):
    p = cli("cbam", "KAZ", "--years", "2026,2030", "--price-path", FIX / "price_path.csv", "--goods", "720241",
            "--format", "json")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert "shipped fact table" in out["provenance"]["goods_source"]
    row = [r for r in out["rows"] if r["year"] == 2030][0]
    assert row["cost_eur"] == pytest.approx(61332.869 * 2.35 * 1.3 * 0.485 * 120)


def test_cli_intensities_file(cli):
    p = cli("cbam", "KAZ", "--years", "2034", "--intensities", FIX / "intensities.csv", "--goods", "720241",
            "--ets-price", "50", "--format", "csv")
    assert p.returncode == 0, p.stderr
    df = pd.read_csv(__import__("io").StringIO(p.stdout), dtype={"hs6": str})
    assert df.loc[0, "cost_eur"] == pytest.approx(61332.869 * 2.0 * 50)


@pytest.mark.parametrize("args,msg", [
    (["--years", "2024-2026"], "outside the CBAM schedule"),
    (["--ets-price", "-10"], "non-negative"),
    (["--intensities", str(FIX / "intensities_negative.csv")], "row 2"),
    (["--intensities", str(FIX / "intensities_out_of_scope.csv")], "out of CBAM scope"),
    (["--price-path", str(FIX / "price_path_negative.csv"), "--years", "2026,2030"], "row 3"),
    (["--ets-price", "80", "--price-path", str(FIX / "price_path.csv")], "not both"),
])
def test_cli_bad_input_exit_2(cli, args, msg):
    p = cli("cbam", "KAZ", *args)
    assert p.returncode == 2, p.stdout
    assert msg in p.stderr.replace("\n", " ")


def test_cli_exporter_without_goods_exit_2(cli):
    p = cli("cbam", "CHL")
    assert p.returncode == 2 and "no CBAM goods" in p.stderr


# ---------------------------------------------------------------------------------- properties
from hypothesis import given, settings, strategies as st  # noqa: E402


@settings(max_examples=25, deadline=None)
@given(price=st.floats(0, 500), origin=st.floats(0, 500), tonnes=st.floats(1, 1e6),
       year=st.integers(2026, 2034))
def test_cost_formula_properties(price, origin, tonnes, year):
    frame = pd.DataFrame({"year": [2024], "exporter": ["KAZ"], "importer": ["DEU"], "hs6": ["720241"],
                          "value_usd": [1e6], "quantity_t": [tonnes]})
    res = cbam("KAZ", [year], ets_price=price, origin_carbon_price=origin, flows=frame)
    s = reference.load("cbam_schedule").set_index("year")
    expected = tonnes * 2.35 * (1 + s.at[year, "markup_iron_steel"]) * s.at[year, "payable_share"] \
        * max(0.0, price - origin)
    got = cell(res, year, "720241", "cost_eur")
    assert got >= 0
    assert got == pytest.approx(expected, rel=1e-12, abs=1e-9)


def test_flows_without_tonnes_are_not_costed():
    frame = pd.DataFrame({"year": [2024, 2024], "exporter": ["KAZ", "KAZ"], "importer": ["DEU", "DEU"],
                          "hs6": ["720241", "760110"], "value_usd": [1e6, 1e6], "quantity_t": [None, 10.0]})
    res = cbam("KAZ", [2026], flows=frame)
    assert set(res.table["hs6"]) == {"760110"}
    assert any("no tonnes reported for ['720241']" in n for n in res.notes)
