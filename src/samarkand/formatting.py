"""Human-readable figures for the sentences methods write into their tables (``why`` columns, notes)."""
from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd


def headline_money(v: float | None, unit: str = "USD") -> str:
    """1.23e9 → 'USD 1.23 bn' (human scale, two decimals, for chart labels and headlines); 'n/a' for none."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "n/a"
    a = abs(v)
    for div, suf in ((1e12, "tn"), (1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if a >= div:
            return f"{unit} {v / div:,.2f} {suf}"
    return f"{unit} {v:,.0f}"


def money(v: float, *, k_decimals: int = 0) -> str:
    """1.234e9 → '1.23 bn USD', 4.5e6 → '4.5 m USD', 1500 → '2 k USD' (``k_decimals`` for thousands)."""
    a = abs(v)
    if a >= 1e9:
        return f"{v / 1e9:.2f} bn USD"
    if a >= 1e6:
        return f"{v / 1e6:.1f} m USD"
    if a >= 1e3:
        return f"{v / 1e3:.{k_decimals}f} k USD"
    return f"{v:.0f} USD"


def criteria_cell(table: pd.DataFrame, letters: Sequence[tuple[str, str]]) -> list[str]:
    """One compact cell per row: the letter of each boolean criterion column met, '·' where not met.

    ``letters``: (column, letter) pairs, e.g. [("crit_import_hhi", "H"), ("crit_ratio", "R")] → 'H·' .
    """
    return ["".join(ch if bool(r[c]) else "·" for c, ch in letters) for _, r in table.iterrows()]
