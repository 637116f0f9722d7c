"""Terminal tables that fit the terminal: every figure formatted by :mod:`samarkand.display`, numbers never wrap.

A column's figures are formatted by its kind (:func:`samarkand.display.kind_of`) and its header names the unit
(:func:`samarkand.display.header`).  Number columns never wrap or shrink below their widest cell; text columns
wrap (long text is cut to :data:`TEXT_LIMIT` characters).  When the number columns cannot all fit at the console
width, the table is printed in parts, each repeating the leading text columns that identify a row.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from rich.markup import escape
from rich.table import Table

from samarkand import display

TEXT_LIMIT = 60          # characters of a text cell shown in a table (csv/json keep it whole)
TEXT_MIN = 10            # narrowest a wrapping text column gets (or its longest header word, if wider)
KEY_COLUMNS = 2          # leading text columns repeated in every part of a split table


@dataclass(frozen=True)
class ShownColumn:
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
    def narrowest(self) -> int:
        """The smallest content width: the widest cell for figures, a readable minimum for text."""
        longest_word = max((len(w) for w in self.label.split()), default=1)
        if not self.wraps:
            return max([longest_word, *(len(c) for c in self.cells)])
        return max(longest_word, min(self.natural, TEXT_MIN))


def shown_columns(df: pd.DataFrame) -> list[ShownColumn]:
    """Each column of ``df`` with its kind, its header (with unit) and its cells as the display module shows them."""
    out = []
    for name in df.columns:
        kind = display.kind_of(str(name), df[name])
        cells = [_cut(display.format_value(v, kind)) if kind == "text" else display.format_value(v, kind)
                 for v in df[name].tolist()]
        out.append(ShownColumn(str(name), display.header(str(name), kind), kind, cells))
    return out


def _cut(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= TEXT_LIMIT else text[: TEXT_LIMIT - 1] + "…"


def table_width(widths: list[int]) -> int:
    """Characters a rich table with the default box and padding takes for these content widths."""
    return sum(widths) + 3 * len(widths) + 1


def split_columns(cols: list[ShownColumn], width: int) -> list[list[ShownColumn]]:
    """Groups of columns that each fit ``width``; every group after the first repeats the key columns."""
    if table_width([c.narrowest for c in cols]) <= width:
        return [cols]
    keys: list[ShownColumn] = []
    for c in cols[:KEY_COLUMNS]:
        if not c.wraps or table_width([k.narrowest for k in keys + [c]]) > width // 2:
            break
        keys.append(c)
    rest = cols[len(keys):]
    parts: list[list[ShownColumn]] = []
    current: list[ShownColumn] = []
    for c in rest:
        if current and table_width([k.narrowest for k in keys + current + [c]]) > width:
            parts.append(keys + current)
            current = []
        current.append(c)
    parts.append(keys + current)
    return parts


def fit_widths(cols: list[ShownColumn], width: int) -> list[int]:
    """Content widths for ``cols`` within ``width``: each at least its narrowest, growing towards its natural width
    (headers on one line, text unwrapped) in proportion to what it lacks, as far as the width allows."""
    widths = [c.narrowest for c in cols]
    spare = width - table_width(widths)
    lack = [max(0, c.natural - w) for c, w in zip(cols, widths)]
    if spare <= 0 or not any(lack):
        return widths
    if sum(lack) <= spare:
        return [w + x for w, x in zip(widths, lack)]
    total = sum(lack)
    return [w + x * spare // total for w, x in zip(widths, lack)]


def frame_tables(df: pd.DataFrame, *, title: str | None = None, width: int = 80) -> list[Table]:
    """The rich tables that show ``df`` within ``width`` characters (one, unless the columns must be split)."""
    cols = shown_columns(df)
    parts = split_columns(cols, width) if cols else [[]]
    tables = []
    for i, part in enumerate(parts):
        name = title if i == 0 else (f"{title} (continued)" if title else "(continued)")
        table = Table(title=escape(name) if name is not None else None, header_style="bold")
        for c, w in zip(part, fit_widths(part, width)):
            table.add_column(escape(c.label), justify="left" if c.wraps else "right", overflow="fold", width=w)
        for r in range(len(df)):
            table.add_row(*(escape(c.cells[r]) for c in part))
        tables.append(table)
    return tables
