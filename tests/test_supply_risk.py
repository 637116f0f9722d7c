"""samarkand.methods.supply_risk: the EU SR formula, WGI rescaling, HHI_WGI,t and the stage rule.

Hand computations use the shipped rows (crm_sr_inputs_2017, wgi); the arithmetic is written out.
"""
from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samarkand import reference
from samarkand.methods import supply_risk as srm


def _row2017(material: str):
    t = reference.load("crm_sr_inputs_2017")
    r = t[t["material"] == material]
    assert len(r) == 1, material
    return r.iloc[0]


def test_wgi_rescaling_endpoints():
    # 0–10, higher = worse: best governance (+2.5) → 0, worst (−2.5) → 10, neutral 0 → 5
    assert srm.scale_wgi(2.5) == 0.0
    assert srm.scale_wgi(-2.5) == 10.0
    assert srm.scale_wgi(0.0) == 5.0


def test_wgi_scaled_kazakhstan_2020_by_hand():
    w = reference.load("wgi")
    k = w[(w["iso3"] == "KAZ") & (w["year"] == 2020)].set_index("indicator")["estimate"]
    # WGI 2024 update, KAZ 2020: cc −0.3781, ge 0.1057, pv −0.2576, rl −0.4671, rq 0.1061, va −1.1796
    assert k["va"] == pytest.approx(-1.179640, abs=1e-5)
    mean = (k["cc"] + k["ge"] + k["pv"] + k["rl"] + k["rq"] + k["va"]) / 6   # = −0.34510
    expected = 5 - 2 * mean                                                   # = 5.6902
    assert expected == pytest.approx(5.6902, abs=1e-3)
    got = srm.wgi_scaled(w, [2020]).set_index("iso3").loc["KAZ"]
    assert got["wgi_scaled"] == pytest.approx(expected, abs=1e-9)
    assert got["n_indicators_min"] == 6


def test_hhi_wgi_t_by_definition():
    # two suppliers, 60 % and 40 %, WGI 5 and 2, t 1.1 and 0.8: 0.36·5·1.1 + 0.16·2·0.8 = 1.98 + 0.256
    assert srm.hhi_wgi_t([0.6, 0.4], [5.0, 2.0], [1.1, 0.8]) == pytest.approx(1.98 + 0.256)
    assert srm.hhi([0.6, 0.4, float("nan")]) == pytest.approx(0.36 + 0.16)
    with pytest.raises(ValueError):
        srm.hhi_wgi_t([0.5], [1.0, 2.0], [1.0])


def test_sr_2017_antimony_by_hand():
    r = _row2017("Antimony")
    # shipped row: HHI_GS 7.1, HHI_EU 5.7, IR 1.00, EoL-RIR 0.28, SI_SR 0.9, scope GS+EU, published SR 4.3
    assert (r.hhi_wgi_gs, r.hhi_wgi_eu, r.ir, r.eol_rir, r.si_sr, r.supply_scope) == (7.1, 5.7, 1.0, 0.28, 0.9, "GS+EU")
    hand = (7.1 * 1.0 / 2 + 5.7 * (1 - 1.0 / 2)) * (1 - 0.28) * 0.9   # = 6.4 · 0.72 · 0.9 = 4.1472
    got = srm.supply_risk(r.hhi_wgi_gs, r.hhi_wgi_eu, r.ir, r.eol_rir, r.si_sr, r.supply_scope)
    assert got == pytest.approx(hand) and hand == pytest.approx(4.1472)
    # published 4.3: the gap 0.15 comes from inputs rounded to one decimal — HHI_GS 7.05…7.15 and
    # HHI_EU 5.65…5.75, SI 0.85…0.95 give SR 3.86…4.44, which contains 4.3
    lo = (7.05 / 2 + 5.65 / 2) * (1 - 0.285) * 0.85
    hi = (7.15 / 2 + 5.75 / 2) * (1 - 0.275) * 0.95
    assert lo <= r.sr <= hi and abs(got - r.sr) <= 0.3


def test_sr_2017_beryllium_global_supply_only_by_hand():
    r = _row2017("Beryllium")
    # GS only (IR and HHI_EU not available in the study): SR = HHI_GS·(1−EoL)·SI = 2.4·1.0·1.0
    assert r.supply_scope == "GS" and math.isnan(r.ir) and math.isnan(r.hhi_wgi_eu)
    hand = 2.4 * (1 - 0.0) * 1.0
    assert srm.supply_risk(r.hhi_wgi_gs, r.hhi_wgi_eu, r.ir, r.eol_rir, r.si_sr, "GS") == pytest.approx(hand)
    assert r.sr == 2.4


def test_sr_2017_aggregates_eu_only_by_hand():
    r = _row2017("Aggregates")
    # EU sourcing only: SR = HHI_EU·(1−EoL)·SI = 0.2·(1−0.08)·0.9 = 0.1656 → published 0.2
    assert (r.hhi_wgi_eu, r.eol_rir, r.si_sr, r.supply_scope) == (0.2, 0.08, 0.9, "EU")
    hand = 0.2 * (1 - 0.08) * 0.9
    assert srm.supply_risk(r.hhi_wgi_gs, r.hhi_wgi_eu, r.ir, r.eol_rir, r.si_sr, "EU") == pytest.approx(hand)
    assert round(hand, 1) == r.sr


def test_missing_input_gives_nan_and_names_it():
    assert math.isnan(srm.supply_risk(2.0, 1.0, None, 0.1, 0.9, "GS+EU"))
    assert srm.missing_inputs(2.0, 1.0, None, 0.1, 0.9, "GS+EU") == ["ir"]
    # GS-only scope does not need IR or HHI_EU
    assert srm.missing_inputs(2.0, None, None, 0.1, 0.9, "GS") == []
    with pytest.raises(ValueError):
        srm.missing_inputs(1, 1, 1, 0, 1, "world")


def test_negative_ir_set_to_zero():
    # the 2017 study set negative IR to 0 % (its Table 13): SR = HHI_EU·(1−EoL)·SI
    assert srm.supply_risk(3.0, 1.0, -0.25, 0.0, 1.0) == pytest.approx(1.0)


def test_stage_rule_is_the_published_choice_2023():
    """Wherever both stages carry a published SR, the study used the higher one (the bottleneck)."""
    t = reference.load("crm_sr_inputs_2023")
    checked = 0
    for m, g in t.groupby("material"):
        g = g.dropna(subset=["sr"])
        if len(g) != 2:
            continue
        stage, val = srm.stage_rule(dict(zip(g["stage"], g["sr"])))
        used = g[g["stage_used"]]
        assert len(used) == 1 and used["sr"].iloc[0] == val, m
        checked += 1
    assert checked >= 30
    assert srm.stage_rule({"E": float("nan"), "P": 1.2}) == ("P", 1.2)
    none_stage, none_val = srm.stage_rule({})
    assert none_stage is None and math.isnan(none_val)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0.0, 1.0), min_size=1, max_size=8), st.floats(0.0, 10.0), st.floats(0.8, 1.5))
def test_hhi_wgi_t_bounds(raw, w, t):
    tot = sum(raw)
    if tot == 0:
        return
    shares = [x / tot for x in raw]
    v = srm.hhi_wgi_t(shares, [w] * len(shares), [t] * len(shares))
    # with equal WGI and t it is HHI·WGI·t, and HHI ∈ [1/n, 1]
    assert v == pytest.approx(srm.hhi(shares) * w * t)
    assert v <= 10 * 1.5 + 1e-9


@settings(max_examples=60, deadline=None)
@given(st.floats(0, 10), st.floats(0, 10), st.floats(0, 1), st.floats(0, 1), st.floats(0, 1))
def test_sr_between_scope_extremes(hg, he, ir, eol, si):
    """The GS+EU SR is a weighted mean of the GS-only and EU-only values (weights IR/2, 1−IR/2)."""
    both = srm.supply_risk(hg, he, ir, eol, si, "GS+EU")
    g = srm.supply_risk(hg, he, ir, eol, si, "GS")
    e = srm.supply_risk(hg, he, ir, eol, si, "EU")
    assert min(g, e) - 1e-9 <= both <= max(g, e) + 1e-9
