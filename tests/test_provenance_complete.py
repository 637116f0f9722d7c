"""Provenance of the CRM study, stress and claim results: every required key, with true values.

The datasets a result names must be shipped tables that hold the rows the figures come from, and its years
the assessment year(s) of those rows (read here from the tables themselves, not from the code).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import samarkand
from samarkand import reference
from samarkand.claims import NO_EVIDENCE, check
from samarkand.methods import crm, stress
from samarkand.provenance import PENDING_MODULES, REQUIRED_KEYS, problems


@pytest.fixture(autouse=True)
def _empty_home(home):
    """The shipped dataset is the default flows, whatever the machine's store holds."""
    return home


DATA = Path(samarkand.__file__).parent / "reference" / "data"


def _tables(prov) -> list[str]:
    return [t.strip() for t in prov["dataset"].split(",")]


def test_no_module_is_pending_any_more():
    assert "samarkand.methods.crm" not in PENDING_MODULES and "samarkand.methods.stress" not in PENDING_MODULES


@pytest.mark.parametrize("call,tables", [
    (lambda: crm.concentration("Cobalt"), {"crm_global_supply", "crm_eu_supply", "wgi"}),
    (lambda: crm.benchmark(), {"crm_eu_supply", "crma_materials"}),
    (lambda: crm.partner("KAZ"), {"crm_global_supply", "crm_eu_supply", "crma_materials", "wgi"}),
    (lambda: crm.supply_risk("Cobalt"),
     {"crm_sr_inputs_2023", "crm_criticality", "crm_global_supply", "crm_eu_supply", "wgi"}),
    (lambda: stress.stress_materials(["CHN"]), {"crm_eu_supply", "crm_global_supply"}),
])
def test_2023_study_results_name_their_tables_and_the_assessment_year(call, tables):
    res = call()
    prov = res.provenance
    assert problems(prov) == [] and all(prov[k] is not None for k in REQUIRED_KEYS)
    assert set(_tables(prov)) == tables
    for t in tables:  # each named table is shipped
        assert not reference.load(t).empty
    # the study tables carry one assessment: the 2023 study (its meta says so)
    assert reference.meta("crm_eu_supply")["version"].startswith("2023")
    assert prov["years"] == [2023]


def test_criticality_years_are_the_assessments_in_the_table():
    df = pd.read_csv(DATA / "crm_criticality.csv")
    assessments = sorted(int(y) for y in df["year"].unique())
    res = crm.criticality()
    assert res.provenance["dataset"] == "crm_criticality" and res.provenance["years"] == assessments
    assert crm.criticality(2017).provenance["years"] == [2017]
    assert set(res.table["year"]) == set(assessments)


@pytest.mark.parametrize("year", [2017, 2023])
def test_reproduce_names_the_inputs_of_its_year(year):
    prov = crm.reproduce(year).provenance
    assert prov["years"] == [year] and f"crm_sr_inputs_{year}" in _tables(prov)
    assert ("wgi" in _tables(prov)) == (year == 2023)  # 2017 uses the published HHI, no WGI
    assert prov["thresholds"] == {"tolerance": 0.15 if year == 2017 else 0.2}


def test_benchmark_threshold_is_in_thresholds():
    prov = crm.benchmark(0.5).provenance
    assert prov["thresholds"] == {"max_third_country_share": 0.5}
    assert isinstance(prov["method"], str) and "65" not in prov["method"]  # the rule, not a hard-coded figure


def test_hs6_concentration_has_a_method_and_the_flows_year():
    res = crm.hs6_concentration("EU27")
    prov = res.provenance
    assert problems(prov) == [] and prov["years"] == sorted(set(res.table["year"]))
    assert prov["thresholds"] == {"max_third_country_share": crm.CRMA_2024_MAX_THIRD_COUNTRY_SHARE}


def test_stress_materials_on_given_tables_does_not_claim_the_study():
    # a hand-made pair of tables: CHN holds 0.6 of EU sourcing, AUS 0.4; world: CHN 0.7, AUS 0.3
    eu = pd.DataFrame({"material": ["X", "X"], "stage": ["E", "E"], "iso3": ["CHN", "AUS"], "share": [0.6, 0.4]})
    world = eu.assign(share=[0.7, 0.3])
    res = stress.stress_materials(["CHN"], eu=eu, world=world, diversion=1.0)
    prov = res.provenance
    assert prov["years"] == [] and "crm_" not in prov["dataset"] and prov["source"] == "the caller's tables"
    # lost 0.6; AUS headroom max(0, 0.3 − 0.4) = 0 → no replacement, shortfall 0.6 (unchanged by provenance)
    assert res.table.iloc[0]["shortfall_share"] == pytest.approx(0.6)


def test_scenarios_collect_the_years_of_their_runs():
    specs = {"a": {"reporter": "EU27", "cut": ["CHN"]}, "b": {"reporter": "EU27", "cut": ["RUS"], "year": 2023}}
    res = stress.run_scenarios(specs)
    assert sorted(res.table["year"]) == [2023, 2024]  # b names 2023; a takes the latest year
    assert problems(res.provenance) == [] and res.provenance["years"] == [2023, 2024]


def test_a_claim_no_figure_answers_says_so():
    # gas is in no shipped table (tests/test_claims.py): not checkable, nothing used
    res = check("Russia provided around 45 per cent of the EU's total gas imports in 2021")
    assert res.extras["verdict"].iloc[0]["verdict"] == "not-checkable" and res.table.empty
    assert res.provenance["source"] == NO_EVIDENCE and res.provenance["dataset"] == NO_EVIDENCE
    assert res.provenance["years"] == []
