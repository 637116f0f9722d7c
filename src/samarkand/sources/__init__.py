"""Source readers (BACI, Comtrade, generic table) and the import entry point.

Every reader returns an :class:`~samarkand.sources.base.ImportPlan`; :func:`import_file` hands its batches
to :meth:`samarkand.store.Store.import_batches`, which writes them atomically.  A DataError raised by a
reader at any row aborts the import and leaves the store as it was.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from samarkand.errors import DataError, InputError
from samarkand.sources.base import ImportPlan, Progress
from samarkand.store import DatasetInfo, Store

SourceKind = Literal["baci", "comtrade", "table"]


def detect_source(path: Path) -> SourceKind:
    """Guess the format: BACI zip/CSV by name, Comtrade by its header, else a generic table."""
    from samarkand.sources.baci import DATA_RE

    if path.suffix.lower() == ".zip" or DATA_RE.search(path.name) or path.is_dir():
        return "baci"
    if path.suffix.lower() == ".csv" and path.exists():
        with open(path, "rb") as fh:
            head = fh.readline().decode("utf-8-sig", errors="replace")
        if "reporterISO" in head and "partnerISO" in head:
            return "comtrade"
    return "table"


def plan_import(path: Path | str, source: SourceKind | None = None, **options: Any) -> ImportPlan:
    """The import plan of one file: its reader (given or detected) with the options that reader takes."""
    path = Path(path)
    if options.get("name") is not None:
        from samarkand.store import check_dataset_name

        check_dataset_name(options["name"])        # before reading a large file
    if not path.exists():
        raise DataError("no such file", file=str(path))
    kind = source or detect_source(path)
    if kind == "baci":
        from samarkand.sources.baci import plan_baci

        return plan_baci(path, years=options.get("years"), name=options.get("name"))
    if kind == "comtrade":
        from samarkand.sources.comtrade import plan_comtrade

        return plan_comtrade(path, prefer=options.get("prefer", "imports"), years=options.get("years"),
                             name=options.get("name"))
    if kind == "table":
        from samarkand.sources.table import plan_table

        mapping = options.get("mapping")
        if not mapping:
            raise InputError("a generic table needs a column mapping: --map year=...,exporter=...,importer=...,"
                             "hs6=...,value_usd=...[,quantity_t=...]")
        keep = {k: options[k] for k in ("value_unit", "quantity_unit", "country_scheme", "hs_revision", "years",
                                        "year", "name") if options.get(k) is not None}
        return plan_table(path, mapping, **keep)
    raise InputError(f"unknown source '{kind}' (baci, comtrade, table)")


def import_file(path: Path | str, source: SourceKind | None = None, *, replace: bool = False,
                home: Path | str | None = None, progress: Progress | None = None, **options: Any) -> DatasetInfo:
    """Validate and import one source file (or BACI zip) as a named dataset, atomically."""
    plan = plan_import(path, source, **options)
    store = Store(home)
    return store.import_batches(plan.name, plan.batches(progress), source=plan.source, release=plan.release,
                                hs_revision=plan.hs_revision, checksum=plan.checksum, source_files=plan.files,
                                replace=replace, notes=plan.notes, keys_unique=plan.keys_unique)


__all__ = ["ImportPlan", "detect_source", "import_file", "plan_import"]
