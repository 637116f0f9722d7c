"""Results carry their provenance: dataset, source, years, method and thresholds.

Every method returns a :class:`Result`: a tidy table plus a :class:`Provenance` and, where a method has more
than one table to give, named extra tables.  Interfaces (CLI, API, brief) print the provenance next to the
figures.  A Result is immutable: build a new one with :meth:`Result.replace`, :meth:`Result.with_table` or
:meth:`Result.with_notes` instead of assigning to it.
"""
from __future__ import annotations

import dataclasses
import math
import numbers
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NoReturn

import pandas as pd

#: keys every provenance holds (``thresholds`` is filled with ``{}`` for a method that has none)
REQUIRED_KEYS = ("method", "source", "dataset", "years", "thresholds")

#: Modules owned by other branches whose Results did not yet carry every required key when provenance became
#: typed: their provenance is kept as given (with the missing keys listed in ``Provenance.missing``).  The lead
#: empties this set once those branches are merged; any other ``samarkand.*`` module gets a ProvenanceError.
#: A Result built outside the package (a notebook, a test) keeps what it is given, the missing keys listed.
PENDING_MODULES: frozenset[str] = frozenset()


class ProvenanceError(TypeError):
    """A method built a Result whose provenance lacks a required key (a bug in the method, not a user error)."""


class _ReadOnlyDict(dict[str, Any]):
    """A dict that refuses changes after construction; it still reads, unpacks and serialises as a dict."""

    def _refuse(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError(f"{type(self).__name__} is read-only: build a new one (Result.replace)")

    __setitem__ = __delitem__ = _refuse
    clear = pop = popitem = setdefault = update = _refuse
    __ior__ = _refuse

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (dict(self),)

    def __copy__(self) -> _ReadOnlyDict:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> _ReadOnlyDict:
        return self


class Provenance(_ReadOnlyDict):
    """Where a figure came from: at least ``method``, ``source``, ``dataset``, ``years`` (list of int) and
    ``thresholds`` (a mapping, ``{}`` when the method has none), plus any method-specific keys.

    Reads like the dict it replaces (``prov["method"]``, ``prov.get``, ``**prov``, ``json.dumps``); typed
    attributes give the required keys.  Construction validates them (:func:`problems`).
    """

    missing: tuple[str, ...] = ()

    def __init__(self, data: Mapping[str, Any] | None = None, /, **keys: Any):
        merged = {**(data or {}), **keys}
        merged.setdefault("thresholds", {})
        if "years" in merged and isinstance(merged["years"], (list, tuple)):  # numpy integers → int
            merged["years"] = [int(y) if isinstance(y, numbers.Integral) else y for y in merged["years"]]
        found = problems(merged)
        if found:
            raise ProvenanceError("provenance " + "; ".join(found) + f" (keys given: {', '.join(sorted(merged))})")
        super().__init__(merged)

    @classmethod
    def unchecked(cls, data: Mapping[str, Any]) -> Provenance:
        """Provenance of a module in PENDING_MODULES: kept as given, the missing keys recorded."""
        prov = dict.__new__(cls)
        dict.__init__(prov, {"thresholds": {}, **data})
        prov.missing = tuple(k for k in REQUIRED_KEYS if k not in prov)
        return prov

    def __reduce__(self) -> tuple[Any, ...]:
        return _restore, (dict(self), bool(self.missing))

    @property
    def method(self) -> str:
        return str(self["method"])

    @property
    def source(self) -> str:
        return str(self["source"])

    @property
    def dataset(self) -> str:
        return str(self["dataset"])

    @property
    def years(self) -> list[int]:
        return list(self["years"])

    @property
    def thresholds(self) -> Mapping[str, Any]:
        return self.get("thresholds") or {}


def _restore(data: dict[str, Any], pending: bool) -> Provenance:
    return Provenance.unchecked(data) if pending else Provenance(data)


def problems(prov: Mapping[str, Any]) -> list[str]:
    """What is wrong with ``prov``: missing required keys, ``years`` not a list of int, ``thresholds`` not a
    mapping.  Empty when it is complete.  The one place the required keys are checked."""
    out = [f"lacks '{k}'" for k in REQUIRED_KEYS if k not in prov or prov[k] is None]
    years = prov.get("years")
    if years is not None and not (isinstance(years, (list, tuple))
                                  and all(isinstance(y, int) and not isinstance(y, bool) for y in years)):
        out.append(f"'years' must be a list of int, not {years!r}")
    thresholds = prov.get("thresholds")
    if thresholds is not None and not isinstance(thresholds, Mapping):
        out.append(f"'thresholds' must be a mapping, not {thresholds!r}")
    return out


def _as_provenance(prov: Mapping[str, Any], caller: str) -> Provenance:
    """The one place a Result's provenance is checked: strictly for the package's own modules."""
    if isinstance(prov, Provenance):
        return prov
    strict = caller.startswith("samarkand.") and caller not in PENDING_MODULES
    if not strict and problems({"thresholds": {}, **prov}):
        return Provenance.unchecked(prov)
    return Provenance(prov)


class Notes(tuple[str, ...]):
    """A Result's notes: a tuple that still concatenates with a list (``res.notes + ["another"]``)."""

    def __add__(self, other: Iterable[str]) -> Notes:  # type: ignore[override]
        return Notes((*self, *other))

    def __radd__(self, other: Iterable[str]) -> Notes:
        return Notes((*other, *self))


class Extras(_ReadOnlyDict):
    """A Result's named extra tables (read-only)."""


@dataclass(frozen=True, eq=False)
class Result:
    """A method's answer: ``table`` (tidy, documented columns), ``provenance``, ``extras`` and ``notes``.

    Frozen: ``provenance`` becomes a :class:`Provenance` (validated), ``extras`` a read-only mapping and
    ``notes`` a tuple.  Derive a changed copy with :meth:`replace`, :meth:`with_table`, :meth:`with_notes`.
    """

    table: pd.DataFrame
    provenance: Mapping[str, Any] = field(default_factory=dict)
    extras: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    notes: Sequence[str] = ()

    def __post_init__(self) -> None:
        caller = sys._getframe(2).f_globals.get("__name__", "")
        object.__setattr__(self, "provenance", _as_provenance(self.provenance, caller))
        object.__setattr__(self, "extras", Extras(self.extras))
        object.__setattr__(self, "notes", Notes(str(n) for n in self.notes))

    def replace(self, **changes: Any) -> Result:
        """A copy with some fields changed (``table=``, ``extras=``, ``notes=``, ``provenance=``).

        A provenance derived from one still pending (see PENDING_MODULES) stays pending."""
        new_prov = changes.get("provenance")
        if new_prov is not None and not isinstance(new_prov, Provenance):
            pending = isinstance(self.provenance, Provenance) and bool(self.provenance.missing)
            changes["provenance"] = Provenance.unchecked(new_prov) if pending else Provenance(new_prov)
        return dataclasses.replace(self, **changes)

    def with_table(self, table: pd.DataFrame) -> Result:
        """The same result showing another table (e.g. a filtered or narrower view)."""
        return self.replace(table=table)

    def with_notes(self, *notes: str) -> Result:
        """The same result with ``notes`` appended."""
        return self.replace(notes=(*self.notes, *notes))

    def head(self, n: int | None) -> Result:
        """The first ``n`` rows of the table (all rows when ``n`` is None)."""
        return self if n is None else self.with_table(self.table.head(n))

    def where(self, **equals: Any) -> Result:
        """Rows of the table whose columns equal the values given (``where(stage="E")``); None values are
        ignored, so an unset filter option passes through."""
        mask = pd.Series(True, index=self.table.index)
        for col, value in equals.items():
            if value is not None:
                mask &= self.table[col] == value
        return self.with_table(self.table.loc[mask].reset_index(drop=True))

    def select(self, columns: Iterable[str]) -> Result:
        """The table narrowed to ``columns`` (those it has, in that order)."""
        return self.with_table(self.table[[c for c in columns if c in self.table.columns]])

    def with_extras(self, **tables: pd.DataFrame) -> Result:
        """The same result with extra tables added or replaced."""
        return self.replace(extras={**self.extras, **tables})

    def without_extras(self, *names: str) -> Result:
        """The same result without the named extra tables (all of them when no name is given)."""
        return self.replace(extras={k: v for k, v in self.extras.items() if names and k not in names})

    def to_frame(self) -> pd.DataFrame:
        """The main table (a copy: the Result stays as it is)."""
        return self.table.copy()

    def plot(self) -> Any:
        """The brief's chart for this result, as a plotly Figure (see :mod:`samarkand.charts`)."""
        from samarkand.charts import plot

        return plot(self)

    def _repr_html_(self) -> str:
        """Jupyter: the first rows formatted as the brief formats them, the notes and the provenance line."""
        from samarkand.display import result_html

        return result_html(self)

    def __repr__(self) -> str:
        from samarkand.display import result_repr

        return result_repr(self)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: provenance, notes, rows, and each extra table's rows."""
        return {
            "provenance": dict(self.provenance),
            "notes": list(self.notes),
            "rows": frame_records(self.table),
            "extras": {k: frame_records(v) for k, v in self.extras.items()},
        }


def frame_records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """DataFrame rows as JSON-safe dicts (NaN and infinities become None / strings)."""
    return [{str(k): _json_value(v) for k, v in rec.items()} for rec in df.to_dict(orient="records")]


def _json_value(v: Any) -> Any:
    if isinstance(v, float):
        if math.isnan(v):
            return None
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return v
    if hasattr(v, "item"):  # numpy scalar
        return v.item()
    if isinstance(v, (list, tuple)):
        return list(v)
    return v


def years_of(values: Iterable[Any]) -> list[int]:
    """Sorted distinct years as ints (for a provenance's ``years`` from a table column)."""
    return sorted({int(y) for y in values if pd.notna(y)})
