"""``/api/cbam``: the cost of the EU's carbon border adjustment for an exporter's Annex I goods."""
from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from samarkand.provenance import Result
from samarkand.web.api import respond
from samarkand.web.params import Dataset, EconomyQ, Limit, economy, open_flows, year_range

router = APIRouter(prefix="/api", tags=["methods"])


def cbam_years() -> tuple[int, int]:
    """The CBAM horizon of the method (first and last year of its schedule)."""
    from samarkand.methods import cbam

    years = sorted(int(y) for y in cbam.CBAM_YEARS)
    return years[0], years[-1]


FIRST, LAST = cbam_years()


@router.get("/cbam", summary=f"CBAM cost of an exporter's Annex I goods sent to the EU, {FIRST}–{LAST}")
def cbam(exporter: EconomyQ = "KAZ",
         year_from: Annotated[int, Query(ge=FIRST, le=LAST, description="First CBAM year")] = FIRST,
         year_to: Annotated[int, Query(ge=FIRST, le=LAST, description="Last CBAM year")] = LAST,
         ets_price: Annotated[float | None, Query(ge=0, le=10_000, description="EU certificate price, EUR/tCO2e "
                                                  "(constant)")] = None,
         origin_carbon_price: Annotated[float, Query(ge=0, le=10_000)] = 0.0,
         intensity_cut: Annotated[float | None, Query(ge=0, le=1, description="Cut of emission intensity, "
                                                      "fraction")] = None,
         dataset: Dataset = None, limit: Limit = None) -> Response:
    ex = economy("exporter", exporter)
    year_range(year_from, year_to)
    params = {"exporter": ex, "year_from": year_from, "year_to": year_to, "ets_price": ets_price,
              "origin_carbon_price": origin_carbon_price, "intensity_cut": intensity_cut, "dataset": dataset}

    def compute() -> Result:
        from samarkand.methods.cbam import cbam as cost

        kw: dict[str, Any] = {} if ets_price is None else {"ets_price": ets_price}
        with open_flows(dataset) as fl:
            return cost(ex, years=range(year_from, year_to + 1), origin_carbon_price=origin_carbon_price,
                        intensity_cut=intensity_cut, flows=fl, **kw)

    return respond("cbam", params, compute, limit=limit)
