"""``/api/rebalance``: re-source one product's imports to minimise risk-weighted concentration."""
from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from samarkand.provenance import Result
from samarkand.web.api import respond
from samarkand.web.errors import ParamError
from samarkand.web.params import Dataset, EconomyQ, Year, economy, economy_list, hs6, latest_year, open_flows

router = APIRouter(prefix="/api", tags=["methods"])


@router.get("/rebalance", summary="Re-source a product's imports to minimise risk-weighted concentration")
def rebalance(reporter: EconomyQ = "EU27",
              product: Annotated[str | None, Query(min_length=4, max_length=6, pattern=r"^\d{4,6}$",
                                                   description="HS6 code")] = None,
              material: Annotated[str | None, Query(max_length=60, description="CRM-study material (instead of "
                                                    "product)")] = None,
              stage: Annotated[Literal["E", "P"] | None, Query()] = None,
              year: Year = None,
              avoid: Annotated[str | None, Query(max_length=300, description="Comma-separated economies")] = None,
              favour: Annotated[str | None, Query(max_length=300)] = None,
              objective: Annotated[Literal["risk_hhi", "hhi"], Query(
                  description="Minimise Σ risk·share² (risk_hhi) or Σ share² (hhi)")] = "risk_hhi",
              max_shift: Annotated[float | None, Query(gt=0, le=1)] = None,
              growth: Annotated[float, Query(ge=0, le=10)] = 0.0,
              dataset: Dataset = None) -> Response:
    rep = economy("reporter", reporter)
    if (product is None) == (material is None):
        raise ParamError("product", "give exactly one of product (HS6) or material")
    code = hs6("product", product) if product else None
    av, fa = economy_list("avoid", avoid), economy_list("favour", favour)
    params = {"reporter": rep, "product": code, "material": material, "stage": stage, "year": year,
              "avoid": av, "favour": fa, "objective": objective, "max_shift": max_shift, "growth": growth,
              "dataset": dataset}

    def compute() -> Result:
        from samarkand.methods.rebalance import rebalance as reb

        kw: dict[str, Any] = {"avoid": av, "favour": fa, "objective": objective, "max_shift": max_shift,
                              "growth": growth, "material": material, "stage": stage}
        if code is None:                       # a CRM-study material: no flows involved
            return reb(rep, None, year, flows=None, **kw)
        with open_flows(dataset, year) as fl:
            return reb(rep, code, latest_year(fl, year), flows=fl, **kw)

    return respond("rebalance", params, compute)
