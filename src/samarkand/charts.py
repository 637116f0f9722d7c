"""``Result.plot()``: the chart the brief draws for a method's result, as a plotly figure (for notebooks).

A result is recognised by the columns its method documents; each chart is the brief's own
(:mod:`samarkand.brief.figures`), fed from the result's table and extras only — nothing is recomputed here.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from samarkand.errors import InputError


def supplier_split(screen: pd.DataFrame, leverage: pd.DataFrame | None) -> pd.DataFrame:
    """Long table (hs6, label, supplier, share) of each dependent product's suppliers, from a screen's output.

    Shares are the leverage table's ``supplier_share_of_reporter_imports`` when it is there, else the screen's
    top-3 string ('CHN 0.89; CHE 0.03'); products keep the screen's order.
    """
    dep = screen[screen["dependent"].astype(bool)]
    rows: list[tuple[str, str, float]] = []
    if leverage is not None and not leverage.empty:
        lev = leverage[leverage["hs6"].isin(set(dep["hs6"]))]
        rows = list(zip(lev["hs6"], lev["supplier"], lev["supplier_share_of_reporter_imports"]))
    else:
        for hs6, top3 in zip(dep["hs6"], dep["top3_suppliers"]):
            for part in str(top3).split(";"):
                if part.strip():
                    supplier, share = part.split()
                    rows.append((hs6, supplier, float(share)))
    d = pd.DataFrame(rows, columns=["hs6", "supplier", "share"])
    desc = dict(zip(dep["hs6"], dep["description"]))
    order = {h: i for i, h in enumerate(dep["hs6"])}
    d["label"] = d["hs6"].map(lambda h: f"{h} {str(desc.get(h, ''))[:28]}")
    d["_order"] = d["hs6"].map(order)
    return d.sort_values(["_order", "share"], ascending=[True, False]).drop(columns="_order")


def _dependencies(res: Any) -> Any:
    from samarkand.brief import figures as F

    p = res.provenance
    return F.stacked_shares(supplier_split(res.table, res.extras.get("leverage")), "label", "supplier", "share",
                            f"Supplier shares of {p.get('reporter', '')}'s dependent products, {p.get('year', '')}")


def _stress(res: Any) -> Any:
    from samarkand.brief import figures as F

    p = res.provenance
    t = res.table.head(15)
    return F.grouped_bars(t, "hs6", {"replacement_usd": "replaceable", "shortfall_usd": "shortfall"},
                          f"{p.get('reporter', '')}: {','.join(p.get('cut', []))} cut, by product", stacked=True,
                          horizontal=True, ytitle="USD")


def _cbam(res: Any) -> Any:
    from samarkand.brief import figures as F

    by_year = res.extras["by_year"]
    return F.grouped_bars(by_year.assign(year=by_year["year"].astype(str)), "year",
                          {"cost_low_eur": "low", "cost_eur": "central", "cost_high_eur": "high"},
                          "CBAM cost by year (EUR)", ytitle="EUR")


def _votes(res: Any) -> Any:
    from samarkand.brief import figures as F

    t = res.table
    t = t.assign(series=t["a"] + "–" + t["reference"])
    return F.lines(t, "first_year", "identical_share", "series", "Identical votes in the UN General Assembly",
                   yformat=".0%")


CHARTS: list[tuple[Callable[[Any], bool], Callable[[Any], Any]]] = [
    (lambda r: {"dependent", "top3_suppliers"} <= set(r.table.columns), _dependencies),
    (lambda r: {"shortfall_usd", "replacement_usd"} <= set(r.table.columns), _stress),
    (lambda r: "by_year" in r.extras and "cost_high_eur" in r.extras["by_year"].columns, _cbam),
    (lambda r: {"identical_share", "first_year", "reference"} <= set(r.table.columns), _votes),
]


def plot(result: Any) -> Any:
    """The brief's chart for ``result`` (a plotly Figure); InputError when the method has no natural chart."""
    for recognises, draw in CHARTS:
        if recognises(result):
            return draw(result)
    raise InputError("no chart for this result: plot the table yourself (result.table is a pandas DataFrame)")
