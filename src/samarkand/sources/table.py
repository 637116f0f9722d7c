"""A generic CSV/Parquet flows table with a column mapping given on the command line.

``mapping`` names, for each canonical column, the source column: ``{"year": "Year", "exporter": "From",
"importer": "To", "hs6": "Code", "value_usd": "Value", "quantity_t": "Qty"}`` (quantity optional).
Units are explicit: ``value_unit`` usd | kusd | musd; ``quantity_unit`` t | kg.  Economies are ISO3 codes
(``country_scheme="iso3"``) or names resolved through country_converter (``"name"``).
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import pandas as pd
import pyarrow as pa

from samarkand.errors import DataError, InputError
from samarkand.sources import validate as V
from samarkand.sources.base import ImportPlan, Progress, sha256_files
from samarkand.sources.tabular import read_table, require_columns

VALUE_SCALE = {"usd": 1.0, "kusd": 1_000.0, "musd": 1_000_000.0}
HS_REVISIONS = ("HS92", "HS96", "HS02", "HS07", "HS12", "HS17", "HS22")
QTY_SCALE = {"t": 1.0, "kg": 0.001}
CANONICAL = ["year", "exporter", "importer", "hs6", "value_usd", "quantity_t"]


def parse_mapping(text: str) -> dict[str, str]:
    """'year=Year,exporter=From,...' → dict; unknown canonical names are an InputError."""
    out = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        if "=" not in part:
            raise InputError(f"--map entry '{part}' is not canonical=source")
        k, v = (s.strip() for s in part.split("=", 1))
        if k not in CANONICAL:
            raise InputError(f"--map: '{k}' is not a canonical column ({', '.join(CANONICAL)})")
        out[k] = v
    return out


def plan_table(path: Path | str, mapping: dict[str, str], *, value_unit: Literal["usd", "kusd", "musd"] = "usd",
               quantity_unit: Literal["t", "kg"] = "t", country_scheme: Literal["iso3", "name"] = "iso3",
               hs_revision: str | None = None, years: list[int] | None = None, year: int | None = None,
               name: str | None = None) -> ImportPlan:
    """Plan the import of a generic flows table with an explicit column ``mapping`` and units."""
    path = Path(path)
    label = str(path)
    needed = [c for c in CANONICAL if c != "quantity_t" and not (c == "year" and year is not None)]
    missing = [c for c in needed if c not in mapping]
    if missing:
        raise InputError(f"--map must name the source column for {', '.join(missing)}")
    if value_unit not in VALUE_SCALE or quantity_unit not in QTY_SCALE:
        raise InputError(f"units: value in {sorted(VALUE_SCALE)}, quantity in {sorted(QTY_SCALE)}")
    if hs_revision is not None:
        from samarkand.products import normalise_revision

        if normalise_revision(hs_revision) not in HS_REVISIONS:
            raise InputError(f"--hs-revision '{hs_revision}' is not an HS revision ({', '.join(HS_REVISIONS)})")
        hs_revision = normalise_revision(hs_revision)
    if year is not None:
        V.check_year(year, what="--year")
    df = read_table(path)
    require_columns(df, [mapping[c] for c in CANONICAL if c in mapping], file=label)
    f = {c: mapping.get(c) for c in CANONICAL}
    if f["year"]:
        yr = V.years(df, f["year"], file=label)
    else:
        assert year is not None  # a mapping without 'year' needs --year: checked above (``needed``)
        yr = pd.Series(int(year), index=df.index)
    if years:
        sel = yr.isin(years)
        if not sel.any():
            raise DataError(f"year(s) {years} not in the file (years present: {sorted(yr.unique())})",
                            file=label, field=f["year"])
        df, yr = df[sel], yr[sel]
    from samarkand import economies

    if country_scheme == "iso3":
        iso = frozenset(economies.countries()["iso3"])
        exp = df[mapping["exporter"]].str.strip().str.upper()
        imp = df[mapping["importer"]].str.strip().str.upper()
        for col, codes in ((mapping["exporter"], exp), (mapping["importer"], imp)):
            V.member_of(df.assign(**{col: codes}), col, iso, file=label, what="ISO3 country code")
    else:
        exp = economies.to_iso3(df[mapping["exporter"]].reset_index(drop=True), file=label, field=mapping["exporter"])
        imp = economies.to_iso3(df[mapping["importer"]].reset_index(drop=True), file=label, field=mapping["importer"])
        exp.index = imp.index = df.index
    from samarkand.products import codes as hs_codes

    known = hs_codes(hs_revision) if hs_revision else None
    hs6 = V.hs6_codes(df, mapping["hs6"], known, file=label, revision=hs_revision or "HS")
    value = V.numeric(df, mapping["value_usd"], file=label, scale=VALUE_SCALE[value_unit])
    qty = V.numeric(df, f["quantity_t"], file=label, nullable=True, scale=QTY_SCALE[quantity_unit]) if f["quantity_t"] \
        else pd.Series(float("nan"), index=df.index)
    out = pd.DataFrame({"year": yr, "exporter": exp, "importer": imp, "hs6": hs6, "_line": df["_line"]})
    V.duplicates_in(out, ["year", "exporter", "importer", "hs6"], file=label)
    table = V.to_arrow(yr, exp, imp, hs6, value, qty)
    size = path.stat().st_size

    def batches(progress: Progress | None = None) -> Iterator[pa.Table]:
        if progress:
            progress(size)
        yield table

    notes = [f"column mapping {mapping}; value unit {value_unit}; quantity unit {quantity_unit}"]
    return ImportPlan(name=name or f"table-{path.stem}", source="table", release=None, hs_revision=hs_revision,
                      files=[label], checksum=sha256_files([path]), total_bytes=size, batches=batches, notes=notes)
