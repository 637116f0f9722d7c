"""`samarkand cbam EXPORTER`: CBAM cost of an exporter's goods sent to the EU, 2026–2034."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from samarkand.cli.common import parse_list, parse_years
from samarkand.cli.output import Format, emit
from samarkand.errors import DataError, InputError


def _read_csv(path: Path, what: str):
    """A user's small CSV as strings, with its columns keyed by lower-case name."""
    import pandas as pd

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
    for i, (y, v) in enumerate(zip(df[cols["year"]], df[vcol]), start=2):
        try:
            yy = int(str(y).strip())
        except ValueError:
            raise DataError(f"'{y}' is not a year", file=str(path), row=i, field="year") from None
        try:
            vv = float(str(v).strip())
        except ValueError:
            raise DataError(f"'{v}' is not a number", file=str(path), row=i, field=vcol) from None
        if vv < 0 or vv != vv:
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
    for i, (c, v) in enumerate(zip(df[ccol], df[vcol]), start=2):
        try:
            vv = float(str(v).strip())
        except ValueError:
            raise DataError(f"'{v}' is not a number", file=str(path), row=i, field=vcol) from None
        if vv < 0 or vv != vv:
            raise DataError(f"{what} must be non-negative tCO2e per tonne; got {v}", file=str(path), row=i,
                            field=vcol)
        try:
            hs6 = check_good(c)["hs6"]
        except InputError as exc:
            raise DataError(str(exc), file=str(path), row=i, field=ccol) from None
        out[hs6] = vv
    return out


def register(app: typer.Typer) -> None:
    @app.command("cbam")
    def cbam_cmd(
        exporter: str = typer.Argument(..., help="exporting country (ISO3 or name), e.g. KAZ"),
        years: Optional[str] = typer.Option("2026-2034", "--years", help="CBAM years, e.g. 2026-2034 or 2026,2030"),
        ets_price: Optional[float] = typer.Option(None, "--ets-price",
                                                  help="EU certificate price, EUR/tCO2e, all years (default 80)"),
        price_path: Optional[Path] = typer.Option(None, "--price-path",
                                                  help="CSV year,price (EUR/tCO2e) — instead of --ets-price"),
        intensities: Optional[Path] = typer.Option(None, "--intensities",
                                                   help="CSV hs6,intensity: actual tCO2e per tonne (no mark-up)"),
        origin_price: float = typer.Option(0.0, "--origin-price",
                                           help="carbon price effectively paid at origin, EUR/tCO2e (Art. 9)"),
        intensity_cut: Optional[float] = typer.Option(None, "--intensity-cut",
                                                      help="percent: saving if intensities fall by this much"),
        goods: Optional[str] = typer.Option(None, "--goods", help="restrict to these HS6/CN codes (comma list)"),
        usd_per_eur: float = typer.Option(1.1827, "--usd-per-eur",
                                          help="USD per EUR for export values (default: ECB 2021 average)"),
        dataset: Optional[str] = typer.Option(None, "--dataset", help="flows dataset in the store"),
        fmt: Format = typer.Option(Format.table, "--format", help="table | csv | json"),
    ) -> None:
        """CBAM cost per good and year (EUR and share of export value), the goods carrying most, and the saving
        from an intensity cut. Goods come from the flows in the store, else from the shipped fact table."""
        from samarkand.methods.cbam import cbam

        if ets_price is not None and price_path is not None:
            raise InputError("give either --ets-price or --price-path, not both")
        ys = parse_years(years)
        path = read_year_values(price_path, ("price", "price_eur", "eur"), "price path") if price_path else None
        ints = read_code_values(intensities, ("intensity", "tco2e_per_t", "value"), "intensity") \
            if intensities else None
        if intensity_cut is not None and not (0 <= intensity_cut <= 100):
            raise InputError(f"--intensity-cut is a percentage between 0 and 100; got {intensity_cut}")
        res = cbam(exporter, ys if ys is not None else range(2026, 2035),
                   ets_price=80.0 if ets_price is None else ets_price, price_path=path, intensities=ints,
                   origin_carbon_price=origin_price,
                   intensity_cut=None if intensity_cut is None else intensity_cut / 100.0,
                   goods=parse_list(goods) or None, usd_per_eur=usd_per_eur, dataset=dataset)
        if fmt is Format.table:
            res.table = res.table.drop(columns=["intensity_source", "base_year", "free_allocation_share",
                                                "sector"])
        emit(res, fmt, title=f"CBAM cost of {res.provenance['exporter']}'s goods to the EU (EUR)")
