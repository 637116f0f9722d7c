"""Query parameters shared by the API routes and the pages: types, the one economy-list parser, checks.

Every check raises :class:`~samarkand.web.errors.ParamError` naming the parameter (a 422).  A query
parameter an endpoint does not declare is a 422 as well (:func:`reject_unknown_query`), so a typo never
silently falls back to a default and never enters a cache key.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Literal

from fastapi import Query, Request
from fastapi.dependencies.models import Dependant
from pydantic import BaseModel

from samarkand import economies
from samarkand.errors import InputError, NotInStoreError
from samarkand.store import Flows
from samarkand.web.errors import ParamError


def domain_names() -> tuple[str, ...]:
    """The product domains a ``domain`` parameter accepts."""
    from samarkand import products

    return tuple(products.domain_names())


Domain = Literal[domain_names()]  # type: ignore[valid-type]

Year = Annotated[int | None, Query(ge=1988, le=2100, description="Trade year (default: latest in the dataset)")]
Dataset = Annotated[str | None, Query(max_length=120, description="Store dataset name (default: most recent "
                                                                   "import, else the shipped 'baci-crm')")]
Limit = Annotated[int | None, Query(ge=1, le=100_000, description="Return at most this many rows of the main "
                                                                   "table (extras are complete)")]
EconomyQ = Annotated[str, Query(min_length=2, max_length=60, description="ISO3 code, country name or bloc "
                                                                          "(EU27, EAEU, C5)")]
DomainQ = Annotated[Domain | None, Query(description="Restrict to a domain")]  # type: ignore[valid-type]


def economy(param: str, value: str) -> str:
    """One economy (ISO3, name or bloc) → its code; unknown → 422 naming ``param``."""
    try:
        return economies.resolve(value)
    except InputError as exc:
        raise ParamError(param, str(exc)) from exc


def economy_list(param: str, value: str | None) -> list[str]:
    """A comma-separated list of economies → codes (empty items skipped); unknown → 422 naming ``param``."""
    if value is None:
        return []
    return [economy(param, v) for v in value.split(",") if v.strip()]


def hs6(param: str, value: str) -> str:
    """An HS6 code (4–6 digits, zero-padded) checked against the nomenclature; bad → 422 naming ``param``."""
    try:
        from samarkand.products import check_code

        return check_code(value)
    except InputError as exc:
        raise ParamError(param, str(exc)) from exc


def hs6_list(param: str, value: str | None) -> list[str] | None:
    """A comma-separated list of HS6 codes, each checked (422 naming ``param``); None when empty."""
    if value is None or not value.strip():
        return None
    return [hs6(param, p) for p in value.split(",") if p.strip()]


def year_range(first: int | None, last: int | None, *, last_param: str = "year_to") -> None:
    """A 422 naming ``last_param`` when a range ends before it starts."""
    if first is not None and last is not None and last < first:
        raise ParamError(last_param, f"{last_param} ({last}) is before {last_param.replace('_to', '_from')} "
                                     f"({first})")


@contextmanager
def open_flows(dataset: str | None, year: int | None = None) -> Iterator[Flows]:
    """The dataset's flows for one request, ``year`` checked (422 naming ``year`` and listing the years)."""
    from samarkand.web.flows import POOL, dataset_info

    try:
        info = dataset_info(dataset)
    except NotInStoreError as exc:
        raise ParamError("dataset", str(exc)) from exc
    with POOL.flows(info) as fl:
        if year is not None:
            try:
                fl.require_year(int(year))
            except NotInStoreError as exc:
                raise ParamError("year", str(exc)) from exc
        yield fl


def latest_year(fl: Flows, year: int | None) -> int:
    """``year``, else the dataset's latest (Flows.latest_year); an empty dataset is a 422 naming ``dataset``."""
    if year is not None:
        return int(year)
    try:
        return fl.latest_year()
    except NotInStoreError as exc:
        raise ParamError("dataset", str(exc)) from exc


# --- unknown query parameters -----------------------------------------------------------------------------

def _declared(dep: Dependant) -> set[str]:
    names = set()
    for f in dep.query_params:
        names.add(f.alias)
        model = getattr(f.field_info, "annotation", None)
        if isinstance(model, type) and issubclass(model, BaseModel):      # a query-parameter model
            names |= {info.alias or name for name, info in model.model_fields.items()}
    for sub in dep.dependencies:
        names |= _declared(sub)
    return names


_DECLARED: dict[int, frozenset[str]] = {}


async def reject_unknown_query(request: Request) -> None:
    """A router dependency: a query parameter the endpoint does not declare is a 422 naming it."""
    route = request.scope.get("route")
    if route is None or not hasattr(route, "dependant"):
        return
    known = _DECLARED.get(id(route))
    if known is None:
        known = _DECLARED[id(route)] = frozenset(_declared(route.dependant))
    for name in request.query_params:
        if name not in known:
            raise ParamError(name, f"unknown parameter '{name}'; this endpoint takes: "
                                   f"{', '.join(sorted(known)) or 'no parameters'}", "unknown_parameter")
