"""`samarkand exposure | backtest | uranium`: transit exposure, the stress test against 2022, EU uranium supply."""
from __future__ import annotations

from typing import Optional

import typer

from samarkand.cli.common import parse_assignments
from samarkand.cli.output import Format, emit, working
from samarkand.errors import InputError
from samarkand.provenance import Result

DATASET_HELP = "dataset in the store (default: `data default`, else the shipped baci-crm)"


def parse_route_shares(items: list[str]) -> dict[str, float]:
    """['KAZ=0.8', 'AZE=0.9,RUS=0.1'] → {'KAZ': 0.8, 'AZE': 0.9, 'RUS': 0.1}."""
    return parse_assignments(items, option="--route-share", form="ISO3=share", example="KAZ=0.8",
                             number="a number between 0 and 1")


def exposure_cmd(
    reporter: str = typer.Argument(..., help="importer: ISO3 country, name or bloc (EU27)"),
    via: str = typer.Option(..., "--via", help="transit country (ISO3 or name), e.g. RUS"),
    commodity: str = typer.Option("crude", "--commodity", help="crude (270900) | lng (271111)"),
    year: Optional[int] = typer.Option(None, "--year", "-y", help="year (default: latest in the dataset)"),
    route_share: list[str] = typer.Option([], "--route-share", help="override a supplier's share of exports "
                                                                    "crossing the transit country: ISO3=share "
                                                                    "(repeatable or comma-separated)"),
    dataset: Optional[str] = typer.Option(None, "--dataset", help=DATASET_HELP),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table | csv | json"),
) -> None:
    """Imports that cross a transit country before they arrive: per supplier, and as a share of extra imports."""
    from samarkand.methods.energy import exposure

    with working(f"transit exposure of {reporter} via {via}"):
        res = exposure(reporter, year, via=via, commodity=commodity, route_shares=parse_route_shares(route_share),
                       dataset=dataset)
    p = res.provenance
    emit(res, fmt, title=f"{p['reporter']} {p['year']}: {p['commodity']} imports exposed to transit through "
                         f"{p['via']}")


def backtest_cmd(
    reporter: str = typer.Argument(..., help="importer: ISO3 country, name or bloc (EU27)"),
    cut: str = typer.Option(..., "--cut", "-c", help="supplier(s) whose loss is tested, e.g. RUS"),
    commodity: str = typer.Option("crude", "--commodity", help="crude (270900) | lng (271111)"),
    base_year: int = typer.Option(..., "--base-year", help="year the stress test runs on (before the shock)"),
    outcome_year: Optional[int] = typer.Option(None, "--outcome-year", help="year of the outcome (default: latest)"),
    measure: str = typer.Option("quantity", "--measure", help="quantity (tonnes, default) | value (USD)"),
    diversion: float = typer.Option(0.5, "--diversion", help="diversion rate of the stress test (0-1)"),
    suppliers: str = typer.Option("current", "--suppliers", help="current | all (as in stress)"),
    dataset: Optional[str] = typer.Option(None, "--dataset", help=DATASET_HELP),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table | csv | json"),
) -> None:
    """The stress test's supplier cut-off on the base year against what happened by the outcome year."""
    from samarkand.methods.energy import backtest

    if suppliers not in ("current", "all"):
        raise InputError(f"--suppliers must be 'current' or 'all', not '{suppliers}'")
    with working(f"backtest {reporter}: {cut} cut in {base_year}"):
        res = backtest(reporter, cut, commodity=commodity, base_year=base_year, outcome_year=outcome_year,
                       measure=measure, diversion=diversion, suppliers=suppliers, dataset=dataset)  # type: ignore[arg-type]
    p = res.provenance
    title = (f"{p['reporter']} {p['commodity']}: {','.join(p['cut'])} cut predicted on {p['base_year']} vs actual "
             f"{p['outcome_year']} ({p['measure']})")
    if fmt is Format.table:
        res = Result(table=res.table.head(25), provenance=p, extras={"summary": res.extras["summary"]},
                     notes=res.notes)
    emit(res, fmt, title=title)


def uranium_cmd(
    economy: str = typer.Argument("EU27", help="EU27 (the Euratom Supply Agency reports for EU utilities)"),
    year: Optional[int] = typer.Option(None, "--year", "-y", help="only this year"),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table | csv | json"),
) -> None:
    """Origins of the EU's natural uranium (ESA, as reported), Russia's conversion/enrichment, world mining."""
    from samarkand.methods.uranium import uranium

    res = uranium(economy)
    if year is not None:
        if year not in set(res.table["year"]):
            raise InputError(f"no uranium delivery figures for {year}; years: "
                             f"{', '.join(map(str, sorted(set(res.table['year']))))}")
        res = Result(table=res.table[res.table["year"] == year].reset_index(drop=True), provenance=res.provenance,
                     extras={k: v[v["year"] == year] for k, v in res.extras.items()}, notes=res.notes)
    if fmt is Format.table:
        t = res.table[["year", "origin", "row_type", "share_qualifier", "share", "tonnes_u", "as_reported"]]
        w = res.extras["world_production"]
        res = Result(table=t, provenance=res.provenance, notes=res.notes, extras={
            "Russia's share of conversion and enrichment": res.extras["services"][
                ["year", "service", "share_qualifier", "russia_share", "yoy_change", "as_reported"]],
            "world mine production (WNA), top 5 by year": w[w["rank"] <= 5][["year", "rank", "country", "tonnes_u",
                                                                             "share"]],
            "Kazakhstan's place": res.extras["partner_place"]})
    emit(res, fmt, title="Natural uranium delivered to EU utilities, by origin (ESA figures as reported)")


def register(app: typer.Typer) -> None:
    """Add the commands to the ``samarkand`` app."""
    app.command("exposure", help="Transit exposure: imports whose route crosses a transit country (e.g. Kazakh "
                                 "crude through Russia), per supplier and in total.")(exposure_cmd)
    app.command("backtest", help="Backtest of the stress test on a real shock (e.g. the EU's Russian crude, "
                                 "2021 vs 2024): predicted vs actual replacement.")(backtest_cmd)
    app.command("uranium", help="EU natural-uranium supply by origin (ESA, as reported), Russia's conversion and "
                                "enrichment shares, world mine production.")(uranium_cmd)
