"""`samarkand alignment A B [--vs RUS,CHN]`: governance and UNGA foreign-policy convergence."""
from __future__ import annotations

from typing import Optional

import typer

from samarkand.cli.common import parse_list, parse_years
from samarkand.cli.output import Format, emit


def register(app: typer.Typer) -> None:
    """Add the command to the ``samarkand`` app."""

    @app.command("alignment")
    def alignment_cmd(
        a: str = typer.Argument(..., help="the country whose convergence is measured, e.g. KAZ"),
        b: str = typer.Argument(..., help="the partner (country or bloc), e.g. EU27"),
        vs: str = typer.Option("RUS,CHN", "--vs", help="other references (comma list; '' for none)"),
        years: Optional[str] = typer.Option(None, "--years", help="restrict years, e.g. 2000-2023"),
        measure: str = typer.Option("idealpointfp", "--measure", help="idealpointfp | idealpointall"),
        fmt: Format = typer.Option(Format.table, "--format", help="table | csv | json"),
    ) -> None:
        """WGI governance gap of A to B's median (1996–2023) and UNGA ideal-point distance (1992–2024) to B and
        to the references, each with its OLS trend per year."""
        from samarkand.methods.alignment import alignment

        res = alignment(a, b, vs=parse_list(vs), years=parse_years(years), measure=measure)
        emit(res, fmt, title=f"Convergence of {res.provenance['a']} with {', '.join(res.provenance['references'])}",
             extras=False) if fmt is Format.table else emit(res, fmt)
        if fmt is Format.table:
            from samarkand.cli.output import print_frame

            print_frame(res.extras["nearest"].tail(10), title="nearest reference in the UNGA, last 10 years")
