"""The claims corpus: real public claims, each with its source and the verdict the data support (worked by hand).

tests/fixtures/claims/corpus.csv holds one claim a row with its source URL, title and date, the expected verdict
and, in ``evidence_by_hand``, the figures that verdict rests on, computed independently of samarkand.claims
(pandas on the shipped BACI rows and on ../shared/data/baci_energy_flows, the CRM study tables, the ESA/WNA
uranium facts) and graded with the tolerances of docs/check.md.

Crude-oil and LNG claims are checked on the shipped flows plus the BACI crude/LNG rows of the shared data
(an "imported" dataset); uranium claims need ``samarkand.methods.uranium`` — without it they must come back
``not-checkable``.  The test prints the share of correct verdicts and requires it to be at least 90 %.
"""
from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import pandas as pd
import pytest

from samarkand import reference
from samarkand.claims import VERDICTS, check
from samarkand.claims.parse import MEASURES
from samarkand.errors import InputError
from samarkand.store import Flows

CORPUS = Path(__file__).parent / "fixtures" / "claims" / "corpus.csv"
ENERGY = Path(__file__).resolve().parents[2] / "shared" / "data" / "baci_energy_flows" / "trade_flow.parquet"
MIN_ACCURACY = 0.90


def load_corpus() -> list[dict[str, str]]:
    with open(CORPUS, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def flows() -> Flows:
    """Shipped flows plus the crude (270900) and LNG (271111) rows of BACI HS92 V202601 from the shared data."""
    shipped = pd.read_parquet(reference.path("flows_baci_crm"))
    if not ENERGY.exists():
        pytest.skip(f"energy flows not available at {ENERGY}")
    e = pd.read_parquet(ENERGY)
    e = pd.DataFrame({"year": e["year"], "exporter": e["exporter_iso3"], "importer": e["importer_iso3"],
                      "hs6": e["hs_code"].map({"2709": "270900", "271111": "271111"}),
                      "value_usd": e["value_usd"], "quantity_t": e["qty"]})
    e = e[~e["hs6"].isin(set(shipped["hs6"]))]
    return Flows.from_frame(pd.concat([shipped[e.columns], e], ignore_index=True), name="baci-crm+energy",
                            source="test", release="V202601")


def test_corpus_is_complete():
    rows = load_corpus()
    assert len(rows) >= 40
    assert {r["expected_verdict"] for r in rows} == set(VERDICTS)
    assert {"en", "fr"} <= {r["language"] for r in rows}
    for r in rows:
        assert r["source_url"].startswith("http") and r["source_title"] and r["date"], r["id"]


def test_corpus_verdicts(flows, capsys):
    has_uranium = importlib.util.find_spec("samarkand.methods.uranium") is not None
    rows = load_corpus()
    right, wrong, measures = 0, [], set()
    for r in rows:
        expected = r["expected_verdict"]
        if r["requires"] == "uranium" and not has_uranium:
            expected = "not-checkable"
        try:
            res = check(r["claim"], flows=flows)
        except InputError as exc:
            wrong.append(f"{r['id']}: expected {expected}, got error {exc}")
            continue
        got = res.extras["verdict"].iloc[0]["verdict"]
        measures.add(res.extras["verdict"].iloc[0]["measure"])
        if got == "supported":  # never supported without a figure from a named source
            assert res.provenance["source"] and res.table["figure"].notna().any(), r["id"]
        if got == expected:
            right += 1
        else:
            wrong.append(f"{r['id']}: expected {expected}, got {got}")
    share = right / len(rows)
    with capsys.disabled():
        print(f"\nclaims corpus: {right}/{len(rows)} verdicts correct ({share:.1%})"
              + ("" if has_uranium else "; uranium claims expected not-checkable (no uranium module)"))
        for w in wrong:
            print("  wrong:", w)
    assert share >= MIN_ACCURACY, wrong
    assert set(MEASURES) <= measures, f"measures never used: {set(MEASURES) - measures}"
