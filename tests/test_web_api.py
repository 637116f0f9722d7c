"""The JSON API and dashboard pages (FastAPI TestClient): every endpoint, valid and invalid parameters."""
from __future__ import annotations

import warnings

import pandas as pd
import pytest

from samarkand import reference
from samarkand.economies import members

warnings.filterwarnings("ignore", category=DeprecationWarning)


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from fastapi.testclient import TestClient

    from samarkand.web import create_app

    mp = pytest.MonkeyPatch()
    mp.setenv("SAMARKAND_HOME", str(tmp_path_factory.mktemp("home")))
    with TestClient(create_app()) as c:
        yield c
    mp.undo()


@pytest.fixture(scope="module")
def rows() -> pd.DataFrame:
    """Shipped BACI rows read straight from the Parquet file."""
    return pd.read_parquet(reference.path("flows_baci_crm"))


def extra_imports(rows, reporter, year, hs6):
    m = members(reporter, year)
    r = rows
    return r[(r.year == year) & (r.hs6 == hs6) & r.importer.isin(m) & ~r.exporter.isin(m)]


def err(resp, param):
    """The 422 body names ``param`` in loc; returns the message."""
    assert resp.status_code == 422, resp.text
    d = resp.json()["detail"][0]
    assert d["loc"] == ["query", param], d
    return d["msg"]


# --- valid requests --------------------------------------------------------------------------------------------

def test_datasets(client):
    d = client.get("/api/datasets").json()
    assert d[-1]["name"] == "baci-crm" and d[-1]["shipped"] and 2024 in d[-1]["years"]


def test_dependencies(client, rows):
    r = client.get("/api/dependencies", params={"reporter": "EU27", "year": 2024})
    assert r.status_code == 200
    body = r.json()
    assert body["provenance"]["thresholds"]["name"] == "EC_2021" and body["provenance"]["year"] == 2024
    row = next(x for x in body["rows"] if x["hs6"] == "850511")
    d = extra_imports(rows, "EU27", 2024, "850511")
    # extra-EU imports of magnets and China's share, from the rows: Σ v over non-member exporters
    assert row["extra_imports_usd"] == pytest.approx(d.value_usd.sum())
    assert row["top_supplier"] == "CHN"
    assert row["top_supplier_share"] == pytest.approx(d[d.exporter == "CHN"].value_usd.sum() / d.value_usd.sum())
    # HHI = Σ s² over suppliers
    s = d.groupby("exporter").value_usd.sum() / d.value_usd.sum()
    assert row["import_hhi"] == pytest.approx((s ** 2).sum())
    assert set(body["extras"]) >= {"by_supplier", "leverage"}


def test_dependencies_filters_and_limit(client):
    r = client.get("/api/dependencies", params={"reporter": "EU27", "domain": "crm", "supplier": "KAZ",
                                                "dependent_only": True, "limit": 3})
    assert r.status_code == 200
    b = r.json()
    assert len(b["rows"]) <= 3 and b["rows_total"] >= len(b["rows"])
    assert all(x["dependent"] for x in b["rows"])
    lev = pd.DataFrame(b["extras"]["leverage"])
    kaz_products = set(lev.loc[lev.supplier == "KAZ", "hs6"])
    assert {x["hs6"] for x in b["rows"]} <= kaz_products | {x["hs6"] for x in b["rows"] if x["top_supplier"] == "KAZ"}
    assert "280470" in {x["hs6"] for x in b["rows"]}     # phosphorus: KAZ is the main supplier (hand-checked)
    assert b["parameters"]["domain"] == "crm"


def test_materials(client):
    b = client.get("/api/materials", params={"material": "Magnesium"}).json()
    mg = [x for x in b["rows"] if x["material"] == "Magnesium"]
    assert mg and mg[0]["top_supplier"] == "CHN" and mg[0]["top_supplier_share"] == pytest.approx(0.97)


def test_partnership(client, rows):
    b = client.get("/api/partnership", params={"a": "EU27", "b": "KAZ", "year": 2024}).json()
    ph = next(x for x in b["rows"] if x["importer"] == "EU27" and x["hs6"] == "280470")
    d = extra_imports(rows, "EU27", 2024, "280470")
    assert ph["partner_supplies_usd"] == pytest.approx(d[d.exporter == "KAZ"].value_usd.sum())   # 147,479,387
    assert "summary" in b["extras"]


def test_stress(client, rows):
    b = client.get("/api/stress", params={"reporter": "EU27", "cut": "CHN", "domain": "crm", "year": 2024}).json()
    mag = next(x for x in b["rows"] if x["hs6"] == "850511")
    d = extra_imports(rows, "EU27", 2024, "850511")
    assert mag["lost_usd"] == pytest.approx(d[d.exporter == "CHN"].value_usd.sum())   # share_cut 1
    # shortfall = lost − replacement (method definition)
    assert mag["shortfall_usd"] == pytest.approx(mag["lost_usd"] - mag["replacement_usd"])
    half = client.get("/api/stress", params={"reporter": "EU27", "cut": "CHN", "domain": "crm", "year": 2024,
                                             "share_cut": 0.5}).json()
    mag2 = next(x for x in half["rows"] if x["hs6"] == "850511")
    assert mag2["lost_usd"] == pytest.approx(mag["lost_usd"] / 2)


def test_stress_monte_carlo(client, rows):
    b = client.get("/api/stress/monte-carlo", params={"reporter": "EU27", "cut": "CHN", "domain": "crm",
                                                      "year": 2024, "n": 200, "seed": 3}).json()
    mag = next(x for x in b["rows"] if x["hs6"] == "850511")
    d = extra_imports(rows, "EU27", 2024, "850511")
    assert mag["lost_usd"] == pytest.approx(d[d.exporter == "CHN"].value_usd.sum())
    # percentiles are ordered and bounded by the loss
    assert 0 <= mag["shortfall_p5"] <= mag["shortfall_p50"] <= mag["shortfall_p95"] <= mag["lost_usd"] * (1 + 1e-9)
    assert b["provenance"]["diversion"]["draws"] == 200


def test_stress_materials(client):
    b = client.get("/api/stress/materials", params={"cut": "CHN"}).json()
    mg = next(x for x in b["rows"] if x["material"] == "Magnesium")
    # China's share of EU magnesium sourcing in the study is 97 %: cut fully, that share is lost
    assert mg["lost_share"] == pytest.approx(0.97, abs=0.005)
    assert mg["shortfall_share"] == pytest.approx(mg["lost_share"] - mg["replacement_share"], abs=1e-6)


def test_crm_hs6_and_agrifood(client, rows):
    b = client.get("/api/crm/hs6", params={"importer": "EU27", "year": 2024}).json()
    mg = next(x for x in b["rows"] if x["hs6"] == "810411")
    d = extra_imports(rows, "EU27", 2024, "810411")
    top = d.groupby("exporter").value_usd.sum().sort_values()
    assert mg["top_third_iso3"] == top.index[-1] and mg["top_third_share"] == pytest.approx(top.iloc[-1] / top.sum())
    a = client.get("/api/agrifood", params={"year": 2024}).json()
    assert {x["year"] for x in a["rows"]} == {2024} and any(x["item"] == "Wheat" for x in a["rows"])


def test_rebalance(client, rows):
    r = client.get("/api/rebalance", params={"reporter": "EU27", "product": "280470", "year": 2024,
                                             "avoid": "VNM", "growth": 0.5})
    assert r.status_code == 200, r.text
    b = r.json()
    assert sum(x["new_share"] for x in b["rows"]) == pytest.approx(1.0)
    # total imports unchanged: Σ new values = EU27's 2024 extra imports of phosphorus from the rows
    total = extra_imports(rows, "EU27", 2024, "280470").value_usd.sum()          # 215,173,334 USD
    assert sum(x["new_value_usd"] for x in b["rows"]) == pytest.approx(total)
    assert all(x["new_value_usd"] <= x["capacity_usd"] * (1 + 1e-9) for x in b["rows"])
    assert all(x["new_share"] == pytest.approx(0.0, abs=1e-9) for x in b["rows"] if x["supplier"] == "VNM")


def test_corridors(client):
    b = client.get("/api/corridors", params={"commodity": "crude", "close_transit": "RUS"}).json()
    t = b["rows"][0]
    assert t["max_flow_after"] < t["max_flow_before"]
    assert t["lost"] == pytest.approx(t["max_flow_before"] - t["max_flow_after"])


def test_crm_endpoints(client):
    b = client.get("/api/crm/benchmark").json()
    breaches = {(x["material"], x["top_third_iso3"]) for x in b["rows"] if x["breach"]}
    assert ("Magnesium", "CHN") in breaches and ("Boron", "TUR") in breaches
    assert all(x["top_third_share"] > 0.65 for x in b["rows"] if x["breach"])
    p = client.get("/api/crm/partner", params={"economy": "Kazakhstan"}).json()
    assert p["parameters"]["economy"] == "KAZ" and p["rows"]
    for path in ("/api/crm/criticality", "/api/crm/concentration", "/api/crm/supply-risk"):
        r = client.get(path, params={"limit": 5})
        assert r.status_code == 200 and 0 < len(r.json()["rows"]) <= 5, path
    rep = client.get("/api/crm/reproduce", params={"year": "2017"}).json()
    assert rep["parameters"]["year"] == 2017 and rep["rows"]


def test_cbam(client):
    b = client.get("/api/cbam", params={"exporter": "KAZ", "year_from": 2026, "year_to": 2027}).json()
    years = {x["year"] for x in b["rows"]}
    assert years == {2026, 2027}
    x = b["rows"][0]
    # IR 2025/2620 netting: (tonnes × intensity × (1 + mark-up) − tonnes × CBAM factor × CSCF × benchmark) × price
    assert x["cost_eur"] == pytest.approx((x["tonnes"] * x["intensity"] * (1 + x["markup"]) - x["tonnes"]
                                           * x["cbam_factor"] * x["cscf"] * x["benchmark"])
                                          * (x["eu_price"] - x["origin_price"]))
    assert x["cost_low_eur"] <= x["cost_eur"] <= x["cost_high_eur"] and x["price_path"] == "gmk-consensus"
    b2, b4 = (client.get("/api/cbam", params={"exporter": "KAZ", "year_from": 2026, "year_to": 2026,
                                              "ets_price": p}).json() for p in (40, 80))
    assert sum(r["cost_eur"] for r in b2["rows"]) == pytest.approx(sum(r["cost_eur"] for r in b4["rows"]) / 2)


def test_alignment(client):
    b = client.get("/api/alignment", params={"a": "KAZ", "b": "EU27", "vs": "RUS"}).json()
    fp = pd.DataFrame(b["extras"]["foreign_policy"])
    assert set(fp["reference"]) == {"EU27", "RUS"}
    assert b["provenance"]["references"] == ["EU27", "RUS"]


# --- invalid parameters: 422 naming the parameter ---------------------------------------------------------------

@pytest.mark.parametrize("path,params,param,needle", [
    ("/api/dependencies", {"reporter": "Atlantis"}, "reporter", "unknown economy 'Atlantis'"),
    ("/api/dependencies", {"year": 1990}, "year", "available years: 1995–2024"),
    ("/api/dependencies", {"year": 3000}, "year", "less than or equal to 2100"),
    ("/api/dependencies", {"method": "oecd"}, "method", "'ec2021' or 'geodep'"),
    ("/api/dependencies", {"domain": "weapons"}, "domain", "'crm'"),
    ("/api/dependencies", {"supplier": "Mordor"}, "supplier", "unknown economy 'Mordor'"),
    ("/api/dependencies", {"dataset": "nope"}, "dataset", "no dataset named 'nope'"),
    ("/api/dependencies", {"limit": 0}, "limit", "greater than or equal to 1"),
    ("/api/partnership", {"a": "EU27", "b": "EU"}, "b", "same economy"),
    ("/api/partnership", {"rca_threshold": -1}, "rca_threshold", "greater than or equal to 0"),
    ("/api/stress", {"cut": "EU27"}, "cut", "member"),
    ("/api/stress", {"cut": "Narnia"}, "cut", "unknown economy 'Narnia'"),
    ("/api/stress", {"share_cut": 1.5}, "share_cut", "less than or equal to 1"),
    ("/api/stress", {"diversion": -0.1}, "diversion", "greater than or equal to 0"),
    ("/api/stress", {"products": "999999", "cut": "CHN"}, "products", "999999"),
    ("/api/stress", {"products": "12ab"}, "products", "12AB"),
    ("/api/stress", {"suppliers": "some"}, "suppliers", "'current' or 'all'"),
    ("/api/rebalance", {"product": "810411", "year": 2024, "avoid": "CHN,RUS,USA,TUR,ISR,GBR,NOR,CHE,SRB,UKR,"
                                                               "BRA,CAN,KAZ,IND,JPN,KOR,TWN,VNM,MEX,ZAF,ARE"},
     "avoid", "capacity"),
    ("/api/rebalance", {}, "product", "exactly one of product"),
    ("/api/rebalance", {"product": "81x411"}, "product", "pattern"),
    ("/api/rebalance", {"product": "810411", "objective": "cheapest"}, "objective", "'risk_hhi' or 'hhi'"),
    ("/api/rebalance", {"product": "810411", "max_shift": 0}, "max_shift", "greater than 0"),
    ("/api/corridors", {"commodity": "gold"}, "commodity", "available: cargo, crude, gas"),
    ("/api/corridors", {"close_transit": "Oz"}, "close_transit", "unknown economy 'Oz'"),
    ("/api/corridors", {"capacity": "max"}, "capacity", "'low' or 'high'"),
    ("/api/crm/benchmark", {"threshold": 2}, "threshold", "less than or equal to 1"),
    ("/api/crm/benchmark", {"material": "Unobtainium"}, "material", "unknown material 'Unobtainium'"),
    ("/api/crm/partner", {"economy": "Atlantis"}, "economy", "unknown economy"),
    ("/api/crm/criticality", {"year": 1990}, "year", "greater than or equal to 2011"),
    ("/api/crm/reproduce", {"year": "2020"}, "year", "'2017' or '2023'"),
    ("/api/materials", {"material": "Unobtainium"}, "material", "Unobtainium"),
    ("/api/materials", {"stage": "X"}, "stage", "'E' or 'P'"),
    ("/api/cbam", {"year_from": 2025}, "year_from", "greater than or equal to 2026"),
    ("/api/cbam", {"year_to": 2035}, "year_to", "less than or equal to 2034"),
    ("/api/cbam", {"year_from": 2030, "year_to": 2027}, "year_to", "before year_from"),
    ("/api/cbam", {"ets_price": -1}, "ets_price", "greater than or equal to 0"),
    ("/api/cbam", {"intensity_cut": 1.2}, "intensity_cut", "less than or equal to 1"),
    ("/api/cbam", {"exporter": "Atlantis"}, "exporter", "unknown economy"),
    ("/api/alignment", {"vs": "RUS,Atlantis"}, "vs", "unknown economy 'Atlantis'"),
    ("/api/stress/monte-carlo", {"n": 5}, "n", "greater than or equal to 10"),
    ("/api/stress/monte-carlo", {"dist": "normal"}, "dist", "'uniform' or 'beta'"),
    ("/api/stress/monte-carlo", {"low": 0.8, "high": 0.2}, "high", "below low"),
    ("/api/stress/materials", {"cut": "Oz"}, "cut", "unknown economy 'Oz'"),
    ("/api/stress/materials", {"share_cut": 2}, "share_cut", "less than or equal to 1"),
    ("/api/crm/hs6", {"material": "Unobtainium"}, "material", "unknown material"),
    ("/api/crm/hs6", {"year": 1990}, "year", "available years"),
    ("/api/agrifood", {"year": 2010}, "year", "greater than or equal to 2018"),
    ("/api/alignment", {"measure": "votes"}, "measure", "'idealpointfp' or 'idealpointall'"),
    ("/api/alignment", {"year_from": 2010, "year_to": 2000}, "year_to", "before year_from"),
])
def test_invalid_parameters_are_422_naming_the_parameter(client, path, params, param, needle):
    msg = err(client.get(path, params=params), param)
    assert needle.lower() in msg.lower(), msg


def test_infeasible_names_binding_constraint(client):
    r = client.get("/api/rebalance", params={"reporter": "EU27", "product": "810411", "year": 2024, "avoid": "CHN"})
    assert r.status_code == 422
    d = r.json()["detail"][0]
    assert d["type"] == "infeasible" and d["binding"] == ["capacity"] and d["loc"] == ["query", "avoid"]


# --- OpenAPI and safety -----------------------------------------------------------------------------------------

def test_openapi_documents_every_endpoint_with_typed_parameters(client):
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    for p in ["/api/datasets", "/api/dependencies", "/api/materials", "/api/partnership", "/api/rebalance",
              "/api/stress", "/api/corridors", "/api/crm/benchmark", "/api/crm/partner", "/api/crm/criticality",
              "/api/crm/concentration", "/api/crm/supply-risk", "/api/crm/reproduce", "/api/cbam",
              "/api/alignment", "/api/stress/monte-carlo", "/api/stress/materials", "/api/crm/hs6", "/api/agrifood"]:
        assert p in paths and paths[p]["get"]["summary"], p
    params = {q["name"]: q for q in paths["/api/stress"]["get"]["parameters"]}
    sc = params["share_cut"]["schema"]
    assert sc["minimum"] == 0 and sc["maximum"] == 1
    method = {q["name"]: q for q in paths["/api/dependencies"]["get"]["parameters"]}["method"]["schema"]
    assert method["enum"] == ["ec2021", "geodep"] and method["default"] == "ec2021"
    domain = {q["name"]: q for q in paths["/api/dependencies"]["get"]["parameters"]}["domain"]["schema"]
    from samarkand import products

    assert [a["enum"] for a in domain["anyOf"] if "enum" in a] == [products.domain_names()]
    # no endpoint takes a file path from the client
    for p, item in paths.items():
        for q in item.get("get", {}).get("parameters", []):
            assert q["name"] not in ("path", "file", "scenario", "price_path", "intensities", "table", "home"), (p, q)
    docs = client.get("/docs")
    assert docs.status_code == 200 and 'src="/static/swagger/swagger-ui-bundle.js"' in docs.text
    assert "cdn" not in docs.text.lower()


def test_static_assets_are_packaged_not_client_paths(client):
    js = client.get("/static/plotly.min.js")
    assert js.status_code == 200 and len(js.content) > 1_000_000
    assert client.get("/static/../pyproject.toml").status_code == 404
    assert client.get("/static/%2e%2e/%2e%2e/etc/passwd").status_code == 404


def test_read_only(client, tmp_path):
    """Serving every endpoint leaves the data home as it was (nothing written)."""
    import os

    home = os.environ.get("SAMARKAND_HOME")
    before = sorted(os.listdir(home)) if home and os.path.isdir(home) else []
    client.get("/api/stress", params={"cut": "RUS"})
    client.get("/api/dependencies")
    after = sorted(os.listdir(home)) if home and os.path.isdir(home) else []
    assert before == after
    for method in ("post", "put", "delete"):
        assert getattr(client, method)("/api/dependencies").status_code == 405


# --- dashboard pages --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path,needle", [
    ("/", "a strategic-autonomy brief"),
    ("/dependencies?domain=crm&supplier=CHN", "dependent products"),
    ("/partnership", "Mutual opportunities"),
    ("/stress?cut=CHN&share_cut=0.5", "Cut-off of CHN: products ranked by shortfall"),
    ("/crm", "CRMA 65"),
    ("/cbam?ets_price=100", "CBAM cost by year"),
    ("/convergence?vs=RUS", "ideal-point distance"),
])
def test_pages(client, path, needle):
    r = client.get(path)
    assert r.status_code == 200
    assert needle in r.text
    assert 'class="figure"' in r.text and "Plotly.newPlot" in r.text
    assert 'src="/static/plotly.min.js"' in r.text and "cdn.plot.ly/plotly" not in r.text


@pytest.mark.parametrize("path,param", [("/dependencies?domain=weapons", "domain"), ("/stress?cut=Narnia", "cut"),
                                        ("/stress?share_cut=3", "share_cut"), ("/?a=Atlantis", None)])
def test_pages_bad_input(client, path, param):
    r = client.get(path)
    assert r.status_code == 422
    assert "Invalid request" in r.text
    if param:
        assert param in r.text


def test_api_reference_page_offline(client):
    """A server-rendered API reference (no CDN) lists every endpoint with its parameters' ranges."""
    r = client.get("/api-reference")
    assert r.status_code == 200
    assert "<code>GET /api/stress</code>" in r.text and "<code>GET /api/cbam</code>" in r.text
    assert "<code>share_cut</code></td><td>number (optional)</td><td>≥ 0, ≤ 1</td>" in r.text
    assert "cdn" not in r.text.lower().replace("it loads swagger ui from a cdn", "")
