"""UN Comtrade bulk / API CSV exports (reporterISO, partnerISO, flowCode, cmdCode, primaryValue, netWgt, ...).

Imports (flowCode M) give importer = reporter, exporter = partner; exports (X) the reverse.  When a file
holds both sides of the same flow, the import report is kept by default (``prefer="imports"``, as
CEPII BACI and most mirror analyses do: importers' CIF declarations are more reliable) — the choice is
recorded in the dataset notes.  World (W00) partner rows are aggregates and are dropped; so are rows
broken down by second partner, customs procedure or transport mode when the totals are present.
netWgt is in kilograms → tonnes; primaryValue in USD.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import pandas as pd
import pyarrow as pa

from samarkand.errors import DataError
from samarkand.sources import validate as V
from samarkand.sources.base import ImportPlan, Progress, sha256_files
from samarkand.sources.tabular import read_table, require_columns

REQUIRED = ["reporterISO", "partnerISO", "flowCode", "cmdCode", "primaryValue"]
AGGREGATE_PARTNERS = {"W00"}
CLASSIFICATION = {"H0": "HS92", "H1": "HS96", "H2": "HS02", "H3": "HS07", "H4": "HS12", "H5": "HS17", "H6": "HS22"}


def plan_comtrade(path: Path | str, *, prefer: Literal["imports", "exports"] = "imports",
                  years: list[int] | None = None, name: str | None = None) -> ImportPlan:
    """Plan the import of a UN Comtrade export: import reports kept over mirror reports (``prefer``)."""
    path = Path(path)
    label = str(path)
    df = read_table(path)
    require_columns(df, REQUIRED, file=label)
    if "refYear" not in df.columns and "period" not in df.columns:
        raise DataError("malformed header: needs refYear or period", file=label, row=1)
    notes: list[str] = []
    df, flow = _bilateral_rows(df, label, notes)
    df, flow, year = _years(df, flow, label, years)
    from samarkand.economies import countries

    iso = frozenset(countries()["iso3"])
    rep = df["reporterISO"].str.strip().str.upper()
    par = df["partnerISO"].str.strip().str.upper()
    V.member_of(df.assign(reporterISO=rep), "reporterISO", iso, file=label, what="reporter ISO3 code")
    V.member_of(df.assign(partnerISO=par), "partnerISO", iso, file=label, what="partner ISO3 code")
    rev = _classification(df, label)
    from samarkand.products import codes as hs_codes

    hs6 = V.hs6_codes(df, "cmdCode", hs_codes(rev) if rev else None, file=label, revision=rev or "HS")
    value = V.numeric(df, "primaryValue", file=label)
    qty = (V.numeric(df, "netWgt", file=label, nullable=True) / 1000.0) if "netWgt" in df.columns \
        else pd.Series(float("nan"), index=df.index)
    is_import = flow == "M"
    out = pd.DataFrame({"year": year, "exporter": par.where(is_import, rep), "importer": rep.where(is_import, par),
                        "hs6": hs6, "value_usd": value, "quantity_t": qty,
                        "_side": is_import.map({True: "M", False: "X"}),
                        "_line": df["_line"]})
    out = _one_report_per_flow(out, prefer, label, notes)
    table = V.to_arrow(out["year"], out["exporter"], out["importer"], out["hs6"], out["value_usd"], out["quantity_t"])
    size = path.stat().st_size

    def batches(progress: Progress | None = None) -> Iterator[pa.Table]:
        if progress:
            progress(size)
        yield table

    return ImportPlan(name=name or f"comtrade-{path.stem}", source="comtrade", release=None, hs_revision=rev,
                      files=[label], checksum=sha256_files([path]), total_bytes=size, batches=batches, notes=notes)


def _bilateral_rows(df: pd.DataFrame, label: str, notes: list[str]) -> tuple[pd.DataFrame, pd.Series]:
    """Totals only where breakdowns exist, M/X flows only, no World partner; each drop noted in ``notes``."""
    for col, total in (("partner2Code", "0"), ("customsCode", "C00"), ("motCode", "0")):
        if col in df.columns:
            keep = df[col].str.strip().isin([total, ""])
            if (~keep).any():
                notes.append(f"dropped {int((~keep).sum())} rows broken down by {col} (kept totals {total})")
            df = df[keep]
    flow = df["flowCode"].str.strip().str.upper()
    other = ~flow.isin(["M", "X"])
    if other.any():
        notes.append(f"dropped {int(other.sum())} rows with flowCode other than M/X "
                     f"({', '.join(sorted(flow[other].unique())[:5])})")
    df, flow = df[~other], flow[~other]
    partner = df["partnerISO"].str.strip().str.upper()
    agg = partner.isin(AGGREGATE_PARTNERS)
    if agg.any():
        notes.append(f"dropped {int(agg.sum())} rows with partner World (W00)")
    df, flow = df[~agg], flow[~agg]
    if df.empty:
        raise DataError("no bilateral import or export rows left (only aggregates or other flows)", file=label, row=2)
    return df, flow


def _years(df: pd.DataFrame, flow: pd.Series, label: str,
           years: list[int] | None) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """Each row's year (refYear, or a period's first four digits), checked, and the rows of ``years`` only."""
    year_col = "refYear" if "refYear" in df.columns else "period"
    period = df[year_col].str.strip()
    if year_col == "period":             # a monthly period is YYYYMM: its year is the first four digits
        monthly = period.str.fullmatch(r"\d{6}").fillna(False).astype(bool)
        period = period.where(~monthly, period.str[:4])
    year = V.years(df.assign(**{year_col: period}), year_col, file=label)
    if years:
        missing = sorted(set(years) - set(year.unique()))
        if missing:
            raise DataError(f"year(s) {', '.join(map(str, missing))} not in the file (years present: "
                            f"{', '.join(map(str, sorted(year.unique())))})", file=label, field=year_col)
        sel = year.isin(years)
        df, flow, year = df[sel], flow[sel], year[sel]
    return df, flow, year


def _classification(df: pd.DataFrame, label: str) -> str | None:
    """The HS revision of the file's classificationCode (one per file), None when the column is absent."""
    if "classificationCode" not in df.columns:
        return None
    cls = set(df["classificationCode"].str.strip().unique())
    if len(cls) > 1:
        raise DataError(f"mixed classifications {sorted(cls)}: import them separately", file=label,
                        field="classificationCode")
    return CLASSIFICATION.get(cls.pop())


def _one_report_per_flow(out: pd.DataFrame, prefer: str, label: str, notes: list[str]) -> pd.DataFrame:
    """No key twice on one side; a flow reported by both sides keeps the ``prefer`` side's report (noted)."""
    keys = ["year", "exporter", "importer", "hs6"]
    for side in ("M", "X"):
        V.duplicates_in(out[out["_side"] == side], keys, file=label)
    both = out.duplicated(keys, keep=False)
    if both.any():
        drop = "X" if prefer == "imports" else "M"
        n = int((both & (out["_side"] == drop)).sum())
        out = out[~(both & (out["_side"] == drop))]
        notes.append(f"{n} flows reported by both sides: kept the {prefer[:-1]} report ({'M' if drop == 'X' else 'X'})")
    return out
