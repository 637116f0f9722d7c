"""The Content-Security-Policy fits the pages: in headless Chromium the charts draw, Swagger UI renders the
schema, and the browser reports no CSP violation (Debian's chromium through Playwright, loopback only)."""
from __future__ import annotations

import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]

if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
    pytest.skip("Debian chromium is not installed (apt-get install chromium)", allow_module_level=True)
playwright = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The app under uvicorn in a thread on a free loopback port (stopped at the end)."""
    import uvicorn

    from samarkand.web import create_app

    mp = pytest.MonkeyPatch()
    mp.setenv("SAMARKAND_HOME", str(tmp_path_factory.mktemp("home")))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(create_app(warm_start=False), host="127.0.0.1", port=port,
                                        log_level="warning"))
    t = threading.Thread(target=srv.run, daemon=True)
    t.start()
    deadline = time.time() + 30
    while not srv.started and time.time() < deadline:
        time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    t.join(timeout=10)
    mp.undo()


@pytest.fixture(scope="module")
def browser():
    exe = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=ARGS)
        yield b
        b.close()


def visit(browser, url: str, ready: str) -> tuple[list[str], object]:
    """Open ``url``, wait for the selector ``ready``; return console/page errors and the page.  (A selector,
    not a JS expression: Playwright would evaluate that with eval, which the CSP rightly refuses.)"""
    page = browser.new_page()
    page.set_default_timeout(120_000)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    resp = page.goto(url)
    assert resp.status == 200
    page.wait_for_selector(ready)
    return problems, page


@pytest.mark.parametrize("path", ["/convergence", "/cbam", "/dependencies"])
def test_charts_draw_under_the_csp(server, browser, path):
    problems, page = visit(browser, server + path, ".js-plotly-plot .main-svg")
    drawn = page.evaluate("() => Array.from(document.querySelectorAll('.js-plotly-plot'))"
                          ".filter(d => (d.calcdata || []).some(c => c && c.length > 0)).length")
    assert drawn >= 1
    assert "content-security-policy" in {k.lower() for k in page.request.get(server + path).headers}
    assert not [p for p in problems if "Content Security Policy" in p or "Refused to" in p], problems
    page.close()


def test_swagger_ui_renders_offline_under_the_csp(server, browser):
    problems, page = visit(browser, server + "/docs", ".opblock-summary-path")
    paths = page.eval_on_selector_all(".opblock-summary-path", "els => els.map(e => e.textContent)")
    assert any("/api/stress" in p for p in paths)
    assert not [p for p in problems if "Content Security Policy" in p or "Refused to" in p], problems
    page.close()
