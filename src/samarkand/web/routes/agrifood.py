"""``/api/agrifood``: Kazakhstan's agricultural exports to EU members (FAOSTAT)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from samarkand.provenance import Result
from samarkand.web.api import respond
from samarkand.web.params import Limit

router = APIRouter(prefix="/api", tags=["methods"])


def faostat_years() -> tuple[int, int]:
    """First and last year of the shipped FAOSTAT table, for the parameter's documented range."""
    from samarkand import reference

    years = sorted(int(y) for y in reference.load("faostat_kaz_eu_trade")["year"].unique())
    return years[0], years[-1]


FIRST, LAST = faostat_years()


@router.get("/agrifood", summary="Kazakhstan's agricultural exports to EU members (FAOSTAT), by item")
def agrifood(year: Annotated[int | None, Query(ge=FIRST, le=LAST, description="FAOSTAT year (default: latest)")]
             = None, limit: Limit = None) -> Response:
    def compute() -> Result:
        from samarkand.methods.agrifood import kaz_eu_agrifood

        return kaz_eu_agrifood(year)

    return respond("agrifood", {"year": year}, compute, limit=limit)
