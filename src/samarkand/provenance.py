"""Results carry their provenance: dataset, release, years, method and thresholds.

Every method returns a :class:`Result`: a tidy table plus a provenance dict and, where a method
has more than one table to give, named extra tables.  Interfaces (CLI, API, brief) print the
provenance next to the figures.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd


@dataclass
class Result:
    """A method's answer: ``table`` (tidy, documented columns), ``provenance`` and ``extras``."""

    table: pd.DataFrame
    provenance: dict[str, Any] = field(default_factory=dict)
    extras: dict[str, pd.DataFrame] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: provenance, notes, rows, and each extra table's rows."""
        return {
            "provenance": self.provenance,
            "notes": list(self.notes),
            "rows": frame_records(self.table),
            "extras": {k: frame_records(v) for k, v in self.extras.items()},
        }


def frame_records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """DataFrame rows as JSON-safe dicts (NaN and infinities become None / strings)."""
    import math

    out = []
    for rec in df.to_dict(orient="records"):
        clean = {}
        for k, v in rec.items():
            if isinstance(v, float):
                if math.isnan(v):
                    v = None
                elif math.isinf(v):
                    v = "inf" if v > 0 else "-inf"
            elif hasattr(v, "item"):  # numpy scalar
                v = v.item()
            elif isinstance(v, (list, tuple)):
                v = list(v)
            clean[str(k)] = v
        out.append(clean)
    return out
