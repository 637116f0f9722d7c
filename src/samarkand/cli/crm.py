"""`samarkand crm`: EU critical raw materials — criticality, supply risk, CRM Act benchmark, a partner's place.

    samarkand crm                         criticality table 2011–2023 with the list thresholds
    samarkand crm --material magnesium    one material: criticality history, concentration, SR per stage
    samarkand crm --benchmark             Reg. 2024/1252 65 % third-country benchmark (strategic materials)
    samarkand crm --partner KAZ           a country's share of global supply and EU sourcing
    samarkand crm --reproduce 2023        samarkand's SR next to the published SR, with reasons
    samarkand crm --hs6 [--dataset NAME]  concentration and benchmark at HS6 level on trade flows
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import pandas as pd
import typer

from samarkand.cli.common import parse_years
from samarkand.cli.output import Format, emit
from samarkand.errors import InputError


def crm_command(
    benchmark: bool = typer.Option(False, "--benchmark", help="CRM Act 65 % benchmark per strategic material"),
    partner: Optional[str] = typer.Option(None, "--partner", help="a country (ISO3 or name), e.g. KAZ"),
    reproduce: Optional[int] = typer.Option(None, "--reproduce", help="2017 or 2023: reproduce the published SR"),
    material: Optional[str] = typer.Option(None, "--material", help="a material name, e.g. magnesium"),
    stage: Optional[str] = typer.Option(None, "--stage", help="E (extraction) or P (processing)"),
    hs6: bool = typer.Option(False, "--hs6", help="HS6-level concentration and benchmark on trade flows"),
    dataset: Optional[str] = typer.Option(None, "--dataset", help="flows dataset in the store (with --hs6)"),
    year: Optional[int] = typer.Option(None, "--year", help="assessment year (criticality) or flow year (--hs6)"),
    importer: str = typer.Option("EU27", "--importer", help="importing economy or bloc for --hs6"),
    shares: Optional[Path] = typer.Option(None, "--shares", help="CSV of your own supplier shares "
                                          "(material, stage, country, share[, t]) for the concentration"),
    wgi_years: str = typer.Option("2016-2020", "--wgi-years", help="WGI years averaged, e.g. 2016-2020 or 2021"),
    all_materials: bool = typer.Option(False, "--all", help="with --benchmark: Annex II critical materials too"),
    threshold: float = typer.Option(0.65, "--threshold", help="benchmark: largest third-country share allowed"),
    fmt: Format = typer.Option(Format.table, "--format", help="table | csv | json"),
) -> None:
    """EU critical raw materials: criticality (JRC method), supply risk, CRM Act benchmark, partner view."""
    from samarkand.methods import crm

    wy = parse_years(wgi_years)
    if not wy:
        raise InputError("--wgi-years: give a year or a range, e.g. 2016-2020")
    chosen = [n for n, v in (("--benchmark", benchmark), ("--partner", partner), ("--reproduce", reproduce),
                             ("--hs6", hs6)) if v]
    if len(chosen) > 1:
        raise InputError(f"choose one of {', '.join(chosen)}")
    if not 0 < threshold <= 1:
        raise InputError(f"--threshold must be a share in (0, 1], not {threshold}")
    if dataset and not hs6:
        raise InputError("--dataset applies to --hs6 (trade flows)")
    if benchmark:
        res = crm.benchmark(threshold, material=material, strategic_only=not all_materials)
        res = res.where(stage=crm.check_stage(stage, None, ["E", "P"]) if stage else None)
        emit(_benchmark_table(res, threshold) if fmt is Format.table else res, fmt,
             title=f"CRM Act benchmark: largest single third-country share in EU sourcing (> {threshold:.0%})")
    elif partner:
        res = crm.partner(partner, wgi_years=wy).where(material=crm.find_material(material) if material else None)
        emit(res, fmt, title=f"{partner}: share of global supply and EU sourcing (EU CRM study 2023)")
    elif reproduce is not None:
        _reproduce(reproduce, material, wy, fmt)
    elif hs6:
        res = crm.hs6_concentration(importer, year, dataset=dataset, material=material, threshold=threshold)
        emit(res, fmt, title=f"HS6 concentration and {threshold:.0%} benchmark ({importer})")
    elif shares is not None:
        res = crm.concentration(material, stage, wgi_years=wy, shares=_read_shares(shares))
        emit(res, fmt, title=f"HHI and HHI_WGI,t from {shares.name}")
    elif material:
        from samarkand.methods.material_view import material_profile

        res = material_profile(material, stage, wgi_years=wy)
        emit(res, fmt, title=f"{res.provenance['material']}: concentration of global supply (GS) and EU sourcing (EU)")
    else:
        from samarkand.methods.material_view import criticality_view

        emit(criticality_view(year), fmt, title="EU criticality (SR, EI) with thresholds EI >= 2.8 and SR >= 1.0")


BENCHMARK_COLUMNS = ["item", "material", "stage", "top_third_country", "top_third_share", "breach", "eu_member_share",
                     "share_sum", "status"]


def _benchmark_table(res, threshold: float):
    """The benchmark for reading: 'above benchmark' yes/no, and the sourcing data's completeness in words
    (the method's ``status`` is about the data, not the benchmark: 'ok' beside 'breach' read as a verdict)."""
    t = res.select(BENCHMARK_COLUMNS).table
    data = ["complete" if s == "ok" else s for s in t["status"]]
    shown = t.drop(columns=["status", "share_sum"]).rename(columns={"breach": "above_benchmark"})
    return res.with_table(shown.assign(sourcing_data=data)).with_notes(
        f"above benchmark: the largest single third country supplies more than {threshold:.0%} of EU sourcing "
        "(Reg. (EU) 2024/1252 Art. 5(1)(b)); sourcing data: whether the study's EU sourcing shares add up")
REPRODUCE_COLUMNS = ["material", "stage", "sr_samarkand", "sr_published", "diff", "reason_code", "reason"]


def _reproduce(year: int, material: str | None, wgi_years: list[int], fmt: Format) -> None:
    """`--reproduce 2017|2023`: samarkand's SR next to the published one (per stage with --material)."""
    from samarkand.methods import crm

    if year not in (2017, 2023):
        raise InputError(f"--reproduce takes 2017 or 2023, not {year}")
    res = crm.reproduce(year, wgi_years=wgi_years)  # type: ignore[arg-type]
    if material:
        m = crm.find_material(material)
        stages = res.extras["stages"]
        res = res.where(material=m).with_extras(stages=stages[stages["material"] == m])
    else:
        res = res.without_extras("stages")
    emit(res.select(REPRODUCE_COLUMNS) if fmt is Format.table else res, fmt,
         title=f"Supply risk {year}: samarkand vs published")


def _read_shares(path: Path) -> pd.DataFrame:
    """The user's supplier-share CSV (material, stage, country, share[, t]); InputError if unreadable."""
    if not path.exists():
        raise InputError(f"--shares: file {path} does not exist")
    try:
        return pd.read_csv(path)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"--shares: cannot read {path}: {exc}") from None


def register(app: typer.Typer) -> None:
    """Add the command to the ``samarkand`` app."""
    app.command("crm")(crm_command)
