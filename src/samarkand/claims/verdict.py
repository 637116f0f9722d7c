"""Verdicts, with stated tolerances.

For a share s claimed against a figure a (both fractions), with d = s − a and b = min(a, 1 − a):

- ``supported``  |d| ≤ max(3 points, 10 % of b)
- ``roughly``    |d| ≤ max(7 points, 25 % of b)
- ``overstated`` / ``understated`` otherwise (d > 0 / d < 0).

b is the smaller of the share and its complement, so that "98 %" against 85 % is not close (2 % against 15 %
from everyone else).  "most" means > 50 % (``roughly`` from 45 %); "almost all" ≥ 90 % (``roughly`` from 80 %);
"more than N %" is supported when a ≥ N − 1 point; "less than N %" when a ≤ N + 1 point.
A rank is supported when it is exact; a claimed rank better than the real one is overstated.
A change (ratio new/old, "fell by half" = 0.5) is supported within ±10 % of the actual ratio, roughly within
±25 %; otherwise overstated when the claimed change is larger than the real one.

Then, for the whole claim: the measure the wording names (or, when it names none, the most likely reading) is
graded first; ``other-measure`` when it fails but another reading is supported; ``outdated`` when it is not
supported for the latest year but was in an earlier year the data cover and the claim names no year;
``not-checkable`` when no figure from a named source answers the measure.  A company is checked on its country's
figures, so a match is at best ``other-measure``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from samarkand.claims.evidence import Evidence
from samarkand.claims.parse import Assertion, Claim

Verdict = Literal["supported", "roughly", "overstated", "understated", "other-measure", "outdated", "not-checkable"]
VERDICTS: tuple[str, ...] = get_args(Verdict)
TOLERANCES = {
    "supported": "|claimed − figure| ≤ max(3 points, 10 % of min(figure, 1 − figure))",
    "roughly": "|claimed − figure| ≤ max(7 points, 25 % of min(figure, 1 − figure))",
    "most": "figure > 50 % (roughly from 45 %)", "almost all": "figure ≥ 90 % (roughly from 80 %)",
    "more/less than N": "figure within 1 point of the bound or beyond it",
    "rank": "exact", "change": "ratio within ±10 % (roughly ±25 %) of the actual ratio new/old",
    "outdated": "supported in an earlier year, not in the latest, and the claim names no year",
}
SUPPORTED_POINTS, SUPPORTED_REL = 0.03, 0.10
ROUGHLY_POINTS, ROUGHLY_REL = 0.07, 0.25
BOUND_SLACK = 0.01
GOOD = ("supported", "roughly")


@dataclass(frozen=True)
class Graded:
    """One evidence figure graded against one assertion."""

    evidence: Evidence
    year: int | None
    figure: float | None
    grade: str            # supported | roughly | overstated | understated | no-figure
    note: str = ""


@dataclass(frozen=True)
class Decision:
    """The verdict for one assertion: the figure graded first, a supported other reading, an earlier supported
    year, and every graded figure."""

    verdict: str
    primary: Graded | None
    alternative: Graded | None
    earlier: Graded | None
    graded: tuple[Graded, ...]


def grade_share(claimed: float, comparator: str, actual: float) -> str:
    """The share verdict for one figure (see the module docstring for the tolerances)."""
    if comparator == ">":
        if claimed == 0.9 and actual < 0.9:
            return "roughly" if actual >= 0.8 else "overstated"
        if claimed == 0.5 and actual <= 0.5:
            return "roughly" if actual >= 0.45 else "overstated"
        if actual >= claimed - BOUND_SLACK:
            return "supported"
        return "roughly" if claimed - actual <= ROUGHLY_POINTS else "overstated"
    if comparator == "<":
        if actual <= claimed + BOUND_SLACK:
            return "supported"
        return "roughly" if actual - claimed <= ROUGHLY_POINTS else "understated"
    d = claimed - actual
    b = min(actual, 1 - actual)
    if abs(d) <= max(SUPPORTED_POINTS, SUPPORTED_REL * b) + 1e-12:
        return "supported"
    if abs(d) <= max(ROUGHLY_POINTS, ROUGHLY_REL * b) + 1e-12:
        return "roughly"
    return "overstated" if d > 0 else "understated"


def grade_rank(claimed: int, actual: int | None) -> str:
    """The rank verdict: supported when exact, overstated when the claimed rank is better than the real one."""
    if actual is None:
        return "overstated"
    if claimed == actual:
        return "supported"
    return "overstated" if claimed < actual else "understated"


def grade_change(claimed: float, actual: float) -> str:
    """The change verdict on ratios new/old: supported within ±10 % of the actual ratio, roughly within ±25 %."""
    if actual <= 0:
        return "overstated"
    r = claimed / actual
    if abs(r - 1) <= 0.10:
        return "supported"
    if abs(r - 1) <= 0.25:
        return "roughly"
    wrong_direction = (claimed - 1) * (actual - 1) < 0
    return "overstated" if wrong_direction or abs(claimed - 1) > abs(actual - 1) else "understated"


def _target_year(ev: Evidence, claim: Claim) -> int | None:
    ys = sorted(ev.by_year)
    if not ys:
        return None
    if claim.year is not None and claim.year in ev.by_year:
        return claim.year
    return ys[-1]


def grade(ev: Evidence, a: Assertion, claim: Claim, year: int | None = None) -> Graded:
    """Grade one evidence figure against one assertion, for ``year`` (default: the claim's or the latest)."""
    y = year if year is not None else _target_year(ev, claim)
    row = ev.by_year.get(y) if y is not None else None
    if y is None or row is None:
        return Graded(ev, y, None, "no-figure")
    note = ""
    if claim.year is not None and y != claim.year and ev.period is None:
        note = f"no figure for {claim.year} in the data: {y} shown"
    if a.kind == "share":
        share = row["share"]
        if share is None:
            return Graded(ev, y, None, "no-figure", f"no share for {y}")
        return Graded(ev, y, float(share), grade_share(a.value, a.comparator, float(share)), note)
    if a.kind == "rank":
        rank = None if row["rank"] is None else int(row["rank"])
        return Graded(ev, y, rank, grade_rank(int(a.value), rank), note)
    return _grade_change(ev, a, claim, y)


def _grade_change(ev: Evidence, a: Assertion, claim: Claim, y: int) -> Graded:
    key = "share" if claim.change_of == "share" else "value"
    base = claim.base_year if claim.base_year is not None else y - 1
    old, new = ev.by_year.get(base, {}).get(key), ev.by_year.get(y, {}).get(key)
    if old is None or old == 0 or new is None:
        return Graded(ev, y, None, "no-figure", f"no {key} for {base} and {y}")
    ratio = float(new) / float(old)
    note = f"{key} {y}/{base}" + ("" if claim.base_year is not None else " (no base year named: previous year)")
    return Graded(ev, y, ratio, grade_change(a.value, ratio), note)


def _closest(gs: list[Graded], claimed: float) -> Graded | None:
    """The best-graded figure; among equals, the one nearest the claimed value."""
    rank = {"supported": 0, "roughly": 1, "overstated": 2, "understated": 2}
    cands = [g for g in gs if g.grade in rank]
    return min(cands, key=lambda g: (rank[g.grade], abs((g.figure or 0) - claimed))) if cands else None


def decide(claim: Claim, a: Assertion, evidence: list[Evidence]) -> Decision:
    """The verdict for one assertion, from every reading's evidence."""
    relevant = [e for e in evidence if a.kind != "change" or any(v.get("value") for v in e.by_year.values())]
    graded = [grade(e, a, claim) for e in relevant]
    named = claim.named_measure
    primary_measure = named if named else next((g.evidence.measure for g in graded if g.figure is not None), None)
    primary = _closest([g for g in graded if g.evidence.measure == primary_measure], a.value)
    others = _closest([g for g in graded if g.evidence.measure != primary_measure and g.grade == "supported"],
                      a.value)
    if claim.supplier is None or primary is None:
        alt = others if named else None
        return Decision("other-measure" if alt is not None else "not-checkable", None, alt, None, tuple(graded))
    if claim.company and primary.grade in GOOD:
        return Decision("other-measure", primary, None, None, tuple(graded))
    if primary.grade == "supported":
        return Decision("supported", primary, None, None, tuple(graded))
    if others is not None and primary.grade != "roughly":
        return Decision("other-measure", primary, others, None, tuple(graded))
    earlier = _earlier(primary.evidence, a, claim) if claim.year is None else None
    if earlier is not None:
        return Decision("outdated", primary, None, earlier, tuple(graded))
    return Decision(primary.grade, primary, None, None, tuple(graded))


def _earlier(ev: Evidence, a: Assertion, claim: Claim) -> Graded | None:
    """The most recent earlier year in which the claim was supported on the same reading."""
    latest = max(ev.by_year)
    for y in sorted(ev.by_year, reverse=True):
        if y == latest:
            continue
        g = grade(ev, a, claim, year=y)
        if g.grade == "supported":
            return g
    return None


def combine(verdicts: list[str]) -> str:
    """One verdict for a claim with several assertions: the least favourable among those that could be checked."""
    order = ["overstated", "understated", "other-measure", "outdated", "roughly", "supported"]
    checked = [v for v in verdicts if v != "not-checkable"]
    if not checked:
        return "not-checkable"
    return min(checked, key=order.index)
