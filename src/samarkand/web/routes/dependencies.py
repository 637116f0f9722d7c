"""``/api/dependencies``: the dependency screen (EC 2021 / CEPII GeoDep) of one reporter."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from samarkand.provenance import Result
from samarkand.web.api import respond
from samarkand.web.params import Dataset, DomainQ, EconomyQ, Limit, Year, economy, latest_year, open_flows

router = APIRouter(prefix="/api", tags=["methods"])

MethodQ = Annotated[Literal["ec2021", "geodep"], Query(
    description="ec2021: European Commission SWD(2021) 352; geodep: CEPII GeoDep 2024")]


@router.get("/dependencies", summary="Dependency screen (EC 2021 / CEPII GeoDep)")
def dependencies(reporter: EconomyQ = "EU27", year: Year = None, method: MethodQ = "ec2021",
                 domain: DomainQ = None,
                 supplier: Annotated[str | None, Query(max_length=60, description="Keep products this economy "
                                                       "supplies (leverage table)")] = None,
                 dependent_only: Annotated[bool, Query(description="Only products meeting every criterion")]
                 = False,
                 risk: Annotated[bool, Query(description="Add risk-weighted HHI (WGI governance and UN ideal-point "
                                             "distance of suppliers)")] = False,
                 dataset: Dataset = None, limit: Limit = None) -> Response:
    rep = economy("reporter", reporter)
    sup = economy("supplier", supplier) if supplier else None
    params = {"reporter": rep, "year": year, "method": method, "domain": domain, "supplier": sup,
              "dependent_only": dependent_only, "risk": risk, "dataset": dataset}

    def compute() -> Result:
        from samarkand.methods.dependencies import dependencies as screen

        with open_flows(dataset, year) as fl:
            res = screen(rep, latest_year(fl, year), method=method, flows=fl, domain=domain, risk=risk or None)
        return keep_rows(res, dependent_only=dependent_only, supplier=sup)

    return respond("dependencies", params, compute, limit=limit)


def keep_rows(res: Result, *, dependent_only: bool, supplier: str | None) -> Result:
    """The screen's rows the client asked for: dependent products only, and/or products ``supplier`` sells
    to the reporter (in the leverage table) or leads.  (To move into the method: issue 13.)"""
    t = res.table
    if dependent_only:
        t = t[t["dependent"]]
    if supplier:
        lev = res.extras.get("leverage")
        keep = set(lev.loc[lev["supplier"] == supplier, "hs6"]) if lev is not None else set()
        t = t[t["hs6"].isin(keep) | (t["top_supplier"] == supplier)]
    if t is res.table:
        return res
    return Result(table=t.reset_index(drop=True), provenance=res.provenance, extras=res.extras, notes=res.notes)
