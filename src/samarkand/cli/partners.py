"""`samarkand partners A B --year Y`: the mutual-opportunity matrix of two economies."""
from __future__ import annotations

from typing import Optional

import pandas as pd
import typer
from rich.markup import escape

from samarkand.cli.output import Format, emit, working
from samarkand.options import check_option
from samarkand.provenance import Result

TABLE_COLUMNS = ["importer", "partner", "hs6", "status", "importer_extra_imports_usd", "partner_share",
                 "partner_rca", "partner_headroom_usd", "coverable_usd", "importer_import_hhi",
                 "importer_hhi_if_headroom_used", "why"]


def partners_cmd(
    a: str = typer.Argument(..., help="first economy: ISO3 (KAZ), name or bloc (EU27, EAEU, C5)"),
    b: str = typer.Argument(..., help="second economy"),
    year: Optional[int] = typer.Option(None, "--year", "-y",
                                       help="year (default: latest in the dataset or the FAOSTAT table)"),
    domain: Optional[str] = typer.Option(None, "--domain", "-d",
                                         help="agrifood (FAOSTAT, KAZ–EU) | crm | energy | cbam | ..."),
    method: str = typer.Option("ec2021", "--method", "-m", help="dependency screen: ec2021 | geodep"),
    rca: float = typer.Option(1.0, "--rca", help="RCA threshold for the partner (Balassa; default 1)"),
    no_crm: bool = typer.Option(False, "--no-crm", help="leave out the EU CRM study material view"),
    detail: bool = typer.Option(False, "--detail", help="table format: each row's reason as a sentence"),
    dataset: Optional[str] = typer.Option(None, "--dataset", help="dataset in the store (default: `data default`, "
                                                                  "else the shipped baci-crm)"),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table | csv | json"),
) -> None:
    """Where A and B complete each other: A's dependencies B could supply and the reverse, TCI, trade
    intensity; with the EU on one side, the CRM-study materials where the other side matters."""
    from samarkand.methods.partnership import ScreenMethod, partnership

    check_option("--method", method, ScreenMethod)
    agri = domain is not None and domain.strip().lower() == "agrifood"
    with working(f"partnership {a}–{b}" + (f" {year}" if year else "")):
        res = partnership(a, b, year, dataset=dataset, domain=domain, method=method,  # type: ignore[arg-type]
                          rca_threshold=rca, crm=not no_crm)
    if fmt is Format.table:
        (_print_agrifood if agri else _print_table)(res, res.provenance["year"], detail)
        return
    emit(res, fmt, title=None)


SHORT = {"importer_extra_imports_usd": "imports_usd", "partner_share": "partner_share",
         "partner_headroom_usd": "headroom_usd", "importer_import_hhi": "hhi_now",
         "importer_hhi_if_headroom_used": "hhi_if_used", "partner_rca": "rca"}


AGRI_COLUMNS = {"item": "item", "eu_value_usd": "eu_value_usd", "eu_quantity_t": "eu_tonnes",
                "yoy_growth": "yoy", "cagr": "cagr", "cagr_years": "cagr_years", "destinations": "dest",
                "destination_hhi": "dest_hhi",
                "top_destination": "top", "share_of_production_to_eu": "share_of_prod"}


def _print_agrifood(res: Result, year: int, detail: bool = True) -> None:
    """Narrow view of the FAOSTAT agri-food table: short columns, then each item's sentence."""
    from samarkand.cli.output import console, print_frame, print_provenance

    t = res.table[list(AGRI_COLUMNS)].rename(columns=AGRI_COLUMNS)
    print_frame(t, title=f"Kazakhstan's agricultural exports to EU members, {year} (FAOSTAT, reporter KAZ)")
    for r in res.table.itertuples():
        console.print(f"  {escape(str(r.item))}: {escape(str(r.why))}", highlight=False)
    for note in res.notes:
        console.print(f"[yellow]note:[/] {escape(str(note))}", highlight=False)
    console.print("[dim]by item × year and item × partner × year: --format json (extras by_item_year, detail)[/]")
    print_provenance(dict(res.provenance))


def _print_table(res: Result, year: int, detail: bool = False) -> None:
    """Narrow-terminal view: short columns; each row's `why` as a sentence with ``detail``."""
    from samarkand.cli.output import console, print_frame, print_provenance

    a, b = res.provenance.get("a"), res.provenance.get("b")
    t = res.table[[c for c in TABLE_COLUMNS if c in res.table.columns and c != "why"]].rename(columns=SHORT)
    print_frame(t, title=f"Opportunities between {a} and {b}, {year} (HS6, dependency screen × partner RCA)")
    _reasons(res.table["why"], detail)
    print_frame(res.extras["summary"].drop(columns="definition"), title="Summary")
    crm = res.extras.get("crm_materials")
    if crm is not None:
        print_frame(crm.drop(columns="why"), title="EU CRM study 2023: materials where the partner matters")
        _reasons(crm["why"], detail)
    for note in res.notes:
        console.print(f"[yellow]note:[/] {escape(str(note))}", highlight=False)
    print_provenance(dict(res.provenance))


def _reasons(why: pd.Series, detail: bool) -> None:
    """Each row's reason, numbered as the rows (with ``--detail``), else one line saying how to see them."""
    from samarkand.cli.output import console

    if not detail:
        if len(why):
            console.print(f"[dim]the reason for each of these {len(why)} rows: --detail[/]", highlight=False)
        return
    for i, text in enumerate(why, 1):
        console.print(f"  {i}. {escape(str(text))}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add the command to the ``samarkand`` app."""
    app.command("partners")(partners_cmd)
