"""Figures shown on more than one surface (brief, dashboard overview, a pillar's page, the terminal), each from ONE
function, so the surfaces cannot disagree (issue 17: the overview named BRA the worst cut-off, ``/stress`` CHN,
because each ranked a different set of suppliers).

* :func:`cutoff_candidates` — whom to cut: the main suppliers of the reporter's dependent imports (the EC 2021
  screen's ``by_supplier``, first four), then CHN, RUS and USA; never a side of the pair; at most six.
* :func:`supplier_cutoffs` — each candidate cut off alone (:func:`samarkand.methods.stress.stress`), ranked by
  residual shortfall (largest first); the first row is the worst cut-off.
* :func:`dependent_count` — how many of the screened products are dependencies, and their extra-import value.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from samarkand.provenance import Result

MAIN_SUPPLIERS = 4
ALWAYS_TRIED = ("CHN", "RUS", "USA")
MAX_CANDIDATES = 6


def cutoff_candidates(reporter: str, year: int | None = None, *, flows: Any = None, dataset: str | None = None,
                      exclude: Sequence[str] = (), screen: Result | None = None) -> list[str]:
    """The suppliers :func:`supplier_cutoffs` cuts, in order (see the module docstring).

    ``screen``: the reporter's EC 2021 dependency screen for ``year`` when already computed (same figures).
    """
    from samarkand.methods.dependencies import dependencies

    if screen is None:
        screen = dependencies(reporter, year, flows=flows, dataset=dataset)
    by = screen.extras.get("by_supplier")
    out = [str(s) for s in by["supplier"].head(MAIN_SUPPLIERS)] if by is not None else []
    out += [s for s in ALWAYS_TRIED if s not in out]
    return [s for s in out if s not in (reporter, *exclude)][:MAX_CANDIDATES]


def supplier_cutoffs(reporter: str, year: int | None = None, *, flows: Any = None, dataset: str | None = None,
                     exclude: Sequence[str] = (), share_cut: float = 1.0, diversion: float | None = None,
                     domain: str | None = None, screen: Result | None = None) -> Result:
    """Each candidate supplier cut off alone, ranked by shortfall (USD): one row per cut with the stress totals.

    Table: cut, then :func:`samarkand.methods.stress.stress`'s ``totals`` columns; extras ``worst_products``: the
    worst cut's per-product table.  Formula: that of :mod:`samarkand.methods.stress`, run once per candidate.
    """
    from samarkand.methods.stress import stress

    cands = cutoff_candidates(reporter, year, flows=flows, dataset=dataset, exclude=exclude, screen=screen)
    kw: dict[str, Any] = {"share_cut": share_cut, "domain": domain}
    if diversion is not None:
        kw["diversion"] = diversion
    rows: list[dict[str, Any]] = []
    tables: dict[str, Any] = {}
    prov: dict[str, Any] = {}
    for c in cands:
        r = stress(reporter, cut=[c], year=year, flows=flows, dataset=dataset, **kw)
        rows.append({"cut": c, **r.extras["totals"].iloc[0].to_dict()})
        tables[c] = r.table
        prov = prov or dict(r.provenance)
    table = pd.DataFrame(rows).sort_values("shortfall_usd", ascending=False, kind="stable", ignore_index=True)
    prov.update({"method": "samarkand supplier cut-offs: each candidate cut alone with the stress test, ranked by "
                           "residual shortfall", "cut": ", ".join(cands) + " (one at a time)",
                 "candidates": f"main suppliers of dependent imports (first {MAIN_SUPPLIERS}), then "
                               f"{', '.join(ALWAYS_TRIED)}; excluded: {', '.join(exclude) or 'none'}"})
    worst = tables[table.iloc[0]["cut"]] if len(table) else pd.DataFrame()
    return Result(table, provenance=prov, extras={"worst_products": worst})


def worst_cutoff(cutoffs: Result) -> str | None:
    """The worst single cut-off of :func:`supplier_cutoffs` (its first row), or None when nothing was cut."""
    t = cutoffs.table
    return None if t.empty else str(t.iloc[0]["cut"])


def dependent_count(screen: Result) -> tuple[int, int, float]:
    """(dependent products, products screened, their extra imports in USD) of a dependency screen."""
    t = screen.table
    dep = t[t["dependent"].astype(bool)]
    return len(dep), len(t), float(dep["extra_imports_usd"].sum())


__all__ = ["cutoff_candidates", "dependent_count", "supplier_cutoffs", "worst_cutoff"]
