"""Terminal tables that fit the terminal: every figure formatted by :mod:`samarkand.display`, numbers never wrap.

A column's figures are formatted by its kind (:func:`samarkand.display.kind_of`) and its header names the unit
(:func:`samarkand.display.header`).  Number columns never wrap or shrink below their widest cell; text columns
wrap (long text is cut to :data:`TEXT_LIMIT` characters).  When the number columns cannot all fit at the console
width, the table is printed in parts, each repeating the leading text columns that identify a row.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import pandas as pd
from rich.markup import escape
from rich.table import Table

from samarkand import display

TEXT_LIMIT = 60          # characters of a text cell shown in a table (csv/json keep it whole)
TEXT_MIN = 14            # text columns get this much (if they need it) before a table is split in parts
WORD_LIMIT = 16          # longer words of a text column may break when space is short
KEY_COLUMNS = 2          # leading text columns repeated in every part of a split table


@dataclass(frozen=True)
class ShownColumn:
    """One column as shown: its name, header with unit, kind and formatted cells."""

    name: str
    label: str
    kind: display.Kind
    cells: list[str]

    @property
    def wraps(self) -> bool:
        return self.kind == "text"

    @property
    def natural(self) -> int:
        return max([len(self.label), *(len(c) for c in self.cells)])

    @property
    def is_codes(self) -> bool:
        """Text of single short tokens (HS6 codes, ISO3, periods such as 1992–2019): never broken."""
        return all(" " not in c and len(c) <= WORD_LIMIT for c in self.cells)

    @property
    def longest_word(self) -> int:
        return max([1, *(len(w) for c in self.cells for w in c.split())])

    @property
    def narrowest(self) -> int:
        """The smallest content width: the widest cell for figures, the longest header word for text."""
        longest_word = max((len(w) for w in _header_words(self.label)), default=1)
        if not self.wraps or self.is_codes:
            return max([longest_word, *(len(c) for c in self.cells)])
        return max(longest_word, min(self.natural, TEXT_MIN // 2))

    @property
    def comfortable(self) -> int:
        """The width a table is planned with: text gets up to :data:`TEXT_MIN` characters before columns split."""
        return max(self.narrowest, min(self.natural, TEXT_MIN)) if self.wraps else self.narrowest


def _header_words(label: str) -> list[str]:
    """The header's words, a parenthesised unit counting as one ('(EUR m)' never breaks)."""
    return re.findall(r"\([^)]*\)|\S+", label)


MEASURE_COLUMNS = ("measure", "indicator", "metric")
VALUE_COLUMNS = ("value", "figure")


def shown_columns(df: pd.DataFrame) -> list[ShownColumn]:
    """Each column of ``df`` with its kind, its header (with unit) and its cells as the display module shows them.

    A long table of ``measure`` / ``value`` rows formats each value by its measure's kind (a share as a
    percentage, money with its scale) and names each measure with its unit ('Coverable share (%)').
    """
    measure = next((c for c in MEASURE_COLUMNS if c in df.columns), None)
    value = next((c for c in VALUE_COLUMNS if c in df.columns), None)
    row_kinds = [display.kind_of(str(m)) for m in df[measure]] if measure and value else None
    out = []
    for name in df.columns:
        kind = display.kind_of(str(name), df[name])
        if row_kinds is not None and value is not None and name == value and kind not in ("text", "bool"):
            cells = [display.format_value(v, k) for v, k in zip(df[name].tolist(), row_kinds)]
            out.append(ShownColumn(value, value.capitalize(), "ratio", cells))
            continue
        if row_kinds is not None and name == measure:
            cells = [display.header(str(m), k) for m, k in zip(df[name].tolist(), row_kinds)]
        elif kind == "text":
            cells = [_cut(display.format_value(v, kind)) for v in df[name].tolist()]
        else:
            cells = [display.format_value(v, kind) for v in df[name].tolist()]
        out.append(ShownColumn(str(name), display.header(str(name), kind), kind, cells))
    return out


def _cut(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= TEXT_LIMIT else text[: TEXT_LIMIT - 1] + "…"


def table_width(widths: list[int]) -> int:
    """Characters a rich table with the default box and padding takes for these content widths."""
    return sum(widths) + 3 * len(widths) + 1


def key_columns(cols: list[ShownColumn], width: int) -> list[ShownColumn]:
    """The text columns among the first three that name a row (a code column alone when the other is long text),
    at most :data:`KEY_COLUMNS` of them and half the width."""
    candidates = [c for c in cols[:3] if c.wraps]
    codes = [c for c in candidates if c.is_codes]
    chosen = codes if codes and any(c.natural > 20 for c in candidates) else candidates
    keys: list[ShownColumn] = []
    for c in chosen[:KEY_COLUMNS]:
        if table_width([k.comfortable for k in keys + [c]]) > width // 2:
            break
        keys.append(c)
    return keys


def split_columns(cols: list[ShownColumn], width: int) -> list[list[ShownColumn]]:
    """Groups of columns that each fit ``width``: the first in the table's order, every later one repeating the
    key columns (:func:`key_columns`) before the columns that did not fit yet."""
    if table_width([c.comfortable for c in cols]) <= width:
        return [cols]
    keys = key_columns(cols, width)
    first: list[ShownColumn] = []
    for c in cols:
        if first and table_width([k.comfortable for k in first + [c]]) > width:
            break
        first.append(c)
    parts: list[list[ShownColumn]] = [first]
    current: list[ShownColumn] = []
    for c in (c for c in cols if c not in first):
        if current and table_width([k.comfortable for k in keys + current + [c]]) > width:
            parts.append(keys + current)
            current = []
        current.append(c)
    if current:
        parts.append(keys + current)
    return parts


def fit_widths(cols: list[ShownColumn], width: int) -> list[int]:
    """Content widths for ``cols`` within ``width``: each at least its narrowest; spare room goes first to text
    columns up to their longest word (so words do not break), then towards every column's natural width."""
    widths = [c.narrowest for c in cols]
    for goal in ([max(w, min(c.longest_word, WORD_LIMIT)) for c, w in zip(cols, widths)],
                 [max(w, c.natural) for c, w in zip(cols, widths)]):
        widths = _grow(widths, goal, width - table_width(widths))
    return widths


def _grow(widths: list[int], goal: list[int], spare: int) -> list[int]:
    """``widths`` moved towards ``goal`` by at most ``spare`` characters in all, in proportion to each lack."""
    lack = [max(0, g - w) for w, g in zip(widths, goal)]
    if spare <= 0 or not any(lack):
        return widths
    if sum(lack) <= spare:
        return [w + x for w, x in zip(widths, lack)]
    return [w + x * spare // sum(lack) for w, x in zip(widths, lack)]


def same_in_every_row(cols: list[ShownColumn], min_rows: int = 4) -> list[ShownColumn]:
    """Text columns (not the first) that say the same in every row of a long table: said once, below it."""
    return [c for c in cols[1:] if c.wraps and len(c.cells) >= min_rows and len(set(c.cells)) == 1]


def frame_tables(df: pd.DataFrame, *, title: str | None = None, width: int = 80) -> list[Table | str]:
    """What shows ``df`` within ``width`` characters: its tables (one, unless the columns must be split), then a
    line for each text column that says the same in every row."""
    cols = shown_columns(df)
    constant = same_in_every_row(cols)
    cols = [c for c in cols if c not in constant]
    parts = split_columns(cols, width) if cols else [[]]
    tables = []
    for i, part in enumerate(parts):
        name = title if i == 0 else (f"{title} (continued)" if title else "(continued)")
        table = Table(title=escape(name) if name is not None else None, header_style="bold")
        for c, w in zip(part, fit_widths(part, width)):
            justify: Literal["left", "right"] = "left" if c.kind in ("text", "bool") else "right"
            table.add_column(escape(c.label), justify=justify, overflow="fold", width=w)
        for r in range(len(df)):
            table.add_row(*(escape(c.cells[r]) for c in part))
        tables.append(table)
    return tables + [f"{c.label}: {c.cells[0]} (every row)" for c in constant if c.cells[0] not in ("", "—")]
