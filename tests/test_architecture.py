"""One formula, one place: typed provenance and a frozen Result; HHI, shares and RCA in one module each (SQL and
pandas forms agreeing on real rows); blocs and aliases as shipped data; one HS6 check; one latest year; options
checked in one place; no import cycle in the brief."""
from __future__ import annotations

import ast
import copy
import json
import pickle
from pathlib import Path
from typing import Literal

import duckdb
import numpy as np
import pandas as pd
import pytest

from samarkand import economies, reference
from samarkand.errors import InputError, NotInStoreError
from samarkand.methods import concentration, trade_indices
from samarkand.provenance import Provenance, ProvenanceError, Result

SRC = Path(__file__).resolve().parents[1] / "src" / "samarkand"
COMPLETE = {"method": "m", "source": "s", "dataset": "d", "years": [2024]}


# ---- Result and Provenance ------------------------------------------------------------------------------------
def test_result_is_frozen_and_its_parts_read_only():
    res = Result(pd.DataFrame({"a": [1, 2]}), COMPLETE, {"x": pd.DataFrame()}, ["n1"])
    for field in ("table", "provenance", "extras", "notes"):
        with pytest.raises(AttributeError):
            setattr(res, field, None)
    with pytest.raises(TypeError):
        res.provenance["method"] = "other"                 # type: ignore[index]
    with pytest.raises(TypeError):
        res.extras["y"] = pd.DataFrame()                   # type: ignore[index]
    assert res.notes == ("n1",)
    with pytest.raises(AttributeError):
        res.notes.append("n2")                             # type: ignore[attr-defined]


def test_provenance_reads_like_a_mapping():
    prov = Result(pd.DataFrame(), {**COMPLETE, "release": "V1"}).provenance
    assert prov["method"] == "m" and prov.get("release") == "V1" and prov.get("absent") is None
    assert {**prov}["dataset"] == "d"
    assert json.loads(json.dumps(prov)) == {**COMPLETE, "release": "V1", "thresholds": {}}
    assert pickle.loads(pickle.dumps(prov)) == prov and copy.deepcopy(prov) == prov
    pending = Result(pd.DataFrame(), {"dataset": "d"}).provenance             # built outside the package
    assert pickle.loads(pickle.dumps(pending)).missing == pending.missing == ("method", "source", "years")
    assert isinstance(prov, Provenance) and prov.years == [2024] and prov.thresholds == {}


def _result_built_in(module: str, prov: dict) -> Result:
    """A Result built by code of ``module`` (the check looks at the module that calls Result)."""
    scope = {"__name__": module, "Result": Result, "pd": pd, "prov": prov}
    exec("res = Result(pd.DataFrame(), prov)", scope)
    return scope["res"]


@pytest.mark.parametrize("missing", ["method", "source", "dataset", "years"])
def test_a_method_that_forgets_a_key_gets_one_clear_error(missing):
    prov = {k: v for k, v in COMPLETE.items() if k != missing}
    with pytest.raises(ProvenanceError, match=f"lacks '{missing}'"):
        _result_built_in("samarkand.methods.some_method", prov)
    with pytest.raises(ProvenanceError, match=f"lacks '{missing}'"):
        Provenance(prov)
    # outside the package (a notebook, a test) the result is kept, the missing key listed
    assert _result_built_in("__main__", prov).provenance.missing == (missing,)


def test_years_must_be_a_list_of_int():
    with pytest.raises(ProvenanceError, match="list of int"):
        _result_built_in("samarkand.methods.x", {**COMPLETE, "years": "2016–2020"})
    with pytest.raises(ProvenanceError, match="mapping"):
        Provenance({**COMPLETE, "thresholds": 0.4})


def test_notes_are_a_tuple_that_still_concatenates():
    res = Result(pd.DataFrame(), COMPLETE, notes=["a"])
    assert res.notes + ["b"] == ("a", "b") and ["z"] + res.notes == ("z", "a")


def test_derived_results_keep_the_original():
    t = pd.DataFrame({"stage": ["E", "P", "P"], "v": [1, 2, 3]})
    res = Result(t, COMPLETE, {"x": t}, ["a"])
    view = res.where(stage="P").select(["v"]).with_notes("b").without_extras("x")
    assert view.table["v"].tolist() == [2, 3] and list(view.table.columns) == ["v"]
    assert view.notes == ("a", "b") and dict(view.extras) == {}
    assert res.table.equals(t) and res.notes == ("a",) and list(res.extras) == ["x"]
    assert res.where(stage=None).table.equals(t)            # an unset filter passes everything
    assert res.head(1).table.equals(t.head(1)) and res.head(None) is res
    assert res.replace(provenance={**res.provenance, "x": 1}).provenance["x"] == 1


def test_every_method_owned_here_gives_the_required_keys(home):
    """The methods of this branch: their provenance is complete (not pending)."""
    import samarkand as sk
    from samarkand.methods.agrifood import kaz_eu_agrifood
    from samarkand.methods.corridors import corridor_links

    results = [sk.material_view(), sk.partnership("EU27", "KAZ", 2024), sk.rebalance("EU27", "280470", 2024),
               sk.rebalance("EU27", material="magnesium", stage="P"), sk.corridors("crude", ["RUS"]),
               corridor_links("gas"), sk.alignment("KAZ", "EU27"), kaz_eu_agrifood()]
    for res in results:
        assert not res.provenance.missing, res.provenance.get("method")
        assert all(isinstance(y, int) for y in res.provenance["years"])


# ---- one formula, one place ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def eu_magnet_suppliers() -> pd.Series:
    f = pd.read_parquet(reference.path("flows_baci_crm"))
    eu = economies.members("EU27", 2024)
    f = f[(f["year"] == 2024) & (f["hs6"] == "850511") & f["importer"].isin(eu) & ~f["exporter"].isin(eu)]
    return f.groupby("exporter")["value_usd"].sum()


def test_hhi_sql_and_pandas_agree_on_real_rows(eu_magnet_suppliers):
    v = eu_magnet_suppliers
    by_hand = float(((v / v.sum()) ** 2).sum())                       # Σ s², s = v / Σ v
    assert concentration.hhi(v) == pytest.approx(by_hand, rel=1e-12)
    con = duckdb.connect()
    con.register("t", v.rename("v").reset_index())
    assert con.execute(f"SELECT {concentration.hhi_sql('v')} FROM t").fetchone()[0] == pytest.approx(by_hand, rel=1e-12)
    shares = concentration.shares(v)
    assert con.execute(f"SELECT {concentration.hhi_sql('v', normalise=False)} FROM (SELECT v / sum(v) OVER () AS v "
                       "FROM t)").fetchone()[0] == pytest.approx(concentration.hhi(shares, normalise=False), rel=1e-12)


def test_weighted_hhi_sql_and_pandas_agree_on_the_crm_study():
    """HHI_WGI,t of every material and stage: supply_risk.hhi_table (SQL) against concentration.weighted_hhi."""
    from samarkand.methods import supply_risk as sr
    from samarkand.methods.crm import WGI_YEARS_2023

    supply = reference.load("crm_global_supply").assign(t=1.0)
    wgi = sr.wgi_scaled(reference.load("wgi"), WGI_YEARS_2023)
    table = sr.hhi_table(supply, wgi).set_index(["material", "stage"])
    w = supply.merge(wgi[["iso3", "wgi_scaled"]], on="iso3", how="left")
    for (mat, stage), g in list(w.groupby(["material", "stage"]))[:40]:
        g = g[g["wgi_scaled"].notna()]
        expected = concentration.weighted_hhi(g["share"].fillna(0), g["wgi_scaled"] * g["t"])
        assert table.loc[(mat, stage), "hhi_wgi_t"] == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_published_shares_are_squared_as_given():
    # shares 0.6 and 0.3 (0.1 not listed): Σ s² = 0.36 + 0.09 = 0.45, not renormalised to (2/3)² + (1/3)²
    assert concentration.hhi([0.6, 0.3], normalise=False) == pytest.approx(0.45)
    assert concentration.hhi([0.6, 0.3]) == pytest.approx(5 / 9)
    # weighted: 2·0.6² + 0.5·0.3² = 0.72 + 0.045
    assert concentration.weighted_hhi([0.6, 0.3], [2.0, 0.5]) == pytest.approx(0.765)
    from samarkand.methods import supply_risk

    assert supply_risk.hhi([0.6, 0.3, float("nan")]) == pytest.approx(0.45)


def test_trade_indices_reexport_the_one_hhi_and_shares():
    assert trade_indices.hhi is concentration.hhi and trade_indices.shares is concentration.shares
    assert trade_indices.hhi_after_gains is concentration.hhi_after_gains


def test_rca_vector_equals_the_scalar_definition():
    # exports of i: k1 30, k2 70 (X_i = 100); world: k1 300, k2 1700 (X_w = 2000)
    # RCA_k1 = (30/100)/(300/2000) = 2.0; RCA_k2 = (70/100)/(1700/2000) = 0.8235...
    x = pd.Series({"k1": 30.0, "k2": 70.0, "k3": 0.0})
    w = pd.Series({"k1": 300.0, "k2": 1700.0, "k3": 0.0})
    r = trade_indices.rca(x, w)
    assert r["k1"] == pytest.approx(2.0) and r["k2"] == pytest.approx(0.7 / 0.85) and np.isnan(r["k3"])
    assert trade_indices.balassa_rca(30, 100, 300, 2000) == pytest.approx(2.0)


def test_partnership_rca_is_the_trade_indices_rca(home):
    """partnership's RCA column recomputed with pandas from the shipped rows (EU27–KAZ 2024, KAZ side)."""
    import samarkand as sk

    res = sk.partnership("EU27", "KAZ", 2024)
    f = pd.read_parquet(reference.path("flows_baci_crm"))
    f = f[(f["year"] == 2024) & (f["value_usd"] > 0)]
    world = f.groupby("hs6")["value_usd"].sum()
    kaz = f[(f["exporter"] == "KAZ") & (f["importer"] != "KAZ")].groupby("hs6")["value_usd"].sum()
    kaz = kaz.reindex(world.index, fill_value=0.0)
    by_hand = (kaz / kaz.sum()) / (world / world.sum())
    got = res.extras["rca"].set_index("hs6")["KAZ_rca"]
    assert got.reindex(by_hand.index).to_numpy() == pytest.approx(by_hand.to_numpy(), nan_ok=True)


def test_no_formula_is_written_twice():
    """HHI and RCA are written only in concentration.py and trade_indices.py (read of the source)."""
    hits = []
    for p in SRC.rglob("*.py"):
        text = p.read_text(encoding="utf-8")
        for needle in ("def hhi(", "def shares(", "def _rca(", "** 2).sum()", "sum(v * v)"):
            if needle in text:
                hits.append((p.relative_to(SRC).as_posix(), needle))
    owned = {("methods/concentration.py", "def hhi("), ("methods/concentration.py", "def shares("),
             ("methods/supply_risk.py", "def hhi(")}        # supply_risk.hhi delegates to concentration.hhi
    others = {"methods/crm.py", "methods/dependencies.py", "methods/stress.py", "methods/cbam.py"}  # other branches
    assert {h for h in hits if h[0] not in others} <= owned


# ---- blocs and aliases as data --------------------------------------------------------------------------------
def test_blocs_come_from_the_shipped_table():
    t = reference.load("blocs")
    assert set(t.columns) >= {"code", "member", "joined", "left", "source"}
    eu = t[t["code"] == "EU27"]
    # the UK: in from 1973, out from 2020 (left 31 January 2020)
    assert eu.set_index("member").loc["GBR", ["joined", "left"]].tolist() == [1973, 2020]
    assert "GBR" in economies.members("EU27", 2019) and "GBR" not in economies.members("EU27", 2020)
    assert len(economies.members("EU27", 2019)) == 28 and len(economies.members("EU27", 2024)) == 27
    assert economies.members("EU27", 2005) == frozenset(eu.loc[eu["joined"] <= 2005, "member"])
    assert economies.members("EU27_2020", 1999) == economies.EU27_2020_MEMBERS == economies.members("EU27", 2024)
    with pytest.raises(InputError, match="no members"):
        economies.members("EAEU", 2014)
    assert economies.members("EAEU", 2015) == {"RUS", "BLR", "KAZ", "ARM", "KGZ"}
    assert economies.members("C5") == {"KAZ", "KGZ", "TJK", "TKM", "UZB"}


def test_aliases_come_from_the_shipped_table():
    a = reference.load("economy_aliases")
    assert economies.resolve("EU") == "EU27" and economies.resolve("Central Asia") == "C5"
    assert economies.name_to_iso3("Brasil") == "BRA" and economies.name_to_iso3("Congo, D.R.") == "COD"
    assert set(a.loc[a["kind"] == "bloc", "code"]) <= set(economies.blocs())


def test_user_blocs_still_load(tmp_path, monkeypatch):
    p = tmp_path / "blocs.toml"
    p.write_text('[blocs.NORDIC]\nname = "Nordics"\nmembers = ["DNK", "SWE", {iso3 = "FIN", from = 1995}]\n')
    monkeypatch.setenv("SAMARKAND_BLOCS", str(p))
    assert economies.members("NORDIC", 1990) == {"DNK", "SWE"}
    assert economies.members("NORDIC", 2000) == {"DNK", "SWE", "FIN"}


def test_eu_codes_in_one_place():
    offenders = [p.relative_to(SRC).as_posix() for p in SRC.rglob("*.py")
                 if 'EU_CODES = ("EU27", "EU27_2020")' in p.read_text(encoding="utf-8")
                 or ('("EU27", "EU27_2020")' in p.read_text(encoding="utf-8") and p.name != "economies.py")]
    assert offenders == []


# ---- one HS6 check, one latest year, one option check -----------------------------------------------------------
def test_one_hs6_check():
    from samarkand.products import check_code

    assert check_code("10121") == "010121"                              # BACI drops the leading zero
    assert check_code("810411") == "810411"
    with pytest.raises(InputError, match="not an HS six-digit code"):
        check_code("8104.1")
    with pytest.raises(InputError, match="does not exist in HS22; close codes"):
        check_code("810499")
    assert check_code("810499", revisions=None) == "810499"            # form only


def test_latest_year_is_computed_by_flows(home):
    from samarkand.store import Flows, open_flows

    fl = open_flows()
    f = pd.read_parquet(reference.path("flows_baci_crm"), columns=["year"])
    assert fl.latest_year() == int(f["year"].max())
    empty = Flows.from_frame(pd.DataFrame(columns=["year", "exporter", "importer", "hs6", "value_usd",
                                                   "quantity_t"]))
    with pytest.raises(NotInStoreError, match="holds no flows"):
        empty.latest_year()
    import samarkand as sk

    assert sk.partnership("EU27", "KAZ").provenance["year"] == fl.latest_year()


def test_options_are_checked_in_one_place():
    from samarkand.methods.corridors import corridors
    from samarkand.options import check_option

    Mode = Literal["low", "high"]
    assert check_option("capacity", "low", Mode) == "low"
    with pytest.raises(InputError, match="capacity must be low or high, not 'mid'"):
        corridors("crude", capacity="mid")  # type: ignore[arg-type]


def test_cli_bad_option_is_one_line_and_status_2(cli):
    out = cli("stress", "EU27", "--cut", "CHN", "--suppliers", "some")
    assert out.returncode == 2 and "--suppliers must be current or all, not 'some'" in out.stderr
    assert "Traceback" not in out.stderr


# ---- the brief's import graph ----------------------------------------------------------------------------------
def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = set()
    for node in tree.body:        # module level only: a function-level import is not a cycle at import time
        if isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
            out.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return out


def test_no_import_cycle_between_sections_and_pillars():
    assert not any(m.startswith("samarkand.brief.pillars") for m in _imports(SRC / "brief" / "sections.py"))
    assert "samarkand.brief.sections" in _imports(SRC / "brief" / "pillars.py")
    text = (SRC / "brief" / "sections.py").read_text(encoding="utf-8")
    assert "Unavailable" not in text and "def pick(" not in text


def test_functions_are_short_in_the_modules_of_this_branch():
    mine = ["provenance.py", "formatting.py", "economies.py", "products.py", "options.py",
            "methods/concentration.py", "methods/trade_indices.py", "methods/supply_risk.py",
            "methods/material_view.py", "cli/common.py", "cli/stress.py", "cli/dependencies.py", "cli/crm.py",
            "cli/rebalance.py", "cli/partners.py", "cli/corridors.py"]
    long = []
    for rel in mine:
        for node in ast.walk(ast.parse((SRC / rel).read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno - node.lineno > 80:
                long.append(f"{rel}:{node.name}")
    assert long == []


def test_criticality_view_shows_the_latest_assessment_by_default():
    from samarkand.methods.material_view import criticality_view

    shipped = reference.load("crm_criticality")
    latest = int(shipped["year"].max())
    res = criticality_view()
    assert set(res.table["year"]) == {latest}
    assert len(res.table) == int((shipped["year"] == latest).sum())
    assert any(f"latest assessment ({latest})" in n for n in res.notes)
