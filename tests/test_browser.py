"""Browser tests: Debian's headless Chromium driven by Playwright (no `playwright install`).

The tests start `samarkand serve` (uvicorn) on a free loopback port with an empty data home, load every
dashboard page, check that the plotly charts rendered with data, submit the stress-test form and read the
result table; and open the self-contained brief with all network requests blocked (and counted).
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
    pytest.skip("Debian chromium is not installed (apt-get install chromium)", allow_module_level=True)
playwright = pytest.importorskip("playwright.sync_api")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`samarkand serve` on a free port; yields the base URL; stops the process it started."""
    port = free_port()
    env = dict(os.environ, SAMARKAND_HOME=str(tmp_path_factory.mktemp("home")))
    proc = subprocess.Popen([sys.executable, "-m", "samarkand", "serve", "--host", "127.0.0.1", "--port", str(port)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    import httpx

    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.3)
        if proc.poll() is not None:
            raise RuntimeError(proc.stdout.read().decode())
    else:
        proc.terminate()
        raise RuntimeError("server did not start")
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def browser():
    exe = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()
    pg.set_default_timeout(60_000)
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.errors = errors
    outside: list[str] = []

    def route(rt):   # the dashboard must need nothing beyond the local server
        if rt.request.url.startswith(("http://127.0.0.1:", "data:", "blob:", "about:")):
            rt.continue_()
        else:
            outside.append(rt.request.url)
            rt.abort()

    pg.route("**/*", route)
    yield pg
    ctx.close()
    assert outside == [], f"requests left the machine: {outside}"


def plots(pg) -> dict[str, int]:
    """Rendered plotly graphs on the page: div id → number of traces with data."""
    pg.wait_for_function("document.querySelectorAll('.js-plotly-plot').length > 0")
    # calcdata: plotly's computed points per trace (bars, markers, map locations) — non-empty = data drawn
    return pg.evaluate("""() => Object.fromEntries(Array.from(document.querySelectorAll('.js-plotly-plot'))
        .map(d => [d.id, (d.calcdata || []).filter(c => c && c.length > 0 &&
                                                      c.some(p => p && (p.x !== undefined || p.y !== undefined ||
                                                                        p.loc !== undefined || p.z !== undefined))
                                                  ).length]))""")


PAGES = [("/", ["fig-dep-map", "fig-stress-cutoffs", "fig-crm-benchmark", "fig-cbam-cost"]),
         ("/dependencies", ["fig-dep-products", "fig-dep-map"]),
         ("/partnership", ["fig-partner-opps", "fig-agrifood"]),
         ("/stress", ["fig-stress-cutoffs", "fig-stress-shortfall", "fig-stress-materials",
                      "fig-corridor-links"]),
         ("/crm", ["fig-crm-benchmark", "fig-crm-supply-risk", "fig-crm-partner"]),
         ("/cbam", ["fig-cbam-cost"]),
         ("/convergence", ["fig-align-un", "fig-align-wgi"])]


@pytest.mark.parametrize("path,expected", PAGES)
def test_dashboard_page_renders_charts(server, page, path, expected):
    resp = page.goto(server + path)
    assert resp.status == 200
    got = plots(page)
    for fid in expected:
        assert got.get(fid, 0) > 0, (fid, got)
    # the map drew SVG paths for countries (local geometry, no CDN)
    if "fig-dep-map" in expected:
        n = page.evaluate("document.querySelectorAll('#fig-dep-map .choroplethlocation').length")
        assert n > 150
    assert page.errors == []
    assert page.locator("nav.app a.on").count() == 1


def test_stress_form_submits_and_shows_the_result_table(server, page):
    page.goto(server + "/stress")
    page.fill("#cut", "CHN")
    page.fill("#share_cut", "0.5")
    page.fill("#diversion", "0.25")
    with page.expect_navigation():
        page.click("#run-stress")
    assert "cut=CHN" in page.url and "share_cut=0.5" in page.url
    table = page.locator("table#stress-table-1")
    headers = table.locator("thead th").all_inner_texts()
    assert headers[:4] == ["Rank", "HS6", "Description", "Imports USD"]
    rows = table.locator("tbody tr")
    assert rows.count() > 5
    first = rows.nth(0).locator("td").all_inner_texts()
    assert first[0] == "1" and first[1] == "850511"     # magnets: the largest shortfall when China is cut
    # the result came from the method called with the form's values
    from samarkand.methods.stress import stress

    res = stress("EU27", cut=["CHN"], share_cut=0.5, diversion=0.25, year=2024)
    top = res.table.iloc[0]
    assert first[1] == top["hs6"]
    from samarkand.brief.sections import fmt_cell  # display.format_value with the column's kind

    assert fmt_cell(top["shortfall_usd"], "money") in first
    assert plots(page).get("fig-stress-shortfall", 0) > 0


def test_sortable_table(server, page):
    page.goto(server + "/dependencies")
    table = page.locator("table.sortable").first
    th = table.locator("thead th", has_text="Extra imports USD")
    col = table.locator("thead th").all_inner_texts().index("Extra imports USD")
    th.click()   # ascending
    vals = [float(v) for v in table.locator("tbody tr").evaluate_all(
        f"rows => rows.map(r => r.cells[{col}].dataset.sort)")]
    assert vals == sorted(vals)
    th.click()   # descending
    vals = [float(v) for v in table.locator("tbody tr").evaluate_all(
        f"rows => rows.map(r => r.cells[{col}].dataset.sort)")]
    assert vals == sorted(vals, reverse=True)


def test_dependencies_filter_by_domain_and_supplier(server, page):
    page.goto(server + "/dependencies")
    page.select_option("#domain", "crm")
    page.fill("#supplier", "KAZ")
    with page.expect_navigation():
        page.click("#pair-form button[type=submit]")
    assert "supplier=KAZ" in page.url
    title = page.locator("h3", has_text="supplied by KAZ")
    assert title.count() == 1
    hs = page.locator("table#dependencies-table-1 tbody tr td:nth-child(1)").all_inner_texts()
    assert "280470" in hs    # phosphorus: Kazakhstan is the EU's main supplier


def test_bad_parameter_page(server, page):
    resp = page.goto(server + "/stress?cut=Narnia")
    assert resp.status == 422
    assert "Narnia" in page.locator("#error-message").inner_text()


def test_brief_offline_every_section_and_chart(tmp_path, browser):
    """Write the brief with the CLI, open it from file:// with every network request aborted."""
    env = dict(os.environ, SAMARKAND_HOME=str(tmp_path / "home"))
    out = tmp_path / "brief.html"
    r = subprocess.run([sys.executable, "-m", "samarkand", "brief", "EU27", "KAZ", "-o", str(out), "-q"],
                       env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, offline=True)
    pg = ctx.new_page()
    blocked: list[str] = []

    def route(rt):
        if rt.request.url.startswith(("file:", "data:", "blob:", "about:")):
            rt.continue_()
        else:
            blocked.append(rt.request.url)
            rt.abort()

    pg.route("**/*", route)
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(out.as_uri())
    got = plots(pg)
    pg.wait_for_timeout(1000)
    assert blocked == [] and errors == []
    for sid in ["headlines", "dependencies", "partnership", "stress", "crm", "norms", "limits", "sources"]:
        assert pg.locator(f"section#{sid}").count() == 1, sid
    assert pg.locator("h1#headline").inner_text() == "EU27 and Kazakhstan: a strategic-autonomy brief"
    for fid in ["dep-products", "dep-map", "partner-opps", "agrifood", "stress-cutoffs", "stress-shortfall",
                "stress-materials", "corridor-links",
                "crm-benchmark", "crm-supply-risk", "crm-partner", "cbam-cost", "align-un", "align-wgi"]:
        assert got.get(f"fig-{fid}", 0) > 0, (fid, got)
    assert pg.evaluate("document.querySelectorAll('#fig-dep-map .choroplethlocation').length") > 150
    assert pg.locator("#limits li").count() >= 3
    ctx.close()


def test_map_product_menu(server, page):
    """The supplier map's menu shows one dependent product at a time (phosphorus: Kazakhstan the largest)."""
    page.goto(server + "/dependencies")
    plots(page)
    page.locator("#fig-dep-map .updatemenu-header-group").click()
    page.locator("#fig-dep-map .updatemenu-dropdown-button", has_text="280470 Phosphorus").click()
    page.wait_for_timeout(500)
    shown = page.evaluate("""() => { const d = document.getElementById('fig-dep-map');
        const i = d.data.findIndex(t => t.visible === true && t.name && t.name.startsWith('280470'));
        return i < 0 ? null : d.calcdata[i].map(p => [p.loc, p.z]); }""")
    assert shown
    top = max(shown, key=lambda lz: lz[1])[0]
    assert top == "KAZ"
    # the "all products" layer is hidden now
    assert page.evaluate("document.getElementById('fig-dep-map').data[1].visible") is False
