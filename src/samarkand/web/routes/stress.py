"""``/api/stress...``: supplier cut-off stress tests (deterministic, Monte Carlo, CRM-study materials)."""
from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from samarkand.provenance import Result
from samarkand.web.api import respond
from samarkand.web.errors import ParamError
from samarkand.web.params import Dataset, DomainQ, EconomyQ, Limit, Year, economy, economy_list, hs6_list, open_flows

router = APIRouter(prefix="/api", tags=["methods"])

CutQ = Annotated[str, Query(min_length=2, max_length=300, description="Comma-separated economies or blocs to cut "
                                                                       "(a coalition)")]
ShareCut = Annotated[float, Query(ge=0, le=1, description="Fraction of supply cut")]
Diversion = Annotated[float | None, Query(ge=0, le=1, description="Share of remaining suppliers' third-country "
                                                                  "exports that can be diverted")]


def cut_list(value: str) -> list[str]:
    cuts = economy_list("cut", value)
    if not cuts:
        raise ParamError("cut", "cut names no economy")
    return cuts


def diversion_kw(diversion: float | None) -> dict[str, Any]:
    """The method's own default diversion rate unless the client gives one."""
    return {} if diversion is None else {"diversion": diversion}


@router.get("/stress", summary="Supplier cut-off stress test with re-sourcing")
def stress(reporter: EconomyQ = "EU27", cut: CutQ = "CHN", year: Year = None, domain: DomainQ = None,
           products: Annotated[str | None, Query(max_length=2000, description="Comma-separated HS6")] = None,
           share_cut: ShareCut = 1.0, diversion: Diversion = None,
           suppliers: Annotated[Literal["current", "all"], Query(
               description="Who can replace: current suppliers only, or every exporter")] = "current",
           dataset: Dataset = None, limit: Limit = None) -> Response:
    rep = economy("reporter", reporter)
    cuts = cut_list(cut)
    prods = hs6_list("products", products)
    params = {"reporter": rep, "cut": cuts, "year": year, "domain": domain, "products": prods,
              "share_cut": share_cut, "diversion": diversion, "suppliers": suppliers, "dataset": dataset}

    def compute() -> Result:
        from samarkand.methods.stress import stress as st

        with open_flows(dataset, year) as fl:
            return st(rep, cut=cuts, products=prods, domain=domain, year=year, share_cut=share_cut,
                      suppliers=suppliers, flows=fl, **diversion_kw(diversion))

    return respond("stress", params, compute, limit=limit)


@router.get("/stress/monte-carlo", summary="Stress test with uncertain diversion rates (percentiles over draws)")
def stress_monte_carlo(reporter: EconomyQ = "EU27", cut: CutQ = "CHN", year: Year = None, domain: DomainQ = None,
                       share_cut: ShareCut = 1.0,
                       n: Annotated[int, Query(ge=10, le=5000, description="Number of draws")] = 500,
                       dist: Annotated[Literal["uniform", "beta"], Query(description="Distribution of diversion "
                                                                         "rates")] = "uniform",
                       low: Annotated[float, Query(ge=0, le=1)] = 0.0, high: Annotated[float, Query(ge=0, le=1)] = 1.0,
                       seed: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
                       dataset: Dataset = None, limit: Limit = None) -> Response:
    rep = economy("reporter", reporter)
    cuts = cut_list(cut)
    if high < low:
        raise ParamError("high", f"high ({high}) is below low ({low})")
    params = {"reporter": rep, "cut": cuts, "year": year, "domain": domain, "share_cut": share_cut, "n": n,
              "dist": dist, "low": low, "high": high, "seed": seed, "dataset": dataset}

    def compute() -> Result:
        from samarkand.methods.stress import stress_monte_carlo as mc

        with open_flows(dataset, year) as fl:
            return mc(rep, cuts, domain=domain, year=year, share_cut=share_cut, n=n, dist=dist, low=low,
                      high=high, seed=seed, flows=fl)

    return respond("stress/monte-carlo", params, compute, limit=limit)


@router.get("/stress/materials", summary="Material-level stress on the EU CRM study (share of EU sourcing lost)")
def stress_materials(cut: CutQ = "CHN", share_cut: ShareCut = 1.0, diversion: Diversion = None,
                     limit: Limit = None) -> Response:
    cuts = cut_list(cut)
    params = {"cut": cuts, "share_cut": share_cut, "diversion": diversion}

    def compute() -> Result:
        from samarkand.methods.stress import stress_materials as sm

        return sm(cuts, share_cut=share_cut, **diversion_kw(diversion))

    return respond("stress/materials", params, compute, limit=limit)
