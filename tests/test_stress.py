"""Stress tests (issue 5): loss, replacement and shortfall computed by hand on tests/fixtures/stress/flows.csv,
a coalition cut, a supplier with no headroom, Monte Carlo percentiles, scenario files, the CRM material level,
the shipped-data acceptance run (recomputed independently with pandas) and bad input (exit status 2).

Fixture (2024, USD; DEU and FRA are EU27 members):
    850511  CHN→DEU 100 (10 t), CHN→FRA 50 (5 t), JPN→DEU 30, VNM→FRA 20, RUS→DEU 25 (no t), DEU→FRA 40 (intra-EU)
            third-country exports: JPN→USA 60, JPN→CHN 10, RUS→USA 40, USA→CAN 100, CHN→USA 500; VNM none
    810411  CHN→DEU 80 (40 t), ISR→DEU 20; ISR→USA 10
    251110  CHN→FRA 30 (300 t), MAR→FRA 10; MAR sells nowhere else
    a 2023 row (CHN→DEU 850511 999) that a 2024 run must ignore
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from samarkand.errors import DataError, InputError
from samarkand.store import Flows

FIX = Path(__file__).parent / "fixtures" / "stress"


@pytest.fixture(scope="module")
def flows() -> Flows:
    df = pd.read_csv(FIX / "flows.csv", dtype={"hs6": str})
    return Flows.from_frame(df, name="stress-fixture")


def rows(res) -> dict[str, dict]:
    return {r["hs6"]: r for r in res.table.to_dict("records")}


def test_china_cut_hand_computed(flows, home):
    from samarkand.methods.stress import stress

    res = stress("EU27", cut=["CHN"], year=2024, diversion=0.5, flows=flows)
    r = rows(res)
    m = r["850511"]
    assert m["imports_usd"] == pytest.approx(100 + 50 + 30 + 20 + 25)          # intra-EU DEU→FRA 40 excluded
    assert m["lost_usd"] == pytest.approx(100 + 50)
    assert m["lost_t"] == pytest.approx(10 + 5)
    # remaining current suppliers: JPN headroom 60+10, RUS 40, VNM 0 (sells only to FRA)
    assert m["headroom_usd"] == pytest.approx(70 + 40 + 0)
    assert m["replacement_usd"] == pytest.approx(min(150, 0.5 * (70 + 40)))    # 55
    assert m["shortfall_usd"] == pytest.approx(150 - 55)                       # 95
    assert m["shortfall_t"] == pytest.approx(15 * 95 / 150)                    # 9.5
    assert m["n_remaining_suppliers"] == 2                                     # JPN, RUS (VNM has no headroom)
    assert not m["no_alternative"]
    g = r["810411"]
    assert (g["lost_usd"], g["replacement_usd"], g["shortfall_usd"]) == pytest.approx((80, 0.5 * 10, 80 - 5))
    assert g["shortfall_t"] == pytest.approx(40 * 75 / 80)
    b = r["251110"]                                                            # MAR: a supplier with no headroom
    assert (b["lost_usd"], b["replacement_usd"], b["shortfall_usd"]) == pytest.approx((30, 0, 30))
    assert b["no_alternative"] and b["n_remaining_suppliers"] == 0
    assert list(res.table["hs6"]) == ["850511", "810411", "251110"]             # ranked by shortfall 95 > 75 > 30
    assert list(res.table["rank"]) == [1, 2, 3]
    t = res.extras["totals"].iloc[0]
    assert (t["lost_usd"], t["replacement_usd"], t["shortfall_usd"]) == pytest.approx((260, 60, 200))
    assert t["no_alternative"] == 1
    # replacement split by supplier, proportional to divertible headroom: JPN 35/55 of 55, RUS 20/55 of 55
    by = res.extras["replacement_by_supplier"]
    by = by[by["hs6"] == "850511"].set_index("supplier")["replacement_usd"]
    assert by["JPN"] == pytest.approx(35) and by["RUS"] == pytest.approx(20)
    assert res.provenance["dataset"] == "stress-fixture" and res.provenance["year"] == 2024
    assert res.provenance["diversion"] == 0.5 and res.provenance["cut"] == ["CHN"]


def test_coalition_cut_expands_bloc(flows, home):
    from samarkand.methods.stress import stress

    res = stress("EU27", cut=["CHN", "EAEU"], year=2024, flows=flows)     # EAEU = RUS, BLR, KAZ, ARM, KGZ
    m = rows(res)["850511"]
    assert m["lost_usd"] == pytest.approx(150 + 25)
    assert m["lost_t"] == pytest.approx(15)                 # RUS tonnes unknown
    assert m["lost_t_coverage"] == pytest.approx(150 / 175)
    assert m["replacement_usd"] == pytest.approx(0.5 * (70 + 0))     # JPN only; VNM has no headroom
    assert m["shortfall_usd"] == pytest.approx(175 - 35)
    assert "RUS" in res.provenance["cut"] and res.provenance["cut_expanded"]["EAEU"]


def test_share_cut_and_supplier_modes(flows, home):
    from samarkand.methods.stress import stress

    half = rows(stress("EU27", cut="CHN", year=2024, share_cut=0.5, flows=flows))
    assert half["850511"]["shortfall_usd"] == pytest.approx(75 - min(75, 55))   # 20
    assert half["810411"]["shortfall_usd"] == pytest.approx(40 - 5)             # 35
    # every exporter may divert: USA (sells 100 to CAN, nothing to the EU) adds 0.5 × 100
    res = stress("EU27", cut="CHN", year=2024, suppliers="all", flows=flows)
    r = rows(res)
    assert r["850511"]["replacement_usd"] == pytest.approx(0.5 * (70 + 40 + 100))
    assert r["850511"]["shortfall_usd"] == pytest.approx(150 - 105)
    assert list(res.table["hs6"]) == ["810411", "850511", "251110"]             # 75 > 45 > 30
    # per-supplier diversion rates: JPN 1.0, others the default 0.5
    d = rows(stress("EU27", cut="CHN", year=2024, diversion={"JPN": 1.0}, flows=flows))
    assert d["850511"]["replacement_usd"] == pytest.approx(70 + 0.5 * 40)
    # diversion 1 is the upper bound on replacement: min(150, 70 + 40 + 0) = 110
    one = rows(stress("EU27", cut="CHN", year=2024, diversion=1.0, flows=flows))
    assert one["850511"]["shortfall_usd"] == pytest.approx(150 - 110)


def test_single_country_reporter(flows, home):
    from samarkand.methods.stress import stress

    r = rows(stress("FRA", cut=["CHN"], year=2024, flows=flows))
    # FRA buys 850511 from CHN 50, VNM 20, DEU 40: neither VNM nor DEU sells to anyone but FRA
    assert r["850511"]["imports_usd"] == pytest.approx(50 + 20 + 40)
    assert r["850511"]["lost_usd"] == pytest.approx(50)
    assert r["850511"]["no_alternative"] and r["850511"]["shortfall_usd"] == pytest.approx(50)


def test_default_year_is_latest_and_products_filter(flows, home):
    from samarkand.methods.stress import stress

    res = stress("EU27", cut=["CHN"], products=["810411"], flows=flows)
    assert res.provenance["year"] == 2024
    assert list(res.table["hs6"]) == ["810411"]
    res = stress("EU27", cut=["CHN"], products=["810411", "999999"], flows=flows)
    assert any("999999" in n for n in res.notes)


@pytest.mark.parametrize("kwargs, needle", [
    ({"reporter": "EU27", "cut": ["DEU"]}, "member"),
    ({"reporter": "FRA", "cut": ["FRA"]}, "reporter itself"),
    ({"reporter": "FRA", "cut": ["CHN", "MAR"], "products": ["251110"]}, "every country that supplies"),
    ({"reporter": "EU27", "cut": ["CHN"], "share_cut": 1.5}, "share_cut"),
    ({"reporter": "EU27", "cut": ["CHN"], "share_cut": -0.1}, "share_cut"),
    ({"reporter": "EU27", "cut": ["CHN"], "diversion": 2}, "diversion"),
    ({"reporter": "EU27", "cut": []}, "cut is empty"),
    ({"reporter": "EU27", "cut": ["Atlantis"]}, "unknown economy"),
    ({"reporter": "EU27", "cut": ["CHN"], "year": 2019}, "available years"),
    ({"reporter": "EU27", "cut": ["CHN"], "products": ["12345x"]}, "HS six-digit"),
])
def test_bad_input(flows, home, kwargs, needle):
    from samarkand.methods.stress import stress

    with pytest.raises(InputError, match=needle):
        stress(flows=flows, **kwargs)


def test_monte_carlo_percentiles(flows, home):
    from samarkand.methods.stress import stress_monte_carlo

    # 810411: shortfall = 80 − min(80, d × 10) = 80 − 10 d with d ~ U(0, 1), decreasing in d:
    # P5 = 80 − 10 × 0.95 = 70.5, P50 = 75, P95 = 80 − 10 × 0.05 = 79.5
    res = stress_monte_carlo("EU27", ["CHN"], products=["810411"], year=2024, n=20000, seed=1, flows=flows)
    r = res.table.iloc[0]
    assert r["shortfall_p5"] == pytest.approx(70.5, abs=0.15)
    assert r["shortfall_p50"] == pytest.approx(75.0, abs=0.15)
    assert r["shortfall_p95"] == pytest.approx(79.5, abs=0.15)
    # a degenerate distribution reproduces the deterministic run
    fixed = stress_monte_carlo("EU27", ["CHN"], year=2024, n=50, low=0.5, high=0.5, flows=flows)
    f = fixed.table.set_index("hs6")
    assert f.loc["850511", "shortfall_p5"] == pytest.approx(95) == f.loc["850511", "shortfall_p95"]
    assert fixed.extras["totals"].iloc[0]["shortfall_p50"] == pytest.approx(200)
    # reproducible with a seed; Beta draws stay within [low, high]
    a = stress_monte_carlo("EU27", ["CHN"], year=2024, n=200, dist="beta", a=2, b=5, seed=7, flows=flows)
    b = stress_monte_carlo("EU27", ["CHN"], year=2024, n=200, dist="beta", a=2, b=5, seed=7, flows=flows)
    pd.testing.assert_frame_equal(a.table, b.table)
    from samarkand.methods.stress import draw_diversion

    d = draw_diversion(1000, 3, dist="beta", low=0.2, high=0.4, a=2, b=2, seed=3)
    assert d.min() >= 0.2 and d.max() <= 0.4
    with pytest.raises(InputError):
        draw_diversion(10, 2, low=0.6, high=0.4)


def test_scenario_file(flows, home):
    from samarkand.methods.stress import load_scenarios, run_scenarios

    specs = load_scenarios(FIX / "scenarios.toml")
    res = run_scenarios(specs, flows=flows)
    t = res.table.set_index("scenario")
    assert t.loc["china", "shortfall_usd"] == pytest.approx(200)
    # coalition_half: share 0.5, diversion 1: 850511 lost 0.5 × 175 = 87.5, JPN replaces 70 → 17.5;
    # 810411 lost 40, ISR 10 → 30; 251110 lost 15 → 15; total 62.5
    assert t.loc["coalition_half", "shortfall_usd"] == pytest.approx(17.5 + 30 + 15)
    assert set(res.extras) == {"china", "coalition_half"}
    assert load_scenarios(FIX / "scenarios.yaml")["china"]["cut"] == ["CHN"]
    with pytest.raises(DataError, match="sharecut") as exc:
        load_scenarios(FIX / "scenarios_bad_key.toml")
    assert "scenarios_bad_key.toml" in str(exc.value)
    with pytest.raises(InputError, match="does not exist"):
        load_scenarios(FIX / "nope.toml")


def test_materials_hand_computed():
    from samarkand.methods.stress import stress_materials

    eu = pd.DataFrame({"material": ["Mg"] * 3 + ["X"], "stage": ["P"] * 4,
                       "iso3": ["CHN", "ISR", "GBR", "USA"], "share": [0.90, 0.06, 0.04, 1.0]})
    world = pd.DataFrame({"material": ["Mg"] * 4 + ["X"], "stage": ["P"] * 5,
                          "iso3": ["CHN", "ISR", "GBR", "BRA", "USA"], "share": [0.80, 0.05, 0.05, 0.10, 1.0]})
    res = stress_materials(["CHN"], eu=eu, world=world, diversion=0.5)
    r = res.table.set_index("material").loc["Mg"]
    # headroom (w = 1): ISR max(0, .05 − .06) = 0, GBR .05 − .04 = .01, BRA .10 − 0 = .10 → .11
    assert r["lost_share"] == pytest.approx(0.90)
    assert r["headroom_share"] == pytest.approx(0.11)
    assert r["replacement_share"] == pytest.approx(0.5 * 0.11)
    assert r["shortfall_share"] == pytest.approx(0.90 - 0.055)
    assert "X" not in res.table["material"].values                 # CHN supplies none of X
    # w = 0.5 (the EU needs half the world's supply): ISR .05/.5 − .06 = .04, GBR .06, BRA .2 → .30
    r2 = stress_materials(["CHN"], eu=eu, world=world, diversion=1.0, eu_world_share=0.5).table.iloc[0]
    assert r2["replacement_share"] == pytest.approx(0.30)
    with pytest.raises(InputError, match="EU member"):
        stress_materials(["DEU"], eu=eu, world=world)


def test_materials_on_shipped_study():
    from samarkand import reference
    from samarkand.methods.stress import stress_materials

    res = stress_materials(["CHN"], diversion=0.5)
    eu, gl = reference.load("crm_eu_supply"), reference.load("crm_global_supply")
    # Magnesium, processing: recomputed from the shipped rows
    e = eu[(eu.material == "Magnesium") & (eu.stage == "P")].set_index("iso3")["share"].fillna(0)
    g = gl[(gl.material == "Magnesium") & (gl.stage == "P")].set_index("iso3")["share"].fillna(0)
    lost = e.get("CHN", 0.0)
    others = g.index.union(e.index).difference(["CHN"])
    head = sum(max(0.0, g.get(s, 0.0) - e.get(s, 0.0)) for s in others)
    r = res.table.set_index(["material", "stage"]).loc[("Magnesium", "P")]
    assert r["lost_share"] == pytest.approx(lost)
    assert r["shortfall_share"] == pytest.approx(lost - min(lost, 0.5 * head))
    assert r["rank"] <= 3


# ---- shipped data (fresh install) -------------------------------------------------------------------------
EU27_2024 = ("AUT BEL BGR HRV CYP CZE DNK EST FIN FRA DEU GRC HUN IRL ITA LVA LTU LUX MLT NLD POL PRT ROU SVK SVN "
             "ESP SWE").split()


def _independent(hs6: str, d: float = 0.5) -> tuple[float, float]:
    """lost and shortfall for EU27 2024, CHN cut, recomputed with pandas straight from the shipped parquet."""
    from samarkand import reference

    p = reference.path("flows_baci_crm")
    f = pd.read_parquet(p)
    f = f[(f.year == 2024) & (f.hs6 == hs6)]
    extra = f[f.importer.isin(EU27_2024) & ~f.exporter.isin(EU27_2024)]
    lost = extra.loc[extra.exporter == "CHN", "value_usd"].sum()
    remaining = set(extra.loc[(extra.exporter != "CHN") & (extra.value_usd > 0), "exporter"])
    third = f[~f.importer.isin(EU27_2024) & f.exporter.isin(remaining)]
    head = third["value_usd"].sum()
    return lost, lost - min(lost, d * head)


def test_cli_eu27_china_crm_ranks_magnets_and_magnesium(cli):
    out = cli("stress", "EU27", "--cut", "CHN", "--year", "2024", "--format", "json", "--domain", "crm")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    by = {r["hs6"]: r for r in data["rows"]}
    for code in ("850511", "810411"):
        lost, short = _independent(code)
        assert by[code]["lost_usd"] == pytest.approx(lost, rel=1e-9)
        assert by[code]["shortfall_usd"] == pytest.approx(short, rel=1e-9)
        assert by[code]["rank"] <= 3
    ranked = [r["hs6"] for r in data["rows"]]
    assert set(ranked[:2]) == {"850511", "810411"}
    assert data["provenance"]["dataset"] == "baci-crm"
    table = cli("stress", "EU27", "--cut", "CHN", "--year", "2024", "--top", "3")
    assert table.returncode == 0 and "850511" in table.stdout and "source" in table.stdout


def test_cli_scenarios_and_monte_carlo(cli):
    out = cli("stress", "--scenarios", str(FIX / "scenarios.yaml"), "--products", "810411,850511",
              "--format", "csv")
    assert out.returncode == 0, out.stderr
    t = pd.read_csv(__import__("io").StringIO(out.stdout))
    lost_m, short_m = _independent("850511")
    lost_g, short_g = _independent("810411")
    assert t.loc[0, "shortfall_usd"] == pytest.approx(short_m + short_g, rel=1e-9)
    mc = cli("stress", "EU27", "--cut", "CHN", "--year", "2024", "--products", "810411", "--monte-carlo", "300",
             "--format", "json")
    assert mc.returncode == 0, mc.stderr
    r = json.loads(mc.stdout)["rows"][0]
    assert r["shortfall_p5"] <= r["shortfall_p50"] <= r["shortfall_p95"] <= r["lost_usd"]
    mat = cli("stress", "EU27", "--cut", "CHN", "--materials", "--format", "json")
    assert mat.returncode == 0, mat.stderr
    assert json.loads(mat.stdout)["rows"][0]["material"]


@pytest.mark.parametrize("args, needle", [
    (["EU27", "--cut", "DEU", "--year", "2024"], "member"),
    (["FRA", "--cut", "FRA", "--year", "2024"], "reporter itself"),
    (["EU27", "--cut", "CHN", "--share-cut", "1.5", "--year", "2024"], "share_cut"),
    (["EU27", "--cut", "USA,TUR,NOR", "--products", "811212", "--year", "2024"], "every country"),
    (["EU27", "--cut", "CHN", "--year", "1990"], "available years"),
    (["--scenarios", str(FIX / "scenarios_bad_key.toml")], "sharecut"),
    (["EU27"], "--cut is required"),
    (["USA", "--cut", "CHN", "--materials"], "EU27"),
])
def test_cli_bad_input_exit_2(cli, args, needle):
    out = cli("stress", *args)
    assert out.returncode == 2, (out.stdout, out.stderr)
    assert needle in out.stderr.replace("\n", " ")


# ---- properties of the formula (hypothesis) ----------------------------------------------------------------
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

SUPPLIERS = ["AAA", "BBB", "CCC", "DDD"]
PRODUCTS = ["000001", "000002"]
money = st.floats(min_value=0, max_value=1e6, allow_nan=False)


@st.composite
def frames(draw):
    imp = [{"hs6": p, "supplier": s, "value_usd": draw(money), "quantity_t": draw(st.one_of(st.none(), money))}
           for p in PRODUCTS for s in SUPPLIERS]
    third = [{"hs6": p, "supplier": s, "value_usd": draw(money)} for p in PRODUCTS for s in SUPPLIERS]
    imp = pd.DataFrame(imp)
    imp["quantity_t"] = imp["quantity_t"].astype(float)
    return imp, pd.DataFrame(third)


@settings(max_examples=60, deadline=None)
@given(frames(), st.sets(st.sampled_from(SUPPLIERS), min_size=1, max_size=3),
       st.floats(0, 1), st.floats(0, 1), st.floats(0, 1), st.sampled_from(["current", "all"]))
def test_formula_properties(fr, cut, share, d1, d2, mode):
    from samarkand.methods.stress import stress_table

    imp, third = fr
    lo, hi = sorted((d1, d2))
    a, _ = stress_table(imp, third, cut, share_cut=share, diversion=lo, suppliers=mode)
    b, _ = stress_table(imp, third, cut, share_cut=share, diversion=hi, suppliers=mode)
    a, b = a.set_index("hs6"), b.set_index("hs6")
    assert (a["replacement_usd"] >= -1e-9).all() and (a["replacement_usd"] <= a["lost_usd"] + 1e-6).all()
    assert np.allclose(a["shortfall_usd"], a["lost_usd"] - a["replacement_usd"])
    assert (a["lost_usd"] <= share * a["imports_usd"] + 1e-6).all()
    # more diversion never increases a shortfall
    assert (b["shortfall_usd"].reindex(a.index) <= a["shortfall_usd"] + 1e-6).all()
    # 'all' suppliers can only add headroom to 'current'
    if mode == "current":
        c, _ = stress_table(imp, third, cut, share_cut=share, diversion=lo, suppliers="all")
        c = c.set_index("hs6")
        assert (c["shortfall_usd"].reindex(a.index) <= a["shortfall_usd"] + 1e-6).all()
