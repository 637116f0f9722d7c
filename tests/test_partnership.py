"""Partnership: trade indices and the mutual-opportunity matrix on a hand-made fixture (figures by hand)."""
from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from samarkand.errors import InputError
from samarkand.methods import trade_indices as ti
from samarkand.store import Flows

FIX = Path(__file__).parent / "fixtures" / "partnership"


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch):
    monkeypatch.setenv("SAMARKAND_HOME", str(tmp_path))


@pytest.fixture(scope="module")
def flows() -> Flows:
    df = pd.read_csv(FIX / "flows.csv", dtype={"hs6": str})
    return Flows.from_frame(df, name="partnership-fixture")


@pytest.fixture(scope="module")
def res(flows):
    from samarkand.methods.partnership import partnership

    return partnership("EU27", "KAZ", 2024, flows=flows)


# ---- the indices on their own ----------------------------------------------------------------------
def test_balassa_rca_by_definition():
    # x_ik = 120 of X_i = 250; world x_wk = 155 of X_w = 610 → (120/250)/(155/610)
    assert ti.balassa_rca(120, 250, 155, 610) == pytest.approx(0.48 * 610 / 155)
    assert math.isnan(ti.balassa_rca(0, 0, 155, 610))


def test_rca_table_matches_scalar():
    ex = pd.DataFrame({"economy": ["A", "A", "B"], "hs6": ["1", "2", "1"], "value_usd": [30.0, 10.0, 60.0]})
    out = ti.rca_table(ex)
    # world: product 1 = 90, product 2 = 10, total 100; A: 30/40 over 90/100
    a1 = out[(out.economy == "A") & (out.hs6 == "1")]["rca"].iloc[0]
    assert a1 == pytest.approx((30 / 40) / (90 / 100))
    b1 = out[(out.economy == "B") & (out.hs6 == "1")]["rca"].iloc[0]
    assert b1 == pytest.approx((60 / 60) / (90 / 100))


def test_tci_extremes_and_hand_value():
    # identical baskets → 100; disjoint baskets → 0
    assert ti.trade_complementarity({"a": 1, "b": 3}, {"a": 2, "b": 6}) == pytest.approx(100)
    assert ti.trade_complementarity({"a": 1}, {"b": 1}) == pytest.approx(0)
    # m = (.5, .5), x = (.25, .75): Σ|.| = .5 → 100·(1 − .25) = 75
    assert ti.trade_complementarity({"a": 5, "b": 5}, {"a": 1, "b": 3}) == pytest.approx(75)


def test_trade_intensity_by_definition():
    assert ti.trade_intensity(13, 43, 35, 610) == pytest.approx((13 / 43) / (35 / 610))


def test_hhi_after_gains():
    # suppliers K 80, C 20; K gains 20 → K 100 → HHI 1
    assert ti.hhi_after_gains({"K": 80, "C": 20}, {"K": 20}) == pytest.approx(1.0)
    # C 50, U 50; K (new) gains 80 → C, U shrink to 10 each → .8² + .1² + .1² = .66
    assert ti.hhi_after_gains({"C": 50, "U": 50}, {"K": 80}) == pytest.approx(0.66)


# ---- the opportunity matrix on the fixture ------------------------------------------------------------
# World (all flows) by product: 280470 155, 810820 180, 810411 125, 850511 100, 740311 50 → X_w = 610.
# KAZ exports: 280470 120 (DEU 60, FRA 20, CHN 40), 810820 80, 740311 50 → X_KAZ = 250.
# EU27 extra exports (DEU→FRA 5 is intra): 810411 5 (DEU→KAZ), 850511 38 (DEU→KAZ 8, DEU→USA 30) → X_EU = 43.
# EU dependencies (ec2021): 280470 (T=100: KAZ 80, CHN 20, HHI .68, extra share 100/105, ratio 100/5),
#   810820 (T=100: CHN 50, USA 50, HHI .5, no EU exports), 810411 (T=100 from CHN, ratio 100/5).
# KAZ dependencies: 810411 (CHN 20, DEU 5 → HHI .68, no exports), 850511 (DEU 8, CHN 2 → HHI .68).

def test_opportunity_rows(res):
    t = res.table.set_index(["importer", "hs6"])
    assert sorted(t.index) == [("EU27", "280470"), ("EU27", "810820"), ("KAZ", "850511")]
    p = t.loc[("EU27", "280470")]
    assert p["status"] == "already supplies"
    assert p["importer_extra_imports_usd"] == pytest.approx(100)
    assert p["partner_share"] == pytest.approx(0.8)                    # 80 / 100
    assert p["partner_rca"] == pytest.approx((120 / 250) / (155 / 610))  # 1.889
    assert p["partner_world_exports_usd"] == pytest.approx(120)
    assert p["partner_headroom_usd"] == pytest.approx(40)              # 120 − 80 to the EU
    assert p["coverable_usd"] == pytest.approx(20)                     # min(40, 100 − 80)
    assert p["importer_import_hhi"] == pytest.approx(0.8 ** 2 + 0.2 ** 2)
    assert p["importer_hhi_if_headroom_used"] == pytest.approx(1.0)     # KAZ takes the CHN 20 → 100 %
    q = t.loc[("EU27", "810820")]
    assert q["status"] == "could supply"
    assert q["partner_share"] == 0
    assert q["partner_rca"] == pytest.approx((80 / 250) / (180 / 610))  # 1.084
    assert q["partner_headroom_usd"] == pytest.approx(80)
    assert q["coverable_usd"] == pytest.approx(80)                     # min(80, 100)
    assert q["importer_hhi_if_headroom_used"] == pytest.approx(0.8 ** 2 + 0.1 ** 2 + 0.1 ** 2)
    k = t.loc[("KAZ", "850511")]
    assert k["partner_share"] == pytest.approx(0.8)                    # DEU 8 of 10
    assert k["partner_rca"] == pytest.approx((38 / 43) / (100 / 610))   # 5.39
    assert k["partner_headroom_usd"] == pytest.approx(30)              # 38 − 8 to KAZ
    assert k["coverable_usd"] == pytest.approx(2)                      # min(30, 10 − 8)
    assert k["importer_hhi_if_headroom_used"] == pytest.approx(1.0)
    # each row explains itself with its numbers
    assert "RCA 1.9" in p["why"] and "80%" in p["why"] and "does not supply EU27 yet" in q["why"]


def test_excluded_products(res):
    t = res.table
    # 810411: EU dependent but KAZ exports none (RCA 0); KAZ dependent but EU RCA (5/43)/(125/610) = .57 < 1
    assert "810411" not in set(t["hs6"])
    # 740311: KAZ RCA (50/250)/(50/610) = 2.44 but the EU does not import it → no dependency, no row
    rca = res.extras["rca"].set_index("hs6")
    assert rca.loc["740311", "KAZ_rca"] == pytest.approx(0.2 * 610 / 50)
    assert rca.loc["810411", "EU27_rca"] == pytest.approx((5 / 43) / (125 / 610))
    assert "740311" not in set(t["hs6"])


def test_summary(res):
    s = res.extras["summary"].set_index(["indicator", "economy"])["value"]
    # EU extra imports shares (1/3, 1/3, 1/3, 0, 0) vs KAZ export shares (.48, .32, 0, 0, .2)
    d = abs(1 / 3 - .48) + abs(1 / 3 - .32) + 1 / 3 + .2
    assert s[("tci", "EU27 imports × KAZ exports")] == pytest.approx(100 * (1 - d / 2))      # 65.33
    # KAZ imports (25/35, 10/35) vs EU extra exports (5/43, 38/43)
    d2 = abs(25 / 35 - 5 / 43) + abs(10 / 35 - 38 / 43)
    assert s[("tci", "KAZ imports × EU27 exports")] == pytest.approx(100 * (1 - d2 / 2))     # 40.20
    assert s[("trade_intensity", "EU27 → KAZ")] == pytest.approx((13 / 43) / (35 / 610))    # 5.27
    assert s[("trade_intensity", "KAZ → EU27")] == pytest.approx((80 / 250) / (300 / 610))  # 0.651
    assert s[("dependent_products", "EU27")] == 3
    assert s[("dependent_imports_usd", "EU27")] == pytest.approx(300)
    assert s[("coverable_by_partner_usd", "EU27")] == pytest.approx(100)                   # 20 + 80
    assert s[("dependent_hhi_weighted", "EU27")] == pytest.approx((.68 + .5 + 1) / 3)
    assert s[("dependent_hhi_if_headroom_used", "EU27")] == pytest.approx((1 + .66 + 1) / 3)
    assert s[("coverable_by_partner_usd", "KAZ")] == pytest.approx(2)
    assert s[("dependent_hhi_if_headroom_used", "KAZ")] == pytest.approx((25 * .68 + 10 * 1) / 35)


def test_provenance_and_notes(res):
    assert "Michaely" in res.provenance["tci"]
    assert res.provenance["dataset"] == "partnership-fixture"
    assert any("relative to those products" in n for n in res.notes)


def test_symmetric_call_swaps_sides(flows):
    from samarkand.methods.partnership import partnership

    r = partnership("KAZ", "EU27", 2024, flows=flows)
    assert r.table.iloc[0]["importer"] == "KAZ"
    assert set(zip(r.table["importer"], r.table["hs6"])) == {("EU27", "280470"), ("EU27", "810820"),
                                                            ("KAZ", "850511")}


def test_bad_input(flows):
    from samarkand.methods.partnership import partnership

    with pytest.raises(InputError, match="same economy"):
        partnership("KAZ", "kaz", 2024, flows=flows)
    with pytest.raises(InputError, match="overlap"):
        partnership("EU27", "DEU", 2024, flows=flows)
    with pytest.raises(InputError, match="unknown economy"):
        partnership("EU27", "Atlantis", 2024, flows=flows)
    with pytest.raises(InputError, match="year 2019"):
        partnership("EU27", "KAZ", 2019, flows=flows)


# ---- the CRM study view (shipped tables) --------------------------------------------------------------
def test_crm_materials_from_shipped_study():
    from samarkand import reference
    from samarkand.methods.partnership import crm_partner_view

    view, prov = crm_partner_view("KAZ")
    cat = view.set_index(["material", "stage"])["category"]
    # the study: KAZ phosphorus (P) 62 %, titanium metal (P) 36 %, beryllium (P) 25 % of EU sourcing
    eu = reference.load("crm_eu_supply")
    kz = eu[eu.iso3 == "KAZ"].set_index(["material", "stage"])["share"]
    for mat in ("Phosphorus", "Titanium metal", "Beryllium"):
        assert kz[(mat, "P")] >= 0.10
        assert cat[(mat, "P")] == "already matters to the EU"
    # chromium extraction: KAZ 15.7 % of global supply, not listed in EU sourcing (< 1 %)
    gl = reference.load("crm_global_supply")
    assert gl[(gl.iso3 == "KAZ") & (gl.material == "Chromium") & (gl.stage == "E")]["share"].iloc[0] >= 0.05
    assert cat[("Chromium", "E")] == "global share, little EU share"
    # a 1 % EU share (copper P) is neither category
    assert ("Copper", "P") not in cat.index


def test_crm_materials_bloc_partner_sums_members():
    from samarkand import reference
    from samarkand.methods.partnership import crm_partner_view

    view, prov = crm_partner_view("EAEU")
    v = view.set_index(["material", "stage"])
    eu = reference.load("crm_eu_supply")
    eaeu = ["ARM", "BLR", "KAZ", "KGZ", "RUS"]
    sel = eu[(eu.material == "Titanium metal") & (eu.stage == "P") & eu.iso3.isin(eaeu)]
    assert sorted(sel.iso3) == ["KAZ", "RUS"]                       # KAZ 36 % + RUS 34 %
    assert v.loc[("Titanium metal", "P"), "partner_eu_share"] == pytest.approx(0.36 + 0.34)
    # palladium: the study gives EU sourcing for the PGM group only, so no "little EU share" claim is made
    assert not ((eu.material == "Palladium") & (eu.stage == "P")).any()
    assert v.loc[("Palladium", "P"), "category"] == "global share, EU sourcing not in the study"
    assert prov["members"] == eaeu


# ---- CLI on the shipped data -------------------------------------------------------------------------
def _cli(*args, home):
    env = {"SAMARKAND_HOME": str(home), "PATH": "/usr/bin:/bin", "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "samarkand", *args], capture_output=True, text=True, env=env,
                          timeout=300)


def test_cli_partners_eu_kaz_shipped(tmp_path):
    """Fresh install: `samarkand partners EU27 KAZ` lists phosphorus (280470), which KAZ already supplies,
    and the CRM-study materials where KAZ matters."""
    p = _cli("partners", "EU27", "KAZ", "--format", "json", home=tmp_path)
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    rows = {(r["importer"], r["hs6"]): r for r in out["rows"]}
    ph = rows[("EU27", "280470")]
    assert ph["status"] == "already supplies"
    # recomputed from the shipped rows by a separate route: KAZ's share of extra-EU imports of 280470
    from samarkand import economies, reference

    f = reference.load("flows_baci_crm")
    eu = economies.members("EU27", 2024)
    m = f[(f.year == 2024) & (f.hs6 == "280470") & f.importer.isin(eu) & ~f.exporter.isin(eu)]
    share = m.loc[m.exporter == "KAZ", "value_usd"].sum() / m["value_usd"].sum()
    assert ph["partner_share"] == pytest.approx(share)
    assert ph["importer_extra_imports_usd"] == pytest.approx(m["value_usd"].sum())
    mats = {(r["material"], r["stage"]): r["category"] for r in out["extras"]["crm_materials"]}
    assert mats[("Phosphorus", "P")] == mats[("Titanium metal", "P")] == mats[("Beryllium", "P")] \
        == "already matters to the EU"
    assert "global share, little EU share" in mats.values()


def test_cli_same_economy_exit_2(tmp_path):
    p = _cli("partners", "KAZ", "Kazakhstan", "--year", "2024", home=tmp_path)
    assert p.returncode == 2
    assert "same economy" in p.stderr
