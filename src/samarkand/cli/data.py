"""`samarkand data ...`: list, import, fetch, remove datasets in the store."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn

from samarkand.cli.common import parse_years
from samarkand.cli.output import Format, console, err_console, print_frame

data_app = typer.Typer(help="The data home: list, import and fetch trade-flow datasets.", no_args_is_help=True)


def _bytes_progress() -> Progress:
    return Progress(TextColumn("[bold]{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                    TimeRemainingColumn(), console=err_console, transient=True,
                    disable=not err_console.is_terminal)      # no bar, no blank line in scripts' stderr


@data_app.command("list")
def list_datasets(fmt: Format = typer.Option(Format.table, "--format", help="table | csv | json"),
                  references: bool = typer.Option(True, "--references/--no-references",
                                                  help="also list the shipped reference tables")) -> None:
    """Datasets in the store (the default marked; most recent import first, then the shipped one) and reference tables."""
    import json
    import sys
    from dataclasses import asdict

    import pandas as pd

    from samarkand import reference
    from samarkand.store import Store

    store = Store()
    ds = store.datasets()
    refs = [{"table": n, **{k: reference.meta(n).get(k) for k in ("title", "source", "licence", "version", "rows")}}
            for n in reference.available()] if references else []
    if fmt is Format.json:
        sys.stdout.write(json.dumps({"home": str(store.home), "default": store.default_name(),
                                     "datasets": [asdict(d) for d in ds],
                                     "references": refs}, indent=2, default=str) + "\n")
        return
    default = store.default_name()
    rows = pd.DataFrame([{"name": d.name, "default": d.name == default, "source": d.source,
                          "release": d.release or "", "hs_revision": _hs_revision_text(d.hs_revision),
                          "years": f"{min(d.years)}–{max(d.years)}" if d.years else "", "rows": d.rows,
                          "checksum": (d.checksum or "")[:16], "imported_at": d.imported_at or ""}
                         for d in ds])
    if fmt is Format.csv:
        rows.to_csv(sys.stdout, index=False)
        return
    shown = rows.assign(default=["✓" if x else "" for x in rows["default"]])
    shown = shown.assign(source=[f"{s} {r}".strip() for s, r in zip(shown["source"], shown["release"])])
    print_frame(shown[["name", "default", "source", "hs_revision", "years", "rows"]],
                title=f"Datasets in {store.home}")
    how = (f"$SAMARKAND_DATASET={escape(default)}" if os.environ.get("SAMARKAND_DATASET", "").strip()
           else "change it with `samarkand data default NAME`")
    console.print(f"default dataset: {escape(default)} ({how})", highlight=False)
    if refs:
        print_frame(pd.DataFrame([{"table": r["table"], "title": r["title"], "rows": r["rows"]} for r in refs]),
                    title="Shipped reference tables")
        console.print("sources and licences of each table: `samarkand data list --format json` (the 'references' "
                      "list)", highlight=False)


def _hs_revision_text(rev: str | dict | None) -> str:
    """'HS22', or the distinct revisions of a dataset that mixes them per year ('HS92/HS17'); '' when unknown."""
    if rev is None:
        return ""
    if isinstance(rev, str):
        return rev
    return "/".join(sorted({str(v).split(" ")[0] for v in rev.values()}))


@data_app.command("default")
def default_cmd(name: Optional[str] = typer.Argument(None, help="dataset to use when --dataset is not given "
                                                                "(omit to show the current default)")) -> None:
    """Show or choose the dataset every command uses when --dataset is not given ($SAMARKAND_DATASET overrides)."""
    from samarkand.store import SHIPPED_NAME, Store

    store = Store()
    if name is None:
        console.print(escape(store.default_name()), highlight=False)
        return
    info = store.set_default(name)
    console.print(f"default dataset: {escape(info.name)}"
                  + (" (the shipped one)" if info.name == SHIPPED_NAME else ""), highlight=False)
    if os.environ.get("SAMARKAND_DATASET", "").strip():
        err_console.print(f"[yellow]note:[/] $SAMARKAND_DATASET={escape(os.environ['SAMARKAND_DATASET'])} "
                          "still overrides it in this shell", highlight=False)


@data_app.command("import")
def import_cmd(
    path: Path = typer.Argument(..., help="BACI zip/CSV, Comtrade CSV, or a CSV/Parquet table"),
    source: Optional[str] = typer.Option(None, "--source", help="baci | comtrade | table (default: detected)"),
    name: Optional[str] = typer.Option(None, "--name",
                                       help="dataset name (default from the file, e.g. baci-hs22-v202501)"),
    replace: bool = typer.Option(False, "--replace", help="replace a dataset of the same name, atomically"),
    make_default: bool = typer.Option(False, "--default", help="also make it the default dataset (otherwise the "
                                                               "default does not change)"),
    years: Optional[str] = typer.Option(None, "--years", help="only these years, e.g. 2022 2023 or 2018-2023"),
    mapping: Optional[str] = typer.Option(None, "--map", help="table: year=COL,exporter=COL,importer=COL,hs6=COL,"
                                                              "value_usd=COL[,quantity_t=COL]"),
    value_unit: str = typer.Option("usd", "--value-unit", help="table: usd | kusd | musd"),
    quantity_unit: str = typer.Option("t", "--quantity-unit", help="table: t | kg"),
    country_scheme: str = typer.Option("iso3", "--country-scheme", help="table: iso3 | name"),
    hs_revision: Optional[str] = typer.Option(None, "--hs-revision", help="table: HS92..HS22 (validates codes)"),
    prefer: str = typer.Option("imports", "--prefer",
                               help="comtrade: imports | exports, when both sides report a flow"),
) -> None:
    """Validate a source file and import it as a named dataset (atomic: a failed import changes nothing)."""
    from samarkand.errors import InputError
    from samarkand.sources import plan_import
    from samarkand.sources.table import parse_mapping
    from samarkand.store import Store

    if source is not None and source not in ("baci", "comtrade", "table"):
        raise InputError(f"--source must be baci, comtrade or table, not '{source}'")
    if prefer not in ("imports", "exports"):
        raise InputError("--prefer must be imports or exports")
    opts = dict(years=parse_years(years), name=name, value_unit=value_unit, quantity_unit=quantity_unit,
                country_scheme=country_scheme, hs_revision=hs_revision, prefer=prefer,
                mapping=parse_mapping(mapping) if mapping else None)
    plan = plan_import(path, source, **opts)
    store = Store()
    with _bytes_progress() as prog:
        task = prog.add_task(f"importing {escape(plan.name)}", total=plan.total_bytes or None)
        info = store.import_batches(plan.name, plan.batches(lambda n: prog.advance(task, n)), source=plan.source,
                                    release=plan.release, hs_revision=plan.hs_revision, checksum=plan.checksum,
                                    source_files=plan.files, replace=replace, notes=plan.notes,
                                    keys_unique=plan.keys_unique, default=make_default)
    _report(info, store.default_name())


def _report(info, default: str) -> None:
    console.print(f"[green]imported[/] {escape(info.name)}: {info.rows:,} rows, years "
                  f"{', '.join(map(str, info.years))}, sha256 {info.checksum}", highlight=False)
    if default != info.name:
        console.print(f"the default dataset is still {escape(default)}; use --dataset {escape(info.name)}, or "
                      f"`samarkand data default {escape(info.name)}`", highlight=False)
    for n in info.notes:
        console.print(f"[yellow]note:[/] {escape(n)}", highlight=False)


@data_app.command("fetch")
def fetch_cmd(
    source: str = typer.Argument(..., help="baci (CEPII BACI)"),
    hs: str = typer.Option("HS22", "--hs", help="HS revision: HS92, HS96, HS02, HS07, HS12, HS17, HS22"),
    release: str = typer.Option(..., "--release", help="BACI release, e.g. 202501"),
    years: Optional[str] = typer.Option(None, "--years", help="import only these years, e.g. 2022 2023"),
    base_url: Optional[str] = typer.Option(None, "--base-url",
                                           help="mirror URL (default CEPII; or $SAMARKAND_BACI_URL)"),
    replace: bool = typer.Option(False, "--replace", help="replace a dataset of the same name, atomically"),
    name: Optional[str] = typer.Option(None, "--name", help="dataset name (default e.g. baci-hs22-v202501)"),
    make_default: bool = typer.Option(False, "--default", help="also make it the default dataset"),
) -> None:
    """Download a BACI release from CEPII (resumable, checksum recorded) and import it."""
    from samarkand.errors import InputError
    from samarkand.sources.fetch import fetch_baci
    from samarkand.store import Store

    if source.lower() != "baci":
        raise InputError("fetch knows 'baci' only (Comtrade files: download them and use `samarkand data import`)")
    with _bytes_progress() as prog:
        dl = prog.add_task(f"downloading BACI {escape(hs.upper())} V{escape(release)}", total=None)
        imp = prog.add_task("importing", total=None, visible=False)

        def on_download(got: int, total: int | None) -> None:
            prog.update(dl, completed=got, total=total)

        def on_import(n: int) -> None:
            prog.update(imp, visible=True, advance=n)

        info, url = fetch_baci(hs, release, years=parse_years(years), base_url=base_url, replace=replace, name=name,
                               download_progress=on_download, import_progress=on_import)
    console.print(f"from {escape(url)}", highlight=False)
    store = Store()
    if make_default:
        store.set_default(info.name)
    _report(info, store.default_name())


@data_app.command("remove")
def remove_cmd(name: str = typer.Argument(...)) -> None:
    """Remove an imported dataset (the shipped one cannot be removed)."""
    from samarkand.store import Store

    Store().remove(name)
    console.print(f"removed {escape(name)}", highlight=False)


@data_app.command("sweep")
def sweep_cmd() -> None:
    """Remove leftovers of interrupted imports and old versions no reader holds (only samarkand's own files)."""
    from samarkand.store import Store

    removed = Store().sweep()
    for p in removed:
        console.print(f"removed {escape(p)}", highlight=False)
    console.print(f"{len(removed)} leftover(s) removed", highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(data_app, name="data")
