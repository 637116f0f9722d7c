"""``/api/alignment``: governance (WGI) and UN-voting (ideal point) convergence of A with B."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from samarkand.provenance import Result
from samarkand.web.api import respond
from samarkand.web.params import EconomyQ, Limit, economy, economy_list, year_range

router = APIRouter(prefix="/api", tags=["methods"])

YearQ = Annotated[int | None, Query(ge=1946, le=2100)]


@router.get("/alignment", summary="Governance (WGI) and UN-voting (ideal point) convergence of A with B")
def alignment(a: EconomyQ = "KAZ", b: EconomyQ = "EU27",
              vs: Annotated[str | None, Query(max_length=200, description="Comma-separated references")]
              = "RUS,CHN",
              year_from: YearQ = None, year_to: YearQ = None,
              measure: Literal["idealpointfp", "idealpointall"] = "idealpointfp",
              limit: Limit = None) -> Response:
    ra, rb = economy("a", a), economy("b", b)
    refs = economy_list("vs", vs)
    year_range(year_from, year_to)
    params = {"a": ra, "b": rb, "vs": refs, "year_from": year_from, "year_to": year_to, "measure": measure}

    def compute() -> Result:
        from samarkand.methods.alignment import alignment as align

        years = None
        if year_from is not None or year_to is not None:
            years = range(year_from or 1946, (year_to or 2100) + 1)
        return align(ra, rb, vs=refs, years=years, measure=measure)

    return respond("alignment", params, compute, limit=limit)
