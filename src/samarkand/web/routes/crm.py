"""``/api/crm/...`` and ``/api/materials``: critical raw materials (CRM study 2023, CRM Act benchmarks)."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from samarkand.provenance import Result
from samarkand.web.api import respond
from samarkand.web.params import Dataset, EconomyQ, Limit, Year, economy, open_flows

router = APIRouter(prefix="/api", tags=["methods"])

MaterialQ = Annotated[str | None, Query(max_length=60)]
Threshold = Annotated[float, Query(gt=0, le=1)]


@router.get("/materials", summary="EU sourcing concentration per material and stage (CRM study shares)")
def materials(material: MaterialQ = None,
              stage: Annotated[Literal["E", "P"] | None, Query(description="E extraction, P processing")] = None,
              limit: Limit = None) -> Response:
    def compute() -> Result:
        from samarkand.methods.material_view import material_view

        return material_view(material, stage)

    return respond("materials", {"material": material, "stage": stage}, compute, limit=limit)


@router.get("/crm/hs6", summary="CRMA benchmark at HS6 level on trade flows (codes mapped to materials)")
def crm_hs6(importer: EconomyQ = "EU27", year: Year = None, material: MaterialQ = None, threshold: Threshold = 0.65,
            dataset: Dataset = None, limit: Limit = None) -> Response:
    imp = economy("importer", importer)
    params = {"importer": imp, "year": year, "material": material, "threshold": threshold, "dataset": dataset}

    def compute() -> Result:
        from samarkand.methods import crm

        with open_flows(dataset, year) as fl:
            return crm.hs6_concentration(flows=fl, year=year, importer=imp, material=material, threshold=threshold)

    return respond("crm/hs6", params, compute, limit=limit)


@router.get("/crm/benchmark", summary="CRM Act 65 % single-third-country benchmark per strategic material")
def crm_benchmark(threshold: Threshold = 0.65, material: MaterialQ = None, strategic_only: bool = True,
                  limit: Limit = None) -> Response:
    def compute() -> Result:
        from samarkand.methods import crm

        return crm.benchmark(threshold, material=material, strategic_only=strategic_only)

    params = {"threshold": threshold, "material": material, "strategic_only": strategic_only}
    return respond("crm/benchmark", params, compute, limit=limit)


@router.get("/crm/partner", summary="A country's share of global supply and EU sourcing per material")
def crm_partner(economy_: Annotated[str, Query(alias="economy", min_length=2, max_length=60)] = "KAZ",
                limit: Limit = None) -> Response:
    e = economy("economy", economy_)

    def compute() -> Result:
        from samarkand.methods import crm

        return crm.partner(e)

    return respond("crm/partner", {"economy": e}, compute, limit=limit)


@router.get("/crm/criticality", summary="Supply risk and economic importance per material and assessment")
def crm_criticality(year: Annotated[int | None, Query(ge=2011, le=2030)] = None, material: MaterialQ = None,
                    limit: Limit = None) -> Response:
    def compute() -> Result:
        from samarkand.methods import crm

        return crm.criticality(year, material)

    return respond("crm/criticality", {"year": year, "material": material}, compute, limit=limit)


@router.get("/crm/concentration", summary="HHI and governance-weighted HHI per material and stage")
def crm_concentration(material: MaterialQ = None, stage: Annotated[str | None, Query(max_length=20)] = None,
                      limit: Limit = None) -> Response:
    def compute() -> Result:
        from samarkand.methods import crm

        return crm.concentration(material, stage)

    return respond("crm/concentration", {"material": material, "stage": stage}, compute, limit=limit)


@router.get("/crm/supply-risk", summary="Supply risk (JRC formula) with missing inputs marked")
def crm_supply_risk(material: MaterialQ = None, limit: Limit = None) -> Response:
    def compute() -> Result:
        from samarkand.methods import crm

        return crm.supply_risk(material)

    return respond("crm/supply-risk", {"material": material}, compute, limit=limit)


@router.get("/crm/reproduce", summary="samarkand's supply risk next to the published 2017 / 2023 values")
def crm_reproduce(year: Annotated[Literal["2017", "2023"], Query(description="Assessment to reproduce")] = "2023",
                  limit: Limit = None) -> Response:
    def compute() -> Result:
        from samarkand.methods import crm

        return crm.reproduce(ASSESSMENTS[year])

    return respond("crm/reproduce", {"year": int(year)}, compute, limit=limit)


ASSESSMENTS: dict[str, Literal[2017, 2023]] = {"2017": 2017, "2023": 2023}
