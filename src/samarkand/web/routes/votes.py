"""GET /api/votes: UN General Assembly vote agreement of a country with partners or blocs, by issue."""
from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from samarkand.errors import InputError

router = APIRouter()


@router.get("/api/votes", summary="UN General Assembly agreement by issue (identical share, agreement index), "
                                  "bloc majority and cohesion, trends and moved roll calls, 1946–2019")
def votes_endpoint(
    a: Annotated[str, Query(max_length=60, description="the country whose votes are compared")] = "KAZ",
    b: Annotated[str, Query(max_length=60, description="partner: country or bloc (EU27 by year)")] = "EU27",
    vs: Annotated[str, Query(max_length=200, description="other references, comma-separated")] = "",
    issue: Annotated[str, Query(max_length=40, description="hr,me,nu,di,co,ec or all")] = "hr",
    year_from: Annotated[int | None, Query(description="first year (data 1946–2019)")] = None,
    year_to: Annotated[int | None, Query(description="last year (data 1946–2019)")] = None,
    by: Literal["period", "year"] = "period",
    periods: Annotated[str | None, Query(max_length=200, description="e.g. 1992-1999,2010-2019")] = None,
    min_roll_calls: Annotated[int, Query(ge=1, le=200)] = 5,
) -> dict[str, Any]:
    from samarkand.cli.votes import parse_periods
    from samarkand.methods.votes import DATA_YEARS, votes

    years = None
    if year_from is not None or year_to is not None:
        y0, y1 = year_from or DATA_YEARS[0], year_to or DATA_YEARS[1]
        if y1 < y0:
            raise InputError(f"year_to ({y1}) is before year_from ({y0})")
        years = range(y0, y1 + 1)
    refs = [v for v in vs.split(",") if v.strip()]
    return votes(a, b, years, vs=refs, issue=issue, by=by, periods=parse_periods(periods),
                 min_roll_calls=min_roll_calls).to_dict()
