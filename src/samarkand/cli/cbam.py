"""`samarkand cbam EXPORTER`: CBAM cost of an exporter's goods sent to the EU over the definitive period."""
from __future__ import annotations

import math
from pathlib import Path
from typing import Optional, cast, get_args

import pandas as pd
import typer

from samarkand.cli.common import parse_list, parse_years
from samarkand.cli.output import Format, emit
from samarkand.errors import DataError, InputError
from samarkand.methods.cbam import CBAM_YEARS, DEFAULT_PRICE_OUTLOOK, DEFAULT_USD_PER_EUR, PriceOutlook
from samarkand.provenance import Result


def _read_csv(path: Path, what: str):
    """A user's small CSV as strings, with its columns keyed by lower-case name."""
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DataError(f"cannot read {what}: {exc}", file=str(path)) from exc
    return df, {c.strip().lower(): c for c in df.columns}


def read_year_values(path: Path, value_names: tuple[str, ...], what: str) -> dict[int, float]:
    """CSV with a 'year' column and one value column (first of ``value_names`` present) → {year: value}."""
    df, cols = _read_csv(path, what)
    if "year" not in cols:
        raise DataError(f"{what} needs a 'year' column", file=str(path), field="year")
    vcol = next((cols[n] for n in value_names if n in cols), None)
    if vcol is None:
        raise DataError(f"{what} needs a value column named one of {list(value_names)}", file=str(path))
    out: dict[int, float] = {}
    for i, (y, v) in enumerate(zip(df[cols["year"]], df[vcol], strict=True), start=2):
        try:
            yy = int(str(y).strip())
        except ValueError:
            raise DataError(f"'{y}' is not a year", file=str(path), row=i, field="year") from None
        try:
            vv = float(str(v).strip())
        except ValueError:
            raise DataError(f"'{v}' is not a number", file=str(path), row=i, field=vcol) from None
        if vv < 0 or math.isnan(vv):
            raise DataError(f"{what} must be non-negative; got {v}", file=str(path), row=i, field=vcol)
        if yy in out:
            raise DataError(f"year {yy} given twice", file=str(path), row=i, field="year")
        out[yy] = vv
    return out


def read_code_values(path: Path, value_names: tuple[str, ...], what: str) -> dict[str, float]:
    """CSV with an 'hs6' (or 'cn') column and a value column → {code: value}; negatives refused by row."""
    df, cols = _read_csv(path, what)
    ccol = next((cols[n] for n in ("hs6", "cn", "cn_code", "code") if n in cols), None)
    vcol = next((cols[n] for n in value_names if n in cols), None)
    if ccol is None or vcol is None:
        raise DataError(f"{what} needs columns 'hs6' (or 'cn') and one of {list(value_names)}", file=str(path))
    from samarkand.methods.cbam import check_good

    out: dict[str, float] = {}
    for i, (c, v) in enumerate(zip(df[ccol], df[vcol], strict=True), start=2):
        try:
            vv = float(str(v).strip())
        except ValueError:
            raise DataError(f"'{v}' is not a number", file=str(path), row=i, field=vcol) from None
        if vv < 0 or math.isnan(vv):
            raise DataError(f"{what} must be non-negative tCO2e per tonne; got {v}", file=str(path), row=i,
                            field=vcol)
        try:
            hs6 = check_good(c)["hs6"]
        except InputError as exc:
            raise DataError(str(exc), file=str(path), row=i, field=ccol) from None
        out[hs6] = vv
    return out


SUMMARY_TITLE = "CBAM cost of {exporter}'s goods to the EU by year and sector (EUR m; low / central / high)"
SHORT_NAMES = {"cost_low_eur": "low_eur_m", "cost_eur": "central_eur_m", "cost_high_eur": "high_eur_m",
               "cost_share_of_value": "share of value", "price_low_path": "low price", "price_path": "central price",
               "price_high_path": "high price", "share_of_cost": "share of cost"}
DETAIL_COLUMNS = ["year", "hs6", "description", "tonnes", "intensity", "markup", "cbam_factor", "benchmark",
                  "certificates_tco2e", "eu_price", "cost_low_eur", "cost_eur", "cost_high_eur"]


def _years_text(years: list[int]) -> str:
    return ", ".join(map(str, years)) if len(years) < 3 or years[-1] - years[0] != len(years) - 1 \
        else f"{years[0]}–{years[-1]}"


def assumption_notes(by_year: pd.DataFrame) -> list[str]:
    """One line per assumption, naming the years it applies to."""
    years: dict[str, list[int]] = {}
    for y, text in zip(by_year["year"], by_year["assumptions"], strict=True):
        for part in filter(None, str(text).split("; ")):
            years.setdefault(part, []).append(int(y))
    return [f"assumption ({_years_text(ys)}): {part.replace(' (assumption)', '')}" for part, ys in years.items()]


def _in_millions(df: pd.DataFrame) -> pd.DataFrame:
    """Money columns in EUR millions under short names, for the terminal (shown to 3 significant digits)."""
    money = [c for c in ("cost_low_eur", "cost_eur", "cost_high_eur") if c in df.columns]
    return df.assign(**{c: df[c] / 1e6 for c in money}).rename(columns=SHORT_NAMES)


def terminal_view(res: Result, detail: bool) -> Result:
    """What the table format prints: by year and sector (default) or every good (``detail``); a new Result."""
    ex = res.extras
    by_year = _in_millions(ex["by_year"][["year", "cost_low_eur", "cost_eur", "cost_high_eur", "cost_share_of_value",
                                          "price_low_path", "price_high_path"]])
    extras = {"by year (EUR m)": by_year}
    if detail:
        table = res.table[[c for c in DETAIL_COLUMNS if c in res.table.columns]]
    else:
        table = _in_millions(ex["by_sector"][["year", "sector", "cost_low_eur", "cost_eur", "cost_high_eur"]])
        extras["by good, all years (EUR m)"] = _in_millions(ex["by_good"].assign(
            description=ex["by_good"]["description"].str.slice(0, 40)))
    extras |= {k: v for k, v in ex.items() if k in ("not_costed", "intensity_cut")}
    return Result(table=table, provenance=res.provenance, extras=extras,
                  notes=res.notes + assumption_notes(ex["by_year"]))


def register(app: typer.Typer) -> None:
    @app.command("cbam")
    def cbam_cmd(
        exporter: str = typer.Argument(..., help="exporting country (ISO3 or name), e.g. KAZ"),
        years: Optional[str] = typer.Option(None, "--years",
                                            help="CBAM years, e.g. 2026-2034 (default) or 2026,2030"),
        price_outlook: Optional[str] = typer.Option(
            None, "--price-outlook", help="sourced EU price outlook: " + ", ".join(get_args(PriceOutlook))
            + f" (default {DEFAULT_PRICE_OUTLOOK}); 2026 = the published quarterly certificate prices"),
        ets_price: Optional[float] = typer.Option(None, "--ets-price",
                                                  help="a constant EU certificate price, EUR/tCO2e, all years"),
        price_path: Optional[Path] = typer.Option(None, "--price-path",
                                                  help="CSV year,price (EUR/tCO2e): your own price path"),
        intensities: Optional[Path] = typer.Option(None, "--intensities",
                                                   help="CSV hs6,intensity: actual tCO2e per tonne (no mark-up)"),
        origin_price: float = typer.Option(0.0, "--origin-price",
                                           help="carbon price effectively paid at origin, EUR/tCO2e (Art. 9)"),
        intensity_cut: Optional[float] = typer.Option(None, "--intensity-cut",
                                                      help="percent: saving if intensities fall by this much"),
        goods: Optional[str] = typer.Option(None, "--goods", help="restrict to these HS6/CN codes (comma list)"),
        cscf: float = typer.Option(1.0, "--cscf", help="cross-sectoral correction factor (default 1: assumed)"),
        cost_unbenchmarked: bool = typer.Option(False, "--cost-unbenchmarked",
                                                help="cost goods without a benchmark with no free allocation "
                                                     "adjustment (default: list them as not costed)"),
        usd_per_eur: float = typer.Option(DEFAULT_USD_PER_EUR, "--usd-per-eur",
                                          help="USD per EUR for export values (default: ECB 2021 average)"),
        dataset: Optional[str] = typer.Option(None, "--dataset", help="flows dataset in the store"),
        detail: bool = typer.Option(False, "--detail", help="table format: list every good and year"),
        fmt: Format = typer.Option(Format.table, "--format", help="table | csv | json (csv/json: every good)"),
    ) -> None:
        """CBAM cost per year (low, central, high) under the legal free-allocation netting, the goods carrying
        most, and the saving from an intensity cut. Goods come from the flows in the store, else from the shipped
        fact table. The table format summarises by year and sector; --detail, csv and json list every good."""
        from samarkand.methods.cbam import cbam

        ys = parse_years(years)
        path = read_year_values(price_path, ("price", "price_eur", "eur"), "price path") if price_path else None
        ints = read_code_values(intensities, ("intensity", "tco2e_per_t", "value"), "intensity") \
            if intensities else None
        if intensity_cut is not None and not (0 <= intensity_cut <= 100):
            raise InputError(f"--intensity-cut is a percentage between 0 and 100; got {intensity_cut}")
        res = cbam(exporter, ys if ys is not None else CBAM_YEARS, ets_price=ets_price, price_path=path,
                   price_outlook=cast(Optional[PriceOutlook], price_outlook), intensities=ints,
                   origin_carbon_price=origin_price,
                   intensity_cut=None if intensity_cut is None else intensity_cut / 100.0,
                   goods=parse_list(goods) or None, usd_per_eur=usd_per_eur, dataset=dataset, cscf=cscf,
                   unbenchmarked="no_adjustment" if cost_unbenchmarked else "not_costed")
        if fmt is Format.table:
            res = terminal_view(res, detail)
        emit(res, fmt, title=SUMMARY_TITLE.format(exporter=res.provenance["exporter"]) if not detail else
             f"CBAM cost of {res.provenance['exporter']}'s goods to the EU per good (EUR)")
