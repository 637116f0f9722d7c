"""The brief's sections: each runs one or more methods and turns their Results into headlines, tables,
figures, provenance and limits.  Sections present; they never compute an indicator themselves.

A section whose method is missing from the installation, or whose data is not in the store (no flows,
a year not covered), says so on the page with what to do (e.g. ``samarkand data fetch baci``) instead of
failing or showing anything invented.  The dashboard (``samarkand.web``) renders the same sections.
"""
from __future__ import annotations

import math
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from samarkand import display, economies
from samarkand.errors import DataError, InfeasibleError, InputError, NotInStoreError, SamarkandError
from samarkand.provenance import Result

FETCH_HINT = ("import fuller BACI flows with `samarkand data fetch baci --hs HS22 --release 202501 --years 2022 "
              "2023` (or `samarkand data import BACI_HS22_V202501.zip`)")


# --- building blocks --------------------------------------------------------------------------------------

@dataclass
class Headline:
    """One headline figure of the brief: what, the figure, the context and the section it links to."""
    label: str
    value: str
    detail: str = ""
    section: str = ""
    message: str = ""                       # the figure as one plain sentence, for the key messages
    stake: float | None = None              # what is at stake (USD or EUR), to order the key messages
    caveat: str = ""                        # shown on the card and after the key message


TEXT_CUT = 60                               # a text cell longer than this is cut; the full text is its title
MEASURE_COLUMNS = ("measure", "indicator", "metric")    # a long table: each value formatted by its measure's kind
VALUE_COLUMNS = ("value", "figure")                     # (as the terminal's samarkand.cli.tables does)
_OLD_KINDS = {"pct": "share", "int": "count", "num": "ratio"}     # formats given in the earlier names


@dataclass
class Table:
    """A table of a section: title, frame, caption and how many rows to show before "show all".

    Every number is formatted by :func:`samarkand.display.format_value` with the kind
    :func:`samarkand.display.kind_of` gives its column (``formats`` overrides it per column).
    """
    title: str
    frame: pd.DataFrame                     # already limited to the columns worth showing
    caption: str = ""
    max_rows: int = 25
    formats: dict[str, str] = field(default_factory=dict)   # column -> a display kind

    def header(self) -> list[str]:
        return [label(c) for c in self.frame.columns]

    def kinds(self) -> list[str]:
        return [_OLD_KINDS.get(self.formats.get(c, ""), self.formats.get(c)) or display.kind_of(c, self.frame[c])
                for c in self.frame.columns]

    def row_kinds(self, rec: Any, kinds: list[str]) -> list[str]:
        """The kinds for one row: a long table (measure, value) formats each value by its measure's kind
        (a count of products is a count, an intensity a ratio), never one kind for the whole column."""
        cols = list(self.frame.columns)
        measure = next((c for c in MEASURE_COLUMNS if c in cols), None)
        value = next((c for c in VALUE_COLUMNS if c in cols and c not in self.formats), None)
        if measure is None or value is None or not isinstance(rec[cols.index(measure)], str):
            return kinds
        out = list(kinds)
        out[cols.index(value)] = display.kind_of(rec[cols.index(measure)])
        return out

    def rows(self, limit: int | None = None) -> list[list[tuple[str, Any, str]]]:
        """[(display text, sort key, full text)] per cell for the first ``limit`` rows (default: all); the sort key
        keeps numbers sortable in the dashboard; long texts are cut, the full text goes in the cell's title."""
        kinds = self.kinds()
        frame = self.frame if limit is None else self.frame.head(limit)
        out = []
        for rec in frame.itertuples(index=False):
            row = []
            for v, k in zip(rec, self.row_kinds(rec, kinds)):
                full = fmt_cell(v, k)
                short = full if len(full) <= TEXT_CUT or k != "text" else full[:TEXT_CUT - 1].rstrip() + "…"
                row.append((short, sort_key(v), full if short != full else ""))
            out.append(row)
        return out

    @property
    def more(self) -> int:
        return max(0, len(self.frame) - self.max_rows)


@dataclass
class Figure:
    """A chart of a section (a plotly figure) with its caption."""
    id: str
    fig: Any                                # plotly Figure
    caption: str = ""


@dataclass
class Notice:
    """Something a reader must know about a section (missing data, an error)."""
    level: str                              # info | missing | error
    text: str


@dataclass
class Section:
    """One pillar of the brief: headlines, paragraphs, tables, figures, notices, limits and provenance."""
    id: str
    title: str
    question: str = ""
    status: str = "ok"                      # ok | partial | no-data | error
    paragraphs: list[str] = field(default_factory=list)
    headlines: list[Headline] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    provenance: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    limits: list[str] = field(default_factory=list)  # for "What the data cannot say"
    errors: list[str] = field(default_factory=list)  # unexpected failures (bugs), shown and reported
    computed: int = 0                                # results obtained

    def worse(self, status: str) -> None:
        order = ["ok", "partial", "no-data", "error"]
        if order.index(status) > order.index(self.status):
            self.status = status

    @property
    def shown_status(self) -> str:
        """'partial' when some results were computed and others are missing (errors always show)."""
        if self.status == "no-data" and self.computed:
            return "partial"
        return self.status


@dataclass
class Context:
    """What every section needs: the pair, the year and the flows dataset (or why there is none)."""

    a: str
    b: str
    year: int | None
    dataset: str | None
    flows: Any = None                       # samarkand.store.Flows or None
    flows_years: list[int] = field(default_factory=list)
    flows_provenance: dict[str, Any] = field(default_factory=dict)
    flows_problem: str | None = None        # why there are no flows for the year
    shipped: bool = False
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def a_name(self) -> str:
        return display_name(self.a)

    @property
    def b_name(self) -> str:
        return display_name(self.b)


def display_name(code: str) -> str:
    """'EU27' for blocs, the country's short name otherwise ('Kazakhstan')."""
    if economies.is_bloc(code):
        return code
    return economies.country_name(code)


def make_context(a: str, b: str, year: int | None = None, *, dataset: str | None = None,
                 flows: Any = None) -> Context:
    """Resolve the pair and open the flows dataset; a missing year or empty store is recorded, not raised,
    except when the user asked for a year the dataset does not hold (InputError naming the years)."""
    from samarkand.store import open_flows

    ra, rb = economies.resolve(a), economies.resolve(b)
    if ra == rb:
        raise InputError(f"the two economies are the same ({ra}); give two different economies")
    fl = open_flows(dataset, flows=flows)
    years = fl.years()
    ctx = Context(a=ra, b=rb, year=None, dataset=fl.info.name, flows=fl, flows_years=years,
                  shipped=bool(getattr(fl.info, "shipped", False)))
    if not years:
        ctx.flows_problem = f"dataset '{fl.info.name}' holds no flows; {FETCH_HINT}"
        ctx.year = year
        return ctx
    if year is None:
        ctx.year = fl.latest_year()
    else:
        fl.require_year(int(year))       # NotInStoreError (an InputError) listing the years
        ctx.year = int(year)
    ctx.flows_provenance = fl.provenance([ctx.year])
    return ctx


# --- formatting ---------------------------------------------------------------------------------------------

_LABELS = {"hs6": "HS6", "hhi": "HHI", "iso3": "ISO3", "usd": "USD", "eur": "EUR", "rca": "RCA", "crm": "CRM",
           "eu": "EU", "ei": "EI", "sr": "SR", "wgi": "WGI", "cbam": "CBAM", "ets": "ETS", "t": "t"}


def label(col: str) -> str:
    """A column name as a header: 'import_hhi' → 'Import HHI'."""
    words = str(col).split("_")
    out = [_LABELS.get(w.lower(), w) for w in words]
    s = " ".join(out)
    return s[:1].upper() + s[1:]


def fmt_cell(v: Any, kind: str) -> str:
    """One cell as text: :func:`samarkand.display.format_value` (lists joined with commas)."""
    if isinstance(v, (list, tuple)):
        return ", ".join(map(str, v))
    return display.format_value(v, kind)  # type: ignore[arg-type]


def sort_key(v: Any) -> Any:
    """A value a table can sort by (numbers as numbers, infinities bounded, the rest as text)."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, (bool,)):
        return int(v)
    if isinstance(v, (int, float)):
        return v if not math.isinf(v) else (1e300 if v > 0 else -1e300)
    if hasattr(v, "item"):
        return v.item()
    return str(v)


def cols(df: pd.DataFrame, *names: str) -> list[str]:
    """Those of ``names`` that are columns of ``df``, in that order."""
    return [n for n in names if n in df.columns]


# --- running a method ---------------------------------------------------------------------------------------

def run(sec: Section, what: str, fn: Callable[[], Result], *, flow_based: bool = False,
        ctx: Context | None = None) -> Result | None:
    """Call ``fn``; on a known failure put an honest notice on the section and return None.

    flow_based: the call needs flows for ``ctx.year``; when the store has none, the section says so and
    points to `samarkand data fetch` without calling the method.
    """
    if flow_based and ctx is not None and ctx.flows_problem:
        return _fail(sec, f"{what}: {ctx.flows_problem}", f"{what}: no flows in the store — {ctx.flows_problem}",
                     "no-data")
    try:
        res = fn()
    except NotInStoreError as exc:
        return _fail(sec, f"{what}: {exc}. To go further, {FETCH_HINT}.", f"{what}: {exc}", "no-data")
    except InfeasibleError as exc:
        binding = f" (binding: {', '.join(exc.binding)})" if exc.binding else ""
        return _fail(sec, f"{what}: no feasible answer — {exc}{binding}", f"{what}: infeasible — {exc}{binding}",
                     "partial")
    except (InputError, DataError, SamarkandError) as exc:
        return _fail(sec, f"{what}: {exc}", f"{what}: {exc}", "partial")
    except Exception as exc:  # a bug in a method: show it, report it, do not hide it
        msg = f"{what} failed with {type(exc).__name__}: {exc}"
        sec.notices.append(Notice("error", msg))
        sec.errors.append(msg + "\n" + traceback.format_exc(limit=4))
        sec.worse("error")
        return None
    if not isinstance(res, Result):
        raise TypeError(f"{what} returned {type(res).__name__}, not a samarkand Result")
    sec.computed += 1
    sec.provenance.append((what, dict(res.provenance)))
    for n in res.notes:
        if n not in sec.notes:
            sec.notes.append(n)
    return res


def _fail(sec: Section, notice: str, limit: str, status: str) -> Result | None:
    """A method that could not answer: a notice for the reader, a line under the limits, the section's status;
    returns None (no result) for :func:`run` to pass on."""
    sec.notices.append(Notice("missing", notice))
    sec.limits.append(limit)
    sec.worse(status)
    return None


def _fig(sec: Section, fid: str, make: Callable[[], Any], caption: str) -> None:
    """Add a figure; a figure that cannot be drawn from the result is a notice, never a fake chart."""
    try:
        fig = make()
    except Exception as exc:
        sec.notices.append(Notice("error", f"figure '{fid}' could not be drawn: {type(exc).__name__}: {exc}"))
        sec.errors.append(f"figure {fid}: {traceback.format_exc(limit=3)}")
        sec.worse("error")
        return
    if fig is None:
        return
    sec.figures.append(Figure(fid, fig, caption))

