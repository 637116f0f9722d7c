"""Energy endpoints: transit exposure, the stress backtest, the BACI–Eurostat cross-check and EU uranium supply."""
from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from samarkand.errors import InputError

router = APIRouter()


def _route_shares(text: str | None) -> dict[str, float]:
    """'KAZ=0.8,AZE=0.9' → mapping; InputError (422) on a malformed pair."""
    out: dict[str, float] = {}
    for part in [p for p in (text or "").split(",") if p.strip()]:
        k, sep, v = part.partition("=")
        try:
            if not sep:
                raise ValueError
            out[k.strip().upper()] = float(v)
        except ValueError as exc:
            raise InputError(f"route_share '{part}': write ISO3=share, e.g. KAZ=0.8") from exc
    return out


@router.get("/api/energy/exposure", tags=["energy"])
def energy_exposure(
    reporter: Annotated[str, Query(description="importer (ISO3, name or bloc)")] = "EU27",
    via: Annotated[str, Query(description="transit country (ISO3 or name)")] = "RUS",
    commodity: Annotated[Literal["crude", "lng"], Query()] = "crude",
    year: Annotated[int | None, Query(description="default: latest in the dataset")] = None,
    route_share: Annotated[str | None, Query(description="overrides, ISO3=share,...")] = None,
    dataset: str | None = None,
) -> dict[str, Any]:
    """Transit exposure of the reporter's imports through ``via`` (samarkand.methods.energy.exposure)."""
    from samarkand.methods.energy import exposure

    return exposure(reporter, year, via=via, commodity=commodity, route_shares=_route_shares(route_share),
                    dataset=dataset).to_dict()


@router.get("/api/energy/backtest", tags=["energy"])
def energy_backtest(
    reporter: str = "EU27",
    cut: str = "RUS",
    commodity: Annotated[Literal["crude", "lng"], Query()] = "crude",
    base_year: int = 2021,
    outcome_year: int | None = None,
    measure: Annotated[Literal["quantity", "value"], Query()] = "quantity",
    diversion: Annotated[float, Query(ge=0, le=1)] = 0.5,
    dataset: str | None = None,
) -> dict[str, Any]:
    """The stress test on the base year against the outcome year (samarkand.methods.energy.backtest)."""
    from samarkand.methods.energy import backtest

    return backtest(reporter, cut, commodity=commodity, base_year=base_year, outcome_year=outcome_year,
                    measure=measure, diversion=diversion, dataset=dataset).to_dict()


@router.get("/api/energy/crosscheck", tags=["energy"])
def energy_crosscheck(year_from: int = 2015, year_to: int = 2022, dataset: str | None = None) -> dict[str, Any]:
    """BACI tonnes of Kazakh crude to each EU member against Eurostat's physical imports."""
    from samarkand.methods.energy import crosscheck

    return crosscheck("KAZ", (year_from, year_to), dataset=dataset).to_dict()


@router.get("/api/energy/uranium", tags=["energy"])
def energy_uranium(economy: str = "EU27") -> dict[str, Any]:
    """EU natural-uranium deliveries by origin (ESA, as reported), Russia's services share, world production."""
    from samarkand.methods.uranium import uranium

    return uranium(economy).to_dict()
