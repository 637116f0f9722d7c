"""Energy (issue 16): the shipped crude/LNG flows, the energy domain, transit exposure, the stress backtest, the
BACI–Eurostat cross-check and uranium — every figure recomputed here with pandas on the shipped tables (the
independent computation is written out in each test), plus bad arguments (one line, exit status 2).
"""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy.stats import spearmanr

from samarkand import reference
from samarkand.economies import EU27_2020_MEMBERS
from samarkand.errors import InputError

EU = sorted(EU27_2020_MEMBERS)


@pytest.fixture(autouse=True)
def _empty_home(home):
    """Every test runs on an empty data home, so the default dataset is the shipped one."""
    return home


@pytest.fixture(scope="module")
def shipped() -> pd.DataFrame:
    return pd.read_parquet(reference.path("flows_baci_crm"))


def extra_eu(df: pd.DataFrame, year: int, hs6: str, col: str = "value_usd") -> pd.Series:
    """Extra-EU27 imports of ``hs6`` by supplier (pandas, independent of samarkand's SQL)."""
    f = df[(df["year"] == year) & (df["hs6"] == hs6) & df["importer"].isin(EU) & ~df["exporter"].isin(EU)]
    return f.groupby("exporter")[col].sum()


# --- the shipped dataset --------------------------------------------------------------------------------------
def test_shipped_flows_hold_crude_and_lng_every_year(shipped):
    years = lambda code: sorted(shipped.loc[shipped["hs6"] == code, "year"].unique())  # noqa: E731
    assert years("270900") == list(range(1995, 2025))
    assert years("271111") == list(range(1995, 2025))
    mat = shipped[~shipped["hs6"].isin(["270900", "271111"])]
    assert mat["hs6"].nunique() == 30 and mat["year"].min() == 2002
    # tonnes kept: Kazakhstan's 2024 crude exports, 65.9 Mt (shared/data/SOURCES.md check)
    kaz = shipped[(shipped["year"] == 2024) & (shipped["hs6"] == "270900") & (shipped["exporter"] == "KAZ")]
    assert kaz["quantity_t"].sum() / 1e6 == pytest.approx(65.9, abs=0.05)
    m = reference.meta("flows_baci_crm")
    assert "HS92" in m["hs_revision"]["1995"] and "critical materials" not in m["hs_revision"]["1995"]
    assert m["hs_revision"]["2010"] == "HS02 (critical materials); HS92 (crude oil, LNG)"
    assert "no critical materials before 2002" in m["coverage"]["2001"]
    assert "critical materials" in m["coverage"]["2022"] and "crude oil 270900 and LNG 271111" in m["coverage"]["2022"]
    assert m["product_groups"]["energy"]["source"].startswith("CEPII BACI HS92 V202601")


def test_energy_domain_codes():
    from samarkand.products import domain_codes

    e = domain_codes("energy")
    assert {"270900", "271111", "271121", "270112", "261210", "261220", "284410"} <= e


def test_dependencies_energy_domain_2024(cli, shipped):
    r = cli("dependencies", "EU27", "--domain", "energy", "--year", "2024", "--all", "--format", "json")
    assert r.returncode == 0, r.stderr
    rows = {x["hs6"]: x for x in json.loads(r.stdout)["rows"]}
    assert {"270900", "271111"} <= set(rows)
    for code in ("270900", "271111"):
        m = extra_eu(shipped, 2024, code)
        s = m / m.sum()
        assert rows[code]["import_hhi"] == pytest.approx(float((s ** 2).sum()), rel=1e-9)
        assert rows[code]["top_supplier"] == s.idxmax()
        assert rows[code]["top_supplier_share"] == pytest.approx(s.max(), rel=1e-9)
    assert rows["270900"]["top3_suppliers"].startswith("USA 0.17; NOR 0.13; KAZ 0.11")


# --- stress on tonnes -----------------------------------------------------------------------------------------
def test_stress_quantity_measure(shipped):
    from samarkand.methods.stress import stress

    r = stress("EU27", "RUS", ["271111"], year=2024, measure="quantity")
    row = r.table.iloc[0]
    imp = extra_eu(shipped, 2024, "271111", "quantity_t")
    assert row["lost_t"] == pytest.approx(imp["RUS"], rel=1e-9)
    assert row["imports_t"] == pytest.approx(imp.sum(), rel=1e-9)
    # headroom (t) of current suppliers: their exports to non-EU destinations, self-trade excluded
    f = shipped[(shipped["year"] == 2024) & (shipped["hs6"] == "271111")]
    third = f[~f["importer"].isin(EU) & ~f["exporter"].isin(EU) & (f["importer"] != f["exporter"])]
    h = third.groupby("exporter")["quantity_t"].sum()
    current = [s for s in imp[imp > 0].index if s != "RUS"]
    assert row["headroom_t"] == pytest.approx(h.reindex(current).fillna(0).sum(), rel=1e-9)
    assert row["replacement_t"] == pytest.approx(min(imp["RUS"], 0.5 * row["headroom_t"]), rel=1e-9)
    assert "lost_usd" not in r.table.columns and r.provenance["measure"] == "quantity (tonnes)"
    with pytest.raises(InputError, match="measure"):
        stress("EU27", "RUS", ["271111"], year=2024, measure="tons")


def test_stress_cli_measure_quantity(cli, shipped):
    r = cli("stress", "EU27", "--cut", "RUS", "--products", "270900", "--year", "2024", "--measure", "quantity",
            "--format", "json")
    assert r.returncode == 0, r.stderr
    row = json.loads(r.stdout)["rows"][0]
    assert row["lost_t"] == pytest.approx(extra_eu(shipped, 2024, "270900", "quantity_t")["RUS"], rel=1e-9)


# --- transit exposure -----------------------------------------------------------------------------------------
def test_exposure_crude_via_russia_2024(cli, shipped):
    r = cli("exposure", "EU27", "--via", "RUS", "--commodity", "crude", "--year", "2024", "--format", "json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    rows = {x["supplier"]: x for x in out["rows"]}
    # Kazakhstan's share through Russia from the corridor table's Kazakh-origin volumes (Mt):
    # CPC 63.01 + Atyrau–Samara 7.2 + Aktau–Makhachkala 1.6 cross RUS; Atasu–Alashankou 1.2 and Aktau–Baku 1.2 do not
    tau = (63.01 + 7.2 + 1.6) / (63.01 + 7.2 + 1.6 + 1.2 + 1.2)
    v, t = extra_eu(shipped, 2024, "270900"), extra_eu(shipped, 2024, "270900", "quantity_t")
    assert rows["KAZ"]["transit_share"] == pytest.approx(tau, rel=1e-12)
    assert rows["KAZ"]["exposed_usd"] == pytest.approx(tau * v["KAZ"], rel=1e-9)
    assert rows["KAZ"]["exposed_t"] == pytest.approx(tau * t["KAZ"], rel=1e-9)
    assert rows["KAZ"]["basis"].startswith("corridor table")
    assert rows["RUS"]["role"] == "direct" and rows["RUS"]["imports_usd"] == pytest.approx(v["RUS"], rel=1e-9)
    tot = out["extras"]["totals"][0]
    assert tot["transit_share_of_imports"] == pytest.approx(tau * v["KAZ"] / v.sum(), rel=1e-9)
    assert tot["direct_from_RUS_share"] == pytest.approx(v["RUS"] / v.sum(), rel=1e-9)
    assert 0.10 < tot["transit_share_of_imports"] < 0.11      # about 11 % of extra-EU crude, nearly all of KAZ


def test_exposure_override_and_assumed_route_shares(shipped):
    from samarkand.methods.energy import exposure

    r = exposure("EU27", 2024, via="RUS", route_shares={"KAZ": 0.8})
    kaz = r.table.set_index("supplier").loc["KAZ"]
    assert kaz["exposed_usd"] == pytest.approx(0.8 * extra_eu(shipped, 2024, "270900")["KAZ"], rel=1e-9)
    assert kaz["basis"].startswith("user override")
    # via Belarus (2021): Russia's Druzhba route shares, importer by importer (analyst assumptions):
    # POL 0.95, DEU 0.60, SVK 1, HUN 1, CZE 0.90 of RUS→importer crude
    r = exposure("EU27", 2021, via="BLR")
    f = shipped[(shipped["year"] == 2021) & (shipped["hs6"] == "270900") & (shipped["exporter"] == "RUS")]
    by_imp = f.set_index("importer")["value_usd"]
    want = sum(s * by_imp.get(i, 0.0) for i, s in {"POL": 0.95, "DEU": 0.6, "SVK": 1, "HUN": 1, "CZE": 0.9}.items())
    rus = r.table.set_index("supplier").loc["RUS"]
    assert rus["exposed_usd"] == pytest.approx(want, rel=1e-9)
    assert "analyst assumption" in rus["basis"] and "druzhba" in rus["basis"]


# --- backtest -------------------------------------------------------------------------------------------------
def test_backtest_russian_crude_2021_2024(cli, shipped):
    r = cli("backtest", "EU27", "--cut", "RUS", "--commodity", "crude", "--base-year", "2021",
            "--outcome-year", "2024", "--format", "json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    rows = {x["supplier"]: x for x in out["rows"]}
    b, o = extra_eu(shipped, 2021, "270900", "quantity_t"), extra_eu(shipped, 2024, "270900", "quantity_t")
    # stress on 2021 by hand: L = RUS tonnes; headroom H_s = s's exports (t) outside the EU, self-trade excluded;
    # the remaining current suppliers divert 0.5·H_s; replacement = min(L, Σ 0.5·H_s), split ∝ H_s
    f = shipped[(shipped["year"] == 2021) & (shipped["hs6"] == "270900")]
    third = f[~f["importer"].isin(EU) & ~f["exporter"].isin(EU) & (f["importer"] != f["exporter"])]
    cur = [s for s in b[b > 0].index if s != "RUS"]
    h = third.groupby("exporter")["quantity_t"].sum().reindex(cur).fillna(0.0)
    lost = b["RUS"]
    repl = min(lost, 0.5 * h.sum())
    pred = repl * h / h.sum()
    assert rows["USA"]["predicted_increase_t"] == pytest.approx(pred["USA"], rel=1e-9)
    assert rows["USA"]["actual_increase_t"] == pytest.approx(o["USA"] - b["USA"], rel=1e-9)
    assert rows["GUY"]["beyond_headroom"] is True      # Guyana grew by more than it exported elsewhere in 2021
    s = out["extras"]["summary"][0]
    assert s["lost_predicted_t"] == pytest.approx(lost, rel=1e-9)
    assert s["lost_actual_t"] == pytest.approx(b["RUS"] - o["RUS"], rel=1e-9)
    others = sorted((set(b.index) | set(o.index)) - {"RUS"})
    a = o.reindex(others).fillna(0) - b.reindex(others).fillna(0)
    p = pred.reindex(others).fillna(0)
    assert s["replaced_actual_net_t"] == pytest.approx(a.sum(), rel=1e-9)
    assert s["share_replaced_actual"] == pytest.approx(a.sum() / (b["RUS"] - o["RUS"]), rel=1e-9)
    sel = (p > 0) | (a > 0)
    assert s["suppliers_compared"] == int(sel.sum())
    assert s["weighted_absolute_error"] == pytest.approx((p[sel] - a[sel]).abs().sum() / a[sel].abs().sum(), rel=1e-9)
    assert s["rank_correlation"] == pytest.approx(spearmanr(p[sel], a[sel]).statistic, rel=1e-9)
    assert any("Guyana" in n or "GUY" in n for n in out["notes"])


def test_backtest_lng_and_value_measure():
    from samarkand.methods.energy import backtest

    r = backtest("EU27", "RUS", commodity="lng", base_year=2021, outcome_year=2024)
    # Russian LNG to the EU rose 2021→2024: the backtest says there was no loss to test against
    assert r.extras["summary"].iloc[0]["lost_actual_t"] < 0
    assert r.notes and any(n.startswith("no loss happened") for n in r.notes)
    v = backtest("EU27", "RUS", base_year=2021, outcome_year=2024, measure="value")
    assert "predicted_increase_usd" in v.table.columns and v.provenance["measure"] == "value (USD)"


# --- physical cross-check -------------------------------------------------------------------------------------
def test_crosscheck_baci_vs_eurostat(shipped):
    from samarkand.methods.energy import crosscheck

    r = crosscheck("KAZ", (2015, 2022))
    row = r.table[(r.table["year"] == 2022) & (r.table["reporter"] == "DEU")].iloc[0]
    f = shipped[(shipped["year"] == 2022) & (shipped["hs6"] == "270900") & (shipped["exporter"] == "KAZ")]
    assert row["baci_t"] == pytest.approx(f.loc[f["importer"] == "DEU", "quantity_t"].sum(), rel=1e-9)
    assert row["eurostat_t"] == 9_030_000.0          # Eurostat nrg_ti_oil, DE from KZ 2022: 9,030 kt
    tot = r.extras["totals"].set_index("year")
    assert tot.loc[2022, "baci_t"] == pytest.approx(f.loc[f["importer"].isin(EU), "quantity_t"].sum(), rel=1e-9)
    assert tot.loc[2022, "eurostat_t"] / 1e6 == pytest.approx(36.57, abs=0.01)
    assert sorted(tot.index) == list(range(2015, 2023))
    with pytest.raises(InputError):
        crosscheck("KAZ", (2023, 2024))


# --- uranium --------------------------------------------------------------------------------------------------
def test_uranium_shares_sources_and_world_place(cli):
    from samarkand.methods.uranium import uranium

    r = uranium("EU27")
    t = r.table
    kaz22 = t[(t["year"] == 2022) & (t["origin"] == "KAZ")].iloc[0]
    assert kaz22["share"] == pytest.approx(0.2682) and kaz22["tonnes_u"] == 3145
    assert kaz22["as_reported"].startswith("ESA figure as reported by NucNet")
    # 2022 tonnes vs the 11,720 tU total (README check 3): Kazakhstan 3,145 / 11,720 = 26.8 %
    total = t[(t["year"] == 2022) & (t["row_type"] == "total")]["tonnes_u"].iloc[0]
    assert kaz22["tonnes_u"] / total == pytest.approx(kaz22["share"], abs=0.0005)
    assert {"year", "origin", "share", "tonnes_u", "source", "source_type"} <= set(t.columns)
    assert t.groupby(["year", "origin"]).size().max() == 1          # one preferred row per year × origin
    w = r.extras["world_production"]
    k = w[(w["year"] == 2022) & (w["iso3"] == "KAZ")].iloc[0]
    assert k["share"] == pytest.approx(21227 / 49614) and k["rank"] == 1   # WNA latest revision
    svc = r.extras["services"]
    assert svc[(svc["year"] == 2022) & (svc["service"] == "enrichment")]["russia_share"].tolist() == [0.30, 0.30]
    with pytest.raises(InputError, match="EU"):
        uranium("KAZ")
    res = cli("uranium", "EU27", "--format", "json")
    assert res.returncode == 0, res.stderr
    assert "as reported by" in res.stdout


# --- bad arguments --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("args, message", [
    (["exposure", "EU27", "--via", "XXX"], "unknown economy"),
    (["exposure", "EU27", "--via", "FRA", "--year", "2024"], "unknown transit country FRA"),
    (["exposure", "EU27", "--via", "RUS", "--commodity", "coal"], "unknown commodity"),
    (["exposure", "KGZ", "--via", "RUS", "--commodity", "lng", "--year", "2024"], "no extra-bloc imports"),
    (["exposure", "EU27", "--via", "RUS", "--year", "1980"], "year 1980 is not in dataset"),
    (["exposure", "EU27", "--via", "RUS", "--route-share", "KAZ=1.5"], "between 0 and 1"),
    (["backtest", "EU27", "--cut", "RUS", "--base-year", "2024", "--outcome-year", "2021"], "must come before"),
    (["backtest", "EU27", "--cut", "RUS", "--base-year", "1990", "--outcome-year", "2024"], "year 1990"),
    (["backtest", "EU27", "--cut", "RUS", "--base-year", "2021", "--measure", "tons"], "measure"),
    (["uranium", "KAZ"], "EU utilities"),
    (["stress", "EU27", "--cut", "RUS", "--monte-carlo", "10", "--measure", "quantity"], "not with --monte-carlo"),
    (["stress", "EU27", "--cut", "RUS", "--measure", "tons"], "measure"),
])
def test_bad_arguments_exit_2(cli, args, message):
    r = cli(*args)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert message in r.stderr and "Traceback" not in r.stderr
    assert len([line for line in r.stderr.strip().splitlines() if line.strip()]) <= 3


# --- API ------------------------------------------------------------------------------------------------------
def test_energy_routes():
    from fastapi import FastAPI, Request
    from fastapi.responses import JSONResponse
    from fastapi.testclient import TestClient

    from samarkand.web.routes.energy import router

    app = FastAPI()
    app.include_router(router)

    @app.exception_handler(InputError)
    async def _input_error(request: Request, exc: InputError):     # what the app does for InputError
        return JSONResponse({"detail": str(exc)}, status_code=422)

    c = TestClient(app)
    r = c.get("/api/energy/exposure", params={"reporter": "EU27", "via": "RUS", "year": 2024})
    assert r.status_code == 200
    body = r.json()
    assert {"method", "source", "dataset", "years"} <= set(body["provenance"])
    assert {x["supplier"] for x in body["rows"]} == {"RUS", "KAZ"}
    assert c.get("/api/energy/backtest", params={"base_year": 2021, "outcome_year": 2024}).status_code == 200
    assert c.get("/api/energy/uranium").json()["provenance"]["years"][0] == 2019
    assert c.get("/api/energy/crosscheck").status_code == 200
    assert c.get("/api/energy/exposure", params={"via": "FRA"}).status_code == 422
    assert c.get("/api/energy/exposure", params={"commodity": "coal"}).status_code == 422
    assert c.get("/api/energy/backtest", params={"base_year": 2024, "outcome_year": 2021}).status_code == 422
    assert np.isfinite(c.get("/api/energy/backtest").json()["extras"]["summary"][0]["rank_correlation"])


# --- brief section --------------------------------------------------------------------------------------------
def test_energy_brief_section(shipped):
    from samarkand.brief.energy import energy_section
    from samarkand.brief.sections import make_context

    sec = energy_section(make_context("EU27", "KAZ", 2024))
    assert not sec.errors and sec.shown_status == "ok"
    heads = {h.label: h for h in sec.headlines}
    v = extra_eu(shipped, 2024, "270900")
    rank = int((v > v["KAZ"]).sum()) + 1
    crude = heads["Kazakhstan in EU27's crude imports (2024)"]
    assert crude.value == f"#{rank}, {v['KAZ'] / v.sum() * 100:.1f} %" == "#3, 11.1 %"   # display.share
    assert heads["Kazakhstan's share of EU27's natural-uranium deliveries"].value == "26.8 % (2022)"
    assert "as reported by" in heads["Kazakhstan's share of EU27's natural-uranium deliveries"].detail
    assert {"energy-crude-shares", "energy-backtest", "energy-uranium-world"} <= {f.id for f in sec.figures}
    # another pair: the section still works and says what its data lack (no uranium figures outside the EU)
    other = energy_section(make_context("JPN", "AUS", 2024))
    assert not other.errors and other.figures
    assert any("EU utilities" in n.text for n in other.notices)
    # no flows at all: the section says so and keeps its flow-free part (uranium)
    from samarkand.store import FLOW_COLUMNS

    empty = pd.DataFrame({c: pd.Series(dtype="float64" if c in ("value_usd", "quantity_t") else "object")
                          for c in FLOW_COLUMNS}).astype({"year": "int64"})
    bare = energy_section(make_context("EU27", "KAZ", flows=empty))
    assert bare.shown_status == "partial" and any(n.text.startswith("no flows") for n in bare.notices)
    assert [f.id for f in bare.figures] == ["energy-uranium-world", "energy-uranium-eu"]
