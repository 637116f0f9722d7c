"""``/api/corridors``: Kazakhstan's export corridors, max-flow before and after closures."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from samarkand.provenance import Result
from samarkand.web.api import respond
from samarkand.web.params import economy_list

router = APIRouter(prefix="/api", tags=["methods"])


@router.get("/corridors", summary="Kazakhstan's export corridors: max-flow before/after closures")
def corridors(commodity: Annotated[str, Query(max_length=40)] = "crude",
              close_transit: Annotated[str | None, Query(max_length=200, description="Comma-separated transit "
                                                         "countries to close")] = None,
              close_links: Annotated[str | None, Query(max_length=400, description="Comma-separated link names "
                                                       "to close")] = None,
              capacity: Annotated[Literal["low", "high"], Query(
                  description="Low or high end of each link's sourced capacity range")] = "low") -> Response:
    ct = economy_list("close_transit", close_transit)
    cl = [s.strip() for s in close_links.split(",") if s.strip()] if close_links else []
    params = {"commodity": commodity, "close_transit": ct, "close_links": cl, "capacity": capacity}

    def compute() -> Result:
        from samarkand.methods.corridors import corridors as cor

        return cor(commodity=commodity, close_transit=ct, close_links=cl, capacity=capacity)

    return respond("corridors", params, compute)
