"""`samarkand check`: verify a quantitative claim about dependencies against the data.

    samarkand check "China supplies 98 percent of the EU's rare earths"
    samarkand check --file claims.txt --format csv      one claim a line; blank lines and '#' lines skipped
"""
from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from samarkand.cli.output import Format, console, emit, working
from samarkand.errors import InputError
from samarkand.provenance import Result

MAX_FILE_CLAIMS = 500


def check_command(
    text: str | None = typer.Argument(None, help="the claim, in quotes"),
    file: Path | None = typer.Option(None, "--file", help="a text file with one claim a line"),
    dataset: str | None = typer.Option(None, "--dataset", help="flows dataset in the store (default: latest)"),
    year: int | None = typer.Option(None, "--year", help="year checked when a claim names none (default: latest)"),
    fmt: Format = typer.Option(Format.table, "--format", help="table | csv | json"),
) -> None:
    """Check a claim: parsed claim, verdict, the evidence on each measure with its source, an explanation."""
    from samarkand.claims import check, check_many

    if (text is None) == (file is None):
        raise InputError("give either a claim in quotes or --file FILE (one claim a line)")
    if file is not None:
        claims = _read_claims(file)
        with working(f"checking {len(claims)} claims"):
            res = check_many(claims, dataset=dataset, year=year)
        if fmt is Format.table:  # rich reads [...] as markup: escape the claims' own text on screen
            shown = res.table.assign(claim=res.table["claim"].map(lambda t: escape(str(t))),
                                     explanation=res.table["explanation"].map(lambda t: escape(str(t))))
            res = Result(shown, provenance=res.provenance)
        emit(res, fmt, title="claims checked")
        return
    if text is None:  # unreachable: exactly one of text and --file is given (checked above)
        raise InputError("give a claim in quotes")
    res = check(text, year, dataset=dataset)
    if fmt is not Format.table:
        emit(res, fmt)
        return
    v = res.extras["verdict"].iloc[0]
    console.print(f"[bold]{escape(str(v['verdict']))}[/] — {escape(str(v['claim']))}", highlight=False)
    console.print(escape(str(v["explanation"])), highlight=False, soft_wrap=True)
    compact = res.table[["measure", "year", "figure", "grade", "label", "source"]]
    notes = [escape(n) for n in res.notes[1:]]
    emit(Result(compact, provenance=res.provenance, notes=notes), fmt, title="evidence", extras=False)


def _read_claims(path: Path) -> list[str]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read claims file {path}: {exc}") from exc
    claims = [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
    if not claims:
        raise InputError(f"claims file {path} has no claim (one claim a line)")
    if len(claims) > MAX_FILE_CLAIMS:
        raise InputError(f"claims file {path} has {len(claims)} claims; at most {MAX_FILE_CLAIMS} a run")
    return claims


def register(app: typer.Typer) -> None:
    """Add the commands to the ``samarkand`` app."""
    app.command("check")(check_command)
