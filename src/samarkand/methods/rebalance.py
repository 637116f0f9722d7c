"""Re-sourcing within real capacity: minimise risk-weighted import concentration.

For a reporter's (extra-bloc) imports of one product, choose new supplier shares x_s that solve

    minimise    Σ_s r_s · x_s²                         (risk-weighted HHI; r_s = 1 gives the plain HHI)
    subject to  Σ_s x_s = 1                            (total imports unchanged)
                0 ≤ x_s ≤ cap_s / T                    (capacity)
                |x_s − x_s⁰| ≤ max_shift               (per step; steps repeat until nothing improves)
                x_s = 0 for s in avoid                 (reached max_shift per step)
                x_s ≥ x_s⁰ for s in favour             (floor at the current share), r_s × favour_discount

where T is the reporter's imports of the product, x_s⁰ the current shares and the capacity

    cap_s = X_s · (1 + growth) − keep_buying · (X_s − v_s)

with X_s the supplier's world exports of the product, v_s what it sells to the reporter today and
X_s − v_s what it sells to third countries, of which the share ``keep_buying`` stays with them (1 = all
third-country buyers keep buying: then only growth frees capacity).

The problem is a separable convex QP.  Its KKT conditions give x_s(λ) = clip(λ / (2 r_s), lo_s, hi_s) with
one multiplier λ for the sum; Σ_s x_s(λ) is continuous and non-decreasing in λ, so λ is found with
``scipy.optimize.brentq`` (exact to machine precision; tests cross-check against scipy's SLSQP).

Risk per supplier r_s > 0: an explicit mapping, or ``samarkand.methods.risk.supplier_risk`` (governance,
WGI, and geopolitical distance, UNGA ideal points) when available.  Material level: the EU CRM study's
shares of EU sourcing stand for x⁰ and shares of global supply bound capacity (see :func:`rebalance`).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from samarkand.errors import InfeasibleError, InputError
from samarkand.formatting import money
from samarkand.methods.concentration import hhi, weighted_hhi
from samarkand.options import check_option
from samarkand.provenance import Result

if TYPE_CHECKING:
    from samarkand.store import Flows

Objective = Literal["risk_hhi", "hhi"]
TOL = 1e-9
#: smallest risk weight used (the QP needs r_s > 0; supplier_risk can return 0 for a perfect score)
RISK_FLOOR = 0.01


# --------------------------------------------------------------------------------------------------
# the solver (pure)
# --------------------------------------------------------------------------------------------------
def solve_qp(risk: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """argmin Σ r_s x_s² s.t. Σ x_s = 1, lo ≤ x ≤ hi (r > 0), via the KKT multiplier and brentq.

    Raises InfeasibleError when Σ lo > 1 or Σ hi < 1 (the caller names the constraint first).
    """
    from scipy.optimize import brentq

    r = np.asarray(risk, dtype=float)
    lo = np.asarray(lo, dtype=float)
    hi = np.asarray(hi, dtype=float)
    if np.any(r <= 0):
        raise InputError("risk weights must be > 0")
    if np.any(lo > hi + 1e-12):
        raise InfeasibleError("lower bound above upper bound", binding=["bounds"])
    hi = np.maximum(hi, lo)
    if lo.sum() > 1 + TOL:
        raise InfeasibleError(f"floors sum to {lo.sum():.4f} > 1", binding=["floor"])
    if hi.sum() < 1 - TOL:
        raise InfeasibleError(f"upper bounds sum to {hi.sum():.4f} < 1", binding=["capacity"])
    # where a bound sums to 1 it is the only feasible point (Σhi may fall short of 1 by at most TOL, as
    # accepted above); otherwise excess(0) = Σlo − 1 < 0 < Σhi − 1 = excess(lam_hi) brackets brentq's root
    if lo.sum() >= 1 - 1e-12:
        return lo.copy()
    if hi.sum() <= 1 + 1e-12:
        return hi.copy()

    def excess(lam: float) -> float:
        return float(np.clip(lam / (2 * r), lo, hi).sum() - 1.0)

    lam_hi = float(np.max(2 * r * hi)) + 1.0
    lam = brentq(excess, 0.0, lam_hi, xtol=1e-15, rtol=4 * np.finfo(float).eps, maxiter=500)
    x = np.clip(lam / (2 * r), lo, hi)
    # spread the last rounding residue over the suppliers strictly inside their bounds
    resid = 1.0 - x.sum()
    free = (x > lo + 1e-15) & (x < hi - 1e-15)
    if abs(resid) > 0 and free.any():
        x[free] += resid / free.sum()
        x = np.clip(x, lo, hi)
    return x


@dataclass
class Problem:
    """One rebalancing problem in shares: suppliers, current shares, capacity shares, risk weights."""

    suppliers: list[str]
    old: np.ndarray          # current shares, sum 1
    cap: np.ndarray          # capacity / total imports (may be inf)
    risk: np.ndarray         # r_s > 0 (after favour discount)
    avoid: np.ndarray        # bool
    favour: np.ndarray       # bool


def check_feasible(p: Problem, total: float, unit: str, fmt=None) -> None:
    """Name the binding constraint when no allocation can exist at all."""
    fmt = fmt or (lambda v: f"{v:.4g} {unit}")
    allowed = ~p.avoid
    if not allowed.any():
        raise InfeasibleError(
            f"avoid list leaves no supplier: every supplier ({', '.join(p.suppliers)}) is avoided",
            binding=["avoid"])
    cap_allowed = float(np.minimum(p.cap[allowed], 1e300).sum()) * total
    if cap_allowed < total * (1 - 1e-9):
        worst = [s for s, a in zip(p.suppliers, p.avoid) if a]
        raise InfeasibleError(
            f"capacity: allowed suppliers' capacity {fmt(cap_allowed)} < demand {fmt(total)}"
            + (f" once {', '.join(worst)} {'is' if len(worst) == 1 else 'are'} avoided" if worst else ""),
            binding=["capacity"])


def optimise(p: Problem, *, max_shift: float | None, total: float = 1.0, unit: str = "",
             fmt=None, max_steps: int = 200) -> tuple[np.ndarray, list[np.ndarray]]:
    """Run the step-wise QP; return the final shares and the path (one array per step)."""
    check_feasible(p, total, unit, fmt)
    fmt = fmt or (lambda v: f"{v:.4g} {unit}")
    x = p.old.copy()
    path: list[np.ndarray] = []
    ms = np.inf if max_shift is None else float(max_shift)
    for step in range(1, max_steps + 1):
        lo = np.maximum(0.0, x - ms)
        lo = np.where(p.favour, np.maximum(lo, p.old), lo)
        hi = np.minimum(p.cap, x + ms)
        hi = np.where(p.avoid, np.maximum(0.0, x - ms), hi)
        hi = np.maximum(hi, np.where(p.avoid, 0.0, lo))
        if hi.sum() < 1 - TOL:
            shed = float((x - hi)[p.avoid].sum())
            absorb = float((hi - x)[~p.avoid].clip(min=0).sum())
            raise InfeasibleError(
                f"max_shift: at step {step} the avoided suppliers must shed {fmt(shed * total)} but the others "
                f"can absorb only {fmt(absorb * total)} within max_shift {max_shift:g} and their capacity; "
                "raise --max-shift", binding=["max_shift", "capacity"])
        new = solve_qp(p.risk, lo, hi)
        moved = float(np.abs(new - x).max())
        path.append(new)
        x = new
        if max_shift is None:
            break
        if moved < 1e-10 and not np.any(x[p.avoid] > 1e-12):
            path.pop()  # the last step changed nothing
            break
    return x, path


def risk_score(shares: np.ndarray, risk: np.ndarray) -> float:
    """Σ r_s x_s² — the objective."""
    return weighted_hhi(shares, risk)


# --------------------------------------------------------------------------------------------------
# the public method
# --------------------------------------------------------------------------------------------------
def _codes(values: Iterable[str] | str | None, year: int) -> set[str]:
    """Resolve avoid/favour entries (ISO3, names or blocs) to a set of ISO3 codes."""
    from samarkand import economies

    if values is None:
        return set()
    if isinstance(values, str):
        values = [v for v in values.split(",") if v.strip()]
    out: set[str] = set()
    for v in values:
        out |= set(economies.members(economies.resolve(v), year))
    return out


def _risk_for(reporter: str, suppliers: list[str], year: int, risk: Mapping[str, float] | None,
              objective: str, risk_weights: Mapping[str, float] | None) -> tuple[dict[str, float], dict, list[str]]:
    """Risk weights per supplier and where they came from; notes name suppliers given a default."""
    notes: list[str] = []
    if objective == "hhi":
        return {s: 1.0 for s in suppliers}, {"risk": "none (objective hhi: every r_s = 1)"}, notes
    prov: dict = {}
    if risk is None:
        try:
            from samarkand.methods.risk import supplier_risk
        except ModuleNotFoundError as exc:
            raise InputError("risk scores are not available (samarkand.methods.risk is missing); pass "
                             "risk={ISO3: weight} or use objective='hhi'") from exc
        table = supplier_risk(reporter, int(year), suppliers, dict(risk_weights) if risk_weights else None)
        floor = RISK_FLOOR
        low = table.loc[table["risk"] < floor, "supplier"].tolist()
        if low:
            notes.append(f"risk below {floor} raised to {floor} (keeps the QP strictly convex): {', '.join(low)}")
        risk = dict(zip(table["supplier"], table["risk"].astype(float).clip(lower=floor)))
        miss = table.loc[table["missing"] != "", "supplier"].tolist()
        if miss:
            notes.append(f"risk index missing for {', '.join(miss[:12])}{' …' if len(miss) > 12 else ''}: "
                         "the missing component counts as maximum risk (1)")
        prov = {"risk": "samarkand.methods.risk.supplier_risk: (w_g·governance + w_d·distance)/(w_g+w_d)",
                "risk_provenance": table.attrs.get("provenance", {}),
                "_components": table.set_index("supplier")[["governance_risk", "distance_risk"]]}
    else:
        prov = {"risk": "given by the caller"}
    known = {s: float(v) for s, v in risk.items() if v is not None and np.isfinite(v)}
    bad = [s for s, v in known.items() if v <= 0]
    if bad:
        raise InputError(f"risk weights must be > 0; got {', '.join(f'{s}={known[s]}' for s in bad)}")
    missing = [s for s in suppliers if s not in known]
    fill = max(known.values()) if known else 1.0
    if missing:
        notes.append(f"no risk score for {', '.join(missing[:12])}{' …' if len(missing) > 12 else ''}: "
                     f"given the highest known score ({fill:.3g}), a conservative default")
    return {s: known.get(s, fill) for s in suppliers}, prov, notes


def rebalance(reporter: str, product: str | None = None, year: int | None = None, *,
              avoid: Iterable[str] | str = (), favour: Iterable[str] | str = (),
              objective: Objective = "risk_hhi", max_shift: float | None = None, growth: float = 0.0,
              keep_buying: float = 1.0, favour_discount: float = 0.5,
              risk: Mapping[str, float] | None = None, risk_weights: Mapping[str, float] | None = None,
              material: str | None = None, stage: str | None = None,
              flows: Flows | pd.DataFrame | None = None, dataset: str | None = None) -> Result:
    """Re-allocate ``reporter``'s imports of ``product`` (HS6) — or of a CRM-study ``material`` — across
    suppliers to minimise Σ r_s·share_s² within capacity.  See the module docstring for the problem.

    avoid: economies (ISO3, names, blocs) whose share goes to 0 (by at most ``max_shift`` per step).
    favour: economies whose share never falls below today's and whose risk weight is multiplied by
    ``favour_discount`` (default 0.5; 1 = floor only).
    max_shift: largest change of any supplier's share per step (None = no limit, one step).
    growth: allowance on each supplier's world exports (0.1 = +10 %).
    keep_buying: share of a supplier's third-country sales that stays with those buyers (default 1).
    Returns a Result: one row per supplier (old/new share and value, capacity, risk, why) and extras
    ``summary`` (old/new HHI and risk score, value moved, steps) and ``steps`` (the path).
    Raises InfeasibleError naming the binding constraint.
    """
    from samarkand import economies

    _check_parameters(objective, max_shift, growth, keep_buying, favour_discount)
    rep = economies.resolve(reporter)
    if material is not None:
        return _rebalance_material(rep, material, stage, avoid=avoid, favour=favour, objective=objective,
                                   max_shift=max_shift, growth=growth, favour_discount=favour_discount,
                                   risk=risk, risk_weights=risk_weights, year=year)
    if product is None:
        raise InputError("give a product (HS6 code) or material=")
    from samarkand import products
    from samarkand.store import open_flows

    hs6 = products.check_code(product, revisions=None)
    fl = open_flows(dataset, flows=flows)
    year = fl.latest_year() if year is None else int(year)
    fl.require_year(year)
    members = sorted(economies.members(rep, int(year)))
    exp = _suppliers(fl, hs6, year, members)
    total = float(exp["to_reporter_usd"].sum())
    if total <= 0:
        raise InputError(f"{rep} imported no {hs6} from outside in {year} (dataset '{fl.info.name}'): "
                         "nothing to rebalance")
    avoid_set = _codes(avoid, int(year))
    favour_set = _codes(favour, int(year))
    inside = sorted(set(members) & avoid_set)
    if inside:
        who = f"the reporter {rep}" if inside == members else f"{', '.join(inside)}, part of the reporter {rep}"
        raise InputError(f"avoid lists {who}: rebalancing covers imports from outside {rep} only")
    clash = avoid_set & favour_set
    if clash:
        raise InputError(f"{', '.join(sorted(clash))} is both avoided and favoured")
    sup = exp["exporter"].tolist()
    X = exp["world_exports_usd"].to_numpy(float)
    v = exp["to_reporter_usd"].to_numpy(float)
    cap_usd = X * (1 + growth) - keep_buying * (X - v)
    r_map, rprov, notes = _risk_for(rep, sup, int(year), risk, objective, risk_weights)
    comps = rprov.pop("_components", None)
    fav = np.array([s in favour_set for s in sup])
    av = np.array([s in avoid_set for s in sup])
    r = np.array([r_map[s] for s in sup]) * np.where(fav, favour_discount, 1.0)
    prob = Problem(sup, v / total, cap_usd / total, r, av, fav)
    unknown_avoid = sorted(avoid_set - set(sup))
    if unknown_avoid and len(unknown_avoid) <= 10:
        notes.append(f"avoided but not exporting {hs6} in {year}: {', '.join(unknown_avoid)}")
    new, path = optimise(prob, max_shift=max_shift, total=total, unit="USD", fmt=lambda v: money(v, k_decimals=1))
    table = _table(prob, new, total, cap_usd, X, max_shift, unit_value=True)
    table = _with_components(table, comps)
    table.insert(0, "hs6", hs6)
    desc = products.describe(hs6)
    summary, steps = _summary(prob, new, path, total, value_unit="usd")
    notes += _constraint_notes(table)
    prov = {**fl.provenance([int(year)]),
            "reporter": rep, "product": hs6, "description": desc, "year": int(year),
            "method": "minimise Σ r_s·x_s² s.t. Σx=1, x_s ≤ cap_s/T, |Δx_s| ≤ max_shift per step, avoid→0, "
                      "favour floor; KKT multiplier solved with scipy.optimize.brentq",
            "objective": objective, "capacity": "cap_s = X_s·(1+growth) − keep_buying·(X_s − v_s), "
                                                "X_s = supplier's world exports (value, USD)",
            "parameters": {"avoid": sorted(avoid_set & set(sup)) or sorted(avoid_set),
                           "favour": sorted(favour_set), "max_shift": max_shift, "growth": growth,
                           "keep_buying": keep_buying, "favour_discount": favour_discount},
            **rprov}
    if len(members) > 1:
        notes.append(f"{rep} imports are extra-{rep}: flows between its {len(members)} members are excluded")
    return Result(table=table, provenance=prov, extras={"summary": summary, "steps": steps}, notes=notes)


def _check_parameters(objective: str, max_shift: float | None, growth: float, keep_buying: float,
                      favour_discount: float) -> None:
    check_option("objective", objective, Objective)
    if max_shift is not None and not (0 < float(max_shift) <= 1):
        raise InputError(f"max_shift must be in (0, 1], got {max_shift}")
    if growth < 0:
        raise InputError(f"growth must be ≥ 0, got {growth}")
    if not (0 <= keep_buying <= 1):
        raise InputError(f"keep_buying must be in [0, 1], got {keep_buying}")
    if not (0 < favour_discount <= 1):
        raise InputError(f"favour_discount must be in (0, 1], got {favour_discount}")


def _suppliers(fl: Flows, hs6: str, year: int, members: list[str]) -> pd.DataFrame:
    """Each outside exporter of ``hs6``: world exports and exports to the reporter's members (USD).

    No exporter at all: InputError saying whether the code exists and how many codes the dataset holds.
    """
    from samarkand import products

    exp = fl.query(
        "SELECT exporter, sum(value_usd) AS world_exports_usd, "
        "sum(CASE WHEN list_contains(?::VARCHAR[], importer) THEN value_usd ELSE 0 END) AS to_reporter_usd "
        "FROM flows WHERE year = ? AND hs6 = ? AND NOT list_contains(?::VARCHAR[], exporter) "
        "GROUP BY exporter HAVING sum(value_usd) > 0 ORDER BY exporter",
        [members, int(year), hs6, members])
    if exp.empty:
        products.check_code(hs6)  # raises when the code exists in no revision, naming close codes
        n = fl.query("SELECT count(DISTINCT hs6) AS n FROM flows WHERE year = ?", [int(year)])["n"].iloc[0]
        hint = products.describe(hs6)
        raise InputError(f"product {hs6}{' (' + hint + ')' if hint else ''} has no flows in {year} in dataset "
                         f"'{fl.info.name}' ({n} HS6 codes that year); check the code or import a dataset "
                         "that covers it")
    return exp


def _table(p: Problem, new: np.ndarray, total: float, cap_abs: np.ndarray, world: np.ndarray | None,
           max_shift: float | None, *, unit_value: bool) -> pd.DataFrame:
    from samarkand import economies

    rows = []
    for i, s in enumerate(p.suppliers):
        old_s, new_s = float(p.old[i]), float(new[i])
        binds = []
        if p.avoid[i]:
            binds.append("avoid")
        if not p.avoid[i] and np.isfinite(p.cap[i]) and new_s >= p.cap[i] - 1e-9 and new_s > 1e-12:
            binds.append("capacity")
        if p.favour[i] and abs(new_s - old_s) <= 1e-9:
            binds.append("favour floor")
        if max_shift is not None and abs(abs(new_s - old_s) - max_shift) <= 1e-9:
            binds.append("max_shift")
        role = "avoid" if p.avoid[i] else ("favour" if p.favour[i] else "")
        change = new_s - old_s
        why = (f"{'avoided: ' if p.avoid[i] else ''}{'favoured: ' if p.favour[i] else ''}"
               f"share {old_s:.1%} → {new_s:.1%}; risk weight {p.risk[i]:.3g}"
               + (f"; capacity {cap_abs[i]:,.0f}" + (" USD" if unit_value else " share of EU sourcing")
                  if np.isfinite(cap_abs[i]) else "")
               + (f"; bound by {', '.join(binds)}" if binds else ""))
        rows.append({"supplier": s, "name": economies.country_name(s) if len(s) == 3 else s, "role": role,
                     "old_share": old_s, "new_share": new_s, "change": change,
                     "old_value": old_s * total, "new_value": new_s * total,
                     "capacity": float(cap_abs[i]),
                     **({"world_exports": float(world[i])} if world is not None else {}),
                     "risk": float(p.risk[i]), "binding": ", ".join(binds), "why": why})
    df = pd.DataFrame(rows)
    if unit_value:
        df = df.rename(columns={"old_value": "old_value_usd", "new_value": "new_value_usd",
                                "capacity": "capacity_usd", "world_exports": "world_exports_usd"})
    keep = (df["old_share"] > 1e-12) | (df["new_share"] > 1e-12)
    return df[keep].sort_values(["new_share", "old_share"], ascending=False).reset_index(drop=True)


def _with_components(table: pd.DataFrame, comps: pd.DataFrame | None) -> pd.DataFrame:
    """Put the governance and distance components of supplier_risk next to the risk column."""
    if comps is None:
        return table
    at = table.columns.get_loc("risk") + 1
    for i, c in enumerate(["governance_risk", "distance_risk"]):
        table.insert(at + i, c, table["supplier"].map(comps[c]))
    return table


def _summary(p: Problem, new: np.ndarray, path: list[np.ndarray], total: float,
             value_unit: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    moved = float(np.abs(new - p.old).sum() / 2)
    summ = pd.DataFrame([
        {"indicator": "hhi_old", "value": hhi(p.old, normalise=False), "definition": "Σ old_share²"},
        {"indicator": "hhi_new", "value": hhi(new, normalise=False), "definition": "Σ new_share²"},
        {"indicator": "risk_score_old", "value": risk_score(p.old, p.risk), "definition": "Σ r_s·old_share²"},
        {"indicator": "risk_score_new", "value": risk_score(new, p.risk), "definition": "Σ r_s·new_share²"},
        {"indicator": "share_moved", "value": moved, "definition": "Σ|new − old| / 2"},
        {"indicator": f"value_moved_{value_unit}", "value": moved * total,
         "definition": "share_moved × total imports"},
        {"indicator": f"total_{value_unit}", "value": total, "definition": "total imports (unchanged)"},
        {"indicator": "steps", "value": float(len(path)), "definition": "QP steps of at most max_shift"},
    ])
    prev = p.old
    srows = []
    for k, x in enumerate(path, 1):
        srows.append({"step": k, "hhi": hhi(x, normalise=False), "risk_score": risk_score(x, p.risk),
                      "share_moved": float(np.abs(x - prev).sum() / 2),
                      "avoided_share": float(x[p.avoid].sum())})
        prev = x
    return summ, pd.DataFrame(srows)


def _constraint_notes(table: pd.DataFrame) -> list[str]:
    capped = table.loc[table["binding"].str.contains("capacity"), "supplier"].tolist()
    if not capped:
        return []
    more = f" and {len(capped) - 12} more" if len(capped) > 12 else ""
    return [f"at capacity ({len(capped)} suppliers): {', '.join(capped[:12])}{more}"]


# --------------------------------------------------------------------------------------------------
# material level (EU CRM study)
# --------------------------------------------------------------------------------------------------
def _material_key(material: str, names: list[str]) -> str:
    import difflib

    low = {n.lower(): n for n in names}
    key = material.strip().lower()
    if key in low:
        return low[key]
    close = difflib.get_close_matches(key, list(low), n=3, cutoff=0.6)
    raise InputError(f"unknown material '{material}' in the EU CRM study 2023"
                     + (f"; did you mean {', '.join(low[c] for c in close)}?" if close else
                        f"; materials: {', '.join(sorted(names)[:40])} …"))


def _material_stage(eu: pd.DataFrame, gl: pd.DataFrame, material: str, stage: str | None) -> tuple[str, str]:
    """The study's name of ``material`` and the stage to use (the only one with EU sourcing shares, or the one
    given); InputError when the study has no EU sourcing shares for it."""
    gl_names = {m.lower(): m for m in gl["material"].unique()}
    eu_names = {m.lower() for m in eu["material"].unique()}
    if material.strip().lower() in gl_names and material.strip().lower() not in eu_names:
        raise InputError(f"the CRM study gives global supply shares for {gl_names[material.strip().lower()]} but no "
                         "shares of EU sourcing (it reports some materials only as a group, e.g. PGM, HREE, LREE)")
    mat = _material_key(material, sorted(set(eu["material"])))
    stages = sorted(eu.loc[eu["material"] == mat, "stage"].unique())
    if stage is None:
        if len(stages) > 1:
            raise InputError(f"{mat} has EU sourcing shares for stages {', '.join(stages)}: give stage= "
                             "(E extraction, P processing)")
        stage = stages[0]
    stage = stage.strip().upper()
    if stage not in stages:
        raise InputError(f"{mat} has no EU sourcing shares at stage '{stage}'; stages: {', '.join(stages)}")
    return mat, stage


def _rebalance_material(rep: str, material: str, stage: str | None, *, avoid, favour, objective, max_shift,
                        growth, favour_discount, risk, risk_weights, year):
    """Material level on the EU CRM study 2023 (EU only).

    x⁰ = the study's shares of EU sourcing for the material and stage (listed from 1 %; the unlisted remainder
    is one fixed block 'OTHER').  The study gives no volumes, so capacity is a share bound: a country's share
    of EU sourcing may rise to ``max(its EU share, its share of global supply × (1 + growth))`` — what it
    would have if the EU bought in proportion to world supply.  Total = 1 (EU sourcing).
    """
    from samarkand import economies
    from samarkand.methods.partnership import STUDY_YEAR, crm_tables
    if not economies.is_eu(rep):
        raise InputError(f"material level uses the EU CRM study's shares of EU sourcing; reporter must be EU27, "
                         f"not {rep}")
    eu, gl, crm_prov = crm_tables()
    mat, stage = _material_stage(eu, gl, material, stage)
    year = 2023 if year is None else int(year)
    e = eu[(eu["material"] == mat) & (eu["stage"] == stage)].groupby("iso3")["share"].sum()
    g = gl[(gl["material"] == mat) & (gl["stage"] == stage)].groupby("iso3")["share"].sum()
    notes: list[str] = []
    listed = float(e.sum())
    if listed > 1:
        notes.append(f"listed EU sourcing shares sum to {listed:.3f} (rounding in the study): rescaled to 1")
        e = e / listed
        listed = 1.0
    sup = sorted(set(e.index) | set(g.index))
    old = np.array([float(e.get(s, 0.0)) for s in sup])
    cap = np.array([max(float(e.get(s, 0.0)), float(g.get(s, 0.0)) * (1 + growth)) for s in sup])
    other = 1.0 - listed
    avoid_set, favour_set = _codes(avoid, year), _codes(favour, year)
    clash = avoid_set & favour_set
    if clash:
        raise InputError(f"{', '.join(sorted(clash))} is both avoided and favoured")
    r_map, rprov, rnotes = _risk_for(rep, sup, year, risk, objective, risk_weights)
    comps = rprov.pop("_components", None)
    notes += rnotes
    av = np.array([s in avoid_set for s in sup])
    fav = np.array([s in favour_set for s in sup])
    r = np.array([r_map[s] for s in sup]) * np.where(fav, favour_discount, 1.0)
    if other > 1e-9:
        # the unlisted remainder (suppliers under 1 % each) stays as it is: fixed share, capacity = share
        sup = sup + ["OTHER"]
        old = np.append(old, other)
        cap = np.append(cap, other)
        r = np.append(r, float(np.median(r)) if len(r) else 1.0)
        av = np.append(av, False)
        fav = np.append(fav, True)
        notes.append(f"OTHER = the {other:.1%} of EU sourcing in suppliers under the study's 1 % listing floor; "
                     "held fixed")
    prob = Problem(sup, old, cap, r, av, fav)
    new, path = optimise(prob, max_shift=max_shift, total=1.0, unit="of EU sourcing",
                         fmt=lambda v: f"{v:.1%} of EU sourcing")
    table = _table(prob, new, 1.0, cap, None, max_shift, unit_value=False)
    table = _with_components(table, comps)
    table = table.drop(columns=["old_value", "new_value"]).rename(columns={"capacity": "capacity_share"})
    is_other = table["supplier"] == "OTHER"
    table.loc[is_other, ["role", "binding", "name"]] = ["fixed", "fixed", "suppliers under 1 % each (unlisted)"]
    table.insert(0, "stage", stage)
    table.insert(0, "material", mat)
    summary, steps = _summary(prob, new, path, 1.0, value_unit="share")
    prov = {"crm_study": crm_prov, "reporter": rep, "material": mat, "stage": stage, "risk_year": year,
            "source": crm_prov.get("source"), "dataset": ", ".join(crm_prov["tables"]), "years": [STUDY_YEAR],
            "method": "minimise Σ r_s·x_s² over shares of EU sourcing; Σx=1, x_s ≤ max(EU share, global share·"
                      "(1+growth)), |Δx_s| ≤ max_shift per step, avoid→0, favour floor; scipy.optimize.brentq",
            "capacity": "share bound from the study's global supply shares (no volumes in the study)",
            "objective": objective,
            "parameters": {"avoid": sorted(avoid_set), "favour": sorted(favour_set), "max_shift": max_shift,
                           "growth": growth, "favour_discount": favour_discount}, **rprov}
    return Result(table=table, provenance=prov, extras={"summary": summary, "steps": steps},
                  notes=notes + _constraint_notes(table))
