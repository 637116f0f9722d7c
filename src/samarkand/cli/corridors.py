"""`samarkand corridors --commodity crude --close-transit RUS`: max-flow of Kazakhstan's exports on its corridors."""
from __future__ import annotations

from typing import Optional

import pandas as pd
import typer

from samarkand.cli.common import parse_list
from samarkand.cli.output import Format, emit


def corridors_cmd(
    commodity: str = typer.Option("crude", "--commodity", help="crude | gas | cargo"),
    close_transit: Optional[str] = typer.Option(None, "--close-transit",
                                                help="transit countries closed, comma-separated (ISO3 or name)"),
    close_link: list[str] = typer.Option([], "--close-link", help="a link closed by name (repeatable; see "
                                                                  "--list-links)"),
    capacity: str = typer.Option("low", "--capacity", help="low | high end of each published capacity range"),
    missing: str = typer.Option("throughput", "--missing",
                                help="link without a capacity: throughput (its throughput as a lower bound) | drop"),
    list_links: bool = typer.Option(False, "--list-links", help="print the network's links and their sources"),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table | csv | json"),
) -> None:
    """Max-flow before/after closing transit countries or links, the min-cut and the share of exports still leaving."""
    from samarkand.methods.corridors import corridor_links, corridors

    links = [x for item in close_link for x in parse_list(item)]
    res = corridors(commodity, parse_list(close_transit), links, capacity, missing=missing)  # type: ignore[arg-type]
    if list_links:
        emit(corridor_links(commodity), fmt, title=f"{res.provenance['commodity']} links")
        return
    closed = ", ".join(res.provenance["close_transit"] + res.provenance["close_links"]) or "nothing"
    title = (f"Kazakhstan {res.provenance['commodity']} exports: max-flow with {closed} closed "
             f"({capacity} capacities)")
    if fmt is Format.table:
        from samarkand.provenance import Result

        long = Result(table=_summary_rows(res.table.iloc[0]),
                      provenance=res.provenance, notes=res.notes,
                      extras={"links": res.extras["links"][["link", "countries_crossed", "capacity", "closed",
                                                            "flow_before", "flow_after", "min_cut_after"]]})
        emit(long, fmt, title=title)
    else:
        emit(res, fmt, title=title)


FLOW_MEASURES = ("max_flow_before", "max_flow_after", "lost", "current_exports")


def _summary_rows(summary: pd.Series) -> pd.DataFrame:
    """The one-row summary as measure / value lines, each value formatted by its kind, flows with their unit."""
    from samarkand import display

    rows = []
    for measure, value in summary.items():
        if measure == "unit":
            continue
        kind = display.kind_of(str(measure), value)
        unit = f" {summary.get('unit')}" if measure in FLOW_MEASURES and summary.get("unit") else ""
        rows.append({"measure": display.header(str(measure), kind),
                     "value": display.format_value(value, kind) + unit})
    return pd.DataFrame(rows)


def register(app: typer.Typer) -> None:
    """Add the command to the ``samarkand`` app."""
    app.command("corridors", help="Closed corridors: max-flow/min-cut of Kazakhstan's export routes (crude, gas, "
                                  "cargo) when transit countries or links close.")(corridors_cmd)
