"""`samarkand votes` (CLI), GET /api/votes and the brief's human-rights part, on the shipped rows.

Expected figures are recomputed with pandas from the shipped Parquet files, independently of the method.
"""
from __future__ import annotations

import json

import pandas as pd
import pytest

from samarkand import reference


@pytest.fixture(scope="module")
def pair_figures():
    """(n, identical share, agreement index) of two countries on hr roll calls in a year range, by pandas."""
    vt = pd.read_parquet(reference.path("un_votes"))
    rc = pd.read_parquet(reference.path("un_roll_calls"))

    def figures(a: str, b: str, y0: int, y1: int) -> tuple[int, float, float]:
        ids = rc.loc[rc["hr"] & rc["year"].between(y0, y1), "rcid"]
        w = vt[vt["rcid"].isin(ids) & vt["iso3"].isin([a, b])].pivot(index="rcid", columns="iso3",
                                                                      values="vote").dropna()
        return len(w), float((w[a] == w[b]).mean()), float((1 - (w[a] - w[b]).abs() / 2).mean())

    return figures


def test_cli_json_acceptance(cli, pair_figures):
    p = cli("votes", "KAZ", "DEU", "--issue", "hr", "--years", "2010-2019", "--format", "json")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    (r,) = out["rows"]
    n, ident, agree = pair_figures("KAZ", "DEU", 2010, 2019)
    assert (r["reference"], r["issue"], r["n_roll_calls"]) == ("DEU", "hr", n)
    assert r["identical_share"] == pytest.approx(ident, abs=1e-12)
    assert r["agreement_index"] == pytest.approx(agree, abs=1e-12)
    assert out["provenance"]["years"] == list(range(2010, 2020))
    assert {"trend", "moved", "by_year", "cohesion", "members"} <= set(out["extras"])


def test_cli_vs_by_year_csv(cli, pair_figures):
    p = cli("votes", "KAZ", "DEU", "--vs", "RUS,CHN", "--by", "year", "--years", "2015-2016", "--format", "csv")
    assert p.returncode == 0, p.stderr
    from io import StringIO

    t = pd.read_csv(StringIO(p.stdout))
    assert sorted(t["reference"].unique()) == ["CHN", "DEU", "RUS"]
    got = t[(t["reference"] == "RUS") & (t["period"] == 2016)].iloc[0]
    n, ident, _ = pair_figures("KAZ", "RUS", 2016, 2016)
    assert got["n_roll_calls"] == n and got["identical_share"] == pytest.approx(ident, abs=1e-12)


def test_cli_table_with_bloc(cli):
    p = cli("votes", "KAZ", "EU27", "--periods", "1992-1999,2010-2019", "--vs", "CHN")
    assert p.returncode == 0, p.stderr
    assert "bloc_majority" in p.stdout and "cohesion" in p.stdout
    assert "moved most" in p.stdout and "Iran" in p.stdout      # a resolution that moved (titles wrap)


@pytest.mark.parametrize("args, message", [
    (["KAZ", "DEU", "--issue", "hr,xx"], "unknown issue code"),
    (["KAZ", "ABW"], "ABW never voted"),
    (["KAZ", "DEU", "--years", "2015-2021"], "outside the UN General Assembly voting data"),
    (["KAZ", "DEU", "--by", "decade"], "by must be one of"),
    (["KAZ", "DEU", "--periods", "1990s"], "--periods"),
])
def test_cli_errors_exit_2(cli, args, message):
    p = cli("votes", *args)
    assert p.returncode == 2
    assert message in p.stderr and "Traceback" not in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1


@pytest.fixture(scope="module")
def client():
    from fastapi import FastAPI, Request
    from fastapi.responses import JSONResponse
    from fastapi.testclient import TestClient

    from samarkand.errors import InputError
    from samarkand.web.routes.votes import router

    app = FastAPI()
    app.include_router(router)

    @app.exception_handler(InputError)
    def _input_error(request: Request, exc: InputError) -> JSONResponse:   # as the app maps it
        return JSONResponse({"detail": [{"msg": str(exc)}]}, status_code=422)

    with TestClient(app) as c:
        yield c


def test_api(client, pair_figures):
    r = client.get("/api/votes", params={"a": "KAZ", "b": "CHN", "issue": "hr", "year_from": 1992,
                                         "year_to": 1999})
    assert r.status_code == 200, r.text
    (row,) = r.json()["rows"]
    n, ident, agree = pair_figures("KAZ", "CHN", 1992, 1999)
    assert row["n_roll_calls"] == n
    assert row["identical_share"] == pytest.approx(ident, abs=1e-12)      # the 36 %
    assert row["identical_share"] == pytest.approx(0.36, abs=0.005)
    assert row["agreement_index"] == pytest.approx(agree, abs=1e-12)
    assert r.json()["provenance"]["dataset"].startswith("un_votes")


@pytest.mark.parametrize("params, message", [
    ({"issue": "zz"}, "unknown issue code"),
    ({"year_from": 2018, "year_to": 2022}, "outside"),
    ({"year_from": 2010, "year_to": 2000}, "before"),
    ({"b": "ABW"}, "never voted"),
])
def test_api_bad_parameters_422(client, params, message):
    r = client.get("/api/votes", params={"a": "KAZ", "b": "DEU", **params})
    assert r.status_code == 422
    assert message in r.text


def test_brief_part(home, pair_figures):
    from samarkand.brief.sections import Section, make_context
    from samarkand.brief.votes import human_rights_part

    sec = Section("norms", "Norms")
    ctx = make_context("EU27", "KAZ")
    human_rights_part(sec, ctx)
    assert sec.status == "ok", sec.notices
    (fig,) = sec.figures
    assert "2019" in fig.caption and any("2019" in lim for lim in sec.limits)
    chn = next(tr for tr in fig.fig.data if tr.name == "CHN")
    assert int(chn.x[-1]) == 2019
    _, ident, _ = pair_figures("KAZ", "CHN", 2019, 2019)
    assert chn.y[-1] == pytest.approx(ident, abs=1e-12)
    assert sec.headlines and sec.headlines[0].label == "Human-rights votes: KAZ with EU27"
    titles = [t.title for t in sec.tables]
    assert any("cohesion" in t.lower() for t in titles)
    assert any("left or joined" in t for t in titles)

    from samarkand.brief import Brief, render_html

    brief = Brief(ctx, [sec])
    html = render_html(brief, include_plotlyjs=False)
    assert "Human-rights agreement in the UN General Assembly, to 2019" in html
    assert sum("end in 2019" in lim for lim in brief.limits()) == 1
