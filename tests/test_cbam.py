"""CBAM: legal tables as data, the IR 2025/2620 netting worked by hand, price outlooks, the range, bad input, CLI."""
from __future__ import annotations

import io
import json
from pathlib import Path
from typing import get_args

import pandas as pd
import pytest

from samarkand import reference
from samarkand.errors import InputError
from samarkand.methods.cbam import PriceOutlook, cbam, check_good, price_outlook
from samarkand.store import Flows

FIX = Path(__file__).parent / "fixtures" / "cbam"
USD_PER_EUR = 1.1827   # ECB 2021 annual average, the method's stated default
# 2026 CBAM certificate prices Q1–Q3 (IR 2025/2548; Q4 not yet published): the first year of every outlook
CERT_2026 = (75.36 + 75.28 + 82.32) / 3


@pytest.fixture
def flows() -> Flows:
    return Flows.from_frame(pd.read_csv(FIX / "flows_kaz.csv", dtype={"hs6": str}), name="fixture-kaz")


def cell(res, year, hs6, col):
    t = res.table
    return t.loc[(t["year"] == year) & (t["hs6"] == hs6), col].iloc[0]


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
    # IR 2025/2621 mark-ups on default values: 10 % 2026, 20 % 2027, 30 % from 2028; fertilisers 1 %
    assert s.loc[[2026, 2027, 2028, 2034], "markup_iron_steel"].tolist() == [0.1, 0.2, 0.3, 0.3]
    assert set(s["markup_fertilisers"]) == {0.01}
    # README_benchmarks.md gap 4: the Directive was not read for 2031–2033; every other year is stated by a source
    assert s.index[s["factor_status"] == "assumption"].tolist() == [2031, 2032, 2033]
    assert "2031–2033" in s.at[2032, "factor_basis"]


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


def test_default_values_table_carries_the_third_party_caveat():
    d = reference.load("cbam_default_values")
    row = d[(d["cn_code"] == "7202 41") & (d["country"] == "KAZ")].iloc[0]
    assert row["total"] == pytest.approx(2.35) and row["hs6"] == "720241"
    assert "THIRD-PARTY" in reference.meta("cbam_default_values")["source"]


def test_benchmark_table_parses_columns_routes_and_periods():
    # IR 2025/2620 Annex point 5.3 as transcribed (README_benchmarks.md headline table)
    b = reference.load("cbam_benchmarks")
    fecr = b[b["cn_code"] == "72024110"].set_index(["column", "year_from"])["benchmark"]
    assert fecr.to_dict() == {("A", 2026): 1.142, ("A", 2028): 1.106, ("B", 2026): 1.142, ("B", 2028): 1.106}
    al = b[(b["cn_code"] == "76011010") & (b["column"] == "B")].set_index("route")["benchmark"]
    assert al.to_dict() == {"K": 1.423, "L": 0.091}
    hrc = b[b["cn_code"] == "72081000"]
    assert hrc.loc[hrc["column"] == "A", "benchmark"].tolist() == [0.044]
    assert hrc[hrc["column"] == "B"].set_index("route")["benchmark"].to_dict() == {"C": 1.37, "D": 0.481, "E": 0.072}
    assert (b["source_type"] == "secondary").all() and "SECONDARY" in reference.meta("cbam_benchmarks")["source"]
    assert not b["hs6"].str.startswith("7226").any()      # 7226 was not read: no row, never a made-up one


def test_benchmark_choice_rules_on_a_hand_made_table():
    from samarkand.methods.cbam import benchmark_for

    def row(cn, column, route, y0, y1, value):
        return {"cn_code": cn, "hs6": cn[:6], "column": column, "route": route, "year_from": y0, "year_to": y1,
                "benchmark": value}
    t = pd.DataFrame([row("72251100", "B", r, 2026, 2027, v) for r, v in zip("FGHJ", (1.5, 0.6, 0.2, 0.3), strict=True)]
                     + [row("72251100", "B", "F", 2028, 2030, 1.4), row("72251100", "A", None, 2026, 2030, 0.1)]
                     + [row(cn, "B", None, 2026, 2030, v) for cn, v in
                        (("31021010", 0.304), ("31021012", 0.503), ("31021015", 0.7), ("31021019", 0.902))])
    # alloy grades only, carbon-steel route C assigned: the highest alloy value of the year (IR 2025/2620 pt 5.1)
    b = benchmark_for("722511", 2026, "B", "C", t)
    assert (b["benchmark"], b["benchmark_max"], b["benchmark_min"]) == (1.5, 1.5, 0.2)
    assert "highest alloy grade" in b["benchmark_rule"] and not b["carried_forward"]
    # after 2030 the 2028–30 value is carried forward, and said so
    b = benchmark_for("722511", 2032, "B", "C", t)
    assert b["benchmark"] == 1.4 and b["carried_forward"]
    # actual data: column A for the central case, column B values widen the range
    b = benchmark_for("722511", 2026, "A", "C", t)
    assert (b["benchmark"], b["benchmark_max"], b["benchmark_min"]) == (0.1, 1.5, 0.1)
    # CN8 codes with different values: lower median [0.304, 0.503, 0.7, 0.902] → 0.503, unless the default
    # value names its CN8 code
    assert benchmark_for("310210", 2026, "B", None, t)["benchmark"] == 0.503
    assert benchmark_for("310210", 2026, "B", None, t, "31021019")["benchmark"] == 0.902
    assert benchmark_for("720241", 2026, "B", None, t) is None


def test_price_table_and_outlook_paths():
    p = reference.load("ets_price_paths")
    cert = p[p["role"] == "certificate"].sort_values("quarter")
    assert cert["price_eur"].tolist() == [75.36, 75.28, 82.32] and cert["quarter"].tolist() == [1, 2, 3]
    assert set(p.loc[p["role"] == "anchor", "outlook"]) == set(get_args(PriceOutlook))
    assert p.loc[p["role"] == "anchor", "url"].notna().all()
    # BNEF: 142 in 2030, 185 in 2035 → 2031 = 142 + (185 − 142) / 5, interpolated; 2026 = certificate mean
    bnef = price_outlook("bnef", [2026, 2030, 2031]).set_index("year")
    assert bnef.at[2026, "price"] == pytest.approx(CERT_2026)
    assert bnef.at[2030, "price"] == 142 and bnef.at[2030, "basis"] == "published"
    assert bnef.at[2031, "price"] == pytest.approx(150.6) and bnef.at[2031, "basis"] == "interpolated 2030–2035"
    # Reuters poll: 107.29 (2027), 110.90 (2028), nothing later → held, and labelled an assumption
    reu = price_outlook("reuters-jan2026", [2028, 2029]).set_index("year")
    assert reu.at[2029, "price"] == 110.90 and "assumption" in reu.at[2029, "basis"]


# ---------------------------------------------------------------------------------- hand-computed costs
# Legal netting (Reg. 2023/956 Art. 6(2)(c), 31; IR 2025/2620 Eq. 1 and 6), with CSCF = 1:
#   certificates = tonnes × (SEE × (1 + mark-up) − CBAM factor × benchmark);  cost = certificates × (P_EU − P_origin)
# Fixture: KAZ→DEU 600 t + KAZ→NLD 400 t HC ferro-chromium 720241, KAZ→ITA 1000 t unwrought aluminium 760110
# (2024); KAZ default values 2.35 and 1.87 (route K); benchmarks column B: FeCr 1.142 (2026–27) / 1.106 (2028–30),
# primary aluminium K 1.423, secondary L 0.091.  EU price 80, origin price 10.
def test_ferro_chromium_2026_2030_default_values_with_markup_vs_benchmark(flows):
    res = cbam("KAZ", [2026, 2030], ets_price=80, origin_carbon_price=10, flows=flows)
    # 2026: 1000 × (2.35 × 1.10 − 0.975 × 1.142) × 70 = 1000 × (2.585 − 1.11345) × 70 = 103,008.5
    assert cell(res, 2026, "720241", "cost_eur") == pytest.approx(103_008.5)
    assert cell(res, 2026, "720241", "certificates_tco2e") == pytest.approx(1471.55)
    # 2030: 1000 × (2.35 × 1.30 − 0.515 × 1.106) × 70 = 1000 × (3.055 − 0.56959) × 70 = 173,978.7
    assert cell(res, 2030, "720241", "cost_eur") == pytest.approx(173_978.7)
    # the old factor-scaled form, 1000 × 2.35 × 1.10 × 0.025 × 70 = 4,523.75, understated 2026 by a factor of 23
    assert cell(res, 2026, "720241", "cost_eur") / 4_523.75 == pytest.approx(22.77, abs=0.01)
    assert cell(res, 2026, "720241", "benchmark_ref") == "IR 2025/2620 col. B CN 72024110 (2026–2027)"
    assert cell(res, 2030, "720241", "benchmark_ref") == "IR 2025/2620 col. B CN 72024110 (2028–2030)"
    # share of export value: 1.5 M USD at 1.1827 USD/EUR
    assert cell(res, 2030, "720241", "cost_share_of_value") == pytest.approx(173_978.7 / (1.5e6 / USD_PER_EUR))
    assert set(res.table["hs6"]) == {"720241", "760110"}    # not the CHN flow, the 2023 row or ferro-silicon
    assert res.provenance["dataset"] == "fixture-kaz"


def test_unwrought_aluminium_2026_2030_route_k_and_the_range(flows):
    res = cbam("KAZ", [2026, 2030], ets_price=80, origin_carbon_price=10, flows=flows)
    # 2026: 1000 × (1.87 × 1.10 − 0.975 × 1.423) × 70 = 1000 × (2.057 − 1.387425) × 70 = 46,870.25
    assert cell(res, 2026, "760110", "cost_eur") == pytest.approx(46_870.25)
    # 2030: 1000 × (1.87 × 1.30 − 0.515 × 1.423) × 70 = 1000 × (2.431 − 0.732845) × 70 = 118,870.85
    assert cell(res, 2030, "760110", "cost_eur") == pytest.approx(118_870.85)
    assert "route K assigned to the origin" in cell(res, 2026, "760110", "benchmark_rule")
    # a constant price gives no price range; the route range: low = K (the highest), high = secondary L 0.091:
    # 1000 × (2.057 − 0.975 × 0.091) × 70 = 137,779.25
    assert cell(res, 2026, "760110", "cost_low_eur") == pytest.approx(46_870.25)
    assert cell(res, 2026, "760110", "cost_high_eur") == pytest.approx(137_779.25)
    assert "route L" in cell(res, 2026, "760110", "benchmark_min_ref")
    by_year = res.extras["by_year"].set_index("year")
    assert by_year.at[2030, "cost_eur"] == pytest.approx(173_978.7 + 118_870.85)


def test_actual_value_uses_column_a_and_no_markup(flows):
    res = cbam("KAZ", [2026, 2034], ets_price=80, intensities={"7202 41": 2.0}, goods=["720241"], flows=flows)
    # 2026: column A 1.142; 1000 × (2.0 − 0.975 × 1.142) × 80 = 70,924
    assert cell(res, 2026, "720241", "cost_eur") == pytest.approx(70_924.0)
    assert "col. A" in cell(res, 2026, "720241", "benchmark_ref") and cell(res, 2026, "720241", "markup") == 0
    # 2034: no CBAM factor, every tonne of emissions is paid for: 1000 × 2.0 × 80
    assert cell(res, 2034, "720241", "cost_eur") == pytest.approx(160_000.0)


def test_fertiliser_benchmark_of_the_default_values_cn_code():
    # CHN urea 3102 10: no CHN default value → 'other countries' 2.72 (CN 3102 10 19), fertiliser mark-up 1 %;
    # benchmarks under HS 3102 10 range 0.304–0.902, the one of CN 3102 10 19 is 0.902:
    # 1000 × (2.72 × 1.01 − 0.975 × 0.902) × 80 = 1000 × (2.7472 − 0.87945) × 80 = 149,420
    frame = pd.DataFrame({"year": [2024], "exporter": ["CHN"], "importer": ["DEU"], "hs6": ["310210"],
                          "value_usd": [1e6], "quantity_t": [1000.0]})
    res = cbam("CHN", [2026], ets_price=80, flows=frame)
    assert cell(res, 2026, "310210", "cost_eur") == pytest.approx(149_420.0)
    assert cell(res, 2026, "310210", "benchmark_ref") == "IR 2025/2620 col. B CN 31021019 (2026–2030)"
    # the range spans the other CN8 codes: high with 0.304 → 1000 × (2.7472 − 0.2964) × 80
    assert cell(res, 2026, "310210", "cost_high_eur") == pytest.approx(1000 * (2.7472 - 0.975 * 0.304) * 80)


def test_year_after_the_last_sourced_factor_is_labelled_an_assumption(flows):
    res = cbam("KAZ", [2030, 2031], ets_price=80, origin_carbon_price=10, goods=["720241"], flows=flows)
    # 2031: factor 0.39 (Directive not read for 2031), benchmark of 2028–30 (1.106) carried forward:
    # 1000 × (2.35 × 1.30 − 0.39 × 1.106) × 70 = 1000 × (3.055 − 0.43134) × 70 = 183,656.2
    assert cell(res, 2031, "720241", "cost_eur") == pytest.approx(183_656.2)
    assert cell(res, 2031, "720241", "factor_status") == "assumption"
    assert cell(res, 2030, "720241", "factor_status") == "sourced" and cell(res, 2030, "720241", "assumptions") == ""
    text = cell(res, 2031, "720241", "assumptions")
    assert "CBAM factor not read" in text and "benchmark of 2028–30 carried forward" in text
    assert "assumption for 2031" in res.provenance["cbam_factor"]


def test_good_without_a_benchmark_is_named_not_costed_unless_asked():
    frame = pd.read_csv(FIX / "flows_unbenchmarked.csv", dtype={"hs6": str})
    # 7226 91 (alloy flat-rolled < 600 mm): Annex I good, but its IR 2025/2620 rows were not transcribed
    res = cbam("KAZ", [2026], ets_price=80, intensities={"722691": 2.0, "720241": 2.0}, flows=frame)
    assert set(res.table["hs6"]) == {"720241"}
    nc = res.extras["not_costed"]
    assert nc["hs6"].tolist() == ["722691"] and nc["tonnes"].tolist() == [500.0]
    assert "not costed" in nc["reason"].iloc[0]
    assert any(n.startswith("not costed: 722691") for n in res.notes)
    # on request: costed without adjustment, 500 t × 2.0 × 80 = 80,000
    res = cbam("KAZ", [2026], ets_price=80, intensities={"722691": 2.0}, goods=["722691"], flows=frame,
               unbenchmarked="no_adjustment")
    assert cell(res, 2026, "722691", "cost_eur") == pytest.approx(80_000.0)
    assert "no free allocation adjustment" in cell(res, 2026, "722691", "benchmark_ref")


def test_price_outlook_range_names_the_paths(flows):
    res = cbam("KAZ", [2026, 2030], goods=["720241"], flows=flows)      # default outlook: GMK consensus
    # 2030 points of the sourced outlooks: GMK low 80 is the lowest, Veyt 160 the highest; GMK median 126
    certs_2030 = 1000 * (2.35 * 1.30 - 0.515 * 1.106)
    assert cell(res, 2030, "720241", "price_path") == "gmk-consensus"
    assert cell(res, 2030, "720241", "cost_eur") == pytest.approx(certs_2030 * 126)
    assert cell(res, 2030, "720241", "price_low_path") == "gmk-low"
    assert cell(res, 2030, "720241", "cost_low_eur") == pytest.approx(certs_2030 * 80)
    assert cell(res, 2030, "720241", "price_high_path") == "veyt"
    assert cell(res, 2030, "720241", "cost_high_eur") == pytest.approx(certs_2030 * 160)
    # 2026: every outlook starts at the published certificate prices
    assert cell(res, 2026, "720241", "eu_price") == pytest.approx(CERT_2026)
    assert cell(res, 2026, "720241", "price_low_path") == "2026 certificate prices (all outlooks)"
    assert "gmk.center" in res.provenance["eu_price"] and "75.36" in res.provenance["eu_price"]
    res = cbam("KAZ", [2030], goods=["720241"], price_outlook="bnef", flows=flows)
    assert cell(res, 2030, "720241", "cost_eur") == pytest.approx(certs_2030 * 142)


def test_price_path_and_origin_price_above_eu_price(flows):
    res = cbam("KAZ", [2026, 2030], price_path={2026: 75, 2030: 120}, goods=["720241"], flows=flows)
    assert cell(res, 2030, "720241", "cost_eur") == pytest.approx(1000 * (2.35 * 1.3 - 0.515 * 1.106) * 120)
    res = cbam("KAZ", [2026], ets_price=80, origin_carbon_price=95, goods=["720241"], flows=flows)
    assert cell(res, 2026, "720241", "cost_eur") == 0.0     # Art. 9 reduction cannot exceed the obligation


def test_user_benchmark_and_correction_factor(flows):
    res = cbam("KAZ", [2030], ets_price=80, origin_carbon_price=10, benchmarks={"720241": 2.0}, cscf=0.9,
               goods=["720241"], flows=flows)
    # 1000 × (2.35 × 1.3 − 0.515 × 0.9 × 2.0) × 70
    assert cell(res, 2030, "720241", "cost_eur") == pytest.approx(1000 * (3.055 - 0.927) * 70)
    assert res.provenance["cscf"].startswith("0.9 (given by the user")


def test_intensity_cut_saving(flows):
    res = cbam("KAZ", [2026, 2034], ets_price=80, intensities={"720241": 2.0}, goods=["720241"],
               intensity_cut=0.25, flows=flows)
    sav = res.extras["intensity_cut"].set_index("year")
    assert sav.at[2034, "saving_eur"] == pytest.approx(0.25 * 1000 * 2.0 * 80)
    # 2026: (2.0 − 1.11345) → (1.5 − 1.11345) certificates per tonne
    assert sav.at[2026, "saving_share"] == pytest.approx(0.5 / (2.0 - 0.975 * 1.142))
    # with default values the cut also removes the mark-up: 2.585 − 1.11345 → 1.7625 − 1.11345
    res = cbam("KAZ", [2026], ets_price=80, goods=["720241"], intensity_cut=0.25, flows=flows)
    assert res.extras["intensity_cut"]["saving_share"].iloc[0] == pytest.approx(
        1 - (1.7625 - 1.11345) / (2.585 - 1.11345))


def test_fresh_install_ferro_chromium_2026_equals_the_hand_computation(home):
    """The acceptance figure: FeCr 720241 in 2026 from the shipped tables and the legal formula, within a cent."""
    k = reference.load("kaz_cbam_exports_eu")
    tonnes = k[(k["hs6"] == "720241") & (k["partner"].isin(["DEU", "GRC"])) & (k["year"] == 2021)]["tonnes"].sum()
    dv = reference.load("cbam_default_values")
    see = dv[(dv["hs6"] == "720241") & (dv["country"] == "KAZ")]["total"].iloc[0]
    s = reference.load("cbam_schedule").set_index("year")
    b = reference.load("cbam_benchmarks")
    bm = b[b["cn_code"].str.startswith("720241") & (b["column"] == "B") & (b["year_from"] == 2026)]["benchmark"]
    assert bm.nunique() == 1
    p = reference.load("ets_price_paths")
    price = p.loc[p["role"] == "certificate", "price_eur"].mean()
    expected = tonnes * (see * (1 + s.at[2026, "markup_iron_steel"]) - s.at[2026, "free_allocation_share"] * 1.0
                         * bm.iloc[0]) * price
    # = 61,332.869 t × (2.35 × 1.1 − 0.975 × 1.142) × 77.6533 ≈ EUR 7.01 m
    assert expected == pytest.approx(61_332.869 * 1.47155 * CERT_2026)
    res = cbam("KAZ", [2026])
    assert cell(res, 2026, "720241", "cost_eur") == pytest.approx(expected, abs=0.01)
    assert res.provenance["goods_source"].startswith("shipped fact table kaz_cbam_exports_eu")
    assert res.provenance["coverage"].startswith("lower bound: volumes are BACI 2021 exports to DEU and GRC only")
    assert cell(res, 2026, "720241", "value_eur") == pytest.approx(93652.919e3 / USD_PER_EUR)
    text = " ".join(res.notes)
    assert "2022" in text and "not found" in text and "lower bound" in text
    assert "720221" not in set(res.table["hs6"]) and "720230" not in set(res.table["hs6"])
    for key in ("method", "source", "dataset", "years"):
        assert res.provenance[key]


# ---------------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("kw,msg", [
    ({"years": [2025, 2026]}, "outside the CBAM schedule"),
    ({"years": [2035]}, "outside the CBAM schedule"),
    ({"ets_price": -1.0}, "non-negative"),
    ({"price_path": {2026: 80.0, 2027: -5.0}, "years": [2026, 2027]}, "non-negative"),
    ({"price_path": {2026: 80.0}, "years": [2026, 2027]}, "no value for years [2027]"),
    ({"price_outlook": "ipcc"}, "price outlook 'ipcc' is not known; choose one of: gmk-consensus"),
    ({"price_outlook": "bnef", "ets_price": 80.0}, "give one price"),
    ({"unbenchmarked": "zero"}, "unbenchmarked 'zero' is not known"),
    ({"cscf": -0.1}, "cscf must be non-negative"),
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
def test_cli_json_years_low_central_high_named_per_row(cli):
    p = cli("cbam", "KAZ", "--years", "2026-2034", "--format", "json")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    rows = pd.DataFrame(out["rows"])
    assert sorted(set(rows["year"])) == list(range(2026, 2035))
    for col in ("cost_low_eur", "cost_eur", "cost_high_eur", "benchmark_ref", "benchmark_max_ref",
                "benchmark_min_ref", "price_path", "price_low_path", "price_high_path"):
        assert rows[col].notna().all(), col
    assert (rows["cost_low_eur"] <= rows["cost_eur"] + 1e-6).all()
    assert (rows["cost_eur"] <= rows["cost_high_eur"] + 1e-6).all()
    by_year = pd.DataFrame(out["extras"]["by_year"])
    assert by_year["year"].tolist() == list(range(2026, 2035))
    assert by_year[["cost_low_eur", "cost_eur", "cost_high_eur", "price_path"]].notna().all().all()
    fecr = rows[(rows["year"] == 2026) & (rows["hs6"] == "720241")].iloc[0]
    assert fecr["cost_eur"] == pytest.approx(61_332.869 * (2.35 * 1.1 - 0.975 * 1.142) * CERT_2026, abs=0.01)


def test_cli_price_path_file_and_constant(cli):
    p = cli("cbam", "KAZ", "--years", "2026,2030", "--price-path", FIX / "price_path.csv", "--goods", "720241",
            "--format", "json")
    assert p.returncode == 0, p.stderr
    row = next(r for r in json.loads(p.stdout)["rows"] if r["year"] == 2030)
    assert row["cost_eur"] == pytest.approx(61332.869 * (2.35 * 1.3 - 0.515 * 1.106) * 120)
    assert row["price_path"] == "user price path"
    p = cli("cbam", "KAZ", "--years", "2034", "--intensities", FIX / "intensities.csv", "--goods", "720241",
            "--ets-price", "50", "--format", "csv")
    assert p.returncode == 0, p.stderr
    df = pd.read_csv(io.StringIO(p.stdout), dtype={"hs6": str})
    assert df.loc[0, "cost_eur"] == pytest.approx(61332.869 * 2.0 * 50)


def test_cli_table_summarises_by_year_and_sector(cli):
    p = cli("cbam", "KAZ", "--years", "2026-2034", "--price-outlook", "bnef")
    assert p.returncode == 0, p.stderr
    assert len(p.stdout.splitlines()) < 120                  # was 467 lines listing every good and year
    assert "by year (EUR m)" in p.stdout and "iron and steel" in p.stdout and "low price" in p.stdout
    assert "outlook 'bnef'" in p.stdout and "solarbeglobal" in p.stdout      # the chosen path and its source
    assert "assumption (2031–2033): CBAM factor not read in the Directive" in p.stdout
    assert "CBAM factor × CSCF × benchmark" in p.stdout
    detail = cli("cbam", "KAZ", "--years", "2026", "--detail")
    assert detail.returncode == 0 and "720249" in detail.stdout and "720249" not in p.stdout.split("by good")[0]


@pytest.mark.parametrize("args,msg", [
    (["--years", "2024-2026"], "outside the CBAM schedule"),
    (["--years", "2035"], "outside the CBAM schedule"),
    (["--ets-price", "-10"], "non-negative"),
    (["--price-outlook", "crystal-ball"], "price outlook 'crystal-ball' is not known"),
    (["--price-outlook", "[/x]"], "price outlook '[/x]' is not known"),     # user text escaped, not rich markup
    (["--price-outlook", "bnef", "--ets-price", "80"], "give one price"),
    (["--intensities", str(FIX / "intensities_negative.csv")], "row 2"),
    (["--intensities", str(FIX / "intensities_out_of_scope.csv")], "out of CBAM scope"),
    (["--price-path", str(FIX / "price_path_negative.csv"), "--years", "2026,2030"], "row 3"),
    (["--ets-price", "80", "--price-path", str(FIX / "price_path.csv")], "give one price"),
])
def test_cli_bad_input_exit_2(cli, args, msg):
    p = cli("cbam", "KAZ", *args)
    assert p.returncode == 2, p.stdout
    assert msg in p.stderr.replace("\n", " ")
    assert "Traceback" not in p.stderr and len(p.stderr.strip().splitlines()) <= 3


def test_cli_exporter_without_goods_exit_2(cli):
    p = cli("cbam", "CHL")
    assert p.returncode == 2 and "no CBAM goods" in p.stderr


# ---------------------------------------------------------------------------------- properties
from hypothesis import given, settings, strategies as st  # noqa: E402


@settings(max_examples=15, deadline=None)
@given(price=st.floats(0, 500), extra=st.floats(0, 200), origin=st.floats(0, 500), tonnes=st.floats(1, 1e6),
       year=st.integers(2026, 2034))
def test_cost_properties(price, extra, origin, tonnes, year):
    """Non-negative; zero when the origin price reaches the EU price; rises with the EU price; linear in tonnes."""
    def cost(p, t):
        frame = pd.DataFrame({"year": [2024], "exporter": ["KAZ"], "importer": ["DEU"], "hs6": ["720241"],
                              "value_usd": [1e6], "quantity_t": [t]})
        return cell(cbam("KAZ", [year], ets_price=p, origin_carbon_price=origin, flows=frame), year, "720241",
                    "cost_eur")
    c = cost(price, tonnes)
    assert c >= 0
    if origin >= price:
        assert c == 0
    assert cost(price + extra, tonnes) >= c
    assert cost(price, 2 * tonnes) == pytest.approx(2 * c, rel=1e-9, abs=1e-6)


def test_flows_without_tonnes_are_not_costed():
    frame = pd.DataFrame({"year": [2024, 2024], "exporter": ["KAZ", "KAZ"], "importer": ["DEU", "DEU"],
                          "hs6": ["720241", "760110"], "value_usd": [1e6, 1e6], "quantity_t": [None, 10.0]})
    res = cbam("KAZ", [2026], flows=frame)
    assert set(res.table["hs6"]) == {"760110"}
    assert any("no tonnes reported for ['720241']" in n for n in res.notes)


def test_result_range_is_ordered_for_the_shipped_data(home):
    res = cbam("KAZ")
    t = res.table
    assert (t["cost_low_eur"] <= t["cost_eur"] + 1e-6).all() and (t["cost_eur"] <= t["cost_high_eur"] + 1e-6).all()
    assert "not_costed" not in res.extras       # every shipped KAZ good has a benchmark
