"""`samarkand batch dependencies --engine spark --years 1995-2024 --out results/`: screens of many reporters
and years written to Parquet partitioned by year (``out/year=YYYY/part-0.parquet``, provenance in
``out/_provenance.json``), on DuckDB or Spark.  Also prints the many-reporter screen of ``samarkand
dependencies --all-reporters`` / ``dependencies KAZ,EU27``.
"""
from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any, Optional

import typer

from samarkand.cli.common import parse_list, parse_years
from samarkand.cli.output import Format, emit, err_console, working
from samarkand.engine import Engine
from samarkand.errors import InputError

PANEL_TABLE_COLUMNS = ["reporter", "hs6", "extra_imports_usd", "import_export_ratio", "import_hhi", "top3_suppliers",
                       "dependent"]

batch_app = typer.Typer(help="Screens of many reporters and years written to Parquet (DuckDB or Spark).",
                        no_args_is_help=True)


def screen_panel_cmd(reporters: list[str] | None, year: int | None, method: Any, *, thresholds: Any,
                     measure: Any, dataset: str | None, engine: Engine, spark_master: str | None,
                     spark_remote: str | None, fmt: Format, top: int | None) -> None:
    """Print the screen of several reporters (or every importer) for one year."""
    from samarkand.methods.dependencies import screen_reporters
    from samarkand.provenance import Result

    who = "every importer" if reporters is None else ", ".join(reporters)
    with working(f"screening {who} ({method}, {engine})"):
        res = screen_reporters(reporters, year, method, dataset=dataset, thresholds=thresholds, measure=measure,
                               engine=engine, spark_master=spark_master, spark_remote=spark_remote)
    table = res.table if top is None else res.table.head(top)
    if fmt is Format.table:   # the terminal shows the key columns; csv / json carry them all
        table = table[PANEL_TABLE_COLUMNS + (["years_met"] if method == "geodep" else [])]
    emit(Result(table, res.provenance, {}, res.notes), fmt,
         title=f"{who} {res.provenance['year']}: products screened ({method}, {engine})",
         max_rows=None if top else 60)


def _open_source(data: str | None, dataset: str | None, engine: str, master: str | None, remote: str | None):
    """``flows`` for screen_reporters: a SparkFlows over ``data`` (a path or URL), else None (the store)."""
    if data is None:
        return None
    if engine != "spark":
        raise InputError("--data (a path or URL in the store layout) is read by Spark: add --engine spark, or "
                         "import the files with `samarkand data import` and use --dataset")
    if dataset is not None:
        raise InputError("give either --data (files) or --dataset (the store), not both")
    from samarkand.engine import SparkFlows, spark_session

    return SparkFlows(spark_session(master, remote), data, keys_unique=False)


def _write_year(df, out: str, year: int, session: Any) -> str:
    """Write one year's screen under ``out/year=YYYY`` (Spark's writer for a URL, pyarrow for a local path)."""
    part = df.drop(columns=["year"])
    if "://" in out:
        session.createDataFrame(part).write.mode("overwrite").parquet(f"{out.rstrip('/')}/year={year}")
        return f"{out.rstrip('/')}/year={year}"
    folder = Path(out) / f"year={year}"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    part.to_parquet(folder / "part-0.parquet", index=False)
    return str(folder)


@batch_app.command("dependencies")
def batch_dependencies_cmd(
    out: str = typer.Option(..., "--out", "-o", help="output folder or URL (s3a://…, with --engine spark)"),
    years: Optional[str] = typer.Option(None, "--years", help="years screened: 2024, 2020-2024 (default: latest)"),
    reporters: Optional[str] = typer.Option(None, "--reporters", "-r",
                                            help="comma-separated countries or blocs (default: every importer)"),
    method: str = typer.Option("ec2021", "--method", "-m", help="ec2021 | geodep"),
    threshold: list[str] = typer.Option([], "--threshold", "-t", help="override a threshold: hhi=0.5, ratio=1"),
    measure: str = typer.Option("value", "--measure", help="value (USD) | quantity (tonnes)"),
    dataset: Optional[str] = typer.Option(None, "--dataset", help="dataset in the store (default: latest import)"),
    data: Optional[str] = typer.Option(None, "--data", help="flows in the store layout at a path or URL Spark "
                                                            "can read (year=YYYY/*.parquet); --engine spark"),
    engine: str = typer.Option("duckdb", "--engine", help="duckdb | spark"),
    spark_master: Optional[str] = typer.Option(None, "--spark-master", help="local[2] (default), spark://…, yarn"),
    spark_remote: Optional[str] = typer.Option(None, "--spark-remote", help="Spark Connect URL: sc://host:15002"),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table | csv | json (the summary)"),
) -> None:
    """Screen every reporter (or --reporters) for each year and write the results as Parquet by year."""
    from samarkand.cli.dependencies import _parse_thresholds
    from samarkand.engine import check_engine, spark_session
    from samarkand.methods.dependencies import Measure, Method, screen_reporters
    from samarkand.options import check_option
    from samarkand.provenance import Result

    engine_name = check_engine(engine)
    method_name = check_option("method", method, Method)
    measure_name = check_option("measure", measure, Measure)
    flows = _open_source(data, dataset, engine, spark_master, spark_remote)
    wanted: list[int | None] = list(parse_years(years) or []) or [None]
    codes = parse_list(reporters) or None
    thr = _parse_thresholds(threshold) or None
    session = spark_session(spark_master, spark_remote) if engine == "spark" else None
    rows, provenance = [], {}
    for i, y in enumerate(wanted, 1):
        with working(f"year {y or 'latest'} ({i}/{len(wanted)}), {engine}"):
            t0 = time.perf_counter()
            res = screen_reporters(codes, y, method_name, flows=flows, dataset=dataset, thresholds=thr,
                                   measure=measure_name, engine=engine_name, spark_master=spark_master,
                                   spark_remote=spark_remote)
            year = int(res.provenance["year"])
            where = _write_year(res.table, out, year, session)
        provenance[str(year)] = res.provenance
        rows.append({"year": year, "reporters": int(res.table["reporter"].nunique()), "rows": len(res.table),
                     "dependent": int(res.table["dependent"].sum()), "seconds": round(time.perf_counter() - t0, 2),
                     "written": where})
        err_console.print(f"year {year}: {len(res.table):,} rows → {where}", highlight=False, markup=False)
    _write_provenance(out, provenance, session)
    import pandas as pd

    summary = Result(pd.DataFrame(rows), {"method": method, "engine": engine, "out": out,
                                          "years": sorted(int(y) for y in provenance),
                                          "dataset": next(iter(provenance.values()))["dataset"],
                                          "source": next(iter(provenance.values()))["source"],
                                          "thresholds": next(iter(provenance.values()))["thresholds"]})
    emit(summary, fmt, title=f"batch dependencies ({method}, {engine}) → {out}")


def _write_provenance(out: str, provenance: dict[str, Any], session: Any) -> None:
    text = json.dumps(provenance, indent=2, default=str)
    if "://" in out:
        session.createDataFrame([(text,)], "provenance string").coalesce(1).write.mode("overwrite").text(
            f"{out.rstrip('/')}/_provenance")
        return
    Path(out).mkdir(parents=True, exist_ok=True)
    (Path(out) / "_provenance.json").write_text(text + "\n", encoding="utf-8")


def register(app: typer.Typer) -> None:
    """Add the ``batch`` command group to the ``samarkand`` app."""
    app.add_typer(batch_app, name="batch")
