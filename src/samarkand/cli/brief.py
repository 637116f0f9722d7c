"""`samarkand brief A B [--year Y] [-o brief.html] [--format html|pdf] [--dataset NAME]`: the HTML brief."""
from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Optional

import typer

from samarkand.cli.common import check_output_path
from samarkand.errors import InputError


class BriefFormat(StrEnum):
    """The brief's output formats."""

    html = "html"
    pdf = "pdf"


STEP_LABELS = {"context": "Opening the flows dataset", "dependencies": "Dependencies: on what, on whom",
               "partnership": "Partnership opportunities", "stress": "Stress tests and corridors",
               "crm": "Critical raw materials", "norms": "Norms: CBAM and convergence", "render": "Rendering"}


def register(app: typer.Typer) -> None:
    """Add the command to the ``samarkand`` app."""

    @app.command("brief")
    def brief_cmd(
        a: str = typer.Argument(..., help="First economy (ISO3, name or bloc), e.g. EU27"),
        b: str = typer.Argument(..., help="Second economy, e.g. KAZ"),
        year: Optional[int] = typer.Option(None, "--year", "-y", help="Trade year (default: latest in the dataset)"),
        output: Path = typer.Option(Path("brief.html"), "--output", "-o", help="File to write"),
        fmt: BriefFormat = typer.Option(BriefFormat.html, "--format", "-f",
                                        help="html (self-contained) or pdf (needs the 'pdf' extra: WeasyPrint, "
                                             "kaleido)"),
        dataset: Optional[str] = typer.Option(None, "--dataset", help="Flows dataset (default: the one `samarkand "
                                                                      "data default` names, else the shipped one)"),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar"),
        title: Optional[str] = typer.Option(None, "--title", help="Title of the brief (default: a neutral one)"),
    ) -> None:
        """Write the strategic-autonomy brief for A and B: one self-contained HTML page (or a PDF)."""
        from rich.console import Console
        from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        from samarkand.brief import SECTION_TITLES, assemble, render_html, render_pdf
        from samarkand.brief.pillars import SECTION_ORDER

        if fmt is BriefFormat.pdf:
            try:
                import weasyprint  # noqa: F401
            except ImportError as exc:
                raise InputError("--format pdf needs WeasyPrint, which is not installed: install the 'pdf' extra "
                                 "of samarkand, or run: pip install weasyprint kaleido (or use --format html)") from exc
        check_output_path(output, "--output/-o")
        err = Console(stderr=True)
        steps = ["context", *SECTION_ORDER, "render"]
        with Progress(SpinnerColumn(), TextColumn("[bold]{task.description}"), BarColumn(),
                      TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(), console=err,
                      disable=quiet, transient=False) as prog:
            task = prog.add_task(STEP_LABELS["context"], total=len(steps))
            done = {"n": 0}

            def progress(step: str) -> None:
                done["n"] += 1
                prog.update(task, completed=done["n"], description=STEP_LABELS.get(step, step))

            brief = assemble(a, b, year, dataset=dataset, progress=progress, title=title)
            progress("render")
            html = render_html(brief) if fmt is BriefFormat.html else ""
            data = render_pdf(brief) if fmt is BriefFormat.pdf else html.encode("utf-8")
            prog.update(task, completed=len(steps), description="Done")
        output.write_bytes(data)
        for s in brief.sections:
            st = s.shown_status
            colour = {"ok": "green", "partial": "yellow", "no-data": "yellow", "error": "red"}[st]
            err.print(f"  [{colour}]{st:>11}[/]  {SECTION_TITLES.get(s.id, s.title)}"
                      + (f" — {s.notices[0].text[:140]}" if s.notices and st != "ok" else ""), highlight=False)
        for e in brief.errors:
            err.print(f"[red]error in a section:[/] {e.splitlines()[0]}", highlight=False)
        err.print(f"[bold]{brief.title}[/] → {output} ({len(data) / 1e6:.1f} MB, {fmt.value})", highlight=False)
