"""``/api/partnership``: what two economies can supply each other (RCA, complementarity, headroom)."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from samarkand.provenance import Result
from samarkand.web.api import respond
from samarkand.web.errors import ParamError
from samarkand.web.params import Dataset, DomainQ, EconomyQ, Limit, Year, economy, latest_year, open_flows

router = APIRouter(prefix="/api", tags=["methods"])


@router.get("/partnership", summary="Mutual opportunities of two economies")
def partnership(a: EconomyQ = "EU27", b: EconomyQ = "KAZ", year: Year = None, domain: DomainQ = None,
                method: Literal["ec2021", "geodep"] = "ec2021",
                rca_threshold: Annotated[float, Query(ge=0, le=100)] = 1.0,
                dataset: Dataset = None, limit: Limit = None) -> Response:
    ra, rb = economy("a", a), economy("b", b)
    if ra == rb:
        raise ParamError("b", f"b is the same economy as a ({ra}); give two different economies")
    params = {"a": ra, "b": rb, "year": year, "domain": domain, "method": method, "rca_threshold": rca_threshold,
              "dataset": dataset}

    def compute() -> Result:
        from samarkand.methods.partnership import partnership as part

        with open_flows(dataset, year) as fl:
            return part(ra, rb, latest_year(fl, year), flows=fl, domain=domain, method=method,
                        rca_threshold=rca_threshold)

    return respond("partnership", params, compute, limit=limit)
