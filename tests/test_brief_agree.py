"""Issue 17 item 4: one figure, one function — the brief, the overview page and the stress page name the same worst
supplier cut-off and the same dependent-product count as samarkand.methods.summary, for several pairs (the issue
found the overview naming BRA and /stress naming CHN for the same pair, year and dataset)."""
from __future__ import annotations

import html as htmlmod
import re

import pandas as pd
import pytest

from samarkand import reference
from samarkand.methods.dependencies import dependencies
from samarkand.methods.summary import cutoff_candidates, dependent_count, supplier_cutoffs, worst_cutoff

PAIRS = [("EU27", "KAZ"), ("USA", "CHN"), ("JPN", "AUS")]


def card(page: str, label: str) -> str:
    for k, v in re.findall(r'<div class="l">([^<]*)</div><div class="v"[^>]*>([^<]*)', page):
        if htmlmod.unescape(k) == label:
            return htmlmod.unescape(v)
    raise AssertionError(f"no card {label!r}")


@pytest.mark.parametrize("a,b", PAIRS)
def test_worst_cutoff_and_dependent_count_agree_on_every_surface(client, a, b):
    cutoffs = supplier_cutoffs(a, exclude=[b])
    worst = worst_cutoff(cutoffs)
    n_dep, n_all, _ = dependent_count(dependencies(a))
    overview = client.get("/", params={"a": a, "b": b}).text
    stress_page = client.get("/stress", params={"a": a, "b": b}).text
    assert card(overview, f"Worst supplier cut-off for {a}") == worst
    assert card(stress_page, f"Worst supplier cut-off for {a}") == worst
    assert card(overview, f"{a} dependent products (2024)") == f"{n_dep} of {n_all}"
    assert card(client.get("/dependencies", params={"a": a, "b": b}).text,
                f"{a} dependent products (2024)") == f"{n_dep} of {n_all}"
    brief = client.get("/brief", params={"a": a, "b": b}).text
    assert card(brief, f"Worst supplier cut-off for {a}") == worst


def test_the_worst_cutoff_is_the_largest_shortfall_among_the_candidates():
    """By the definition: every candidate cut alone; the worst has the largest shortfall, never the partner."""
    cands = cutoff_candidates("EU27", exclude=["KAZ"])
    assert "KAZ" not in cands and "EU27" not in cands and {"CHN", "RUS", "USA"} <= set(cands)
    res = supplier_cutoffs("EU27", exclude=["KAZ"])
    assert list(res.table["cut"]) == sorted(cands, key=lambda c: -float(
        res.table.loc[res.table["cut"] == c, "shortfall_usd"].iloc[0]))
    assert res.table["shortfall_usd"].is_monotonic_decreasing
    # the worst cut's lost imports: the EU27's extra imports from it in the shipped rows (share cut 1)
    f = pd.read_parquet(reference.path("flows_baci_crm"))
    from samarkand.economies import members

    eu = set(members("EU27", 2024))
    w = worst_cutoff(res)
    lost = f[(f["year"] == 2024) & f["importer"].isin(eu) & (f["exporter"] == w)]["value_usd"].sum()
    assert float(res.table.iloc[0]["lost_usd"]) == pytest.approx(lost, rel=1e-9)
    for key in ("method", "source", "dataset", "years"):
        assert key in res.provenance


def test_the_terminal_agrees_with_the_brief_and_the_pages(client, cli):
    """The CLI's dependency screen and CBAM cost give the same figures as the cards of the brief and the pages."""
    import json

    from samarkand.display import money

    n_dep, n_all, _ = dependent_count(dependencies("EU27"))
    screen = json.loads(cli("dependencies", "EU27", "--format", "json").stdout)
    assert len(screen["rows"]) == n_dep and screen["provenance"]["products_screened"] == n_all
    assert card(client.get("/brief", params={"a": "EU27", "b": "KAZ"}).text,
                "EU27 dependent products (2024)") == f"{len(screen['rows'])} of {n_all}"
    cbam = json.loads(cli("cbam", "KAZ", "--format", "json").stdout)
    by_year = pd.DataFrame(cbam["extras"]["by_year"]).set_index("year")
    first, last = by_year.index.min(), by_year.index.max()
    shown = card(client.get("/cbam", params={"a": "EU27", "b": "KAZ"}).text, "CBAM cost on KAZ's exports to the EU")
    for y in (first, last):
        r = by_year.loc[y]
        assert (f"{money(r['cost_eur'], 'EUR')} ({money(r['cost_low_eur'])}–{money(r['cost_high_eur'])})"
                in shown), (y, shown)
