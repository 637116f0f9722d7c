"""Rebalance: closed-form optima, binding constraints, a property test and a cross-check against SLSQP.

Fixture (tests/fixtures/partnership/rebalance_flows.csv): KAZ imports 100 USD of 810411 — CHN 60, RUS 30,
TUR 10; world exports X: CHN 1060, RUS 530, TUR 210, USA 300 (USA sells nothing to KAZ).
Capacity cap_s = X_s·(1+growth) − keep_buying·(X_s − v_s).
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samarkand.errors import InfeasibleError, InputError
from samarkand.methods.rebalance import Problem, optimise, rebalance, solve_qp
from samarkand.store import Flows

FIX = Path(__file__).parent / "fixtures" / "partnership"


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch):
    monkeypatch.setenv("SAMARKAND_HOME", str(tmp_path))


@pytest.fixture(scope="module")
def flows() -> Flows:
    return Flows.from_frame(pd.read_csv(FIX / "rebalance_flows.csv", dtype={"hs6": str}), name="rebalance-fixture")


def shares(res) -> dict[str, float]:
    return dict(zip(res.table["supplier"], res.table["new_share"]))


def summ(res) -> dict[str, float]:
    return dict(zip(res.extras["summary"]["indicator"], res.extras["summary"]["value"]))


def test_equal_risk_loose_capacity_gives_equal_shares(flows):
    # keep_buying=0: cap = X_s (1060, 530, 210, 300) ≥ 100 each → min Σx² s.t. Σx=1 → x = 1/4 each
    res = rebalance("KAZ", "810411", 2024, flows=flows, objective="hhi", keep_buying=0.0)
    x = shares(res)
    assert set(x) == {"CHN", "RUS", "TUR", "USA"}
    for s in x:
        assert x[s] == pytest.approx(0.25, abs=1e-9)
    s = summ(res)
    assert s["hhi_old"] == pytest.approx(0.6 ** 2 + 0.3 ** 2 + 0.1 ** 2)   # 0.46
    assert s["hhi_new"] == pytest.approx(0.25)
    # moved = Σ|Δ|/2 = (.35 + .05 + .15 + .25)/2 = .4 → 40 USD
    assert s["value_moved_usd"] == pytest.approx(40)
    assert res.table["new_value_usd"].sum() == pytest.approx(100)


def test_binding_capacity_pins_suppliers(flows):
    # keep_buying=1, growth=.05: cap = v + .05·X → CHN 113, RUS 56.5, TUR 20.5, USA 15
    # equal shares (.25) exceed USA's .15 and TUR's .205 → pinned; CHN = RUS = (1 − .355)/2 = .3225
    res = rebalance("KAZ", "810411", 2024, flows=flows, objective="hhi", growth=0.05)
    x = shares(res)
    assert x["USA"] == pytest.approx(0.15, abs=1e-9)
    assert x["TUR"] == pytest.approx(0.205, abs=1e-9)
    assert x["CHN"] == pytest.approx(0.3225, abs=1e-9)
    assert x["RUS"] == pytest.approx(0.3225, abs=1e-9)
    t = res.table.set_index("supplier")
    assert "capacity" in t.loc["USA", "binding"] and "capacity" in t.loc["TUR", "binding"]
    assert t.loc["USA", "capacity_usd"] == pytest.approx(15)


def test_risk_weights_give_inverse_proportional_shares(flows):
    # loose caps, r = (1, 2, 4, 4): KKT x_s = λ/(2 r_s) → x ∝ 1/r = (1, .5, .25, .25)/2
    risk = {"CHN": 1.0, "RUS": 2.0, "TUR": 4.0, "USA": 4.0}
    res = rebalance("KAZ", "810411", 2024, flows=flows, risk=risk, keep_buying=0.0)
    x = shares(res)
    assert [x[s] for s in ("CHN", "RUS", "TUR", "USA")] == pytest.approx([0.5, 0.25, 0.125, 0.125], abs=1e-9)
    s = summ(res)
    assert s["risk_score_old"] == pytest.approx(1 * .36 + 2 * .09 + 4 * .01)
    assert s["risk_score_new"] == pytest.approx(1 * .25 + 2 * .0625 + 4 * .015625 * 2)


def test_avoid_and_max_shift_steps(flows):
    # avoid CHN (0.6), max_shift .2, loose caps, hhi:
    # step 1: CHN .4, the others share .6 equally (.2 each); step 2: CHN .2, others .8/3; step 3: CHN 0, 1/3 each
    res = rebalance("KAZ", "810411", 2024, flows=flows, objective="hhi", keep_buying=0.0, avoid=["CHN"],
                    max_shift=0.2)
    x = shares(res)
    assert x.get("CHN", 0.0) == pytest.approx(0.0, abs=1e-12)
    for s in ("RUS", "TUR", "USA"):
        assert x[s] == pytest.approx(1 / 3, abs=1e-9)
    steps = res.extras["steps"]
    assert len(steps) == 3
    assert steps["avoided_share"].tolist() == pytest.approx([0.4, 0.2, 0.0], abs=1e-9)
    assert steps["hhi"].tolist() == pytest.approx([.16 + 3 * .04, .04 + 3 * (.8 / 3) ** 2, 1 / 3], abs=1e-9)


def test_favour_floor(flows):
    # favour CHN: r_CHN = 1 × 0.5; unconstrained x ∝ (2, 1, 1, 1) → CHN .4 < its floor .6 → CHN .6, others .4/3
    res = rebalance("KAZ", "810411", 2024, flows=flows, objective="hhi", keep_buying=0.0, favour=["CHN"])
    x = shares(res)
    assert x["CHN"] == pytest.approx(0.6, abs=1e-9)
    for s in ("RUS", "TUR", "USA"):
        assert x[s] == pytest.approx(0.4 / 3, abs=1e-9)


def test_infeasible_capacity_names_binding_constraint(flows):
    # avoid CHN with growth .05: allowed capacity RUS 56.5 + TUR 20.5 + USA 15 = 92 < demand 100
    with pytest.raises(InfeasibleError) as ei:
        rebalance("KAZ", "810411", 2024, flows=flows, objective="hhi", growth=0.05, avoid=["CHN"])
    assert ei.value.binding == ["capacity"]
    assert "capacity: allowed suppliers' capacity 92 USD < demand 100 USD" in str(ei.value)
    # feasible nearby: growth .2 → RUS 30+106, TUR 10+42, USA 60: allowed 248 ≥ 100
    res = rebalance("KAZ", "810411", 2024, flows=flows, objective="hhi", growth=0.2, avoid=["CHN"])
    assert res.table["new_value_usd"].sum() == pytest.approx(100)


def test_avoid_everyone(flows):
    with pytest.raises(InfeasibleError, match="avoid list leaves no supplier") as ei:
        rebalance("KAZ", "810411", 2024, flows=flows, objective="hhi", avoid=["CHN", "RUS", "TUR", "USA"])
    assert ei.value.binding == ["avoid"]


def test_bad_input(flows):
    with pytest.raises(InputError, match="no flows in 2024"):
        rebalance("KAZ", "999999", 2024, flows=flows, objective="hhi")
    with pytest.raises(InputError, match="six-digit"):
        rebalance("KAZ", "81x411", 2024, flows=flows, objective="hhi")
    with pytest.raises(InputError, match="max_shift"):
        rebalance("KAZ", "810411", 2024, flows=flows, objective="hhi", max_shift=1.5)
    with pytest.raises(InputError, match="both avoided and favoured"):
        rebalance("KAZ", "810411", 2024, flows=flows, objective="hhi", avoid=["CHN"], favour=["CHN"])
    with pytest.raises(InputError, match="imported no"):
        rebalance("USA", "280470", 2024, flows=flows, objective="hhi")


# ---- the solver ---------------------------------------------------------------------------------------
@st.composite
def problems(draw):
    n = draw(st.integers(1, 8))
    raw = np.array(draw(st.lists(st.floats(0.0, 10.0), min_size=n, max_size=n)))
    if raw.sum() <= 0:
        raw[0] = 1.0
    old = raw / raw.sum()
    extra = np.array(draw(st.lists(st.floats(0.0, 2.0), min_size=n, max_size=n)))
    cap = old + extra  # capacity at least what each sells today
    risk = np.array(draw(st.lists(st.floats(0.05, 5.0), min_size=n, max_size=n)))
    avoid = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    favour = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n))) & ~avoid
    ms = draw(st.one_of(st.none(), st.floats(0.05, 1.0)))
    total = draw(st.floats(1.0, 1e10))
    return Problem([f"S{i}" for i in range(n)], old, cap, risk, avoid, favour), ms, total


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_property_capacity_and_total(case):
    p, ms, total = case
    try:
        x, path = optimise(p, max_shift=ms, total=total, unit="USD")
    except InfeasibleError as exc:
        assert exc.binding and str(exc)
        return
    assert x.sum() * total == pytest.approx(total, rel=1e-9)           # total imports unchanged
    assert np.all(x * total <= p.cap * total * (1 + 1e-9) + 1e-9)      # capacity respected
    assert np.all(x >= -1e-12)
    assert np.all(x[p.avoid] <= 1e-12)                                 # avoided suppliers at 0
    assert np.all(x[p.favour] >= p.old[p.favour] - 1e-9)                 # favour floor
    prev = p.old
    for step in path:
        if ms is not None:
            assert np.all(np.abs(step - prev) <= ms + 1e-9)              # max_shift per step
        prev = step


@settings(max_examples=80, deadline=None)
@given(problems())
def test_property_through_rebalance(case):
    """The same guarantees through the public function on generated flows (values in USD)."""
    p, ms, total = case
    n = len(p.suppliers)
    iso = ["CHN", "RUS", "TUR", "USA", "BRA", "IND", "ISR", "JPN"][:n]
    v = p.old * 1000.0
    third = (p.cap - p.old) * 1000.0
    rows = [(2024, s, "KAZ", "810411", float(v[i]), None) for i, s in enumerate(iso) if v[i] > 0]
    rows += [(2024, s, "DEU", "810411", float(third[i]), None) for i, s in enumerate(iso) if third[i] > 0]
    fl = Flows.from_frame(pd.DataFrame(rows, columns=["year", "exporter", "importer", "hs6", "value_usd",
                                                      "quantity_t"]))
    av = [s for i, s in enumerate(iso) if p.avoid[i]]
    try:
        res = rebalance("KAZ", "810411", 2024, flows=fl, objective="hhi", keep_buying=0.0, avoid=av,
                        max_shift=ms)
    except InfeasibleError as exc:
        assert exc.binding
        return
    t = res.table
    assert t["new_value_usd"].sum() == pytest.approx(1000.0, rel=1e-9)
    assert (t["new_value_usd"] <= t["capacity_usd"] * (1 + 1e-9) + 1e-9).all()


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 7), st.integers(0, 10_000))
def test_solver_matches_slsqp(n, seed):
    """The KKT/brentq optimum is never worse than scipy's SLSQP on the same QP."""
    from scipy.optimize import minimize

    rng = np.random.default_rng(seed)
    r = rng.uniform(0.1, 3.0, n)
    hi = rng.uniform(0.05, 0.8, n)
    if hi.sum() < 1:
        hi = hi / hi.sum() * 1.2
    lo = np.zeros(n)
    x = solve_qp(r, lo, hi)
    ref = minimize(lambda z: float((r * z * z).sum()), np.full(n, 1 / n), jac=lambda z: 2 * r * z,
                   method="SLSQP", bounds=list(zip(lo, hi)),
                   constraints=[{"type": "eq", "fun": lambda z: z.sum() - 1}], options={"ftol": 1e-12})
    assert float((r * x * x).sum()) <= float((r * ref.x * ref.x).sum()) + 1e-7
    assert np.allclose(x, ref.x, atol=1e-4)


# ---- material level and CLI -----------------------------------------------------------------------------
def test_material_level_titanium_metal():
    # Titanium metal (P), EU sourcing in the study: KAZ 36 %, RUS 34 %, CHN 9 %, JPN 5 %, CHE 5 % ...
    res = rebalance("EU27", material="Titanium metal", stage="P", objective="hhi", favour=["KAZ"])
    t = res.table.set_index("supplier")
    assert t.loc["KAZ", "old_share"] == pytest.approx(0.36)
    assert t.loc["KAZ", "new_share"] >= 0.36 - 1e-9                   # favour floor
    assert res.table["new_share"].sum() == pytest.approx(1.0)
    assert (res.table["new_share"] <= res.table["capacity_share"] + 1e-9).all()
    s = summ(res)
    assert s["hhi_new"] < s["hhi_old"]


def test_material_level_errors():
    with pytest.raises(InputError, match="did you mean"):
        rebalance("EU27", material="Titanum metal")
    with pytest.raises(InputError, match="reporter must be EU27"):
        rebalance("KAZ", material="Magnesium")
    # magnesium: China 97 % of EU sourcing; without it the listed suppliers' global shares cannot fill 100 %
    with pytest.raises(InfeasibleError, match="capacity"):
        rebalance("EU27", material="Magnesium", objective="hhi", avoid=["CHN"])


def test_risk_weighted_kkt_on_shipped_data():
    """Default objective (risk from WGI + UN ideal points) on the shipped BACI flows: the optimum satisfies the
    KKT conditions of min Σ r·x² s.t. Σx = 1, x ≤ cap — r_s·x_s is the same for every supplier strictly inside
    its bounds and no larger for a supplier held at its capacity."""
    res = rebalance("EU27", "280470", 2024, growth=0.3)
    t = res.table
    assert res.provenance["risk_provenance"]["wgi_year"] <= 2024
    assert t["new_value_usd"].sum() == pytest.approx(t["old_value_usd"].sum())
    rx = t["risk"] * t["new_share"]
    inside = (t["binding"] == "") & (t["new_share"] > 0)
    assert inside.sum() >= 2
    lam_half = rx[inside].iloc[0]
    assert np.allclose(rx[inside], lam_half, rtol=1e-6)
    at_cap = t["binding"].str.contains("capacity")
    assert (rx[at_cap] <= lam_half * (1 + 1e-6)).all()


def _cli(*args, home):
    env = {"SAMARKAND_HOME": str(home), "PATH": "/usr/bin:/bin", "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "samarkand", *args], capture_output=True, text=True, env=env,
                          timeout=300)


def test_cli_rebalance_shipped(tmp_path):
    p = _cli("rebalance", "EU27", "280470", "--year", "2024", "--objective", "hhi", "--growth", "0.5",
             "--format", "json", home=tmp_path)
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    vals = [r["new_value_usd"] for r in out["rows"]]
    old = [r["old_value_usd"] for r in out["rows"]]
    assert sum(vals) == pytest.approx(sum(old))
    assert all(r["new_value_usd"] <= r["capacity_usd"] * (1 + 1e-9) for r in out["rows"])


def test_cli_infeasible_and_unknown_exit_2(tmp_path):
    p = _cli("rebalance", "EU27", "810411", "--year", "2024", "--avoid", "CHN", "--objective", "hhi",
             home=tmp_path)
    assert p.returncode == 2
    assert "capacity: allowed suppliers' capacity" in p.stderr and "demand" in p.stderr
    p = _cli("rebalance", "EU27", "999999", "--year", "2024", home=tmp_path)
    assert p.returncode == 2 and "999999" in p.stderr


def test_cli_material_level(tmp_path):
    p = _cli("rebalance", "EU27", "--material", "Titanium metal", "--stage", "P", "--favour", "KAZ",
             "--objective", "hhi", "--format", "json", home=tmp_path)
    assert p.returncode == 0, p.stderr
    rows = {r["supplier"]: r for r in json.loads(p.stdout)["rows"]}
    assert rows["KAZ"]["old_share"] == pytest.approx(0.36) and rows["KAZ"]["new_share"] >= 0.36 - 1e-9
    assert sum(r["new_share"] for r in rows.values()) == pytest.approx(1.0)
    p = _cli("rebalance", "EU27", "--material", "Unobtainium", home=tmp_path)
    assert p.returncode == 2 and "unknown material" in p.stderr
