"""`samarkand votes A B [--issue hr] [--vs RUS,CHN] [--years 2010-2019] [--by year|period]`: UN General Assembly
vote agreement by issue, with trends, blocs' cohesion and the roll calls that moved."""
from __future__ import annotations

import re
from typing import Annotated

import pandas as pd
import typer

from samarkand.cli.common import parse_list, parse_years
from samarkand.cli.output import Format, emit
from samarkand.errors import InputError

MOVED_COLUMNS = ["reference", "issue", "direction", "change", "changed", "title", "last_resolution",
                 "a_votes_early", "a_votes_late", "reference_votes_early", "reference_votes_late"]


def parse_periods(text: str | None) -> list[tuple[int, int]] | None:
    """'1992-1999,2010-2019' → [(1992, 1999), (2010, 2019)]; None stays None."""
    if not text or not text.strip():
        return None
    out = []
    for part in re.split(r"[,\s]+", text.strip()):
        m = re.fullmatch(r"(\d{4})(?:-(\d{4}))?", part)
        if not m:
            raise InputError(f"--periods: '{part}' is not a year or range (e.g. 1992-1999,2010-2019)")
        out.append((int(m.group(1)), int(m.group(2) or m.group(1))))
    return out


def _escaped(df: pd.DataFrame) -> pd.DataFrame:
    """Text cells escaped for rich (resolution titles may hold '[...]')."""
    from rich.markup import escape

    return df.apply(lambda s: s.map(lambda v: escape(v) if isinstance(v, str) else v))


def register(app: typer.Typer) -> None:
    """Add the `votes` command to the ``samarkand`` app."""

    @app.command("votes")
    def votes_cmd(
        a: Annotated[str, typer.Argument(help="the country whose votes are compared, e.g. KAZ")],
        b: Annotated[str, typer.Argument(help="the partner: a country or a bloc (EU27: members of each year)")],
        issue: Annotated[str, typer.Option("--issue", help="issue codes, comma list: hr,me,nu,di,co,ec or all")] = "hr",
        vs: Annotated[str, typer.Option("--vs", help="other references, comma list, e.g. RUS,CHN")] = "",
        years: Annotated[str | None, typer.Option("--years", help="years, e.g. 2010-2019 (data: 1946–2019)")] = None,
        by: Annotated[str, typer.Option("--by", help="period (one row per period) | year")] = "period",
        periods: Annotated[str | None, typer.Option("--periods", help="periods compared, e.g. 1992-1999,2010-2019")]
        = None,
        min_roll_calls: Annotated[int, typer.Option("--min-roll-calls", help="years with fewer roll calls are left "
                                                                             "out of the trend")] = 5,
        fmt: Annotated[Format, typer.Option("--format", help="table | csv | json")] = Format.table,
    ) -> None:
        """How often A voted like B (and each --vs) in the UN General Assembly, by issue: identical_share and
        agreement_index (1 identical, 0.5 one abstains, 0 opposite) over the roll calls both voted on; blocs by
        majority position and member by member, with the bloc's cohesion; trend per year with its 95 % interval;
        the recurring resolutions on which A left or joined the reference's side."""
        from samarkand.cli.output import console, print_frame
        from samarkand.methods.votes import votes

        res = votes(a, b, parse_years(years), vs=parse_list(vs), issue=issue, by=by,
                    periods=parse_periods(periods), min_roll_calls=min_roll_calls)
        if fmt is not Format.table:
            emit(res, fmt)
            return
        p = res.provenance
        title = (f"UN General Assembly agreement of {p['a']} with {', '.join(p['references'])} "
                 f"({', '.join(p['issues'])})")
        emit(res, fmt, title=title, extras=False)
        print_frame(res.extras["trend"].drop(columns=["a"]), title="trend per year (OLS, 95 % interval)")
        if len(res.extras["cohesion"]):
            print_frame(res.extras["cohesion"], title="bloc cohesion (Hix–Noury–Roland agreement index)")
        moved = res.extras["moved"]
        if len(moved):
            print_frame(_escaped(moved[MOVED_COLUMNS]), title="recurring resolutions that moved most "
                                                               "(early vs late window)")
        else:
            console.print("no recurring resolution (same title in both windows) changed agreement", highlight=False)
