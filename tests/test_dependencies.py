"""Dependency screen (issue 3): hand-made fixture, shipped BACI rows, bloc = Σ members, CRM material view, CLI.

Every expected figure below is computed by hand from the fixture rows (tests/fixtures/dependencies/flows.csv)
and written as arithmetic; the shipped-data tests recompute every product by an independent pandas route.
"""
from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samarkand import economies
from samarkand.errors import InputError, NotInStoreError
from samarkand.methods import concentration
from samarkand.methods.dependencies import EC_2021, GEODEP_2024, SCREEN_COLUMNS, dependencies
from samarkand.store import Flows
from tests.conftest import run_cli

FIX = Path(__file__).parent / "fixtures" / "dependencies"
INF = math.inf


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch):
    monkeypatch.setenv("SAMARKAND_HOME", str(tmp_path))


@pytest.fixture(scope="module")
def fx() -> pd.DataFrame:
    return pd.read_csv(FIX / "flows.csv", dtype={"hs6": str, "exporter": str, "importer": str})


def _row(res, hs6):
    t = res.table.set_index("hs6")
    return t.loc[hs6]


# ------------------------------------------------------------------------------------------------
# hand-made fixture, EC 2021
# ------------------------------------------------------------------------------------------------
def test_ec2021_eu_every_product_by_hand(fx):
    res = dependencies("EU27", 2024, "ec2021", flows=Flows.from_frame(fx))
    assert list(res.table.columns) == SCREEN_COLUMNS
    # products the EU imports in 2024: 810411, 280470, 283691, 720293, 252800, 811010
    assert set(res.table["hs6"]) == {"810411", "280470", "283691", "720293", "252800", "811010"}

    # 810411: extra CHN→DEU 80 + RUS→FRA 20 = 100; FRA→DEU 10 is intra-EU (excluded from extra)
    r = _row(res, "810411")
    assert r.extra_imports_usd == 80 + 20
    assert r.intra_imports_usd == 10
    assert r.total_imports_usd == 110
    assert r.extra_share == pytest.approx(100 / 110)
    # EU exports = intra FRA→DEU 10 + extra DEU→USA 5 = 15
    assert r.exports_usd == 10 + 5
    assert r.import_export_ratio == pytest.approx(100 / 15)
    assert r.import_hhi == pytest.approx(0.8 ** 2 + 0.2 ** 2)  # 0.68
    # world exports 2024: CHN 80+6, RUS 20+4, FRA 10, DEU 5 (total 125)
    assert r.world_export_hhi == pytest.approx((86 ** 2 + 24 ** 2 + 10 ** 2 + 5 ** 2) / 125 ** 2)
    assert r.top_supplier == "CHN" and r.top_supplier_share == pytest.approx(0.8)
    assert r.top3_suppliers == "CHN 0.80; RUS 0.20"
    assert (r.crit_import_hhi, r.crit_extra_share, r.crit_ratio, r.dependent) == (True, True, True, True)

    # 280470 fails the HHI criterion alone: KAZ 40, CHN 30, RUS 30 of 100 → 0.16 + 0.09 + 0.09 = 0.34
    r = _row(res, "280470")
    assert r.import_hhi == pytest.approx(0.4 ** 2 + 0.3 ** 2 + 0.3 ** 2)
    assert r.extra_share == 1.0 and r.import_export_ratio == pytest.approx(100 / 10)
    assert (r.crit_import_hhi, r.crit_extra_share, r.crit_ratio, r.dependent) == (False, True, True, False)
    assert r.top3_suppliers == "KAZ 0.40; CHN 0.30; RUS 0.30"  # tie CHN/RUS broken by code

    # 283691 fails the ratio criterion alone: CHL→DEU 90 vs DEU→USA 100 → 0.9
    r = _row(res, "283691")
    assert r.import_hhi == 1.0 and r.extra_share == 1.0
    assert r.import_export_ratio == pytest.approx(90 / 100)
    assert (r.crit_import_hhi, r.crit_extra_share, r.crit_ratio, r.dependent) == (True, True, False, False)

    # 720293: no EU exports → ratio ∞ (dependent); HHI 0.7² + 0.3² = 0.58
    r = _row(res, "720293")
    assert r.exports_usd == 0 and r.import_export_ratio == INF
    assert r.import_hhi == pytest.approx(0.7 ** 2 + 0.3 ** 2)
    assert r.dependent

    # 252800: only FRA→DEU 50 (intra): no extra imports at all → nothing is met
    r = _row(res, "252800")
    assert r.extra_imports_usd == 0 and r.intra_imports_usd == 50 and r.extra_share == 0
    assert pd.isna(r.import_hhi) and r.import_export_ratio == 0  # 0 / 50
    assert not (r.crit_import_hhi or r.crit_extra_share or r.crit_ratio or r.dependent)

    # ranking: dependent first, by extra imports (ties by code): 720293 (100), 810411 (100), 811010 (90)
    assert res.table["hs6"].tolist()[:3] == ["720293", "810411", "811010"]
    assert res.provenance["thresholds"] == {"name": "EC_2021", **EC_2021}
    assert res.provenance["members"] == sorted(economies.members("EU27", 2024))


def test_extra_share_fails_alone_only_by_threshold(fx):
    """For a bloc, intra imports are also intra exports, so ratio > 1 implies extra share > 0.5 on mirror-
    consistent flows (BACI): criterion 2 cannot fail alone with EC defaults.  With extra_share = 0.95,
    810411 (share 100/110 = 0.909) fails it alone."""
    res = dependencies("EU27", 2024, flows=Flows.from_frame(fx), thresholds={"extra_share": 0.95})
    r = _row(res, "810411")
    assert (r.crit_import_hhi, r.crit_extra_share, r.crit_ratio, r.dependent) == (True, False, True, False)
    assert res.provenance["thresholds"]["extra_share"] == 0.95


def test_country_reporter_zero_exports(fx):
    res = dependencies("KAZ", 2024, flows=Flows.from_frame(fx))
    assert set(res.table["hs6"]) == {"810411", "811010", "250490"}
    r = _row(res, "810411")  # CHN 6, RUS 4; KAZ exports nothing → ∞
    assert r.extra_imports_usd == 10 and r.intra_imports_usd == 0 and r.extra_share == 1
    assert r.import_hhi == pytest.approx(0.6 ** 2 + 0.4 ** 2) and r.import_export_ratio == INF and r.dependent
    r = _row(res, "250490")  # CHN 10 in, KAZ→RUS 5 out → ratio 2
    assert r.import_export_ratio == pytest.approx(10 / 5) and r.import_hhi == 1 and r.dependent


def test_by_supplier_and_leverage_by_hand(fx):
    res = dependencies("EU27", 2024, flows=Flows.from_frame(fx))
    bs = res.extras["by_supplier"].set_index("supplier")
    # dependent: 720293 (BRA 0.7 of 100), 810411 (CHN 0.8 of 100), 811010 (CHN 1.0 of 90)
    assert bs.loc["CHN", "n_products"] == 2 and bs.loc["CHN", "dependent_imports_usd"] == 100 + 90
    assert bs.loc["CHN", "imports_from_supplier_usd"] == pytest.approx(80 + 90)
    assert bs.loc["BRA", "dependent_imports_usd"] == 100
    assert bs.loc["CHN", "share_of_dependent_imports"] == pytest.approx(190 / 290)
    lev = res.extras["leverage"].set_index(["hs6", "supplier"])
    # CHN sells 80 of its 86 of 810411 to the EU; RUS 20 of its 24
    assert lev.loc[("810411", "CHN"), "supplier_share_of_reporter_imports"] == pytest.approx(0.8)
    assert lev.loc[("810411", "CHN"), "reporter_share_of_supplier_exports"] == pytest.approx(80 / 86)
    assert lev.loc[("810411", "RUS"), "reporter_share_of_supplier_exports"] == pytest.approx(20 / 24)
    assert lev.loc[("810411", "RUS"), "leverage_ratio"] == pytest.approx(0.2 / (20 / 24))
    assert "280470" not in lev.index.get_level_values(0)  # not dependent → not in the default leverage view


# ------------------------------------------------------------------------------------------------
# hand-made fixture, GeoDep
# ------------------------------------------------------------------------------------------------
def test_geodep_two_of_three_years(fx):
    res = dependencies("KAZ", 2024, "geodep", flows=Flows.from_frame(fx))
    assert res.provenance["years"] == [2022, 2023, 2024]
    assert res.provenance["thresholds"] == {"name": "GEODEP_2024", **GEODEP_2024}
    # 811010: 2022 met (KAZ HHI 1, world CHN only → 1, exports 0 → ∞);
    #         2023 not met: world exports CHN 45, RUS 45, USA 20 → (45²+45²+20²)/110² = 0.368 ≤ 0.4;
    #         2024 met: KAZ HHI 0.8²+0.2² = 0.68, world (98²+2²)/100² = 0.9608, ∞  → 2 of 3 → dependent
    r = _row(res, "811010")
    assert r.years_met == 2 and r.dependent
    assert r.import_hhi == pytest.approx(0.68) and r.world_export_hhi == pytest.approx((98 ** 2 + 2 ** 2) / 100 ** 2)
    # 250490: 2022 and 2023 ratio 10/20 = 0.5 (fails); 2024 ratio 10/5 = 2, HHI 1, world (10²+5²)/15² = 0.556
    #         → every criterion holds in 2024 but only 1 year of 3 → not dependent
    r = _row(res, "250490")
    assert (r.crit_import_hhi, r.crit_world_hhi, r.crit_ratio) == (True, True, True)
    assert r.world_export_hhi == pytest.approx(125 / 225)
    assert r.years_met == 1 and not r.dependent
    # 810411 imported only in 2024 → at most 1 year
    assert _row(res, "810411").years_met == 1 and not _row(res, "810411").dependent
    # with min_years = 1 the same products become dependent
    res1 = dependencies("KAZ", 2024, "geodep", flows=Flows.from_frame(fx), thresholds={"min_years": 1})
    assert set(res1.table.loc[res1.table["dependent"], "hs6"]) == {"811010", "250490", "810411"}


def test_geodep_needs_three_years(fx):
    with pytest.raises(NotInStoreError, match="2021"):
        dependencies("KAZ", 2023, "geodep", flows=Flows.from_frame(fx))


# ------------------------------------------------------------------------------------------------
# bloc = Σ members (independent computation)
# ------------------------------------------------------------------------------------------------
def _members_sum(df: pd.DataFrame, members: frozenset[str], year: int) -> pd.DataFrame:
    """Σ over members m of m's imports from non-members, by product and supplier; then HHI, shares."""
    d = df[df["year"] == year]
    parts = []
    for m in sorted(members):
        mine = d[(d["importer"] == m) & ~d["exporter"].isin(members)]
        parts.append(mine.groupby(["hs6", "exporter"])["value_usd"].sum())
    by_sup = pd.concat(parts).groupby(level=[0, 1]).sum()
    extra = by_sup.groupby(level=0).sum()
    hhi = (by_sup.div(extra, level=0) ** 2).groupby(level=0).sum()
    exp_parts = [d[d["exporter"] == m].groupby("hs6")["value_usd"].sum() for m in sorted(members)]
    exports = pd.concat(exp_parts).groupby(level=0).sum().rename("exports")
    return pd.DataFrame({"extra": extra, "hhi": hhi}).join(exports, how="left")


def test_bloc_equals_sum_of_members_fixture(fx):
    mem = economies.members("EU27", 2024)
    exp = _members_sum(fx, mem, 2024)
    res = dependencies("EU27", 2024, flows=Flows.from_frame(fx)).table.set_index("hs6")
    sel = res.loc[res["extra_imports_usd"] > 0]
    assert set(sel.index) == set(exp.index)
    for h in exp.index:
        assert sel.loc[h, "extra_imports_usd"] == pytest.approx(exp.loc[h, "extra"])
        assert sel.loc[h, "import_hhi"] == pytest.approx(exp.loc[h, "hhi"])
        exports = 0 if pd.isna(exp.loc[h, "exports"]) else exp.loc[h, "exports"]
        assert sel.loc[h, "exports_usd"] == pytest.approx(exports)


def test_bloc_equals_sum_of_members_shipped():
    from samarkand import reference

    df = reference.load("flows_baci_crm")
    mem = economies.members("EU27", 2024)
    exp = _members_sum(df, mem, 2024)
    bloc = dependencies("EU27", 2024).table.set_index("hs6")
    sel = bloc.loc[bloc["extra_imports_usd"] > 0]
    assert set(sel.index) == set(exp.index)
    assert np.allclose(sel.loc[exp.index, "extra_imports_usd"], exp["extra"], rtol=1e-12)
    assert np.allclose(sel.loc[exp.index, "import_hhi"], exp["hhi"], rtol=1e-12)
    assert np.allclose(sel.loc[exp.index, "exports_usd"], exp["exports"].fillna(0), rtol=1e-12)
    # and the library's own per-member screens add up: Σ_m total imports(m) = bloc total imports
    per = [dependencies(m, 2024, products=["810411", "850511"]).table.set_index("hs6")["total_imports_usd"]
           for m in sorted(mem) if (df[(df.year == 2024) & (df.hs6.isin(["810411", "850511"]))]
                                    [["exporter", "importer"]] == m).any().any()]
    tot = pd.concat(per).groupby(level=0).sum()
    for h in ("810411", "850511"):
        assert tot[h] == pytest.approx(bloc.loc[h, "total_imports_usd"], rel=1e-12)


# ------------------------------------------------------------------------------------------------
# shipped BACI rows: every product recomputed by an independent pandas route
# ------------------------------------------------------------------------------------------------
def _reference_screen(df: pd.DataFrame, members: frozenset[str], year: int) -> pd.DataFrame:
    d = df[(df["year"] == year) & (df["value_usd"] > 0)]
    rows = []
    for h, g in d.groupby("hs6"):
        imp = g[g["importer"].isin(members)]
        if imp.empty:
            continue
        ext = imp[~imp["exporter"].isin(members)].groupby("exporter")["value_usd"].sum()
        intra = imp.loc[imp["exporter"].isin(members), "value_usd"].sum()
        x = g.loc[g["exporter"].isin(members), "value_usd"].sum()
        e = ext.sum()
        hhi = float(((ext / e) ** 2).sum()) if e > 0 else float("nan")
        share = e / (e + intra)
        ratio = e / x if x > 0 else (INF if e > 0 else float("nan"))
        w = g.groupby("exporter")["value_usd"].sum()
        top = ext.sort_values(ascending=False).index[0] if e > 0 else None
        rows.append({"hs6": h, "extra": e, "intra": intra, "exports": x, "hhi": hhi, "share": share,
                     "ratio": ratio, "whhi": float(((w / w.sum()) ** 2).sum()), "top": top,
                     "dep": bool(hhi > 0.4 and share > 0.5 and ratio > 1)})
    cols = ["hs6", "extra", "intra", "exports", "hhi", "share", "ratio", "whhi", "top", "dep"]
    return pd.DataFrame(rows, columns=cols).set_index("hs6")


@pytest.mark.parametrize("reporter", ["EU27", "KAZ"])
def test_shipped_every_product_recomputed(reporter):
    from samarkand import reference

    df = reference.load("flows_baci_crm")
    ref = _reference_screen(df, economies.members(reporter, 2024), 2024)
    res = dependencies(reporter, 2024)
    got = res.table.set_index("hs6")
    assert set(got.index) == set(ref.index)
    got = got.loc[ref.index]
    assert np.allclose(got["extra_imports_usd"], ref["extra"], rtol=1e-12)
    assert np.allclose(got["intra_imports_usd"], ref["intra"], rtol=1e-12)
    assert np.allclose(got["exports_usd"], ref["exports"], rtol=1e-12)
    assert np.allclose(got["import_hhi"], ref["hhi"], rtol=1e-9, equal_nan=True)
    assert np.allclose(got["extra_share"], ref["share"], rtol=1e-12)
    assert np.allclose(got["import_export_ratio"], ref["ratio"], rtol=1e-12, equal_nan=True)
    assert np.allclose(got["world_export_hhi"], ref["whhi"], rtol=1e-9)
    assert (got["top_supplier"].fillna("") == ref["top"].fillna("")).all()
    assert (got["dependent"] == ref["dep"]).all()
    if reporter == "EU27":
        # sanity on real data: permanent magnets 850511 — China is the main extra-EU supplier
        assert got.loc["850511", "top_supplier"] == "CHN" and got.loc["850511", "dependent"]
        assert res.provenance["dataset"] == "baci-crm" and res.provenance["release"] == "V202601"


@pytest.mark.parametrize("reporter", ["EU27", "KAZ"])
def test_shipped_geodep_recomputed(reporter):
    """GeoDep 2024 = all of (import HHI > 0.4, world-export HHI > 0.4, ratio > 1) in ≥ 2 of 2022–2024."""
    from samarkand import reference

    df = reference.load("flows_baci_crm")
    met = {}
    for y in (2022, 2023, 2024):
        r = _reference_screen(df, economies.members(reporter, y), y)
        ok = (r["hhi"] > 0.4) & (r["whhi"] > 0.4) & (r["ratio"] > 1)
        for h, v in ok.items():
            met[h] = met.get(h, 0) + int(v)
    got = dependencies(reporter, 2024, "geodep").table.set_index("hs6")
    assert set(got.index) == set(met)
    for h, n in met.items():
        assert got.loc[h, "years_met"] == n, h
        assert bool(got.loc[h, "dependent"]) == (n >= 2), h


def test_shipped_geodep_across_membership_change():
    """GeoDep 2020 for EU27 reads 2018–2020, and the bloc's membership changes inside the window (year by year
    membership, as the Commission's EU27 excludes GBR from 2020 only): recomputed by the pandas route."""
    from samarkand import reference

    m = {y: economies.members("EU27", y) for y in (2018, 2019, 2020)}
    assert len({frozenset(v) for v in m.values()}) > 1, "the window should span a membership change"
    df = reference.load("flows_baci_crm")
    met = {}
    for y in (2018, 2019, 2020):
        r = _reference_screen(df, m[y], y)
        ok = (r["hhi"] > 0.4) & (r["whhi"] > 0.4) & (r["ratio"] > 1)
        for h, v in ok.items():
            met[h] = met.get(h, 0) + int(v)
    res = dependencies("EU27", 2020, "geodep")
    got = res.table.set_index("hs6")
    assert set(got.index) == set(met)
    for h, n in met.items():
        assert got.loc[h, "years_met"] == n, h
    ref = _reference_screen(df, m[2020], 2020)
    np.testing.assert_allclose(got.loc[ref.index, "extra_imports_usd"], ref["extra"], rtol=1e-12)
    np.testing.assert_allclose(got.loc[ref.index, "intra_imports_usd"], ref["intra"], rtol=1e-12)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["DEU", "FRA", "KAZ", "CHN", "RUS", "USA"]),
                          st.sampled_from(["DEU", "FRA", "KAZ", "CHN", "RUS", "USA"]),
                          st.sampled_from(["810411", "280470", "250490"]),
                          st.integers(min_value=1, max_value=1000)), min_size=1, max_size=40))
def test_random_panels_match_reference(rows):
    """On random small panels the SQL screen equals the pandas reference route (EU27 and a country)."""
    df = pd.DataFrame(rows, columns=["exporter", "importer", "hs6", "value_usd"])
    df = df[df["exporter"] != df["importer"]].groupby(["exporter", "importer", "hs6"], as_index=False).sum()
    if df.empty:
        return
    df["year"], df["quantity_t"] = 2024, np.nan
    fl = Flows.from_frame(df)
    for rep in ("EU27", "KAZ"):
        mem = economies.members(rep, 2024)
        if not (df["importer"].isin(mem) | df["exporter"].isin(mem)).any():
            continue
        ref = _reference_screen(df, mem, 2024)
        got = dependencies(rep, 2024, flows=fl).table.set_index("hs6")
        assert set(got.index) == set(ref.index)
        if ref.empty:  # the reporter only exports
            continue
        got = got.loc[ref.index]
        assert np.allclose(got["import_hhi"], ref["hhi"], equal_nan=True)
        assert np.allclose(got["import_export_ratio"], ref["ratio"], equal_nan=True)
        assert np.allclose(got["world_export_hhi"], ref["whhi"])
        assert (got["dependent"] == ref["dep"]).all()


def test_domain_restricts_products():
    res = dependencies("EU27", 2024, domain="crm")
    assert set(res.table["hs6"]) <= set(__import__("samarkand").products.domain_codes("crm"))
    assert res.provenance["domain"] == "crm" and res.provenance["domain_source"]
    with pytest.raises(InputError, match="available: agrifood"):
        dependencies("EU27", 2024, domain="nonsense")
    # the shipped dataset holds 30 CRM codes only: no health product → say what is there
    with pytest.raises(NotInStoreError, match="no product of domain 'health'.*products available: 250490"):
        dependencies("EU27", 2024, domain="health")
    # chapter 27 in the shipped codes: crude oil 270900, LNG 271111 and coking coal 270112 (none dependent, so
    # ranked by extra imports: USD 271.3 bn, 41.5 bn, 10.4 bn in 2024)
    e = dependencies("EU27", 2024, domain="energy")
    assert e.table["hs6"].tolist() == ["270900", "271111", "270112"]


def test_domains_table_sources():
    from samarkand import products, reference

    d = reference.load("domains")
    assert set(d["domain"]) == {"energy", "crm", "cbam", "tech", "health", "agrifood", "fertilisers"}
    assert d["source"].str.len().gt(10).all()
    assert {"261210", "284410", "270900", "271111"} <= products.domain_codes("energy")
    base = set(reference.load("baci_crm_codes")["hs6"])
    assert len(base) == 30 and base <= products.domain_codes("crm")
    assert {"310210", "310420", "310530"} <= products.domain_codes("fertilisers")
    assert "720211" in products.domain_codes("cbam") and "720293" not in products.domain_codes("cbam")


# ------------------------------------------------------------------------------------------------
# risk
# ------------------------------------------------------------------------------------------------
def test_supplier_risk_by_hand():
    from samarkand.methods.risk import supplier_risk

    wgi = pd.DataFrame({"iso3": ["CHN"] * 6 + ["RUS"] * 6, "year": 2023,
                        "indicator": ["va", "pv", "ge", "rq", "rl", "cc"] * 2,
                        "estimate": [-1.5, -0.5, 0.5, -0.5, -0.5, -0.5, -1.5, -1.0, -0.5, -1.0, -1.5, -1.5]})
    ip = pd.DataFrame({"iso3": ["DEU", "FRA", "ITA", "CHN", "RUS", "USA", "VEN", "TWN"],
                       "year": [2024] * 6 + [2022, 2019],
                       "idealpointfp": [1.0, 1.2, 0.8, -0.5, -1.0, 3.0, -2.0, 2.0], "idealpointall": np.nan})
    sr = supplier_risk("DEU", 2024, ["CHN", "RUS", "S19", "VEN", "TWN"], wgi=wgi, ideal=ip).set_index("supplier")
    # CHN: WGI mean (-1.5-0.5+0.5-0.5-0.5-0.5)/6 = -0.5 → g = (2.5+0.5)/5 = 0.6;
    #      distance |1.0 - (-0.5)| = 1.5 over span 3.0-(-1.0) = 4 → 0.375; risk = (0.6+0.375)/2
    assert sr.loc["CHN", "governance_risk"] == pytest.approx(0.6)
    assert sr.loc["CHN", "distance_risk"] == pytest.approx(1.5 / 4)
    assert sr.loc["CHN", "risk"] == pytest.approx((0.6 + 0.375) / 2)
    # RUS: mean -7/6 → g = (2.5 + 7/6)/5; distance 2.0/4
    assert sr.loc["RUS", "risk"] == pytest.approx(((2.5 + 7 / 6) / 5 + 0.5) / 2)
    # S19 in neither index → both components at maximum (1)
    assert sr.loc["S19", "risk"] == 1.0 and sr.loc["S19", "missing"] == "wgi, ideal_point"
    assert sr.attrs["provenance"]["wgi_year"] == 2023 and sr.attrs["provenance"]["ideal_point_year"] == 2024
    # VEN: no 2024 point, its 2022 one is within 3 years → |1.0 - (-2.0)| = 3 over the 2024 span 4;
    # no WGI → governance at maximum 1
    assert sr.loc["VEN", "ideal_point_year"] == 2022 and sr.loc["VEN", "distance_risk"] == pytest.approx(3 / 4)
    assert sr.loc["VEN", "risk"] == pytest.approx((1.0 + 0.75) / 2)
    # TWN: last point 2019, more than 3 years before 2024 → missing
    assert pd.isna(sr.loc["TWN", "ideal_point"]) and sr.loc["TWN", "risk"] == 1.0
    # bloc: median of members' ideal points (EU members in the table: DEU 1.0, FRA 1.2, ITA 0.8 → 1.0)
    sb = supplier_risk("EU27", 2024, ["CHN"], weights={"governance": 0, "distance": 1}, wgi=wgi, ideal=ip)
    assert sb.loc[0, "reporter_ideal_point"] == pytest.approx(1.0)
    assert sb.loc[0, "risk"] == pytest.approx(1.5 / 4)


def test_risk_weighted_hhi(fx):
    res = dependencies("EU27", 2024, flows=Flows.from_frame(fx), risk=True)
    sr = res.extras["supplier_risk"].set_index("supplier")["risk"]
    r = _row(res, "810411")  # shares CHN 0.8, RUS 0.2
    assert r.risk_weighted_hhi == pytest.approx(0.64 * sr["CHN"] + 0.04 * sr["RUS"])
    assert r.risk_weighted_hhi <= r.import_hhi
    assert res.provenance["risk"]["wgi_year"] == 2023  # latest WGI ≤ 2024
    assert any("WGI of 2023" in n for n in res.notes)


# ------------------------------------------------------------------------------------------------
# material view (CRM study 2023)
# ------------------------------------------------------------------------------------------------
def test_material_view_reproduces_study_shares():
    from samarkand.methods.material_view import material_view

    t = material_view().table.set_index(["material", "stage"])
    p = t.loc[("Phosphorus", "P")]
    assert p.top_supplier == "KAZ" and p.top_supplier_share == pytest.approx(0.62)
    # KAZ 62 %, VNM 22 %, CHN 13 %, IND 1 %, GBR 1 %
    assert p.sourcing_hhi == pytest.approx(0.62 ** 2 + 0.22 ** 2 + 0.13 ** 2 + 0.01 ** 2 + 0.01 ** 2)
    m = t.loc[("Magnesium", "P")]
    assert m.top_supplier == "CHN" and m.top_supplier_share == pytest.approx(0.97)
    assert m.sourcing_hhi == pytest.approx(0.97 ** 2 + 0.01 ** 2 + 0.01 ** 2)
    with pytest.raises(InputError, match="available"):
        material_view("unobtainium")


# ------------------------------------------------------------------------------------------------
# concentration helpers (property)
# ------------------------------------------------------------------------------------------------
@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(min_value=0.01, max_value=1e9), min_size=1, max_size=30))
def test_hhi_bounds_and_sql_agree(vals):
    h = concentration.hhi(vals)
    assert 1 / len(vals) - 1e-12 <= h <= 1 + 1e-12
    import duckdb

    con = duckdb.connect()
    con.register("t", pd.DataFrame({"v": vals}))
    assert con.execute(f"SELECT {concentration.HHI_SQL} FROM t").fetchall()[0][0] == pytest.approx(h, rel=1e-9)


# ------------------------------------------------------------------------------------------------
# bad input → clear message; CLI exit status 2
# ------------------------------------------------------------------------------------------------
def test_bad_input_messages(fx):
    fl = Flows.from_frame(fx)
    with pytest.raises(InputError, match="unknown economy"):
        dependencies("Atlantis", 2024, flows=fl)
    with pytest.raises(NotInStoreError, match="available years: 2022–2024"):
        dependencies("EU27", 2019, flows=fl)
    with pytest.raises(NotInStoreError, match="economies with flows in 2024: BRA"):
        dependencies("JPN", 2024, flows=fl)
    with pytest.raises(InputError, match="does not exist"):
        dependencies("EU27", 2024, flows=fl, products=["123456"])
    with pytest.raises(NotInStoreError, match="products available: 250490"):
        dependencies("EU27", 2024, flows=fl, products=["010121"])
    with pytest.raises(InputError, match="unknown threshold"):
        dependencies("EU27", 2024, flows=fl, thresholds={"foo": 1})
    empty = Flows.from_frame(fx.iloc[0:0])
    with pytest.raises(NotInStoreError, match="holds no flows"):
        dependencies("EU27", 2024, flows=empty)


def _cli(*args, home):
    return run_cli("dependencies", *args, home=home)


def test_cli_fresh_install_eu27_2024(tmp_path):
    p = _cli("EU27", "--year", "2024", home=tmp_path)
    assert p.returncode == 0, p.stderr
    assert "850511" in p.stdout and "EC_2021" in p.stdout
    p = _cli("EU27", "--year", "2024", "--format", "json", "--all", home=tmp_path)
    out = json.loads(p.stdout)
    # the shipped codes: 30 critical materials + crude oil (270900) and LNG (271111)
    assert out["provenance"]["method"] == "ec2021" and len(out["rows"]) == 32
    assert set(SCREEN_COLUMNS) <= set(out["rows"][0])
    p = _cli("EU27", "--materials", "--material", "Phosphorus", "--format", "csv", home=tmp_path)
    assert p.returncode == 0 and "KAZ" in p.stdout and "0.62" in p.stdout
    p = _cli("KAZ", "--year", "2024", "--method", "geodep", "--by-supplier", "--format", "csv", home=tmp_path)
    assert p.returncode == 0 and p.stdout.startswith("supplier,")
    p = _cli("EU27", "--year", "2024", "--method", "geodep", "--format", "json", home=tmp_path)
    out = json.loads(p.stdout)
    assert out["provenance"]["years"] == [2022, 2023, 2024] and set(out["extras"]) == {"by_supplier", "leverage"}
    assert all(r["years_met"] >= 2 for r in out["rows"])


@pytest.mark.parametrize("args,msg", [
    (["Atlantis", "--year", "2024"], "unknown economy"),
    (["EU27", "--year", "1990"], "available years"),
    (["EU27", "--year", "2024", "--products", "123456"], "does not exist"),
    (["EU27", "--year", "2024", "--products", "010121"], "products available"),
    (["EU27", "--year", "2024", "--domain", "foo"], "available: agrifood"),
    (["EU27", "--year", "2024", "--method", "nope"], "choose ec2021 or geodep"),
    (["KAZ", "--materials"], "reporter must be EU27"),
    (["EU27", "--year", "2024", "--dataset", "nothere"], "available: baci-crm"),
])
def test_cli_bad_input_exit_2(tmp_path, args, msg):
    p = _cli(*args, home=tmp_path)
    assert p.returncode == 2, (p.stdout, p.stderr)
    assert msg in " ".join(p.stderr.split())


def test_cli_on_imported_fixture_dataset(tmp_path, fx):
    import pyarrow as pa

    from samarkand.store import FLOW_SCHEMA, Store

    tbl = pa.Table.from_pandas(fx.assign(quantity_t=np.nan), preserve_index=False).select(
        ["year", "exporter", "importer", "hs6", "value_usd", "quantity_t"]).cast(FLOW_SCHEMA)
    Store(tmp_path).import_batches("fixture", [tbl], source="table", release=None, hs_revision="HS17",
                                   checksum=None, source_files=["flows.csv"])
    p = _cli("EU27", "--year", "2024", "--dataset", "fixture", "--format", "csv", home=tmp_path)
    assert p.returncode == 0, p.stderr
    got = pd.read_csv(__import__("io").StringIO(p.stdout), dtype={"hs6": str}).set_index("hs6")
    assert set(got.index) == {"720293", "810411", "811010"}  # dependent only by default
    assert got.loc["810411", "import_hhi"] == pytest.approx(0.68)
    p = _cli("JPN", "--year", "2024", "--dataset", "fixture", home=tmp_path)
    assert p.returncode == 2 and "economies with flows in 2024" in p.stderr


def test_benchmark_script_small(tmp_path):
    """The benchmark runs end to end on a tiny panel and both implementations agree row by row."""
    script = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_dependencies.py"
    p = subprocess.run([sys.executable, str(script), "--rows", "20K", "--countries", "30", "--products", "100",
                        "--keep", str(tmp_path)], capture_output=True, text=True, timeout=300,
                       env={**os.environ, "SAMARKAND_HOME": str(tmp_path)})
    assert p.returncode == 0, p.stderr
    assert "results agree (HHI, ratio, top supplier, flag on every row): True" in p.stdout
    assert "ratio pandas/samarkand" in p.stdout and "peak memory" in p.stdout


# ------------------------------------------------------------------------------------------------
# measure = quantity (tonnes), duplicate keys, the single-country path (issue 14)
# ------------------------------------------------------------------------------------------------
def _quantity_fixture() -> pd.DataFrame:
    """KAZ imports 810411 from CHN (60 t), RUS (20 t), USA (no quantity) and exports 10 t to DEU; TUR→DEU 5 t."""
    return pd.DataFrame({
        "year": [2024] * 5, "exporter": ["CHN", "RUS", "USA", "KAZ", "TUR"],
        "importer": ["KAZ", "KAZ", "KAZ", "DEU", "DEU"], "hs6": ["810411"] * 5,
        "value_usd": [100.0, 300.0, 600.0, 50.0, 7.0], "quantity_t": [60.0, 20.0, np.nan, 10.0, 5.0]})


def test_measure_quantity_by_hand():
    fl = Flows.from_frame(_quantity_fixture())
    q = dependencies("KAZ", 2024, flows=fl, measure="quantity")
    r = _row(q, "810411")
    # tonnes: CHN 60, RUS 20 of 80 (USA has no quantity: left out) → HHI 0.75² + 0.25²; ratio 80 / 10
    assert r.extra_imports_usd == 80 and r.exports_usd == 10
    assert r.import_hhi == pytest.approx(0.75 ** 2 + 0.25 ** 2) and r.import_export_ratio == pytest.approx(8)
    assert r.top3_suppliers == "CHN 0.75; RUS 0.25"
    # world exports in tonnes: CHN 60, RUS 20, KAZ 10, TUR 5 of 95
    assert r.world_export_hhi == pytest.approx((60 ** 2 + 20 ** 2 + 10 ** 2 + 5 ** 2) / 95 ** 2)
    assert q.provenance["measure"].startswith("quantity (quantity_t")
    assert any("1 of 5 flows (20.0%)" in n and "left out" in n for n in q.notes), q.notes
    # the same flows by value: USA 600 of 1000 is the top supplier
    v = _row(dependencies("KAZ", 2024, flows=fl), "810411")
    assert v.extra_imports_usd == 1000 and v.top_supplier == "USA"
    lev = q.extras["leverage"]
    assert lev.empty or set(lev["supplier"]) <= {"CHN", "RUS"}


def test_measure_rejects_unknown_and_risk_with_quantity():
    fl = Flows.from_frame(_quantity_fixture())
    with pytest.raises(InputError, match="choose value or quantity"):
        dependencies("KAZ", 2024, flows=fl, measure="weight")
    with pytest.raises(InputError, match="risk weighting uses import values"):
        dependencies("KAZ", 2024, flows=fl, measure="quantity", risk=True)


def test_cli_measure_quantity(tmp_path):
    p = _cli("KAZ", "--year", "2024", "--measure", "quantity", "--all", "--format", "json", home=tmp_path)
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["provenance"]["measure"].startswith("quantity")
    assert any("have no quantity" in n for n in out["notes"])
    p = _cli("KAZ", "--year", "2024", "--measure", "weight", home=tmp_path)
    assert p.returncode == 2 and "choose value or quantity" in p.stderr


def test_duplicate_keys_in_a_frame_are_summed_by_supplier():
    """An in-memory frame may repeat a (year, exporter, importer, hs6) key: the supplier's rows are summed."""
    df = _quantity_fixture()
    df = pd.concat([df, df.iloc[[0]]], ignore_index=True)       # CHN→KAZ 100 twice
    r = _row(dependencies("KAZ", 2024, flows=Flows.from_frame(df)), "810411")
    # CHN 200, RUS 300, USA 600 of 1100
    assert r.extra_imports_usd == 1100
    assert r.import_hhi == pytest.approx((200 ** 2 + 300 ** 2 + 600 ** 2) / 1100 ** 2)
    assert r.top3_suppliers == "USA 0.55; RUS 0.27; CHN 0.18"


def test_all_countries_path_equals_grouped_path(fx):
    """Every country screened as itself (no regroup) equals the same countries screened as one-member blocs."""
    from samarkand.methods.dependencies import screen_frame

    fl = Flows.from_frame(fx)
    codes = sorted(set(fx["exporter"]) | set(fx["importer"]))
    direct = pd.DataFrame({"year": 2024, "iso3": codes, "reporter": codes})
    named = direct.assign(reporter="R_" + direct["iso3"])       # not identity: the grouped path
    a = screen_frame(fl, direct, 2024).sort_values(["reporter", "hs6"], ignore_index=True)
    b = screen_frame(fl, named, 2024).assign(reporter=lambda d: d["reporter"].str[2:])
    b = b.sort_values(["reporter", "hs6"], ignore_index=True)
    pd.testing.assert_frame_equal(a, b, rtol=1e-12)
    assert len(a) > 10


def test_reporters_in_several_statements_equal_one_statement(fx, monkeypatch):
    """A large reporter map runs in groups of REPORTERS_PER_STATEMENT: the rows are those of one statement."""
    from samarkand.methods import dependencies as dep

    fl = Flows.from_frame(fx)
    codes = sorted(set(fx["exporter"]) | set(fx["importer"]))
    rm = pd.concat([pd.DataFrame({"year": y, "iso3": codes, "reporter": codes}) for y in (2022, 2023, 2024)])
    for method in ("ec2021", "geodep"):
        one = dep.screen_frame(fl, rm, 2024, method).sort_values(["reporter", "hs6"], ignore_index=True)
        monkeypatch.setattr(dep, "REPORTERS_PER_STATEMENT", 3)
        many = dep.screen_frame(fl, rm, 2024, method).sort_values(["reporter", "hs6"], ignore_index=True)
        monkeypatch.undo()
        pd.testing.assert_frame_equal(one, many, rtol=1e-12)
        assert one["reporter"].nunique() > 3
