"""Printing results: a rich table with provenance (default), CSV or JSON for scripts.

Text that comes from the user or the data (cells, column names, titles, notes, provenance) is escaped with
:func:`rich.markup.escape` before rich sees it: ``[/x]`` prints as ``[/x]``, ``[bold]`` is not swallowed.
The consoles here never raise a MarkupError: a caller that prints unescaped text gets it plain instead.
"""
from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from typing import Any

import pandas as pd
from rich.console import Console
from rich.errors import MarkupError
from rich.markup import escape

from samarkand.provenance import Result


class Format(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


class SafeConsole(Console):
    """A rich Console on which markup can never crash a command: on a MarkupError the text prints plain."""

    def follow_columns(self) -> int:
        """Take the width from $COLUMNS when it is set (the environment may change after the console was made:
        commands run in process, in tests or notebooks); returns the width."""
        cols = os.environ.get("COLUMNS", "")
        if cols.isdigit() and int(cols) > 0 and int(cols) != self.width:
            self.width = int(cols)
        return self.width

    def print(self, *objects: Any, **kwargs: Any) -> None:
        self.follow_columns()
        try:
            super().print(*objects, **kwargs)
        except MarkupError:
            super().print(*objects, **{**kwargs, "markup": False})


console = SafeConsole()
err_console = SafeConsole(stderr=True)


def emit(result: Result, fmt: Format | str = Format.table, *, title: str | None = None,
         max_rows: int | None = None, extras: bool = True) -> None:
    """Print ``result`` in ``fmt``: CSV is the bare main table; JSON holds provenance, rows and extras."""
    fmt = Format(fmt)
    if fmt is Format.csv:
        result.table.to_csv(sys.stdout, index=False)
        return
    if fmt is Format.json:
        sys.stdout.write(json.dumps(result.to_dict(), indent=2, default=str) + "\n")
        return
    print_frame(result.table, title=title, max_rows=max_rows)
    if extras:
        for name, df in result.extras.items():
            print_frame(df, title=name.replace("_", " "), max_rows=max_rows)
    for note in result.notes:
        console.print(f"[yellow]note:[/] {escape(str(note))}", highlight=False)
    print_provenance(result.provenance)


def print_frame(df: pd.DataFrame, *, title: str | None = None, max_rows: int | None = None) -> None:
    """``df`` as rich tables that fit the terminal: every figure through :mod:`samarkand.display`, never wrapped.

    Headers carry the unit (:func:`samarkand.display.header`); numbers are right-aligned and never wrap; text
    wraps.  When the columns cannot all fit at the console's width, the table is split into parts that each
    repeat the leading text columns (the row's key), so no number is ever broken.
    """
    from samarkand.cli.tables import frame_tables

    shown = df if max_rows is None else df.head(max_rows)
    for part in frame_tables(shown, title=title, width=console.follow_columns()):
        if isinstance(part, str):
            console.print(escape(part), highlight=False)
        else:
            console.print(part)
    if max_rows is not None and len(df) > max_rows:
        console.print(f"… {len(df) - max_rows} more rows (use --all or --format csv)")


def print_provenance(prov: dict[str, Any]) -> None:
    if not prov:
        return
    parts = []
    for k, v in prov.items():
        if isinstance(v, dict):
            v = "; ".join(f"{a}={b}" for a, b in v.items())
        elif isinstance(v, list):
            v = ", ".join(map(str, v))
        parts.append(f"[dim]{escape(str(k))}:[/] {escape(str(v))}")
    console.print("[bold]source[/] " + " | ".join(parts), highlight=False, soft_wrap=True)


@contextmanager
def working(description: str) -> Iterator[None]:
    """A spinner with elapsed time on stderr while a long query runs (stdout stays clean for csv/json)."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=err_console,
                  transient=True, disable=not err_console.is_terminal) as prog:   # scripts' stderr stays clean
        prog.add_task(escape(description), total=None)
        yield
