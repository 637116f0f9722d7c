"""`samarkand rebalance REPORTER PRODUCT --year Y`: re-source imports within capacity (scipy QP)."""
from __future__ import annotations

from typing import Optional

import typer

from samarkand.cli.common import parse_list
from samarkand.cli.output import Format, emit
from samarkand.errors import InputError
from samarkand.options import check_option

TABLE_COLUMNS = ["supplier", "name", "role", "old_share", "new_share", "old_value_usd", "new_value_usd",
                 "capacity_usd", "risk", "binding"]
MATERIAL_COLUMNS = ["supplier", "name", "role", "old_share", "new_share", "capacity", "risk", "binding"]
SHOWN_ROWS = 25


def rebalance_cmd(
    reporter: str = typer.Argument(..., help="importer: ISO3, name or bloc (EU27 ...)"),
    product: Optional[str] = typer.Argument(None, help="HS6 code (e.g. 810411); omit with --material"),
    year: Optional[int] = typer.Option(None, "--year", "-y", help="year (default: latest in the dataset)"),
    avoid: Optional[str] = typer.Option(None, "--avoid", help="suppliers to phase out, e.g. RUS,CHN (blocs allowed)"),
    favour: Optional[str] = typer.Option(None, "--favour", help="suppliers to favour, e.g. KAZ: never below "
                                                                "today's share, risk weight × --favour-discount"),
    max_shift: Optional[float] = typer.Option(None, "--max-shift",
                                              help="largest change of one supplier's share per step (0–1)"),
    growth: float = typer.Option(0.0, "--growth", help="allowance on suppliers' world exports (0.1 = +10 %)"),
    keep_buying: float = typer.Option(1.0, "--keep-buying",
                                      help="share of suppliers' third-country sales that stays with those buyers"),
    favour_discount: float = typer.Option(0.5, "--favour-discount", help="risk multiplier for favoured suppliers"),
    objective: str = typer.Option("risk_hhi", "--objective", help="risk_hhi (Σ risk·share²) | hhi (Σ share²)"),
    w_gov: Optional[float] = typer.Option(None, "--w-governance", help="risk weight of governance (WGI)"),
    w_dist: Optional[float] = typer.Option(None, "--w-distance", help="risk weight of geopolitical distance"),
    material: Optional[str] = typer.Option(None, "--material", help="a CRM-study material instead of an HS6 code"),
    stage: Optional[str] = typer.Option(None, "--stage", help="with --material: E (extraction) or P (processing)"),
    all_rows: bool = typer.Option(False, "--all", help="every supplier, not only the first 25"),
    dataset: Optional[str] = typer.Option(None, "--dataset", help="dataset in the store"),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table | csv | json"),
) -> None:
    """Re-allocate REPORTER's imports of PRODUCT (or --material) to minimise risk-weighted concentration
    within suppliers' capacity; infeasible plans name the binding constraint."""
    from samarkand.methods.rebalance import Objective, rebalance

    goal: Objective = check_option("--objective", objective, Objective)
    if product is None and material is None:
        raise InputError("give a PRODUCT (HS6 code) or --material NAME")
    if product is not None and material is not None:
        raise InputError("give either a PRODUCT or --material, not both")
    weights = None
    if w_gov is not None or w_dist is not None:
        weights = {"governance": 0.5 if w_gov is None else w_gov, "distance": 0.5 if w_dist is None else w_dist}
    res = rebalance(reporter, product, year, avoid=parse_list(avoid), favour=parse_list(favour),
                    objective=goal, max_shift=max_shift, growth=growth, keep_buying=keep_buying,
                    favour_discount=favour_discount, risk_weights=weights, material=material, stage=stage,
                    dataset=dataset)
    if fmt is Format.table:
        shown = res.select(MATERIAL_COLUMNS if material else TABLE_COLUMNS)
        if not all_rows and len(shown.table) > SHOWN_ROWS:
            shown = shown.head(SHOWN_ROWS).with_notes(
                f"{len(res.table) - SHOWN_ROWS} more suppliers (use --all or --format csv)")
        emit(shown, fmt, title="Rebalanced sourcing")
        return
    emit(res, fmt)


def register(app: typer.Typer) -> None:
    """Add the command to the ``samarkand`` app."""
    app.command("rebalance")(rebalance_cmd)
