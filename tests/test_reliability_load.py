"""Issue 12: a live server under load on ``dataset=live`` while ``data import --name live --replace`` runs:
zero errors, and the server sees the new version on its next request.

The server (uvicorn on a loopback port, in a thread) and the importer (the CLI, in another process) share
nothing but the data home, as in production.  Bounded: three replacements, about 20 s on a loaded machine.
"""
from __future__ import annotations

import itertools
import threading
import time

import httpx
import pytest
from conftest import make_baci_zip, run_cli

from samarkand.sources import import_file

CLIENTS = 4
REPLACEMENTS = 3


@pytest.fixture
def server(home):
    import uvicorn

    from samarkand.web.app import create_app

    srv = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=0, log_level="error"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.time() + 30
    while not srv.started:
        if time.time() > deadline or not thread.is_alive():
            raise AssertionError("the server did not start")
        time.sleep(0.05)
    port = srv.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


def test_requests_never_fail_while_the_dataset_is_replaced(home, tmp_path, server):
    # two versions that differ: 2022 only (3 flows) and 2022 + 2023 (11 flows); DEU imports in both years
    small = make_baci_zip(tmp_path / "BACI_HS22_V202501.zip", drop=("BACI_HS22_Y2023_V202501.csv",))
    (tmp_path / "full").mkdir()
    full = make_baci_zip(tmp_path / "full" / "BACI_HS22_V202501.zip")
    import_file(small, home=home, name="live")
    stop = threading.Event()
    outcomes: list[tuple[str, int | str]] = []
    lock = threading.Lock()
    limits = itertools.count(1)

    def client() -> None:
        with httpx.Client(base_url=server, timeout=30) as http:
            while not stop.is_set():
                with lock:
                    n = next(limits)                     # a new limit each time: the result cache cannot answer
                url = f"/api/dependencies?reporter=DEU&dataset=live&limit={n}" if n % 3 else "/api/datasets"
                try:
                    status: int | str = http.get(url).status_code
                except httpx.HTTPError as exc:          # a dropped connection counts as an error
                    status = type(exc).__name__
                with lock:
                    outcomes.append((url, status))

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    try:
        time.sleep(1.0)
        for k in range(REPLACEMENTS):
            r = run_cli("data", "import", full if k % 2 == 0 else small, "--name", "live", "--replace",
                        home=home, timeout=120)
            assert r.returncode == 0, r.stderr
            time.sleep(0.3)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)
    errors = [o for o in outcomes if o[1] != 200]
    assert not errors, errors[:10]
    assert len(outcomes) >= 3 * CLIENTS                   # the clients really were hammering meanwhile
    # the last replacement (k = 2) imported the full zip: the server's next request sees its 11 rows
    with httpx.Client(base_url=server, timeout=30) as http:
        listed = {d["name"]: d for d in http.get("/api/datasets").json()}
        assert listed["live"]["rows"] == 11 and listed["live"]["years"] == [2022, 2023]
        dep = http.get("/api/dependencies", params={"reporter": "DEU", "dataset": "live", "limit": 500}).json()
        assert dep["provenance"]["years"] == [2023]       # default year = the latest of the new version
