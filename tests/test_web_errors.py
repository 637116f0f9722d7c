"""The web layer's contract: one error shape without paths, unknown parameters, the cache, security headers,
route discovery, a replaced dataset picked up on the next request, the bind warning, offline docs."""
from __future__ import annotations

import json
import sys
import threading
import time
import warnings

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from samarkand import reference
from samarkand.economies import members
from samarkand.web.cache import CACHE, ResultCache

warnings.filterwarnings("ignore", category=DeprecationWarning)

SECURITY = {"x-frame-options": "DENY", "x-content-type-options": "nosniff", "referrer-policy": "no-referrer"}


def make_client(**kw) -> TestClient:
    from samarkand.web import create_app

    return TestClient(create_app(**kw), raise_server_exceptions=False)


@pytest.fixture
def client(home):
    CACHE.clear()
    with make_client() as c:
        yield c


def one_error(resp, status: int) -> dict:
    """The one error shape: {"detail": [{"loc": [...], "msg": str, "type": str}]}."""
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/json")
    body = resp.json()
    assert set(body) == {"detail"} and len(body["detail"]) == 1
    d = body["detail"][0]
    assert isinstance(d["loc"], list) and isinstance(d["msg"], str) and isinstance(d["type"], str)
    return d


def extra_imports_from(rows: pd.DataFrame, reporter: str, year: int, hs6: str, exporter: str) -> float:
    m = members(reporter, year)
    r = rows[(rows.year == year) & (rows.hs6 == hs6) & rows.importer.isin(m) & (rows.exporter == exporter)]
    return float(r.value_usd.sum())


# --- a damaged data home: clear errors, no path, the shipped dataset still usable ---------------------------

def test_corrupt_catalog_is_a_500_without_path_and_shipped_data_still_work(home):
    home.mkdir(parents=True)
    (home / "catalog.json").write_text("{not json", encoding="utf-8")
    CACHE.clear()
    with make_client() as c:
        d = one_error(c.get("/api/stress", params={"cut": "CHN", "year": 2024}), 500)
        assert d["loc"] == ["data"] and d["type"] == "data_error" and "catalog.json" in d["msg"]
        page = c.get("/crm")
        assert page.status_code == 500 and "catalog.json" in page.text
        for r in (d["msg"], page.text, c.get("/api/datasets").text):
            assert str(home) not in r and "/tmp/" not in r
        # the shipped dataset does not need the catalog: the same request on it gives the figure of the rows
        ok = c.get("/api/stress", params={"cut": "CHN", "year": 2024, "domain": "crm", "dataset": "baci-crm"})
        assert ok.status_code == 200, ok.text
        mag = next(x for x in ok.json()["rows"] if x["hs6"] == "850511")
        rows = pd.read_parquet(reference.path("flows_baci_crm"))
        assert mag["lost_usd"] == pytest.approx(extra_imports_from(rows, "EU27", 2024, "850511", "CHN"))
        assert c.get("/partnership", params={"dataset": "baci-crm"}).status_code == 200


def test_broken_bloc_file_is_one_clear_error_without_path(home):
    home.mkdir(parents=True)
    (home / "blocs.toml").write_text("[blocs.X\nmembers = [", encoding="utf-8")
    CACHE.clear()
    with make_client() as c:
        d = one_error(c.get("/api/dependencies", params={"reporter": "KAZ", "year": 2024}), 500)
        assert d["loc"] == ["data"] and "blocs.toml" in d["msg"] and "cannot read bloc file" in d["msg"]
        page = c.get("/", params={"a": "EU27", "b": "KAZ"})
        assert page.status_code == 500 and "blocs.toml" in page.text
        for text in (d["msg"], page.text):
            assert str(home) not in text
        assert page.headers["x-frame-options"] == "DENY"


def test_a_bug_is_a_logged_500_in_the_one_shape_without_its_message(client, monkeypatch):
    import samarkand.methods.material_view as mv

    def broken(*a, **k):
        raise RuntimeError("secret detail in /home/someone/.local/share/samarkand/x.parquet")

    monkeypatch.setattr(mv, "material_view", broken)
    d = one_error(client.get("/api/materials", params={"material": "Magnesium"}), 500)
    assert d["loc"] == ["server"] and d["type"] == "internal_error" and "RuntimeError" in d["msg"]
    assert "/home/" not in d["msg"] and "secret" not in d["msg"]


def test_scrub_paths():
    from samarkand.web.errors import scrub_paths

    assert scrub_paths("file /home/ann/data/catalog.json, row 3") == "file …/catalog.json, row 3"
    assert scrub_paths("see /tmp/x/y.csv: bad") == "see …/y.csv: bad"
    assert scrub_paths("price in EUR/tCO2e and /api/stress") == "price in EUR/tCO2e and /api/stress"


# --- unknown parameters: a 422 on /api, ignored (and not recomputed) on pages ------------------------------

def test_every_api_endpoint_rejects_an_unknown_parameter_naming_it(client):
    paths = [p for p, item in client.get("/openapi.json").json()["paths"].items()
             if p.startswith("/api/") and "get" in item]
    assert len(paths) >= 19
    for p in paths:
        d = one_error(client.get(p, params={"reportr": "KAZ"}), 422)
        assert d["loc"] == ["query", "reportr"] and d["type"] == "unknown_parameter", p
        assert "unknown parameter 'reportr'" in d["msg"]


def test_junk_page_parameters_neither_change_nor_recompute_the_page(client):
    first = client.get("/convergence", params={"vs": "RUS"})
    assert first.status_code == 200
    n = CACHE.computed
    for junk in ("i", "j", "k"):
        again = client.get("/convergence", params={"vs": "RUS", "x": junk})
        assert again.status_code == 200 and again.text == first.text
    assert CACHE.computed == n


def test_single_flight_and_byte_budget():
    cache, calls, started = ResultCache(max_weight=10), [], threading.Event()

    def slow() -> bytes:
        calls.append(1)
        started.set()
        time.sleep(0.3)
        return b"12345"

    out: list[bytes] = []
    threads = [threading.Thread(target=lambda: out.append(cache.get_or_compute(("k",), slow))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert out == [b"12345"] * 4 and len(calls) == 1
    cache.get_or_compute(("a",), lambda: b"123456")      # 5 + 6 bytes > 10: the least recently used goes
    assert len(cache) == 1
    assert cache.get_or_compute(("a",), lambda: b"other") == b"123456"


def test_a_failed_computation_is_not_cached():
    cache = ResultCache()
    with pytest.raises(ZeroDivisionError):
        cache.get_or_compute(("k",), lambda: bytes(1 // 0))
    assert cache.get_or_compute(("k",), lambda: b"ok") == b"ok"


# --- the server answers from a replaced dataset on its next request ------------------------------------------

def write_table(path, chn: float, kaz: float) -> None:
    path.write_text("Y,E,I,K,V\n"
                    f"2022,CHN,FRA,280470,{chn}\n2022,KAZ,FRA,280470,{kaz}\n2022,FRA,DEU,280470,5\n",
                    encoding="utf-8")


def test_replaced_dataset_is_used_on_the_next_request(home, tmp_path, cli):
    src = tmp_path / "flows.csv"
    args = ("--source", "table", "--map", "year=Y,exporter=E,importer=I,hs6=K,value_usd=V", "--name", "live")
    write_table(src, 30, 70)
    assert cli("data", "import", str(src), *args).returncode == 0
    CACHE.clear()
    q = {"reporter": "FRA", "cut": "CHN", "year": 2022, "dataset": "live"}
    with make_client() as c:
        row = c.get("/api/stress", params=q).json()["rows"][0]
        assert row["lost_usd"] == pytest.approx(30)            # all of CHN's 30 USD to FRA is cut
        write_table(src, 50, 50)
        r = cli("data", "import", str(src), *args, "--replace")
        assert r.returncode == 0, r.stderr
        row = c.get("/api/stress", params=q).json()["rows"][0]
        assert row["lost_usd"] == pytest.approx(50)
        assert c.get("/api/datasets").json()[0]["name"] == "live"


# --- headers, docs, discovery, the bind warning --------------------------------------------------------------

@pytest.mark.parametrize("path,status", [("/", 200), ("/api/corridors", 200), ("/api/stress?share_cut=7", 422),
                                         ("/api/nothing", 404), ("/static/style.css", 200), ("/docs", 200),
                                         ("/stress?cut=Narnia", 422)])
def test_security_headers_on_every_response(client, path, status):
    r = client.get(path)
    assert r.status_code == status
    for k, v in SECURITY.items():
        assert r.headers[k] == v
    csp = r.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp and "default-src 'self'" in csp


def test_http_errors_on_api_have_the_one_shape(client):
    assert one_error(client.get("/api/nothing"), 404)["loc"] == ["request"]
    assert one_error(client.post("/api/stress"), 405)["loc"] == ["request"]
    page = client.get("/nothing")
    assert page.status_code == 404 and "Not found" in page.text


def test_docs_served_offline(client):
    js = client.get("/static/swagger/swagger-ui-bundle.js")
    assert js.status_code == 200 and len(js.content) > 500_000
    assert client.get("/static/swagger/..%2f..%2f__init__.py").status_code == 404
    r = client.get("/redoc", follow_redirects=False)
    assert r.status_code in (302, 307) and r.headers["location"] == "/api-reference"


def test_route_modules_are_discovered(home, tmp_path, monkeypatch):
    """A new module in samarkand.web.routes (here: a folder added to the package path) is served as it is."""
    import samarkand.web.routes as pkg

    (tmp_path / "zz_extra.py").write_text(
        "from fastapi import APIRouter\nfrom samarkand.errors import InputError\nrouter = APIRouter()\n"
        "@router.get('/api/zz-extra')\ndef extra(count: int = 1):\n"
        "    if count > 5:\n        raise InputError(f'count must be at most 5, got {count}')\n"
        "    return {'rows': [{'count': count}]}\n", encoding="utf-8")
    monkeypatch.setattr(pkg, "__path__", [*pkg.__path__, str(tmp_path)])
    monkeypatch.syspath_prepend(str(tmp_path))
    with make_client() as c:
        assert c.get("/api/zz-extra", params={"count": 2}).json() == {"rows": [{"count": 2}]}
        d = one_error(c.get("/api/zz-extra", params={"count": 9}), 422)
        assert d["loc"] == ["query", "count"] and "at most 5" in d["msg"]
        assert one_error(c.get("/api/zz-extra", params={"m": 1}), 422)["loc"] == ["query", "m"]
        assert c.get("/api/corridors").status_code == 200
    sys.modules.pop("samarkand.web.routes.zz_extra", None)


def test_serve_warns_when_not_on_loopback(monkeypatch):
    import uvicorn
    from typer.testing import CliRunner

    from samarkand.cli import app
    from samarkand.cli.serve import is_loopback

    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1") and is_loopback("127.8.0.1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.4") and not is_loopback("::")
    runs: list[dict] = []
    monkeypatch.delenv("SAMARKAND_WARM_START", raising=False)     # serve sets it for its workers
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: runs.append(k))
    wide = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0", "--port", "8123", "--no-warm-start"])
    assert wide.exit_code == 0 and runs[-1]["host"] == "0.0.0.0"
    text = " ".join(wide.output.split())
    assert "warning" in text and "no authentication" in text and "/api-reference" in text
    local = CliRunner().invoke(app, ["serve", "--port", "8123", "--no-warm-start"])
    assert local.exit_code == 0 and "warning" not in local.output


# --- warm start --------------------------------------------------------------------------------------------------

def test_warm_start_computes_the_default_pages_before_the_first_visit(home):
    from samarkand.web.warm import warm_default_pair

    CACHE.clear()
    before = CACHE.computed
    warm_default_pair(threading.Event(), paths=("/", "/partnership"))
    n = CACHE.computed
    assert n == before + 2
    with make_client() as c:
        t0 = time.perf_counter()
        r = c.get("/")
        assert r.status_code == 200 and "a strategic-autonomy brief" in r.text
        assert c.get("/partnership").status_code == 200
        assert time.perf_counter() - t0 < 2
    assert CACHE.computed == n                           # served from the warm cache, nothing recomputed


def test_warm_start_runs_in_the_background_at_startup(home, monkeypatch):
    import samarkand.web.warm as warm

    seen: list[str] = []
    release = threading.Event()

    def fake_warm(stop: threading.Event) -> None:        # stands for the real one, tested above
        seen.append(threading.current_thread().name)
        release.wait(10)

    monkeypatch.setattr(warm, "warm_default_pair", fake_warm)
    with make_client(warm_start=True) as c:
        assert c.get("/healthz").json()["status"] == "ok"     # the server answers while it warms up
        deadline = time.time() + 10
        while not seen and time.time() < deadline:
            time.sleep(0.05)
        assert seen == ["samarkand-warm-start"]
        release.set()
    with make_client(warm_start=False) as c:
        assert c.get("/healthz").status_code == 200
    assert seen == ["samarkand-warm-start"]


def test_api_errors_keep_their_parameter_after_caching(client):
    """A method's error names the parameter its message mentions (the value, here an unknown material)."""
    for _ in range(2):
        d = one_error(client.get("/api/crm/benchmark", params={"material": "Unobtainium"}), 422)
        assert d["loc"] == ["query", "material"]
    body = json.loads(client.get("/api/crm/benchmark", params={"limit": 1}).text)
    assert body["rows_total"] >= 1 and len(body["rows"]) == 1


def test_pages_share_the_sections_they_show(client):
    """The overview computes every section once; the brief and the default pillar pages reuse them."""
    from samarkand.web.pages import SECTIONS

    q = {"a": "EU27", "b": "UZB"}
    before = SECTIONS.computed
    assert client.get("/", params=q).status_code == 200
    from samarkand.brief.pillars import SECTION_ORDER

    assert SECTIONS.computed == before + len(SECTION_ORDER)
    crm = client.get("/crm", params=q)
    stress = client.get("/stress", params=q)
    brief = client.get("/brief", params=q)
    assert crm.status_code == stress.status_code == brief.status_code == 200
    assert SECTIONS.computed == before + len(SECTION_ORDER)          # nothing recomputed
    assert "No cut given" in stress.text and "No cut given" not in brief.text   # the page's notice is its own
    assert client.get("/stress", params={**q, "share_cut": 0.5}).status_code == 200
    assert SECTIONS.computed == before + len(SECTION_ORDER) + 1      # other options: a section of its own
